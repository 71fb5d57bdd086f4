//! OpenVEX documents (<https://github.com/openvex/spec>, v0.2.0, and the v0.0.x shape where a
//! vulnerability and a product are plain strings): statements by a supplier or the project that
//! a vulnerability does or does not affect a product.
//!
//! How a finding (a vulnerability of one package) is judged:
//! - a statement is about it when its `vulnerability.name` or one of `vulnerability.aliases` is
//!   the finding's id or one of its aliases (ASCII case-insensitively), and
//! - one of its `products` identifies the package: the product's `@id` when that is a package
//!   URL, or its `identifiers.purl`. When the product lists `subcomponents`, the statement is
//!   about those components inside the product: a subcomponent must identify the package (the
//!   product itself is taken to be the scanned target and is not compared, since an image's
//!   own identity — registry, digest — is often unknown here). A statement without products
//!   identifies nothing and is never applied (its product would come from an encapsulating
//!   document, which a plain OpenVEX file has not).
//! - Purls are compared as [`purl_matches`] says: a statement's purl without a version or
//!   qualifiers stands for every version and every qualifier value of the package.
//! - Of the statements about a finding, the most recent one decides (`last_updated`, else
//!   `timestamp`, of the statement, else of the document; on a tie the later statement in
//!   command-line and document order): `not_affected` and `fixed` suppress the finding,
//!   `affected` and `under_investigation` keep it.
//!
//! A document is refused with the file's name (and line:col for JSON errors) when it is not
//! JSON, lacks the OpenVEX `@context`, a statement lacks its vulnerability or a known status,
//! a `not_affected` statement has neither a justification nor an impact statement (the spec's
//! MUST), a justification is not one of the five labels, or a timestamp is not RFC 3339.

use std::collections::BTreeMap;

use packageurl::PackageUrl;
use serde::Deserialize;

use crate::ecosystem::normalize_name;
use crate::matcher::Finding;

/// The largest document read (64 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// The justification labels of the VEX status justifications document (OpenVEX spec).
pub const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Affected => "affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        }
    }

    /// Whether a finding this status is stated for is left out.
    pub fn suppresses(self) -> bool {
        matches!(self, Status::NotAffected | Status::Fixed)
    }
}

/// A product or subcomponent, by the package URLs that identify it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Product {
    pub purls: Vec<String>,
    /// Each subcomponent's purls.
    pub subcomponents: Vec<Vec<String>>,
}

/// One statement, with what it inherits from its document resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The vulnerability's name and aliases.
    pub names: Vec<String>,
    pub products: Vec<Product>,
    pub status: Status,
    pub justification: Option<String>,
    pub impact_statement: Option<String>,
    pub action_statement: Option<String>,
    /// When it was made or last updated: (Unix seconds, nanoseconds).
    pub time: (i64, u32),
}

/// One document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Where it was read from (the file name as given).
    pub source: String,
    /// Its `@id`.
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "@context")]
    context: String,
    #[serde(rename = "@id", default)]
    id: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    statements: Vec<RawStatement>,
}

