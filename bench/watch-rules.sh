#!/usr/bin/env bash
# Rules-evaluation speed of `dockguard watch` (issue 9: at least 1,000,000 events per second
# per core): the default rules over a synthetic stream of 1,000,000 events (host execs,
# container execs with metadata, shells with a tty, package managers, /etc opens, Docker
# events), condition evaluation alone and the whole alert pipeline, best of 5 on one thread
# (cargo bench -p dockguard-watch --bench rules; see crates/dockguard-watch/benches/rules.rs).
#
#   bench/watch-rules.sh
#
# "per core" divides by the time the thread was on a CPU (/proc/thread-self/schedstat), so it
# holds on a busy machine; the wall-clock rate is printed beside it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "host: $(uname -srm), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'))"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (modified)')"
cargo bench --quiet --manifest-path "$root/Cargo.toml" -p dockguard-watch --bench rules 2>&1 \
  | grep -Ev '^(running|test result|$)'
