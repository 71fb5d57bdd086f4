//! The inventory model shared by every cataloger and output format.

use serde::Serialize;

/// Where a package comes from, which decides its version rules and its package URL type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Debian and Ubuntu packages (dpkg).
    Deb,
    /// Alpine and Wolfi packages (apk).
    Apk,
    /// RPM packages (Red Hat, Fedora, SUSE, Amazon Linux, …).
    Rpm,
    Cargo,
    Golang,
    Npm,
    Pypi,
    Gem,
    Composer,
    Maven,
    Nuget,
    /// A program recognised in an executable by its version string (no package manager).
    Binary,
}

impl Ecosystem {
    /// The package URL type (`pkg:<type>/…`).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Deb => "deb",
            Ecosystem::Apk => "apk",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Golang => "golang",
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Gem => "gem",
            Ecosystem::Composer => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Binary => "generic",
        }
    }

    /// Whether packages of this ecosystem are installed by the operating system's manager.
    pub fn is_os(self) -> bool {
        matches!(self, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm)
    }
}

/// The operating system of an image, from its release files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Distro {
    /// `ID` of os-release (`debian`, `alpine`, `rhel`, `ubuntu`, `wolfi`, …).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.20.3`), when known.
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`), when known.
    pub codename: Option<String>,
    pub pretty_name: Option<String>,
}

/// Where a package was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path in the image or project (`var/lib/dpkg/status`, `app/Cargo.lock`), no leading `/`.
    pub path: String,
    /// The layer (0 = lowest) whose copy of the file was read; `None` outside images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// Digest of that layer (diff id), when the source knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_digest: Option<String>,
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// Name as the ecosystem writes it (npm scopes included: `@types/node`; Maven
    /// `group:artifact`; Go module path).
    pub name: String,
    /// Version as recorded (Debian epoch included: `1:2.3-4`; rpm `epoch:version-release`).
    pub version: String,
    /// The source package advisories are keyed by (Debian `Source:`, apk origin, rpm source
    /// rpm name), when it differs or is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// Architecture (`amd64`, `x86_64`, `noarch`), for OS packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Licences as the metadata states them (SPDX expressions when it uses them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// Names of the packages this one depends on, where the lockfile records them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Files the OS package installed (paths without leading `/`), used to keep language
    /// packages it owns out of the inventory; not serialised.
    #[serde(skip)]
    pub files: Vec<String>,
    pub locations: Vec<Location>,
}

impl Package {
    /// A package of `ecosystem` with nothing but a name and a version.
    pub fn new(ecosystem: Ecosystem, name: impl Into<String>, version: impl Into<String>) -> Self {
        Package {
            ecosystem,
            name: name.into(),
            version: version.into(),
            source_name: None,
            source_version: None,
            arch: None,
            licenses: Vec::new(),
            dependencies: Vec::new(),
            files: Vec::new(),
            locations: Vec::new(),
        }
    }

    /// The package URL (purl spec): namespaces for npm scopes, Maven groups, Go module paths and
    /// Composer vendors, `distro`/`arch`/`epoch` qualifiers for OS packages.
    pub fn purl(&self, distro: Option<&Distro>) -> String {
        let ty = self.ecosystem.purl_type();
        let (namespace, name): (Option<String>, String) = match self.ecosystem {
            Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => {
                (distro.map(|d| d.id.clone()), self.name.clone())
            }
            Ecosystem::Npm => match self.name.rsplit_once('/') {
                Some((scope, n)) if scope.starts_with('@') => {
                    (Some(scope.to_string()), n.to_string())
                }
                _ => (None, self.name.clone()),
            },
            Ecosystem::Maven => match self.name.split_once(':') {
                Some((group, artifact)) => (Some(group.to_string()), artifact.to_string()),
                None => (None, self.name.clone()),
            },
            Ecosystem::Golang | Ecosystem::Composer => match self.name.rsplit_once('/') {
                Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
                None => (None, self.name.clone()),
            },
            _ => (None, self.name.clone()),
        };
        let (version, epoch) = match self.ecosystem {
            Ecosystem::Rpm => match self.version.split_once(':') {
                Some((e, v)) if e.bytes().all(|b| b.is_ascii_digit()) => {
                    (v.to_string(), Some(e.to_string()))
                }
                _ => (self.version.clone(), None),
            },
            _ => (self.version.clone(), None),
        };
        let Ok(mut purl) = packageurl::PackageUrl::new(ty, name.as_str()) else {
            return format!("pkg:{ty}/{name}@{version}");
        };
        if let Some(ns) = &namespace
            && purl.with_namespace(ns.as_str()).is_err()
        {
            return format!("pkg:{ty}/{ns}/{name}@{version}");
        }
        if !version.is_empty() && purl.with_version(version.as_str()).is_err() {
            return format!("pkg:{ty}/{name}@{version}");
        }
        if self.ecosystem.is_os() {
            if let Some(arch) = &self.arch {
                let _ = purl.add_qualifier("arch", arch.as_str());
            }
            if let Some(e) = &epoch {
                let _ = purl.add_qualifier("epoch", e.as_str());
            }
            if let Some(d) = distro {
                let value = match &d.version_id {
                    Some(v) => format!("{}-{v}", d.id),
                    None => d.id.clone(),
                };
                let _ = purl.add_qualifier("distro", value);
            }
            if let Some(source) = &self.source_name
                && source != &self.name
            {
                let _ = purl.add_qualifier("upstream", source.as_str());
            }
        }
        purl.to_string()
    }
}

/// A file that could not be read completely: the inventory goes on without (the rest of) it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The file, as in [`Location::path`].
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// 1-based line (or record number for binary databases), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

/// Everything found in one target.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    pub packages: Vec<Package>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        let debian = Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..Distro::default()
        };
        let mut p = Package::new(Ecosystem::Deb, "libssl3", "3.0.15-1~deb12u1");
        p.arch = Some("amd64".into());
        p.source_name = Some("openssl".into());
        assert_eq!(
            p.purl(Some(&debian)),
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"
        );
        let p = Package::new(Ecosystem::Npm, "@types/node", "20.1.0");
        assert_eq!(p.purl(None), "pkg:npm/%40types/node@20.1.0");
        let p = Package::new(Ecosystem::Golang, "github.com/pkg/errors", "v0.9.1");
        assert_eq!(p.purl(None), "pkg:golang/github.com/pkg/errors@v0.9.1");
        let p = Package::new(
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
        );
        assert_eq!(
            p.purl(None),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        let mut p = Package::new(Ecosystem::Rpm, "openssl-libs", "1:3.0.7-27.el9");
        p.arch = Some("x86_64".into());
        assert_eq!(
            p.purl(None),
            "pkg:rpm/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1"
        );
    }
}
