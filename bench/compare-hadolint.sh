#!/usr/bin/env bash
# compare-hadolint.sh - compare dockguard's findings with hadolint's over a corpus of Dockerfiles.
#
# Usage: bench/compare-hadolint.sh CORPUS_DIR HADOLINT_BIN [--hadolint-compat] [--details CODE]... [--files]
#
#   CORPUS_DIR    a flat directory of Dockerfiles (bench/collect-corpus.sh builds one)
#   HADOLINT_BIN  the hadolint binary to compare with (the reference run used 2.15.1)
#
# hadolint runs from inside CORPUS_DIR with its default configuration
# (`hadolint --no-fail -f json *`); its JSON goes to $HADOLINT_JSON (default: a temporary
# file; set it to keep the output). Then the hadolint_compare example of dockguard-dockerfile
# prints, per DL code we implement, the (file, line, code) triples found by both tools, by
# hadolint only and by dockguard only, and the agreement both/(both+h-only+o-only). Extra
# arguments go to the example (--details CODE lists the disagreements of one code; --files
# counts disagreements per file). dockguard runs twice, by default and in hadolint compatibility
# mode (`hadolint-compat`), and the overall agreement of both is printed; --hadolint-compat
# shows the table, classes and details of the compatibility run. See
# docs/hadolint-differences.md.
set -euo pipefail

[[ $# -ge 2 ]] || { sed -n '2,18p' "$0"; exit 2; }
corpus=$(cd "$1" && pwd)
hadolint=$2
shift 2
command -v "$hadolint" >/dev/null || [[ -x $hadolint ]] || { echo "not executable: $hadolint" >&2; exit 2; }
hadolint=$(cd "$(dirname "$hadolint")" && pwd)/$(basename "$hadolint")

home=$(mktemp -d)
json=${HADOLINT_JSON:-}
if [[ -z $json ]]; then
  json=$home/hadolint.json
fi
trap 'rm -rf "$home"' EXIT
echo "$("$hadolint" --version 2>/dev/null | head -n1) over $(find "$corpus" -maxdepth 1 -type f | wc -l) files" >&2
# No configuration file may influence the run: hadolint looks in $PWD, $XDG_CONFIG_HOME and $HOME.
(cd "$corpus" && HOME=$home XDG_CONFIG_HOME=$home/.config "$hadolint" --no-fail -f json -- * > "$json")

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo run --release -q -p dockguard-dockerfile --example hadolint_compare -- "$corpus" "$json" "$@"
