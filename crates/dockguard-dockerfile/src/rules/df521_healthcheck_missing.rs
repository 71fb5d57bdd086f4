use super::common_c::stage_chain;
use super::{Ctx, Diagnostic, Rule};
use crate::model::Base;
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a final stage that sets no `HEALTHCHECK`, neither itself nor in the stages it is
    /// built on (`FROM <stage>`). `HEALTHCHECK NONE` counts as a deliberate choice. A health check
    /// inherited from the base image cannot be seen and is not taken into account. Off by
    /// default: many images run under an orchestrator that probes health itself.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker only knows whether the process runs, not whether it
    /// serves: a hung service keeps receiving traffic and is never restarted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// ```
    ///
    /// ## Fix
    /// Add `HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost/ || exit 1`
    /// (or probe health in your orchestrator and add `HEALTHCHECK NONE`).
    pub struct HealthcheckMissing {
        code: "DF521",
        name: "healthcheck-missing",
        step: RuntimeDefence,
        severity: Info,
        summary: "The final stage has no HEALTHCHECK",
        references: [Hadolint "DL3057", Trivy "DS-0026", Checkov "CKV_DOCKER_2", Dockle "CIS-DI-0006"],
        default_enabled: false,
    }
}

impl Rule for HealthcheckMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let Some(last) = model.final_stage() else {
            return;
        };
        let chain = stage_chain(model, last.index);
        let has = chain.iter().any(|&s| {
            model
                .stage_body(&model.stages[s])
                .any(|(_, i)| i.kind == Kind::Healthcheck)
        });
        if has {
            return;
        }
        let message = if matches!(last.base, Base::Stage(_)) {
            "the final stage and the stages it builds on define no HEALTHCHECK"
        } else {
            "the final stage defines no HEALTHCHECK (unless its base image has one)"
        };
        out.push(Diagnostic::new(
            model.instruction(last.from).head_span(ctx.text()),
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&HealthcheckMissing);
    }
}
