#!/usr/bin/env python3
"""Regenerates crates/dockguard-vuln/fixtures/versions/pep440-packaging.tsv.gz: pairs of real
PyPI version strings with the verdict of Python's `packaging` (the reference PEP 440
implementation, what pip uses), checked pair by pair by dockguard-vuln's test
`pep440_agrees_with_packaging`.

Versions: every string in the OSV PyPI export (`affected[].versions` and the range events
`introduced`/`fixed`/`last_affected`/`limit`) and in ground-truth/pypi-enumerated.jsonl.
Pairs (each line `a<TAB>b<TAB>verdict`, verdict one of `<` `=` `>` or `!` = packaging rejects a):
  1. neighbours in packaging's sorted order of all valid versions (agreeing on every neighbour
     pair makes the two total orders the same one), each pair in a random direction;
  2. within each advisory record, every listed version against every range event;
  3. 20,000 random pairs (seed 7);
  4. every string packaging rejects, paired with itself (`!`: ours must refuse it too).

Usage: python3 bench/versions/pep440-vs-packaging.py [SHARED_OSV_DIR]   (default ../shared/osv)
Needs: `pip install packaging` (reports the version it used on stderr).
"""
import gzip
import json
import os
import random
import sys
import zipfile

import packaging
from packaging.version import InvalidVersion, Version

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OSV = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "osv")
OUT = os.path.join(ROOT, "crates", "dockguard-vuln", "fixtures", "versions", "pep440-packaging.tsv.gz")
EVENTS = ("introduced", "fixed", "last_affected", "limit")


def usable(s):
    return isinstance(s, str) and s and "\t" not in s and "\n" not in s and len(s) <= 256


def main():
    groups = []  # per advisory: (listed versions, event versions)
    z = zipfile.ZipFile(os.path.join(OSV, "PyPI", "all.zip"))
    for name in z.namelist():
        rec = json.loads(z.read(name))
        for aff in rec.get("affected", []):
            listed = [v for v in aff.get("versions", []) if usable(v)]
            events = [
                ev[k]
                for r in aff.get("ranges", [])
                if r.get("type") == "ECOSYSTEM"
                for ev in r.get("events", [])
                for k in EVENTS
                if k in ev and usable(ev[k]) and ev[k] != "0"
            ]
            groups.append((listed, events))
    with open(os.path.join(OSV, "ground-truth", "pypi-enumerated.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            listed = [v for v in rec.get("affected_versions", []) if usable(v)]
            events = [
                ev[k]
                for r in rec.get("ranges", [])
                for ev in r.get("events", [])
                for k in EVENTS
                if k in ev and usable(ev[k]) and ev[k] != "0"
            ]
            groups.append((listed, events))

    strings = sorted({v for listed, events in groups for v in listed + events})
    parsed, invalid = {}, []
    for s in strings:
        try:
            parsed[s] = Version(s)
        except InvalidVersion:
            invalid.append(s)

    def verdict(a, b):
        x, y = parsed[a], parsed[b]
        return "<" if x < y else ">" if x > y else "="

    rng = random.Random(7)
    pairs = []
    seen = set()

    def add(a, b):
        if a not in parsed or b not in parsed or (a, b) in seen:
            return
        seen.add((a, b))
        pairs.append((a, b, verdict(a, b)))

    order = sorted(parsed, key=lambda s: (parsed[s], s))
    for a, b in zip(order, order[1:]):
        if rng.random() < 0.5:
            a, b = b, a
        add(a, b)
    for listed, events in groups:
        for v in listed:
            for e in events:
                add(v, e)
    valid = list(order)
    for _ in range(20000):
        add(rng.choice(valid), rng.choice(valid))
    for s in invalid:
        pairs.append((s, s, "!"))

    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(f"# packaging {packaging.__version__}; regenerate with bench/versions/pep440-vs-packaging.py\n")
        for a, b, v in pairs:
            f.write(f"{a}\t{b}\t{v}\n")
    print(
        f"packaging {packaging.__version__}: {len(strings)} distinct strings, {len(parsed)} valid, "
        f"{len(invalid)} invalid; {len(pairs)} pairs -> {os.path.relpath(OUT, ROOT)} "
        f"({os.path.getsize(OUT)} bytes)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
