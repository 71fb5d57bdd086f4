#!/usr/bin/env bash
# A fork storm under `dockguard watch` (issue 9): N short processes (default 10,000 execs of
# /bin/true from one shell loop), timed without the watcher and while it watches with the
# default rules, best of RUNS each. Reports the storm's wall time both ways (the overhead),
# the watcher's peak RSS, and its counters: events seen, evaluated, dropped (a full queue)
# and lost (kernel buffer overruns). Needs root and a Docker engine (for the docker source).
#
#   bench/watch-fork-storm.sh [N] [RUNS]
#
# DOCKGUARD=path uses a given build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
runs=${2:-3}
[ "$(id -u)" -eq 0 ] || { echo "needs root (the process connector and fanotify)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
find_dockguard "$root"
out=$(mktemp -d -t dgstorm.XXXXXX)
trap 'rm -rf "$out"' EXIT

storm() {
  local start end
  start=$(date +%s.%N)
  bash -c "for ((i = 0; i < $n; i++)); do /bin/true; done"
  end=$(date +%s.%N)
  awk "BEGIN{printf \"%.3f\", $end - $start}"
}
best() { tr ' ' '\n' | grep -v '^$' | sort -n | head -n 1; }

echo "cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)  storm: $n execs of /bin/true, best of $runs"
plain=""
for _ in $(seq "$runs"); do plain="$plain $(storm)"; done
plain=$(echo "$plain" | best)

watched=""
for r in $(seq "$runs"); do
  /usr/bin/time -o "$out/time.$r" -f "%M" "$dockguard" watch --quiet --duration 3600s \
    2>"$out/watch.$r.err" &
  watcher=$!
  for _ in $(seq 100); do
    grep -q 'dockguard: watching' "$out/watch.$r.err" 2>/dev/null && break
    sleep 0.1
  done
  watched="$watched $(storm)"
  sleep 1
  # The watcher is time's child: signal it, not time.
  pkill -TERM -P "$watcher" -f 'dockguard watch' || kill -TERM "$watcher"
  wait "$watcher" || true
done
watched=$(echo "$watched" | best)
rss_kib=$(cat "$out"/time.* | sort -n | tail -n 1)
echo "storm wall time: plain ${plain}s, watched ${watched}s ($(awk "BEGIN{printf \"%+.1f%%\", ($watched / $plain - 1) * 100}"))"
echo "dockguard watch peak RSS: $((rss_kib / 1024)) MiB (largest of the runs)"
echo "counters of the last run: $(grep 'dockguard: events:' "$out/watch.$runs.err" | tail -n 1 | sed 's/^dockguard: //')"
