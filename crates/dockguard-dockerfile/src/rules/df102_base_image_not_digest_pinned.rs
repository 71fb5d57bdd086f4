use super::common_a::report_base_images;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` (final or build stage) whose image, after ARG expansion, is not pinned by
    /// digest (`@sha256:…`). Stage references, `scratch` and images that depend on build
    /// arguments without defaults are skipped.
    ///
    /// ## Why is this bad?
    /// A tag is a mutable pointer: the publisher, or anyone who compromises the registry account,
    /// can move `python:3.12-slim` to different content. Only a digest names exact bytes, so the
    /// build is reproducible and a swapped base image is rejected instead of silently used.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## Fix
    /// Pin the digest and keep the tag for readability:
    /// `FROM python:3.12-slim@sha256:<digest>` (`docker buildx imagetools inspect python:3.12-slim`
    /// prints it). Let a bot such as Renovate or Dependabot update the pin.
    pub struct BaseImageNotDigestPinned {
        code: "DF102",
        name: "base-image-not-digest-pinned",
        step: TrustedImages,
        severity: Info,
        summary: "Base image is not pinned by digest",
        references: [Cis "4.2", Cwe "CWE-1357", Url "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"],
    }
}

impl Rule for BaseImageNotDigestPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        report_base_images(ctx, out, |image| {
            image.digest.is_none().then(|| {
                format!(
                    "base image `{}` is not pinned by digest; add `@sha256:…` so the build uses exact, verified content",
                    image.full
                )
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&BaseImageNotDigestPinned);
    }

    #[test]
    fn message_names_the_expanded_image() {
        let d = testing::run(
            &BaseImageNotDigestPinned,
            "ARG V=3.20\nFROM alpine:${V} AS a\nFROM a\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`alpine:3.20`"), "{}", d[0].message);
    }
}
