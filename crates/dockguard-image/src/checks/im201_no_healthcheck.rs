use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images without a health check: no `Healthcheck` in the config, an empty test,
    /// or `HEALTHCHECK NONE` (test `["NONE"]`).
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the process is alive, not
    /// whether it works: a hung or compromised service keeps running and receiving traffic,
    /// and orchestrators cannot restart or replace it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK NONE
    /// ```
    ///
    /// ## Fix
    /// Add a `HEALTHCHECK` that probes the service, e.g.
    /// `HEALTHCHECK --interval=30s CMD wget -q --spider http://localhost/ || exit 1`.
    pub struct NoHealthcheck {
        code: "IM201",
        name: "no-healthcheck",
        step: RuntimeDefence,
        severity: Low,
        summary: "Image has no health check",
        references: [Cis "4.6", Dockle "CIS-DI-0006"],
    }
}

impl Rule for NoHealthcheck {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let message = match &ctx.config.config.healthcheck {
            None => "image has no HEALTHCHECK",
            Some(h) if h.test.is_empty() => "image has no HEALTHCHECK",
            Some(h) if h.test[0].eq_ignore_ascii_case("NONE") => {
                "image disables the health check (`HEALTHCHECK NONE`)"
            }
            Some(_) => return,
        };
        out.push(ctx.finding(&Self::META, message.to_string(), ctx.config_location()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::run_config;

    #[test]
    fn missing_or_none() {
        for cfg in [
            r#"{}"#,
            r#"{"Healthcheck":null}"#,
            r#"{"Healthcheck":{"Test":[]}}"#,
            r#"{"Healthcheck":{"Test":["NONE"]}}"#,
        ] {
            assert_eq!(run_config(&NoHealthcheck, cfg).len(), 1, "{cfg}");
        }
        let ok = r#"{"Healthcheck":{"Test":["CMD-SHELL","true"]}}"#;
        assert!(run_config(&NoHealthcheck, ok).is_empty());
    }
}
