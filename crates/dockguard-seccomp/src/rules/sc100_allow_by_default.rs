use super::{Hit, Rule};
use crate::profile::{Action, SeccompProfile};
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports a profile whose `defaultAction` is `SCMP_ACT_ALLOW` or `SCMP_ACT_LOG`: every
    /// syscall the profile does not name runs.
    ///
    /// ## Why is this bad?
    /// A deny list can never be complete: new kernels add syscalls (`io_uring_setup`,
    /// `open_tree`, `fsopen`, …) that such a profile lets through without anyone deciding to.
    /// Docker's default profile is an allow list over `SCMP_ACT_ERRNO`.
    ///
    /// ## Example
    /// ```json
    /// { "defaultAction": "SCMP_ACT_ALLOW",
    ///   "syscalls": [{ "names": ["mount"], "action": "SCMP_ACT_ERRNO" }] }
    /// ```
    ///
    /// ## Fix
    /// Start from Docker's default profile (`defaultAction: SCMP_ACT_ERRNO`) and add only the
    /// syscalls the workload needs.
    pub struct AllowByDefault {
        code: "SC100",
        name: "allow-by-default",
        severity: High,
        summary: "The seccomp profile allows every syscall it does not name",
        references: [Cis "5.21", Cwe "CWE-250"],
    }
}

impl Rule for AllowByDefault {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        let action = p.profile.default_action;
        if matches!(action, Action::Allow | Action::Log) {
            out.push(Hit {
                message: format!(
                    "`defaultAction` is {}: every syscall not named in the profile is allowed",
                    action.as_str()
                ),
                span: p.key_span("defaultAction"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn fires_on_allow_and_log_defaults() {
        let found = fixture_lines(&AllowByDefault, "allow-by-default.json");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 2);
        assert!(found[0].1.contains("SCMP_ACT_ALLOW"));
        assert_eq!(
            hits(&AllowByDefault, r#"{"defaultAction": "SCMP_ACT_LOG"}"#).len(),
            1
        );
        assert!(hits(&AllowByDefault, r#"{"defaultAction": "SCMP_ACT_KILL"}"#).is_empty());
    }
}
