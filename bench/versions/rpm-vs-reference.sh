#!/usr/bin/env bash
# Regenerates crates/dockguard-vuln/fixtures/versions/rpm-pairs.tsv.gz: pairs of real RPM EVRs
# with what rpm itself (`rpm.vercmp` in rpm's Lua, rpm 4.18 as Debian ships it) says of each,
# then runs the test that checks our ordering (src/version/rpm.rs) against all of them.
#
#   KUBEVIRT_GIT=/path/to/kubevirt/.git bash bench/versions/rpm-vs-reference.sh [N_PAIRS]
#
# Real EVRs: every `name-E__V-R.arch` rpm() pinned in the history of kubevirt's WORKSPACE
# (CentOS Stream 8/9/10 and Fedora packages, ~10,000 NEVRAs) when KUBEVIRT_GIT names a clone
# (git dir or work tree) of github.com/kubevirt/kubevirt; Debian versions from the apt lists
# ($LISTS, default /var/lib/apt/lists), which are valid EVRs too and bring `~`/`+` forms;
# and, without KUBEVIRT_GIT, the versions already in the fixture. Pairs are seeded. rpm is
# asked once for all pairs (one Lua chunk), so this takes seconds.
# Needs: rpm (Debian package `rpm`), python3, lz4 for *.lz4 lists.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n_pairs=${1:-110000}
lists=${LISTS:-/var/lib/apt/lists}
work=$root/target/versions-rpm
fixture=$root/crates/dockguard-vuln/fixtures/versions/rpm-pairs.tsv.gz
mkdir -p "$work"

# 1. Real versions: "group<TAB>evr" lines (group = package name, for same-package pairs).
: >"$work/real.tsv"
if [ -n "${KUBEVIRT_GIT:-}" ]; then
  git -C "$KUBEVIRT_GIT" log --format= -p -- WORKSPACE \
    | grep -oE 'name = "[^"]+-[0-9]+__[^"]+"' | sed -E 's/^name = "//; s/"$//' | sort -u \
    | sed -E 's/^(.+)-([0-9]+)__(.+)\.[^.]+$/\1\t\2:\3/' >>"$work/real.tsv"
elif [ -f "$fixture" ]; then
  gzip -dc "$fixture" | cut -f1,2 | tr '\t' '\n' | grep -v '^$' | sed 's/^/fixture\t/' >>"$work/real.tsv"
