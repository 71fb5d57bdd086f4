//! OSV ecosystem names and the packages of the inventory they cover.
//!
//! OSV names an ecosystem `Base[:release]`: `PyPI`, `crates.io`, `Debian:12`, `Alpine:v3.20`,
//! `Ubuntu:22.04:LTS`, `Rocky Linux:9`. Advisories of an OS are per release and keyed by the
//! source package (Debian `Source:`, apk origin, rpm source rpm), so an OS package is looked up
//! as (base, release, source name); bare `Debian` without a release is never used (it floods
//! with other releases' advisories). Names are compared as each ecosystem defines equality:
//! PEP 503 for PyPI, case-insensitively for NuGet and Packagist, exactly elsewhere.

use dockguard_packages::model::{Distro, Ecosystem, Package};

use crate::version::Scheme;

/// An ecosystem as stored: its base and its release (`""` for none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub base: String,
    pub release: String,
}

/// Splits an OSV ecosystem name into the stored key: `Debian:12` → (`Debian`, `12`);
/// `Ubuntu:22.04:LTS` → (`Ubuntu`, `22.04`) (the LTS mark is not part of the release an image
/// reports); `Alpine:v3.20` → (`Alpine`, `v3.20`).
pub fn key_of(ecosystem: &str) -> Key {
    let (base, release) = ecosystem.split_once(':').unwrap_or((ecosystem, ""));
    let release = if base == "Ubuntu" {
        release.strip_suffix(":LTS").unwrap_or(release)
    } else {
        release
    };
    Key {
        base: base.to_string(),
        release: release.to_string(),
    }
}

/// The version ordering of an ecosystem base, `None` for ecosystems not matched (yet).
pub fn scheme_of(base: &str) -> Option<Scheme> {
    Some(match base {
        "Debian" | "Ubuntu" => Scheme::Dpkg,
        "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
        "Rocky Linux" | "AlmaLinux" | "Red Hat" | "openSUSE" | "SUSE" | "Mageia" => Scheme::Rpm,
        "npm" | "crates.io" => Scheme::Semver,
        "PyPI" => Scheme::Pep440,
        "Go" => Scheme::Go,
        "Maven" => Scheme::Maven,
        "RubyGems" => Scheme::RubyGems,
        "NuGet" => Scheme::NuGet,
        "Packagist" => Scheme::Packagist,
        _ => return None,
    })
}

/// A package name as stored and looked up under `base`.
pub fn normalize_name(base: &str, name: &str) -> String {
    match base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut separator = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    separator = true;
                } else {
                    if separator && !out.is_empty() {
                        out.push('-');
                    }
                    separator = false;
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        "NuGet" | "Packagist" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// Where advisories for a package are looked up: the ecosystem key and the name, with the
/// version to compare (an OS package's own version: source versions differ only for binNMUs
/// and rebuilds, and OSV's Debian records use the binary package's source version — see
/// [`query_for`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub key: Key,
    pub name: String,
    pub version: String,
    pub scheme: Scheme,
}

/// The query for one package of an image or project with the image's distribution, `None`
/// when no OSV ecosystem covers it (binaries found by their banner, an OS package of an
/// unknown distribution, an rpm distribution without OSV data).
pub fn query_for(package: &Package, distro: Option<&Distro>) -> Option<Query> {
    let (base, release) = match package.ecosystem {
        Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => os_key(package.ecosystem, distro?)?,
        Ecosystem::Cargo => ("crates.io".to_string(), String::new()),
        Ecosystem::Golang => ("Go".to_string(), String::new()),
        Ecosystem::Npm => ("npm".to_string(), String::new()),
        Ecosystem::Pypi => ("PyPI".to_string(), String::new()),
        Ecosystem::Gem => ("RubyGems".to_string(), String::new()),
        Ecosystem::Composer => ("Packagist".to_string(), String::new()),
        Ecosystem::Maven => ("Maven".to_string(), String::new()),
        Ecosystem::Nuget => ("NuGet".to_string(), String::new()),
        Ecosystem::Binary => return None,
    };
    let scheme = scheme_of(&base)?;
    let raw_name = if package.ecosystem.is_os() {
        package.source_name.as_deref().unwrap_or(&package.name)
    } else {
        &package.name
    };
    // Debian's advisories give fixed versions of the source package: a binNMU (`+b1`) of the
    // same source has the source's version as its `Source: name (version)`.
    let version = if package.ecosystem == Ecosystem::Deb {
        package
            .source_version
            .clone()
            .unwrap_or_else(|| package.version.clone())
    } else {
        package.version.clone()
    };
    Some(Query {
        name: normalize_name(&base, raw_name),
        key: Key { base, release },
        version,
        scheme,
    })
}

