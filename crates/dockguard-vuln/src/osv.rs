//! The OSV record, as the OSV schema 1.x defines it (`../shared/schemas/osv/schema.json`): only
//! the fields matching and reporting read. Unknown fields are ignored; a record that does not
//! have this shape is refused with the reason (the import counts it and goes on).

use serde::{Deserialize, Serialize};

/// One advisory.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Record {
    pub id: String,
    /// RFC 3339 time of the last change; a newer copy of the same id replaces an older one.
    #[serde(default)]
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when the advisory was retracted: such records never match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// Other ids of the same vulnerability (CVE, GHSA, DSA, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Ids of vulnerabilities that are closely related but not the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Affected>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Source-specific fields; GHSA puts its `severity` word here.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub database_specific: serde_json::Value,
}

/// A severity score: a CVSS vector (`CVSS_V3`, `CVSS_V4`, `CVSS_V2`) or an `Ubuntu` word.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// The packages (and their versions) one advisory is about.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Affected {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<AffectedPackage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Affected versions listed one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub ecosystem_specific: serde_json::Value,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub database_specific: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AffectedPackage {
    /// `PyPI`, `crates.io`, `Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, …
    pub ecosystem: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Range {
    /// `ECOSYSTEM`, `SEMVER` or `GIT` (commit hashes: never matched against package versions).
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One event of a range; exactly one field is set in a valid record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
}

/// The largest record accepted (the biggest real ones, long `versions` lists, are ~1 MiB).
pub const MAX_RECORD_BYTES: usize = 8 << 20;

/// Parses one record, refusing oversized input and records without an id.
pub fn parse(bytes: &[u8]) -> Result<Record, String> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(format!(
            "record of {} bytes is over the {} MiB limit",
            bytes.len(),
            MAX_RECORD_BYTES >> 20
        ));
    }
    let record: Record = serde_json::from_slice(bytes)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    if record.id.trim().is_empty() {
        return Err("record without an id".into());
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_real_record_shape() {
        let text = r#"{"id": "PYSEC-2021-19", "modified": "2021-03-22T16:34:00Z",
          "aliases": ["CVE-2021-28957", "GHSA-jq4v-f5q6-mjqq"],
          "affected": [{"package": {"name": "lxml", "ecosystem": "PyPI", "purl": "pkg:pypi/lxml"},
            "ranges": [{"type": "GIT", "repo": "https://github.com/lxml/lxml",
                        "events": [{"introduced": "0"}, {"fixed": "a5f9cb52"}]},
                       {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.6.3"}]}],
            "versions": ["4.6.2"]}],
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}],
          "references": [{"type": "WEB", "url": "https://example.org"}],
          "schema_version": "1.6.0", "unknown": {"x": 1}}"#;
        let r = parse(text.as_bytes()).unwrap();
        assert_eq!(r.id, "PYSEC-2021-19");
        assert_eq!(r.aliases.len(), 2);
        let a = &r.affected[0];
        assert_eq!(a.package.as_ref().unwrap().ecosystem, "PyPI");
        assert_eq!(a.ranges[1].events[1].fixed.as_deref(), Some("4.6.3"));
        assert_eq!(r.severity[0].kind, "CVSS_V3");
    }

    #[test]
    fn bad_records() {
        let e = parse(b"{\"id\": \"X\",\n \"affected\": 5}").unwrap_err();
        assert!(e.starts_with("line 2, column"), "{e}");
        assert!(
            parse(b"{\"id\": \"  \"}")
                .unwrap_err()
                .contains("without an id")
        );
        assert!(parse(b"[]").is_err());
        assert!(parse(b"").is_err());
        let huge = vec![b' '; MAX_RECORD_BYTES + 1];
        assert!(parse(&huge).unwrap_err().contains("over the"));
    }
}
