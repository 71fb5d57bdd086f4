//! The inventory as documents other tools read: CycloneDX 1.6 JSON, SPDX 2.3 JSON, and a text
//! table. Written by hand (serde_json values): cyclonedx-bom models specs up to 1.5 only, and
//! what we emit is small. Both documents validate against the official schemas (tested).

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use serde_json::{Value, json};

use crate::model::{Inventory, Package};

/// What the document describes.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// The target as the user named it (`nginx:1.27`, `image.tar`, `.`).
    pub name: &'a str,
    /// `container` for images, `file` for directories.
    pub kind: SubjectKind,
    pub tool_version: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Container,
    Directory,
}

/// `bom-ref` / SPDX id of package `i`.
fn package_ref(i: usize) -> String {
    format!("pkg-{i}")
}

/// A UUID (version 4 layout) derived from the document's content, so that the same inventory
/// gives the same serial number.
fn content_uuid(subject: &Subject, inventory: &Inventory) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    subject.name.hash(&mut h);
    for p in &inventory.packages {
        (p.ecosystem, &p.name, &p.version, &p.locations).hash(&mut h);
    }
    let a = h.finish();
    a.rotate_left(17).hash(&mut h);
    let b = h.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        a as u16 & 0x0fff,
        ((b >> 48) as u16 & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// The current time as RFC 3339 UTC (`2026-11-28T22:30:00Z`).
pub fn now_rfc3339() -> String {
    dockguard_core::time::now_rfc3339()
}

/// How a licence as recorded is written in the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LicenseForm {
    /// A current SPDX licence id (`MIT`, `GPL-2.0-or-later`).
    Id,
    /// A valid SPDX expression of several terms (`MIT OR Apache-2.0`).
    Expression,
    /// Anything else (`GPL-2+`, `Expat`, `BSD-3-clause`, free text), written as a name.
    Other,
}

/// Ids and expressions are checked against the SPDX licence list (the `spdx` crate): the
/// schemas accept only listed ids, and Debian's short names (`GPL-2+`) are not SPDX ids even
/// when they look like one.
fn license_form(text: &str) -> LicenseForm {
    if text.len() > 512 {
        return LicenseForm::Other;
    }
    if spdx::license_id(text).is_some_and(|l| l.name == text && !l.is_deprecated()) {
        LicenseForm::Id
    } else if text.contains(' ') && spdx::Expression::parse(text).is_ok() {
        LicenseForm::Expression
    } else {
        LicenseForm::Other
    }
}

/// Whether `text` is a valid SPDX licence expression (a single listed id included).
pub fn is_spdx_expression(text: &str) -> bool {
    license_form(text) != LicenseForm::Other
}

fn cyclonedx_licenses(p: &Package) -> Option<Value> {
    if p.licenses.is_empty() {
        return None;
    }
    // CycloneDX allows one expression, or a list of ids and names.
    if let [one] = p.licenses.as_slice()
        && license_form(one) == LicenseForm::Expression
    {
        return Some(json!([{ "expression": one }]));
    }
    Some(Value::Array(
        p.licenses
            .iter()
            .map(|l| match license_form(l) {
                LicenseForm::Id => json!({ "license": { "id": l } }),
                _ => json!({ "license": { "name": l } }),
            })
            .collect(),
    ))
}

/// The SPDX documents' licence references: recorded names that are not SPDX ids become
/// `LicenseRef-<name>` with the name as the extracted text (as syft writes them).
#[derive(Default)]
struct LicenseRefs {
    /// recorded text → reference id, in first-use order.
    ids: Vec<(String, String)>,
}

impl LicenseRefs {
    fn id_of(&mut self, text: &str) -> String {
        if let Some((_, id)) = self.ids.iter().find(|(t, _)| t == text) {
            return id.clone();
        }
        let safe: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let mut id = format!("LicenseRef-{safe}");
        let mut n = 1;
        while self.ids.iter().any(|(_, i)| *i == id) {
            n += 1;
            id = format!("LicenseRef-{safe}-{n}");
        }
        self.ids.push((text.to_string(), id.clone()));
        id
    }

