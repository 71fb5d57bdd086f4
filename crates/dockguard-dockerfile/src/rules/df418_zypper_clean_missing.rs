use super::common_b::{
    CacheCleanup, Run, ZYPPER_DOWNLOADS, ZYPPER_VALUE_FLAGS, cache_mount, report_clean_missing,
    zypper_cleans,
};
use super::{Ctx, Diagnostic, Rule};

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

fn mounted(run: &Run) -> bool {
    cache_mount(run.inst, "/var/cache/zypp")
}

const ZYPPER: CacheCleanup = CacheCleanup {
    programs: &["zypper"],
    value_flags: ZYPPER_VALUE_FLAGS,
    downloads: ZYPPER_DOWNLOADS,
    clean_args: "clean --all",
    cleans: zypper_cleans,
    mounted,
};

impl Rule for ZypperCleanMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_clean_missing(ctx, &ZYPPER, out);
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
