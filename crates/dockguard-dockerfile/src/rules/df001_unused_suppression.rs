use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a suppression pragma (`# dockguard ignore=…`, `# hadolint ignore=…`, in their line,
    /// stage and global forms) that names a code which reported nothing where the pragma applies.
    ///
    /// ## Why is this bad?
    /// Stale suppressions hide future problems: when the code changes, the pragma silently covers a
    /// new finding nobody reviewed. They also mislead readers about what is wrong with the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// # dockguard ignore=DF402 -- no longer needed, the RUN below was fixed
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Delete the code from the pragma, or the whole pragma when none of its codes is used.
    pub struct UnusedSuppression {
        code: "DF001",
        name: "unused-suppression",
        step: TrustedImages,
        severity: Info,
        summary: "A suppression pragma suppresses nothing",
        references: [Url "https://docs.astral.sh/ruff/rules/unused-noqa/", Cwe "CWE-1164"],
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    /// Unused suppressions are only known once every other rule has run, so they are reported by
    /// the suppression pass in `check.rs`; this rule exists for its metadata and configuration.
    fn check(&self, _ctx: &Ctx, _out: &mut Vec<Diagnostic>) {}
}
