use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::SourceKind;
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container that sets no user and does not require a non-root one: no compose
    /// `user:` / `docker run --user`, and for Kubernetes neither `runAsUser` nor
    /// `runAsNonRoot: true` (on the container or the pod). `runAsNonRoot: false` is reported
    /// where it is written. A user set to anything (root included, which WL200 reports) is not
    /// this rule's concern.
    ///
    /// ## Why is this bad?
    /// The image's default user applies, and for most images (official `nginx`, `redis`,
    /// `postgres`, `python`, distribution bases) that is root. Whether the container runs as
    /// root then depends on an image you may replace or update without reviewing its `USER`.
    /// Kubernetes `runAsNonRoot: true` makes the kubelet refuse to start a container whose
    /// image would run as uid 0.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: python:3.12-slim
    ///     command: ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix
    /// Set the user explicitly (`user: "10001:10001"`); in Kubernetes set `runAsNonRoot: true`
    /// in the pod's `securityContext`, and `runAsUser` if the image has no non-root `USER`.
    pub struct UserNotSet {
        code: "WL201",
        name: "user-not-set",
        step: NonRootUser,
        severity: Low,
        summary: "Container sets no user and may run as the image's default root user",
        references: [Cis "4.1", Pss "restricted:running-as-non-root", Trivy "KSV-0012", Checkov "CKV_K8S_23", Cwe "CWE-250"],
    }
}

impl Rule for UserNotSet {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.user.is_some() {
                continue;
            }
            match &c.run_as_non_root {
                Some(s) if s.value => {}
                Some(s) => out.push(Diagnostic::new(
                    &s.loc,
                    format!(
                        "{} sets `runAsNonRoot: false` and no `runAsUser`: it runs as the image's default user, root for most images",
                        subject(c)
                    ),
                )),
                None => {
                    let message = match c.source {
                        SourceKind::Kubernetes => format!(
                            "{} sets neither `runAsNonRoot: true` nor `runAsUser`: it runs as the image's default user, root for most images",
                            subject(c)
                        ),
                        // The inspected `Config.User` already holds the image's USER.
                        SourceKind::Engine => {
                            format!("{} runs as root: neither the image nor the run set a user", subject(c))
                        }
                        SourceKind::Compose | SourceKind::DockerRun => format!(
                            "{} sets no user: it runs as the image's default user, root for most images",
                            subject(c)
                        ),
                    };
                    out.push(Diagnostic::new(&c.loc, message));
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
        testing::check_fixtures(&UserNotSet);
    }
}
