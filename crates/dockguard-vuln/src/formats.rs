//! Findings as documents other tools read: SARIF 2.1.0 (GitHub code scanning) and CycloneDX 1.6
//! (the inventory's SBOM with a `vulnerabilities` array: a VDR, with VEX analysis for the
//! findings OpenVEX statements suppressed).
//!
//! SARIF follows the conventions of dockguard's lint SARIF (`dockguard-report`): one rule per
//! vulnerability id with short and full descriptions, help text and Markdown, `error` for
//! critical/high, `warning` for medium/low (`note` for unknown), tags `security` and `step-6`,
//! relative locations under `%SRCROOT%` (percent-encoded, `file:///` for absolute paths), and a
//! `security-severity` property, which GitHub ranks alerts by: the CVSS base score when a vector
//! gave one, else the lint reporter's value for the severity word (9.5, 8.0, 5.5, 3.0). Each
//! result is located at the file the package was found in (its lockfile, its package database)
//! at line 1, since inventories record files, not lines, and carries a `partialFingerprints`
//! entry from the id, package and file (not the version, so an upgrade that is still vulnerable
//! stays the same alert).

use std::collections::{BTreeMap, BTreeSet};

use dockguard_packages::model::Inventory;
use dockguard_packages::sbom::{Subject, cyclonedx as sbom_cyclonedx};
use serde_json::{Value, json};

use crate::matcher::Finding;
use crate::osv::Record;
use crate::severity::{Rating, Severity, score_vector};
use crate::vex::{Statement, Status};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// What to write.
pub struct Input<'a> {
    pub subject: &'a Subject<'a>,
    pub inventory: &'a Inventory,
    /// Findings reported.
    pub findings: &'a [Finding],
    /// Findings an OpenVEX statement suppressed, with it (CycloneDX keeps them, analysed).
    pub vex_suppressed: &'a [(Finding, Statement)],
    /// Full OSV records by id (those of the findings' ids and aliases that are in the store).
    pub records: &'a BTreeMap<String, Record>,
}

impl Input<'_> {
    /// The records of a finding: those of its id and aliases, in that order.
    fn records_of(&self, f: &Finding) -> Vec<&Record> {
        std::iter::once(&f.id)
            .chain(&f.aliases)
            .filter_map(|id| self.records.get(id))
            .collect()
    }
}

/// SARIF result level.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Unknown => "note",
    }
}

/// GitHub's `security-severity`: the score, else the lint reporter's value for the word.
fn security_severity(rating: &Rating) -> Option<String> {
    if let Some(score) = rating.score {
        return Some(format!("{score:.1}"));
    }
    Some(
        match rating.severity {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Unknown => return None,
        }
        .to_string(),
    )
}

