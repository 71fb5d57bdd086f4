#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (git-ignored) for the Dockerfile targets ($TARGETS) with:
#  - every crates/dockguard-dockerfile/fixtures/**/*.Dockerfile, and
#  - at most $MAX_EXTERNAL (default 300) files of an outside corpus of real-world Dockerfiles
#    ($EXTERNAL_CORPUS, default /work/corpus/files; skipped when absent), picked evenly over the
#    sorted file list so that every source repository is represented.
# and fuzz/corpus/falco/ with rules files (see the end).
# Re-running it is harmless: files are named by content hash, duplicates collapse.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
external="${EXTERNAL_CORPUS:-/work/corpus/files}"
max_external="${MAX_EXTERNAL:-300}"
targets=(${TARGETS:-parse check})

seed() { # file → every target's corpus, named by sha1 like libFuzzer does
    local f="$1" h
    h="$(sha1sum "$f" | cut -d' ' -f1)"
    for t in "${targets[@]}"; do cp "$f" "$here/corpus/$t/$h"; done
}

for t in "${targets[@]}"; do mkdir -p "$here/corpus/$t"; done

n_fixtures=0
while IFS= read -r -d '' f; do
    seed "$f"; n_fixtures=$((n_fixtures + 1))
done < <(find "$root/crates/dockguard-dockerfile/fixtures" -name '*.Dockerfile' -type f -print0 | sort -z)

n_external=0
if [ -d "$external" ]; then
    mapfile -d '' files < <(find "$external" -maxdepth 1 -type f -print0 | sort -z)
    total=${#files[@]}
    if [ "$total" -gt 0 ]; then
        take=$(( total < max_external ? total : max_external ))
        for ((i = 0; i < take; i++)); do
            seed "${files[$(( i * total / take ))]}"; n_external=$((n_external + 1))
        done
    fi
else
    echo "note: $external not found, seeding from fixtures only" >&2
fi

for t in "${targets[@]}"; do
    echo "corpus/$t: $(ls "$here/corpus/$t" | wc -l) files ($n_fixtures fixtures + $n_external external copied)"
done

# The `falco` target (rules files): dockguard's default rules and dockguard-falco's test rules,
# each alone, both as a file and its override (NUL-separated), and a bare condition taken from
# the default rules with the default rules as its context. Named by SHA-1 like the others.
mkdir -p "$here/corpus/falco"
falco_seed() { # stdin → corpus/falco/<sha1>
    local tmp h
    tmp="$(mktemp)"; cat >"$tmp"
    h="$(sha1sum "$tmp" | cut -d' ' -f1)"
    mv "$tmp" "$here/corpus/falco/$h"
}
default_rules="$root/crates/dockguard-watch/rules/dockguard_rules.yaml"
test_rules="$root/crates/dockguard-falco/tests/data/runtime_rules.yaml"
falco_seed <"$default_rules"
falco_seed <"$test_rules"
{ cat "$default_rules"; printf '\0'; cat "$test_rules"; } | falco_seed
{ cat "$test_rules"; printf '\0'; cat "$default_rules"; } | falco_seed
{ cat "$default_rules"; printf '\0\0spawned_process and container and proc.name in (shell_binaries) and not proc.cmdline contains "x"\0sh\n-c\nbash\n'; } | falco_seed
echo "corpus/falco: $(ls "$here/corpus/falco" | wc -l) files"

