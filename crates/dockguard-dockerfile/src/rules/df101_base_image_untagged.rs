use super::common_a::report_base_images;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, after ARG expansion, has neither a tag nor a digest. Stage
    /// names, `scratch` and images that depend on build arguments without defaults are skipped;
    /// `ARG IMG=python:3.12` followed by `FROM ${IMG}` is correctly seen as tagged (hadolint
    /// reports it, issues #979, #1078).
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
}
