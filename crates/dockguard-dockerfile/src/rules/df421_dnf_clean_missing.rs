use super::common_b::{
    CacheCleanup, DNF_CACHES, RPM_VALUE_FLAGS, Run, cache_mount, dnf_cleans, report_clean_missing,
};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `dnf` or `microdnf` install, upgrade or reinstall that is not followed, in the
    /// same RUN, by `dnf clean all` (`microdnf clean all`) or by removing the cache directory
    /// (`/var/cache/dnf`, `/var/cache/yum`, `/var/cache/libdnf5`). A cache or tmpfs mount on one
    /// of these directories also keeps the cache out of the image. hadolint (DL3040) accepts
    /// any `rm -rf` and a clean after only the first install.
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata and packages in its cache: often more than a hundred
    /// megabytes that stay in the layer; a clean in a later RUN does not shrink the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.62
    /// ```
    ///
    /// ## Fix
    /// `RUN dnf install -y httpd-2.4.62 && dnf clean all`. `--fix` appends the clean when the
    /// RUN ends with a simple command.
    pub struct DnfCleanMissing {
        code: "DF421",
        name: "dnf-clean-missing",
        step: MinimalImages,
        severity: Low,
        summary: "dnf clean all missing after dnf install",
        references: [Hadolint "DL3040", Trivy "DS-0019", Trivy "DS-0027"],
        fixable: true,
    }
}

const DOWNLOADS: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "rei",
    "update",
    "upgrade",
    "up",
    "upgrade-minimal",
    "up-min",
    "downgrade",
    "distro-sync",
];

fn mounted(run: &Run) -> bool {
    DNF_CACHES.iter().any(|dir| cache_mount(run.inst, dir))
        || cache_mount(run.inst, ".cache/libdnf5")
}

const DNF: CacheCleanup = CacheCleanup {
    programs: &["dnf", "microdnf"],
    value_flags: RPM_VALUE_FLAGS,
    downloads: DOWNLOADS,
    clean_args: "clean all",
    cleans: dnf_cleans,
    mounted,
};

impl Rule for DnfCleanMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_clean_missing(ctx, &DNF, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&DnfCleanMissing);
    }

    #[test]
    fn fix_appends_the_clean() {
        let text =
            "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar-1.34\n";
        let fixed = testing::fixed(&DnfCleanMissing, text);
        assert!(fixed.ends_with("microdnf install -y tar-1.34 && microdnf clean all\n"));
        assert!(testing::run(&DnfCleanMissing, &fixed).is_empty());
    }
}
