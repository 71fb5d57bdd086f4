#!/usr/bin/env bash
# Builds the package-inventory acceptance images as `docker save` tars, each beside its ground
# truth as the real package tools report it. Used by crates/dockguard/tests/sbom_images.rs (which
# compares `dockguard sbom` with the truth) and bench/sbom-vs-peers.sh (which compares it with
# syft and trivy on the same tars).
#
#   bench/sbom-images.sh OUT
#
# Images (tagged dg-sbom-NAME:test in the engine, saved as OUT/NAME.tar):
#   debian-pip   `debootstrap --variant=minbase bookworm` with python3 and python3-pip; the
#                image's own pip (run in a chroot, offline) installs wheels that the host's pip
#                downloaded from PyPI.
#                  debian-pip.dpkg.tsv  `dpkg-query --admindir` on the root filesystem
#                  debian-pip.pypi.tsv  importlib.metadata of the pip-installed site directory
#   distroless   distroless-style: eleven of those .debs unpacked with `dpkg-deb -x`, each one's
#                control stanza in var/lib/dpkg/status.d/NAME and its md5sums in NAME.md5sums
#                (no var/lib/dpkg/status), Debian's os-release.
#                  distroless.dpkg.tsv  `dpkg-deb --show` of the same .debs
#   binaries     scratch with a Go binary and a `cargo auditable` Rust binary (the fixtures in
#                crates/dockguard-packages/fixtures/{go-binary,rust-binary}).
#                  binaries.lang.tsv    `go version -m` (when go is installed, else the README's
#                                       list) and the Rust fixture's Cargo.lock
#   busybox      the host's static busybox alone (no package database at all).
#
# The .tsv files hold one package a line: dpkg: name, version, source name, source version,
# architecture; language: ecosystem, name, version. Tars already in OUT are kept (delete them
# to rebuild). Needs root, docker, debootstrap, dpkg-deb, python3 with pip, busybox-static, and
# a Debian mirror ($DEBIAN_MIRROR, default http://deb.debian.org/debian) and PyPI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/sbom-images.sh OUT}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fixtures="$root/crates/dockguard-packages/fixtures"
# What pip installs into debian-pip (with their dependencies, as pip resolves them).
pip_wants=(requests==2.31.0 click==8.1.7 six==1.16.0 PyYAML==6.0.1 attrs==23.2.0 packaging==24.0
  Jinja2==3.1.3)
# The packages of the distroless image (as in gcr.io/distroless/cc-debian12, plus openssl).
distroless_debs=(base-files ca-certificates gcc-12-base libc6 libgcc-s1 libssl3 libstdc++6
  media-types openssl tzdata zlib1g)

