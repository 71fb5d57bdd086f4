use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container that turns off the masking of sensitive kernel paths: compose
    /// `security_opt: [systempaths=unconfined]`, `docker run --security-opt
    /// systempaths=unconfined`, Kubernetes `procMount: Unmasked`.
    ///
    /// ## Why is this bad?
    /// Runtimes hide or make read-only the parts of `/proc` and `/sys` that expose or control
    /// the host: `/proc/kcore` (kernel memory), `/proc/sysrq-trigger` (reboot or crash the
    /// host), `/proc/sys`, `/sys/firmware`, timer and keyring files. Unmasked, they give a
    /// process in the container a direct path to host information and host-wide actions.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt:
    ///       - systempaths=unconfined
    /// ```
    ///
    /// ## Fix
    /// Remove the option (Kubernetes: `procMount: Default` or leave it out). Nested container
    /// builds that need it belong in a dedicated, isolated runner (a VM or user-namespaced pod).
    pub struct UnmaskedProcPaths {
        code: "WL605",
        name: "unmasked-proc-paths",
        step: RuntimeDefence,
        severity: High,
        summary: "Container sees the host's masked /proc and /sys paths",
        references: [Pss "baseline:proc-mount", Trivy "KSV-0027"],
    }
}

impl Rule for UnmaskedProcPaths {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(unmasked) = &c.unmasked_paths else {
                continue;
            };
            if unmasked.value {
                out.push(Diagnostic::new(
                    &unmasked.loc,
                    format!(
                        "{} unmasks `/proc` and `/sys` paths such as `/proc/kcore` and `/proc/sysrq-trigger`",
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
        testing::check_fixtures(&UnmaskedProcPaths);
    }
}
