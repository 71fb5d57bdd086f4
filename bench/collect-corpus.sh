#!/usr/bin/env bash
# collect-corpus.sh - rebuild dockguard's real-world Dockerfile corpus from
# repositories that have ALREADY been fetched. This script downloads nothing;
# getting the repositories (clone, snapshot, ...) is up to you.
#
# Usage: bench/collect-corpus.sh SRC_DIR OUT_DIR [SOURCES_FILE]
#
#   SRC_DIR  one git directory per repository listed in REPOS below, found as
#              SRC_DIR/<owner>+<name>/repo   (bare snapshot), or
#              SRC_DIR/<owner>/<name>        (ordinary clone)
#            Repositories that are missing are skipped with a warning.
#   OUT_DIR  (best empty) receives one file per Dockerfile, named
#              <owner>__<name>__<path with every / replaced by __>
#            so the original basename (Dockerfile, Containerfile, x.Dockerfile)
#            stays at the end and discovery by name still works.
#   SOURCES_FILE  "owner/name commit path" per kept file
#                 (default: OUT_DIR/../SOURCES.txt).
#
# Each repository is read at the commit pinned below when that commit is
# present, else at HEAD (with a warning, so the result will differ).
#
# Selection rules:
#   * basename is Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile or
#     Containerfile*;
#   * a regular file in git (symlinks skipped), not *.dockerignore;
#   * not under vendor/ or node_modules/ (copies of other projects);
#   * not a template: basename containing "template"/"tmpl", or any line that
#     starts with "{{" (jq / Go-template placeholders);
#   * not binary (NUL byte) and under 1 MiB;
#   * byte-identical content (same git blob id) is kept once (first repository in REPOS wins);
#   * at most CAP (default 40) files per repository, picked evenly spaced
#     from the sorted list of paths, so generated variants don't dominate.
#
# Note: parser test fixtures (moby/buildkit testfiles-negative, buildah test
# files) are deliberately kept - some are intentionally invalid.
set -euo pipefail