    /// `licenseDeclared` of a package: its licences joined by AND.
    fn declared(&mut self, licenses: &[String]) -> String {
        if licenses.is_empty() {
            return "NOASSERTION".to_string();
        }
        let terms: Vec<String> = licenses
            .iter()
            .map(|l| match license_form(l) {
                LicenseForm::Id => l.clone(),
                LicenseForm::Expression if licenses.len() == 1 => l.clone(),
                LicenseForm::Expression => format!("({l})"),
                LicenseForm::Other => self.id_of(l),
            })
            .collect();
        terms.join(" AND ")
    }

    fn extracted(&self) -> Vec<Value> {
        self.ids
            .iter()
            .map(|(text, id)| json!({ "licenseId": id, "name": text, "extractedText": text }))
            .collect()
    }
}

/// CycloneDX 1.6 JSON.
pub fn cyclonedx(subject: &Subject, inventory: &Inventory) -> Value {
    let distro = inventory.distro.as_ref();
    let mut components: Vec<Value> = Vec::new();
    if let Some(d) = distro {
        let mut os = json!({
            "type": "operating-system",
            "bom-ref": "os",
            "name": d.id,
        });
        if let Some(v) = &d.version_id {
            os["version"] = json!(v);
        }
        if let Some(p) = &d.pretty_name {
            os["description"] = json!(p);
        }
        components.push(os);
    }
    for (i, p) in inventory.packages.iter().enumerate() {
        let mut c = json!({
            "type": "library",
            "bom-ref": package_ref(i),
            "name": p.name,
            "version": p.version,
            "purl": p.purl(distro),
        });
        if let Some(l) = cyclonedx_licenses(p) {
            c["licenses"] = l;
        }
        let mut properties =
            vec![json!({"name": "dockguard:package:type", "value": p.ecosystem.purl_type()})];
        if let Some(s) = &p.source_name {
            properties.push(json!({"name": "dockguard:package:source-name", "value": s}));
        }
        if let Some(s) = &p.source_version {
            properties.push(json!({"name": "dockguard:package:source-version", "value": s}));
        }
        for l in &p.locations {
            properties
                .push(json!({"name": "dockguard:location:path", "value": format!("/{}", l.path)}));
            if let Some(d) = &l.layer_digest {
                properties.push(json!({"name": "dockguard:location:layer-digest", "value": d}));
            }
        }
        c["properties"] = Value::Array(properties);
        components.push(c);
    }
    let dependencies = dependency_pairs(inventory)
        .into_iter()
        .map(|(i, deps)| {
            json!({
                "ref": package_ref(i),
                "dependsOn": deps.into_iter().map(package_ref).collect::<Vec<_>>(),
            })
        })
        .collect::<Vec<_>>();
    let mut doc = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", content_uuid(subject, inventory)),
        "version": 1,
        "metadata": {
            "timestamp": now_rfc3339(),
            "tools": { "components": [{
                "type": "application",
                "name": "dockguard",
                "version": subject.tool_version,
            }]},
            "component": {
                "type": match subject.kind {
                    SubjectKind::Container => "container",
                    SubjectKind::Directory => "file",
                },
                "bom-ref": "subject",
                "name": subject.name,
            },
        },
        "components": components,
    });
    if !dependencies.is_empty() {
        doc["dependencies"] = Value::Array(dependencies);
    }
    doc
}

/// For each package with recorded dependencies, the packages of the same ecosystem and file
/// that they name.
fn dependency_pairs(inventory: &Inventory) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    for (i, p) in inventory.packages.iter().enumerate() {
        if p.dependencies.is_empty() {
            continue;
        }
        let here = p.locations.first().map(|l| l.path.as_str());
        let mut deps: Vec<usize> = p
            .dependencies
            .iter()
            .filter_map(|name| {
                inventory.packages.iter().position(|q| {
                    q.ecosystem == p.ecosystem
                        && &q.name == name
                        && q.locations.first().map(|l| l.path.as_str()) == here
                })
            })
            .collect();
        deps.sort_unstable();
        deps.dedup();
        if !deps.is_empty() {
            out.push((i, deps));
        }
    }
    out
}

