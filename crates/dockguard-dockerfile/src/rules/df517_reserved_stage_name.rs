use super::common_c::alias_word;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a stage named `scratch` or `context` (in any case).
    ///
    /// ## Why is this bad?
    /// `scratch` is the reserved empty image and `context` the build context's name for
    /// `--build-context`: `FROM scratch` or `COPY --from=context` then mean something else than
    /// the stage, depending on the builder.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// ## Fix
    /// Rename the stage: `FROM alpine:3.20 AS base`.
    pub struct ReservedStageName {
        code: "DF517",
        name: "reserved-stage-name",
        step: TrustedImages,
        severity: Medium,
        summary: "Stage named with a reserved word",
        references: [Hadolint "DL3063", Buildkit "ReservedStageName"],
    }
}

impl Rule for ReservedStageName {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.model.stages {
            let Some(name) = stage.name.as_deref() else {
                continue;
            };
            if !matches!(name, "scratch" | "context") {
                continue;
            }
            if let Some(alias) = alias_word(ctx.model.instruction(stage.from)) {
                out.push(Diagnostic::new(
                    alias.span.clone(),
                    format!("`{name}` is a reserved name; give the stage another name"),
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
        testing::check_fixtures(&ReservedStageName);
    }
}
