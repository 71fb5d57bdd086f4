use super::common_b::{APT_VALUE_FLAGS, subcommand};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get`, `apt` and `aptitude` commands that upgrade all installed packages:
    /// `upgrade`, `dist-upgrade`, `full-upgrade`, `safe-upgrade`. hadolint dropped its rule
    /// for this (DL3005); Trivy reports `dist-upgrade` only.
    ///
    /// ## Why is this bad?
    /// Upgrading in the Dockerfile hides the fixes in a layer of your image instead of in the
    /// base image: every image built on the same base repeats and duplicates the upgrade, the
    /// result depends on the day of the build, and a `dist-upgrade` can move packages across
    /// releases. Scanners then see a base that looks patched only in your image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get -y dist-upgrade
    /// ```
    ///
    /// ## Fix
    /// Rebuild on an updated base image (pull the newest tag or digest of `debian:12`), and
    /// upgrade single packages by pinning them in `apt-get install` when a fix cannot wait.
    pub struct AptGetUpgrade {
        code: "DF405",
        name: "apt-get-upgrade",
        step: CveScanning,
        severity: Low,
        summary: "apt-get upgrade or dist-upgrade in RUN",
        references: [Trivy "DS-0024", Dockle "DKL-DI-0003"],
    }
}

const UPGRADES: &[&str] = &["upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"];

impl Rule for AptGetUpgrade {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in ctx.commands() {
            if !(cmd.is("apt-get") || cmd.is("apt") || cmd.is("aptitude")) {
                continue;
            }
            let Some((_, sub)) = subcommand(cmd, APT_VALUE_FLAGS) else {
                continue;
            };
            if UPGRADES.contains(&sub) {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    format!(
                        "`{} {sub}` upgrades the base image's packages in a layer; rebuild on an updated base image instead",
                        cmd.program()
                    ),
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
        testing::check_fixtures(&AptGetUpgrade);
    }

    #[test]
    fn only_upgrade_of_one_package_is_fine() {
        let text = "FROM debian:12\nRUN apt-get install -y --only-upgrade openssl\n";
        assert!(testing::run(&AptGetUpgrade, text).is_empty());
    }
}
