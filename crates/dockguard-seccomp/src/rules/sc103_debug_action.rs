use super::{Hit, Rule};
use crate::profile::{Action, SeccompProfile};
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports `SCMP_ACT_LOG`, `SCMP_ACT_TRACE` and `SCMP_ACT_NOTIFY` on syscall rules, and
    /// `SCMP_ACT_TRACE`/`SCMP_ACT_NOTIFY` as `defaultAction` (a logging default is SC100's).
    ///
    /// ## Why is this bad?
    /// These actions are for building a profile, not for running one: `LOG` lets the syscall
    /// run (it only writes an audit record), `TRACE` hands the decision to a ptrace tracer —
    /// without one the call fails with ENOSYS, with one the tracer can change the call — and
    /// `NOTIFY` hands it to a user-space agent listening on a socket, which Docker does not
    /// run. A profile left in this state does not enforce what it appears to.
    ///
    /// ## Example
    /// ```json
    /// { "names": ["mount"], "action": "SCMP_ACT_LOG" }
    /// ```
    ///
    /// ## Fix
    /// Once the audit log shows what the workload calls, replace the action with
    /// `SCMP_ACT_ALLOW` for the syscalls it needs and `SCMP_ACT_ERRNO` for the rest.
    pub struct DebugAction {
        code: "SC103",
        name: "debug-action-left-in",
        severity: Medium,
        summary: "A LOG/TRACE/NOTIFY action is left in the seccomp profile",
        references: [Cis "5.21", Cwe "CWE-489"],
    }
}

fn is_debug(action: Action) -> bool {
    matches!(action, Action::Log | Action::Trace | Action::Notify)
}

impl Rule for DebugAction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        let default = p.profile.default_action;
        if matches!(default, Action::Trace | Action::Notify) {
            out.push(Hit {
                message: format!("`defaultAction` is {}", default.as_str()),
                span: p.key_span("defaultAction"),
            });
        }
        for (i, rule) in p.profile.syscalls().iter().enumerate() {
            if is_debug(rule.action) {
                let names: Vec<&str> = rule.all_names().collect();
                out.push(Hit {
                    message: format!(
                        "{} is left on `{}`",
                        rule.action.as_str(),
                        names.join("`, `")
                    ),
                    span: p.name_span(i, 0),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn fires_on_each_debug_action() {
        let found = fixture_lines(&DebugAction, "debug-actions.json");
        let lines: Vec<u32> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, [2, 5, 6, 7], "{found:#?}");
        assert_eq!(found[1].1, "SCMP_ACT_LOG is left on `mount`, `umount2`");
        assert!(found[3].1.starts_with("SCMP_ACT_NOTIFY"));
        assert!(hits(&DebugAction, r#"{"defaultAction": "SCMP_ACT_LOG"}"#).is_empty());
    }
}
