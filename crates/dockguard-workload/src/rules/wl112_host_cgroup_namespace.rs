use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::Namespace;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that use the host's cgroup namespace (`cgroup: host`,
    /// `--cgroupns=host`).
    ///
    /// ## Why is this bad?
    /// With a private cgroup namespace (the default on cgroup v2 hosts) the container sees
    /// its own cgroup as the root of `/sys/fs/cgroup` and `/proc/self/cgroup`. In the host's
    /// namespace it sees the host's whole cgroup tree: the names and layout of every other
    /// container and system service, and their resource settings. If the cgroup file system
    /// is also writable (privileged mode, `SYS_ADMIN`) this is the path of the classic
    /// `release_agent` escape and of changing other containers' limits.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     cgroup: host
    /// ```
    ///
    /// ## Fix
    /// Remove `cgroup: host` (or set `cgroup: private`).
    pub struct HostCgroupNamespace {
        code: "WL112",
        name: "host-cgroup-namespace",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Container uses the host's cgroup namespace",
        references: [Cwe "CWE-668"],
    }
}

impl Rule for HostCgroupNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        // On cgroup v1 hosts the engine reports `host` for every container: nothing to choose.
        let v1_host = ctx.host.is_some_and(|h| h.cgroup_version == Some(1));
        for c in ctx.containers() {
            if v1_host && c.source == crate::model::SourceKind::Engine {
                continue;
            }
            if let Some(ns) = &c.cgroupns
                && ns.value == Namespace::Host
            {
                out.push(Diagnostic::new(
                    &ns.loc,
                    format!(
                        "{} uses the host's cgroup namespace: it sees the host's whole cgroup \
                         tree",
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
        testing::check_fixtures(&HostCgroupNamespace);
    }
}
