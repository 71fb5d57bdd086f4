use super::common_d::{program_of, runs};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a RUN (ONBUILD RUN included) that calls `sudo`, also through `exec sudo` or
    /// inside a command substitution. Like hadolint, one report per RUN, at its first `sudo`.
    ///
    /// ## Why is this bad?
    /// RUN already executes as the current `USER`. `sudo` in an image means the image ships sudo
    /// and a sudoers policy: a ready-made privilege escalation path for anything that runs in
    /// the container. Its TTY, environment and PAM handling also make builds unpredictable.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Switch users around the privileged steps (`USER root` … `USER app`), or use `gosu` /
    /// `su-exec` in an entrypoint when root must drop privileges at run time.
    pub struct SudoUsed {
        code: "DF201",
        name: "sudo-used",
        step: NonRootUser,
        severity: High,
        summary: "sudo used in RUN",
        references: [Hadolint "DL3004", Trivy "DS-0010", Checkov "CKV2_DOCKER_1", Dockle "DKL-DI-0001", Cwe "CWE-250"],
    }
}

impl Rule for SudoUsed {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            if let Some(cmd) = cmds.iter().find(|c| program_of(c) == "sudo") {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    "`sudo` in RUN; switch with USER instead, or use gosu/su-exec at run time",
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
        testing::check_fixtures(&SudoUsed);
    }

    #[test]
    fn once_per_run() {
        assert_eq!(
            testing::lines(
                &SudoUsed,
                "FROM a\nRUN sudo a && \\\n  sudo b\nRUN exec sudo c\n"
            ),
            [2, 4]
        );
    }
}
