use super::common_c::repeated_in_stage;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a second (and any further) `HEALTHCHECK` in the same stage. Each stage starts afresh, so
    /// one `HEALTHCHECK` per stage is fine; `ONBUILD HEALTHCHECK` is not counted.
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` of a stage takes effect; the earlier ones are dead code that
    /// misleads readers about which health check the container runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    /// HEALTHCHECK --interval=5s CMD wget -qO- http://localhost/health
    /// ```
    ///
    /// ## Fix
    /// Keep one `HEALTHCHECK` per stage, the one you mean.
    pub struct MultipleHealthcheck {
        code: "DF508",
        name: "multiple-healthcheck",
        step: RuntimeDefence,
        severity: Low,
        summary: "More than one HEALTHCHECK in a stage",
        references: [Hadolint "DL3012", Trivy "DS-0023", Buildkit "MultipleInstructionsDisallowed"],
    }
}

impl Rule for MultipleHealthcheck {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (idx, first) in repeated_in_stage(model, Kind::Healthcheck) {
            let line = model.df.line_of(model.instruction(first).span.start);
            out.push(Diagnostic::new(
                model.instruction(idx).span.clone(),
                format!(
                    "another HEALTHCHECK in this stage: only the last one takes effect, the one on line {line} is ignored"
                ),
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
        testing::check_fixtures(&MultipleHealthcheck);
    }
}
