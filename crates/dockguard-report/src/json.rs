//! # JSON output (`--format json`)
//!
//! A single JSON object, versioned by its `version` field (currently `"1"`). Fields are only ever
//! added within a version; removing or changing the meaning of one bumps the version. The JSON
//! Schema (draft 2020-12) is returned by [`json_schema`](crate::json_schema).
//!
//! ```json
//! {
//!   "version": "1",
//!   "tool": { "name": "dockguard", "version": "0.1.0" },
//!   "files_scanned": 3,
//!   "summary": {
//!     "total": 1,
//!     "by_severity": { "critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0 },
//!     "by_step": { "1": 0, "2": 0, "3": 0, "4": 1, "5": 0, "6": 0, "7": 0, "8": 0, "9": 0, "10": 0 },
//!     "fail_on": "high",
//!     "failing": 1
//!   },
//!   "findings": [
//!     {
//!       "code": "DF200",
//!       "name": "final-stage-runs-as-root",
//!       "step": 4,
//!       "severity": "high",
//!       "message": "the final stage runs as `root`; switch to an unprivileged USER",
//!       "location": {
//!         "file": "Dockerfile", "line": 2, "column": 1, "end_line": 2, "end_column": 10,
//!         "span": { "start": 19, "end": 28 }
//!       },
//!       "remediation": "End the final stage with `USER 10001`.",
//!       "references": [ { "kind": "cis", "id": "4.1" }, { "kind": "cwe", "id": "CWE-250" } ],
//!       "fix": null,
//!       "fingerprint": "9f3c6a1e0b7d2c45"
//!     }
//!   ]
//! }
//! ```
//!
//! ## Fields
//!
//! - `version`: format version of this document, a string.
//! - `tool`: `name` is always `dockguard`; `version` is the version that wrote the file.
//! - `files_scanned`: how many files were analysed, with or without findings.
//! - `summary.total`: number of findings.
//! - `summary.by_severity`: findings per severity; all five keys are always present.
//! - `summary.by_step`: findings per security step, keyed `"1"` to `"10"`; all keys present.
//! - `summary.fail_on`: the severity threshold of the run; `summary.failing` counts the findings
//!   at or above it (a non-zero value is what makes the run fail).
//! - `findings`: sorted by file, line, column and code. For each finding:
//!   - `code` (e.g. `DF001`, or a ShellCheck code such as `SC2086`), `name` (kebab-case rule
//!     name), `step` (1 to 10), `severity` (`critical`, `high`, `medium`, `low` or `info`,
//!     after configuration overrides), `message`.
//!   - `location`: `file` as given on the command line or found by discovery; `line` and
//!     `column` are 1-based, columns count Unicode characters; `end_line`/`end_column` point
//!     just past the last character; `span` is the byte range `[start, end)` in the file as
//!     read from disk (a byte-order mark counts).
//!   - `remediation`: how to fix it, Markdown, or `null`.
//!   - `references`: related entries in other catalogues; `kind` is one of `cis`, `cwe`,
//!     `hadolint`, `buildkit`, `trivy`, `checkov`, `shellcheck`, `dockle`, `url`.
//!   - `fix`: a safe automatic fix or `null`; each of its `edits` replaces the byte range
//!     `span` of the file with `replacement`.
//!   - `fingerprint`: 16 hex digits identifying the finding across runs as long as its code and
//!     the text of its first line do not change (indentation is ignored).

use crate::Report;
use dockguard_core::{Finding, RefKind};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;

/// Version of the JSON output format; bumped on incompatible changes.
pub const JSON_SCHEMA_VERSION: &str = "1";

/// Every reference kind, in the order the schema lists them.
const REF_KINDS: [RefKind; 10] = [
    RefKind::Cis,
    RefKind::Cwe,
    RefKind::Hadolint,
    RefKind::Buildkit,
    RefKind::Trivy,
    RefKind::Checkov,
    RefKind::Shellcheck,
    RefKind::Dockle,
    RefKind::Pss,
    RefKind::Url,
];

