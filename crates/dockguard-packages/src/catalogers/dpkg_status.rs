//! Debian and Ubuntu packages from the dpkg database `var/lib/dpkg/status`.
//!
//! The file is a list of RFC-822 (deb822) stanzas separated by blank lines; a line starting
//! with a space or a tab continues the field above it. Read per stanza:
//!
//! - `Package`, `Version` (as written, epoch included: `1:2.3-4`), `Architecture`;
//! - `Status`: only installed packages are kept, i.e. the third word is `installed` and the
//!   wanted action is not `deinstall`/`purge` (`install ok installed`, `hold ok installed`).
//!   Removed packages whose configuration files remain (`deinstall ok config-files`) and
//!   half-installed ones are skipped. A stanza without `Status` is kept (as Trivy does);
//! - `Source`: `openssl` or `openssl (3.0.11-1)` gives the source package name and, when the
//!   parentheses are there, its version; without them the source version is the package's,
//!   and without `Source` the source package is the package itself (name and version);
//! - `Depends` and `Pre-Depends`: the names of every alternative, version constraints and
//!   `:any`/`:<arch>` qualifiers removed.
//!
//! `Multi-Arch` and the other fields are ignored. Licences are not read: Debian keeps them in
//! `usr/share/doc/<package>/copyright` (free-form or DEP-5 text), which is not parsed yet.
//! The files a package owns come from `var/lib/dpkg/info/<package>[:<arch>].list`, read by
//! [`super::dpkg_files`] and merged into these packages after the walk.

use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct DpkgStatus;

pub(crate) const STATUS_PATH: &str = "var/lib/dpkg/status";

/// Warnings reported per file at most; a binary file given by mistake would otherwise give one
/// per line.
pub(crate) const MAX_WARNINGS: usize = 20;

impl Cataloger for DpkgStatus {
    fn name(&self) -> &'static str {
        "dpkg-status"
    }

    fn wants(&self, path: &str) -> bool {
        path == STATUS_PATH
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        parse_packages(path, content)
    }
}

/// Adds a warning unless the file already has [`MAX_WARNINGS`]; the last one says so.
pub(crate) fn warn_capped(parsed: &mut Parsed, path: &str, line: Option<u32>, message: &str) {
    match parsed.warnings.len() {
        n if n + 1 < MAX_WARNINGS => parsed.warn(path, line, message),
        n if n + 1 == MAX_WARNINGS => parsed.warn(
            path,
            line,
            format!("{message} (further problems not reported)"),
        ),
        _ => {}
    }
}

/// One deb822 stanza: its first line and its fields (name, value; continuation lines joined
/// to the value with a newline).
pub(crate) struct Stanza {
    pub line: u32,
    pub fields: Vec<(String, String)>,
}

impl Stanza {
    /// The value of a field, names compared without regard to case; `None` when absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The stanzas of a deb822 file; malformed lines are warned about and skipped.
pub(crate) fn stanzas(path: &str, text: &str, parsed: &mut Parsed) -> Vec<Stanza> {
    let mut out = Vec::new();
    let mut current: Option<Stanza> = None;
    for (i, raw) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match current.as_mut().and_then(|s| s.fields.last_mut()) {
                Some((_, value)) => {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                None => warn_capped(
                    parsed,
                    path,
                    Some(number),
                    "continuation line without a field before it",
                ),
            }
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() && !name.contains(' ') => {
                current
                    .get_or_insert_with(|| Stanza {
                        line: number,
                        fields: Vec::new(),
                    })
                    .fields
                    .push((name.to_string(), value.trim().to_string()));
            }
            _ => warn_capped(parsed, path, Some(number), "line is not a `Field: value`"),
        }
    }
    out.extend(current);
    out
}

/// Whether a `Status` value (`want error state`) describes an installed package.
pub(crate) fn is_installed(status: &str) -> bool {
    let words: Vec<&str> = status.split_whitespace().collect();
    match words.as_slice() {
        [want, _error, state] => *state == "installed" && !matches!(*want, "deinstall" | "purge"),
        _ => false,
    }
}

/// The packages of a status-like file (`status`, `status.d/*`).
pub(crate) fn parse_packages(path: &str, content: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let text = String::from_utf8_lossy(content);
    for stanza in stanzas(path, &text, &mut parsed) {
        if let Some(package) = package_of(path, &stanza, &mut parsed) {
            parsed.packages.push(package);
        }
    }
    parsed
}

