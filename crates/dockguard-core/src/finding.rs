use crate::step::Step;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// Which catalogue a reference points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    /// CIS Docker Benchmark recommendation, e.g. `4.1`.
    Cis,
    /// Common Weakness Enumeration id, e.g. `CWE-250`.
    Cwe,
    /// hadolint rule, e.g. `DL3002`.
    Hadolint,
    /// BuildKit build check, e.g. `JSONArgsRecommended`.
    Buildkit,
    /// Trivy misconfiguration check, e.g. `DS-0002`.
    Trivy,
    /// checkov check, e.g. `CKV_DOCKER_3`.
    Checkov,
    /// ShellCheck code, e.g. `SC2086`.
    Shellcheck,
    /// Dockle checkpoint, e.g. `CIS-DI-0001`.
    Dockle,
    /// Kubernetes Pod Security Standards control, `baseline` or `restricted` level, e.g.
    /// `baseline:host-namespaces`.
    Pss,
    /// A documentation page.
    Url,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Cis => "cis",
            RefKind::Cwe => "cwe",
            RefKind::Hadolint => "hadolint",
            RefKind::Buildkit => "buildkit",
            RefKind::Trivy => "trivy",
            RefKind::Checkov => "checkov",
            RefKind::Shellcheck => "shellcheck",
            RefKind::Dockle => "dockle",
            RefKind::Pss => "pss",
            RefKind::Url => "url",
        }
    }
}

/// A pointer from one of our rules to the same idea in a benchmark, weakness list or peer tool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Reference {
    pub kind: RefKind,
    pub id: Cow<'static, str>,
}

impl Reference {
    pub const fn new(kind: RefKind, id: &'static str) -> Self {
        Reference {
            kind,
            id: Cow::Borrowed(id),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            RefKind::Cis => write!(f, "CIS {}", self.id),
            RefKind::Pss => write!(f, "PSS {}", self.id),
            _ => f.write_str(&self.id),
        }
    }
}

/// Where a finding is: the file, 1-based line and column of its start and end, and the byte span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Byte offsets into the file as read from disk (a BOM counts).
    pub span: Range<usize>,
}

/// One text replacement of a fix: the byte span in the file and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Range<usize>,
    pub replacement: String,
}

/// A safe, mechanical change that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// One problem found by any analyser. Every reporter and the per-step summary work from this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub step: Step,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Cow<'static, str>>,
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Finding {
    /// Stable identity of a finding across runs that do not change its line's text: used for
    /// SARIF partialFingerprints and for de-duplication.
    pub fn fingerprint(&self, line_text: &str) -> String {
        // FNV-1a: tiny, stable across Rust versions (unlike `DefaultHasher`).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [self.code.as_bytes(), b"\0", line_text.trim().as_bytes()] {
            for byte in part {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("fatal".parse::<Severity>().unwrap_err().contains("fatal"));
    }

    #[test]
    fn fingerprint_ignores_indentation_but_not_code() {
        let finding = Finding {
            code: "DF001".into(),
            name: "x".into(),
            step: Step::NonRootUser,
            severity: Severity::High,
            message: String::new(),
            location: Location {
                file: "Dockerfile".into(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                span: 0..0,
            },
            remediation: None,
            references: vec![],
            fix: None,
        };
        assert_eq!(
            finding.fingerprint("USER root"),
            finding.fingerprint("  USER root ")
        );
        let mut other = finding.clone();
        other.code = "DF002".into();
        assert_ne!(
            finding.fingerprint("USER root"),
            other.fingerprint("USER root")
        );
    }
}
