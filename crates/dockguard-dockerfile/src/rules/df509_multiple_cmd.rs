use super::common_c::repeated_in_stage;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a second (and any further) `CMD` in the same stage. Each stage starts afresh, so
    /// one `CMD` per stage is fine; `ONBUILD CMD` is not counted.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` of a stage takes effect; the earlier ones are dead code that
    /// misleads readers about what the container runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["nginx"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix
    /// Keep one `CMD` per stage, the one you mean.
    pub struct MultipleCmd {
        code: "DF509",
        name: "multiple-cmd",
        step: RuntimeDefence,
        severity: Low,
        summary: "More than one CMD in a stage",
        references: [Hadolint "DL4003", Trivy "DS-0016", Buildkit "MultipleInstructionsDisallowed"],
    }
}

impl Rule for MultipleCmd {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (idx, first) in repeated_in_stage(model, Kind::Cmd) {
            let line = model.df.line_of(model.instruction(first).span.start);
            out.push(Diagnostic::new(
                model.instruction(idx).span.clone(),
                format!(
                    "another CMD in this stage: only the last one takes effect, the one on line {line} is ignored"
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
        testing::check_fixtures(&MultipleCmd);
    }
}
