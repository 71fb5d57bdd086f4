#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (git-ignored) for every fuzz target with:
#  - every crates/dockguard-dockerfile/fixtures/**/*.Dockerfile, and
#  - at most $MAX_EXTERNAL (default 300) files of an outside corpus of real-world Dockerfiles
#    ($EXTERNAL_CORPUS, default /work/corpus/files; skipped when absent), picked evenly over the
#    sorted file list so that every source repository is represented.
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
