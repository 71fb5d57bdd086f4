use super::helpers::image_of;
use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container image that is not pinned by digest (`@sha256:…`), whatever its tag.
    ///
    /// ## Why is this bad?
    /// Tags are mutable: the publisher, or anyone who takes over the repository, can push
    /// different content under `1.27`. Only a digest names exactly the image that was reviewed
    /// and scanned, so every host runs the same bits and a rollback returns to them.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Fix
    /// Add the digest after the tag (`image: nginx:1.27@sha256:…`, from `docker buildx
    /// imagetools inspect nginx:1.27`) and let a dependency bot update both together.
    pub struct ImageNotDigestPinned {
        code: "WL401",
        name: "image-not-digest-pinned",
        step: TrustedImages,
        severity: Info,
        summary: "Image is not pinned by digest",
        references: [Checkov "CKV_K8S_43", Cwe "CWE-1357"],
    }
}

impl Rule for ImageNotDigestPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some((setting, image)) = image_of(c) else {
                continue;
            };
            if image.digest.is_none() {
                out.push(Diagnostic::new(
                    &setting.loc,
                    format!(
                        "{} uses image `{}` without a digest; the tag can be moved to other content",
                        subject(c),
                        image.full
                    ),
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
        testing::check_fixtures(&ImageNotDigestPinned);
    }
}
