use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` with several sources whose destination does not end with `/`
    /// (or `\`, the Windows separator, which hadolint does not accept).
    /// The destination is checked after ARG/ENV expansion; one that depends on build arguments
    /// without defaults is only accepted when written with a trailing `/`. hadolint checks `COPY`
    /// only; the Dockerfile reference states the same requirement for `ADD`.
    ///
    /// ## Why is this bad?
    /// With several sources the destination must be a directory. The legacy builder refuses the
    /// build; BuildKit creates a directory with that name, which surprises whoever expected a
    /// file, and the intent is unclear to readers either way.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Fix
    /// End the destination with a slash: `COPY package.json package-lock.json /app/`. `--fix` adds
    /// it.
    pub struct CopyDestNotDirectory {
        code: "DF502",
        name: "copy-dest-not-directory",
        step: TrustedImages,
        severity: Medium,
        summary: "COPY with several sources to a destination without a trailing slash",
        references: [Hadolint "DL3021", Trivy "DS-0011"],
        fixable: true,
    }
}

impl Rule for CopyDestNotDirectory {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (
                Kind::Copy | Kind::Add,
                Args::Files {
                    sources,
                    dest: Some(dest),
                    json,
                },
            ) = (inst.kind, &inst.args)
            else {
                continue;
            };
            if sources.len() < 2 {
                continue;
            }
            let e = ctx.model.expand(idx, &dest.raw);
            // A value that depends on build arguments only counts with a written `/`.
            // A Windows directory may end with `\` (`C:\\dest\\`, or `C:\dest\` with the
            // backtick escape).
            let expanded_slash = if *json {
                dest.raw.ends_with(['/', '\\'])
            } else {
                e.is_resolved() && e.value.ends_with(['/', '\\'])
            };
            let written_slash = dest.raw.trim_end_matches(['"', '\'']).ends_with('/');
            if expanded_slash || written_slash {
                continue;
            }
            let quoted = dest.raw.len() > 1 && dest.raw.ends_with(['"', '\'']);
            let at = ctx.model.span_text(&dest.span).len();
            let at = dest.span.start + at - usize::from(quoted || *json);
            let edit = Edit {
                span: at..at,
                replacement: "/".into(),
            };
            out.push(
                Diagnostic::new(
                    dest.span.clone(),
                    format!(
                        "{} of {} sources needs a directory destination ending with `/`, not `{}`",
                        inst.kind.name(),
                        sources.len(),
                        dest.raw
                    ),
                )
                .with_fix("add a trailing `/`", vec![edit]),
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
        testing::check_fixtures(&CopyDestNotDirectory);
    }

    #[test]
    fn fix_adds_the_slash_inside_quotes() {
        let text = "FROM a\nCOPY a b /app\nCOPY [\"a\", \"b\", \"/x y\"]\nCOPY a b \"/q\"\n";
        let fixed = testing::fixed(&CopyDestNotDirectory, text);
        assert_eq!(
            fixed,
            "FROM a\nCOPY a b /app/\nCOPY [\"a\", \"b\", \"/x y/\"]\nCOPY a b \"/q/\"\n"
        );
        assert!(testing::run(&CopyDestNotDirectory, &fixed).is_empty());
    }
}
