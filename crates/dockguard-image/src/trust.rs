//! Where an image comes from: its base image ([`BaseImage`]) and the references it is known
//! by ([`image_references`]). The trusted-images rules (`IM1xx`) read these.
//!
//! The base image is found from, in this order:
//! 1. the OCI annotations `org.opencontainers.image.base.name` / `…base.digest` of the image
//!    manifest (Docker Official Images carry them), then the same keys as config labels
//!    (labels are inherited, so a label may describe an ancestor further down);
//! 2. the OS release files of the final tree: `/etc/os-release` (or `/usr/lib/os-release`) `ID`
//!    and `VERSION_ID`, else `/etc/alpine-release`, `/etc/debian_version`,
//!    `/etc/redhat-release`, `/etc/lsb-release`;
//! 3. the first history entry, when it names the root filesystem it added
//!    (`ADD alpine-minirootfs-3.20.3-x86_64.tar.gz /`, debuerreotype's
//!    `# debian.sh --arch 'amd64' out/ 'bookworm' '@…'`);
//! 4. `/bin/busybox` in an image without release files: the `busybox` image.
//!
//! The distribution is read from the release files whatever named the base, so a report can
//! say both "built from `corp/base:1`" and "Debian 12 underneath".

use serde::Serialize;

use dockguard_dockerfile::model::ImageRef;

use crate::analyzers::KeptFiles;
use crate::config::{History, ImageConfig};
use crate::source::ImageManifest;
use crate::walk::{EntryKind, FileTree};

/// OCI annotation (or label) naming the image this one was built from.
pub const BASE_NAME_KEY: &str = "org.opencontainers.image.base.name";
/// OCI annotation (or label) giving the digest of the base image's manifest.
pub const BASE_DIGEST_KEY: &str = "org.opencontainers.image.base.digest";

/// Longest image-provided text (history entry, release field) kept or quoted.
const MAX_TEXT: usize = 120;

/// How the base image was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundBy {
    /// `org.opencontainers.image.base.name` annotation of the image manifest.
    Annotation,
    /// `org.opencontainers.image.base.name` label of the image config.
    Label,
    /// `/etc/os-release` or `/usr/lib/os-release`.
    OsRelease,
    /// A distribution-specific release file (`/etc/alpine-release`, `/etc/debian_version`, …).
    ReleaseFile,
    /// The first history entry names the root filesystem it added.
    History,
    /// No release file, but `/bin/busybox`.
    Busybox,
    /// Nothing says which base the image was built from.
    Unidentified,
}

/// The distribution in the final tree, from its release files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Distribution {
    /// `ID` of os-release, lowercase (`debian`, `alpine`, `rhel`, …); `distroless` for Google's
    /// distroless images, which keep Debian's `ID`.
    pub id: String,
    /// `VERSION_ID` (or the release file's version), as written.
    pub version: Option<String>,
    /// `VERSION_CODENAME` when there is no version (Debian testing: `trixie`).
    pub codename: Option<String>,
    pub pretty_name: Option<String>,
    /// Who publishes it, for known distributions.
    pub vendor: Option<&'static str>,
    /// The file it was read from (`/etc/os-release`).
    pub file: String,
}

/// The image's base image, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseImage {
    /// The base as a reference: written by the annotation or label, or the distribution's
    /// usual image (`debian:12`, `alpine:3.20`). Families of images sharing one release file
    /// use a `*` (`gcr.io/distroless/*-debian12`, `cgr.dev/chainguard/*`).
    pub name: Option<String>,
    /// `org.opencontainers.image.base.digest`, or the digest written in the name.
    pub digest: Option<String>,
    pub found_by: FoundBy,
    /// Where exactly: the annotation or label key, the file, `history[0]`.
    pub evidence: Option<String>,
    /// Who publishes the base, when known.
    pub vendor: Option<&'static str>,
    /// Whether the base is an official image or comes from a known distribution vendor.
    pub known_vendor: bool,
    pub distribution: Option<Distribution>,
    /// The first history entry, when it added a root filesystem (`ADD file:… in /`): a
    /// distribution's root file system, even when nothing names it.
    pub rootfs_entry: Option<String>,
}

