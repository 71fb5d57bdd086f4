use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports ports published on a privileged host port (below 1024): `"80:8080"`,
    /// `-p 443:8443`, Kubernetes `hostPort: 80`.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are reserved for services that root started on the host (ssh, DNS,
    /// mail, web). A container that takes one can impersonate such a service to clients that
    /// trust the port number, and an error in a compose file can silently shadow a host
    /// service. It is also a hint that the service is exposed directly rather than behind a
    /// reviewed entry point.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web
    ///     ports:
    ///       - "80:8080"
    /// ```
    ///
    /// ## Fix
    /// Publish on a port of 1024 or more and put a reverse proxy or load balancer on the
    /// well-known port, or document why this container owns it.
    pub struct PrivilegedHostPort {
        code: "WL506",
        name: "privileged-host-port",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Port is published on a privileged host port",
        references: [Cis "5.8"],
    }
}

impl Rule for PrivilegedHostPort {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for p in &c.ports {
                // Port 0 asks for a random port.
                let Some(host) = p.host_port.filter(|h| (1..1024).contains(h)) else {
                    continue;
                };
                if !p.published {
                    continue;
                }
                out.push(Diagnostic::new(
                    &p.loc,
                    format!("{} publishes privileged host port {host}", subject(c)),
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
        testing::check_fixtures(&PrivilegedHostPort);
    }
}
