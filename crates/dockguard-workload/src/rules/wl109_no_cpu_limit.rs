use super::helpers::missing_limit;
use super::{Ctx, Diagnostic, Rule};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers without a CPU limit or weight: no `cpus` / `cpu_quota` /
    /// `cpu_shares` / `deploy.resources.limits.cpus` / `--cpus` / `resources.limits.cpu`, or a
    /// value of `0` (unlimited).
    ///
    /// ## Why is this bad?
    /// Without a limit a single container can use every CPU of the host, starving the other
    /// containers and the host's own services; a busy loop or a crypto-miner planted by an
    /// attacker becomes an outage for everything on the machine.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker
    ///     cpus: "1.5"
    /// ```
    pub struct NoCpuLimit {
        code: "WL109",
        name: "no-cpu-limit",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Container has no CPU limit",
        references: [
            Cis "5.12",
            Trivy "KSV-0011",
            Checkov "CKV_K8S_11",
        ],
    }
}

impl Rule for NoCpuLimit {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            out.extend(missing_limit(
                c,
                c.cpu_limit.as_ref(),
                "CPU limit",
                "it can take every CPU of the host",
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
        testing::check_fixtures(&NoCpuLimit);
    }
}
