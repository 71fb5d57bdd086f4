#!/usr/bin/env python3
"""Compares the package lists of dockguard, syft and trivy for one image.

    bench/sbom-compare.py DOCKGUARD_JSON SYFT_JSON TRIVY_CYCLONEDX [--limit N]

DOCKGUARD_JSON is `dockguard sbom -f json`, SYFT_JSON `syft -o json`, TRIVY_CYCLONEDX `trivy image
--format cyclonedx`. Packages are keyed as:
  OS packages (deb, apk, rpm)   (name, version, source name, architecture)
  language packages              (ecosystem, name, version)
Versions keep the epoch (`1:2.3-4`; trivy's `epoch` purl qualifier is put back in front). An
empty source name counts as the package's own name (syft leaves it empty when the two are
equal). Python names are compared PEP 503-normalised (lower case, runs of `-_.` as `-`); other
names as written. syft's `binary` packages (versions found in executables) go in the language set
under ecosystem `binary`. Agreement = |both| / |either| (Jaccard), per pair with dockguard.

syft also lists language packages that sit in files an OS package installed (pip, setuptools
and wheel of Debian's python3-pip, …) and marks them itself with an `ownership-by-file-overlap`
relationship from the OS package. dockguard and trivy report those files as the OS package only
(issue 6: "files owned by OS packages are not reported again"). They are counted apart, and
the language agreement is given both raw and net of them.
"""
import json
import os
import re
import sys
from urllib.parse import unquote

OS = {"deb", "apk", "rpm"}
ECO_OF_SYFT = {
    "deb": "deb", "apk": "apk", "rpm": "rpm", "python": "pypi", "npm": "npm", "rust-crate": "cargo",
    "go-module": "golang", "gem": "gem", "php-composer": "composer", "java-archive": "maven",
    "dotnet": "nuget", "binary": "binary",
}


def norm_name(eco, name):
    if eco == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def lang_key(eco, name, version):
    return ("lang", eco, norm_name(eco, name), version or "")


def os_key(name, version, source, arch):
    return ("os", name, version or "", source or name, arch or "")


def parse_purl(purl):
    """type, namespace/name, version, qualifiers of a package URL."""
    rest = purl[len("pkg:"):] if purl.startswith("pkg:") else purl
    rest = rest.split("#", 1)[0]
    rest, _, quals = rest.partition("?")
    q = {}
    for kv in quals.split("&") if quals else []:
        k, _, v = kv.partition("=")
        q[k] = unquote(v)
    typ, _, path = rest.partition("/")
    path, _, version = path.rpartition("@") if "@" in path else (path, "", "")
    return typ, unquote(path), unquote(version), q


def dockguard(path):
    doc = json.load(open(path))
    out = set()
    for p in doc.get("packages") or []:
        eco = p.get("ecosystem")
        if eco in OS:
            out.add(os_key(p["name"], p.get("version"), p.get("source_name"), p.get("arch")))
        else:
            out.add(lang_key(eco, p["name"], p.get("version")))
    return out


def syft(path):
    """syft's packages, and apart the language packages syft marks as owned by an OS package."""
    doc = json.load(open(path))
    out, owned = set(), set()
    by_id = {a.get("id"): a for a in doc.get("artifacts") or []}
    owned_ids = set()
    for r in doc.get("artifactRelationships") or []:
        parent, child = by_id.get(r.get("parent")), by_id.get(r.get("child"))
        if (r.get("type") == "ownership-by-file-overlap" and parent and child
                and ECO_OF_SYFT.get(parent.get("type")) in OS
                and ECO_OF_SYFT.get(child.get("type")) not in OS):
            owned_ids.add(child.get("id"))
    for a in doc.get("artifacts") or []:
        eco = ECO_OF_SYFT.get(a.get("type"), a.get("type"))
        md = a.get("metadata") or {}
        if eco in OS:
            src = md.get("source") or md.get("originPackage") or ""
            if eco == "rpm" and md.get("sourceRpm"):
                src = re.sub(r"-[^-]+-[^-]+\.src\.rpm$", "", md["sourceRpm"])
            arch = md.get("architecture") or md.get("arch") or ""
            out.add(os_key(a["name"], a.get("version"), src, arch))
        else:
            name = a["name"]
            (owned if a.get("id") in owned_ids else out).add(lang_key(eco, name, a.get("version")))
    return out, owned


