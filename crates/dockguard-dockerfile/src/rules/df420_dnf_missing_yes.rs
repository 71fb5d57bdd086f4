use super::common_b::report_rpm_missing_yes;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `dnf` and `microdnf` commands that can ask for confirmation — `install`,
    /// `groupinstall`, `update`, `remove`, … — without `-y` (`--assumeyes`). hadolint (DL3038)
    /// checks the install subcommands only.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: the confirmation prompt reads end-of-file and dnf aborts
    /// ("Operation aborted"), failing the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// `RUN dnf install -y httpd-2.4.62 && dnf clean all`. `--fix` inserts `-y` after the
    /// subcommand.
    pub struct DnfMissingYes {
        code: "DF420",
        name: "dnf-missing-yes",
        step: TrustedImages,
        severity: Medium,
        summary: "dnf install without -y",
        references: [Hadolint "DL3038"],
        fixable: true,
    }
}

impl Rule for DnfMissingYes {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_rpm_missing_yes(ctx, &["dnf", "microdnf"], out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&DnfMissingYes);
    }

    #[test]
    fn fix_inserts_yes() {
        let text = "FROM fedora:40\nRUN microdnf install --nodocs tar-1.35\n";
        let fixed = testing::fixed(&DnfMissingYes, text);
        assert_eq!(
            fixed,
            "FROM fedora:40\nRUN microdnf install -y --nodocs tar-1.35\n"
        );
        assert!(testing::run(&DnfMissingYes, &fixed).is_empty());
    }
}
