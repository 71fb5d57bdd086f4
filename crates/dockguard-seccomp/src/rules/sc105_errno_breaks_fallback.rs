use super::{Hit, Rule};
use crate::profile::{Action, SeccompProfile};
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports syscalls whose C-library callers fall back to an older syscall only when the
    /// kernel answers ENOSYS (38) — `clone3` (glibc ≥ 2.34 `pthread_create`, `posix_spawn`,
    /// `fork`), `faccessat2` (glibc ≥ 2.33 `faccessat`) and `statx` (glibc `fstatat` on 32-bit
    /// ABIs) — when the profile refuses them any other way: `SCMP_ACT_ERRNO` with another
    /// errno (EPERM by default), a kill or a trap, either on their own entry or because they
    /// are not named and the `defaultAction` does so.
    ///
    /// ## Why is this bad?
    /// The program does not fall back: thread creation or `access` checks fail with EPERM
    /// and newer distributions' binaries break in the container. The usual "fix" is then to
    /// run unconfined. Docker's default profile answers `clone3` with `errnoRet` 38 for this
    /// reason.
    ///
    /// ## Example
    /// ```json
    /// { "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    ///   "syscalls": [{ "names": ["clone3"], "action": "SCMP_ACT_ERRNO" }] }
    /// ```
    ///
    /// ## Fix
    /// Answer these syscalls with ENOSYS:
    /// `{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}` — or allow them
    /// where that is safe (`faccessat2` and `statx` are allowed by Docker's default profile).
    pub struct ErrnoBreaksFallback {
        code: "SC105",
        name: "errno-breaks-fallback",
        severity: Medium,
        summary: "A syscall with a C-library fallback is refused with another errno than ENOSYS",
        references: [Cwe "CWE-754"],
    }
}

/// Syscalls glibc retries with an older one only on ENOSYS.
pub const ENOSYS_FALLBACKS: &[&str] = &["clone3", "faccessat2", "statx"];
pub const ENOSYS: u32 = 38;

/// How a refusal is shown, or `None` when it is harmless for the fallback (allowed, ENOSYS, or
/// an action SC103 reports).
fn breaking(action: Action, errno: Option<u32>) -> Option<String> {
    match action {
        Action::Errno if errno == Some(ENOSYS) => None,
        Action::Errno => Some(format!("errno {}", errno.unwrap_or(1))),
        Action::Kill | Action::KillProcess | Action::KillThread | Action::Trap => {
            Some(action.as_str().to_string())
        }
        Action::Allow | Action::Log | Action::Trace | Action::Notify => None,
    }
}

impl Rule for ErrnoBreaksFallback {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        let mut unnamed = Vec::new();
        for name in ENOSYS_FALLBACKS {
            let mut named = false;
            for (i, rule) in p.profile.syscalls().iter().enumerate() {
                let Some(n) = rule.all_names().position(|n| n == *name) else {
                    continue;
                };
                named = true;
                let errno = (rule.action == Action::Errno).then(|| rule.errno_ret.unwrap_or(1));
                if let Some(how) = breaking(rule.action, errno) {
                    out.push(Hit {
                        message: format!(
                            "`{name}` is refused with {how}; callers fall back only on ENOSYS (errnoRet 38)"
                        ),
                        span: p.name_span(i, n),
                    });
                }
            }
            if !named {
                unnamed.push(*name);
            }
        }
        let default = p.profile.default_action;
        let errno = (default == Action::Errno).then(|| p.profile.default_errno_ret.unwrap_or(1));
        if let (false, Some(how)) = (unnamed.is_empty(), breaking(default, errno)) {
            out.push(Hit {
                message: format!(
                    "`{}` not named: the default action refuses them with {how}; callers fall back only on ENOSYS (errnoRet 38)",
                    unnamed.join("`, `")
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
    fn fires_on_wrong_errno_and_default() {
        let found = fixture_lines(&ErrnoBreaksFallback, "errno-fallback.json");
        let lines: Vec<u32> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, [5, 6, 2], "{found:#?}");
        assert!(found[0].1.starts_with("`clone3` is refused with errno 1;"));
        assert!(found[1].1.contains("SCMP_ACT_KILL_PROCESS"));
        assert!(
            found[2].1.starts_with("`statx` not named"),
            "{}",
            found[2].1
        );
    }

    #[test]
    fn enosys_and_allow_are_fine() {
        let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
            {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
            {"names": ["statx"], "action": "SCMP_ACT_ALLOW"}]}"#;
        assert!(hits(&ErrnoBreaksFallback, text).is_empty());
        assert!(
            hits(
                &ErrnoBreaksFallback,
                r#"{"defaultAction": "SCMP_ACT_ALLOW"}"#
            )
            .is_empty()
        );
    }
}
