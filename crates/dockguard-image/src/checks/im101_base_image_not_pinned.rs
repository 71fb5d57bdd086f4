use super::{ImageCtx, Rule};
use crate::trust::BASE_DIGEST_KEY;
use dockguard_core::Finding;
use dockguard_dockerfile::model::ImageRef;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images that declare their base image (`org.opencontainers.image.base.name`, as a
    /// manifest annotation or a config label) without its digest: no
    /// `org.opencontainers.image.base.digest` and no `@sha256:…` in the name. A name without a
    /// tag, or with `latest`, is called out in the message. `scratch` is not reported. Like
    /// DF100, a `latest` base recorded with its digest is fine: the digest says which build
    /// was used.
    ///
    /// ## Why is this bad?
    /// A tag moves. `python:3.12-slim` today is not the image it was when this one was built, so
    /// the name alone cannot tell which vendor build (and which patches) sits under the image,
    /// nor prove that the base was not swapped by a compromised registry account. Only the
    /// digest identifies the exact base, so it can be looked up in the vendor's advisories,
    /// verified against its signature and compared with an approved list.
    ///
    /// ## Example
    /// An image whose manifest has
    /// `"org.opencontainers.image.base.name": "docker.io/library/python:3.12-slim"` and no
    /// `org.opencontainers.image.base.digest`.
    ///
    /// ## Fix
    /// Build from a digest (`FROM python:3.12-slim@sha256:…`) and record it:
    /// `--annotation "manifest:org.opencontainers.image.base.digest=sha256:…"` next to the name
    /// (or the same keys as `LABEL`s).
    pub struct BaseImageNotPinned {
        code: "IM101",
        name: "base-image-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "Declared base image has no digest",
        references: [Cis "4.2", Dockle "CIS-DI-0002", Cwe "CWE-494"],
    }
}

impl Rule for BaseImageNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let base = ctx.base_image();
        if !base.is_declared() || base.digest.is_some() {
            return;
        }
        let Some(name) = base.name.as_deref() else {
            return;
        };
        let image = ImageRef::parse(name);
        if image.repository.eq_ignore_ascii_case("scratch") && image.tag.is_none() {
            return;
        }
        let source = base.evidence.as_deref().unwrap_or("base image");
        let tag = match image.tag.as_deref() {
            None => " and has no tag (so `latest`)",
            Some("latest") => " and uses the moving `latest` tag",
            Some(_) => "",
        };
        out.push(ctx.finding(
            &Self::META,
            format!(
                "base image `{name}` ({source}) is recorded without `{BASE_DIGEST_KEY}`{tag}: \
                 nobody can tell which build of it the image contains"
            ),
            ctx.config_location(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};
    use crate::trust::BASE_NAME_KEY;
    use crate::trust::test_support::run_with;
    use dockguard_core::Config;

    fn with_annotations(pairs: &[(&str, &str)]) -> Vec<Finding> {
        let img = image("{}", vec![layer(&[E::File("app", b"x", 0o755)])]);
        run_with(
            &BaseImageNotPinned,
            &img,
            |m| {
                for (k, v) in pairs {
                    m.annotations.insert(k.to_string(), v.to_string());
                }
            },
            &Config::default(),
        )
    }

    #[test]
    fn unpinned_bases_are_reported() {
        let f = with_annotations(&[(BASE_NAME_KEY, "docker.io/library/python:3.12-slim")]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "base image `docker.io/library/python:3.12-slim` (manifest annotation \
             `org.opencontainers.image.base.name`) is recorded without \
             `org.opencontainers.image.base.digest`: nobody can tell which build of it the \
             image contains"
        );
        let f = with_annotations(&[(BASE_NAME_KEY, "python")]);
        assert!(f[0].message.contains("has no tag"), "{}", f[0].message);
        let f = with_annotations(&[(BASE_NAME_KEY, "python:latest"), (BASE_DIGEST_KEY, "  ")]);
        assert!(f[0].message.contains("`latest`"), "{}", f[0].message);
        // A label counts too.
        let img = image(
            r#"{"Labels":{"org.opencontainers.image.base.name":"ghcr.io/o/base:2"}}"#,
            vec![layer(&[])],
        );
        let f = run(&BaseImageNotPinned, &img);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("config label"), "{}", f[0].message);
    }

    #[test]
    fn pinned_undeclared_and_scratch_are_not() {
        assert!(
            with_annotations(&[
                (BASE_NAME_KEY, "docker.io/library/python:3.12-slim"),
                (BASE_DIGEST_KEY, "sha256:0123abcd"),
            ])
            .is_empty()
        );
        assert!(with_annotations(&[(BASE_NAME_KEY, "python:latest@sha256:0123abcd")]).is_empty());
        assert!(with_annotations(&[(BASE_NAME_KEY, "scratch")]).is_empty());
        // Only the digest: no declared name, nothing to judge.
        assert!(with_annotations(&[(BASE_DIGEST_KEY, "sha256:0123abcd")]).is_empty());
        // Identified from os-release only: not a declaration.
        let img = image(
            "{}",
            vec![layer(&[E::File("etc/os-release", b"ID=debian\n", 0o644)])],
        );
        assert!(run(&BaseImageNotPinned, &img).is_empty());
    }
}
