use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::Namespace;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that join another container's PID, IPC or network namespace
    /// (`pid: "service:db"`, `ipc: "container:x"`, `network_mode: "service:vpn"`,
    /// `--network=container:x`), once per namespace.
    ///
    /// ## Why is this bad?
    /// The two containers are no longer isolated from each other in that respect: with a
    /// shared PID namespace each sees (and as the same user can signal or trace) the other's
    /// processes and reads their environment under `/proc`; with a shared IPC namespace they
    /// share memory segments; with a shared network namespace they share interfaces, ports
    /// and `localhost`, so a service the other binds to loopback "for safety" is open to this
    /// one. A compromise of either container reaches the other. Sometimes intended (a debug
    /// sidecar, traffic through a VPN container), it should be a deliberate, reviewed choice.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: example/vpn
    ///   app:
    ///     image: example/app
    ///     network_mode: "service:vpn"
    /// ```
    ///
    /// ## Fix
    /// Give each container its own namespaces and talk over a network or a volume; keep the
    /// sharing only where it is the point of the design, and then minimise what runs in the
    /// joined containers.
    pub struct SharedContainerNamespace {
        code: "WL107",
        name: "shared-container-namespace",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Container joins another container's namespace",
        references: [Cwe "CWE-653"],
    }
}

impl Rule for SharedContainerNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for (what, ns) in [("PID", &c.pid), ("IPC", &c.ipc), ("network", &c.network)] {
                if let Some(ns) = ns
                    && let Namespace::Container(other) = &ns.value
                {
                    // `container:${ID}` with the variable unset leaves no name.
                    let other = match other.trim() {
                        "" => "another container".to_string(),
                        name => format!("`{name}`"),
                    };
                    out.push(Diagnostic::new(
                        &ns.loc,
                        format!(
                            "{} joins the {what} namespace of {other}: the two are not \
                             isolated from each other there",
                            subject(c)
                        ),
                    ));
                }
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
        testing::check_fixtures(&SharedContainerNamespace);
    }
}
