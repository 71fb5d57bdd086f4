use super::common_d::{program_of, runs};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that uses `cd` (also inside `$(…)` and exec form), once per RUN at its
    /// first `cd`, like hadolint. ONBUILD RUNs are checked too (hadolint skips them, and so
    /// does this rule in hadolint compatibility mode, `hadolint-compat`).
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
        for (idx, cmds) in runs(ctx.model) {
            // hadolint compatibility: reproduces hadolint's DL3003, which does not look inside
            // ONBUILD; see docs/hadolint-differences.md#compatibility-mode.
            if ctx.config.hadolint_compat && ctx.model.instruction(idx).kind == Kind::Onbuild {
                continue;
            }
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

    #[test]
    fn hadolint_compat() {
        let text = "FROM debian:12
ONBUILD RUN cd /src && ./build.sh
RUN cd /src && make
";
        let (default, compat) = testing::lines_default_and_compat(&CdInsteadOfWorkdir, text);
        assert_eq!(default, [2, 3]);
        assert_eq!(compat, [3]);
    }
}