/// SPDX 2.3 JSON.
pub fn spdx(subject: &Subject, inventory: &Inventory) -> Value {
    let distro = inventory.distro.as_ref();
    let spdx_id = |i: usize| format!("SPDXRef-Package-{i}");
    let mut refs = LicenseRefs::default();
    let packages: Vec<Value> = inventory
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let declared = refs.declared(&p.licenses);
            let mut v = json!({
                "SPDXID": spdx_id(i),
                "name": p.name,
                "versionInfo": p.version,
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false,
                "licenseConcluded": "NOASSERTION",
                "licenseDeclared": declared,
                "copyrightText": "NOASSERTION",
                "externalRefs": [{
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": p.purl(distro),
                }],
            });
            let found: Vec<String> = p.locations.iter().map(|l| format!("/{}", l.path)).collect();
            if !found.is_empty() {
                v["sourceInfo"] = json!(format!("found in {}", found.join(", ")));
            }
            v
        })
        .collect();
    let mut relationships: Vec<Value> = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Subject",
    })];
    for i in 0..inventory.packages.len() {
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Subject",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": spdx_id(i),
        }));
    }
    for (i, deps) in dependency_pairs(inventory) {
        for d in deps {
            relationships.push(json!({
                "spdxElementId": spdx_id(i),
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": spdx_id(d),
            }));
        }
    }
    let mut all_packages = vec![json!({
        "SPDXID": "SPDXRef-Subject",
        "name": subject.name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": match subject.kind {
            SubjectKind::Container => "CONTAINER",
            SubjectKind::Directory => "SOURCE",
        },
    })];
    all_packages.extend(packages);
    let safe_name: String = subject
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": subject.name,
        "documentNamespace": format!(
            "https://dockguard.invalid/spdx/{safe_name}-{}",
            content_uuid(subject, inventory)
        ),
        "creationInfo": {
            "created": now_rfc3339(),
            "creators": [format!("Tool: dockguard-{}", subject.tool_version)],
        },
        "packages": all_packages,
        "relationships": relationships,
    });
    let extracted = refs.extracted();
    if !extracted.is_empty() {
        doc["hasExtractedLicensingInfos"] = Value::Array(extracted);
    }
    doc
}

