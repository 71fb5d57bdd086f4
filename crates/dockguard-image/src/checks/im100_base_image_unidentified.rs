use super::{ImageCtx, Rule};
use crate::trust::{BASE_NAME_KEY, FoundBy};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images that do not say what they were built from: no
    /// `org.opencontainers.image.base.name` annotation or label, no OS release file
    /// (`/etc/os-release`, `/usr/lib/os-release`, `/etc/alpine-release`, `/etc/debian_version`,
    /// `/etc/redhat-release`, `/etc/lsb-release`), no first history entry naming a known root
    /// filesystem (Alpine's minirootfs, Debian's debuerreotype) and no `/bin/busybox`. When the
    /// first history entry added a root filesystem of unknown origin (`ADD file:… in /`), the
    /// message says so.
    ///
    /// Images built `FROM scratch` with a static binary are reported too: nothing in the image
    /// tells them apart from an image built on an unknown base. Declaring the base (even
    /// `scratch`) in the annotation answers the question.
    ///
    /// ## Why is this bad?
    /// Trusting an image starts with knowing whose software is in it. Without a declared base
    /// or a release file, nobody can tell which vendor's packages the image holds, whether that
    /// vendor still publishes security fixes for them, or which scanner database applies: the
    /// image cannot be checked against a list of approved bases (CIS 4.2).
    ///
    /// ## Example
    /// An image whose root filesystem was added from an unknown tarball and whose release files
    /// were deleted:
    /// ```dockerfile
    /// FROM scratch
    /// ADD rootfs.tar.gz /
    /// RUN rm -f /etc/os-release /usr/lib/os-release
    /// ```
    ///
    /// ## Fix
    /// Build on a known base image and keep its release files. Record the base in the image:
    /// `docker buildx build --annotation "manifest:org.opencontainers.image.base.name=docker.io/library/debian:12"
    /// --annotation "manifest:org.opencontainers.image.base.digest=sha256:…"`, or the same keys
    /// as `LABEL`s; for a static binary on `scratch`, declare `scratch`.
    pub struct BaseImageUnidentified {
        code: "IM100",
        name: "base-image-unidentified",
        step: TrustedImages,
        severity: Low,
        summary: "Nothing in the image says which base image or distribution it was built from",
        references: [Cis "4.2", Dockle "CIS-DI-0002", Cwe "CWE-829"],
    }
}

impl Rule for BaseImageUnidentified {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let base = ctx.base_image();
        if base.found_by != FoundBy::Unidentified {
            return;
        }
        let mut message = format!(
            "nothing says which base image this image was built from: no `{BASE_NAME_KEY}` \
             annotation or label, no OS release file (/etc/os-release, /usr/lib/os-release, …) \
             and no /bin/busybox"
        );
        if let Some(entry) = &base.rootfs_entry {
            message.push_str(&format!(
                "; its first history entry `{entry}` added a root filesystem of unknown origin"
            ));
        }
        out.push(ctx.finding(&Self::META, message, ctx.config_location()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};
    use crate::config::History;
    use crate::trust::BASE_DIGEST_KEY;
    use crate::trust::test_support::run_with;
    use dockguard_core::Config;

    #[test]
    fn unidentified_images_are_reported() {
        let app = || layer(&[E::File("app", b"\x7fELF", 0o755)]);
        let f = run(&BaseImageUnidentified, &image("{}", vec![app()]));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message.contains("no OS release file"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("history"), "{}", f[0].message);

        // The rootfs of unknown origin is quoted.
        let mut img = image("{}", vec![app()]);
        img.config_mut().history = vec![History {
            created_by: Some("/bin/sh -c #(nop) ADD file:0123abcd in / ".into()),
            ..History::default()
        }];
        let f = run(&BaseImageUnidentified, &img);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("ADD file:0123abcd in /"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn identified_images_are_not() {
        for entries in [
            vec![E::File(
                "etc/os-release",
                b"ID=debian\nVERSION_ID=12\n",
                0o644,
            )],
            vec![E::File("usr/lib/os-release", b"ID=myos\n", 0o644)],
            vec![E::File("etc/alpine-release", b"3.20.3\n", 0o644)],
            vec![E::File("bin/busybox", b"\x7fELF", 0o755)],
        ] {
            let img = image("{}", vec![layer(&entries)]);
            assert!(run(&BaseImageUnidentified, &img).is_empty());
        }
        // Declared in an annotation, or as `scratch` in a label.
        let img = image("{}", vec![layer(&[E::File("app", b"x", 0o755)])]);
        let f = run_with(
            &BaseImageUnidentified,
            &img,
            |m| {
                m.annotations
                    .insert(BASE_NAME_KEY.into(), "docker.io/library/debian:12".into());
                m.annotations
                    .insert(BASE_DIGEST_KEY.into(), "sha256:0123".into());
            },
            &Config::default(),
        );
        assert!(f.is_empty());
        let img = image(
            r#"{"Labels":{"org.opencontainers.image.base.name":"scratch"}}"#,
            vec![layer(&[E::File("app", b"x", 0o755)])],
        );
        assert!(run(&BaseImageUnidentified, &img).is_empty());
    }
}
