use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `FROM image AS name` where the `AS` keyword's case does not match `FROM`'s:
    /// `FROM x as y` or `from x AS y`. When `FROM` itself is mixed case (`From`), DF005 reports
    /// it and this rule stays silent, like BuildKit's FromAsCasing.
    ///
    /// ## Why is this bad?
    /// It is a style slip that makes stage declarations harder to spot and grep.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 as build
    /// ```
    ///
    /// ## Fix
    /// Match the case of `FROM`: `FROM golang:1.22 AS build`. `--fix` rewrites it.
    pub struct FromAsCasing {
        code: "DF006",
        name: "from-as-casing",
        step: TrustedImages,
        severity: Info,
        summary: "`AS` keyword casing does not match `FROM`",
        references: [Buildkit "FromAsCasing"],
        fixable: true,
    }
}

impl Rule for FromAsCasing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inst) in ctx.instructions() {
            let (
                Kind::From,
                Args::From {
                    as_keyword: Some(as_kw),
                    ..
                },
            ) = (inst.kind, &inst.args)
            else {
                continue;
            };
            let from = &inst.keyword.raw;
            let wanted = if *from == from.to_ascii_lowercase() {
                as_kw.raw.to_ascii_lowercase()
            } else if *from == from.to_ascii_uppercase() {
                as_kw.raw.to_ascii_uppercase()
            } else {
                continue;
            };
            if wanted == as_kw.raw {
                continue;
            }
            let edit = Edit {
                span: as_kw.span.clone(),
                replacement: wanted.clone(),
            };
            out.push(
                Diagnostic::new(
                    as_kw.span.clone(),
                    format!("`{}` should be `{wanted}` to match `{from}`", as_kw.raw),
                )
                .with_fix(format!("write `{wanted}`"), vec![edit]),
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
        testing::check_fixtures(&FromAsCasing);
    }

    #[test]
    fn fix_matches_from() {
        let text = "FROM a as b\nfrom c AS d\nFrom e as f\n";
        let fixed = testing::fixed(&FromAsCasing, text);
        assert_eq!(fixed, "FROM a AS b\nfrom c as d\nFrom e as f\n");
        assert!(testing::run(&FromAsCasing, &fixed).is_empty());
    }
}
