use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports ports published on every host interface: no host address
    /// (`"8080:80"`, `-p 8080:80`), or the wildcard `0.0.0.0`, `::` or `[::]`. Kubernetes
    /// host ports are WL507's.
    ///
    /// ## Why is this bad?
    /// The port then listens on every network the host is attached to, public interfaces
    /// included. Docker inserts its own firewall rules for published ports, ahead of the
    /// host firewall (ufw, firewalld rules on INPUT do not apply), so a database or admin
    /// port meant for local use is often reachable from the internet without anyone having
    /// opened it on purpose.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports:
    ///       - "5432:5432"
    /// ```
    ///
    /// ## Fix
    /// Bind to the interface that should receive the traffic, usually loopback behind a
    /// reverse proxy (`"127.0.0.1:5432:5432"`), or do not publish and connect over a Docker
    /// network.
    pub struct PortOnAllInterfaces {
        code: "WL505",
        name: "port-on-all-interfaces",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Port is published on every host interface",
        references: [Cis "5.14"],
    }
}

fn is_wildcard(ip: Option<&str>) -> bool {
    match ip.map(str::trim) {
        None | Some("") => true,
        Some(ip) => matches!(ip, "0.0.0.0" | "::" | "[::]"),
    }
}

impl Rule for PortOnAllInterfaces {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.source == SourceKind::Kubernetes {
                continue;
            }
            for p in &c.ports {
                if !p.published || !is_wildcard(p.host_ip.as_deref()) {
                    continue;
                }
                let port = match (p.host_port, p.container_port) {
                    (Some(h), _) => format!("host port {h}"),
                    (None, Some(c)) => format!("container port {c} (random host port)"),
                    (None, None) => "a port".to_string(),
                };
                out.push(Diagnostic::new(
                    &p.loc,
                    format!("{} publishes {port} on every host interface", subject(c)),
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
        testing::check_fixtures(&PortOnAllInterfaces);
    }
}
