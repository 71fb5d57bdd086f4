#!/usr/bin/env bash
# Regenerates crates/dockguard-vuln/fixtures/versions/dpkg-pairs.tsv.gz: pairs of real Debian
# versions (bookworm main, -updates, -security: the apt lists of this machine, or $LISTS) with
# what `dpkg --compare-versions` says of each, then runs the test that checks our ordering
# (src/version/dpkg.rs) against all of them.
#
#   bash bench/versions/dpkg-vs-reference.sh [N_PAIRS]     (default 105000; ~5-10 min: one
#                                                           dpkg process per comparison)
# Needs: dpkg, lz4 (for *.lz4 lists), python3. Deterministic for given lists (seeded).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n_pairs=${1:-105000}
lists=${LISTS:-/var/lib/apt/lists}
work=$root/target/versions-dpkg
fixture=$root/crates/dockguard-vuln/fixtures/versions/dpkg-pairs.tsv.gz
mkdir -p "$work"

# 1. Package/Version/Source fields of every Packages list.
: >"$work/fields.txt"
for f in "$lists"/*_Packages*; do
  case $f in
    *.lz4) lz4 -dc "$f" ;;
    *.gz) gzip -dc "$f" ;;
    *.xz) xz -dc "$f" ;;
    *) cat "$f" ;;
  esac | grep -E '^(Package|Version|Source):' >>"$work/fields.txt" || true
done

# 2. Pairs (seeded): same package, neighbours in string order, edge cases made from real
# versions, random pairs.
python3 - "$work/fields.txt" "$work/pairs.tsv" "$n_pairs" <<'PY'
import random, re, sys, collections
fields, out, n_pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(20240607)
by_pkg = collections.defaultdict(set)
pkg = None
for line in open(fields, encoding="utf-8", errors="replace"):
    k, _, v = line.rstrip("\n").partition(": ")
    if k == "Package":
        pkg = v
    elif k == "Version" and pkg:
        by_pkg[pkg].add(v)
    elif k == "Source":
        m = re.match(r"(\S+)(?: \((\S+)\))?", v)
        if m and m.group(2):
            by_pkg["src:" + m.group(1)].add(m.group(2))
            if pkg:
                by_pkg[pkg].add(m.group(2))
versions = sorted({v for vs in by_pkg.values() for v in vs if v and not v.startswith("-")})
print(f"{len(versions)} distinct real versions", file=sys.stderr)
pairs, seen = [], set()
def add(a, b):
    if a.startswith("-") or b.startswith("-") or not a or not b or "\t" in a + b or "\n" in a + b:
        return
    if (a, b) not in seen:
        seen.add((a, b)); pairs.append((a, b))
# Same package, different versions (binary vs source, across suites).
for p in sorted(by_pkg):
    vs = sorted(by_pkg[p])
    for i in range(len(vs)):
        for j in range(i + 1, min(len(vs), i + 4)):
            add(*rng.sample([vs[i], vs[j]], 2))
# Neighbours in string order (most alike, so the hardest).
for d in (1, 2, 3):
    for i in range(len(versions) - d):
        add(*rng.sample([versions[i], versions[i + d]], 2))
# Edge cases made from real versions.
def mutations(v):
    up, _, rev = v.rpartition("-") if "-" in v else (v, "", "")
    yield v + "~"; yield v + "~~"; yield v + "~rc1"; yield v + "+b1"; yield v + "a"; yield v + ".0"
    yield v + "-0"; yield "0:" + v; yield "1:" + v; yield "00" + v
    yield re.sub(r"(\d+)", lambda m: "0" + m.group(1), v, count=1)
    yield re.sub(r"\.", "~", v, count=1); yield re.sub(r"\.", "+", v, count=1)
    if rev:
        yield up; yield up + "-" + rev + "0"
    yield v.upper()
for v in rng.sample(versions, min(4000, len(versions))):
    for m in mutations(v):
        add(*rng.sample([v, m], 2))
odd = ["a", "~", "~~", "1.0_1", "1.0\u00e9", "\u00e9", "1.0-\u00e9", "1:2:3", "1:::", "+1:1.0",
       "2147483647:1", "2147483648:1", "a:1", ":1", "1:", "1.0-", "1 0", " ", "0x1:1", "1:-1",
       "1.0-1-", "9" * 40, "0" * 30 + "1", "1." * 60 + "1", "1.0a~", "1.0A", "1.0Z", "1.0z",
       "1.0%", "1.0=", "1.0!", "1.0@", "1.0|", "1.0\u00ff", "1.0\u00c0", " 1.0", "1.0 ",
       "1:1.0-1", "0:1.0-0", "1.0-0", "1.0-00", "1.0-~", "1.0-+", "1.0-.", "1.0-a"]
for o in odd:
    for p in odd:
        add(o, p)
    for v in rng.sample(versions, 40):
        add(*rng.sample([o, v], 2))
# Random pairs for the rest.
while len(pairs) < n_pairs:
    add(*rng.sample(versions, 2))
with open(out, "w", encoding="utf-8") as f:
    for a, b in pairs:
        f.write(f"{a}\t{b}\n")
print(f"{len(pairs)} pairs", file=sys.stderr)
PY

# 3. dpkg's answer for each pair, in two shards at once.
ask() {
  while IFS=$'\t' read -r a b; do
    if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then r=-1
    else
      rc=$?
      if [ $rc -ne 1 ]; then r=E
      elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then r=0
      else r=1
      fi
    fi
    printf '%s\t%s\t%s\n' "$a" "$b" "$r"
  done <"$1" >"$1.out"
}
split -n l/2 -d "$work/pairs.tsv" "$work/shard."
ask "$work/shard.00" & p0=$!
ask "$work/shard.01" & p1=$!
wait $p0 $p1
cat "$work/shard.00.out" "$work/shard.01.out" >"$work/dpkg-pairs.tsv"
echo "dpkg answered $(wc -l <"$work/dpkg-pairs.tsv") pairs:" \
  "$(cut -f3 "$work/dpkg-pairs.tsv" | sort | uniq -c | tr '\n' ' ')"
gzip -9n <"$work/dpkg-pairs.tsv" >"$fixture"
ls -l "$fixture"

# 4. Our ordering against all of them.
cargo test --manifest-path "$root/Cargo.toml" -p dockguard-vuln --test dpkg_reference -- --nocapture
