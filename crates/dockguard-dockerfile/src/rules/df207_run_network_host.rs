use super::common_d::run_flags_set_to;
use super::{Ctx, Diagnostic, Rule};

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
        for span in run_flags_set_to(ctx, "network", "host") {
            out.push(Diagnostic::new(
                span,
                "`RUN --network=host` gives this step the build host's network namespace",
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
        testing::check_fixtures(&RunNetworkHost);
    }
}
