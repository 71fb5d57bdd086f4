use super::common_d::{hl_has_flag, runs};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports `wget` without `--progress=…` and without an option that quiets or redirects its
    /// output (`-q`/`--quiet`, `-nv`/`--no-verbose`, `-o`/`--output-file`,
    /// `-a`/`--append-output`). Once per RUN, like hadolint.
    ///
    /// ## Why is this bad?
    /// Without a terminal, wget's default progress display prints a line per few kilobytes:
    /// large downloads flood the build log with thousands of lines, hiding real errors and
    /// slowing CI log processing.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget https://example.com/big.tar.gz
    /// ```
    ///
    /// ## Fix
    /// `wget --progress=dot:giga …`, or `wget -q` / `wget -nv`.
    pub struct WgetWithoutProgress {
        code: "DF706",
        name: "wget-without-progress",
        step: MinimalImages,
        severity: Info,
        summary: "wget without a progress or quiet option",
        references: [Hadolint "DL3047"],
    }
}

fn noisy(cmd: &Command) -> bool {
    cmd.is("wget")
        && !hl_has_flag(
            cmd,
            &[
                "progress",
                "q",
                "quiet",
                "o",
                "output-file",
                "a",
                "append-output",
                "no-verbose",
            ],
        )
        && !cmd.has_arg("-nv")
}

impl Rule for WgetWithoutProgress {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            if let Some(cmd) = cmds.iter().find(|c| noisy(c)) {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    "`wget` without `--progress=dot:giga`, `-q` or `-nv` floods the build log",
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
        testing::check_fixtures(&WgetWithoutProgress);
    }
}
