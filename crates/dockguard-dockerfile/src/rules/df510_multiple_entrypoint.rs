use super::common_c::repeated_in_stage;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a second (and any further) `ENTRYPOINT` in the same stage. Each stage starts afresh, so
    /// one `ENTRYPOINT` per stage is fine; `ONBUILD ENTRYPOINT` is not counted.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect; the earlier ones are dead code that
    /// misleads readers about what the container runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["/docker-entrypoint.sh"]
    /// ENTRYPOINT ["nginx"]
    /// ```
    ///
    /// ## Fix
    /// Keep one `ENTRYPOINT` per stage, the one you mean.
    pub struct MultipleEntrypoint {
        code: "DF510",
        name: "multiple-entrypoint",
        step: RuntimeDefence,
        severity: Medium,
        summary: "More than one ENTRYPOINT in a stage",
        references: [Hadolint "DL4004", Trivy "DS-0007", Buildkit "MultipleInstructionsDisallowed"],
    }
}

impl Rule for MultipleEntrypoint {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (idx, first) in repeated_in_stage(model, Kind::Entrypoint) {
            let line = model.df.line_of(model.instruction(first).span.start);
            out.push(Diagnostic::new(
                model.instruction(idx).span.clone(),
                format!(
                    "another ENTRYPOINT in this stage: only the last one takes effect, the one on line {line} is ignored"
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
        testing::check_fixtures(&MultipleEntrypoint);
    }
}
