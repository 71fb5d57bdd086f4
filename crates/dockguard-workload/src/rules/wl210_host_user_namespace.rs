use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::{Namespace, SourceKind};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container that opts out of user namespace isolation: compose
    /// `userns_mode: host`, `docker run --userns=host`, Kubernetes `hostUsers: true`. When the
    /// Docker daemon is known to run with `userns-remap`, the message says that this container
    /// gives up the remapping every other container has.
    ///
    /// ## Why is this bad?
    /// In the host's user namespace uid 0 in the container is uid 0 on the host. With
    /// `userns-remap` (or Kubernetes user namespaces) root in the container maps to an
    /// unprivileged host uid, so a breakout or a write through a mounted path lands as nobody;
    /// opting out brings back full host root, and files the container writes to volumes are
    /// owned by real host root.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:1.4
    ///     userns_mode: host
    /// ```
    ///
    /// ## Fix
    /// Remove `userns_mode: host` (or `hostUsers: true`). If the container needs host-owned
    /// files, give them to the remapped uid range or use a dedicated non-root user instead.
    pub struct HostUserNamespace {
        code: "WL210",
        name: "host-user-namespace",
        step: UserNamespaces,
        severity: Medium,
        summary: "Container shares the host user namespace",
        references: [Cis "5.31", Cwe "CWE-250"],
    }
}

impl Rule for HostUserNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let remap = ctx.host.is_some_and(|h| h.userns_remap);
        for c in ctx.containers() {
            let Some(userns) = &c.userns else { continue };
            if userns.value != Namespace::Host {
                continue;
            }
            let message = if c.source == SourceKind::Kubernetes {
                format!(
                    "{} sets `hostUsers: true`: root in the container is root on the node",
                    subject(c)
                )
            } else if remap {
                format!(
                    "{} opts out of the daemon's `userns-remap`: root in the container is real host root, and files it writes to volumes are owned by host root",
                    subject(c)
                )
            } else {
                format!(
                    "{} shares the host user namespace: root in the container is root on the host",
                    subject(c)
                )
            };
            out.push(Diagnostic::new(&userns.loc, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::HostFacts;
    use crate::rules::testing;
    use dockguard_core::Config;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&HostUserNamespace);
    }

    fn messages(text: &str, host: Option<&HostFacts>) -> Vec<String> {
        let workload =
            crate::check::load("c.compose.yaml", None, text, crate::FileKind::Compose).unwrap();
        let config = Config::default();
        let ctx = Ctx {
            workload: &workload,
            config: &config,
            host,
        };
        let mut out = Vec::new();
        HostUserNamespace.check(&ctx, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn message_names_the_remapping() {
        let text = "services:\n  b:\n    image: x:1\n    userns_mode: host\n";
        let remap = HostFacts {
            userns_remap: true,
            ..HostFacts::default()
        };
        assert!(
            messages(text, Some(&remap))[0].contains("opts out of the daemon's `userns-remap`")
        );
        assert!(messages(text, None)[0].contains("shares the host user namespace"));
    }
}