def trivy(path):
    doc = json.load(open(path))
    out = set()
    for c in doc.get("components") or []:
        purl = c.get("purl")
        if not purl:
            continue  # the OS and the image themselves
        typ, name, version, q = parse_purl(purl)
        props = {p.get("name"): p.get("value") for p in c.get("properties") or []}
        if typ in OS:
            name = name.rsplit("/", 1)[-1]
            if q.get("epoch") and q["epoch"] != "0":
                version = f"{q['epoch']}:{version}"
            src = props.get("aquasecurity:trivy:SrcName") or ""
            out.add(os_key(name, version, src, q.get("arch", "")))
        else:
            eco = {"gem": "gem", "pypi": "pypi", "npm": "npm", "cargo": "cargo", "golang": "golang",
                   "composer": "composer", "maven": "maven", "nuget": "nuget"}.get(typ, typ)
            version = c.get("version") or version
            if typ == "golang":
                # trivy writes Go's version `v1.22.3` where Go (and syft, dockguard) write
                # `go1.22.3`, and no version for a main module built from a checkout.
                if name == "stdlib" and version.startswith("v"):
                    version = "go" + version[1:]
                elif not version and "aquasecurity:trivy:PkgType" in props:
                    version = "(devel)"
            out.add(lang_key(eco, c.get("name") if typ != "golang" else name, version))
    return out


def show(key):
    if key[0] == "os":
        _, name, version, source, arch = key
        return f"{name} {version} (src {source}, {arch or '-'})"
    _, eco, name, version = key
    return f"{eco}:{name} {version}"


def compare(label, a, b, limit, owned=frozenset(), totals=None):
    for kind, title in (("os", "OS packages"), ("lang", "language packages")):
        sa = {k for k in a if k[0] == kind}
        sb = {k for k in b if k[0] == kind}
        either = sa | sb
        both = sa & sb
        if totals is not None:
            row = totals.setdefault(f"{label} {kind}", [0, 0, 0])
            row[0] += len(both)
            row[1] += len(either)
            row[2] += len(either | owned) if kind == "lang" else len(either)
        pct = 100.0 * len(both) / len(either) if either else 100.0
        raw = ""
        if kind == "lang" and owned:
            raw_either = either | owned
            raw_pct = 100.0 * len(both) / len(raw_either) if raw_either else 100.0
            raw = (f"; raw, with the {len(owned)} OS-owned ones syft also lists: "
                   f"{len(both)}/{len(raw_either)} = {raw_pct:.1f} %")
        print(f"  dockguard vs {label}, {title}: dockguard {len(sa)}, {label} {len(sb)}, "
              f"both {len(both)}, agreement {pct:.1f} %{raw}")
        if kind == "lang" and owned:
            print(f"    {label} also lists, inside files of OS packages: "
                  + ", ".join(show(k) for k in sorted(owned)))
        for who, only in (("dockguard", sa - sb), (label, sb - sa)):
            if only:
                rows = sorted(only)
                print(f"    only {who} ({len(only)}):")
                for k in rows[:limit]:
                    print(f"      {show(k)}")
                if len(rows) > limit:
                    print(f"      … {len(rows) - limit} more")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--summary"]:
        summary(args[1])
        return
    limit = 20
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i:i + 2]
    dg = dockguard(args[0])
    # DG_SBOM_TOTALS=FILE: the counts are added to FILE (JSON), for a sum over several images.
    totals_file = os.environ.get("DG_SBOM_TOTALS")
    totals = json.load(open(totals_file)) if totals_file and os.path.exists(totals_file) else {}
    sy, owned = syft(args[1])
    compare("syft", dg, sy, limit, owned, totals)
    compare("trivy", dg, trivy(args[2]), limit, totals=totals)
    if totals_file:
        json.dump(totals, open(totals_file, "w"))


def summary(totals_file):
    """The agreement summed over every image compared into TOTALS_FILE."""
    totals = json.load(open(totals_file))
    for key, (both, either, raw) in sorted(totals.items()):
        label, kind = key.split()
        title = "OS packages" if kind == "os" else "language packages"
        line = f"  all images, dockguard vs {label}, {title}: {both}/{either} = {100.0 * both / max(either, 1):.1f} %"
        if raw != either:
            line += f" (raw, OS-owned ones syft also lists included: {both}/{raw} = {100.0 * both / max(raw, 1):.1f} %)"
        print(line)


if __name__ == "__main__":
    main()
