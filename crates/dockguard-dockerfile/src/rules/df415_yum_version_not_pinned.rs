use super::common_b::report_rpm_unpinned;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `yum install` without a version (`httpd` instead of
    /// `httpd-2.4.6-99.el7`), and modules of `yum module install` without a stream
    /// (`nodejs` instead of `nodejs:18`). After the name, the dash-separated parts must look
    /// like a version and one start with a digit; `.rpm` files are pinned. Groups (`@name`)
    /// cannot be pinned and are skipped. ARG and ENV values are substituted; packages that
    /// depend on a value unknown at this point are not reported.
    ///
    /// ## Why is this bad?
    /// Without a version yum installs the newest package at build time: rebuilds differ and an
    /// update can break the image without a change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Fix
    /// `RUN yum install -y httpd-2.4.6-99.el7 && yum clean all`.
    pub struct YumVersionNotPinned {
        code: "DF415",
        name: "yum-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "yum install without package versions",
        references: [Hadolint "DL3033", Cwe "CWE-1357"],
    }
}

impl Rule for YumVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_rpm_unpinned(ctx, &["yum"], out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&YumVersionNotPinned);
    }

    #[test]
    fn option_values_are_not_packages() {
        let text = "FROM centos:7\nRUN yum --enablerepo epel install -y httpd-2.4.6 python3-pip\n";
        let diags = testing::run(&YumVersionNotPinned, text);
        assert_eq!(diags.len(), 1);
        assert_eq!(&text[diags[0].span.clone()], "python3-pip");
    }
}
