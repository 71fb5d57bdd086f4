//! Debian packages of distroless images: `var/lib/dpkg/status.d/<name>`.
//!
//! Distroless images have no `var/lib/dpkg/status`; each package (or group of packages) gets
//! a file in `status.d/` with the same deb822 stanzas, read exactly as in
//! [`super::dpkg_status`] (`Package`, `Version`, `Architecture`, `Source`, `Depends`). These
//! stanzas have no `Status` field: the packages are installed by definition (a `Status` that is
//! there anyway is still honoured). The `<name>.md5sums` files beside them are not stanzas;
//! [`super::dpkg_files`] reads them as the packages' file lists. No licences (see
//! [`super::dpkg_status`]).

use super::dpkg_status::parse_packages;
use super::{Cataloger, Parsed};

pub struct DpkgStatusD;

pub(crate) const STATUS_D_DIR: &str = "var/lib/dpkg/status.d/";

impl Cataloger for DpkgStatusD {
    fn name(&self) -> &'static str {
        "dpkg-status-d"
    }

    fn wants(&self, path: &str) -> bool {
        path.strip_prefix(STATUS_D_DIR).is_some_and(|name| {
            !name.is_empty() && !name.contains('/') && !name.ends_with(".md5sums")
        })
    }

    fn max_size(&self) -> u64 {
        4 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        parse_packages(path, content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `var/lib/dpkg/status.d/libssl3` of gcr.io/distroless/base-debian12.
    const LIBSSL3: &str = "\
Package: libssl3
Source: openssl
Version: 3.0.15-1~deb12u1
Architecture: amd64
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Installed-Size: 6180
Depends: libc6 (>= 2.34)
Section: libs
Priority: optional
Multi-Arch: same
Homepage: https://www.openssl.org/
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL
 and TLS cryptographic protocols for secure communication over the
 Internet.
";

    /// Older distroless images put several packages in one file (`status.d/base`).
    const BASE: &str = "\
Package: base-files
Version: 12.4+deb12u7
Architecture: amd64
Maintainer: Santiago Vila <sanvila@debian.org>
Essential: yes
Description: Debian base system miscellaneous files

Package: netbase
Version: 6.4
Architecture: all
Description: Basic TCP/IP networking system

Package: tzdata
Version: 2024a-0+deb12u1
Architecture: all
Depends: debconf (>= 0.5) | debconf-2.0
Description: time zone and daylight-saving time data
";

    #[test]
    fn distroless() {
        assert!(DpkgStatusD.wants("var/lib/dpkg/status.d/libssl3"));
        assert!(DpkgStatusD.wants("var/lib/dpkg/status.d/base"));
        assert!(!DpkgStatusD.wants("var/lib/dpkg/status.d/libssl3.md5sums"));
        assert!(!DpkgStatusD.wants("var/lib/dpkg/status.d/"));
        assert!(!DpkgStatusD.wants("var/lib/dpkg/status"));

        let p = DpkgStatusD.parse("var/lib/dpkg/status.d/libssl3", LIBSSL3.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.packages.len(), 1);
        let ssl = &p.packages[0];
        assert_eq!(
            (ssl.name.as_str(), ssl.version.as_str()),
            ("libssl3", "3.0.15-1~deb12u1")
        );
        assert_eq!(ssl.source_name.as_deref(), Some("openssl"));
        assert_eq!(ssl.source_version.as_deref(), Some("3.0.15-1~deb12u1"));
        assert_eq!(ssl.arch.as_deref(), Some("amd64"));
        assert_eq!(ssl.dependencies, ["libc6"]);

        let p = DpkgStatusD.parse("var/lib/dpkg/status.d/base", BASE.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let names: Vec<_> = p.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["base-files", "netbase", "tzdata"]);
    }

    #[test]
    fn garbage() {
        let p = DpkgStatusD.parse("var/lib/dpkg/status.d/x", b"\x7fELF\x02\x01\x01\0\0\0");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = DpkgStatusD.parse("var/lib/dpkg/status.d/x", b"Package: half\nVersi");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 2);
    }
}
