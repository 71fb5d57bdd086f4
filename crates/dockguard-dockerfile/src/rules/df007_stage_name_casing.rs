use super::common_c::alias_word;
use super::{Ctx, Diagnostic, Rule};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports stage names (`FROM image AS Name`) that are not all lower case.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names, so `AS Builder` is really `builder`: `--target Builder`,
    /// `COPY --from=Builder` and `COPY --from=builder` all mean the same stage, while other tools
    /// (hadolint among them) compare names case-sensitively and disagree about which stage is
    /// meant.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS Builder
    /// ```
    ///
    /// ## Fix
    /// Write the name in lower case: `FROM golang:1.22 AS builder`. `--fix` rewrites the name
    /// (references to it keep working, BuildKit ignores their case).
    pub struct StageNameCasing {
        code: "DF007",
        name: "stage-name-casing",
        step: TrustedImages,
        severity: Info,
        summary: "Stage name is not lower case",
        references: [Buildkit "StageNameCasing"],
        fixable: true,
    }
}

impl Rule for StageNameCasing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.model.stages {
            let Some(alias) = alias_word(ctx.model.instruction(stage.from)) else {
                continue;
            };
            let lower = alias.raw.to_ascii_lowercase();
            if lower == alias.raw {
                continue;
            }
            let edit = Edit {
                span: alias.span.clone(),
                replacement: lower.clone(),
            };
            out.push(
                Diagnostic::new(
                    alias.span.clone(),
                    format!("stage name `{}` should be lower case: `{lower}`", alias.raw),
                )
                .with_fix(format!("rename the stage `{lower}`"), vec![edit]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&StageNameCasing);
    }

    #[test]
    fn fix_lowercases_the_alias() {
        let text = "FROM a AS Build\nFROM Build\nCOPY --from=Build /x /x\n";
        let fixed = testing::fixed(&StageNameCasing, text);
        assert_eq!(
            fixed,
            "FROM a AS build\nFROM Build\nCOPY --from=Build /x /x\n"
        );
        assert!(testing::run(&StageNameCasing, &fixed).is_empty());
    }
}