[[ $# -ge 2 ]] || { sed -n '2,20p' "$0"; exit 2; }
src=$1 out=$2 sources=${3:-$2/../SOURCES.txt}
cap=${CAP:-40}

# owner/name  pinned-commit  (the snapshots used for the first corpus)
REPOS='
docker-library/python          4f07059567fa61c80397126e8063dbbde011b794
docker-library/golang          7c8c182bfc19ee3169d0596ae63917d2c7166f94
docker-library/postgres        6edb0a8c4def40c371514b34aef9037ec82d9110
docker-library/redis           e92049967d6baa9b4b3d6fd950553e6458e61f13
docker-library/php             445bf414f1d5866f7aef715f1203eae043710070
docker-library/ruby            d55e25ae709885250a4e9718c27a09f1e963ca79
docker-library/buildpack-deps  8330ca1d2319b779c8b7a8aa64bb40dbe568e1e2
docker-library/httpd           9b63b37c9be3b42d16b924ebb40af3cc40793119
docker-library/mysql           7f30fdb0738041fc5125e8218e393e0a891243e9
docker-library/openjdk         da2d75fdafc1da23b6c86e3bea2c2f63aacc9170
docker-library/wordpress       bf223d1c2087b0b2c3b86eefa830fe4bbc2bce07
docker-library/mongo           2c69a57b939afb99266e8f97258adb178e9559e0
docker-library/rabbitmq        9193c1de6d32046e0c1132841a7a4995b0dc32e0
docker-library/memcached       53ac0ecb0bf88b471a0110f8996ce791baf1a667
docker-library/haproxy         ec437dd2a3656610b10a42c08763d8fa1c591efe
docker-library/docker          3289af88086d67e6f0bfebfa0617541a0f574d96
docker-library/tomcat          40f27d562f94c0dbfb861587ee8837047b1cd555
docker-library/ghost           7edb45d66a15a005368ac6e9cea640854c860c44
docker-library/elasticsearch   30d0a937ca9c09964d7b33f4eef5616fb9744fd7
nginx/docker-nginx             0d7f4380c735af5009aa364e27fafecd958fd4fa
nodejs/docker-node             f27d936f7d7ccdeec25cd2de33584c1a841f561d
nextcloud/docker               4de1eed65a44c61ecce601ef1d27abd2059b52e6
caddyserver/caddy-docker       62d1326421cc6d6245f5178d3c277b0e69fb8fb6
docker/awesome-compose         18f59bdb09ecf520dd5758fbf90dec314baec545
jupyter/docker-stacks          8209386950497966c8a9aa446b9a84a5dd78eab5
moby/buildkit                  73ed6825c4b7569379ef89df0aedcdbe64473d31
docker/buildx                  461836ba0fcb3e847dab6045a726889faa150bdb
containers/buildah             5b1b18eebdc249bf445fe58b6f3d82fa91f35cf7
GoogleContainerTools/kaniko    236ba5690eda9170d0157aa8137ebbeb09d38685
prometheus/prometheus          d15adb9ad7e5d9fbde3a9a8f30200593a5a14d86
traefik/traefik                fd5a576df2e8aeb0bfc8a96b6ef6e60a61f7ec0a
minio/minio                    7aac2a2c5b7c882e68c1ce017d8256be2feea27f
hadolint/hadolint              8f936c5e975d3663b3cce4ac5b3baa3db26b8516
jessfraz/dockerfiles           8ff991327fd1c68369c2fb576215d0eabffca0e1
tianon/dockerfiles             f46ff6460aa003e02b085155eab8f1ced3be3917
vimagick/dockerfiles           b8ad7d70a258b95e1c133499eb3c8c69f3114eb9
microsoft/vscode-dev-containers 06b27a9a1d39dba6a7a8cca108cfb806c5c6e0d1
devcontainers/images           bed3eb260c3c0d78a95ba6a5c27af3601a44b3c8
'

mkdir -p "$out"
: > "$sources"
declare -A seen=()
tmp=$(mktemp); trap 'rm -f "$tmp" "$tmp.pick" "$tmp.blob"' EXIT

while read -r repo pin; do
  [[ -n $repo ]] || continue
  owner=${repo%%/*} name=${repo#*/}
  gd=$src/$owner+$name/repo
  [[ -d $gd ]] || gd=$src/$owner/$name
  if ! git --git-dir="$gd" rev-parse -q --verify HEAD >/dev/null 2>&1; then
    [[ -d $gd/.git ]] && gd=$gd/.git || { echo "skip $repo: not found under $src" >&2; continue; }
  fi
  rev=$pin
  if ! git --git-dir="$gd" cat-file -e "$pin^{commit}" 2>/dev/null; then
    rev=$(git --git-dir="$gd" rev-parse HEAD)
    echo "warn $repo: pinned $pin absent, using HEAD $rev" >&2
  fi
  # candidates that pass the name/path/content rules, deduplicated
  : > "$tmp"
  declare -A local_seen=()
  while IFS=$'\t' read -r meta p; do
    read -r mode _ h <<< "$meta"
    [[ $mode == 100644 || $mode == 100755 ]] || continue   # no symlinks
    b=${p##*/}
    case $b in Dockerfile|Dockerfile.*|*.Dockerfile|*.dockerfile|Containerfile*) ;; *) continue ;; esac
    case /$p in */vendor/*|*/node_modules/*) continue ;; esac
    [[ ${b,,} == *template* || ${b,,} == *tmpl* || ${b,,} == *.dockerignore ]] && continue
    [[ -z ${seen[$h]:-} && -z ${local_seen[$h]:-} ]] || continue   # blob id = content hash
    size=$(git --git-dir="$gd" cat-file -s "$h")
    (( size < 1048576 )) || continue
    git --git-dir="$gd" cat-file blob "$h" > "$tmp.blob"
    grep -qE '^[[:space:]]*\{\{' "$tmp.blob" && continue
    [[ $(tr -d '\000' < "$tmp.blob" | wc -c) -eq $size ]] || continue
    local_seen[$h]=1
    printf '%s\t%s\n' "$h" "$p" >> "$tmp"
  done < <(git -c core.quotepath=off --git-dir="$gd" ls-tree -r "$rev" | LC_ALL=C sort -t$'\t' -k2)
  n=$(wc -l < "$tmp")
  # evenly spaced pick of at most $cap
  awk -v n="$n" -v cap="$cap" 'n <= cap { print; next }
    { want = int((NR - 1) * cap / n); if (want != last) { print; last = want } }
    BEGIN { last = -1 }' "$tmp" > "$tmp.pick"
  while IFS=$'\t' read -r h p; do
    seen[$h]=1
    dest=$out/${owner}__${name}__${p//\//__}
    git --git-dir="$gd" cat-file blob "$h" > "$dest"
    printf '%s %s %s\n' "$repo" "$rev" "$p" >> "$sources"
  done < "$tmp.pick"
  unset local_seen
done <<< "$REPOS"

echo "$(wc -l < "$sources") files in $out" >&2
