use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container whose root filesystem is writable: compose without
    /// `read_only: true`, `docker run` without `--read-only`, Kubernetes without
    /// `readOnlyRootFilesystem: true`. An explicit `false` is reported where it is written.
    ///
    /// ## Why is this bad?
    /// An attacker who gets code execution can replace the application's binaries, scripts and
    /// configuration, drop tools, and persist until the container is recreated. A read-only root
    /// makes the image's content immutable at run time and makes every place the application
    /// writes to an explicit, reviewable volume or tmpfs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Fix
    /// Set `read_only: true` (Kubernetes `readOnlyRootFilesystem: true`) and give the paths the
    /// application writes to their own volume or tmpfs (`tmpfs: [/tmp, /var/cache/nginx]`,
    /// Kubernetes `emptyDir`).
    pub struct WritableRootFilesystem {
        code: "WL604",
        name: "writable-root-filesystem",
        step: RuntimeDefence,
        severity: Low,
        summary: "Container root filesystem is writable",
        references: [Cis "5.13", Trivy "KSV-0014", Checkov "CKV_K8S_22"],
    }
}

impl Rule for WritableRootFilesystem {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let setting = match c.source {
                SourceKind::Kubernetes => "`readOnlyRootFilesystem: true`",
                SourceKind::Compose => "`read_only: true`",
                SourceKind::DockerRun | SourceKind::Engine => "`--read-only`",
            };
            match &c.read_only_rootfs {
                Some(s) if s.value => {}
                Some(s) => out.push(Diagnostic::new(
                    &s.loc,
                    format!(
                        "{} keeps its root filesystem writable; set {setting} and mount what it writes",
                        subject(c)
                    ),
                )),
                None => out.push(Diagnostic::new(
                    &c.loc,
                    format!(
                        "{} has a writable root filesystem; set {setting} and mount what it writes",
                        subject(c)
                    ),
                )),
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
        testing::check_fixtures(&WritableRootFilesystem);
    }
}
