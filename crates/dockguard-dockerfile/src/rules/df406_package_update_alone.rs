use super::common_b::{
    APK_VALUE_FLAGS, APT_VALUE_FLAGS, RPM_VALUE_FLAGS, ZYPPER_DOWNLOADS, ZYPPER_VALUE_FLAGS,
    dnf_cleans, removes, runs, subcommand, zypper_cleans,
};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports a package index refresh — `apt-get update`, `apk update`, `zypper refresh`,
    /// `yum makecache`, `dnf makecache` — that is not followed by an install or upgrade with
    /// the same package manager in the same RUN, also through a wrapper (`xargs apt-get
    /// install`, `sudo apk add`). A refresh whose index is deleted later in the same RUN
    /// (`apt-get update; …; rm -rf /var/lib/apt/lists/*`) leaves nothing stale behind and is
    /// fine.
    ///
    /// ## Why is this bad?
    /// The refresh gets its own cached layer. Later builds reuse that layer while the `install`
    /// in the next RUN changes, so they install from a stale index: old, vulnerable versions,
    /// or "404 Not Found" once the mirror dropped them.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Refresh and install in one RUN:
    /// `RUN apt-get update && apt-get install -y --no-install-recommends curl`.
    pub struct PackageUpdateAlone {
        code: "DF406",
        name: "package-update-alone",
        step: CveScanning,
        severity: Medium,
        summary: "Package index refreshed without an install in the same RUN",
        references: [Trivy "DS-0017", Checkov "CKV_DOCKER_5", Dockle "CIS-DI-0007", Cis "4.7"],
    }
}

/// A package manager family: its programs, option values, refresh and install subcommands,
/// and the commands that delete its index.
struct Family {
    programs: &'static [&'static str],
    value_flags: &'static [&'static str],
    refresh: &'static [&'static str],
    installs: &'static [&'static str],
    cleans: fn(&Command) -> bool,
}

fn apt_cleans(cmd: &Command) -> bool {
    removes(cmd, "/var/lib/apt/lists")
        || ((cmd.is("apt-get") || cmd.is("apt"))
            && subcommand(cmd, APT_VALUE_FLAGS)
                .is_some_and(|(_, s)| matches!(s, "distclean" | "dist-clean")))
}

fn apk_cleans(cmd: &Command) -> bool {
    removes(cmd, "/var/cache/apk")
}

const FAMILIES: &[Family] = &[
    Family {
        programs: &["apt-get", "apt", "aptitude"],
        value_flags: APT_VALUE_FLAGS,
        refresh: &["update"],
        installs: &[
            "install",
            "reinstall",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "safe-upgrade",
            "build-dep",
            "source",
            "satisfy",
        ],
        cleans: apt_cleans,
    },
    Family {
        programs: &["apk"],
        value_flags: APK_VALUE_FLAGS,
        refresh: &["update"],
        installs: &["add", "upgrade", "fix"],
        cleans: apk_cleans,
    },
    Family {
        programs: &["zypper"],
        value_flags: ZYPPER_VALUE_FLAGS,
        refresh: &["refresh", "ref"],
        installs: ZYPPER_DOWNLOADS,
        cleans: zypper_cleans,
    },
    Family {
        programs: &["yum", "dnf", "microdnf"],
        value_flags: RPM_VALUE_FLAGS,
        refresh: &["makecache"],
        installs: &[
            "install",
            "in",
            "reinstall",
            "update",
            "upgrade",
            "up",
            "groupinstall",
            "localinstall",
            "distro-sync",
            "builddep",
        ],
        cleans: dnf_cleans,
    },
];

/// The family and subcommand of a package manager command.
fn classify(cmd: &Command) -> Option<(&'static Family, &str)> {
    let family = FAMILIES
        .iter()
        .find(|f| f.programs.iter().any(|p| cmd.is(p)))?;
    let (_, sub) = subcommand(cmd, family.value_flags)?;
    Some((family, sub))
}

/// Whether a command installs with `family`, directly or run by a wrapper such as `xargs`,
/// `sudo` or `env` (the package manager is then one of its arguments).
fn installs_with(cmd: &Command, family: &Family) -> bool {
    if classify(cmd).is_some_and(|(f, s)| std::ptr::eq(f, family) && f.installs.contains(&s)) {
        return true;
    }
    let program_at = cmd.args.iter().position(|a| {
        let base = a.rsplit('/').next().unwrap_or(a);
        family.programs.contains(&base)
    });
    program_at.is_some_and(|p| {
        cmd.args[p + 1..]
            .iter()
            .find(|a| !a.starts_with('-'))
            .is_some_and(|s| family.installs.contains(&s.as_str()))
    })
}

impl Rule for PackageUpdateAlone {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            let commands = &run.script.commands;
            for (i, cmd) in commands.iter().enumerate() {
                let Some((family, sub)) = classify(cmd) else {
                    continue;
                };
                if !family.refresh.contains(&sub) {
                    continue;
                }
                let later = &commands[i + 1..];
                if !later
                    .iter()
                    .any(|c| installs_with(c, family) || (family.cleans)(c))
                {
                    out.push(Diagnostic::new(
                        cmd.span.clone(),
                        format!(
                            "`{} {sub}` without an install after it in the same RUN: later builds reuse this cached layer and install from a stale index",
                            cmd.program()
                        ),
                    ));
                }
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
        testing::check_fixtures(&PackageUpdateAlone);
    }

    #[test]
    fn install_must_come_after_the_update() {
        let text = "FROM debian:12\nRUN apt-get install -y curl=1 && apt-get update\n";
        assert_eq!(testing::lines(&PackageUpdateAlone, text), [2]);
    }
}
