#!/usr/bin/env python3
"""Regenerates crates/dockguard-vuln/fixtures/versions/semver-npm.tsv.gz: pairs of real SemVer
strings with the verdict of npm's `semver` package (node-semver, what npm itself uses),
checked pair by pair by dockguard-vuln's test `semver_agrees_with_npm` (every pair through
version::semver, the Go pairs through version::go too).

Versions: every string in the OSV crates.io and Go exports (`affected[].versions` and range
events; `0` skipped) that node-semver accepts in strict mode (a leading `v` is fine there); the
others are counted and left out (our lenient readings of `1.2` and the like have no reference).
Pairs, each line `a<TAB>b<TAB>verdict<TAB>ecosystem` with verdict `<` `=` `>`, per ecosystem:
neighbours in node-semver's sorted order (random direction), every listed version against every
range event of its record, and 10,000 random pairs (seed 7).

Usage: python3 bench/versions/semver-vs-npm.py NODE_SEMVER_DIR [SHARED_OSV_DIR]
  NODE_SEMVER_DIR: a folder with node_modules/semver (`npm install semver` there);
  SHARED_OSV_DIR defaults to ../shared/osv. Needs node.
"""
import gzip
import json
import os
import random
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_DIR = sys.argv[1]
OSV = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared", "osv")
OUT = os.path.join(ROOT, "crates", "dockguard-vuln", "fixtures", "versions", "semver-npm.tsv.gz")
EVENTS = ("introduced", "fixed", "last_affected", "limit")

NODE = r"""
const semver = require(process.argv[1] + '/node_modules/semver');
const req = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {version: require(process.argv[1] + '/node_modules/semver/package.json').version,
             valid: req.strings.map(s => semver.valid(s) !== null),
             cmp: req.pairs.map(([a, b]) => semver.compare(a, b))};
process.stdout.write(JSON.stringify(out));
"""


def node(strings, pairs):
    r = subprocess.run(["node", "-e", NODE, NODE_DIR], input=json.dumps({"strings": strings, "pairs": pairs}),
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def usable(s):
    return isinstance(s, str) and s and s != "0" and "\t" not in s and "\n" not in s and len(s) <= 256


def main():
    lines, header = [], []
    for eco in ("crates.io", "Go"):
        groups = []
        z = zipfile.ZipFile(os.path.join(OSV, eco, "all.zip"))
        for name in z.namelist():
            rec = json.loads(z.read(name))
            for aff in rec.get("affected", []):
                listed = [v for v in aff.get("versions", []) or [] if usable(v)]
                events = [ev[k] for r in aff.get("ranges", []) if r.get("type") in ("SEMVER", "ECOSYSTEM")
                          for ev in r.get("events", []) for k in EVENTS if k in ev and usable(ev[k])]
                groups.append((listed, events))
        strings = sorted({v for l, e in groups for v in l + e})
        res = node(strings, [])
        valid = [s for s, ok in zip(strings, res["valid"]) if ok]
        invalid = len(strings) - len(valid)
        vset = set(valid)
        # sort with node-semver: comparisons against neighbours need the sorted order first
        r = subprocess.run(["node", "-e", "const s=require(process.argv[1]+'/node_modules/semver');"
                            "const v=JSON.parse(require('fs').readFileSync(0,'utf8'));"
                            "v.sort((a,b)=>s.compare(a,b)||(a<b?-1:a>b?1:0));process.stdout.write(JSON.stringify(v));",
                            NODE_DIR], input=json.dumps(valid), capture_output=True, text=True, check=True)
        order = json.loads(r.stdout)
        rng = random.Random(7)
        pairs, seen = [], set()

        def add(a, b):
            if a in vset and b in vset and (a, b) not in seen:
                seen.add((a, b))
                pairs.append([a, b])

        for a, b in zip(order, order[1:]):
            add(*((b, a) if rng.random() < 0.5 else (a, b)))
        for listed, events in groups:
            for v in listed + events:
                for e in events:
                    add(v, e)
        for _ in range(10000):
            add(rng.choice(order), rng.choice(order))
        res = node([], pairs)
        sym = {-1: "<", 0: "=", 1: ">"}
        for (a, b), c in zip(pairs, res["cmp"]):
            lines.append(f"{a}\t{b}\t{sym[c]}\t{eco}\n")
        header.append(f"{eco}: {len(strings)} strings, {invalid} not strict SemVer (left out), {len(pairs)} pairs")
        version = res["version"]
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(f"# node-semver {version}; {'; '.join(header)}; regenerate with bench/versions/semver-vs-npm.py\n")
        f.writelines(lines)
    print(f"node-semver {version}: {'; '.join(header)} -> {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
