use super::common_d::{program_of, runs};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports RUNs that call commands which make no sense while building an image: `ssh`,
    /// `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount` and `ifconfig` (hadolint
    /// names `ifconfig` in its message but does not check it). Once per RUN, at the first one.
    ///
    /// ## Why is this bad?
    /// A build step has no init system, no interactive terminal and no long-running processes:
    /// `service x start` or `top` do nothing useful, `vim` needs a terminal, `ssh` reaches out
    /// of the build with credentials. They usually mean an interactive habit was pasted into the
    /// Dockerfile, and the tools they need are extra packages in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN service nginx start && ps aux
    /// ```
    ///
    /// ## Fix
    /// Remove the command. Start services in `CMD`/`ENTRYPOINT`, edit files with `sed` or
    /// `COPY`, fetch sources with `RUN --mount=type=ssh git clone …` instead of `ssh`.
    pub struct PointlessCommand {
        code: "DF703",
        name: "pointless-command",
        step: MinimalImages,
        severity: Info,
        summary: "RUN calls a command that is pointless in a container build",
        references: [Hadolint "DL3001"],
    }
}

const POINTLESS: &[&str] = &[
    "free", "ifconfig", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for PointlessCommand {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            if let Some(cmd) = cmds.iter().find(|c| POINTLESS.contains(&program_of(c))) {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    format!(
                        "`{}` makes no sense in an image build step",
                        program_of(cmd)
                    ),
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
        testing::check_fixtures(&PointlessCommand);
    }
}
