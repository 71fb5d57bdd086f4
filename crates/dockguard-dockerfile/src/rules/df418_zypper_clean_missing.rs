use super::common_b::{
    ZYPPER_VALUE_FLAGS, append_to_run, cache_mount, cleaned_after, program_subcommand, removes,
    runs,
};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports a `zypper` install, update or patch that is not followed, in the same RUN, by
    /// `zypper clean` (`zypper cc`) or `rm -rf /var/cache/zypp`. A cache or tmpfs mount on
    /// `/var/cache/zypp` also keeps the cache out of the image. hadolint (DL3036) checks
    /// `install` only and accepts a clean after the first of several installs.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata (and, for some repositories, packages) in
    /// `/var/cache/zypp`; it stays in the layer, and a clean in a later RUN does not shrink the
    /// image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install curl-8.0.1
    /// ```
    ///
    /// ## Fix
    /// `RUN zypper -n install curl-8.0.1 && zypper clean --all`. `--fix` appends
    /// `&& zypper clean --all` when the RUN ends with a simple command.
    pub struct ZypperCleanMissing {
        code: "DF418",
        name: "zypper-clean-missing",
        step: MinimalImages,
        severity: Low,
        summary: "zypper clean missing after zypper install",
        references: [Hadolint "DL3036", Trivy "DS-0020"],
        fixable: true,
    }
}

const DOWNLOADS: &[&str] = &[
    "install",
    "in",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "patch",
    "source-install",
    "si",
];

fn cleans(cmd: &Command) -> bool {
    program_subcommand(cmd, &["zypper"], ZYPPER_VALUE_FLAGS)
        .is_some_and(|(_, s)| s == "clean" || s == "cc")
        || removes(cmd, "/var/cache/zypp")
}

impl Rule for ZypperCleanMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            if cache_mount(run.inst, "/var/cache/zypp") {
                continue;
            }
            let mut found = Vec::new();
            for (i, cmd) in run.script.commands.iter().enumerate() {
                let Some((_, sub)) = program_subcommand(cmd, &["zypper"], ZYPPER_VALUE_FLAGS)
                else {
                    continue;
                };
                if DOWNLOADS.contains(&sub) && !cleaned_after(&run, i, cleans) {
                    found.push(Diagnostic::new(
                        cmd.span.clone(),
                        format!("`zypper {sub}` leaves its cache in the image; add `zypper clean --all` at the end of this RUN"),
                    ));
                }
            }
            // One fix per RUN: the appended clean covers every install before it.
            if let (Some(last), Some(edit)) = (
                found.last_mut(),
                append_to_run(&run, " && zypper clean --all"),
            ) {
                *last = last
                    .clone()
                    .with_fix("append zypper clean --all", vec![edit]);
            }
            out.extend(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&ZypperCleanMissing);
    }

    #[test]
    fn fix_appends_the_clean() {
        let text = "FROM opensuse/leap:15.6\nRUN zypper -n in curl && zypper -n in git\n";
        let fixed = testing::fixed(&ZypperCleanMissing, text);
        assert_eq!(
            fixed,
            "FROM opensuse/leap:15.6\nRUN zypper -n in curl && zypper -n in git && zypper clean --all\n"
        );
        assert!(testing::run(&ZypperCleanMissing, &fixed).is_empty());
    }
}
