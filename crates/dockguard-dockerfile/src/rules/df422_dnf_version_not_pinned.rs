use super::common_b::report_rpm_unpinned;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `dnf install` and `microdnf install` without a version (`httpd`
    /// instead of `httpd-2.4.62-1.fc40`), and modules of `dnf module install` without a stream
    /// (`nodejs` instead of `nodejs:20`). After the name, the dash-separated parts must look
    /// like a version and one start with a digit; `.rpm` files are pinned. Groups (`@name`,
    /// `dnf group install`) cannot be pinned and are skipped. ARG and ENV values are
    /// substituted; packages that depend on a value unknown at this point are not reported.
    ///
    /// ## Why is this bad?
    /// Without a version dnf installs the newest package at build time: rebuilds differ and an
    /// update can break the image without a change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// `RUN dnf install -y httpd-2.4.62 && dnf clean all`.
    pub struct DnfVersionNotPinned {
        code: "DF422",
        name: "dnf-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "dnf install without package versions",
        references: [Hadolint "DL3041", Cwe "CWE-1357"],
    }
}

impl Rule for DnfVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_rpm_unpinned(ctx, &["dnf", "microdnf"], out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&DnfVersionNotPinned);
    }

    #[test]
    fn names_the_package() {
        let text = "FROM fedora:40\nRUN dnf install -y python3-pip\n";
        let diags = testing::run(&DnfVersionNotPinned, text);
        assert!(diags[0].message.starts_with("`python3-pip` installed"));
    }
}
