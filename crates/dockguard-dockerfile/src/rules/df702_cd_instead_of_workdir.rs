use super::common_d::{program_of, runs};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that uses `cd` (also inside `$(…)` and exec form), once per RUN at its
    /// first `cd`, like hadolint. ONBUILD RUNs are checked too (hadolint skips them).
    ///
    /// ## Why is this bad?
    /// A `cd` only lasts for its RUN: later instructions silently run elsewhere, and long
    /// `cd a && … && cd ../b` chains are hard to review. `WORKDIR` makes the directory explicit
    /// for every following instruction and creates it if needed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app && make install
    /// ```
    ///
    /// ## Fix
    /// `WORKDIR /usr/src/app` then `RUN make install`; for a tool that must run in another
    /// directory, prefer its own option (`make -C dir`, `git -C dir`, `tar -C dir`).
    pub struct CdInsteadOfWorkdir {
        code: "DF702",
        name: "cd-instead-of-workdir",
        step: TrustedImages,
        severity: Info,
        summary: "cd in RUN instead of WORKDIR",
        references: [Hadolint "DL3003", Trivy "DS-0013"],
    }
}

impl Rule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            if let Some(cmd) = cmds.iter().find(|c| program_of(c) == "cd") {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    "`cd` only lasts for this RUN; use WORKDIR to change directory",
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
        testing::check_fixtures(&CdInsteadOfWorkdir);
    }
}
