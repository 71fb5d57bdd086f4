use super::common_d::{arg_span, hl_has_flag, runs};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `ln` that creates `/bin/sh` (`ln -sf /bin/bash /bin/sh`), once per RUN. hadolint
    /// reports any `ln` with a `/bin/sh` argument, even `ln -s /bin/sh /usr/local/bin/x`, which
    /// leaves `/bin/sh` alone; dockguard only looks at the link name (the last argument), and
    /// only when an existing `/bin/sh` is replaced: `ln -f`/`--force`, or an `rm`/`mv` of
    /// `/bin/sh` earlier in the same RUN (without them, `ln` fails if `/bin/sh` exists, so it only
    /// creates a missing shell link, as in images built from scratch).
    ///
    /// ## Why is this bad?
    /// Replacing `/bin/sh` changes the shell of every script and package maintainer script in
    /// the image, not only of your RUN instructions, and package upgrades may put the original
    /// back. `SHELL` changes the shell of the Dockerfile's own instructions only.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Fix
    /// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.
    pub struct LnBinSh {
        code: "DF705",
        name: "ln-bin-sh",
        step: TrustedImages,
        severity: Low,
        summary: "/bin/sh replaced with ln instead of using SHELL",
        references: [Hadolint "DL4005"],
    }
}

impl Rule for LnBinSh {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            let found = cmds.iter().enumerate().find_map(|(n, c)| {
                let last = c.args.len().checked_sub(1)?;
                if !c.is("ln") || c.args[last] != "/bin/sh" {
                    return None;
                }
                let removed = cmds[..n].iter().any(|e| {
                    matches!(e.program(), "rm" | "mv") && e.args.iter().any(|a| a == "/bin/sh")
                });
                (hl_has_flag(c, &["f", "force"]) || removed).then(|| arg_span(c, last))
            });
            if let Some(span) = found {
                out.push(Diagnostic::new(
                    span,
                    "`ln` replaces /bin/sh for the whole image; use SHELL to change the shell of RUN",
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
        testing::check_fixtures(&LnBinSh);
    }
}
