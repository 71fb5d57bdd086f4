use super::common_a::var_refs;
use super::{Ctx, Diagnostic, Rule};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`, with or without a
    /// default): the flag repeats what BuildKit does anyway.
    ///
    /// ## Why is this bad?
    /// Stages are built for the target platform by default, so the flag adds noise and suggests a
    /// platform choice that is not being made. Readers may also mistake it for the
    /// `$BUILDPLATFORM` idiom used for cross-compilation.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// Remove the flag: `FROM alpine:3.20`. `--fix` removes it.
    pub struct RedundantTargetPlatform {
        code: "DF105",
        name: "redundant-target-platform",
        step: TrustedImages,
        severity: Info,
        summary: "FROM --platform=$TARGETPLATFORM is redundant",
        references: [Hadolint "DL3065", Buildkit "RedundantTargetPlatform"],
        fixable: true,
    }
}

/// `$TARGETPLATFORM`, `${TARGETPLATFORM}`, or `${TARGETPLATFORM:-const}`: BuildKit always sets
/// the variable, so a default never applies.
fn is_target_platform(value: &str, escape: char) -> bool {
    if value == "$TARGETPLATFORM" || value == "${TARGETPLATFORM}" {
        return true;
    }
    value
        .strip_prefix("${TARGETPLATFORM")
        .and_then(|r| r.strip_suffix('}'))
        .and_then(|r| r.strip_prefix(":-").or_else(|| r.strip_prefix('-')))
        .is_some_and(|default| !default.contains('}') && var_refs(default, escape).is_empty())
}

impl Rule for RedundantTargetPlatform {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let text = ctx.text();
        let escape = ctx.model.df.escape;
        for stage in &ctx.model.stages {
            let inst = ctx.model.instruction(stage.from);
            let Some(flag) = inst.flag("platform") else {
                continue;
            };
            let value = flag.value.as_deref().unwrap_or("").trim();
            if !is_target_platform(value, escape) {
                continue;
            }
            // Remove the flag and the blanks after it.
            let end = text[flag.span.end..]
                .find(|c: char| c != ' ' && c != '\t')
                .map_or(text.len(), |n| flag.span.end + n);
            out.push(
                Diagnostic::new(
                    flag.span.clone(),
                    format!(
                        "`--platform={value}` is redundant: stages are built for the target platform by default"
                    ),
                )
                .with_fix(
                    "remove the redundant --platform flag",
                    vec![Edit {
                        span: flag.span.start..end,
                        replacement: String::new(),
                    }],
                ),
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
        testing::check_fixtures(&RedundantTargetPlatform);
    }

    #[test]
    fn fix_removes_the_flag() {
        let text = "FROM --platform=$TARGETPLATFORM alpine:3.20 AS a\nFROM --platform=\"${TARGETPLATFORM}\" \\\n  debian:12\n";
        let fixed = testing::fixed(&RedundantTargetPlatform, text);
        assert_eq!(fixed, "FROM alpine:3.20 AS a\nFROM \\\n  debian:12\n");
        assert!(testing::run(&RedundantTargetPlatform, &fixed).is_empty());
        let model = crate::model::Model::new(crate::syntax::parse(&fixed));
        assert!(model.df.errors.is_empty());
        assert_eq!(model.stages.len(), 2);
    }
}