fi
for f in "$lists"/*_Packages*; do
  [ -e "$f" ] || continue
  case $f in
    *.lz4) lz4 -dc "$f" ;;
    *.gz) gzip -dc "$f" ;;
    *) cat "$f" ;;
  esac | awk '/^Package:/{p=$2} /^Version:/{print "deb:" p "\t" $2}' >>"$work/real.tsv"
done
echo "$(wc -l <"$work/real.tsv") real versions (with duplicates)"

# 2. Pairs.
python3 - "$work/real.tsv" "$work/pairs.tsv" "$n_pairs" <<'PY'
import random, re, sys, collections
real, out, n_pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(20240607)
groups = collections.defaultdict(set)
for line in open(real, encoding="utf-8", errors="replace"):
    g, _, v = line.rstrip("\n").partition("\t")
    if v:
        groups[g].add(v)
rpm_like = sorted({v for g, vs in groups.items() if not g.startswith("deb:") for v in vs})
deb = sorted({v for g, vs in groups.items() if g.startswith("deb:") for v in vs})
print(f"{len(rpm_like)} distinct RPM EVRs, {len(deb)} distinct Debian versions", file=sys.stderr)
deb = rng.sample(deb, min(6000, len(deb)))
versions = sorted(set(rpm_like) | set(deb))
pairs, seen = [], set()
def add(a, b):
    if not a or not b or any(c in a + b for c in "\t\n"):
        return
    if (a, b) not in seen:
        seen.add((a, b)); pairs.append((a, b))
# Same package, different EVRs.
for g in sorted(groups):
    if g.startswith("deb:") or g == "fixture":
        continue
    vs = sorted(groups[g])
    for i in range(len(vs)):
        for j in range(i + 1, min(len(vs), i + 6)):
            add(*rng.sample([vs[i], vs[j]], 2))
# Neighbours in string order.
for d in (1, 2, 3):
    for i in range(len(versions) - d):
        add(*rng.sample([versions[i], versions[i + d]], 2))
# Edge cases made from real EVRs: pre-release `~`, snapshot `^`, leading zeros, separators,
# release and epoch forms.
def mutations(v):
    e, _, vr = v.rpartition(":") if re.match(r"^\d*:", v) else ("", "", v)
    ver, dash, rel = vr.rpartition("-") if "-" in vr else (vr, "", "")
    base = (e + ":" if e else "")
    yield base + ver + "~rc1" + dash + rel
    yield base + ver + "^20240101git1" + dash + rel
    yield base + ver + "^" + dash + rel
    yield base + ver + "~" + dash + rel
    yield base + ver + ".0" + dash + rel
    yield base + ver + "a" + dash + rel
    yield base + re.sub(r"(\d+)", lambda m: "0" + m.group(1), ver, count=1) + dash + rel
    yield base + ver.replace(".", "_") + dash + rel
    yield base + ver.replace(".", "..") + dash + rel
    yield base + ver
    yield base + ver + "-"
    yield base + ver + "-~"
    if rel:
        yield base + ver + "-" + rel + "~1"
        yield base + ver + "-" + rel + "^1"
        yield base + ver + "-" + rel + ".1"
    yield "0:" + vr; yield "1:" + vr; yield ":" + vr; yield "01:" + vr; yield vr
for v in rng.sample(versions, min(4000, len(versions))):
    for m in mutations(v):
        add(*rng.sample([v, m], 2))
odd = ["~", "^", "~~", "^^", "~^", "^~", "1~", "1^", "1^~", "1~^", "a", "A", "1a", "1A", "1.a",
       "1.0", "1_0", "1..0", "1.0.", ".1.0", "01.0", "1.00", "1.0a", "1.0.a", "1.0-", "1.0-0",
       "-1", "-", "--", ":", ":1", "1:", "a:1", "0:1", "1:1", "1:1-", "1.0:2", "1-2-3", "1-2-4",
       "\u00e9", "1.0\u00e9", "1.\u00e91", "9" * 40, "0" * 30 + "1", "1." * 60 + "1",
       "1.0~rc1^git1", "1.0^git1~pre", "1.0-1.el9", "1.0-1.el9_0", "1.0-1.el9.1"]
for o in odd:
    for p in odd:
        add(o, p)
    for v in rng.sample(versions, 40):
        add(*rng.sample([o, v], 2))
while len(pairs) < n_pairs:
    add(*rng.sample(versions, 2))
with open(out, "w", encoding="utf-8") as f:
    for a, b in pairs:
        f.write(f"{a}\t{b}\n")
print(f"{len(pairs)} pairs", file=sys.stderr)
PY

# 3. rpm's answer for every pair, from one rpm process.
cat >"$work/ask.lua" <<'LUA'
local out = io.open(OUT, "w")
for line in io.lines(IN) do
  local a, b = line:match("^([^\t]*)\t([^\t]*)$")
  local ok, r = pcall(rpm.vercmp, a, b)
  local s
  if not ok then s = "E" elseif r < 0 then s = "-1" elseif r > 0 then s = "1" else s = "0" end
  out:write(a, "\t", b, "\t", s, "\n")
end
out:close()
LUA
rpm --version
rpm --define "_dg_work $work" --eval \
  '%{lua: local w = rpm.expand("%{_dg_work}"); IN = w .. "/pairs.tsv"; OUT = w .. "/rpm-pairs.tsv"; dofile(w .. "/ask.lua")}'
echo "rpm answered $(wc -l <"$work/rpm-pairs.tsv") pairs:" \
  "$(cut -f3 "$work/rpm-pairs.tsv" | sort | uniq -c | tr '\n' ' ')"
gzip -9n <"$work/rpm-pairs.tsv" >"$fixture"
ls -l "$fixture"

# 4. Our ordering against all of them.
cargo test --manifest-path "$root/Cargo.toml" -p dockguard-vuln --test rpm_reference -- --nocapture
