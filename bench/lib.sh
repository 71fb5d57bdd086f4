# Shared by bench/image-vs-peers.sh, bench/sbom-vs-peers.sh and bench/secrets-vs-trivy.sh;
# sourced, not run.

# find_dockguard ROOT: $DOCKGUARD when set (a given build, e.g. while the workspace does not
# compile), else a fresh release build of ROOT; sets $dockguard.
find_dockguard() {
  if [ -n "${DOCKGUARD:-}" ]; then
    dockguard=$DOCKGUARD
  else
    cargo build --release --quiet -p dockguard --manifest-path "$1/Cargo.toml"
    dockguard="$1/target/release/dockguard"
  fi
}

# measure NAME CMD…: best wall time of $runs runs, with its peak RSS (KiB) and exit status;
# the last run's stdout is kept in $out/NAME.out (callers set $out and $runs).
measure() {
  local name=$1 best_wall="" best_rss="" best_rc=""
  shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$out/time" -f "%e %M %x" "$@" >"$out/$name.out" 2>"$out/$name.err" || true
    read -r wall rss rc < <(tail -n 1 "$out/time" | sed 's/^Command exited with non-zero status [0-9]*//')
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall best_rss=$rss best_rc=$rc
    fi
  done
  echo "$best_wall $best_rss $best_rc"
}