#[derive(Serialize)]
struct Output<'a> {
    version: &'static str,
    tool: Tool<'a>,
    files_scanned: usize,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    by_severity: Counts,
    by_step: Counts,
    fail_on: &'static str,
    failing: usize,
}

/// An object of counts that keeps its keys in order (critical first, step 1 to 10), which a
/// `serde_json::Map` would sort as strings.
struct Counts(Vec<(String, usize)>);

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, count)| (key, count)))
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    step: u8,
    severity: &'static str,
    message: &'a str,
    location: JsonLocation<'a>,
    remediation: Option<&'a str>,
    references: Vec<JsonReference<'a>>,
    fix: Option<JsonFix<'a>>,
    fingerprint: String,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    span: Span,
}

#[derive(Serialize)]
struct Span {
    start: usize,
    end: usize,
}

impl From<&Range<usize>> for Span {
    fn from(range: &Range<usize>) -> Self {
        Span {
            start: range.start,
            end: range.end,
        }
    }
}

#[derive(Serialize)]
struct JsonReference<'a> {
    kind: &'static str,
    id: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    span: Span,
    replacement: &'a str,
}

fn finding<'a>(report: &Report, finding: &'a Finding) -> JsonFinding<'a> {
    let location = &finding.location;
    JsonFinding {
        code: &finding.code,
        name: &finding.name,
        step: finding.step.number(),
        severity: finding.severity.as_str(),
        message: &finding.message,
        location: JsonLocation {
            file: &location.file,
            line: location.line,
            column: location.column,
            end_line: location.end_line,
            end_column: location.end_column,
            span: Span::from(&location.span),
        },
        remediation: finding.remediation.as_deref(),
        references: finding
            .references
            .iter()
            .map(|r| JsonReference {
                kind: r.kind.as_str(),
                id: &r.id,
            })
            .collect(),
        fix: finding.fix.as_ref().map(|fix| JsonFix {
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    span: Span::from(&e.span),
                    replacement: &e.replacement,
                })
                .collect(),
        }),
        fingerprint: report.fingerprint(finding),
    }
}

fn output<'a>(report: &Report<'a>) -> Output<'a> {
    let summary = report.summary();
    Output {
        version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: crate::TOOL_NAME,
            version: report.tool_version,
        },
        files_scanned: report.files_scanned,
        summary: Summary {
            total: summary.total,
            by_severity: Counts(
                summary
                    .severities()
                    .map(|(s, count)| (s.as_str().to_string(), count))
                    .collect(),
            ),
            by_step: Counts(
                summary
                    .steps()
                    .map(|(s, count)| (s.number().to_string(), count))
                    .collect(),
            ),
            fail_on: summary.fail_on.as_str(),
            failing: summary.failing,
        },
        findings: report.findings.iter().map(|f| finding(report, f)).collect(),
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &output(report))?;
    writeln!(out)
}

