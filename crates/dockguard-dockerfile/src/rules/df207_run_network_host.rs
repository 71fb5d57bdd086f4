use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports `RUN --network=host` (ONBUILD RUN included).
    ///
    /// ## Why is this bad?
    /// The step shares the build host's network namespace: it can reach services bound to the
    /// host's loopback (metadata endpoints, Docker or Kubernetes APIs, databases) and listen on
    /// host ports, so a malicious dependency in that step is no longer contained. The build also
    /// depends on the host's network setup. BuildKit requires the `network.host` entitlement.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --network=host pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Drop the flag (the default network is enough for downloads), use `--network=none` for
    /// steps that need no network, or pass what the step needs as build secrets or contexts.
    pub struct RunNetworkHost {
        code: "DF207",
        name: "run-network-host",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "RUN --network=host shares the host network namespace",
        references: [Cwe "CWE-668"],
    }
}

impl Rule for RunNetworkHost {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            if inst.kind != Kind::Run {
                continue;
            }
            for flag in inst.flags_named("network") {
                let value = ctx
                    .model
                    .expand(idx, flag.value.as_deref().unwrap_or(""))
                    .value;
                if value.trim().eq_ignore_ascii_case("host") {
                    out.push(Diagnostic::new(
                        flag.span.clone(),
                        "`RUN --network=host` gives this step the build host's network namespace",
                    ));
                }
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
        testing::check_fixtures(&RunNetworkHost);
    }
}