#[derive(Deserialize)]
struct RawStatement {
    vulnerability: RawVulnerability,
    #[serde(default)]
    products: Vec<RawComponent>,
    /// v0.0.x: subcomponents of every product, at the statement level.
    #[serde(default)]
    subcomponents: Vec<RawComponent>,
    status: Status,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    action_statement: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVulnerability {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawComponent {
    Id(String),
    Full {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: BTreeMap<String, String>,
        #[serde(default)]
        subcomponents: Vec<RawComponent>,
    },
}

impl RawComponent {
    fn purls(&self) -> Vec<String> {
        let (id, identifiers) = match self {
            RawComponent::Id(id) => (Some(id), None),
            RawComponent::Full {
                id, identifiers, ..
            } => (id.as_ref(), identifiers.get("purl")),
        };
        id.filter(|i| i.starts_with("pkg:"))
            .into_iter()
            .chain(identifiers)
            .cloned()
            .collect()
    }

    fn subcomponents(&self) -> &[RawComponent] {
        match self {
            RawComponent::Id(_) => &[],
            RawComponent::Full { subcomponents, .. } => subcomponents,
        }
    }
}

/// Reads one document; `source` names it in errors (`vex.json:3:17: …`).
pub fn parse(source: &str, bytes: &[u8]) -> Result<Document, String> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "{source}: OpenVEX document of {} bytes is over the {} MiB limit",
            bytes.len(),
            MAX_DOCUMENT_BYTES >> 20
        ));
    }
    let raw: RawDocument = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "{source}:{}:{}: not an OpenVEX document: {e}",
            e.line(),
            e.column()
        )
        .replace(&format!(" at line {} column {}", e.line(), e.column()), "")
    })?;
    if !raw.context.starts_with("https://openvex.dev/ns") {
        return Err(format!(
            "{source}: not an OpenVEX document (@context is `{}`, not https://openvex.dev/ns…)",
            raw.context
        ));
    }
    let doc_time = match raw.last_updated.as_ref().or(raw.timestamp.as_ref()) {
        Some(t) => {
            Some(rfc3339(t).ok_or_else(|| format!("{source}: timestamp `{t}` is not RFC 3339"))?)
        }
        None => None,
    };
    let mut statements = Vec::with_capacity(raw.statements.len());
    for (i, s) in raw.statements.into_iter().enumerate() {
        let at = |m: String| format!("{source}: statement {}: {m}", i + 1);
        let (name, aliases) = match s.vulnerability {
            RawVulnerability::Name(n) => (n, Vec::new()),
            RawVulnerability::Full { name, aliases } => (name, aliases),
        };
        if name.trim().is_empty() {
            return Err(at("the vulnerability has no name".into()));
        }
        if let Some(j) = &s.justification
            && !JUSTIFICATIONS.contains(&j.as_str())
        {
            return Err(at(format!(
                "unknown justification `{j}` (expected one of {})",
                JUSTIFICATIONS.join(", ")
            )));
        }
        if s.status == Status::NotAffected
            && s.justification.is_none()
            && s.impact_statement
                .as_deref()
                .is_none_or(|t| t.trim().is_empty())
        {
            return Err(at(
                "a not_affected statement needs a justification or an impact_statement".into(),
            ));
        }
        let time = match s.last_updated.as_ref().or(s.timestamp.as_ref()) {
            Some(t) => rfc3339(t).ok_or_else(|| at(format!("timestamp `{t}` is not RFC 3339")))?,
            None => doc_time
                .ok_or_else(|| at("no timestamp, and the document has none to inherit".into()))?,
        };
        let shared_subcomponents: Vec<Vec<String>> =
            s.subcomponents.iter().map(RawComponent::purls).collect();
        let products = s
            .products
            .iter()
            .map(|p| {
                let mut subcomponents: Vec<Vec<String>> =
                    p.subcomponents().iter().map(RawComponent::purls).collect();
                subcomponents.extend(shared_subcomponents.iter().cloned());
                Product {
                    purls: p.purls(),
                    subcomponents,
                }
            })
            .collect();
        statements.push(Statement {
            names: std::iter::once(name.trim().to_string())
                .chain(aliases.into_iter().map(|a| a.trim().to_string()))
                .collect(),
            products,
            status: s.status,
            justification: s.justification,
            impact_statement: s.impact_statement,
            action_statement: s.action_statement,
            time,
        });
    }
    Ok(Document {
        source: source.to_string(),
        id: raw.id,
        statements,
    })
}