/// The most severe rating (a scored one over an unscored one of the same severity).
fn worst<'a>(ratings: impl Iterator<Item = &'a Rating>) -> Rating {
    ratings
        .max_by(|a, b| {
            (a.severity, a.score.unwrap_or(-1.0))
                .partial_cmp(&(b.severity, b.score.unwrap_or(-1.0)))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .cloned()
        .unwrap_or_default()
}

/// Where to read about a vulnerability: its first ADVISORY reference, else its OSV page.
fn help_uri(id: &str, records: &[&Record]) -> String {
    records
        .iter()
        .flat_map(|r| &r.references)
        .find(|r| r.kind == "ADVISORY" && r.url.starts_with("http"))
        .map(|r| r.url.clone())
        .unwrap_or_else(|| osv_url(records.first().map_or(id, |r| r.id.as_str())))
}

fn osv_url(id: &str) -> String {
    format!("https://osv.dev/vulnerability/{}", percent_encode(id))
}

/// Escapes everything but unreserved characters, sub-delimiters, `@` and `/` (as the lint
/// reporter does; a `:` is escaped since a relative reference would read it as a scheme).
fn percent_encode(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => uri.push(char::from(byte)),
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b'@' | b'/' => uri.push(char::from(byte)),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// A path as a SARIF artifact location: relative under `%SRCROOT%`, absolute as `file:///`.
fn artifact_location(path: &str) -> Value {
    let path = path.replace('\\', "/");
    if let Some(abs) = path.strip_prefix('/') {
        json!({ "uri": format!("file:///{}", percent_encode(abs.trim_start_matches('/'))) })
    } else {
        json!({ "uri": percent_encode(&path), "uriBaseId": SRCROOT })
    }
}

/// 64-bit FNV-1a, as hex: stable across builds and platforms (fingerprints must not change).
fn fnv1a(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn rule(id: &str, findings: &[&Finding], records: &[&Record]) -> Value {
    let rating = worst(findings.iter().map(|f| &f.rating));
    let summary = findings
        .iter()
        .find_map(|f| f.summary.clone())
        .unwrap_or_else(|| format!("{id}: vulnerability in a package"));
    let details = records
        .iter()
        .find_map(|r| r.details.clone().filter(|d| !d.trim().is_empty()));
    let full: String = details
        .clone()
        .unwrap_or_else(|| summary.clone())
        .chars()
        .take(4000)
        .collect();
    let aliases: BTreeSet<&String> = findings.iter().flat_map(|f| &f.aliases).collect();
    let mut links: Vec<String> = Vec::new();
    for r in records {
        for reference in &r.references {
            if reference.url.starts_with("http") && !links.contains(&reference.url) {
                links.push(reference.url.clone());
            }
        }
    }
    links.truncate(20);
    let uri = help_uri(id, records);
    let severity = match rating.score {
        Some(s) => format!("{} ({s:.1})", rating.severity.as_str()),
        None => rating.severity.as_str().to_string(),
    };
    let mut text = format!("{id}: {summary}\n\nSeverity: {severity}\n");
    let mut markdown = format!("**{id}**: {summary}\n\n**Severity**: {severity}\n");
    if !aliases.is_empty() {
        let list: Vec<&str> = aliases.iter().map(|a| a.as_str()).collect();
        text.push_str(&format!("Aliases: {}\n", list.join(", ")));
        markdown.push_str(&format!("\n**Aliases**: {}\n", list.join(", ")));
    }
    if let Some(d) = &details {
        text.push_str(&format!("\n{d}\n"));
        markdown.push_str(&format!("\n{d}\n"));
    }
    text.push_str(&format!("\nAdvisory: {uri}\n"));
    markdown.push_str(&format!("\n**Advisory**: [{uri}]({uri})\n"));
    if !links.is_empty() {
        text.push_str("\nReferences:\n");
        markdown.push_str("\n**References**:\n");
        for l in &links {
            text.push_str(&format!("- {l}\n"));
            markdown.push_str(&format!("- <{l}>\n"));
        }
    }
    let mut properties = json!({
        "tags": ["security", "vulnerability", "step-6"],
        "step": 6,
    });
    if let Some(s) = security_severity(&rating) {
        properties["security-severity"] = json!(s);
    }
    if !aliases.is_empty() {
        properties["aliases"] = json!(aliases);
    }
    json!({
        "id": id,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": full },
        "helpUri": uri,
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(rating.severity) },
        "properties": properties,
    })
}

/// SARIF 2.1.0: one run, one rule per vulnerability id, one result per finding.
pub fn sarif(input: &Input<'_>) -> Value {
    let distro = input.inventory.distro.as_ref();
    let mut by_id: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in input.findings {
        by_id.entry(f.id.as_str()).or_default().push(f);
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::with_capacity(by_id.len());
    for (id, findings) in &by_id {
        let records = input.records_of(findings[0]);
        index.insert(id, rules.len());
        rules.push(rule(id, findings, &records));
    }
    let results: Vec<Value> = input
        .findings
        .iter()
        .map(|f| {
            let p = &input.inventory.packages[f.package];
            let path = p
                .locations
                .first()
                .map_or(input.subject.name, |l| l.path.as_str());
            let fixed = match &f.fixed {
                Some(v) => format!(" Fixed in {v}."),
                None => " No fixed version yet.".to_string(),
            };
            let summary = f
                .summary
                .as_deref()
                .map(|s| format!(": {}", s.trim_end_matches('.')))
                .unwrap_or_default();
            let mut properties = json!({
                "package": p.name,
                "installedVersion": f.installed,
                "ecosystem": f.ecosystem,
                "purl": p.purl(distro),
                "severity": f.rating.severity.as_str(),
            });
            if let Some(v) = &f.fixed {
                properties["fixedVersion"] = json!(v);
            }
            if let Some(s) = security_severity(&f.rating) {
                properties["security-severity"] = json!(s);
            }
            json!({
                "ruleId": f.id,
                "ruleIndex": index[f.id.as_str()],
                "level": level(f.rating.severity),
                "message": { "text": format!(
                    "{} {} ({}) is affected by {} [{}]{summary}.{fixed}",
                    p.name, f.installed, f.ecosystem, f.id, f.rating.severity.as_str()
                )},
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact_location(path),
                    "region": { "startLine": 1 },
                }}],
                "partialFingerprints": {
                    "dockguardVulnerability/v1": fnv1a(&format!(
                        "{}\0{}\0{}\0{path}", f.id, p.ecosystem.purl_type(), p.name
                    )),
                },
                "properties": properties,
            })
        })
        .collect();
    let mut driver = json!({
        "name": "dockguard",
        "version": input.subject.tool_version,
        "rules": rules,
    });
    if let Some(uri) = option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()) {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "results": results,
        }],
    })
}

