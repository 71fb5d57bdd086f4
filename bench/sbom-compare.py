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
"""
import json
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
    doc = json.load(open(path))
    out = set()
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
            if eco == "npm" or eco == "composer" or eco == "golang":
                name = a["name"]
            out.add(lang_key(eco, name, a.get("version")))
    return out


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
            out.add(lang_key(eco, c.get("name") if typ != "golang" else name, c.get("version") or version))
    return out


def show(key):
    if key[0] == "os":
        _, name, version, source, arch = key
        return f"{name} {version} (src {source}, {arch or '-'})"
    _, eco, name, version = key
    return f"{eco}:{name} {version}"


def compare(label, a, b, limit):
    for kind, title in (("os", "OS packages"), ("lang", "language packages")):
        sa = {k for k in a if k[0] == kind}
        sb = {k for k in b if k[0] == kind}
        either = sa | sb
        both = sa & sb
        pct = 100.0 * len(both) / len(either) if either else 100.0
        print(f"  dockguard vs {label}, {title}: dockguard {len(sa)}, {label} {len(sb)}, "
              f"both {len(both)}, agreement {pct:.1f} %")
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
    limit = 20
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i:i + 2]
    dg = dockguard(args[0])
    compare("syft", dg, syft(args[1]), limit)
    compare("trivy", dg, trivy(args[2]), limit)


if __name__ == "__main__":
    main()
