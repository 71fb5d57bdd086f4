use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{CommandForm, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` whose arguments start with `[` but are not a valid JSON array of strings,
    /// such as `RUN ['apt-get', 'update']` (single quotes) or a missing `]`. BuildKit does not
    /// refuse these: it silently runs the text through `/bin/sh -c`, brackets and quotes included.
    /// (`CMD` and `ENTRYPOINT` are covered by DF500.)
    ///
    /// ## Why is this bad?
    /// The command that runs is not the one the author wrote: `['apt-get',` is executed as a shell
    /// word, which usually fails the build with a confusing error, or worse, does something else.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ['apt-get', 'update']
    /// ```
    ///
    /// ## Fix
    /// Use double quotes, as JSON requires: `RUN ["apt-get", "update"]`, or plain shell form.
    pub struct InvalidJsonRun {
        code: "DF004",
        name: "invalid-json-exec-form",
        step: TrustedImages,
        severity: Medium,
        summary: "RUN looks like exec form but is not valid JSON",
        references: [Buildkit "JSONArgsRecommended", Cwe "CWE-1164"],
    }
}

impl Rule for InvalidJsonRun {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inst) in ctx.effective_instructions() {
            if inst.kind != Kind::Run {
                continue;
            }
            // `[ -f x ] && …` is the shell's test command: only a quote after `[` shows intent.
            if let Some(CommandForm::Shell {
                text,
                invalid_json: true,
            }) = inst.command()
                && text.value.trim_start()[1..]
                    .trim_start()
                    .starts_with(['"', '\''])
            {
                out.push(Diagnostic::new(
                    text.full_span(),
                    "RUN starts with `[` but is not a JSON array of double-quoted strings, so it runs as a shell command",
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
        testing::check_fixtures(&InvalidJsonRun);
    }
}
