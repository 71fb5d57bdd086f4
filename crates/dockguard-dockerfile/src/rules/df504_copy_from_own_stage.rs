use super::common_c::copy_from_flags;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=X` where `X` is the stage the instruction is in, by name or by index
    /// (hadolint checks the name only). Names are compared case-insensitively, as BuildKit does.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: BuildKit stops with a circular dependency. Usually the
    /// `--from` names the wrong stage, or the `COPY` sits in the wrong stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// COPY --from=build /src /src
    /// ```
    ///
    /// ## Fix
    /// Copy from the stage that produces the files, or move the `COPY` into the next stage.
    pub struct CopyFromOwnStage {
        code: "DF504",
        name: "copy-from-own-stage",
        step: TrustedImages,
        severity: High,
        summary: "COPY --from refers to its own stage",
        references: [Hadolint "DL3023", Trivy "DS-0006"],
    }
}

impl Rule for CopyFromOwnStage {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (current, flag, value) in copy_from_flags(ctx) {
            let own_name = ctx.model.stages[current]
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(value));
            let own_index = value.parse::<usize>().ok() == Some(current);
            if own_name || own_index {
                out.push(Diagnostic::new(
                    flag.span.clone(),
                    format!(
                        "`--from={value}` is the stage this COPY is in; a stage cannot copy from itself"
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
        testing::check_fixtures(&CopyFromOwnStage);
    }
}