/// The OSV base and release of an OS package's distribution.
fn os_key(ecosystem: Ecosystem, distro: &Distro) -> Option<(String, String)> {
    let version = distro.version_id.as_deref().unwrap_or("");
    let major = version.split('.').next().unwrap_or("");
    let key = match (ecosystem, distro.id.as_str()) {
        (Ecosystem::Deb, "debian") if !major.is_empty() => ("Debian", major.to_string()),
        (Ecosystem::Deb, "ubuntu") if !version.is_empty() => ("Ubuntu", version.to_string()),
        (Ecosystem::Apk, "alpine") => {
            let mut parts = version.split('.');
            let (Some(maj), Some(min)) = (parts.next(), parts.next()) else {
                return None;
            };
            ("Alpine", format!("v{maj}.{min}"))
        }
        (Ecosystem::Apk, "wolfi") => ("Wolfi", String::new()),
        (Ecosystem::Apk, "chainguard") => ("Chainguard", String::new()),
        (Ecosystem::Rpm, "rocky") if !major.is_empty() => ("Rocky Linux", major.to_string()),
        (Ecosystem::Rpm, "almalinux") if !major.is_empty() => ("AlmaLinux", major.to_string()),
        _ => return None,
    };
    Some((key.0.to_string(), key.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distro(id: &str, version: &str) -> Distro {
        Distro {
            id: id.into(),
            version_id: Some(version.into()),
            ..Distro::default()
        }
    }

    #[test]
    fn keys() {
        assert_eq!(
            key_of("Debian:12"),
            Key {
                base: "Debian".into(),
                release: "12".into()
            }
        );
        assert_eq!(key_of("Ubuntu:22.04:LTS").release, "22.04");
        assert_eq!(key_of("Alpine:v3.20").release, "v3.20");
        assert_eq!(
            key_of("PyPI"),
            Key {
                base: "PyPI".into(),
                release: String::new()
            }
        );
        assert_eq!(key_of("Rocky Linux:9").base, "Rocky Linux");
        assert_eq!(
            key_of(""),
            Key {
                base: String::new(),
                release: String::new()
            }
        );
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("PyPI", "Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(normalize_name("PyPI", "PyYAML"), "pyyaml");
        assert_eq!(normalize_name("PyPI", "-x-"), "x");
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(normalize_name("npm", "@Types/Node"), "@Types/Node");
    }

    #[test]
    fn os_queries_use_the_release_and_the_source() {
        let mut p = Package::new(Ecosystem::Deb, "libssl3", "3.0.15-1~deb12u1+b1");
        p.source_name = Some("openssl".into());
        p.source_version = Some("3.0.15-1~deb12u1".into());
        let q = query_for(&p, Some(&distro("debian", "12"))).unwrap();
        assert_eq!(
            (q.key.base.as_str(), q.key.release.as_str()),
            ("Debian", "12")
        );
        assert_eq!(
            (q.name.as_str(), q.version.as_str()),
            ("openssl", "3.0.15-1~deb12u1")
        );
        assert!(query_for(&p, None).is_none());
        assert!(query_for(&p, Some(&distro("debian", ""))).is_none());
        let mut apk = Package::new(Ecosystem::Apk, "libcrypto3", "3.3.2-r0");
        apk.source_name = Some("openssl".into());
        let q = query_for(&apk, Some(&distro("alpine", "3.20.3"))).unwrap();
        assert_eq!(
            (q.key.release.as_str(), q.name.as_str()),
            ("v3.20", "openssl")
        );
        assert!(query_for(&apk, Some(&distro("alpine", "edge"))).is_none());
        let q = query_for(
            &Package::new(Ecosystem::Deb, "bash", "5.1-6ubuntu1"),
            Some(&distro("ubuntu", "22.04")),
        )
        .unwrap();
        assert_eq!(
            (q.key.base.as_str(), q.key.release.as_str(), q.name.as_str()),
            ("Ubuntu", "22.04", "bash")
        );
        let rpm = Package::new(Ecosystem::Rpm, "openssl-libs", "1:3.0.7-27.el9");
        assert_eq!(
            query_for(&rpm, Some(&distro("rocky", "9.4")))
                .unwrap()
                .key
                .release,
            "9"
        );
        assert!(query_for(&rpm, Some(&distro("fedora", "40"))).is_none());
    }

    #[test]
    fn language_queries() {
        let q = query_for(&Package::new(Ecosystem::Pypi, "PyYAML", "5.3"), None).unwrap();
        assert_eq!(
            (q.key.base.as_str(), q.name.as_str(), q.scheme),
            ("PyPI", "pyyaml", Scheme::Pep440)
        );
        let q = query_for(&Package::new(Ecosystem::Cargo, "smallvec", "1.6.0"), None).unwrap();
        assert_eq!(
            (q.key.base.as_str(), q.scheme),
            ("crates.io", Scheme::Semver)
        );
        assert!(query_for(&Package::new(Ecosystem::Binary, "busybox", "1.35.0"), None).is_none());
    }
}
