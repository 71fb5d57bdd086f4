use super::{Hit, Rule};
use crate::dangerous::{self, Gate};
use crate::profile::SeccompProfile;
use dockguard_core::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports an allowing rule (`SCMP_ACT_ALLOW`/`SCMP_ACT_LOG`) without `includes.caps`
    /// that names a syscall Docker's default profile allows only behind a capability
    /// (`mount`, `unshare`, `setns`, `bpf` behind CAP_SYS_ADMIN, `init_module` behind
    /// CAP_SYS_MODULE, `ptrace` behind CAP_SYS_PTRACE or kernel ≥ 4.8, …) or never allows
    /// (`keyctl`, `add_key`, `kexec_load`, `userfaultfd`, `pivot_root`, `swapon`,
    /// `io_uring_setup`, …).
    ///
    /// ## Why is this bad?
    /// These syscalls reach kernel state that is not namespaced (modules, keyrings, the clock,
    /// mounts) and are the usual first step of container escapes and kernel exploits. Allowing
    /// them for every container, whatever its capabilities, removes the second line of defence
    /// seccomp is meant to be.
    ///
    /// ## Example
    /// ```json
    /// { "names": ["read", "write", "mount", "keyctl"], "action": "SCMP_ACT_ALLOW" }
    /// ```
    ///
    /// ## Fix
    /// Remove the syscall from the unconditional allow list. If a workload really needs it,
    /// gate it as Docker does, with `"includes": {"caps": ["CAP_SYS_ADMIN"]}` (the capability
    /// the message names), and grant that capability to that container only.
    pub struct DangerousSyscallUngated {
        code: "SC101",
        name: "dangerous-syscall-ungated",
        severity: High,
        summary: "A dangerous syscall is allowed without the capability gate Docker's default uses",
        references: [Cis "5.21", Cwe "CWE-250"],
    }
}

impl Rule for DangerousSyscallUngated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, p: &SeccompProfile, out: &mut Vec<Hit>) {
        for (i, rule) in p.profile.syscalls().iter().enumerate() {
            if !rule.action.allows() || !rule.includes().caps().is_empty() {
                continue;
            }
            for (n, name) in rule.all_names().enumerate() {
                let Some(d) = dangerous::lookup(name) else {
                    continue;
                };
                let gate = match d.gate {
                    Gate::Cap(cap) => format!("only with {cap}"),
                    Gate::MinKernelOrCap(min, cap) => {
                        if rule.includes().min_kernel().is_some_and(|k| k >= min) {
                            continue;
                        }
                        format!("only with {cap} or on kernel ≥ {}.{}", min.0, min.1)
                    }
                    Gate::Never => "never".to_string(),
                };
                out.push(Hit {
                    message: format!(
                        "`{name}` is allowed for every container ({}); Docker's default profile allows it {gate}",
                        d.risk
                    ),
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
    fn fires_on_ungated_dangerous_names_only() {
        let found = fixture_lines(&DangerousSyscallUngated, "dangerous-ungated.json");
        let lines: Vec<u32> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, [8, 9, 10, 11], "{found:#?}");
        assert!(
            found[0].1.starts_with("`mount` is allowed"),
            "{}",
            found[0].1
        );
        assert!(found[0].1.contains("only with CAP_SYS_ADMIN"));
        assert!(found[1].1.contains("never"));
        assert!(found[3].1.contains("`ptrace`") && found[3].1.contains("kernel ≥ 4.8"));
    }

    #[test]
    fn gated_entries_are_fine() {
        let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
            {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
            {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.4"}},
            {"names": ["keyctl"], "action": "SCMP_ACT_ERRNO"}]}"#;
        assert!(hits(&DangerousSyscallUngated, text).is_empty());
    }
}
