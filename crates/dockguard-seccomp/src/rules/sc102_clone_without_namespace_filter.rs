use super::{Hit, Rule};
use crate::profile::{Operator, SeccompProfile, SyscallRule};
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports `clone` allowed without `includes.caps` and without the argument filter Docker's
    /// default profile puts on it (`SCMP_CMP_MASKED_EQ` of the flags argument with the
    /// `CLONE_NEW*` namespace bits, 0x7E020000, equal to 0), and `clone3` allowed without
    /// `includes.caps` (its flags sit in a struct seccomp cannot read, so it cannot be
    /// filtered at all).
    ///
    /// ## Why is this bad?
    /// Creating namespaces — above all user namespaces — opens kernel code paths that are
    /// otherwise reserved to root on the host, and many container escapes start there. Docker
    /// lets containers call `clone` for threads and processes but not with namespace flags,
    /// and answers `clone3` with ENOSYS so that the C library falls back to `clone`.
    ///
    /// ## Example
    /// ```json
    /// { "names": ["clone", "clone3"], "action": "SCMP_ACT_ALLOW" }
    /// ```
    ///
    /// ## Fix
    /// Copy Docker's entries: `clone` allowed with
    /// `"args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]`
    /// (index 1 on s390/s390x), and `clone3` as `SCMP_ACT_ERRNO` with `"errnoRet": 38`; allow
    /// either unconditionally only with `"includes": {"caps": ["CAP_SYS_ADMIN"]}`.
    pub struct CloneWithoutNamespaceFilter {
        code: "SC102",
        name: "clone-without-namespace-filter",
        severity: High,
        summary: "`clone`/`clone3` is allowed without filtering out namespace creation",
        references: [Cis "5.21", Cwe "CWE-250"],
    }
}

/// CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
/// CLONE_NEWNET: Docker's mask, 2114060288.
pub const CLONE_NEW_FLAGS: u64 = 0x7E02_0000;

/// Whether the rule's arguments keep every `CLONE_NEW*` bit of the flags clear.
fn filters_namespaces(rule: &SyscallRule) -> bool {
    rule.args().iter().any(|a| {
        a.op == Operator::MaskedEqual
            && a.index <= 1
            && a.value & CLONE_NEW_FLAGS == CLONE_NEW_FLAGS
            && a.value_two & CLONE_NEW_FLAGS == 0
    })
}

impl Rule for CloneWithoutNamespaceFilter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        for (i, rule) in p.profile.syscalls().iter().enumerate() {
            if !rule.action.allows() || !rule.includes().caps().is_empty() {
                continue;
            }
            for (n, name) in rule.all_names().enumerate() {
                let message = match name {
                    "clone" if !filters_namespaces(rule) => {
                        "`clone` is allowed without an argument filter excluding the CLONE_NEW* namespace flags".to_string()
                    }
                    "clone3" => "`clone3` is allowed for every container: its namespace flags cannot be filtered; Docker answers it with ENOSYS (errnoRet 38)".to_string(),
                    _ => continue,
                };
                out.push(Hit {
                    message,
                    span: p.name_span(i, n),
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
    fn fires_on_unfiltered_clone_and_clone3() {
        let found = fixture_lines(&CloneWithoutNamespaceFilter, "clone-unfiltered.json");
        let lines: Vec<u32> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, [6, 7], "{found:#?}");
        assert!(found[0].1.contains("`clone`"));
        assert!(found[1].1.contains("`clone3`"));
    }

    #[test]
    fn weak_mask_still_fires() {
        let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
            {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 268435456, "op": "SCMP_CMP_MASKED_EQ"}]}]}"#;
        assert_eq!(hits(&CloneWithoutNamespaceFilter, text).len(), 1);
    }
}
