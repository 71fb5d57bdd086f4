#!/usr/bin/env bash
# Wall time of `dockguard bench` vs docker-bench-security on the same host and 20 containers,
# side by side in one run.
#
#   bench/bench-vs-dbs.sh DBS_DIR [RUNS] [CONTAINERS]
#
# DBS_DIR is a checkout of https://github.com/docker/docker-bench-security (never committed
# here). Needs root, the docker CLI and the test image dg-busybox:test (`cargo test -p dockguard
# --test bench` imports it). Creates CONTAINERS (default 20) running containers from it with a
# mix of settings, runs docker-bench-security once as its README says (`sh
# docker-bench-security.sh`, sections 1-7) and dockguard's release build RUNS times (default 5,
# best and median kept), both limited to these containers with `-i`, both writing their JSON
# log; prints the wall times and the ratio, then removes the containers.
set -euo pipefail
dbs=$(cd "${1:?usage: $0 DBS_DIR [RUNS] [CONTAINERS]}" && pwd)
runs=${2:-5}
count=${3:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
image=dg-busybox:test
prefix=dgbv-
work=$(mktemp -d -t dgbv.XXXXXX)
[ "$(id -u)" -eq 0 ] || { echo "run as root (docker-bench-security needs it)" >&2; exit 2; }
docker image inspect "$image" >/dev/null 2>&1 || { echo "no $image: run cargo test -p dockguard --test bench once" >&2; exit 2; }

cargo build --release --quiet -p dockguard --manifest-path "$root/Cargo.toml"
dockguard="$root/target/release/dockguard"

cleanup() {
  for i in $(seq "$count"); do docker rm -f -v "$prefix$i" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

settings=(
  ""
  "--cap-add SYS_ADMIN"
  "--pid host"
  "--read-only --cap-drop ALL --security-opt no-new-privileges --memory 64m --pids-limit 64 --user 1000"
  "-v /etc:/hostetc:ro"
  "--security-opt seccomp=unconfined"
  "--user 0:0 --memory 128m"
  "--net host"
  "-v /var/run/docker.sock:/var/run/docker.sock"
  "--restart on-failure:10 --cpus 0.5"
)
for i in $(seq "$count"); do
  # shellcheck disable=SC2086 # the settings are word lists
  docker run -d --name "$prefix$i" ${settings[$(( (i - 1) % ${#settings[@]} ))]} "$image" busybox sleep 3600 >/dev/null
done

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

cd "$dbs"
start=$(now)
sh docker-bench-security.sh -b -l "$work/dbs.log" -i "$prefix" >/dev/null 2>&1 || true
dbs_wall=$(elapsed "$start" "$(now)")

dg_walls=()
for _ in $(seq "$runs"); do
  start=$(now)
  "$dockguard" bench --no-config -i "$prefix" -f dbs-json -o "$work/dockguard.json" >/dev/null 2>&1 || true
  dg_walls+=("$(elapsed "$start" "$(now)")")
done
read -r dg_best dg_median < <(printf '%s\n' "${dg_walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)] }')

checks() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["checks"], d["score"])' "$1"; }
read -r dbs_checks dbs_score < <(checks "$work/dbs.log.json")
read -r dg_checks dg_score < <(checks "$work/dockguard.json")

echo "containers: $count  cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$(docker version --format 'engine {{.Server.Version}}'), dockguard $("$dockguard" --version | cut -d' ' -f2), docker-bench-security $(sed -n "s/^version='\(.*\)'/\1/p" docker-bench-security.sh) ($(git -C "$dbs" rev-parse --short HEAD 2>/dev/null || echo 'no git'))"
printf '%-34s %10s %8s %7s\n' tool "wall (s)" checks score
printf '%-34s %10s %8s %7s\n' "docker-bench-security (1 run)" "$dbs_wall" "$dbs_checks" "$dbs_score"
printf '%-34s %10s %8s %7s\n' "dockguard bench (best of $runs)" "$dg_best" "$dg_checks" "$dg_score"
printf '%-34s %10s\n' "dockguard bench (median of $runs)" "$dg_median"
awk -v d="$dbs_wall" -v b="$dg_best" -v m="$dg_median" 'BEGIN {
  printf "speed-up: %.0fx (best), %.0fx (median)\n", d / (b > 0.001 ? b : 0.001), d / (m > 0.001 ? m : 0.001) }'
