use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::Namespace;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's network namespace (`network_mode: host`,
    /// `--network=host`, Kubernetes `hostNetwork: true`).
    ///
    /// ## Why is this bad?
    /// The container uses the host's interfaces directly: it reaches every service bound to
    /// the host's loopback (the Docker or kubelet API, databases, cloud metadata proxies),
    /// can listen on any host port, and with `NET_RAW` can sniff all host traffic. Network
    /// isolation, published-port filtering and Kubernetes network policies no longer apply to
    /// it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     network_mode: host
    /// ```
    ///
    /// ## Fix
    /// Use the default bridge or a user-defined network and publish only the ports needed
    /// (`ports: ["127.0.0.1:8080:8080"]`).
    pub struct HostNetworkNamespace {
        code: "WL105",
        name: "host-network-namespace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Container shares the host's network namespace",
        references: [
            Cis "5.10",
            Pss "baseline:host-namespaces",
            Trivy "KSV-0009",
            Checkov "CKV_K8S_19",
        ],
    }
}

impl Rule for HostNetworkNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if let Some(ns) = &c.network
                && ns.value == Namespace::Host
            {
                out.push(Diagnostic::new(
                    &ns.loc,
                    format!(
                        "{} shares the host's network namespace: host-local services and all \
                         host ports are open to it",
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
        testing::check_fixtures(&HostNetworkNamespace);
    }
}
