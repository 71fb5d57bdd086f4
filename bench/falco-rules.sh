#!/usr/bin/env bash
# Loads the rules files of Falco's public rules repository (falcosecurity/rules, a local clone
# or export; never committed here) with `dockguard watch --check`: every rule either loads or
# is skipped with a named reason (a field our sources do not provide); nothing may fail.
# Prints the counts per file, for the three files together (as Falco loads them, in order),
# and the fields that cause skips.
#
#   bench/falco-rules.sh RULES_REPO_DIR
#
# DOCKGUARD=path uses a given build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: bench/falco-rules.sh RULES_REPO_DIR}
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
find_dockguard "$root"
out=$(mktemp -d -t dgfalco.XXXXXX)
trap 'rm -rf "$out"' EXIT

files=()
for f in rules/falco_rules.yaml rules/falco-incubating_rules.yaml rules/falco-sandbox_rules.yaml \
         archive/falco-deprecated_rules.yaml archive/application_rules.yaml; do
  [ -f "$repo/$f" ] && files+=("$repo/$f")
done
[ ${#files[@]} -gt 0 ] || { echo "no rules files under $repo" >&2; exit 2; }
echo "repository: $repo ($(git -C "$repo" log -1 --format='%h %cs' 2>/dev/null || echo 'not a git clone'))"
failed=0
for f in "${files[@]}"; do
  rules=$(grep -c '^- rule:' "$f" || true)
  if summary=$("$dockguard" watch --no-default-rules --check --rules "$f" 2>"$out/warn" | head -n 1); then
    printf '%-32s %3s rules in the file: %s\n' "$(basename "$f")" "$rules" "$summary"
  else
    printf '%-32s FAILED: %s\n' "$(basename "$f")" "$(grep -v warning "$out/warn" | head -n 1)"
    failed=1
  fi
done
together=()
for f in "${files[@]:0:3}"; do together+=(--rules "$f"); done
summary=$("$dockguard" watch --no-default-rules --check "${together[@]}" 2>"$out/warn" | head -n 1)
echo "stable + incubating + sandbox, in order: $summary"
echo "fields behind the skips (rules skipped, by field):"
# shellcheck disable=SC2016 # backquotes are literal here
grep -o 'field `[^`]*`' "$out/warn" | sort | uniq -c | sort -rn | sed 's/^/  /'
exit $failed
