use super::{ImageCtx, Rule};
use crate::trust::{distinct_references, image_references};
use dockguard_core::Finding;
use dockguard_dockerfile::model::ImageRef;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// When `trusted_registries` is configured, reports images that come from any other
    /// registry, with the same matching as DF103 and WL402 (no registry means Docker Hub,
    /// `docker.io`; patterns may start or end with `*`):
    /// - the image itself, when none of the references it is known by is in a trusted
    ///   registry. Its repository digests (where it was pulled from or pushed to) are judged
    ///   when the source gives them; otherwise its names (tags of `docker save`, OCI
    ///   `ref.name`s). An image with no reference at all is not reported.
    /// - its declared base image (`org.opencontainers.image.base.name` annotation or label),
    ///   unless `scratch`.
    ///
    /// Without configuration the rule reports nothing. Bases inferred from release files
    /// (`debian:12` from `/etc/os-release`) are not judged: they say which distribution, not
    /// which registry it came from.
    ///
    /// ## Why is this bad?
    /// Images from registries your organisation does not control or vet bypass its scanning,
    /// signing and retention policies; a typo-squatted or compromised upstream lands in the
    /// image, and from there on your hosts.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.corp.example"]`, an image saved as
    /// `quay.io/someone/tool:1.2`, or one whose manifest says
    /// `"org.opencontainers.image.base.name": "ghcr.io/someone/base:1"`.
    ///
    /// ## Fix
    /// Mirror the image and its base into a trusted registry and build from the mirror
    /// (`FROM registry.corp.example/mirror/base:1@sha256:…`), or add the registry to
    /// `trusted-registries` after review.
    pub struct ImageFromUntrustedRegistry {
        code: "IM102",
        name: "image-from-untrusted-registry",
        step: TrustedImages,
        severity: Medium,
        summary: "Image or its declared base comes from a registry outside the trusted list",
        references: [Cis "4.2", Dockle "CIS-DI-0002", Cwe "CWE-829"],
    }
}

impl Rule for ImageFromUntrustedRegistry {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let patterns = &ctx.settings.trusted_registries;
        if patterns.is_empty() {
            return;
        }
        let trusted = patterns.join(", ");
        // Repository digests say where the image really came from; names are only tags.
        let (what, refs): (&str, Vec<String>) = if ctx.manifest.repo_digests.is_empty() {
            ("is named", image_references(ctx.manifest))
        } else {
            (
                "was pulled from or pushed to",
                distinct_references(&ctx.manifest.repo_digests),
            )
        };
        let parsed: Vec<ImageRef> = refs.iter().map(|r| ImageRef::parse(r)).collect();
        if !parsed.is_empty() && !parsed.iter().any(|r| r.is_trusted(patterns)) {
            let listed: Vec<String> = parsed
                .iter()
                .map(|r| format!("`{}` (`{}`)", r.full, r.effective_registry()))
                .collect();
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "the image {what} {} only, no trusted registry ({trusted})",
                    listed.join(", ")
                ),
                ctx.config_location(),
            ));
        }
        let base = ctx.base_image();
        if !base.is_declared() {
            return;
        }
        let Some(name) = base.name.as_deref() else {
            return;
        };
        let image = ImageRef::parse(name);
        let is_scratch = image.repository.eq_ignore_ascii_case("scratch") && image.tag.is_none();
        if !is_scratch && !image.is_trusted(patterns) {
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "base image `{name}` ({}) comes from `{}`, which is not a trusted registry \
                     ({trusted})",
                    base.evidence.as_deref().unwrap_or("declared"),
                    image.effective_registry()
                ),
                ctx.config_location(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, Mem, image, layer};
    use crate::source::ImageManifest;
    use crate::trust::BASE_NAME_KEY;
    use crate::trust::test_support::{run_with, trusting};
    use dockguard_core::Config;

    fn img() -> Mem {
        image("{}", vec![layer(&[E::File("app", b"x", 0o755)])])
    }

    fn messages(edit: impl FnOnce(&mut ImageManifest), config: &Config) -> Vec<String> {
        run_with(&ImageFromUntrustedRegistry, &img(), edit, config)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn names_outside_the_trusted_registries() {
        let corp = trusting(&["registry.corp.example", "*.gcr.io"]);
        let m = messages(
            |m| m.names = vec!["quay.io/someone/tool:1.2".into(), "tool:1.2".into()],
            &corp,
        );
        assert_eq!(
            m,
            [
                "the image is named `quay.io/someone/tool:1.2` (`quay.io`), `tool:1.2` \
              (`docker.io`) only, no trusted registry (registry.corp.example, *.gcr.io)"
            ]
        );
        // One trusted name is enough: the image is in the trusted registry.
        let m = messages(
            |m| m.names = vec!["tool:1.2".into(), "eu.gcr.io/p/tool:1.2".into()],
            &corp,
        );
        assert!(m.is_empty(), "{m:?}");
        // Repository digests win over names: a retag does not vet the image.
        let m = messages(
            |m| {
                m.names = vec!["registry.corp.example/tool:1.2".into()];
                m.repo_digests = vec!["quay.io/someone/tool@sha256:0123".into()];
            },
            &corp,
        );
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with(
                "the image was pulled from or pushed to `quay.io/someone/tool@sha256:0123`"
            ),
            "{m:?}"
        );
        // No reference, or only a bare OCI ref.name tag: nothing to judge.
        assert!(messages(|_| {}, &corp).is_empty());
        assert!(messages(|m| m.names = vec!["1.2".into()], &corp).is_empty());
    }

    #[test]
    fn declared_base_outside_the_trusted_registries() {
        let hub = trusting(&["docker.io"]);
        let m = messages(
            |m| {
                m.names = vec!["app:1".into()];
                m.annotations
                    .insert(BASE_NAME_KEY.into(), "ghcr.io/someone/base:1".into());
            },
            &hub,
        );
        assert_eq!(
            m,
            ["base image `ghcr.io/someone/base:1` (manifest annotation \
              `org.opencontainers.image.base.name`) comes from `ghcr.io`, which is not a \
              trusted registry (docker.io)"]
        );
        for base in ["docker.io/library/debian:12", "debian:12", "scratch"] {
            let m = messages(
                |m| {
                    m.annotations.insert(BASE_NAME_KEY.into(), base.into());
                },
                &hub,
            );
            assert!(m.is_empty(), "{base}: {m:?}");
        }
    }

    #[test]
    fn silent_without_configuration() {
        let m = messages(
            |m| {
                m.names = vec!["quay.io/someone/tool:1.2".into()];
                m.annotations
                    .insert(BASE_NAME_KEY.into(), "ghcr.io/someone/base:1".into());
            },
            &Config::default(),
        );
        assert!(m.is_empty());
    }
}
