use super::{Hit, Rule};
use crate::profile::SeccompProfile;
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports a profile whose `architectures` and `archMap` (with `subArchitectures`) do not
    /// name `SCMP_ARCH_X86_64` together with its 32-bit variants `SCMP_ARCH_X86` and
    /// `SCMP_ARCH_X32`, as Docker's default profile does; or name no architecture at all.
    ///
    /// ## Why is this bad?
    /// A filter covers only the syscall ABIs it lists (the runtime adds the native one). On
    /// an x86-64 host a process can still enter the kernel through the i386 (`int 0x80`) or
    /// x32 ABI; those calls then meet the filter's "bad architecture" action instead of the
    /// rules written for them, so 32-bit programs die with SIGSYS — and the profile no longer
    /// says what is allowed on each ABI, which makes it hard to review or compare.
    ///
    /// ## Example
    /// ```json
    /// { "defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"] }
    /// ```
    ///
    /// ## Fix
    /// Use Docker's `archMap`:
    /// `{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}`
    /// (and the entries for the other architectures the profile is used on).
    pub struct MissingArchitectures {
        code: "SC104",
        name: "missing-architectures",
        severity: Low,
        summary: "The seccomp profile does not cover x86-64 and its 32-bit ABIs",
        references: [Cis "5.21", Cwe "CWE-693"],
    }
}

/// The native x86-64 ABI and its 32-bit variants.
pub const REQUIRED: &[&str] = &["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"];

impl Rule for MissingArchitectures {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        let listed = p.profile.all_architectures();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|r| !listed.contains(r))
            .collect();
        if missing.is_empty() {
            return;
        }
        let (message, span) = if listed.is_empty() {
            (
                "the profile names no architectures (no `architectures` or `archMap`)".to_string(),
                0..0,
            )
        } else {
            let key = if p.profile.arch_map.is_some() {
                "archMap"
            } else {
                "architectures"
            };
            (
                format!("the profile's architectures miss {}", missing.join(", ")),
                p.key_span(key),
            )
        };
        out.push(Hit { message, span });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn fires_on_missing_and_partial_lists() {
        let found = fixture_lines(&MissingArchitectures, "missing-architectures.json");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 3);
        assert_eq!(
            found[0].1,
            "the profile's architectures miss SCMP_ARCH_X86, SCMP_ARCH_X32"
        );
        let none = hits(
            &MissingArchitectures,
            r#"{"defaultAction": "SCMP_ACT_ERRNO"}"#,
        );
        assert!(none[0].message.contains("no architectures"));
        let mixed = r#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X32"],
            "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}]}"#;
        assert!(hits(&MissingArchitectures, mixed).is_empty());
    }
}
