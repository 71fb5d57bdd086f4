use super::common_a::report_base_images;
use super::hadolint_compat::literal_base_images;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, after ARG expansion, has neither a tag nor a digest. Stage
    /// names, `scratch` and images that depend on build arguments without defaults are skipped;
    /// `ARG IMG=python:3.12` followed by `FROM ${IMG}` is correctly seen as tagged (hadolint
    /// reports it, issues #979, #1078).
    ///
    /// In hadolint compatibility mode (`hadolint-compat`) the image is read as written, as
    /// hadolint does: an image starting with `$` is skipped whatever its default, and
    /// `FROM name-${ARG}` is reported even when it names a stage.
    ///
    /// ## Why is this bad?
    /// An untagged image means `latest`: the base changes under you between builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ```
    ///
    /// ## Fix
    /// Name a version: `FROM debian:12.7-slim`, or better a digest.
    pub struct BaseImageUntagged {
        code: "DF101",
        name: "base-image-untagged",
        step: TrustedImages,
        severity: Medium,
        summary: "Base image has no tag or digest",
        references: [Hadolint "DL3006", Trivy "DS-0001", Checkov "CKV_DOCKER_7", Cis "4.2", Cwe "CWE-1357"],
    }
}

impl Rule for BaseImageUntagged {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        if ctx.config.hadolint_compat {
            // hadolint compatibility: reproduces hadolint's DL3006, which does not expand build
            // arguments: it skips images starting with `$` and reads the others literally; see
            // docs/hadolint-differences.md#compatibility-mode.
            for from in literal_base_images(ctx.model) {
                let image = &from.image;
                if image.tag.is_none()
                    && image.digest.is_none()
                    && !from.word.raw.starts_with('$')
                    && !image.repository.starts_with('$')
                    && image.repository != "scratch"
                    && !from.names_stage
                {
                    out.push(Diagnostic::new(
                        from.word.span.clone(),
                        format!(
                            "base image `{}` has no tag; it resolves to `latest`",
                            from.word.raw
                        ),
                    ));
                }
            }
            return;
        }
        report_base_images(ctx, out, |image| {
            (image.tag.is_none() && image.digest.is_none()).then(|| {
                format!(
                    "base image `{}` has no tag; it resolves to `latest`",
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
        testing::check_fixtures(&BaseImageUntagged);
    }

    #[test]
    fn hadolint_compat() {
        let text = "ARG BASE=quay.io/jupyter/foundation
ARG TAGGED=python:3.12
ARG SOURCE=false
ARG UNSET
ARG IMAGE
ARG REGISTRY
FROM $BASE
FROM ${TAGGED}
FROM scratch AS binary-false
FROM binary-${SOURCE} AS binary
FROM platform-${UNSET}
FROM debian
FROM binary
FROM quay.io/${IMAGE}
FROM ${REGISTRY}/app
";
        let (default, compat) = testing::lines_default_and_compat(&BaseImageUntagged, text);
        // By default the ARGs are expanded: line 7 is `quay.io/jupyter/foundation`, line 10 the
        // stage `binary-false`, lines 11, 14 and 15 have no value.
        assert_eq!(default, [7, 12]);
        // As hadolint: words starting with `$` are skipped, the others read literally.
        assert_eq!(compat, [10, 11, 12]);
    }
}
