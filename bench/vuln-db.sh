#!/usr/bin/env bash
# The advisory database's figures (issue 7): importing every OSV export of ../shared/osv/
# (PyPI, crates.io, Go: 8,158 records) into a fresh store, best of RUNS, with peak RSS and the
# store's size; then matching 2,000 packages against it (cargo bench -p dockguard-vuln, best
# of 7 in-process runs, see crates/dockguard-vuln/benches/matching.rs).
#
#   bench/vuln-db.sh [RUNS]
#
# DOCKGUARD=path uses a given build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$root/../shared/osv" && pwd)
runs=${1:-3}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
find_dockguard "$root"
out=$(mktemp -d -t dgvuln.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)  runs: best of $runs"
best_wall="" best_rss=""
for _ in $(seq "$runs"); do
  rm -rf "$out/db"
  /usr/bin/time -o "$out/time" -f "%e %M" "$dockguard" db import --db-dir "$out/db" \
    "$shared/PyPI/all.zip" "$shared/crates.io/all.zip" "$shared/Go/all.zip" >"$out/import.out"
  read -r wall rss <"$out/time"
  if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
    best_wall=$wall best_rss=$rss
  fi
done
size=$(stat -c %s "$out/db/osv.db")
zips=$(du -cb "$shared/PyPI/all.zip" "$shared/crates.io/all.zip" "$shared/Go/all.zip" | tail -1 | cut -f1)
cat "$out/import.out"
printf 'import: %s s, peak RSS %.1f MiB, store %.1f MiB (the zips: %.1f MiB)\n' \
  "$best_wall" "$(echo "$best_rss/1024" | bc -l)" "$(echo "$size/1048576" | bc -l)" \
  "$(echo "$zips/1048576" | bc -l)"
cargo bench -q -p dockguard-vuln --bench matching --manifest-path "$root/Cargo.toml" 2>/dev/null |
  grep -E '^(import|match):'
