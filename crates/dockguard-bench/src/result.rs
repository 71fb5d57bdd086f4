//! Verdicts, per-check results and the score, as docker-bench-security counts them.

use crate::checks::{Check, Outcome};
use dockguard_core::Finding;
use serde::Serialize;

/// A check's verdict: `PASS` green, `WARN` red, `INFO` blue, `NOTE` yellow (manual checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Pass,
    Warn,
    Info,
    Note,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Info => "INFO",
            Verdict::Note => "NOTE",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub check: &'static Check,
    pub verdict: Verdict,
    /// One line shown after the title (`Running as root: web, db`).
    pub details: Option<String>,
    /// The objects concerned (container names, files, users).
    pub items: Vec<String>,
    /// The findings behind a `WARN` (for JSON, SARIF and the other reporters).
    pub findings: Vec<Finding>,
}

impl CheckResult {
    pub fn new(check: &'static Check, outcome: Outcome) -> Self {
        CheckResult {
            check,
            verdict: outcome.verdict,
            details: outcome.details,
            items: outcome.items,
            findings: outcome.findings,
        }
    }

    /// docker-bench-security's score contribution: scored PASS +1, scored WARN −1, else 0.
    pub fn score(&self) -> i64 {
        match (self.check.scored, self.verdict) {
            (true, Verdict::Pass) => 1,
            (true, Verdict::Warn) => -1,
            _ => 0,
        }
    }
}

/// Every result, with docker-bench-security's totals.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub results: Vec<CheckResult>,
    /// Checks evaluated.
    pub checks: usize,
    pub score: i64,
}

impl BenchReport {
    pub fn new(results: Vec<CheckResult>) -> Self {
        let score = results.iter().map(CheckResult::score).sum();
        BenchReport {
            checks: results.len(),
            score,
            results,
        }
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.results.iter().filter(|r| r.verdict == verdict).count()
    }

    /// The findings of every `WARN`, for the common reporters.
    pub fn findings(&self) -> Vec<Finding> {
        self.results
            .iter()
            .flat_map(|r| r.findings.iter().cloned())
            .collect()
    }
}
