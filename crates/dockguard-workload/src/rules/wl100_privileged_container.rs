use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that run privileged (`privileged: true`, `docker run --privileged`,
    /// Kubernetes `securityContext.privileged: true`).
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device under `/dev`, no
    /// seccomp or AppArmor/SELinux confinement, and writable `/sys` and cgroup file systems.
    /// Root in such a container is root on the host: it can mount the host's disks, load
    /// kernel modules or write to `/proc/sys`, so any compromise of the process is a
    /// compromise of the whole machine and every other container on it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent
    ///     privileged: true
    /// ```
    ///
    /// ## Fix
    /// Remove `privileged` and grant only what the workload really needs: single capabilities
    /// with `cap_add`, single devices with `devices`, a tailored seccomp profile.
    pub struct PrivilegedContainer {
        code: "WL100",
        name: "privileged-container",
        step: NamespacesCgroups,
        severity: Critical,
        summary: "Container runs privileged",
        references: [
            Cis "5.5",
            Pss "baseline:privileged",
            Trivy "KSV-0017",
            Checkov "CKV_K8S_16",
            Cwe "CWE-250",
        ],
    }
}

impl Rule for PrivilegedContainer {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if let Some(p) = &c.privileged
                && p.value
            {
                out.push(Diagnostic::new(
                    &p.loc,
                    format!(
                        "{} runs privileged: every capability and host device, no seccomp or \
                         LSM confinement; root in it is root on the host",
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
        testing::check_fixtures(&PrivilegedContainer);
    }
}
