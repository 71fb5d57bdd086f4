use super::common_b::{
    CacheCleanup, RPM_VALUE_FLAGS, Run, cache_mount, is_clean_all, removes, report_clean_missing,
};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports a `yum` install, update or reinstall that is not followed, in the same RUN, by
    /// `yum clean all` (or `dnf clean all`, or `rm -rf /var/cache/yum`). A cache or tmpfs
    /// mount on `/var/cache/yum` (or `/var/cache/dnf`, where yum is dnf) also keeps the cache
    /// out of the image. hadolint (DL3032) accepts any `rm -rf` and a clean after only the
    /// first install.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata and downloaded packages in `/var/cache/yum`: often more
    /// than a hundred megabytes that stay in the layer; a clean in a later RUN does not shrink
    /// the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## Fix
    /// `RUN yum install -y httpd-2.4.6 && yum clean all`. `--fix` appends `&& yum clean all`
    /// when the RUN ends with a simple command.
    pub struct YumCleanMissing {
        code: "DF414",
        name: "yum-clean-missing",
        step: MinimalImages,
        severity: Low,
        summary: "yum clean all missing after yum install",
        references: [Hadolint "DL3032", Trivy "DS-0015"],
        fixable: true,
    }
}

const DOWNLOADS: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "downgrade",
];

fn cleans(cmd: &Command) -> bool {
    is_clean_all(cmd, &["yum", "dnf"], RPM_VALUE_FLAGS)
        || removes(cmd, "/var/cache/yum")
        || removes(cmd, "/var/cache/dnf")
}

fn mounted(run: &Run) -> bool {
    cache_mount(run.inst, "/var/cache/yum") || cache_mount(run.inst, "/var/cache/dnf")
}

const YUM: CacheCleanup = CacheCleanup {
    programs: &["yum"],
    value_flags: RPM_VALUE_FLAGS,
    downloads: DOWNLOADS,
    clean_args: "clean all",
    cleans,
    mounted,
};

impl Rule for YumCleanMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_clean_missing(ctx, &YUM, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&YumCleanMissing);
    }

    #[test]
    fn fix_appends_one_clean() {
        let text = "FROM centos:7\nRUN yum install -y a-1.0 && yum update -y\n";
        let fixed = testing::fixed(&YumCleanMissing, text);
        assert_eq!(
            fixed,
            "FROM centos:7\nRUN yum install -y a-1.0 && yum update -y && yum clean all\n"
        );
        assert!(testing::run(&YumCleanMissing, &fixed).is_empty());
    }
}
