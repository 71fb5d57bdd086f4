use super::common_b::{
    RPM_VALUE_FLAGS, Run, append_to_run, cache_mount, cleaned_after, is_clean_all,
    program_subcommand, removes, runs,
};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

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

const CACHES: &[&str] = &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"];

fn cleans(cmd: &Command) -> bool {
    is_clean_all(cmd, &["dnf", "microdnf", "yum"], RPM_VALUE_FLAGS)
        || CACHES.iter().any(|dir| removes(cmd, dir))
}

fn mounted(run: &Run) -> bool {
    CACHES.iter().any(|dir| cache_mount(run.inst, dir)) || cache_mount(run.inst, ".cache/libdnf5")
}

impl Rule for DnfCleanMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            if mounted(&run) {
                continue;
            }
            let mut found = Vec::new();
            for (i, cmd) in run.script.commands.iter().enumerate() {
                let Some((_, sub)) = program_subcommand(cmd, &["dnf", "microdnf"], RPM_VALUE_FLAGS)
                else {
                    continue;
                };
                if DOWNLOADS.contains(&sub) && !cleaned_after(&run, i, cleans) {
                    let program = cmd.program();
                    found.push((
                        program,
                        Diagnostic::new(
                            cmd.span.clone(),
                            format!("`{program} {sub}` leaves its cache in the image; add `{program} clean all` at the end of this RUN"),
                        ),
                    ));
                }
            }
            // One fix per RUN: the appended clean covers every install before it.
            if let Some((program, last)) = found.last_mut()
                && let Some(edit) = append_to_run(&run, &format!(" && {program} clean all"))
            {
                *last = last
                    .clone()
                    .with_fix(format!("append {program} clean all"), vec![edit]);
            }
            out.extend(found.into_iter().map(|(_, d)| d));
        }
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
