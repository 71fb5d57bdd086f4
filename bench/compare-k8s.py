#!/usr/bin/env python3
"""Agreement of dockguard's Kubernetes findings with `trivy config` and `checkov` on the checks
that mean the same thing.

    bench/compare-k8s.py CORPUS DOCKGUARD.json TRIVY.json CHECKOV.json [--details N]

(bench/compare-k8s.sh runs the three tools and then this script.) Every finding becomes a
triple (file, YAML document, concept); a document is the part of a file between `---` lines,
which is how both peers scope a resource. For each peer, agreement is |both| / |either| over
the concepts mapped below, per concept and in total; disagreements are listed by concept so each
class can be explained (docs/kubernetes-differences.md).
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict

# concept -> (dockguard codes, trivy ids, checkov ids). A concept a peer has no check for is
# compared only with the other peer.
CONCEPTS = {
    "privileged": ({"WL100"}, {"KSV-0017"}, {"CKV_K8S_16"}),
    "privilege-escalation": ({"WL203"}, {"KSV-0001"}, {"CKV_K8S_20"}),
    "capabilities-not-dropped": ({"WL102"}, {"KSV-0003"}, {"CKV_K8S_37"}),
    "sys-admin-added": ({"WL101:SYS_ADMIN"}, {"KSV-0005"}, {"CKV_K8S_39"}),
    "host-pid": ({"WL103"}, {"KSV-0010"}, {"CKV_K8S_17"}),
    "host-ipc": ({"WL104"}, {"KSV-0008"}, {"CKV_K8S_18"}),
    "host-network": ({"WL105"}, {"KSV-0009"}, {"CKV_K8S_19"}),
    "host-port": ({"WL507"}, {"KSV-0024"}, {"CKV_K8S_26"}),
    "host-path": ({"WL500", "WL501", "WL502"}, {"KSV-0023"}, set()),
    "docker-socket": ({"WL501"}, {"KSV-0006"}, {"CKV_K8S_27"}),
    "runs-as-root": ({"WL200", "WL201"}, {"KSV-0012"}, {"CKV_K8S_23"}),
    "run-as-user-0": ({"WL200"}, {"KSV-0105"}, set()),
    "writable-root-fs": ({"WL604"}, {"KSV-0014"}, {"CKV_K8S_22"}),
    "no-cpu-limit": ({"WL109"}, {"KSV-0011"}, {"CKV_K8S_11"}),
    "no-memory-limit": ({"WL108"}, {"KSV-0018"}, {"CKV_K8S_13"}),
    "seccomp": ({"WL600", "WL601"}, {"KSV-0104"}, {"CKV_K8S_31"}),
    "apparmor-unconfined": ({"WL602"}, {"KSV-0002"}, set()),
    "selinux": ({"WL603"}, {"KSV-0025"}, set()),
    "unsafe-sysctl": ({"WL114"}, {"KSV-0026"}, set()),
    "proc-mount": ({"WL605"}, {"KSV-0027"}, set()),
    "image-latest": ({"WL400"}, {"KSV-0013"}, {"CKV_K8S_14"}),
    "image-digest": ({"WL401"}, set(), {"CKV_K8S_43"}),
    "sa-token": ({"WL303"}, set(), {"CKV_K8S_38"}),
    "secret-env": ({"WL301"}, set(), {"CKV_K8S_35"}),
    "configmap-secret": ({"WL304"}, {"KSV-0109", "KSV-01010"}, set()),
}


def doc_starts(path):
    """1-based first line of each YAML document of a file."""
    starts = [1]
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if re.match(r"^---(\s|$)", line) and n > 1:
                    starts.append(n + 1)
    except OSError:
        pass
    return starts


_docs = {}


def doc_index(path, line):
    if path not in _docs:
        _docs[path] = doc_starts(path)
    starts = _docs[path]
    index = 0
    for i, s in enumerate(starts):
        if line >= s:
            index = i
    return index


def concept_of(tool, finding_id, message=""):
    out = []
    for concept, ids in CONCEPTS.items():
        ours, trivy, checkov = ids
        pool = {"dockguard": ours, "trivy": trivy, "checkov": checkov}[tool]
        for entry in pool:
            code, _, needle = entry.partition(":")
            if code == finding_id and (not needle or needle in message):
                out.append(concept)
    return out


def main():
    corpus, ours_json, trivy_json, checkov_json = sys.argv[1:5]
    details = int(sys.argv[sys.argv.index("--details") + 1]) if "--details" in sys.argv else 0
    corpus = os.path.abspath(corpus)
    triples = {"dockguard": set(), "trivy": set(), "checkov": set()}
    files = {"dockguard": set(), "trivy": set(), "checkov": set()}

    ours = json.load(open(ours_json))
    for f in ours["findings"]:
        path = os.path.abspath(os.path.join(corpus, f["location"]["file"]))
        files["dockguard"].add(path)
        for c in concept_of("dockguard", f["code"], f["message"]):
            triples["dockguard"].add((path, doc_index(path, f["location"]["line"]), c))

    trivy = json.load(open(trivy_json))
    for result in trivy.get("Results", []):
        path = os.path.join(corpus, result["Target"])
        files["trivy"].add(path)
        for m in result.get("Misconfigurations", []) or []:
            if m.get("Status") != "FAIL":
                continue
            line = m.get("CauseMetadata", {}).get("StartLine") or 1
            for c in concept_of("trivy", m["ID"], m.get("Message", "")):
                triples["trivy"].add((path, doc_index(path, line), c))

    checkov = json.load(open(checkov_json))
    reports = checkov if isinstance(checkov, list) else [checkov]
    for report in reports:
        for r in report.get("results", {}).get("failed_checks", []):
            path = r["file_abs_path"]
            files["checkov"].add(path)
            line = (r.get("file_line_range") or [1])[0]
            for c in concept_of("checkov", r["check_id"], r.get("check_name", "")):
                triples["checkov"].add((path, doc_index(path, line), c))

    for peer, column in (("trivy", 1), ("checkov", 2)):
        mapped = {c for c, ids in CONCEPTS.items() if ids[column]}
        # Compare only on files the peer parsed (it skips some), and only mapped concepts.
        scope = files[peer] | {p for p, _, _ in triples[peer]}
        mine = {t for t in triples["dockguard"] if t[2] in mapped and t[0] in scope}
        theirs = {t for t in triples[peer] if t[2] in mapped}
        both, union = mine & theirs, mine | theirs
        print(f"\n== dockguard vs {peer}: {len(both)}/{len(union)} triples agree "
              f"({100.0 * len(both) / max(1, len(union)):.1f}%), "
              f"{len(mine - theirs)} only dockguard, {len(theirs - mine)} only {peer}")
        per = defaultdict(Counter)
        for t in mine - theirs:
            per[t[2]]["only dockguard"] += 1
        for t in theirs - mine:
            per[t[2]][f"only {peer}"] += 1
        for t in both:
            per[t[2]]["both"] += 1
        print(f"{'concept':26} {'both':>6} {'only dg':>8} {'only ' + peer:>13}")
        for c in sorted(per):
            print(f"{c:26} {per[c]['both']:>6} {per[c]['only dockguard']:>8} {per[c]['only ' + peer]:>13}")
        if details:
            for label, diff in (("only dockguard", mine - theirs), (f"only {peer}", theirs - mine)):
                print(f"-- {label} (first {details}):")
                for t in sorted(diff)[:details]:
                    print(f"   {os.path.relpath(t[0], corpus)} doc {t[1]} {t[2]}")


if __name__ == "__main__":
    main()