/// CycloneDX rating method of a CVSS vector.
fn method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.0/") {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.0/") {
        "CVSSv3"
    } else {
        "other"
    }
}

fn cdx_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Unknown => "unknown",
    }
}

/// Every CVSS v3/v4 vector of the records, scored; else the finding's rating (a source's word).
fn ratings(f: &Finding, records: &[&Record]) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in records {
        let vectors = r
            .severity
            .iter()
            .chain(r.affected.iter().flat_map(|a| a.severity.iter()));
        for s in vectors {
            if !matches!(s.kind.as_str(), "CVSS_V3" | "CVSS_V4") || !seen.insert(s.score.clone()) {
                continue;
            }
            if let Some(rating) = score_vector(&s.score) {
                out.push(json!({
                    "source": { "name": "OSV", "url": osv_url(&r.id) },
                    "score": rating.score,
                    "severity": cdx_severity(rating.severity),
                    "method": method(&rating.source),
                    "vector": rating.source,
                }));
            }
        }
    }
    if out.is_empty() {
        let mut rating = json!({
            "severity": cdx_severity(f.rating.severity),
            "method": if f.rating.source.starts_with("CVSS:") { method(&f.rating.source) } else { "other" },
        });
        if let Some(score) = f.rating.score {
            rating["score"] = json!(score);
        }
        if f.rating.source.starts_with("CVSS:") {
            rating["vector"] = json!(f.rating.source);
        }
        out.push(rating);
    }
    out
}

/// CycloneDX justification for an OpenVEX one (the mapping of the CISA VEX use-cases
/// document and Trivy's CycloneDX VEX reader).
fn cdx_justification(openvex: &str) -> Option<&'static str> {
    Some(match openvex {
        "component_not_present" | "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => return None,
    })
}

/// A finding of a CycloneDX vulnerability entry, with the VEX statement that suppressed it.
type Member<'a> = (&'a Finding, Option<&'a Statement>);

