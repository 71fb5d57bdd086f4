use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports published ports that lead to or from port 22, the SSH port: container port 22
    /// (`"2222:22"`) or host port 22 (`"22:2222"`).
    ///
    /// ## Why is this bad?
    /// Publishing port 22 of a container almost always means an SSH server runs inside it.
    /// That is one more privileged, network-facing daemon with its own keys and passwords to
    /// manage, a target for brute force, and a way around the runtime's own controlled access
    /// (`docker exec`, `kubectl exec`) and its audit trail. Taking the host's port 22 also
    /// shadows or competes with the host's own SSH service.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app-with-sshd
    ///     ports:
    ///       - "2222:22"
    /// ```
    ///
    /// ## Fix
    /// Remove the SSH server from the image and use `docker exec` / `kubectl exec` for
    /// maintenance; for a service that genuinely speaks SSH (a Git server), publish it on
    /// another host port and bind it to the interface that needs it.
    pub struct SshPortPublished {
        code: "WL508",
        name: "ssh-port-published",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "SSH port is published",
        references: [Cis "5.7"],
    }
}

impl Rule for SshPortPublished {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for p in &c.ports {
                if !p.published {
                    continue;
                }
                let message = if p.container_port == Some(22) {
                    format!(
                        "{} publishes container port 22, most likely an SSH server in the container",
                        subject(c)
                    )
                } else if p.host_port == Some(22) {
                    format!("{} publishes on the host's SSH port 22", subject(c))
                } else {
                    continue;
                };
                out.push(Diagnostic::new(&p.loc, message));
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
        testing::check_fixtures(&SshPortPublished);
    }
}