impl BaseImage {
    /// The base image from the manifest annotations, config labels and history, and the final
    /// tree's release files.
    pub fn identify(
        manifest: &ImageManifest,
        config: &ImageConfig,
        files: &KeptFiles,
        tree: &FileTree,
    ) -> BaseImage {
        let distribution = distribution(files);
        let rootfs_entry = rootfs_entry(&config.history);
        let mut base = BaseImage {
            name: None,
            digest: None,
            found_by: FoundBy::Unidentified,
            evidence: None,
            vendor: None,
            known_vendor: false,
            distribution: distribution.clone(),
            rootfs_entry: rootfs_entry.map(|e| truncate(e, MAX_TEXT)),
        };
        if let Some((found_by, name, digest)) = annotated_base(manifest, config) {
            let image = ImageRef::parse(&name);
            let vendor = reference_vendor(&image);
            base.digest = digest.or_else(|| image.digest.clone());
            base.name = Some(name);
            base.found_by = found_by;
            base.evidence = Some(match found_by {
                FoundBy::Annotation => format!("manifest annotation `{BASE_NAME_KEY}`"),
                _ => format!("config label `{BASE_NAME_KEY}`"),
            });
            base.vendor = vendor;
            base.known_vendor = vendor.is_some();
            return base;
        }
        if let Some(d) = &distribution {
            base.found_by = if d.file.ends_with("os-release") {
                FoundBy::OsRelease
            } else {
                FoundBy::ReleaseFile
            };
            base.evidence = Some(d.file.clone());
            let known = known_distribution(d);
            base.name = known.as_ref().and_then(|k| k.name.clone());
            base.vendor = known.as_ref().map(|k| k.vendor);
            base.known_vendor = known.is_some();
            return base;
        }
        if let Some((name, vendor)) = rootfs_entry.and_then(named_rootfs) {
            base.name = Some(name);
            base.found_by = FoundBy::History;
            base.evidence = Some("history[0]".into());
            base.vendor = Some(vendor);
            base.known_vendor = true;
            return base;
        }
        if has_busybox(tree) {
            base.name = Some("busybox".into());
            base.found_by = FoundBy::Busybox;
            base.evidence = Some("/bin/busybox".into());
            base.vendor = Some("BusyBox (Docker Official Image)");
            base.known_vendor = true;
        }
        base
    }

    /// Whether the base name came from an annotation or label (a reference someone wrote,
    /// not one inferred from the files).
    pub fn is_declared(&self) -> bool {
        matches!(self.found_by, FoundBy::Annotation | FoundBy::Label)
    }
}

/// The references the image is known by: its repository digests (where it was pulled from or
/// pushed to), then its names (tags, OCI `ref.name`s), without duplicates. Names that are only
/// a tag (an OCI layout's `ref.name` such as `1.0`) are left out: they name no repository.
pub fn image_references(manifest: &ImageManifest) -> Vec<String> {
    distinct_references(manifest.repo_digests.iter().chain(&manifest.names))
}

/// `refs` trimmed, without duplicates and without bare tags, in order.
pub fn distinct_references<'a>(refs: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        let r = r.trim();
        if !r.is_empty() && r.contains(['/', ':', '@']) && !out.iter().any(|o| o == r) {
            out.push(r.to_string());
        }
    }
    out
}

/// `(how, name, digest)` from the manifest annotations, else the config labels.
fn annotated_base(
    manifest: &ImageManifest,
    config: &ImageConfig,
) -> Option<(FoundBy, String, Option<String>)> {
    let nonempty = |v: Option<&String>| {
        v.map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let labels = &config.config.labels;
    [
        (FoundBy::Annotation, &manifest.annotations),
        (FoundBy::Label, labels),
    ]
    .into_iter()
    .find_map(|(how, map)| {
        let name = nonempty(map.get(BASE_NAME_KEY))?;
        Some((how, name, nonempty(map.get(BASE_DIGEST_KEY))))
    })
}

/// Publisher of a base image named by reference, when it is an official or vendor image.
fn reference_vendor(image: &ImageRef) -> Option<&'static str> {
    if image.is_docker_official() {
        return Some("Docker Official Images");
    }
    let path = format!(
        "{}/{}",
        image.effective_registry().to_ascii_lowercase(),
        image.repository.to_ascii_lowercase()
    );
    const VENDORS: &[(&str, &str)] = &[
        ("gcr.io/distroless/", "Google (distroless)"),
        ("cgr.dev/chainguard/", "Chainguard"),
        ("registry.access.redhat.com/", "Red Hat"),
        ("registry.redhat.io/", "Red Hat"),
        ("mcr.microsoft.com/", "Microsoft"),
        ("public.ecr.aws/amazonlinux/", "Amazon"),
        ("public.ecr.aws/docker/library/", "Docker Official Images"),
        ("registry.suse.com/", "SUSE"),
        ("quay.io/centos/", "CentOS Project"),
        ("docker.io/opensuse/", "openSUSE Project"),
    ];
    VENDORS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, vendor)| *vendor)
}