/// The JSON Schema (draft 2020-12) of the `--format json` output.
pub fn json_schema() -> Value {
    let count = json!({ "type": "integer", "minimum": 0 });
    let position = json!({ "type": "integer", "minimum": 1 });
    let severities = ["critical", "high", "medium", "low", "info"];
    let counts_of = |keys: &[String]| {
        let properties: BTreeMap<&str, &Value> =
            keys.iter().map(|k| (k.as_str(), &count)).collect();
        json!({
            "type": "object",
            "properties": properties,
            "required": keys,
            "additionalProperties": false,
        })
    };
    let severity_keys: Vec<String> = severities.iter().map(|s| s.to_string()).collect();
    let step_keys: Vec<String> = (1..=10).map(|n: u8| n.to_string()).collect();
    let ref_kinds: Vec<&str> = REF_KINDS.iter().map(|k| k.as_str()).collect();

    let summary = json!({
        "type": "object",
        "required": ["total", "by_severity", "by_step", "fail_on", "failing"],
        "additionalProperties": false,
        "properties": {
            "total": count,
            "by_severity": counts_of(&severity_keys),
            "by_step": counts_of(&step_keys),
            "fail_on": { "$ref": "#/$defs/severity" },
            "failing": {
                "description": "Findings at or above `fail_on`.",
                "type": "integer",
                "minimum": 0,
            },
        },
    });
    let location = json!({
        "type": "object",
        "required": ["file", "line", "column", "end_line", "end_column", "span"],
        "additionalProperties": false,
        "properties": {
            "file": { "type": "string" },
            "line": position,
            "column": position,
            "end_line": position,
            "end_column": position,
            "span": { "$ref": "#/$defs/span" },
        },
    });
    let reference = json!({
        "type": "object",
        "required": ["kind", "id"],
        "additionalProperties": false,
        "properties": {
            "kind": { "enum": ref_kinds },
            "id": { "type": "string" },
        },
    });
    let edit = json!({
        "type": "object",
        "required": ["span", "replacement"],
        "additionalProperties": false,
        "properties": {
            "span": { "$ref": "#/$defs/span" },
            "replacement": { "type": "string" },
        },
    });
    let fix = json!({
        "type": "object",
        "required": ["description", "edits"],
        "additionalProperties": false,
        "properties": {
            "description": { "type": "string" },
            "edits": { "type": "array", "items": edit },
        },
    });
    let finding = json!({
        "type": "object",
        "required": [
            "code", "name", "step", "severity", "message", "location", "remediation",
            "references", "fix", "fingerprint",
        ],
        "additionalProperties": false,
        "properties": {
            "code": { "type": "string", "minLength": 1 },
            "name": { "type": "string" },
            "step": {
                "description": "The security step, 1 to 10.",
                "type": "integer",
                "minimum": 1,
                "maximum": 10,
            },
            "severity": { "$ref": "#/$defs/severity" },
            "message": { "type": "string" },
            "location": location,
            "remediation": { "type": ["string", "null"] },
            "references": { "type": "array", "items": reference },
            "fix": { "oneOf": [{ "type": "null" }, fix] },
            "fingerprint": { "type": "string", "pattern": "^[0-9a-f]{16}$" },
        },
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://dockguard.invalid/schemas/json-output-v1.json",
        "title": "dockguard JSON output",
        "description": "Findings of one dockguard run, as written by `dockguard --format json`.",
        "type": "object",
        "required": ["version", "tool", "files_scanned", "summary", "findings"],
        "additionalProperties": false,
        "properties": {
            "version": {
                "description": "Version of this output format.",
                "const": JSON_SCHEMA_VERSION,
            },
            "tool": {
                "type": "object",
                "required": ["name", "version"],
                "additionalProperties": false,
                "properties": {
                    "name": { "const": crate::TOOL_NAME },
                    "version": { "type": "string", "description": "dockguard's version." },
                },
            },
            "files_scanned": count,
            "summary": summary,
            "findings": { "type": "array", "items": { "$ref": "#/$defs/finding" } },
        },
        "$defs": {
            "severity": { "enum": severities },
            "span": {
                "description": "Byte range [start, end) in the file as read from disk.",
                "type": "object",
                "required": ["start", "end"],
                "additionalProperties": false,
                "properties": { "start": count, "end": count },
            },
            "finding": finding,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    fn json_output(report: &Report) -> Value {
        let text = render(|out| write(report, out));
        assert!(text.ends_with("}\n"));
        serde_json::from_str(&text).expect("valid JSON")
    }

    fn assert_valid(instance: &Value) {
        let validator = jsonschema::validator_for(&json_schema()).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "schema violations:\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn sample_report_matches_schema() {
        let sources = sources();
        let findings = sample_findings();
        assert_valid(&json_output(&report(&findings, &sources)));
        assert_valid(&json_output(&report(&[], &sources)));
    }

    #[test]
    fn schema_is_a_valid_draft_2020_12_schema() {
        jsonschema::meta::validate(&json_schema()).expect("valid schema");
        assert_eq!(
            json_schema()["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }

    #[test]
    fn schema_rejects_what_the_format_never_writes() {
        let sources = sources();
        let findings = sample_findings();
        let good = json_output(&report(&findings, &sources));
        let validator = jsonschema::validator_for(&json_schema()).unwrap();
        type Mutation = fn(&mut Value);
        let mutations: [(&str, Mutation); 5] = [
            ("missing by_step key", |v| {
                v["summary"]["by_step"]
                    .as_object_mut()
                    .unwrap()
                    .remove("10");
            }),
            ("unknown severity", |v| {
                v["findings"][0]["severity"] = "fatal".into()
            }),
            ("step out of range", |v| {
                v["findings"][0]["step"] = 11.into()
            }),
            ("unknown field", |v| v["findings"][0]["extra"] = true.into()),
            ("wrong version", |v| v["version"] = "2".into()),
        ];
        for (what, mutate) in mutations {
            let mut bad = good.clone();
            mutate(&mut bad);
            assert!(!validator.is_valid(&bad), "{what} accepted");
        }
    }

    #[test]
    fn schema_lists_every_reference_kind() {
        // Fails to compile when a kind is added to core but not to `REF_KINDS`.
        fn listed(kind: RefKind) -> bool {
            match kind {
                RefKind::Cis
                | RefKind::Cwe
                | RefKind::Hadolint
                | RefKind::Buildkit
                | RefKind::Trivy
                | RefKind::Checkov
                | RefKind::Shellcheck
                | RefKind::Dockle
                | RefKind::Pss
                | RefKind::Url => REF_KINDS.contains(&kind),
            }
        }
        for kind in REF_KINDS {
            assert!(listed(kind));
        }
        let schema = json_schema();
        let kinds = &schema["$defs"]["finding"]["properties"]["references"]["items"]["properties"]
            ["kind"]["enum"];
        assert_eq!(kinds.as_array().unwrap().len(), REF_KINDS.len());
    }

    #[test]
    fn document_content() {
        let sources = sources();
        let findings = sample_findings();
        let value = json_output(&report(&findings, &sources));
        assert_eq!(value["version"], "1");
        assert_eq!(
            value["tool"],
            json!({ "name": "dockguard", "version": "1.2.3" })
        );
        assert_eq!(value["files_scanned"], 3);
        assert_eq!(
            value["summary"],
            json!({
                "total": 5,
                "by_severity": { "critical": 1, "high": 1, "medium": 1, "low": 1, "info": 1 },
                "by_step": {
                    "1": 0, "2": 2, "3": 0, "4": 1, "5": 0,
                    "6": 0, "7": 1, "8": 0, "9": 0, "10": 1,
                },
                "fail_on": "high",
                "failing": 2,
            })
        );
        assert_eq!(
            value["findings"][0],
            json!({
                "code": "DF001",
                "name": "final-stage-runs-as-root",
                "step": 4,
                "severity": "high",
                "message": "The final stage runs as root",
                "location": {
                    "file": "Dockerfile", "line": 2, "column": 1, "end_line": 2, "end_column": 10,
                    "span": { "start": 19, "end": 28 },
                },
                "remediation": "Add `USER app`.",
                "references": [{ "kind": "cis", "id": "4.1" }, { "kind": "cwe", "id": "CWE-250" }],
                "fix": null,
                "fingerprint": findings[0].fingerprint("USER root"),
            })
        );
        assert_eq!(
            value["findings"][1]["fix"],
            json!({
                "description": "Replace ADD with COPY",
                "edits": [{ "span": { "start": 29, "end": 32 }, "replacement": "COPY" }],
            })
        );
        assert_eq!(value["findings"][2]["remediation"], Value::Null);
        let codes: Vec<&str> = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["DF001", "DF010", "DF020", "DF030", "SC2086"]);
    }

    #[test]
    fn count_keys_keep_their_order() {
        let sources = sources();
        let text = render(|out| write(&report(&[], &sources), out));
        let keys: Vec<usize> = ["\"critical\":", "\"info\":", "\"1\":", "\"2\":", "\"10\":"]
            .iter()
            .map(|key| text.find(key).unwrap())
            .collect();
        assert!(keys.is_sorted(), "{text}");
    }
}
