use super::helpers::mount_phrase;
use super::{Ctx, Diagnostic, Rule};
use crate::model::{MountKind, SourceKind};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports Kubernetes `hostPath` volumes (mounted by a container, or only declared in the
    /// pod) that WL500 and WL501 do not already report, whatever the path.
    ///
    /// ## Why is this bad?
    /// A hostPath volume ties the pod to a node's file system: it reads or writes files
    /// other pods and the node's own services rely on, survives the pod and can be read by
    /// the next pod scheduled there, and with `type: DirectoryOrCreate` lets the pod create
    /// folders on the node. Symlinks placed in a writable hostPath have been used to read
    /// arbitrary node files through the kubelet. For these reasons the Pod Security Standards
    /// forbid hostPath volumes at the baseline level, whatever the path.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: cache
    ///     hostPath:
    ///       path: /data/cache
    /// ```
    ///
    /// ## Fix
    /// Use an `emptyDir` for scratch data, a PersistentVolumeClaim for data that must
    /// survive, a ConfigMap or Secret for configuration; keep hostPath to reviewed node
    /// agents in namespaces exempted from the baseline profile.
    pub struct KubernetesHostPathVolume {
        code: "WL502",
        name: "kubernetes-host-path-volume",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Kubernetes pod uses a hostPath volume",
        references: [Pss "baseline:host-path-volumes", Trivy "KSV-0023"],
    }
}

impl Rule for KubernetesHostPathVolume {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.source != SourceKind::Kubernetes {
                continue;
            }
            for m in &c.mounts {
                if m.kind != MountKind::Bind
                    || super::wl500_sensitive_host_path_mounted::reports(m)
                    || super::wl501_container_engine_socket_mounted::reports(m)
                {
                    continue;
                }
                let path = m.source.as_deref().unwrap_or("").trim();
                let message = match (&m.target, path.is_empty()) {
                    (_, true) => format!("{} a hostPath volume", mount_phrase(c, m)),
                    (Some(target), false) => format!(
                        "{} node path `{path}` at `{target}` (hostPath)",
                        mount_phrase(c, m)
                    ),
                    (None, false) => {
                        format!("{} hostPath volume `{path}`", mount_phrase(c, m))
                    }
                };
                out.push(Diagnostic::new(&m.loc, message));
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
        testing::check_fixtures(&KubernetesHostPathVolume);
    }
}
