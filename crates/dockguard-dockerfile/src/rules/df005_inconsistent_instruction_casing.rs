use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind, Word};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports instruction keywords whose case differs from the rest of the file: keywords must
    /// be all upper case or all lower case, and the file's majority decides which (upper case on
    /// a tie), as BuildKit's ConsistentInstructionCasing does. A mixed-case keyword such as `Run`
    /// is always reported. Keywords wrapped by `ONBUILD` are checked too.
    ///
    /// ## Why is this bad?
    /// Mixed casing makes a Dockerfile harder to scan and to grep, and usually marks pasted
    /// fragments nobody reviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// ```
    ///
    /// ## Fix
    /// Write every keyword in the majority case; `--fix` rewrites them.
    pub struct InconsistentInstructionCasing {
        code: "DF005",
        name: "inconsistent-instruction-casing",
        step: TrustedImages,
        severity: Info,
        summary: "Instruction keyword casing differs from the rest of the file",
        references: [Buildkit "ConsistentInstructionCasing"],
        fixable: true,
    }
}

impl Rule for InconsistentInstructionCasing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let keywords: Vec<&Word> = ctx
            .instructions()
            .filter(|(_, i)| i.kind != Kind::Unknown)
            .flat_map(|(_, i)| {
                let inner = match &i.args {
                    Args::Onbuild(Some(inner)) if inner.kind != Kind::Unknown => {
                        Some(&inner.keyword)
                    }
                    _ => None,
                };
                std::iter::once(&i.keyword).chain(inner)
            })
            .collect();
        let (mut lower, mut upper) = (0, 0);
        for k in &keywords {
            if k.raw == k.raw.to_ascii_lowercase() {
                lower += 1;
            } else if k.raw == k.raw.to_ascii_uppercase() {
                upper += 1;
            }
        }
        let majority_lower = lower > upper;
        for k in keywords {
            let wanted = if majority_lower {
                k.raw.to_ascii_lowercase()
            } else {
                k.raw.to_ascii_uppercase()
            };
            if wanted == k.raw {
                continue;
            }
            let case = if majority_lower { "lower" } else { "upper" };
            let edit = Edit {
                span: k.span.clone(),
                replacement: wanted.clone(),
            };
            out.push(
                Diagnostic::new(
                    k.span.clone(),
                    format!(
                        "`{}` should be `{wanted}`: most instructions of this file are in {case} case",
                        k.raw
                    ),
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
        testing::check_fixtures(&InconsistentInstructionCasing);
    }

    #[test]
    fn majority_and_ties() {
        // Tie: upper case wins.
        assert_eq!(
            testing::lines(&InconsistentInstructionCasing, "FROM a\nrun x\n"),
            [2]
        );
        assert_eq!(
            testing::lines(
                &InconsistentInstructionCasing,
                "from a\nrun x\nCOPY a b\nWorkdir /x\n"
            ),
            [3, 4]
        );
        let text = "from a\nrun x\nCOPY a b\nonbuild Run y\n";
        let fixed = testing::fixed(&InconsistentInstructionCasing, text);
        assert_eq!(fixed, "from a\nrun x\ncopy a b\nonbuild run y\n");
        assert!(testing::run(&InconsistentInstructionCasing, &fixed).is_empty());
    }
}
