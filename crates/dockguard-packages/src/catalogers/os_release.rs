//! The operating system from its release files: `os-release` (`etc/` or `usr/lib/`), and the
//! distribution-specific files of images that have no os-release.

use super::{Cataloger, Parsed};
use crate::model::Distro;

pub struct OsRelease;

const FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/alpine-release",
    "etc/debian_version",
    "etc/redhat-release",
];

impl Cataloger for OsRelease {
    fn name(&self) -> &'static str {
        "os-release"
    }

    fn wants(&self, path: &str) -> bool {
        FILES.contains(&path)
    }

    fn max_size(&self) -> u64 {
        64 * 1024
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let distro = match path.rsplit('/').next().unwrap_or(path) {
            "os-release" => parse_os_release(&text),
            "alpine-release" => first_line(&text).map(|v| Distro {
                id: "alpine".into(),
                version_id: Some(v),
                ..Distro::default()
            }),
            "debian_version" => first_line(&text).map(|v| Distro {
                id: "debian".into(),
                // `12.7` → `12`; testing says `trixie/sid`.
                version_id: v
                    .split('.')
                    .next()
                    .filter(|m| m.bytes().all(|b| b.is_ascii_digit()) && !m.is_empty())
                    .map(str::to_string),
                codename: (!v.starts_with(|c: char| c.is_ascii_digit()))
                    .then(|| v.split('/').next().unwrap_or(&v).to_string()),
                ..Distro::default()
            }),
            "redhat-release" => first_line(&text).and_then(|line| redhat_release(&line)),
            _ => None,
        };
        let mut parsed = Parsed {
            distro,
            ..Parsed::default()
        };
        if parsed.distro.is_none() && !text.trim().is_empty() {
            parsed.warn(path, None, "no distribution found in this release file");
        }
        parsed
    }
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// `KEY=value` lines, values unquoted.
fn parse_os_release(text: &str) -> Option<Distro> {
    let mut d = Distro::default();
    for line in text.lines() {
        let Some((key, value)) = line.trim().split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string();
        if value.is_empty() {
            continue;
        }
        match key.trim() {
            "ID" => d.id = value.to_ascii_lowercase(),
            "VERSION_ID" => d.version_id = Some(value),
            "VERSION_CODENAME" => d.codename = Some(value),
            "PRETTY_NAME" => d.pretty_name = Some(value),
            _ => {}
        }
    }
    (!d.id.is_empty()).then_some(d)
}

/// `Red Hat Enterprise Linux release 9.4 (Plow)`, `CentOS Linux release 7.9.2009 (Core)`,
/// `Fedora release 40 (Forty)`.
fn redhat_release(line: &str) -> Option<Distro> {
    let lower = line.to_ascii_lowercase();
    let id = if lower.starts_with("red hat") {
        "rhel"
    } else if lower.starts_with("centos") {
        "centos"
    } else if lower.starts_with("fedora") {
        "fedora"
    } else if lower.starts_with("rocky") {
        "rocky"
    } else if lower.starts_with("almalinux") {
        "almalinux"
    } else {
        return None;
    };
    let version = lower
        .split_once(" release ")
        .map(|(_, rest)| rest.split_whitespace().next().unwrap_or("").to_string())
        .filter(|v| !v.is_empty());
    Some(Distro {
        id: id.into(),
        version_id: version,
        pretty_name: Some(line.to_string()),
        ..Distro::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_files() {
        let p = OsRelease.parse(
            "etc/os-release",
            b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
        );
        let d = p.distro.unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("debian", Some("12"))
        );
        assert_eq!(d.codename.as_deref(), Some("bookworm"));
        let d = OsRelease
            .parse("etc/alpine-release", b"3.20.3\n")
            .distro
            .unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("alpine", Some("3.20.3"))
        );
        let d = OsRelease
            .parse("etc/debian_version", b"12.7\n")
            .distro
            .unwrap();
        assert_eq!(d.version_id.as_deref(), Some("12"));
        let d = OsRelease
            .parse("etc/debian_version", b"trixie/sid\n")
            .distro
            .unwrap();
        assert_eq!(
            (d.version_id, d.codename.as_deref()),
            (None, Some("trixie"))
        );
        let d = OsRelease
            .parse(
                "etc/redhat-release",
                b"Red Hat Enterprise Linux release 9.4 (Plow)\n",
            )
            .distro
            .unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("rhel", Some("9.4"))
        );
        let p = OsRelease.parse("etc/os-release", b"garbage\xff\xfe");
        assert!(p.distro.is_none());
        assert_eq!(p.warnings.len(), 1);
    }
}
