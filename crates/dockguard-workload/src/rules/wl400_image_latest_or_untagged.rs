use super::helpers::image_of;
use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container image with the `latest` tag or no tag at all (which pulls `latest`),
    /// unless it is pinned by digest. A registry port is not a tag:
    /// `registry.example:5000/team/app` is untagged.
    ///
    /// ## Why is this bad?
    /// `latest` moves. Two hosts, or one host before and after a restart or a pull, run different
    /// code from the same file; a broken or compromised push reaches you silently, you cannot
    /// tell which version is running, and you cannot roll back to it. Kubernetes also pulls a
    /// `latest` image on every start (`imagePullPolicy: Always` is its default for it).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// ## Fix
    /// Name a version tag, ideally with its digest: `image: redis:7.4.1@sha256:…`.
    pub struct ImageLatestOrUntagged {
        code: "WL400",
        name: "image-latest-or-untagged",
        step: TrustedImages,
        severity: Medium,
        summary: "Image uses the `latest` tag or no tag",
        references: [Trivy "KSV-0013", Checkov "CKV_K8S_14", Cwe "CWE-1357"],
    }
}

impl Rule for ImageLatestOrUntagged {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some((setting, image)) = image_of(c) else {
                continue;
            };
            if image.digest.is_some() {
                continue;
            }
            let message = match image.tag.as_deref() {
                None => format!(
                    "{} uses image `{}` without a tag, which pulls whatever `latest` is; pin a version",
                    subject(c),
                    image.full
                ),
                Some("latest") => format!(
                    "{} uses image `{}`; `latest` changes under you, pin a version",
                    subject(c),
                    image.full
                ),
                Some(_) => continue,
            };
            out.push(Diagnostic::new(&setting.loc, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&ImageLatestOrUntagged);
    }
}