[ "$(id -u)" -eq 0 ] || { echo "sbom-images.sh: building the images needs root" >&2; exit 2; }
for tool in docker debootstrap dpkg-deb dpkg-query python3; do
  command -v "$tool" >/dev/null || { echo "sbom-images.sh: needs $tool" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/work"
mkdir -p "$work"

# save NAME ROOTFS [CHANGE…]: imports ROOTFS as dg-sbom-NAME:test and saves it as OUT/NAME.tar.
save() {
  local name=$1 rootfs=$2
  shift 2
  local changes=()
  for c in "$@"; do changes+=(-c "$c"); done
  tar --numeric-owner -C "$rootfs" -c . | docker import "${changes[@]}" - "dg-sbom-$name:test" >/dev/null
  docker save -o "$out/$name.tar.tmp" "dg-sbom-$name:test"
  mv "$out/$name.tar.tmp" "$out/$name.tar"
}

# The debootstrapped root filesystem, kept in work/ for the distroless image's .debs.
debian_rootfs() {
  local rootfs="$work/debian-rootfs"
  [ -f "$rootfs/.complete" ] && return
  rm -rf "$rootfs"
  echo "sbom-images.sh: debootstrap bookworm (minbase + python3, python3-pip) …" >&2
  if ! debootstrap --variant=minbase --include=python3,python3-pip bookworm "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    exit 1
  fi
  touch "$rootfs/.complete"
}

dpkg_tsv() { # dpkg_tsv ADMINDIR
  dpkg-query --admindir="$1" -W \
    -f '${db:Status-Status}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n' |
    awk -F'\t' '$1 == "installed" { print $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' | LC_ALL=C sort
}

build_debian_pip() {
  [ -s "$out/debian-pip.tar" ] && return
  debian_rootfs
  local rootfs="$work/debian-pip-rootfs" wheels="$work/wheels"
  rm -rf "$rootfs" "$wheels"
  cp -a "$work/debian-rootfs" "$rootfs"
  rm -f "$rootfs/.complete"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb
  # The host's pip fetches (it knows the way out); the image's pip installs, with no network.
  python3 -m pip download -q --only-binary=:all: --platform manylinux2014_x86_64 \
    --python-version 3.11 --implementation cp --abi cp311 -d "$wheels" "${pip_wants[@]}"
  mkdir -p "$rootfs/tmp/wheels"
  cp "$wheels"/*.whl "$rootfs/tmp/wheels/"
  local names=()
  for w in "${pip_wants[@]}"; do names+=("${w%%==*}"); done
  chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root python3 -m pip install \
    -q --break-system-packages --no-index --find-links /tmp/wheels --no-cache-dir \
    --disable-pip-version-check --root-user-action=ignore --no-warn-script-location "${names[@]}"
  rm -rf "$rootfs/tmp/wheels"
  dpkg_tsv "$rootfs/var/lib/dpkg" >"$out/debian-pip.dpkg.tsv"
  python3 - "$rootfs/usr/local/lib/python3.11/dist-packages" >"$out/debian-pip.pypi.tsv" <<'PY'
import importlib.metadata, sys
rows = {("pypi", d.metadata["Name"], d.version) for d in importlib.metadata.distributions(path=[sys.argv[1]])}
for row in sorted(rows):
    print("\t".join(row))
PY
  save debian-pip "$rootfs" 'CMD ["python3"]'
  rm -rf "$rootfs"
}

build_distroless() {
  [ -s "$out/distroless.tar" ] && return
  debian_rootfs
  local rootfs="$work/distroless-rootfs" archives="$work/debian-rootfs/var/cache/apt/archives"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/var/lib/dpkg/status.d"
  : >"$out/distroless.dpkg.tsv.tmp"
  for name in "${distroless_debs[@]}"; do
    local deb
    deb=$(find "$archives" -maxdepth 1 -name "${name}_*.deb" | head -1)
    [ -n "$deb" ] || { echo "sbom-images.sh: no .deb of $name in $archives" >&2; exit 1; }
    dpkg-deb -x "$deb" "$rootfs"
    dpkg-deb -f "$deb" >"$rootfs/var/lib/dpkg/status.d/$name"
    dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./md5sums >"$rootfs/var/lib/dpkg/status.d/$name.md5sums" 2>/dev/null ||
      rm -f "$rootfs/var/lib/dpkg/status.d/$name.md5sums"
    # shellcheck disable=SC2016 # dpkg-deb's own ${field} syntax
    dpkg-deb --show --showformat \
      '${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n' "$deb" \
      >>"$out/distroless.dpkg.tsv.tmp"
  done
  LC_ALL=C sort "$out/distroless.dpkg.tsv.tmp" >"$out/distroless.dpkg.tsv"
  rm "$out/distroless.dpkg.tsv.tmp"
  # Distroless images run as a numbered user and hold passwd/group for it.
  mkdir -p "$rootfs/etc" "$rootfs/home/nonroot" "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  save distroless "$rootfs" 'USER 65532' 'ENTRYPOINT ["/usr/bin/openssl"]'
  rm -rf "$rootfs"
}

build_binaries() {
  [ -s "$out/binaries.tar" ] && return
  local rootfs="$work/binaries-rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/usr/local/bin"
  cp "$fixtures/go-binary/hello" "$fixtures/rust-binary/hello-audit" "$rootfs/usr/local/bin/"
  {
    if command -v go >/dev/null; then
      go version -m "$fixtures/go-binary/hello" | awk -F'\t' '
        NR == 1 { split($0, v, ": "); print "golang\tstdlib\t" v[2] }
        $2 == "dep" { print "golang\t" $3 "\t" $4 }'
    else
      printf 'golang\tstdlib\tgo1.19.8\ngolang\texample.com/greet\tv1.2.3\n'
    fi
    python3 - "$fixtures/rust-binary/src/Cargo.lock" <<'PY'
import sys, tomllib
for p in tomllib.load(open(sys.argv[1], "rb"))["package"]:
    print(f"cargo\t{p['name']}\t{p['version']}")
PY
  } | LC_ALL=C sort >"$out/binaries.lang.tsv"
  save binaries "$rootfs" 'ENTRYPOINT ["/usr/local/bin/hello"]'
  rm -rf "$rootfs"
}

build_busybox() {
  [ -s "$out/busybox.tar" ] && return
  local rootfs="$work/busybox-rootfs" busybox
  busybox=$(command -v busybox) || { echo "sbom-images.sh: needs busybox-static" >&2; exit 2; }
  rm -rf "$rootfs"
  mkdir -p "$rootfs/bin"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in sh ls cat; do ln -s busybox "$rootfs/bin/$applet"; done
  save busybox "$rootfs" 'CMD ["/bin/sh"]'
  rm -rf "$rootfs"
}

build_debian_pip
build_distroless
build_binaries
build_busybox
echo "sbom-images.sh: images in $out: $(cd "$out" && echo ./*.tar)" >&2
