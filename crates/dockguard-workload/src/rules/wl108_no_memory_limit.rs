use super::helpers::missing_limit;
use super::{Ctx, Diagnostic, Rule};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers without a memory limit: no `mem_limit` /
    /// `deploy.resources.limits.memory` / `--memory` / `resources.limits.memory`, or a limit
    /// of `0` or `-1` (both mean unlimited).
    ///
    /// ## Why is this bad?
    /// An unlimited container can take all of the host's memory, whether through a leak, a
    /// large request or an attacker's decompression bomb. The kernel's out-of-memory killer
    /// then picks victims across the host: other containers, the container runtime, sshd.
    /// One misbehaving service takes down everything on the machine.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api
    /// ```
    ///
    /// ## Fix
    /// Set a limit a little above the service's observed peak:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api
    ///     mem_limit: 512m
    /// ```
    pub struct NoMemoryLimit {
        code: "WL108",
        name: "no-memory-limit",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Container has no memory limit",
        references: [
            Cis "5.11",
            Trivy "KSV-0018",
            Checkov "CKV_K8S_13",
            Cwe "CWE-770",
        ],
    }
}

impl Rule for NoMemoryLimit {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            out.extend(missing_limit(
                c,
                c.memory_limit.as_ref(),
                "memory limit",
                "it can exhaust the host's memory",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&NoMemoryLimit);
    }
}
