//! Shared fixtures: a few files and one finding of every severity.

use crate::Report;
use dockguard_core::{
    Edit, Finding, Fix, LineIndex, Location, RefKind, Reference, RuleMeta, Severity, Step,
};
use std::collections::BTreeMap;

pub const DOCKERFILE: &str =
    "FROM ubuntu:latest\nUSER root\nADD ./app /app\nENV API_KEY=\"sk_live_abc\"\n";
pub const CRLF_DOCKERFILE: &str = "FROM alpine\r\nRUN curl x | sh\r\n";

pub fn sources() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("Dockerfile".to_string(), DOCKERFILE.to_string()),
        (
            "svc/api/Dockerfile".to_string(),
            CRLF_DOCKERFILE.to_string(),
        ),
    ])
}

/// The location of the first occurrence of `needle` in `text`.
pub fn locate(file: &str, text: &str, needle: &str) -> Location {
    let start = text.find(needle).expect("needle in text");
    span_location(file, text, start..start + needle.len())
}

pub fn span_location(file: &str, text: &str, span: std::ops::Range<usize>) -> Location {
    let index = LineIndex::new(text);
    let (line, column) = index.line_col(text, span.start);
    let (end_line, end_column) = index.line_col(text, span.end);
    Location {
        file: file.to_string(),
        line,
        column,
        end_line,
        end_column,
        span,
    }
}

pub fn finding(code: &'static str, severity: Severity, step: Step, location: Location) -> Finding {
    Finding {
        code: code.into(),
        name: "demo-rule".into(),
        step,
        severity,
        message: format!("{code} message"),
        location,
        remediation: None,
        references: vec![],
        fix: None,
    }
}

pub static RULES: [RuleMeta; 5] = [
    RuleMeta {
        code: "DF001",
        name: "final-stage-runs-as-root",
        step: Step::NonRootUser,
        severity: Severity::High,
        summary: "The final stage runs as root",
        doc: "## What it does\nChecks the final `USER`.\n\n## Why is this bad?\nRoot in a container is root on the host.\n\n## Fix\nAdd `USER app`.\n",
        references: &[
            Reference::new(RefKind::Cis, "4.1"),
            Reference::new(RefKind::Cwe, "CWE-250"),
        ],
        fixable: false,
        default_enabled: true,
    },
    RuleMeta {
        code: "DF010",
        name: "add-instead-of-copy",
        step: Step::TrustedImages,
        severity: Severity::Medium,
        summary: "ADD used where COPY suffices",
        doc: "## What it does\nFlags local `ADD`.\n\n## Fix\nUse `COPY`.\n",
        references: &[Reference::new(RefKind::Hadolint, "DL3020")],
        fixable: true,
        default_enabled: true,
    },
    RuleMeta {
        code: "DF020",
        name: "secret-in-env",
        step: Step::Secrets,
        severity: Severity::Critical,
        summary: "A secret is baked into the image",
        doc: "",
        references: &[],
        fixable: false,
        default_enabled: true,
    },
    RuleMeta {
        code: "DF030",
        name: "curl-pipe-shell",
        step: Step::TrustedImages,
        severity: Severity::Low,
        summary: "A remote script is piped into a shell",
        doc: "## Fix\nDownload, verify, then run.",
        references: &[Reference::new(RefKind::Url, "https://example.invalid/curl")],
        fixable: false,
        default_enabled: true,
    },
    RuleMeta {
        code: "DF099",
        name: "never-fires",
        step: Step::HostBench,
        severity: Severity::Info,
        summary: "Only here to take a rule index",
        doc: "",
        references: &[],
        fixable: false,
        default_enabled: false,
    },
];

/// One finding of every severity, sorted by file, line, column, code. The last one is a
/// ShellCheck code with no rule metadata in a file whose source is unknown.
pub fn sample_findings() -> Vec<Finding> {
    let mut root = finding(
        "DF001",
        Severity::High,
        Step::NonRootUser,
        locate("Dockerfile", DOCKERFILE, "USER root"),
    );
    root.name = "final-stage-runs-as-root".into();
    root.message = "The final stage runs as root".into();
    root.remediation = Some("Add `USER app`.".into());
    root.references = RULES[0].references.to_vec();

    let mut add = finding(
        "DF010",
        Severity::Medium,
        Step::TrustedImages,
        locate("Dockerfile", DOCKERFILE, "ADD ./app /app"),
    );
    add.name = "add-instead-of-copy".into();
    add.message = "Use COPY instead of ADD for local files".into();
    add.references = RULES[1].references.to_vec();
    let start = DOCKERFILE.find("ADD").unwrap();
    add.fix = Some(Fix {
        description: "Replace ADD with COPY".into(),
        edits: vec![Edit {
            span: start..start + 3,
            replacement: "COPY".into(),
        }],
    });

    let mut secret = finding(
        "DF020",
        Severity::Critical,
        Step::Secrets,
        locate("Dockerfile", DOCKERFILE, "\"sk_live_abc\""),
    );
    secret.name = "secret-in-env".into();
    secret.message = "Secret `API_KEY` is set with ENV".into();
    secret.references = vec![Reference::new(RefKind::Cwe, "CWE-798")];

    let mut pipe = finding(
        "DF030",
        Severity::Low,
        Step::TrustedImages,
        locate("svc/api/Dockerfile", CRLF_DOCKERFILE, "curl x | sh"),
    );
    pipe.name = "curl-pipe-shell".into();
    pipe.message = "Remote script piped into `sh`".into();

    let mut shellcheck = finding(
        "SC2086",
        Severity::Info,
        Step::RuntimeDefence,
        Location {
            file: "z/Dockerfile".into(),
            line: 7,
            column: 12,
            end_line: 7,
            end_column: 16,
            span: 100..104,
        },
    );
    shellcheck.name = "shellcheck".into();
    shellcheck.message = "Double quote to prevent globbing and word splitting.".into();
    shellcheck.references = vec![Reference::new(RefKind::Shellcheck, "SC2086")];

    vec![root, add, secret, pipe, shellcheck]
}

pub fn report<'a>(findings: &'a [Finding], sources: &'a BTreeMap<String, String>) -> Report<'a> {
    Report {
        tool_version: "1.2.3",
        findings,
        files_scanned: 3,
        rules: &RULES,
        sources,
        fail_on: Severity::High,
    }
}

/// Runs one format's writer into a string.
pub fn render(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("reporters write UTF-8")
}
