use super::common_b::{ZYPPER_VALUE_FLAGS, program_subcommand};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `zypper dist-upgrade` (`zypper dup`) in RUN.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade can move every package of the base image to another release,
    /// vendor or architecture level inside your layer: the image no longer matches the base it
    /// names, its size doubles, and what it contains depends on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.5
    /// RUN zypper -n dup
    /// ```
    ///
    /// ## Fix
    /// Use a base image of the release you want (`opensuse/leap:15.6`, or a newer digest of
    /// the same tag) instead of upgrading inside the build.
    pub struct ZypperDistUpgrade {
        code: "DF417",
        name: "zypper-dist-upgrade",
        step: CveScanning,
        severity: Low,
        summary: "zypper dist-upgrade in RUN",
        references: [Hadolint "DL3035"],
    }
}

impl Rule for ZypperDistUpgrade {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in ctx.commands() {
            if let Some((_, sub @ ("dist-upgrade" | "dup"))) =
                program_subcommand(cmd, &["zypper"], ZYPPER_VALUE_FLAGS)
            {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    format!("`zypper {sub}` upgrades the whole distribution inside the image; use a base image of the release you want"),
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
        testing::check_fixtures(&ZypperDistUpgrade);
    }

    #[test]
    fn package_named_dup_is_not_an_upgrade() {
        let text = "FROM opensuse/leap:15.6\nRUN zypper -n in dup\n";
        assert!(testing::run(&ZypperDistUpgrade, text).is_empty());
    }
}
