//! Every analyser's rules in one list, for `rules`, `explain`, config validation, profiles and
//! reports.

use dockguard_core::{RefKind, RuleMeta};
use std::collections::BTreeSet;

pub fn all_rules() -> Vec<&'static RuleMeta> {
    let dockerfile = dockguard_dockerfile::rules::registry::RULES
        .iter()
        .map(|r| r.meta());
    let workload = dockguard_workload::rules::registry::RULES
        .iter()
        .map(|r| r.meta());
    let bench = dockguard_bench::checks::registry::CHECKS
        .iter()
        .map(|c| &c.meta);
    let image = dockguard_image::checks::registry::RULES
        .iter()
        .map(|r| r.meta());
    dockerfile
        .chain(workload)
        .chain(bench)
        .chain(image)
        .chain(std::iter::once(
            &dockguard_secrets::project::SECRET_IN_PROJECT_FILE,
        ))
        .chain(std::iter::once(&dockguard_vuln::rule::VULNERABLE_PACKAGE))
        .chain(dockguard_seccomp::rule_metas())
        .collect()
}

pub fn by_code(code: &str) -> Option<&'static RuleMeta> {
    all_rules()
        .into_iter()
        .find(|m| m.code.eq_ignore_ascii_case(code))
}

/// A named subset of rules: Kubernetes Pod Security Standards levels or the CIS Docker
/// Benchmark, chosen by the references each rule carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// Controls of the PSS baseline level.
    PssBaseline,
    /// Controls of the PSS restricted level (baseline included).
    PssRestricted,
    /// Rules that implement a CIS Docker Benchmark recommendation.
    Cis,
}

impl Profile {
    pub fn codes(self) -> BTreeSet<String> {
        all_rules()
            .into_iter()
            .filter(|m| {
                m.references.iter().any(|r| match self {
                    Profile::PssBaseline => r.kind == RefKind::Pss && r.id.starts_with("baseline:"),
                    Profile::PssRestricted => r.kind == RefKind::Pss,
                    Profile::Cis => r.kind == RefKind::Cis,
                })
            })
            .map(|m| m.code.to_string())
            .collect()
    }
}
