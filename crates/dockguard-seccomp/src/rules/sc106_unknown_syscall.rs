use super::{Hit, Rule};
use crate::profile::SeccompProfile;
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports syscall names that are not a Linux syscall on any architecture (per the
    /// kernel's syscall tables, as the `syscalls` crate carries them, plus the ARM-private
    /// calls Docker's profile names), at the line of the name.
    ///
    /// ## Why is this bad?
    /// The runtime skips names it cannot resolve without an error, so a typo silently drops
    /// the rule: a misspelt deny does not deny, a misspelt allow breaks the workload in a way
    /// that is hard to trace back to the profile.
    ///
    /// ## Example
    /// ```json
    /// { "names": ["ptarce", "keyctl"], "action": "SCMP_ACT_ERRNO" }
    /// ```
    ///
    /// ## Fix
    /// Correct the spelling (names are lower case, as in `man 2 syscalls`) or remove the name.
    pub struct UnknownSyscall {
        code: "SC106",
        name: "unknown-syscall",
        severity: Medium,
        summary: "A syscall name in the profile is not a Linux syscall",
        references: [Cwe "CWE-693"],
    }
}

impl Rule for UnknownSyscall {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        for (i, rule) in p.profile.syscalls().iter().enumerate() {
            for (n, name) in rule.all_names().enumerate() {
                if !crate::names::is_known(name) {
                    out.push(Hit {
                        message: format!("`{name}` is not a Linux syscall"),
                        span: p.name_span(i, n),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn fires_at_the_line_of_each_unknown_name() {
        let found = fixture_lines(&UnknownSyscall, "unknown-syscalls.json");
        assert_eq!(
            found,
            [
                (7, "`ptarce` is not a Linux syscall".to_string()),
                (11, "`Read` is not a Linux syscall".to_string()),
            ]
        );
    }
}
