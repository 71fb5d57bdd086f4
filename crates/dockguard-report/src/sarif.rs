//! SARIF 2.1.0, as read by GitHub code scanning and most CI dashboards.

use crate::{Report, forward_slashes};
use dockguard_core::{Finding, Fix, RefKind, Reference, RuleMeta, Severity, Step};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult>,
    /// Our columns count characters, not UTF-16 code units (SARIF's default).
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    step: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [ResultLocation; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Serialize)]
struct ArtifactChange {
    #[serde(rename = "artifactLocation")]
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: ByteRegion,
    #[serde(skip_serializing_if = "Option::is_none")]
    inserted_content: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByteRegion {
    byte_offset: usize,
    byte_length: usize,
}

/// SARIF result level: GitHub fails checks on `error` by default.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub code scanning ranks security alerts by this score (CVSS-like, 0.0 to 10.0).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn tags(step: Step, references: &[Reference]) -> Vec<String> {
    let mut tags = vec!["security".to_string(), format!("step-{}", step.number())];
    // The form GitHub recognises to link an alert to its CWE.
    for reference in references.iter().filter(|r| r.kind == RefKind::Cwe) {
        let tag = format!("external/cwe/{}", reference.id.to_ascii_lowercase());
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// The text of one `## Heading` section of a rule's Markdown doc.
fn doc_section<'d>(doc: &'d str, heading: &str) -> Option<&'d str> {
    let marker = format!("## {heading}");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let text = rest[..rest.find("\n## ").unwrap_or(rest.len())].trim();
    (!text.is_empty()).then_some(text)
}

fn rule(meta: &RuleMeta) -> Rule {
    let help = (!meta.doc.trim().is_empty()).then(|| Help {
        text: meta.doc.trim().to_string(),
        markdown: meta.doc.trim().to_string(),
    });
    Rule {
        id: meta.code.to_string(),
        name: meta.name.to_string(),
        short_description: Text {
            text: meta.summary.to_string(),
        },
        full_description: Some(Text {
            text: doc_section(meta.doc, "What it does")
                .unwrap_or(meta.summary)
                .to_string(),
        }),
        help,
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: tags(meta.step, meta.references),
            security_severity: security_severity(meta.severity),
            step: meta.step.number(),
            references: meta.references.iter().map(ToString::to_string).collect(),
        },
    }
}

/// A descriptor for a code with no registered metadata, e.g. a ShellCheck code.
fn dynamic_rule(finding: &Finding) -> Rule {
    Rule {
        id: finding.code.to_string(),
        name: finding.name.to_string(),
        short_description: Text {
            text: finding.name.to_string(),
        },
        full_description: None,
        help: None,
        default_configuration: Configuration {
            level: level(finding.severity),
        },
        properties: RuleProperties {
            tags: tags(finding.step, &finding.references),
            security_severity: security_severity(finding.severity),
            step: finding.step.number(),
            references: vec![],
        },
    }
}