/// `KEY=value` pairs of an os-release style file, quotes removed.
fn key_values(text: &str) -> Vec<(&str, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            Some((key.trim(), unquoted.replace("\\\"", "\"")))
        })
        .collect()
}

/// Text from the image, cut to `max` bytes on a character boundary.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A token safe to put in an image name: `[A-Za-z0-9._-]`, at most 32 bytes.
fn token(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= 32
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    ok.then(|| value.to_string())
}

/// The distribution of the final tree, from the first release file that says.
fn distribution(files: &KeptFiles) -> Option<Distribution> {
    for path in ["etc/os-release", "usr/lib/os-release"] {
        let Some(text) = files.text(path) else {
            continue;
        };
        let pairs = key_values(&text);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let Some(id) = get("ID") else {
            continue;
        };
        let mut d = Distribution {
            id: truncate(&id.to_ascii_lowercase(), 64),
            version: get("VERSION_ID").map(|v| truncate(v, 64)),
            codename: get("VERSION_CODENAME").map(|v| truncate(v, 64)),
            pretty_name: get("PRETTY_NAME").map(|v| truncate(v, MAX_TEXT)),
            vendor: None,
            file: format!("/{path}"),
        };
        // Google's distroless images keep Debian's ID but say so in PRETTY_NAME and HOME_URL.
        if d.id == "debian"
            && (d.pretty_name.as_deref() == Some("Distroless")
                || get("HOME_URL").is_some_and(|u| u.contains("distroless")))
        {
            d.id = "distroless".into();
        }
        d.vendor = known_distribution(&d).map(|k| k.vendor);
        return Some(d);
    }
    let release_file = |path: &str, id: &str, version: Option<String>| {
        let mut d = Distribution {
            id: id.to_string(),
            version,
            codename: None,
            pretty_name: None,
            vendor: None,
            file: format!("/{path}"),
        };
        d.vendor = known_distribution(&d).map(|k| k.vendor);
        d
    };
    if let Some(text) = files.text("etc/alpine-release") {
        let version = text.trim();
        return Some(release_file(
            "etc/alpine-release",
            "alpine",
            (!version.is_empty()).then(|| truncate(version, 64)),
        ));
    }
    if let Some(text) = files.text("etc/redhat-release") {
        // `Rocky Linux release 9.3 (Blue Onyx)`, `CentOS Linux release 7.9.2009 (Core)`.
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let id = [
            ("red hat", "rhel"),
            ("centos", "centos"),
            ("rocky", "rocky"),
            ("almalinux", "almalinux"),
            ("fedora", "fedora"),
            ("oracle", "ol"),
        ]
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map_or("redhat-family", |(_, id)| id);
        let version = text
            .split_once(" release ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .map(|v| truncate(v, 64));
        let mut d = release_file("etc/redhat-release", id, version);
        if lower.contains("stream") {
            d.pretty_name = Some(truncate(text, MAX_TEXT));
        }
        return Some(d);
    }
    if let Some(text) = files.text("etc/lsb-release") {
        let pairs = key_values(&text);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(id) = get("DISTRIB_ID") {
            let id = truncate(&id.to_ascii_lowercase(), 64);
            return Some(release_file(
                "etc/lsb-release",
                &id,
                get("DISTRIB_RELEASE").map(|v| truncate(&v, 64)),
            ));
        }
    }
    if let Some(text) = files.text("etc/debian_version") {
        // `12.5`, or `trixie/sid` on testing.
        let version = text.trim();
        let mut d = release_file("etc/debian_version", "debian", None);
        match version.split_once('/') {
            Some((codename, _)) => d.codename = Some(truncate(codename, 64)),
            None if !version.is_empty() => d.version = Some(truncate(version, 64)),
            None => {}
        }
        return Some(d);
    }
    None
}

/// A distribution we know: its publisher and its usual image.
struct Known {
    vendor: &'static str,
    name: Option<String>,
}

/// Publisher and usual image of a known distribution.
fn known_distribution(d: &Distribution) -> Option<Known> {
    let version = d.version.as_deref().and_then(token);
    let codename = d.codename.as_deref().and_then(token);
    let major = version
        .as_deref()
        .map(|v| v.split(['.', '_', '-']).next().unwrap_or(v).to_string());
    let major_minor = version.as_deref().map(|v| {
        let mut parts = v.split(['.', '_', '-']);
        match (parts.next(), parts.next()) {
            (Some(a), Some(b)) => format!("{a}.{b}"),
            _ => v.to_string(),
        }
    });
    let pretty = d.pretty_name.as_deref().unwrap_or("").to_ascii_lowercase();
    let tagged = |repo: &str, tag: Option<String>| match tag {
        Some(t) => format!("{repo}:{t}"),
        None => repo.to_string(),
    };
    let (vendor, name) = match d.id.as_str() {
        "debian" => ("Debian", tagged("debian", major.or(codename))),
        "distroless" => (
            "Google (distroless)",
            format!(
                "gcr.io/distroless/*-debian{}",
                major.unwrap_or_else(|| "*".into())
            ),
        ),
        "ubuntu" => ("Canonical", tagged("ubuntu", version.or(codename))),
        "alpine" if pretty.contains("edge") => ("Alpine Linux", "alpine:edge".into()),
        "alpine" => ("Alpine Linux", tagged("alpine", major_minor)),
        "fedora" => ("Fedora Project", tagged("fedora", major)),
        "rhel" => (
            "Red Hat",
            format!(
                "registry.access.redhat.com/ubi{}",
                major.unwrap_or_default()
            ),
        ),
        "centos" if pretty.contains("stream") => (
            "CentOS Project",
            tagged("quay.io/centos/centos", major.map(|m| format!("stream{m}"))),
        ),
        "centos" => ("CentOS Project", tagged("centos", major)),
        "rocky" => (
            "Rocky Enterprise Software Foundation",
            tagged("rockylinux", major),
        ),
        "almalinux" => ("AlmaLinux OS Foundation", tagged("almalinux", major)),
        "ol" => ("Oracle", tagged("oraclelinux", major)),
        "amzn" => ("Amazon", tagged("amazonlinux", major)),
        "opensuse-leap" => ("openSUSE Project", tagged("opensuse/leap", version)),
        "opensuse-tumbleweed" => ("openSUSE Project", "opensuse/tumbleweed".into()),
        "sles" => ("SUSE", tagged("registry.suse.com/bci/bci-base", version)),
        "photon" => ("Broadcom (VMware Photon OS)", tagged("photon", version)),
        "azurelinux" => (
            "Microsoft",
            tagged("mcr.microsoft.com/azurelinux/base/core", major_minor),
        ),
        "mariner" => (
            "Microsoft",
            tagged("mcr.microsoft.com/cbl-mariner/base/core", major_minor),
        ),
        "arch" => ("Arch Linux", "archlinux".into()),
        "wolfi" | "chainguard" => ("Chainguard", "cgr.dev/chainguard/*".into()),
        _ => return None,
    };
    Some(Known {
        vendor,
        name: Some(name),
    })
}

/// The `created_by` of the first history entry when it adds a root filesystem at `/`:
/// `ADD file:<hash> in /` (classic builder, `/bin/sh -c #(nop) ` prefix), `ADD <tarball> /`
/// (BuildKit, `# buildkit` suffix), or debuerreotype's `# debian.sh …` comment.
fn rootfs_entry(history: &[History]) -> Option<&str> {
    let created_by = history.first()?.created_by.as_deref()?.trim();
    let instruction = created_by
        .strip_prefix("/bin/sh -c #(nop)")
        .unwrap_or(created_by)
        .trim();
    let instruction = instruction
        .strip_suffix("# buildkit")
        .unwrap_or(instruction)
        .trim();
    let adds_root = instruction
        .strip_prefix("ADD ")
        .map(str::trim)
        .is_some_and(|rest| rest.ends_with(" in /") || rest.ends_with(" /"));
    (adds_root || instruction.starts_with("# debian.sh ")).then_some(created_by)
}

/// A base named by the root filesystem of the first history entry: Alpine's
/// `alpine-minirootfs-<version>-<arch>.tar.gz`, debuerreotype's `# debian.sh … '<suite>'`.
fn named_rootfs(created_by: &str) -> Option<(String, &'static str)> {
    if let Some(at) = created_by.find("alpine-minirootfs-") {
        let rest = &created_by[at + "alpine-minirootfs-".len()..];
        let version = rest.split('-').next()?;
        let mut parts = version.split('.');
        let (major, minor) = (parts.next()?, parts.next()?);
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        return (all_digits(major) && all_digits(minor))
            .then(|| (format!("alpine:{major}.{minor}"), "Alpine Linux"));
    }
    if let Some(args) = created_by.trim().strip_prefix("# debian.sh ") {
        // `--arch 'amd64' out/ 'bookworm' '@1728259200'`: the suite is the quoted word after
        // the output directory.
        let words: Vec<&str> = args.split_whitespace().collect();
        let out = words.iter().position(|w| w.ends_with('/'))?;
        let suite = words.get(out + 1)?.trim_matches('\'');
        return token(suite).map(|s| (format!("debian:{s}"), "Debian"));
    }
    None
}

/// Whether `/bin/busybox` (through the image's own links) is a file.
fn has_busybox(tree: &FileTree) -> bool {
    tree.resolve("bin/busybox")
        .and_then(|p| tree.get(&p))
        .is_some_and(|e| matches!(e.kind, EntryKind::File | EntryKind::Hardlink))
}

#[cfg(test)]
pub(crate) mod test_support {
    use dockguard_core::{Config, Finding};

    use crate::analyzers::Facts;
    use crate::checks::testing::Mem;
    use crate::checks::{Rule, conclude};
    use crate::source::{ImageManifest, ImageSource};
    use crate::walk::{Limits, walk};

    /// The findings of `rule` alone on `image`, its manifest changed by `edit`.
    pub fn run_with(
        rule: &dyn Rule,
        image: &Mem,
        edit: impl FnOnce(&mut ImageManifest),
        settings: &Config,
    ) -> Vec<Finding> {
        let mut facts = Facts::default();
        let result = walk(image, &mut facts.all_mut(), &Limits::default()).unwrap();
        let mut manifest = image.manifest().clone();
        edit(&mut manifest);
        let analysis = conclude(
            manifest,
            image.config().clone(),
            result,
            facts,
            "img",
            settings,
        );
        analysis
            .findings
            .into_iter()
            .filter(|f| f.code == rule.meta().code)
            .collect()
    }

    /// An empty config with `trusted_registries`.
    pub fn trusting(patterns: &[&str]) -> Config {
        Config {
            trusted_registries: patterns.iter().map(|p| p.to_string()).collect(),
            ..Config::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, Mem, image, layer};
    use crate::source::ImageSource;
    use crate::walk::{Limits, walk};

    /// The base of `img`, its manifest annotations replaced by `annotations`.
    fn base_of(img: &Mem, annotations: &[(&str, &str)]) -> BaseImage {
        let mut files = KeptFiles::default();
        let result = walk(img, &mut [&mut files], &Limits::default()).unwrap();
        let mut manifest = img.manifest().clone();
        manifest.annotations = annotations
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        BaseImage::identify(&manifest, img.config(), &files, &result.tree)
    }

    fn with_file(path: &str, content: &str) -> Mem {
        image(
            "{}",
            vec![layer(&[E::File(path, content.as_bytes(), 0o644)])],
        )
    }

    fn entry(created_by: &str) -> History {
        History {
            created_by: Some(created_by.into()),
            ..History::default()
        }
    }

    #[test]
    fn annotations_win_and_carry_the_digest() {
        let img = with_file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        let b = base_of(
            &img,
            &[
                (BASE_NAME_KEY, "docker.io/library/debian:bookworm-slim"),
                (BASE_DIGEST_KEY, "sha256:abc"),
            ],
        );
        assert_eq!(b.found_by, FoundBy::Annotation);
        assert_eq!(
            b.name.as_deref(),
            Some("docker.io/library/debian:bookworm-slim")
        );
        assert_eq!(b.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(b.vendor, Some("Docker Official Images"));
        assert!(b.known_vendor && b.is_declared());
        // The distribution underneath is still read.
        assert_eq!(b.distribution.unwrap().id, "debian");

        // A label when there is no annotation; the digest may sit in the name.
        let mut img = with_file("etc/os-release", "ID=debian\n");
        img.config_mut().config.labels.insert(
            BASE_NAME_KEY.into(),
            "registry.corp.example/base@sha256:def".into(),
        );
        let b = base_of(&img, &[]);
        assert_eq!(b.found_by, FoundBy::Label);
        assert_eq!(b.digest.as_deref(), Some("sha256:def"));
        assert!(!b.known_vendor);
        assert_eq!(b.vendor, None);
    }

    #[test]
    fn os_release_names_the_distribution_image() {
        for (content, name, vendor) in [
            (
                "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
                "debian:12",
                "Debian",
            ),
            (
                "ID=debian\nVERSION_CODENAME=trixie\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n",
                "debian:trixie",
                "Debian",
            ),
            (
                "ID=alpine\nVERSION_ID=3.20.3\n",
                "alpine:3.20",
                "Alpine Linux",
            ),
            (
                "ID=alpine\nVERSION_ID=3.21.0_alpha20240807\nPRETTY_NAME=\"Alpine Linux edge\"\n",
                "alpine:edge",
                "Alpine Linux",
            ),
            (
                "ID=ubuntu\nVERSION_ID=\"24.04\"\n",
                "ubuntu:24.04",
                "Canonical",
            ),
            ("ID=fedora\nVERSION_ID=40\n", "fedora:40", "Fedora Project"),
            (
                "ID=\"rhel\"\nVERSION_ID=\"9.4\"\n",
                "registry.access.redhat.com/ubi9",
                "Red Hat",
            ),
            (
                "ID=\"rocky\"\nVERSION_ID=\"9.3\"\n",
                "rockylinux:9",
                "Rocky Enterprise Software Foundation",
            ),
            (
                "ID=\"centos\"\nVERSION_ID=\"9\"\nPRETTY_NAME=\"CentOS Stream 9\"\n",
                "quay.io/centos/centos:stream9",
                "CentOS Project",
            ),
            (
                "ID=\"amzn\"\nVERSION_ID=\"2023\"\n",
                "amazonlinux:2023",
                "Amazon",
            ),
            (
                "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\nHOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n",
                "gcr.io/distroless/*-debian12",
                "Google (distroless)",
            ),
            (
                "ID=wolfi\nNAME=\"Wolfi\"\nVERSION_ID=20230201\n",
                "cgr.dev/chainguard/*",
                "Chainguard",
            ),
        ] {
            let b = base_of(&with_file("etc/os-release", content), &[]);
            assert_eq!(b.found_by, FoundBy::OsRelease, "{content}");
            assert_eq!(b.name.as_deref(), Some(name), "{content}");
            assert_eq!(b.vendor, Some(vendor), "{content}");
            assert!(b.known_vendor, "{content}");
            assert!(!b.is_declared());
        }
        // /usr/lib/os-release alone, and an unknown distribution: identified, not known.
        let b = base_of(
            &with_file("usr/lib/os-release", "ID=myos\nVERSION_ID=1\n"),
            &[],
        );
        assert_eq!(b.found_by, FoundBy::OsRelease);
        assert_eq!(b.evidence.as_deref(), Some("/usr/lib/os-release"));
        assert_eq!((b.name, b.known_vendor), (None, false));
        // A hostile value is not turned into an image name.
        let b = base_of(
            &with_file("etc/os-release", "ID=debian\nVERSION_ID=\"12 evil/../x\"\n"),
            &[],
        );
        assert_eq!(b.name.as_deref(), Some("debian"));
    }

    #[test]
    fn other_release_files() {
        let b = base_of(&with_file("etc/alpine-release", "3.19.1\n"), &[]);
        assert_eq!(
            (b.found_by, b.name.as_deref()),
            (FoundBy::ReleaseFile, Some("alpine:3.19"))
        );
        let b = base_of(&with_file("etc/debian_version", "11.9\n"), &[]);
        assert_eq!(b.name.as_deref(), Some("debian:11"));
        let b = base_of(
            &with_file(
                "etc/redhat-release",
                "CentOS Linux release 7.9.2009 (Core)\n",
            ),
            &[],
        );
        assert_eq!(b.name.as_deref(), Some("centos:7"));
        let b = base_of(
            &with_file(
                "etc/lsb-release",
                "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\n",
            ),
            &[],
        );
        assert_eq!(b.name.as_deref(), Some("ubuntu:22.04"));
    }

    #[test]
    fn history_and_busybox() {
        // Alpine's rootfs tarball, as BuildKit records it; no release file left.
        let mut img = with_file("app", "x");
        img.config_mut().history = vec![
            entry("ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit"),
            entry("CMD [\"/bin/sh\"]"),
        ];
        let b = base_of(&img, &[]);
        assert_eq!(
            (b.found_by, b.name.as_deref()),
            (FoundBy::History, Some("alpine:3.20"))
        );
        img.config_mut().history = vec![entry(
            "# debian.sh --arch 'amd64' out/ 'bookworm' '@1728259200'",
        )];
        assert_eq!(base_of(&img, &[]).name.as_deref(), Some("debian:bookworm"));
        // A root filesystem of unknown origin is evidence, not an identification.
        img.config_mut().history = vec![entry("/bin/sh -c #(nop) ADD file:5ec1b2c3d4 in / ")];
        let b = base_of(&img, &[]);
        assert_eq!(b.found_by, FoundBy::Unidentified);
        assert!(b.rootfs_entry.unwrap().contains("ADD file:5ec1b2c3d4 in /"));
        // A later entry adding at `/` is not a base root filesystem.
        img.config_mut().history = vec![entry("RUN make"), entry("ADD app.tar /")];
        assert_eq!(base_of(&img, &[]).rootfs_entry, None);

        // busybox: no release file, /bin/busybox behind a /bin → usr/bin link.
        let img = image(
            "{}",
            vec![layer(&[
                E::Symlink("bin", "usr/bin"),
                E::File("usr/bin/busybox", b"\x7fELF", 0o755),
            ])],
        );
        let b = base_of(&img, &[]);
        assert_eq!(
            (b.found_by, b.name.as_deref()),
            (FoundBy::Busybox, Some("busybox"))
        );
        let b = base_of(&with_file("app", "x"), &[]);
        assert_eq!(
            (b.found_by, b.name, b.known_vendor),
            (FoundBy::Unidentified, None, false)
        );
    }

    #[test]
    fn references_skip_bare_tags_and_duplicates() {
        let mut m = with_file("app", "x").manifest().clone();
        m.names = vec![
            "docker.io/library/demo:1".into(),
            "1".into(),
            "demo:1".into(),
            "docker.io/library/demo:1".into(),
        ];
        m.repo_digests = vec!["ghcr.io/o/demo@sha256:abc".into()];
        assert_eq!(
            image_references(&m),
            [
                "ghcr.io/o/demo@sha256:abc",
                "docker.io/library/demo:1",
                "demo:1"
            ]
        );
    }

    #[test]
    fn serializes_with_kebab_case_evidence() {
        let b = base_of(
            &with_file("etc/os-release", "ID=alpine\nVERSION_ID=3.20.0\n"),
            &[],
        );
        let json = serde_json::to_value(&b).unwrap();
        assert_eq!(json["found_by"], "os-release");
        assert_eq!(json["name"], "alpine:3.20");
        assert_eq!(json["distribution"]["vendor"], "Alpine Linux");
    }
}
