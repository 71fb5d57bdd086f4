use super::common_a::report_base_images;
use super::hadolint_compat::literal_base_images;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, after ARG expansion, uses the `latest` tag. In hadolint
    /// compatibility mode (`hadolint-compat`) the image is read as written, without expansion,
    /// as hadolint does (`ARG B=nginx:latest` then `FROM ${B}` is not reported).
    ///
    /// ## Why is this bad?
    /// `latest` moves: two builds of the same Dockerfile get different bases, and a compromised or
    /// broken push reaches you silently. You cannot tell which vendor build you shipped.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG BASE=nginx:latest
    /// FROM ${BASE}
    /// ```
    ///
    /// ## Fix
    /// Use an explicit version tag, ideally pinned by digest: `FROM nginx:1.27.2@sha256:…`.
    pub struct BaseImageLatest {
        code: "DF100",
        name: "base-image-latest-tag",
        step: TrustedImages,
        severity: Medium,
        summary: "Base image uses the `latest` tag",
        references: [Hadolint "DL3007", Trivy "DS-0001", Checkov "CKV_DOCKER_7", Cis "4.2", Cwe "CWE-1357"],
    }
}

impl Rule for BaseImageLatest {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        if ctx.config.hadolint_compat {
            // hadolint compatibility: reproduces hadolint's DL3007, which reads the tag of the
            // image as written, build arguments not expanded; see
            // docs/hadolint-differences.md#compatibility-mode.
            for from in literal_base_images(ctx.model) {
                if from.image.tag.as_deref() == Some("latest") && from.image.digest.is_none() {
                    out.push(Diagnostic::new(
                        from.word.span.clone(),
                        format!(
                            "base image `{}` uses the `latest` tag; pin a version",
                            from.word.raw
                        ),
                    ));
                }
            }
            return;
        }
        report_base_images(ctx, out, |image| {
            (image.tag.as_deref() == Some("latest") && image.digest.is_none()).then(|| {
                format!(
                    "base image `{}` uses the `latest` tag; pin a version",
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
        testing::check_fixtures(&BaseImageLatest);
    }

    #[test]
    fn hadolint_compat() {
        let text = "ARG LATEST=nginx:latest
ARG TAG=latest
ARG REGISTRY=quay.io
FROM ${LATEST}
FROM nginx:${TAG}
FROM ${REGISTRY}/app:latest
FROM nginx:latest
";
        let (default, compat) = testing::lines_default_and_compat(&BaseImageLatest, text);
        assert_eq!(default, [4, 5, 6, 7]);
        // As hadolint: only a `latest` written in the FROM line counts.
        assert_eq!(compat, [6, 7]);
    }

    #[test]
    fn message_shows_the_expanded_image() {
        let d = testing::run(&BaseImageLatest, "ARG B=nginx:latest\nFROM $B\n");
        assert_eq!(
            d[0].message,
            "base image `nginx:latest` uses the `latest` tag; pin a version"
        );
    }
}
