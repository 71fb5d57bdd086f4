//! Reporters for dockguard findings.
//!
//! Every reporter reads the same [`Report`] and writes to a `&mut dyn Write`; nothing here prints
//! or decides exit codes. Pick a format with [`Format`] (parsable from its name) and call
//! [`write_report`].

mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;
pub mod summary;

use dockguard_core::{Finding, RuleMeta, Severity};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

pub use json::{JSON_SCHEMA_VERSION, json_schema};
pub use summary::Summary;

/// Name reported as the tool in JSON and SARIF output.
pub const TOOL_NAME: &str = "dockguard";

/// Everything a reporter needs about one run.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub tool_version: &'a str,
    /// Already sorted by file, line, column, code.
    pub findings: &'a [Finding],
    pub files_scanned: usize,
    /// Metadata of every rule that could have fired (SARIF `rules[]`).
    pub rules: &'a [RuleMeta],
    /// File name (as in `Location::file`) to its full text, for snippets and fingerprints.
    /// Files may be missing; reporters then do without.
    pub sources: &'a BTreeMap<String, String>,
    /// The `--fail-on` threshold, shown in summaries.
    pub fail_on: Severity,
}

impl Report<'_> {
    /// The text of a finding's first line, without its line ending, when the source is known.
    pub fn line_text(&self, finding: &Finding) -> Option<&str> {
        let text = self.sources.get(&finding.location.file)?;
        let index = usize::try_from(finding.location.line)
            .ok()?
            .checked_sub(1)?;
        let line = text.split('\n').nth(index)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Stable identity of a finding, from its code and the text of its line. Falls back to the
    /// message when the source is unavailable, so distinct findings still differ.
    pub fn fingerprint(&self, finding: &Finding) -> String {
        finding.fingerprint(self.line_text(finding).unwrap_or(&finding.message))
    }

    pub fn summary(&self) -> Summary {
        Summary::new(self.findings, self.fail_on)
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
    /// docker-bench-security's JSON log, written by `dockguard bench` itself from its check
    /// results (not from findings): not in [`Format::ALL`], and [`write_report`] refuses it.
    DbsJson,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::DbsJson => "dbs-json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case(Format::DbsJson.name()) {
            return Ok(Format::DbsJson);
        }
        Format::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// Options of the human format only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    /// Emit ANSI colours.
    pub color: bool,
    /// Show the offending source line with a caret underline, the help and the fix notes;
    /// `false` prints one line per finding.
    pub show_source: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            show_source: true,
        }
    }
}

/// Writes `report` in `format` to `out`. `human` only matters for [`Format::Human`].
pub fn write_report(
    format: Format,
    report: &Report,
    human: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, human, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Github => github::write(report, out),
        Format::Markdown => markdown::write(report, out),
        Format::DbsJson => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the dbs-json format (docker-bench-security's JSON log) is only available for `dockguard bench`",
        )),
    }
}

/// Normalises a path for formats that expect repository-relative, forward-slash paths.
pub(crate) fn forward_slashes(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
            assert_eq!(format.to_string(), format.name());
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert_eq!("dbs-json".parse::<Format>(), Ok(Format::DbsJson));
        assert_eq!(Format::DbsJson.to_string(), "dbs-json");
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err,
            "unknown format `xml` (expected one of: human, json, sarif, junit, github, markdown)"
        );
    }

    #[test]
    fn dbs_json_is_left_to_the_bench() {
        let sources = sources();
        let findings = sample_findings();
        let mut out = Vec::new();
        let err = write_report(
            Format::DbsJson,
            &report(&findings, &sources),
            &HumanOptions::default(),
            &mut out,
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(out.is_empty());
    }

    #[test]
    fn line_text_and_fingerprint() {
        let sources = sources();
        let findings = sample_findings();
        let report = report(&findings, &sources);
        assert_eq!(report.line_text(&findings[0]), Some("USER root"));
        // CRLF file: the carriage return is not part of the line.
        assert_eq!(report.line_text(&findings[3]), Some("RUN curl x | sh"));
        assert_eq!(
            report.fingerprint(&findings[0]),
            findings[0].fingerprint("USER root")
        );

        let mut missing = findings[0].clone();
        missing.location.file = "nowhere/Dockerfile".into();
        assert_eq!(report.line_text(&missing), None);
        assert_eq!(
            report.fingerprint(&missing),
            missing.fingerprint(&missing.message)
        );
        missing.location.line = 0;
        assert_eq!(report.line_text(&missing), None);
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(forward_slashes("./a/Dockerfile"), "a/Dockerfile");
        assert_eq!(forward_slashes("a\\b\\Dockerfile"), "a/b/Dockerfile");
        assert_eq!(forward_slashes("/abs/Dockerfile"), "/abs/Dockerfile");
    }

    #[test]
    fn every_format_writes_something_for_findings() {
        let sources = sources();
        let findings = sample_findings();
        let report = report(&findings, &sources);
        for format in Format::ALL {
            let mut out = Vec::new();
            write_report(format, &report, &HumanOptions::default(), &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("DF001"), "{format}: {text}");
        }
    }
}