/// CycloneDX 1.6: the inventory's components (as `dockguard sbom -f cyclonedx` writes them)
/// and one vulnerability per id (and VEX analysis), affecting the packages' bom-refs.
pub fn cyclonedx(input: &Input<'_>) -> Value {
    let mut doc = sbom_cyclonedx(input.subject, input.inventory);
    // Kept findings grouped by id; suppressed ones by id and statement.
    let mut groups: BTreeMap<(String, Option<String>), Vec<Member<'_>>> = BTreeMap::new();
    for f in input.findings {
        groups
            .entry((f.id.clone(), None))
            .or_default()
            .push((f, None));
    }
    for (f, s) in input.vex_suppressed {
        let key = format!(
            "{}\0{}\0{}",
            s.status.as_str(),
            s.justification.as_deref().unwrap_or(""),
            s.impact_statement.as_deref().unwrap_or("")
        );
        groups
            .entry((f.id.clone(), Some(key)))
            .or_default()
            .push((f, Some(s)));
    }
    let mut vulnerabilities = Vec::with_capacity(groups.len());
    for (n, ((id, _), members)) in groups.iter().enumerate() {
        let first = members[0].0;
        let records = input.records_of(first);
        let source_id = records.first().map_or(id.as_str(), |r| r.id.as_str());
        let mut v = json!({
            "bom-ref": format!("vuln-{n}"),
            "id": id,
            "source": { "name": "OSV", "url": osv_url(source_id) },
            "ratings": ratings(first, &records),
        });
        let aliases: BTreeSet<&String> = members.iter().flat_map(|(f, _)| &f.aliases).collect();
        if !aliases.is_empty() {
            v["references"] = Value::Array(
                aliases
                    .iter()
                    .map(|a| json!({ "id": a, "source": { "name": "OSV", "url": osv_url(a) } }))
                    .collect(),
            );
        }
        if let Some(s) = &first.summary {
            v["description"] = json!(s);
        }
        if let Some(d) = records.iter().find_map(|r| r.details.as_ref()) {
            v["detail"] = json!(d);
        }
        let mut upgrades: Vec<String> = Vec::new();
        let mut affects: Vec<Value> = Vec::new();
        for (f, _) in members {
            let p = &input.inventory.packages[f.package];
            if let Some(fixed) = &f.fixed {
                let line = format!("Upgrade {} to {fixed}", p.name);
                if !upgrades.contains(&line) {
                    upgrades.push(line);
                }
            }
            let affect = json!({
                "ref": format!("pkg-{}", f.package),
                "versions": [{ "version": f.installed, "status": "affected" }],
            });
            if !affects.contains(&affect) {
                affects.push(affect);
            }
        }
        if !upgrades.is_empty() {
            v["recommendation"] = json!(upgrades.join("; "));
        }
        let advisories: Vec<Value> = records
            .iter()
            .flat_map(|r| &r.references)
            .filter(|r| r.kind == "ADVISORY" && r.url.starts_with("http"))
            .map(|r| json!({ "url": r.url }))
            .take(20)
            .collect();
        if !advisories.is_empty() {
            v["advisories"] = Value::Array(advisories);
        }
        v["affects"] = Value::Array(affects);
        if let Some(s) = members[0].1 {
            let mut analysis = json!({
                "state": match s.status {
                    Status::Fixed => "resolved",
                    _ => "not_affected",
                },
            });
            if let Some(j) = s.justification.as_deref().and_then(cdx_justification) {
                analysis["justification"] = json!(j);
            }
            if let Some(d) = s
                .impact_statement
                .as_deref()
                .filter(|d| !d.trim().is_empty())
            {
                analysis["detail"] = json!(d);
            }
            v["analysis"] = analysis;
        }
        vulnerabilities.push(v);
    }
    if !vulnerabilities.is_empty() {
        doc["vulnerabilities"] = Value::Array(vulnerabilities);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockguard_packages::model::{Ecosystem, Location, Package};
    use dockguard_packages::sbom::SubjectKind;

    fn inventory() -> Inventory {
        let mut p = Package::new(Ecosystem::Pypi, "urllib3", "1.26.4");
        p.locations.push(Location {
            path: "app/requirements dev.txt".into(),
            layer: None,
            layer_digest: None,
        });
        let mut q = Package::new(Ecosystem::Pypi, "PyYAML", "5.3");
        q.locations.push(Location {
            path: "/abs/requirements.txt".into(),
            layer: None,
            layer_digest: None,
        });
        Inventory {
            distro: None,
            packages: vec![p, q, Package::new(Ecosystem::Npm, "left-pad", "1.0.0")],
            warnings: vec![],
        }
    }

    fn finding(id: &str, package: usize, rating: Rating, fixed: Option<&str>) -> Finding {
        Finding {
            id: id.into(),
            aliases: vec!["GHSA-aaaa-bbbb-cccc".into(), "PYSEC-2023-1".into()],
            package,
            ecosystem: "PyPI".into(),
            installed: "1.26.4".into(),
            fixed: fixed.map(str::to_string),
            rating,
            summary: Some("Cookie header leaks on redirect".into()),
        }
    }

    fn record() -> Record {
        crate::osv::parse(
            br#"{"id": "PYSEC-2023-1", "aliases": ["CVE-2023-43804"], "details": "Long text.",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:N"},
                         {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
            "references": [{"type": "ADVISORY", "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc"},
                           {"type": "WEB", "url": "https://example.org/fix"}]}"#,
        )
        .unwrap()
    }

    fn high() -> Rating {
        score_vector("CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:N").unwrap()
    }

    #[test]
    fn sarif_rules_and_results() {
        let inv = inventory();
        let mut findings = vec![
            finding("CVE-2023-43804", 0, high(), Some("1.26.17")),
            finding("CVE-2023-43804", 1, high(), None),
            finding(
                "GHSA-zzzz-zzzz-zzzz",
                2,
                Rating {
                    severity: Severity::Medium,
                    score: None,
                    source: "database_specific.severity (npm)".into(),
                },
                None,
            ),
            finding("X-1", 2, Rating::default(), None),
        ];
        for f in &mut findings[2..] {
            f.aliases.clear();
        }
        let records = BTreeMap::from([("PYSEC-2023-1".to_string(), record())]);
        let subject = Subject {
            name: "img.tar",
            kind: SubjectKind::Container,
            tool_version: "1.2.3",
        };
        let log = sarif(&Input {
            subject: &subject,
            inventory: &inv,
            findings: &findings,
            vex_suppressed: &[],
            records: &records,
        });
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 3);
        let r = &rules[0];
        assert_eq!(r["id"], "CVE-2023-43804");
        assert_eq!(r["properties"]["security-severity"], "5.9");
        assert_eq!(r["defaultConfiguration"]["level"], "warning");
        assert_eq!(
            r["helpUri"],
            "https://github.com/advisories/GHSA-aaaa-bbbb-cccc"
        );
        assert_eq!(r["fullDescription"]["text"], "Long text.");
        assert!(
            r["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("<https://example.org/fix>")
        );
        assert_eq!(rules[1]["properties"]["security-severity"], "5.5");
        assert_eq!(
            rules[1]["helpUri"],
            "https://osv.dev/vulnerability/GHSA-zzzz-zzzz-zzzz"
        );
        assert!(rules[2]["properties"].get("security-severity").is_none());
        assert_eq!(rules[2]["defaultConfiguration"]["level"], "note");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        let loc = |i: usize| &results[i]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc(0)["uri"], "app/requirements%20dev.txt");
        assert_eq!(loc(0)["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc(1)["uri"], "file:///abs/requirements.txt");
        // No location: the target.
        assert_eq!(loc(2)["uri"], "img.tar");
        assert_eq!(
            (
                results[1]["ruleIndex"].as_u64(),
                results[3]["ruleIndex"].as_u64()
            ),
            (Some(0), Some(2))
        );
        assert!(
            results[0]["message"]["text"]
                .as_str()
                .unwrap()
                .ends_with("Fixed in 1.26.17.")
        );
        assert_eq!(results[0]["properties"]["fixedVersion"], "1.26.17");
        let fp = |i: usize| results[i]["partialFingerprints"]["dockguardVulnerability/v1"].clone();
        assert_ne!(fp(0), fp(1));
        assert_eq!(fnv1a(""), "cbf29ce484222325");
        assert_eq!(fnv1a("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn cyclonedx_vulnerabilities() {
        let inv = inventory();
        let findings = vec![
            finding("CVE-2023-43804", 0, high(), Some("1.26.17")),
            finding("CVE-2023-43804", 1, high(), Some("6.0")),
        ];
        let statement = crate::vex::Statement {
            names: vec!["X-1".into()],
            products: vec![],
            status: Status::NotAffected,
            justification: Some("vulnerable_code_not_in_execute_path".into()),
            impact_statement: Some("never called".into()),
            action_statement: None,
            time: (0, 0),
        };
        let mut x = finding("X-1", 2, Rating::default(), None);
        x.aliases.clear();
        let suppressed = vec![(x, statement)];
        let records = BTreeMap::from([("PYSEC-2023-1".to_string(), record())]);
        let subject = Subject {
            name: ".",
            kind: SubjectKind::Directory,
            tool_version: "1.2.3",
        };
        let bom = cyclonedx(&Input {
            subject: &subject,
            inventory: &inv,
            findings: &findings,
            vex_suppressed: &suppressed,
            records: &records,
        });
        let refs: BTreeSet<&str> = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        let vulns = bom["vulnerabilities"].as_array().unwrap();
        assert_eq!(vulns.len(), 2);
        let v = &vulns[0];
        assert_eq!(v["id"], "CVE-2023-43804");
        assert_eq!(
            v["source"]["url"],
            "https://osv.dev/vulnerability/PYSEC-2023-1"
        );
        let methods: Vec<&str> = v["ratings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["method"].as_str().unwrap())
            .collect();
        assert_eq!(methods, ["CVSSv31", "CVSSv4"]);
        assert_eq!(v["ratings"][1]["score"], 9.3);
        assert_eq!(
            v["recommendation"],
            "Upgrade urllib3 to 1.26.17; Upgrade PyYAML to 6.0"
        );
        assert_eq!(v["affects"].as_array().unwrap().len(), 2);
        for v in vulns {
            for a in v["affects"].as_array().unwrap() {
                assert!(refs.contains(a["ref"].as_str().unwrap()), "{a}");
            }
        }
        let s = &vulns[1];
        assert_eq!(s["analysis"]["state"], "not_affected");
        assert_eq!(s["analysis"]["justification"], "code_not_reachable");
        assert_eq!(s["ratings"][0]["severity"], "unknown");
        assert_eq!(s["ratings"][0]["method"], "other");
        // Nothing found: no vulnerabilities array.
        let bom = cyclonedx(&Input {
            subject: &subject,
            inventory: &inv,
            findings: &[],
            vex_suppressed: &[],
            records: &records,
        });
        assert!(bom.get("vulnerabilities").is_none());
    }
}
