use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a Kubernetes container with no seccomp profile: neither its `securityContext`
    /// nor the pod's sets `seccompProfile` (nor the legacy annotation). Docker and compose
    /// apply their default profile when none is named, so only Kubernetes is checked.
    ///
    /// ## Why is this bad?
    /// Unless the kubelet runs with `--seccomp-default`, a container without a profile runs
    /// `Unconfined`: every system call reaches the host kernel, including the rarely needed ones
    /// that kernel exploits and container escapes rely on. The PSS restricted level requires a
    /// profile to be set.
    ///
    /// ## Example
    /// Kubernetes only.
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: example/app:1.0
    /// ```
    ///
    /// ## Fix
    /// Set `seccompProfile: {type: RuntimeDefault}` in the pod's `securityContext` (or a
    /// `Localhost` profile made for the application).
    pub struct SeccompProfileNotSet {
        code: "WL601",
        name: "seccomp-profile-not-set",
        step: RuntimeDefence,
        severity: Low,
        summary: "Kubernetes container sets no seccomp profile",
        references: [Pss "restricted:seccomp", Trivy "KSV-0030", Trivy "KSV-0104", Checkov "CKV_K8S_31"],
    }
}

impl Rule for SeccompProfileNotSet {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.source == SourceKind::Kubernetes && c.seccomp.is_none() {
                out.push(Diagnostic::new(
                    &c.loc,
                    format!(
                        "{} sets no seccomp profile: it runs unconfined unless the kubelet applies a default; set `seccompProfile: {{type: RuntimeDefault}}`",
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
        testing::check_fixtures(&SeccompProfileNotSet);
    }
}
