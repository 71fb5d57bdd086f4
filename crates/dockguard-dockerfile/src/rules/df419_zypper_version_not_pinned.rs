use super::common_b::{ZYPPER_VALUE_FLAGS, has_any_flag, install_operands, report_unpinned};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `zypper install` (`zypper in`) without a version constraint
    /// (`curl` instead of `curl=8.0.1` or `'curl>=8'`); `.rpm` files count as pinned.
    /// Patterns, patches and products (`-t pattern`, `pattern:name`) are skipped. ARG and ENV
    /// values are substituted; packages that depend on a value unknown at this point are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Without a version zypper installs the newest package at build time: rebuilds differ and
    /// an update can break the image without a change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// ## Fix
    /// `RUN zypper -n install curl=8.0.1 && zypper clean --all`.
    pub struct ZypperVersionNotPinned {
        code: "DF419",
        name: "zypper-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "zypper install without package versions",
        references: [Hadolint "DL3037", Cwe "CWE-1357"],
    }
}

fn pinned(package: &str) -> bool {
    package.contains(['=', '>', '<'])
        || package.ends_with(".rpm")
        || ["pattern:", "patch:", "product:"]
            .iter()
            .any(|p| package.starts_with(p))
}

impl Rule for ZypperVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, cmd) in ctx.commands() {
            let Some((_, packages)) =
                install_operands(cmd, &["zypper"], ZYPPER_VALUE_FLAGS, &["install", "in"])
            else {
                continue;
            };
            if has_any_flag(cmd, &["t", "type"]) {
                continue;
            }
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &packages,
                pinned,
                |names| {
                    format!(
                        "{names} installed without a version; use `zypper install <package>=<version>`"
                    )
                },
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&ZypperVersionNotPinned);
    }

    #[test]
    fn repository_is_not_a_package() {
        let text = "FROM opensuse/leap:15.6\nRUN zypper -n in -r repo-oss curl=8.0.1\n";
        assert!(testing::run(&ZypperVersionNotPinned, text).is_empty());
    }
}
