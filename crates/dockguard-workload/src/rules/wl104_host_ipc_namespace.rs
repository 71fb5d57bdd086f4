use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::Namespace;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's IPC namespace (`ipc: host`, `--ipc=host`,
    /// Kubernetes `hostIPC: true`).
    ///
    /// ## Why is this bad?
    /// System V shared memory segments, semaphores and message queues, and POSIX shared
    /// memory in `/dev/shm`, are then common to the container and every host process that
    /// uses them. The container can read or corrupt data other programs keep there (database
    /// buffers, X11 and browser shared memory) and interfere with their locking.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     ipc: host
    /// ```
    ///
    /// ## Fix
    /// Remove `ipc: host`. For shared memory between two containers use `ipc: shareable` on
    /// one and `ipc: "service:<name>"` on the other; for a larger `/dev/shm` use `shm_size`.
    pub struct HostIpcNamespace {
        code: "WL104",
        name: "host-ipc-namespace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Container shares the host's IPC namespace",
        references: [
            Cis "5.17",
            Pss "baseline:host-namespaces",
            Trivy "KSV-0008",
            Checkov "CKV_K8S_18",
        ],
    }
}

impl Rule for HostIpcNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if let Some(ns) = &c.ipc
                && ns.value == Namespace::Host
            {
                out.push(Diagnostic::new(
                    &ns.loc,
                    format!(
                        "{} shares the host's IPC namespace: host shared memory and semaphores \
                         are open to it",
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
        testing::check_fixtures(&HostIpcNamespace);
    }
}
