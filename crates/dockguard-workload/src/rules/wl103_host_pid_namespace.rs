use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::Namespace;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's process namespace (`pid: host`,
    /// `--pid=host`, Kubernetes `hostPID: true`).
    ///
    /// ## Why is this bad?
    /// The container sees every process on the host, with its command line and environment
    /// (often holding secrets) under `/proc/<pid>/`. As root it can signal or kill any of
    /// them, and with `SYS_PTRACE` inject code into them; through `/proc/1/root` it reaches
    /// the host's file system. `nsenter --target 1` from such a container is a one-line
    /// escape when capabilities allow it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: example/monitor
    ///     pid: host
    /// ```
    ///
    /// ## Fix
    /// Remove `pid: host`. To watch the host's processes, run the agent on the host itself or
    /// use a purpose-built, reviewed DaemonSet; to share processes between two containers,
    /// join one to the other's namespace (`pid: "service:app"`) instead.
    pub struct HostPidNamespace {
        code: "WL103",
        name: "host-pid-namespace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Container shares the host's PID namespace",
        references: [
            Cis "5.16",
            Pss "baseline:host-namespaces",
            Trivy "KSV-0010",
            Checkov "CKV_K8S_17",
        ],
    }
}

impl Rule for HostPidNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if let Some(ns) = &c.pid
                && ns.value == Namespace::Host
            {
                out.push(Diagnostic::new(
                    &ns.loc,
                    format!(
                        "{} shares the host's PID namespace: it sees and can signal every host \
                         process",
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
        testing::check_fixtures(&HostPidNamespace);
    }
}
