use super::common_b::report_rpm_missing_yes;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `yum` commands that can ask for confirmation — `install`, `groupinstall`,
    /// `localinstall`, `update`, `remove`, … — without `-y` (`--assumeyes`). hadolint (DL3030)
    /// checks the three install subcommands only.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: yum's confirmation prompt reads end-of-file and the command
    /// aborts with "Operation aborted", failing the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix
    /// `RUN yum install -y httpd-2.4.6 && yum clean all`. `--fix` inserts `-y` after the
    /// subcommand.
    pub struct YumMissingYes {
        code: "DF413",
        name: "yum-missing-yes",
        step: TrustedImages,
        severity: Medium,
        summary: "yum install without -y",
        references: [Hadolint "DL3030"],
        fixable: true,
    }
}

impl Rule for YumMissingYes {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_rpm_missing_yes(ctx, &["yum"], out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&YumMissingYes);
    }

    #[test]
    fn fix_inserts_yes() {
        let text = "FROM centos:7\nRUN yum --enablerepo epel install httpd-2.4.6\n";
        let fixed = testing::fixed(&YumMissingYes, text);
        assert_eq!(
            fixed,
            "FROM centos:7\nRUN yum --enablerepo epel install -y httpd-2.4.6\n"
        );
        assert!(testing::run(&YumMissingYes, &fixed).is_empty());
    }
}
