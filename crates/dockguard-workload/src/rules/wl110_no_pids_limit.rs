use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers without a process-count limit: no `pids_limit` /
    /// `deploy.resources.limits.pids` / `--pids-limit`, or a value of `0` or less (unlimited).
    /// Not reported for Kubernetes, where the limit is set per node (kubelet `podPidsLimit`),
    /// not in the manifest.
    ///
    /// ## Why is this bad?
    /// A fork bomb, or a process that leaks threads, fills the host's process table: then
    /// nothing on the host can start a process, including the shell an operator would use to
    /// stop it. A PIDs cgroup limit confines the damage to the container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     pids_limit: 200
    /// ```
    pub struct NoPidsLimit {
        code: "WL110",
        name: "no-pids-limit",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Container has no PIDs limit",
        references: [Cis "5.29", Cwe "CWE-770"],
    }
}

impl Rule for NoPidsLimit {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.source == SourceKind::Kubernetes {
                continue;
            }
            match &c.pids_limit {
                None => out.push(Diagnostic::new(
                    &c.loc,
                    format!(
                        "{} has no PIDs limit: a fork bomb in it can exhaust the host's \
                         process table",
                        subject(c)
                    ),
                )),
                Some(limit) if limit.value <= 0 => out.push(Diagnostic::new(
                    &limit.loc,
                    format!(
                        "{} sets PIDs limit `{}`, which means unlimited",
                        subject(c),
                        limit.value
                    ),
                )),
                Some(_) => {}
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
        testing::check_fixtures(&NoPidsLimit);
    }
}
