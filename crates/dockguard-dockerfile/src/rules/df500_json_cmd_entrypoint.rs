use super::helpers::json_array;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{CommandForm, Kind, split_words, unquote};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `CMD` and `ENTRYPOINT` in shell form (`CMD nginx -g 'daemon off;'`), including text
    /// that starts with `[` but is not valid JSON (BuildKit silently runs it through `/bin/sh -c`).
    ///
    /// ## Why is this bad?
    /// In shell form the process runs under `/bin/sh -c`: the shell is PID 1, it does not forward
    /// `SIGTERM`, so `docker stop` waits its timeout and kills the application uncleanly; an
    /// ENTRYPOINT in shell form also ignores `CMD` and `docker run` arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD gunicorn app:app --bind 0.0.0.0:8000
    /// ```
    ///
    /// ## Fix
    /// Use exec (JSON) form: `CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]`. `--fix` rewrites
    /// simple commands (no shell operators, variables or globs) to exec form.
    pub struct JsonCmdEntrypoint {
        code: "DF500",
        name: "cmd-entrypoint-shell-form",
        step: RuntimeDefence,
        severity: Low,
        summary: "CMD or ENTRYPOINT in shell form",
        references: [Hadolint "DL3025", Buildkit "JSONArgsRecommended"],
        fixable: true,
    }
}

/// Shell syntax that exec form cannot express.
fn needs_shell(text: &str) -> bool {
    text.contains([
        '$', '|', '&', ';', '<', '>', '*', '?', '`', '(', ')', '~', '{', '\n',
    ])
}

impl Rule for JsonCmdEntrypoint {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let escape = ctx.model.df.escape;
        for (_, inst) in ctx.effective_instructions() {
            if !matches!(inst.kind, Kind::Cmd | Kind::Entrypoint) {
                continue;
            }
            let Some(CommandForm::Shell { text, invalid_json }) = inst.command() else {
                continue;
            };
            if text.value.trim().is_empty() {
                continue;
            }
            let message = if *invalid_json {
                format!(
                    "{} looks like exec form but is not valid JSON, so it runs in a shell",
                    inst.kind.name()
                )
            } else {
                format!(
                    "{} in shell form runs under `/bin/sh -c`, which does not forward signals; use JSON exec form",
                    inst.kind.name()
                )
            };
            let mut d = Diagnostic::new(text.full_span(), message);
            if !*invalid_json && !needs_shell(&text.value) {
                let words: Vec<String> = split_words(&text.value, escape)
                    .into_iter()
                    .map(|r| unquote(&text.value[r], escape))
                    .collect();
                let edit = Edit {
                    span: text.full_span(),
                    replacement: json_array(&words),
                };
                d = d.with_fix("rewrite in exec (JSON) form", vec![edit]);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&JsonCmdEntrypoint);
    }

    #[test]
    fn fix_rewrites_simple_commands_only() {
        let text =
            "FROM a\nCMD gunicorn 'app:app' --bind 0.0.0.0:8000\nENTRYPOINT exec app $FLAGS\n";
        let fixed = testing::fixed(&JsonCmdEntrypoint, text);
        assert_eq!(
            fixed,
            "FROM a\nCMD [\"gunicorn\", \"app:app\", \"--bind\", \"0.0.0.0:8000\"]\nENTRYPOINT exec app $FLAGS\n"
        );
        assert_eq!(testing::lines(&JsonCmdEntrypoint, &fixed), [3]);
    }
}
