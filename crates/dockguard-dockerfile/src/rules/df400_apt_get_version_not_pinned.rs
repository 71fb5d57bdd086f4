use super::common_b::{APT_VALUE_FLAGS, install_operands, report_unpinned};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `apt-get install` (and `apt install`) given without a version
    /// (`curl` instead of `curl=7.88.1-10+deb12u5`). A package counts as pinned when it has
    /// `=version`, a release or path with `/` (`curl/bookworm-backports`, `./pkg.deb`) or is a
    /// `.deb` file; values of `-t`/`--target-release` and `-o` are not packages. ARG and ENV
    /// values are substituted (`$PACKAGES`); a variable whose value is unknown at this point (a
    /// shell variable, an ARG without default) is not reported, where hadolint (DL3008) reports
    /// it, and hadolint does not check `apt install`; neither does this rule in hadolint
    /// compatibility mode (`hadolint-compat`).
    ///
    /// ## Why is this bad?
    /// Without a pin the build installs whatever the mirror serves that day: two builds of the
    /// same Dockerfile produce different images, a rebuild can silently pull a broken or
    /// compromised release, and you cannot tell from the Dockerfile which version you ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Pin each package: `apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5`
    /// (`apt-cache policy curl` shows the candidate version).
    pub struct AptGetVersionNotPinned {
        code: "DF400",
        name: "apt-get-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "apt-get install without package versions",
        references: [Hadolint "DL3008", Cwe "CWE-1357"],
    }
}

fn pinned(package: &str) -> bool {
    package.contains('=') || package.contains('/') || package.ends_with(".deb")
}

impl Rule for AptGetVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        // hadolint compatibility: reproduces hadolint's DL3008, which reads `apt-get` only, not
        // `apt`; see docs/hadolint-differences.md#compatibility-mode.
        let tools: &[&str] = if ctx.config.hadolint_compat {
            &["apt-get"]
        } else {
            &["apt-get", "apt"]
        };
        for (idx, cmd) in ctx.commands() {
            let Some((_, packages)) = install_operands(cmd, tools, APT_VALUE_FLAGS, &["install"])
            else {
                continue;
            };
            let tool = cmd.program();
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &packages,
                pinned,
                |names| {
                    format!(
                        "{names} installed without a version; pin it with `{tool} install <package>=<version>`"
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
        testing::check_fixtures(&AptGetVersionNotPinned);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM debian:12
RUN apt update && apt install -y ca-certificates
RUN apt-get install -y curl
";
        let (default, compat) = testing::lines_default_and_compat(&AptGetVersionNotPinned, text);
        assert_eq!(default, [2, 3]);
        assert_eq!(compat, [3]);
    }

    #[test]
    fn names_the_unpinned_packages() {
        let text = "FROM debian:12\nARG PKGS=\"git=1:2.39.5-0+deb12u1 make\"\nRUN apt-get install -y curl=7.88 $PKGS\n";
        let diags = testing::run(&AptGetVersionNotPinned, text);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("`make` installed"));
        assert_eq!(&text[diags[0].span.clone()], "$PKGS");
    }
}
