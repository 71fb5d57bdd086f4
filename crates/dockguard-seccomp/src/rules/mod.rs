//! The seccomp profile rules, one per file, and their table.

use crate::profile::SeccompProfile;
use dockguard_core::RuleMeta;
use std::ops::Range;

/// A rule's unit struct and its `META`, the doc comment becoming `RuleMeta::doc` (the same shape
/// as the Dockerfile analyser's macro, kept local to avoid depending on that crate).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            severity: $sev:ident,
            summary: $summary:literal,
            references: [$($rk:ident $rid:literal),* $(,)?],
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;
        impl $name {
            pub const META: dockguard_core::RuleMeta = dockguard_core::RuleMeta {
                code: $code,
                name: $rname,
                step: dockguard_core::Step::RuntimeDefence,
                severity: dockguard_core::Severity::$sev,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                references: &[
                    $(dockguard_core::Reference::new(dockguard_core::RefKind::$rk, $rid),)*
                    dockguard_core::Reference::new(
                        dockguard_core::RefKind::Url,
                        "https://docs.docker.com/engine/security/seccomp/",
                    ),
                ],
                fixable: false,
                default_enabled: true,
            };
        }
    };
}

pub mod sc100_allow_by_default;
pub mod sc101_dangerous_syscall_ungated;
pub mod sc102_clone_without_namespace_filter;
pub mod sc103_debug_action;
pub mod sc104_missing_architectures;
pub mod sc105_errno_breaks_fallback;
pub mod sc106_unknown_syscall;

/// What a rule reports: a message and the byte span of the source it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub message: String,
    pub span: Range<usize>,
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, profile: &SeccompProfile, out: &mut Vec<Hit>);
}

/// All rules, in code order.
pub static RULES: &[&dyn Rule] = &[
    &sc100_allow_by_default::AllowByDefault,
    &sc101_dangerous_syscall_ungated::DangerousSyscallUngated,
    &sc102_clone_without_namespace_filter::CloneWithoutNamespaceFilter,
    &sc103_debug_action::DebugAction,
    &sc104_missing_architectures::MissingArchitectures,
    &sc105_errno_breaks_fallback::ErrnoBreaksFallback,
    &sc106_unknown_syscall::UnknownSyscall,
];

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::profile::parse_str;

    /// The hits of one rule on a profile text.
    pub fn hits(rule: &dyn Rule, text: &str) -> Vec<Hit> {
        let p = parse_str("t.json", text).unwrap();
        let mut out = Vec::new();
        rule.check(&p, &mut out);
        out
    }

    /// The hits of one rule on a fixture, with their 1-based lines.
    pub fn fixture_lines(rule: &dyn Rule, name: &str) -> Vec<(u32, String)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        let p = crate::profile::parse_file(&path).unwrap();
        let mut out = Vec::new();
        rule.check(&p, &mut out);
        out.into_iter()
            .map(|h| (p.location(h.span).line, h.message))
            .collect()
    }

    /// No hits on Docker's default profile.
    pub fn clean_on_docker_default(rule: &dyn Rule) {
        let mut out = Vec::new();
        rule.check(crate::docker_default(), &mut out);
        assert!(out.is_empty(), "{}: {out:#?}", rule.meta().code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ordered_and_documented() {
        let problems =
            dockguard_core::rule::registry_problems(RULES.iter().map(|r| r.meta()), "SC");
        assert!(problems.is_empty(), "{problems:#?}");
        for rule in RULES {
            let m = rule.meta();
            assert_eq!(m.step, dockguard_core::Step::RuntimeDefence, "{}", m.code);
            assert!(m.remediation().is_some(), "{}", m.code);
            testing::clean_on_docker_default(*rule);
        }
    }
}