/// `file` as a URI reference: relative paths stay relative to `%SRCROOT%`, absolute ones become
/// `file://` URIs.
fn artifact_location(file: &str) -> ArtifactLocation {
    let path = forward_slashes(file);
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes.len() == 2 || bytes[2] == b'/');
    if path.starts_with('/') || windows_drive {
        let path = path.trim_start_matches('/');
        // The drive colon is the only one a `file:` path may keep unescaped.
        let (drive, rest) = if windows_drive {
            path.split_at(2)
        } else {
            ("", path)
        };
        ArtifactLocation {
            uri: format!("file:///{drive}{}", percent_encode(rest)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(&path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Escapes everything but unreserved characters, sub-delimiters, `@` and `/`. A `:` is escaped
/// too, since in a relative reference it would read as a scheme.
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

fn fix(fix: &Fix, artifact: &ArtifactLocation) -> SarifFix {
    SarifFix {
        description: Text {
            text: fix.description.clone(),
        },
        artifact_changes: [ArtifactChange {
            artifact_location: artifact.clone(),
            replacements: fix
                .edits
                .iter()
                .map(|edit| Replacement {
                    deleted_region: ByteRegion {
                        byte_offset: edit.span.start,
                        byte_length: edit.span.end.saturating_sub(edit.span.start),
                    },
                    inserted_content: (!edit.replacement.is_empty()).then(|| Text {
                        text: edit.replacement.clone(),
                    }),
                })
                .collect(),
        }],
    }
}

fn log<'a>(report: &Report<'a>) -> Log<'a> {
    let mut rules: Vec<Rule> = report.rules.iter().map(rule).collect();
    let mut index: BTreeMap<String, usize> = report
        .rules
        .iter()
        .enumerate()
        .rev() // the first of duplicate codes wins
        .map(|(i, meta)| (meta.code.to_string(), i))
        .collect();

    let mut results = Vec::with_capacity(report.findings.len());
    for finding in report.findings {
        let rule_index = *index.entry(finding.code.to_string()).or_insert_with(|| {
            rules.push(dynamic_rule(finding));
            rules.len() - 1
        });
        let location = &finding.location;
        let artifact = artifact_location(&location.file);
        let start_line = location.line.max(1);
        let start_column = location.column.max(1);
        // SARIF rejects regions that end before they start.
        let (end_line, end_column) =
            if (location.end_line, location.end_column) < (start_line, start_column) {
                (start_line, start_column)
            } else {
                (location.end_line, location.end_column)
            };
        results.push(SarifResult {
            rule_id: finding.code.to_string(),
            rule_index,
            level: level(finding.severity),
            message: Text {
                text: finding.message.clone(),
            },
            partial_fingerprints: BTreeMap::from([(
                "primaryLocationLineHash",
                report.fingerprint(finding),
            )]),
            fixes: finding.fix.iter().map(|f| fix(f, &artifact)).collect(),
            locations: [ResultLocation {
                physical_location: PhysicalLocation {
                    artifact_location: artifact,
                    region: Region {
                        start_line,
                        start_column,
                        end_line,
                        end_column,
                    },
                },
            }],
        });
    }

    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: crate::TOOL_NAME,
                    version: report.tool_version,
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use dockguard_core::Edit;
    use serde_json::{Value, json};

    fn sarif(report: &Report) -> Value {
        let text = render(|out| write(report, out));
        serde_json::from_str(&text).expect("valid JSON")
    }

    /// Validates against the official OASIS schema, formats included.
    fn assert_valid(log: &Value) {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/schemas/sarif/sarif-schema-2.1.0.json"
        );
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("SARIF schema present"))
                .expect("schema is JSON");
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF schema violations:\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn output_matches_official_schema() {
        let sources = sources();
        let findings = sample_findings();
        let log = sarif(&report(&findings, &sources));
        // The sample must exercise fixes and references, or this test proves little.
        assert!(log["runs"][0]["results"][1]["fixes"].is_array());
        assert!(
            log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["references"].is_array()
        );
        assert_valid(&log);
        assert_valid(&sarif(&report(&[], &sources)));
    }

    #[test]
    fn schema_check_catches_invalid_logs() {
        let sources = sources();
        let findings = sample_findings();
        let mut log = sarif(&report(&findings, &sources));
        log["runs"][0]["results"][0]["level"] = "fatal".into();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/schemas/sarif/sarif-schema-2.1.0.json"
        );
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&log));
    }

    #[test]
    fn header_and_driver() {
        let sources = sources();
        let findings = sample_findings();
        let log = sarif(&report(&findings, &sources));
        assert_eq!(log["$schema"], SCHEMA_URI);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().unwrap().len(), 1);
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "dockguard");
        assert_eq!(driver["version"], "1.2.3");
        assert!(
            driver["informationUri"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
    }

    #[test]
    fn rules_keep_report_order_and_append_unknown_codes() {
        let sources = sources();
        let mut findings = sample_findings();
        // A second ShellCheck finding must reuse the descriptor appended for the first.
        let mut again = findings[4].clone();
        again.location.line = 9;
        findings.push(again);
        let log = sarif(&report(&findings, &sources));
        let run = &log["runs"][0];
        let ids: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["DF001", "DF010", "DF020", "DF030", "DF099", "SC2086"]);
        let indices: Vec<u64> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleIndex"].as_u64().unwrap())
            .collect();
        assert_eq!(indices, [0, 1, 2, 3, 5, 5]);
        assert_eq!(
            run["tool"]["driver"]["rules"][5],
            json!({
                "id": "SC2086",
                "name": "shellcheck",
                "shortDescription": { "text": "shellcheck" },
                "defaultConfiguration": { "level": "note" },
                "properties": {
                    "tags": ["security", "step-7"],
                    "security-severity": "1.0",
                    "step": 7,
                },
            })
        );
    }

    #[test]
    fn rule_descriptor() {
        let sources = sources();
        let log = sarif(&report(&[], &sources));
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        assert_eq!(
            rules[0],
            json!({
                "id": "DF001",
                "name": "final-stage-runs-as-root",
                "shortDescription": { "text": "The final stage runs as root" },
                "fullDescription": { "text": "Checks the final `USER`." },
                "help": { "text": RULES[0].doc.trim(), "markdown": RULES[0].doc.trim() },
                "defaultConfiguration": { "level": "error" },
                "properties": {
                    "tags": ["security", "step-4", "external/cwe/cwe-250"],
                    "security-severity": "8.0",
                    "step": 4,
                    "references": ["CIS 4.1", "CWE-250"],
                },
            })
        );
        // No doc: no help, and the summary doubles as the full description.
        assert_eq!(rules[2]["help"], Value::Null);
        assert_eq!(
            rules[2]["fullDescription"]["text"],
            "A secret is baked into the image"
        );
        let levels: Vec<(&str, &str)> = rules
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["defaultConfiguration"]["level"].as_str().unwrap(),
                    r["properties"]["security-severity"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            levels,
            [
                ("error", "8.0"),
                ("warning", "5.5"),
                ("error", "9.5"),
                ("warning", "3.0"),
                ("note", "1.0")
            ]
        );
    }

    #[test]
    fn results() {
        let sources = sources();
        let findings = sample_findings();
        let log = sarif(&report(&findings, &sources));
        let results = &log["runs"][0]["results"];
        assert_eq!(
            results[0],
            json!({
                "ruleId": "DF001",
                "ruleIndex": 0,
                "level": "error",
                "message": { "text": "The final stage runs as root" },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": "Dockerfile", "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 10 },
                    },
                }],
                "partialFingerprints": {
                    "primaryLocationLineHash": findings[0].fingerprint("USER root"),
                },
            })
        );
        assert_eq!(
            results[1]["fixes"],
            json!([{
                "description": { "text": "Replace ADD with COPY" },
                "artifactChanges": [{
                    "artifactLocation": { "uri": "Dockerfile", "uriBaseId": "%SRCROOT%" },
                    "replacements": [{
                        "deletedRegion": { "byteOffset": 29, "byteLength": 3 },
                        "insertedContent": { "text": "COPY" },
                    }],
                }],
            }])
        );
        let levels: Vec<&str> = results
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "warning", "error", "warning", "note"]);
        assert_eq!(
            results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "svc/api/Dockerfile"
        );
        // CRLF: the fingerprint hashes the line without its carriage return.
        assert_eq!(
            results[3]["partialFingerprints"]["primaryLocationLineHash"],
            findings[3].fingerprint("RUN curl x | sh")
        );
    }

    #[test]
    fn uris() {
        let cases = [
            ("Dockerfile", "Dockerfile", true),
            ("./svc/Dockerfile", "svc/Dockerfile", true),
            ("svc\\api\\Dockerfile", "svc/api/Dockerfile", true),
            ("my dir/Docker#file", "my%20dir/Docker%23file", true),
            ("a:b/Dockerfile", "a%3Ab/Dockerfile", true),
            ("D:/Dockerfile", "file:///D:/Dockerfile", false),
            (
                "d\u{e9}j\u{e0}/Dockerfile",
                "d%C3%A9j%C3%A0/Dockerfile",
                true,
            ),
            ("/srv/app/Dockerfile", "file:///srv/app/Dockerfile", false),
            (
                "C:\\work dir\\Dockerfile",
                "file:///C:/work%20dir/Dockerfile",
                false,
            ),
        ];
        for (file, uri, relative) in cases {
            let location = artifact_location(file);
            assert_eq!(location.uri, uri, "{file}");
            assert_eq!(location.uri_base_id.is_some(), relative, "{file}");
        }
    }

    #[test]
    fn odd_paths_deletions_and_bad_regions_still_validate() {
        let text = "FROM a\nRUN rm -rf /\n";
        let sources = std::collections::BTreeMap::new();
        let mut findings = Vec::new();
        for file in [
            "my dir/Dockerfile",
            "/abs/Dockerfile",
            "C:\\w\\Dockerfile",
            "x:y",
        ] {
            let mut f = finding(
                "DF001",
                Severity::High,
                Step::NonRootUser,
                locate(file, text, "RUN"),
            );
            f.fix = Some(Fix {
                description: "Delete it".into(),
                edits: vec![Edit {
                    span: 7..20,
                    replacement: String::new(),
                }],
            });
            findings.push(f);
        }
        findings[0].location.end_line = 0;
        findings[0].location.line = 0;
        let log = sarif(&report(&findings, &sources));
        assert_valid(&log);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"],
            json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 })
        );
        assert_eq!(
            result["fixes"][0]["artifactChanges"][0]["replacements"],
            json!([{ "deletedRegion": { "byteOffset": 7, "byteLength": 13 } }])
        );
        // Without the source the fingerprint falls back to the message.
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"],
            findings[0].fingerprint("DF001 message")
        );
    }
}
