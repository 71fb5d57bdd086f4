use super::common_d::{hl_has_flag, run_commands};
use super::{Ctx, Diagnostic, Rule};
use crate::model::{Command, is_posix, shell};
use crate::syntax::{Args, Kind, Text};

declare_rule! {
    /// ## What it does
    /// Reports a RUN containing a pipe (`a | b`, also inside `$(…)`, heredoc scripts and exec
    /// form) while the `SHELL` in effect is not a bash, zsh or ash invocation with
    /// `-o pipefail` (such as `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`). RUNs under a
    /// non-POSIX SHELL (PowerShell, cmd) are not checked.
    ///
    /// Like hadolint, the SHELL setting is forgotten at every `FROM`, even `FROM <stage>`
    /// (BuildKit actually inherits the parent stage's SHELL), and `set -o pipefail` inside the
    /// RUN itself does not count. Unlike hadolint 2.15.1, the shell is recognised by its base
    /// name, so `/usr/bin/bash` works as well as `/bin/bash` (fixed in hadolint after 2.15.1).
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is that of its last command: in
    /// `RUN curl -fsSL https://… | tar -xz` a failed download does not fail the build, which
    /// then ships a broken or partial image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Fix
    /// Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (on Alpine, without
    /// bash: `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]`).
    pub struct PipefailMissing {
        code: "DF701",
        name: "pipefail-missing",
        step: TrustedImages,
        severity: Low,
        summary: "RUN with a pipe without `-o pipefail` in SHELL",
        references: [Hadolint "DL4006", Cwe "CWE-754"],
    }
}

/// Whether a SHELL runs bash, zsh or ash with `-o pipefail`.
fn sets_pipefail(values: &[String]) -> bool {
    let text = Text {
        value: values.join(" "),
        ..Default::default()
    };
    shell::parse_command_line(&text, &[])
        .commands
        .iter()
        .any(|c| {
            matches!(c.program(), "bash" | "zsh" | "ash")
                && hl_has_flag(c, &["o"])
                && c.has_arg("pipefail")
        })
}

/// The file span of the first pipeline with more than one command.
fn first_pipe(cmds: &[Command]) -> Option<std::ops::Range<usize>> {
    let first = cmds.iter().find(|c| c.pipe_len > 1)?;
    let end = cmds
        .iter()
        .filter(|c| c.pipeline == first.pipeline)
        .map(|c| c.span.end)
        .max()
        .unwrap_or(first.span.end);
    Some(first.span.start..end.max(first.span.start))
}

impl Rule for PipefailMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        // True when RUNs need no check: pipefail is set or the shell is not POSIX.
        let mut safe = false;
        for (idx, inst) in ctx.instructions() {
            match (&inst.args, inst.kind) {
                (_, Kind::From) => safe = false,
                (Args::Shell { values }, _) if !values.is_empty() => {
                    safe = !is_posix(values) || sets_pipefail(values);
                }
                (_, Kind::Run) if !safe => {
                    if let Some(span) = first_pipe(&run_commands(ctx.model, idx)) {
                        let shell = ctx.model.info[idx].shell.join(" ");
                        out.push(Diagnostic::new(
                            span,
                            format!(
                                "this pipe runs under `{shell}` without `-o pipefail`: a failure before the last command is ignored"
                            ),
                        ));
                    }
                }
                _ => {}
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
        testing::check_fixtures(&PipefailMissing);
    }

    #[test]
    fn shells() {
        let s = |v: &[&str]| sets_pipefail(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert!(s(&["/bin/bash", "-o", "pipefail", "-c"]));
        assert!(s(&["/usr/bin/bash", "-eo", "pipefail", "-c"]));
        assert!(s(&["ash", "-euo", "pipefail", "-c"]));
        assert!(!s(&["/bin/sh", "-o", "pipefail", "-c"]));
        assert!(!s(&["/bin/bash", "-c"]));
    }

    #[test]
    fn span_covers_the_pipeline() {
        let text = "FROM a\nRUN set -e; curl -fsSL x | tar -xz; echo done\n";
        let d = testing::run(&PipefailMissing, text);
        assert_eq!(&text[d[0].span.clone()], "curl -fsSL x | tar -xz");
    }
}
