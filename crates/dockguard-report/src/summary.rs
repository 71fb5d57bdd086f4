//! Counts shared by every reporter that shows a summary.

use dockguard_core::{Finding, Severity, Step};

/// Finding counts of one run: in total, per severity and per step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// Indexed by `Severity as usize` (info first); read it with [`Summary::severity`].
    by_severity: [usize; 5],
    /// Indexed by step number minus one; read it with [`Summary::step`].
    by_step: [usize; 10],
    pub fail_on: Severity,
    /// Findings at or above `fail_on`: the ones that fail the run.
    pub failing: usize,
}

impl Summary {
    pub fn new(findings: &[Finding], fail_on: Severity) -> Self {
        let mut summary = Summary {
            total: findings.len(),
            by_severity: [0; 5],
            by_step: [0; 10],
            fail_on,
            failing: 0,
        };
        for finding in findings {
            summary.by_severity[finding.severity as usize] += 1;
            summary.by_step[usize::from(finding.step.number()) - 1] += 1;
            if finding.severity >= fail_on {
                summary.failing += 1;
            }
        }
        summary
    }

    pub fn severity(&self, severity: Severity) -> usize {
        self.by_severity[severity as usize]
    }

    pub fn step(&self, step: Step) -> usize {
        self.by_step[usize::from(step.number()) - 1]
    }

    /// `(severity, count)` from critical down to info, zero counts included.
    pub fn severities(&self) -> impl Iterator<Item = (Severity, usize)> + '_ {
        Severity::ALL.into_iter().map(|s| (s, self.severity(s)))
    }

    /// `(step, count)` for steps 1 to 10, zero counts included.
    pub fn steps(&self) -> impl Iterator<Item = (Step, usize)> + '_ {
        Step::ALL.into_iter().map(|s| (s, self.step(s)))
    }
}

/// `1 finding`, `2 findings`.
pub(crate) fn plural(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_findings;

    #[test]
    fn counts_by_severity_step_and_threshold() {
        let findings = sample_findings();
        let summary = Summary::new(&findings, Severity::High);
        assert_eq!(summary.total, 5);
        let severities: Vec<_> = summary.severities().collect();
        assert_eq!(
            severities,
            [
                (Severity::Critical, 1),
                (Severity::High, 1),
                (Severity::Medium, 1),
                (Severity::Low, 1),
                (Severity::Info, 1),
            ]
        );
        let steps: Vec<(u8, usize)> = summary.steps().map(|(s, n)| (s.number(), n)).collect();
        assert_eq!(
            steps,
            [
                (1, 0),
                (2, 2),
                (3, 0),
                (4, 1),
                (5, 0),
                (6, 0),
                (7, 1),
                (8, 0),
                (9, 0),
                (10, 1)
            ]
        );
        assert_eq!(summary.failing, 2);
        assert_eq!(Summary::new(&findings, Severity::Info).failing, 5);
        assert_eq!(Summary::new(&findings, Severity::Critical).failing, 1);
    }

    #[test]
    fn empty_summary() {
        let summary = Summary::new(&[], Severity::Low);
        assert_eq!(summary.total, 0);
        assert!(summary.severities().all(|(_, n)| n == 0));
        assert_eq!(summary.steps().count(), 10);
        assert_eq!(summary.failing, 0);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(0, "file", "files"), "0 files");
        assert_eq!(plural(2, "finding", "findings"), "2 findings");
    }
}