/// The package of one stanza, if it is installed and complete.
fn package_of(path: &str, stanza: &Stanza, parsed: &mut Parsed) -> Option<Package> {
    let Some(name) = stanza.get("Package").filter(|n| !n.is_empty()) else {
        warn_capped(parsed, path, Some(stanza.line), "stanza without `Package`");
        return None;
    };
    if let Some(status) = stanza.get("Status")
        && !is_installed(status)
    {
        return None;
    }
    let Some(version) = stanza.get("Version").filter(|v| !v.is_empty()) else {
        warn_capped(
            parsed,
            path,
            Some(stanza.line),
            &format!("package `{name}` has no `Version`"),
        );
        return None;
    };
    let mut p = Package::new(Ecosystem::Deb, name, version);
    p.arch = stanza
        .get("Architecture")
        .filter(|a| !a.is_empty())
        .map(str::to_string);
    let (source_name, source_version) = match stanza.get("Source").map(str::trim) {
        Some(source) if !source.is_empty() => match source.split_once(char::is_whitespace) {
            Some((n, rest)) => {
                let v = rest
                    .trim()
                    .strip_prefix('(')
                    .and_then(|r| r.strip_suffix(')'))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .unwrap_or(version);
                (n, v)
            }
            None => (source, version),
        },
        _ => (name, version),
    };
    p.source_name = Some(source_name.to_string());
    p.source_version = Some(source_version.to_string());
    for field in ["Pre-Depends", "Depends"] {
        if let Some(value) = stanza.get(field) {
            for dep in dependency_names(value) {
                if dep != name && !p.dependencies.iter().any(|d| d == dep) {
                    p.dependencies.push(dep.to_string());
                }
            }
        }
    }
    Some(p)
}

