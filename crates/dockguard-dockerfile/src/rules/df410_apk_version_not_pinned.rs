use super::common_b::{APK_VALUE_FLAGS, install_operands, report_unpinned};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `apk add` without a version constraint (`curl` instead of
    /// `curl=8.9.1-r0` or `curl~8.9`). Constraints with `=`, `~`, `>` or `<` and local `.apk`
    /// files count as pinned; the names after `--virtual`/`-t` and repository options are not
    /// packages. ARG and ENV values are substituted; packages that depend on a value unknown at
    /// this point (often a shell variable such as `$runDeps`) are not reported, where hadolint
    /// (DL3018) reports them.
    ///
    /// ## Why is this bad?
    /// Without a pin the image gets whatever the Alpine mirror serves at build time: rebuilds
    /// differ and an upgrade can break the image without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix
    /// `RUN apk add --no-cache curl=8.9.1-r0`, or a fuzzy pin that still takes security fixes:
    /// `curl~8.9`.
    pub struct ApkVersionNotPinned {
        code: "DF410",
        name: "apk-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "apk add without package versions",
        references: [Hadolint "DL3018", Cwe "CWE-1357"],
    }
}

fn pinned(package: &str) -> bool {
    package.contains(['=', '~', '>', '<']) || package.ends_with(".apk")
}

impl Rule for ApkVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, cmd) in ctx.commands() {
            let Some((_, packages)) = install_operands(cmd, &["apk"], APK_VALUE_FLAGS, &["add"])
            else {
                continue;
            };
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &packages,
                pinned,
                |names| {
                    format!(
                        "{names} installed without a version; pin it with `apk add <package>=<version>` (or `~<version>`)"
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
        testing::check_fixtures(&ApkVersionNotPinned);
    }

    #[test]
    fn one_finding_per_package_word() {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache curl git=2.45.2-r0 jq\n";
        let diags = testing::run(&ApkVersionNotPinned, text);
        let words: Vec<&str> = diags.iter().map(|d| &text[d.span.clone()]).collect();
        assert_eq!(words, ["curl", "jq"]);
    }
}
