use super::helpers::is_unconfined;
use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs without a seccomp filter: compose
    /// `security_opt: [seccomp:unconfined]`, `docker run --security-opt seccomp=unconfined`,
    /// Kubernetes `seccompProfile: {type: Unconfined}` or the legacy `unconfined` annotation.
    ///
    /// ## Why is this bad?
    /// The default seccomp profile blocks about 44 system calls that containers do not need and
    /// that keep turning up in kernel exploits and escapes (`keyctl`, `bpf`, `userfaultfd`,
    /// `unshare`, `mount`, `ptrace` on older kernels…). Without it every kernel bug reachable
    /// through those calls is one step from the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt:
    ///       - seccomp:unconfined
    /// ```
    ///
    /// ## Fix
    /// Remove the option to get the runtime's default profile; if the application needs a call
    /// the default blocks, start from the default profile, allow that call only, and load it with
    /// `seccomp:/path/profile.json` (Kubernetes: `type: Localhost`).
    pub struct SeccompUnconfined {
        code: "WL600",
        name: "seccomp-unconfined",
        step: RuntimeDefence,
        severity: High,
        summary: "Container runs without a seccomp profile",
        references: [Cis "5.22", Pss "baseline:seccomp", Trivy "KSV-0104", Checkov "CKV_K8S_31"],
    }
}

impl Rule for SeccompUnconfined {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(seccomp) = &c.seccomp else { continue };
            if is_unconfined(&seccomp.value) {
                out.push(Diagnostic::new(
                    &seccomp.loc,
                    format!(
                        "{} runs with seccomp unconfined: every system call reaches the host kernel",
                        subject(c)
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&SeccompUnconfined);
    }
}
