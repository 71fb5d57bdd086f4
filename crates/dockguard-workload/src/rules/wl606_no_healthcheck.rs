use super::helpers::k8s_kind;
use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container with no health check: compose without `healthcheck:` or with
    /// `disable: true` / `test: ["NONE"]`, `docker run --no-healthcheck`, a Kubernetes
    /// container with no liveness, readiness or startup probe. Init containers and the pods of
    /// Jobs and CronJobs, which run to completion, are not reported. For compose and
    /// `docker run`, an image `HEALTHCHECK` still applies when nothing is set here, so the
    /// finding is informational; a live container's inspected configuration already includes
    /// the image's.
    ///
    /// ## Why is this bad?
    /// Without a health check the runtime only knows whether the process exists: a hung, dead-
    /// locked or half-started service keeps receiving traffic and is never restarted, and
    /// `depends_on: {condition: service_healthy}` cannot wait for it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:3.1
    ///     healthcheck:
    ///       disable: true
    /// ```
    ///
    /// ## Fix
    /// Add a check that exercises the service: compose
    /// `healthcheck: {test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"], interval: 30s}`,
    /// Kubernetes `readinessProbe` and `livenessProbe` (`httpGet: {path: /health, port: 8080}`).
    pub struct NoHealthcheck {
        code: "WL606",
        name: "no-healthcheck",
        step: RuntimeDefence,
        severity: Info,
        summary: "Container has no health check",
        references: [Cis "5.27", Checkov "CKV_K8S_8", Checkov "CKV_K8S_9"],
    }
}

impl Rule for NoHealthcheck {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.init || matches!(k8s_kind(c), Some("Job" | "CronJob")) {
                continue;
            }
            match &c.healthcheck {
                Some(h) if !h.value.disabled => {}
                Some(h) => out.push(Diagnostic::new(
                    &h.loc,
                    format!(
                        "{} disables its health check: a hung process is never noticed or restarted",
                        subject(c)
                    ),
                )),
                None => {
                    let message = if c.source == SourceKind::Kubernetes {
                        format!(
                            "{} has no liveness, readiness or startup probe: a hung process keeps receiving traffic",
                            subject(c)
                        )
                    } else if c.source == SourceKind::Engine {
                        // The inspected configuration already includes the image's HEALTHCHECK.
                        format!(
                            "{} has no health check: a hung process is never noticed or restarted",
                            subject(c)
                        )
                    } else {
                        format!(
                            "{} sets no health check (an image HEALTHCHECK, if any, still applies)",
                            subject(c)
                        )
                    };
                    out.push(Diagnostic::new(&c.loc, message));
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
        testing::check_fixtures(&NoHealthcheck);
    }
}
