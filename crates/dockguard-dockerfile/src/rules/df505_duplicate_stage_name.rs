use super::common_c::alias_word;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a stage name (`FROM image AS name`) already used by an earlier stage. Names are
    /// compared case-insensitively, as BuildKit lower-cases them.
    ///
    /// ## Why is this bad?
    /// `COPY --from=name`, `FROM name` and `--target name` can only mean one stage; which one
    /// wins differs between builders, and the legacy builder refuses the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20 AS build
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// ## Fix
    /// Give every stage its own name.
    pub struct DuplicateStageName {
        code: "DF505",
        name: "duplicate-stage-name",
        step: TrustedImages,
        severity: Medium,
        summary: "Two stages have the same name",
        references: [Hadolint "DL3024", Buildkit "DuplicateStageName", Trivy "DS-0012", Checkov "CKV_DOCKER_11"],
    }
}

impl Rule for DuplicateStageName {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (i, stage) in model.stages.iter().enumerate() {
            let Some(name) = &stage.name else {
                continue;
            };
            let Some(first) = model.stages[..i]
                .iter()
                .find(|s| s.name.as_ref() == Some(name))
            else {
                continue;
            };
            let Some(alias) = alias_word(model.instruction(stage.from)) else {
                continue;
            };
            let line = model.df.line_of(model.instruction(first.from).span.start);
            out.push(Diagnostic::new(
                alias.span.clone(),
                format!("stage name `{name}` is already used by the stage on line {line}"),
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
        testing::check_fixtures(&DuplicateStageName);
    }
}