/// `libc6 (>= 2.34), debconf | debconf-2.0, python3:any` → `libc6`, `debconf`, `debconf-2.0`,
/// `python3`.
fn dependency_names(value: &str) -> impl Iterator<Item = &str> {
    value
        .split([',', '|'])
        .filter_map(|alt| alt.split(['(', '[', '<']).next())
        .map(|n| n.trim())
        .filter_map(|n| n.split_whitespace().next())
        .map(|n| n.split(':').next().unwrap_or(n))
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stanzas as Debian bookworm writes them (trimmed descriptions).
    const BOOKWORM_STATUS: &str = "\
Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u7
Replaces: base, dpkg (<= 1.15.0), miscutils
Provides: base
Conffiles:
 /etc/debian_version 2d5e6d8b9e0a2a8e2b4a7b2c5f0b0e54
 /etc/dpkg/origins/debian c47b6815f67ad1aeccb0d4529bd0b990
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system, and
 several important miscellaneous files, such as /etc/debian_version,
 /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
 and the text of several common licenses in use on Debian systems.

Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6180
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.15-1~deb12u1
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL
 and TLS cryptographic protocols for secure communication over the
 Internet.
 .
 It provides the libssl and libcrypto shared libraries.
Homepage: https://www.openssl.org/

Package: bash
Essential: yes
Status: hold ok installed
Priority: required
Section: shells
Installed-Size: 7164
Maintainer: Matthias Klose <doko@debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: bash (5.2.15-2)
Version: 5.2.15-2+b7
Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Recommends: bash-completion (>= 20060301-0)
Suggests: bash-doc
Conffiles:
 /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d
 /etc/skel/.bash_logout 22bfb8c1dd94b5f3813a2b25da67463f
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter that executes
 commands read from the standard input or from a file.
Homepage: http://tiswww.case.edu/php/chet/bash/bashtop.html

Package: openssl
Status: deinstall ok config-files
Priority: optional
Section: utils
Installed-Size: 2295
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Version: 3.0.15-1~deb12u1
Conffiles:
 /etc/ssl/openssl.cnf 6b4a68b1dc00a6cbec1a04ef07cce6a7

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u8
Replaces: libc6-amd64
Depends: libgcc-s1
Recommends: libidn2-0 (>= 2.0.5~)
Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: python3-yaml
Status: install ok half-installed
Architecture: amd64
Source: pyyaml
Version: 6.0-3+b2

Package: tzdata
Status: install ok installed
Priority: required
Section: localization
Installed-Size: 2615
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: all
Multi-Arch: foreign
Version: 2024a-0+deb12u1
Provides: tzdata-bookworm
Depends: debconf (>= 0.5) | debconf-2.0
Description: time zone and daylight-saving time data
";

    fn find<'a>(parsed: &'a Parsed, name: &str) -> &'a Package {
        parsed
            .packages
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn bookworm_status() {
        assert!(DpkgStatus.wants("var/lib/dpkg/status"));
        assert!(!DpkgStatus.wants("var/lib/dpkg/status-old"));
        assert!(!DpkgStatus.wants("usr/var/lib/dpkg/status.d/foo"));
        let parsed = DpkgStatus.parse(STATUS_PATH, BOOKWORM_STATUS.as_bytes());
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let names: Vec<&str> = parsed.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["base-files", "libssl3", "bash", "libc6", "tzdata"]);

        let ssl = find(&parsed, "libssl3");
        assert_eq!(ssl.version, "3.0.15-1~deb12u1");
        assert_eq!(ssl.arch.as_deref(), Some("amd64"));
        assert_eq!(ssl.source_name.as_deref(), Some("openssl"));
        assert_eq!(ssl.source_version.as_deref(), Some("3.0.15-1~deb12u1"));
        assert_eq!(ssl.dependencies, ["libc6"]);
        assert!(ssl.licenses.is_empty());

        let bash = find(&parsed, "bash");
        assert_eq!(bash.version, "5.2.15-2+b7");
        assert_eq!(bash.source_name.as_deref(), Some("bash"));
        assert_eq!(bash.source_version.as_deref(), Some("5.2.15-2"));
        assert_eq!(
            bash.dependencies,
            ["libc6", "libtinfo6", "base-files", "debianutils"]
        );

        let base = find(&parsed, "base-files");
        assert_eq!(base.source_name.as_deref(), Some("base-files"));
        assert_eq!(base.source_version.as_deref(), Some("12.4+deb12u7"));

        let tz = find(&parsed, "tzdata");
        assert_eq!(tz.arch.as_deref(), Some("all"));
        assert_eq!(tz.dependencies, ["debconf", "debconf-2.0"]);
    }

    #[test]
    fn statuses() {
        assert!(is_installed("install ok installed"));
        assert!(is_installed("hold ok installed"));
        assert!(!is_installed("deinstall ok config-files"));
        assert!(!is_installed("deinstall ok installed"));
        assert!(!is_installed("purge ok not-installed"));
        assert!(!is_installed("install ok unpacked"));
        assert!(!is_installed("installed"));
    }

    #[test]
    fn epochs_arch_qualifiers_and_crlf() {
        let text = "Package: perl-base\r\nStatus: install ok installed\r\nArchitecture: amd64\r\n\
            Source: perl\r\nVersion: 5.36.0-7+deb12u1\r\nPre-Depends: libc6 (>= 2.35), libcrypt1 (>= 1:4.1.0)\r\n\r\n\
            Package: libgcrypt20\nStatus: install ok installed\nArchitecture: amd64\n\
            Version: 1.10.1-3\nDepends: libc6 (>= 2.34),\n libgpg-error0 (>= 1.27), python3:any\n\n\
            Package: login\nStatus: install ok installed\nArchitecture: amd64\n\
            Source: shadow (1:4.13+dfsg1-1)\nVersion: 1:4.13+dfsg1-1+b1\n";
        let parsed = DpkgStatus.parse(STATUS_PATH, text.as_bytes());
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.packages.len(), 3);
        assert_eq!(parsed.packages[0].name, "perl-base");
        assert_eq!(parsed.packages[0].dependencies, ["libc6", "libcrypt1"]);
        assert_eq!(
            parsed.packages[1].dependencies,
            ["libc6", "libgpg-error0", "python3"]
        );
        let login = &parsed.packages[2];
        assert_eq!(login.version, "1:4.13+dfsg1-1+b1");
        assert_eq!(login.source_name.as_deref(), Some("shadow"));
        assert_eq!(login.source_version.as_deref(), Some("1:4.13+dfsg1-1"));
    }

    #[test]
    fn garbage_and_truncated() {
        let parsed = DpkgStatus.parse(
            STATUS_PATH,
            b"\x00\xff\xfe garbage\n\tmore\nno colon here\n",
        );
        assert!(parsed.packages.is_empty());
        assert!(!parsed.warnings.is_empty());
        assert!(parsed.warnings.iter().all(|w| w.line.is_some()));

        // Cut in the middle of the second stanza: the first is kept, the second has no
        // version yet and is warned about.
        let cut = &BOOKWORM_STATUS[..BOOKWORM_STATUS.find("Version: 3.0.15").unwrap_or(0)];
        let parsed = DpkgStatus.parse(STATUS_PATH, cut.as_bytes());
        assert_eq!(parsed.packages.len(), 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(22));

        // A stanza without Package.
        let parsed = DpkgStatus.parse(STATUS_PATH, b"Version: 1.0\nStatus: install ok installed\n");
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.warnings.len(), 1);

        // Many bad lines: warnings are capped.
        let junk = "junk\n".repeat(10_000);
        let parsed = DpkgStatus.parse(STATUS_PATH, junk.as_bytes());
        assert_eq!(parsed.warnings.len(), MAX_WARNINGS);

        assert!(DpkgStatus.parse(STATUS_PATH, b"").packages.is_empty());
        assert!(DpkgStatus.parse(STATUS_PATH, b"").warnings.is_empty());
    }
}