/// A text table: type, name, version, source, location.
pub fn table(inventory: &Inventory) -> String {
    let mut out = String::new();
    if let Some(d) = &inventory.distro {
        let _ = writeln!(
            out,
            "OS: {}{}",
            d.id,
            d.version_id
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default()
        );
    }
    let rows: Vec<[String; 5]> = inventory
        .packages
        .iter()
        .map(|p| {
            [
                p.ecosystem.purl_type().to_string(),
                p.name.clone(),
                p.version.clone(),
                p.source_name.clone().unwrap_or_default(),
                p.locations
                    .first()
                    .map(|l| format!("/{}", l.path))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["TYPE", "NAME", "VERSION", "SOURCE", "FOUND IN"].map(str::to_string);
    let mut widths = header.clone().map(|h| h.len());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count()).min(60);
        }
    }
    for r in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(out, "{} packages", inventory.packages.len());
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn licence_forms() {
        use super::{LicenseForm::*, LicenseRefs, license_form};
        assert_eq!(license_form("MIT"), Id);
        assert_eq!(license_form("GPL-2.0-or-later"), Id);
        assert_eq!(license_form("Apache-2.0 OR MIT"), Expression);
        assert_eq!(
            license_form("GPL-2.0-only WITH Classpath-exception-2.0"),
            Expression
        );
        // Debian short names, deprecated ids and free text are names.
        for other in [
            "GPL-2+",
            "Expat",
            "BSD-3-clause",
            "GPL-2.0+",
            "LGPL-2.1",
            "public domain",
            "",
        ] {
            assert_eq!(license_form(other), Other, "{other}");
        }
        let mut refs = LicenseRefs::default();
        let got = refs.declared(&[
            "MIT".into(),
            "GPL-2+".into(),
            "A OR B".into(),
            "GPL-2 ".into(),
        ]);
        assert_eq!(
            got,
            "MIT AND LicenseRef-GPL-2- AND LicenseRef-A-OR-B AND LicenseRef-GPL-2--2"
        );
        assert_eq!(refs.declared(&["GPL-2+".into()]), "LicenseRef-GPL-2-");
        assert_eq!(
            refs.declared(&["MIT OR Apache-2.0".into(), "Zlib".into()]),
            "(MIT OR Apache-2.0) AND Zlib"
        );
        assert_eq!(refs.extracted().len(), 3);
    }

    use super::*;
    use crate::model::{Distro, Ecosystem, Location};

    #[test]
    fn dates_and_expressions() {
        assert!(now_rfc3339().ends_with('Z') && now_rfc3339().len() == 20);
        assert!(is_spdx_expression("MIT"));
        assert!(is_spdx_expression("(MIT OR Apache-2.0) AND BSD-3-Clause"));
        assert!(is_spdx_expression(
            "GPL-2.0-or-later WITH Classpath-exception-2.0"
        ));
        assert!(!is_spdx_expression("BSD License"));
        assert!(!is_spdx_expression("see LICENSE file"));
    }

    pub(crate) fn sample() -> Inventory {
        let mut ssl = Package::new(Ecosystem::Deb, "libssl3", "3.0.15-1~deb12u1");
        ssl.arch = Some("amd64".into());
        ssl.source_name = Some("openssl".into());
        ssl.licenses = vec!["Apache-2.0".into()];
        ssl.locations.push(Location {
            path: "var/lib/dpkg/status".into(),
            layer: Some(0),
            layer_digest: Some("sha256:aa".into()),
        });
        let mut serde = Package::new(Ecosystem::Cargo, "serde", "1.0.200");
        serde.dependencies = vec!["serde_derive".into()];
        serde.licenses = vec!["MIT OR Apache-2.0".into()];
        serde.locations.push(Location {
            path: "app/Cargo.lock".into(),
            layer: Some(1),
            layer_digest: None,
        });
        let mut derive = Package::new(Ecosystem::Cargo, "serde_derive", "1.0.200");
        derive.licenses = vec!["Some Custom Licence".into()];
        derive.locations = serde.locations.clone();
        Inventory {
            distro: Some(Distro {
                id: "debian".into(),
                version_id: Some("12".into()),
                ..Distro::default()
            }),
            packages: vec![ssl, serde, derive],
            warnings: vec![],
        }
    }

    #[test]
    fn documents_carry_every_package() {
        let inv = sample();
        let subject = Subject {
            name: "demo:1",
            kind: SubjectKind::Container,
            tool_version: "0.1.0",
        };
        let cdx = cyclonedx(&subject, &inv);
        assert_eq!(cdx["components"].as_array().unwrap().len(), 4);
        assert_eq!(cdx["dependencies"][0]["dependsOn"][0], "pkg-2");
        let text = cdx.to_string();
        assert!(text.contains(
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"
        ));
        let doc = spdx(&subject, &inv);
        assert_eq!(doc["packages"].as_array().unwrap().len(), 4);
        assert_eq!(doc["packages"][2]["licenseDeclared"], "MIT OR Apache-2.0");
        // A name that is no SPDX id is a licence reference with the name as its text.
        assert_eq!(
            doc["packages"][3]["licenseDeclared"],
            "LicenseRef-Some-Custom-Licence"
        );
        assert_eq!(
            doc["hasExtractedLicensingInfos"][0],
            json!({"licenseId": "LicenseRef-Some-Custom-Licence", "name": "Some Custom Licence",
                   "extractedText": "Some Custom Licence"})
        );
        let rels = doc["relationships"].as_array().unwrap();
        assert!(rels.iter().any(|r| r["relationshipType"] == "DEPENDS_ON"));
        // Same content, same serial number.
        assert_eq!(
            cyclonedx(&subject, &inv)["serialNumber"],
            cdx["serialNumber"]
        );
        let t = table(&inv);
        assert!(t.contains("libssl3") && t.contains("3 packages"), "{t}");
    }
}
