use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container whose processes may gain privileges through setuid or setgid
    /// binaries and file capabilities: Docker without `security_opt: [no-new-privileges:true]`
    /// (`--security-opt no-new-privileges`), Kubernetes without
    /// `allowPrivilegeEscalation: false`. An explicit `no-new-privileges=false` or
    /// `allowPrivilegeEscalation: true` is reported where it is written. Privileged containers
    /// are left to WL100.
    ///
    /// Unlike docker-bench-security (5.26), which only looks for the substring
    /// `no-new-privileges`, `no-new-privileges=false` does not pass: Docker reads it as off.
    ///
    /// ## Why is this bad?
    /// Without the `no_new_privs` flag a non-root process can become root again by running a
    /// setuid binary of the image (`su`, `sudo`, `passwd`, `mount`) or one an attacker managed
    /// to write, which undoes running as a non-root user.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     security_opt:
    ///       - no-new-privileges=false
    /// ```
    ///
    /// ## Fix
    /// Add `security_opt: ["no-new-privileges:true"]` (or set `"no-new-privileges": true` in the
    /// daemon's `daemon.json` for every container); in Kubernetes set
    /// `allowPrivilegeEscalation: false` in each container's `securityContext`.
    pub struct PrivilegeEscalationAllowed {
        code: "WL203",
        name: "privilege-escalation-allowed",
        step: RuntimeDefence,
        severity: Medium,
        summary: "Container processes may gain privileges (no-new-privileges is not set)",
        references: [Cis "5.26", Pss "restricted:privilege-escalation", Trivy "KSV-0001", Checkov "CKV_K8S_20"],
    }
}

impl Rule for PrivilegeEscalationAllowed {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.is_privileged() {
                continue;
            }
            let k8s = c.source == SourceKind::Kubernetes;
            match &c.no_new_privileges {
                Some(s) if s.value => {}
                Some(s) => out.push(Diagnostic::new(
                    &s.loc,
                    if k8s {
                        format!(
                            "{} sets `allowPrivilegeEscalation: true`: setuid binaries can make its processes root again",
                            subject(c)
                        )
                    } else {
                        format!(
                            "{} turns `no-new-privileges` off: setuid binaries can make its processes root again",
                            subject(c)
                        )
                    },
                )),
                None => out.push(Diagnostic::new(
                    &c.loc,
                    if k8s {
                        format!(
                            "{} does not set `allowPrivilegeEscalation: false`: setuid binaries can make its processes root again",
                            subject(c)
                        )
                    } else {
                        format!(
                            "{} does not set `no-new-privileges`: setuid binaries can make its processes root again",
                            subject(c)
                        )
                    },
                )),
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
        testing::check_fixtures(&PrivilegeEscalationAllowed);
    }
}
