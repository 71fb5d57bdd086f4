use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports Kubernetes container ports with a `hostPort`.
    ///
    /// ## Why is this bad?
    /// A host port opens the port on the node's own address, around the Service and
    /// NetworkPolicy machinery: traffic reaches the pod directly from anywhere that reaches
    /// the node, and only one pod per node can hold the port, which also limits scheduling.
    /// The Pod Security Standards baseline forbids host ports unless a reviewed list allows
    /// them.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx
    ///     ports:
    ///       - containerPort: 80
    ///         hostPort: 80
    /// ```
    ///
    /// ## Fix
    /// Remove `hostPort` and expose the pod with a Service (ClusterIP behind an Ingress, or
    /// NodePort/LoadBalancer when it must be reachable from outside).
    pub struct KubernetesHostPort {
        code: "WL507",
        name: "kubernetes-host-port",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Kubernetes container uses a host port",
        references: [Pss "baseline:host-ports", Trivy "KSV-0024", Checkov "CKV_K8S_26"],
    }
}

impl Rule for KubernetesHostPort {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.source != SourceKind::Kubernetes {
                continue;
            }
            for p in &c.ports {
                let Some(host) = p.host_port else { continue };
                out.push(Diagnostic::new(
                    &p.loc,
                    format!("{} opens host port {host} on the node", subject(c)),
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
        testing::check_fixtures(&KubernetesHostPort);
    }
}
