#!/usr/bin/env bash
# Side by side: `dockguard bench` vs docker-bench-security, check by check, on the issue's
# acceptance fleet and on a second dockerd started with a known daemon.json.
#
#   bench/compare-dbs.sh DBS_DIR
#
# DBS_DIR is a checkout of https://github.com/docker/docker-bench-security (never committed
# here). Needs root, the docker CLI, dockerd, unshare (util-linux), python3 and the test image
# dg-busybox:test (`cargo test -p dockguard --test bench` imports it). Prints, for each run, every
# check whose verdict or named containers differ; docs/bench-differences.md explains each one.
#
# Runs compared:
#   1. the fleet, docker-bench-security as its README says (`sh docker-bench-security.sh`) vs
#      dockguard's default (stopped and created containers included);
#   2. the same, dockguard with --running-only (docker-bench-security's container set);
#   3. the same with `bash` (the script's own shebang), to show what dash changes;
#   4. section 2 on a second dockerd (own network namespace, socket, data root) whose
#      daemon.json sets icc, live-restore, userland-proxy, no-new-privileges, log-level,
#      log-driver, an insecure registry, default ulimits and cgroup-parent.
set -euo pipefail
dbs=$(cd "${1:?usage: $0 DBS_DIR}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
image=dg-busybox:test
prefix=dgbc-
work=$(mktemp -d -t dgbc.XXXXXX)
[ "$(id -u)" -eq 0 ] || { echo "run as root (docker-bench-security and dockerd need it)" >&2; exit 2; }
docker image inspect "$image" >/dev/null 2>&1 || { echo "no $image: run cargo test -p dockguard --test bench once" >&2; exit 2; }

cargo build --release --quiet -p dockguard --manifest-path "$root/Cargo.toml"
dockguard="$root/target/release/dockguard"

names=(priv pidhost nethost rootmnt sock etcro sysadmin seccomp nnpfalse root00 nolimits stopped hard1 hard2)
daemon_pid=""
cleanup() {
  for n in "${names[@]}"; do docker rm -f -v "$prefix$n" >/dev/null 2>&1 || true; done
  if [ -n "$daemon_pid" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 1; done
  fi
  if grep -q " $work/data " /proc/self/mountinfo; then umount -l "$work/data" || true; fi
  for d in /sys/fs/cgroup/*/dgbench /sys/fs/cgroup/dgbench; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# The stopped container's cgroup parent: the systemd driver only takes a slice.
cgroup_parent=/dgbench
[ "$(docker info --format '{{.CgroupDriver}}')" = systemd ] && cgroup_parent=dgbench.slice

hardened=(--read-only --cap-drop ALL --security-opt no-new-privileges --memory 64m --pids-limit 64 --user 1000)
run() { docker run -d --name "$prefix$1" "${@:2}" "$image" busybox sleep 3600 >/dev/null; }
docker create --name "${prefix}priv" --privileged "$image" sh >/dev/null
run pidhost --pid=host
run nethost --net=host
run rootmnt -v /:/host
run sock -v /var/run/docker.sock:/var/run/docker.sock
run etcro -v /etc:/hostetc:ro
run sysadmin --cap-add SYS_ADMIN
run seccomp --security-opt seccomp=unconfined
run nnpfalse --security-opt no-new-privileges=false
run root00 --user 0:0 -p 0.0.0.0::80
run nolimits -p 127.0.0.1:1022:80
docker run --name "${prefix}stopped" --ipc=host --uts=host --userns=host --cap-add SYS_PTRACE \
  --restart on-failure:10 --cgroup-parent "$cgroup_parent" -v /var/run:/hostrun "$image" busybox true
run hard1 "${hardened[@]}"
run hard2 "${hardened[@]}"

compare() { # compare LABEL DBS_JSON DOCKGUARD_JSON
  python3 - "$@" <<'EOF'
import json, sys
label, dbs_path, dg_path = sys.argv[1:4]
def norm(check, item):
    item = item.strip()
    if check == "5.30" and ":" in item:   # "<id>:<name>"
        return item.split(":", 1)[1]
    if check.startswith("5.") and ":" in item:   # "<name>:<port>", "<name>:<path>"
        return item.split(":", 1)[0]
    return item
def load(path):
    log = json.load(open(path))
    out = {}
    for section in log["tests"]:
        for r in section["results"]:
            items = r.get("items") if isinstance(r.get("items"), list) else []
            out[r["id"]] = (r["result"], sorted(norm(r["id"], i) for i in items if i.strip()), r.get("details", ""))
    return log, out
dlog, dbs = load(dbs_path)
glog, dg = load(dg_path)
ids = list(dict.fromkeys(list(dbs) + list(dg)))
def agree(a, b):
    # docker-bench-security names no item on some checks (2.5, 2.8): then the verdict decides.
    return a is not None and b is not None and a[0] == b[0] and (not a[1] or a[1] == b[1])
same = sum(1 for i in ids if agree(dbs.get(i), dg.get(i)))
print(f"== {label}: {same} of {len(ids)} checks agree; docker-bench-security checks {dlog['checks']} "
      f"score {dlog['score']}, dockguard checks {glog['checks']} score {glog['score']}")
for i in ids:
    a, b = dbs.get(i), dg.get(i)
    if agree(a, b):
        continue
    va, vb = (a[0] if a else "-"), (b[0] if b else "-")
    more = sorted(set(b[1]) - set(a[1])) if a and b else []
    less = sorted(set(a[1]) - set(b[1])) if a and b else []
    extra = ""
    if more: extra += " dockguard also names " + " ".join(more)
    if less: extra += " dockguard does not name " + " ".join(less)
    print(f"  {i:8} docker-bench-security {va:4}  dockguard {vb:4}{extra}")
    if b and b[2] and va != vb: print(f"           dockguard: {b[2][:150]}")
EOF
}

cd "$dbs"
sh docker-bench-security.sh -b -l "$work/dbs-sh.log" -i "$prefix" -c cis,community >/dev/null 2>"$work/dbs-sh.err" || true
bash docker-bench-security.sh -b -l "$work/dbs-bash.log" -i "$prefix" -c cis,community >/dev/null 2>&1 || true
"$dockguard" bench --no-config -i "$prefix" -f dbs-json -o "$work/dg.json" || true
"$dockguard" bench --no-config -i "$prefix" --running-only -f dbs-json -o "$work/dg-running.json" || true
compare "fleet, sh, dockguard default" "$work/dbs-sh.log.json" "$work/dg.json"
compare "fleet, sh, dockguard --running-only" "$work/dbs-sh.log.json" "$work/dg-running.json"
compare "fleet, bash, dockguard --running-only" "$work/dbs-bash.log.json" "$work/dg-running.json"

# A second daemon, in a network namespace of its own so its bridge and iptables chains stay
# away from the host's. `--config-file=PATH`, not `--config-file PATH`: docker-bench-security
# only splits `-D -H -l -v` values off with `=`, so with a space it reads no daemon.json at all.
cat >"$work/daemon.json" <<'EOF'
{
  "icc": false,
  "live-restore": true,
  "userland-proxy": false,
  "no-new-privileges": true,
  "log-level": "info",
  "log-driver": "syslog",
  "log-opts": {"syslog-address": "udp://127.0.0.1:514"},
  "insecure-registries": ["registry.dgbench.invalid:5000"],
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},
  "cgroup-parent": "/dgbench-daemon"
}
EOF
unshare --net --fork --kill-child dockerd --config-file="$work/daemon.json" -H "unix://$work/d.sock" \
  --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/d.pid" >"$work/dockerd.log" 2>&1 &
for _ in $(seq 60); do [ -s "$work/d.pid" ] && DOCKER_HOST="unix://$work/d.sock" docker info >/dev/null 2>&1 && break; sleep 1; done
daemon_pid=$(cat "$work/d.pid")
DOCKER_HOST="unix://$work/d.sock" sh docker-bench-security.sh -b -l "$work/dbs-d-sh.log" -c docker_daemon_configuration >/dev/null 2>&1 || true
DOCKER_HOST="unix://$work/d.sock" bash docker-bench-security.sh -b -l "$work/dbs-d-bash.log" -c docker_daemon_configuration >/dev/null 2>&1 || true
"$dockguard" bench --no-config -H "unix://$work/d.sock" -c 2 -f dbs-json -o "$work/dg-d.json" || true
compare "second daemon, section 2, sh" "$work/dbs-d-sh.log.json" "$work/dg-d.json"
compare "second daemon, section 2, bash" "$work/dbs-d-bash.log.json" "$work/dg-d.json"