/// An RFC 3339 date-time (`2023-01-16T20:41:55.708329108-06:00`, `…Z`) as Unix (seconds,
/// nanoseconds).
pub fn rfc3339(text: &str) -> Option<(i64, u32)> {
    let t = text.trim();
    if t.len() < 20 || t.len() > 64 || !t.is_ascii() {
        return None;
    }
    let date = crate::ignore::Date::parse(&t[..10]).ok()?;
    if !matches!(t.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    let two = |s: &str| -> Option<i64> {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let b = t.as_bytes();
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, m, s) = (two(&t[11..13])?, two(&t[14..16])?, two(&t[17..19])?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut rest = &t[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<9}", &frac[..digits.min(9)]);
        nanos = padded.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let (sign, hm) = match rest.as_bytes().first()? {
                b'+' => (1, &rest[1..]),
                b'-' => (-1, &rest[1..]),
                _ => return None,
            };
            let (oh, om) = hm.split_once(':')?;
            let (oh, om) = (two(oh)?, two(om)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some((
        date.days_since_epoch() * 86_400 + h * 3600 + m * 60 + s - offset,
        nanos,
    ))
}

/// Whether `purl` (a package's) is identified by `pattern` (a statement's): same type,
/// namespace and name (PyPI names by PEP 503), and, where the pattern has them, the same
/// version, qualifier values and subpath. Text that does not parse as a purl must be equal.
pub fn purl_matches(pattern: &str, purl: &str) -> bool {
    let (Ok(p), Ok(q)) = (
        pattern.trim().parse::<PackageUrl>(),
        purl.trim().parse::<PackageUrl>(),
    ) else {
        return pattern.trim() == purl.trim();
    };
    let name = |u: &PackageUrl| -> String {
        if u.ty() == "pypi" {
            normalize_name("PyPI", u.name())
        } else {
            u.name().to_string()
        }
    };
    p.ty() == q.ty()
        && p.namespace() == q.namespace()
        && name(&p) == name(&q)
        && p.version().is_none_or(|v| Some(v) == q.version())
        && p.subpath().is_none_or(|s| Some(s) == q.subpath())
        && p.qualifiers()
            .iter()
            .all(|(k, v)| q.qualifiers().get(k) == Some(v))
}

impl Product {
    fn identifies(&self, purl: &str) -> bool {
        if self.subcomponents.is_empty() {
            self.purls.iter().any(|p| purl_matches(p, purl))
        } else {
            self.subcomponents
                .iter()
                .any(|s| s.iter().any(|p| purl_matches(p, purl)))
        }
    }
}

impl Statement {
    /// Whether the statement is about `finding` of the package with purl `purl`.
    pub fn is_about(&self, finding: &Finding, purl: &str) -> bool {
        let named = std::iter::once(&finding.id)
            .chain(&finding.aliases)
            .any(|id| self.names.iter().any(|n| n.eq_ignore_ascii_case(id)));
        named && self.products.iter().any(|p| p.identifies(purl))
    }
}

/// The statement that decides a finding, and its document.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub document: &'a Document,
    pub statement: &'a Statement,
}

/// Every document given.
#[derive(Debug, Clone, Default)]
pub struct Vex {
    pub documents: Vec<Document>,
}

impl Vex {
    /// The most recent statement about `finding` (package purl `purl`), if any.
    pub fn decide(&self, finding: &Finding, purl: &str) -> Option<Decision<'_>> {
        let mut best: Option<Decision<'_>> = None;
        for document in &self.documents {
            for statement in &document.statements {
                if statement.is_about(finding, purl)
                    && best.is_none_or(|b| statement.time >= b.statement.time)
                {
                    best = Some(Decision {
                        document,
                        statement,
                    });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, aliases: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            package: 0,
            ecosystem: "PyPI".into(),
            installed: "1.26.4".into(),
            fixed: None,
            rating: Default::default(),
            summary: None,
        }
    }

    const DOC: &str = r#"{
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://openvex.dev/docs/example/vex-1",
      "author": "Example", "timestamp": "2026-01-10T12:00:00Z", "version": 1,
      "statements": [
        {"vulnerability": {"name": "CVE-2023-43804", "aliases": ["GHSA-v845-jxx5-vc9f"]},
         "products": [{"@id": "pkg:pypi/urllib3"}],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
        {"vulnerability": {"name": "GHSA-g4mx-q9vg-27p4"},
         "products": [{"@id": "pkg:oci/app", "subcomponents": [
            {"identifiers": {"purl": "pkg:pypi/urllib3@1.26.4"}}]}],
         "status": "fixed", "timestamp": "2026-01-11T00:00:00+01:00"},
        {"vulnerability": {"name": "CVE-2021-33503"},
         "products": [{"@id": "pkg:pypi/urllib3@1.26.4"}],
         "status": "under_investigation"},
        {"vulnerability": {"name": "CVE-2021-33503"},
         "products": [{"@id": "pkg:pypi/urllib3@1.26.4"}],
         "status": "not_affected", "impact_statement": "not reachable",
         "timestamp": "2026-01-09T00:00:00Z"}
      ]}"#;

    #[test]
    fn statements_decide_findings() {
        let vex = Vex {
            documents: vec![parse("vex.json", DOC.as_bytes()).unwrap()],
        };
        let purl = "pkg:pypi/urllib3@1.26.4";
        // By alias, product without version.
        let d = vex
            .decide(&finding("GHSA-v845-jxx5-vc9f", &[]), purl)
            .unwrap();
        assert_eq!(d.statement.status, Status::NotAffected);
        assert_eq!(d.document.source, "vex.json");
        // By the finding's alias, through a subcomponent.
        let d = vex
            .decide(&finding("CVE-2023-45803", &["GHSA-g4mx-q9vg-27p4"]), purl)
            .unwrap();
        assert!(d.statement.status.suppresses());
        // Not the version the subcomponent names.
        assert!(
            vex.decide(
                &finding("GHSA-g4mx-q9vg-27p4", &[]),
                "pkg:pypi/urllib3@1.26.5"
            )
            .is_none()
        );
        // The newest statement wins: under_investigation (document time, 01-10) over
        // not_affected (01-09).
        let d = vex.decide(&finding("CVE-2021-33503", &[]), purl).unwrap();
        assert_eq!(d.statement.status, Status::UnderInvestigation);
        assert!(!d.statement.status.suppresses());
        // Another package, another vulnerability.
        assert!(
            vex.decide(&finding("CVE-2023-43804", &[]), "pkg:pypi/requests@2.0")
                .is_none()
        );
        assert!(vex.decide(&finding("CVE-2099-1", &[]), purl).is_none());
    }

    #[test]
    fn old_shape_with_strings() {
        let doc = r#"{"@context": "https://openvex.dev/ns", "@id": "x", "author": "a",
          "timestamp": "2023-01-16T20:41:55.708329108-06:00", "version": 1,
          "statements": [{"vulnerability": "CVE-2022-39046", "products": ["pkg:oci/app"],
            "subcomponents": ["pkg:deb/debian/libc6@2.36-9"], "status": "fixed"}]}"#;
        let doc = parse("old.json", doc.as_bytes()).unwrap();
        assert_eq!(doc.statements[0].time, (1_673_923_315, 708_329_108));
        let vex = Vex {
            documents: vec![doc],
        };
        let f = finding("CVE-2022-39046", &[]);
        assert!(
            vex.decide(
                &f,
                "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12"
            )
            .is_some()
        );
        assert!(vex.decide(&f, "pkg:deb/debian/libc-bin@2.36-9").is_none());
    }

    #[test]
    fn purls() {
        let ours =
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl";
        assert!(purl_matches("pkg:deb/debian/libssl3", ours));
        assert!(purl_matches(
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1",
            ours
        ));
        assert!(purl_matches(
            "pkg:deb/debian/libssl3@3.0.15-1%7Edeb12u1?arch=amd64",
            ours
        ));
        assert!(!purl_matches("pkg:deb/debian/libssl3?arch=arm64", ours));
        assert!(!purl_matches("pkg:deb/debian/libssl3@3.0.14-1", ours));
        assert!(!purl_matches("pkg:deb/ubuntu/libssl3", ours));
        assert!(!purl_matches("pkg:rpm/debian/libssl3", ours));
        assert!(!purl_matches("pkg:deb/debian/openssl", ours));
        assert!(purl_matches("pkg:pypi/PyYAML@5.3", "pkg:pypi/pyyaml@5.3"));
        assert!(purl_matches(
            "pkg:pypi/zope.interface",
            "pkg:pypi/zope-interface@6"
        ));
        assert!(purl_matches(
            "pkg:npm/%40angular/core",
            "pkg:npm/%40angular/core@17.0.0"
        ));
        assert!(!purl_matches(
            "pkg:npm/core",
            "pkg:npm/%40angular/core@17.0.0"
        ));
        assert!(!purl_matches("pkg:pypi/urllib3@1.26.4", "pkg:pypi/urllib3"));
        // Not purls: compared as text.
        assert!(purl_matches("not a purl", "not a purl"));
        assert!(!purl_matches("not a purl", "pkg:pypi/x"));
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(rfc3339("1970-01-01T01:00:00+01:00"), Some((0, 0)));
        assert_eq!(rfc3339("1969-12-31T23:00:00-01:00"), Some((0, 0)));
        assert_eq!(
            rfc3339("2026-01-10T12:00:00.5Z"),
            Some((1_768_046_400, 500_000_000))
        );
        for bad in [
            "",
            "2026-01-10",
            "2026-01-10T12:00:00",
            "2026-01-10T25:00:00Z",
            "2026-01-10T12:00:00.Z",
            "2026-01-10T12:00:00+0100",
            "2026-02-30T12:00:00Z",
            "2026-01-10T12:00:00Zjunk",
            "2026-01-10T12:0é:00Z",
        ] {
            assert_eq!(rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_documents() {
        let err = |text: &str| parse("v.json", text.as_bytes()).unwrap_err();
        let e = err("{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": 5}");
        assert!(e.starts_with("v.json:3:"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e = err("not json");
        assert!(e.starts_with("v.json:1:"), "{e}");
        let e = err(r#"{"@context": "https://cyclonedx.org", "statements": []}"#);
        assert!(e.contains("not an OpenVEX document"), "{e}");
        let e = err(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z",
              "statements": [{"vulnerability": {"name": "X"}, "status": "maybe"}]}"#,
        );
        assert!(e.contains("maybe") && e.starts_with("v.json:2:"), "{e}");
        let e = err(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z",
              "statements": [{"vulnerability": {"name": "X"}, "status": "not_affected"}]}"#,
        );
        assert!(
            e.contains("statement 1") && e.contains("justification"),
            "{e}"
        );
        let e = err(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z",
              "statements": [{"vulnerability": {"name": "X"}, "status": "not_affected",
                              "justification": "because"}]}"#,
        );
        assert!(e.contains("unknown justification `because`"), "{e}");
        let e = err(r#"{"@context": "https://openvex.dev/ns/v0.2.0",
              "statements": [{"vulnerability": {"name": "X"}, "status": "fixed"}]}"#);
        assert!(e.contains("no timestamp"), "{e}");
        let e = err(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "yesterday",
              "statements": []}"#,
        );
        assert!(e.contains("RFC 3339"), "{e}");
        let e = err(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z",
              "statements": [{"vulnerability": {"name": " "}, "status": "fixed"}]}"#,
        );
        assert!(e.contains("no name"), "{e}");
        let huge = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(parse("h.json", &huge).unwrap_err().contains("over the"));
        // Garbage never panics.
        for text in [
            "",
            "[]",
            "{}",
            "null",
            "{\"@context\": 1}",
            &"[".repeat(10_000),
        ] {
            assert!(parse("g.json", text.as_bytes()).is_err(), "{text}");
        }
    }
}
