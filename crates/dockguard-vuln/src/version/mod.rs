//! Version ordering, one module per ecosystem: OSV `ECOSYSTEM` ranges are ordered by the
//! ecosystem's own rules (a dpkg `1.0~rc1` is older than `1.0`, a PEP 440 `1.0rc1` too, a
//! SemVer `1.0.0-rc.1` too, each for different reasons), so every comparison goes through the
//! module of the package's ecosystem.
//!
//! Every module has the same shape: `parse(&str) -> Result<V, VersionError>` for a version as
//! the ecosystem writes it, `V: Ord` for the ordering (equal versions compare `Equal` even
//! when spelled differently where the ecosystem says so: PEP 440 `1.0` == `1.0.0`), and
//! `compare(a, b) -> Result<Ordering, VersionError>` for two strings.

use std::cmp::Ordering;
use std::fmt;

// region: OS packages (modules)
pub mod apk;
pub mod dpkg;
pub mod rpm;
// endregion
// region: language packages (modules)
pub mod go;
pub mod maven;
pub mod nuget;
pub mod packagist;
pub mod pep440;
pub mod rubygems;
pub mod semver;
// endregion

/// A version the ecosystem's rules cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    pub version: String,
    pub reason: String,
}

impl VersionError {
    pub fn new(version: &str, reason: impl Into<String>) -> Self {
        VersionError {
            version: version.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid version `{}`: {}", self.version, self.reason)
    }
}

impl std::error::Error for VersionError {}

/// The version schemes, one per OSV ecosystem family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Dpkg,
    Rpm,
    Apk,
    /// SemVer 2.0 (npm, crates.io; OSV `SEMVER` ranges).
    Semver,
    /// PEP 440 (PyPI).
    Pep440,
    /// Go modules: SemVer with `v`, pseudo-versions, `+incompatible`; `stdlib` as `go1.22.3`.
    Go,
    Maven,
    RubyGems,
    NuGet,
    /// Packagist (Composer).
    Packagist,
}

/// A version parsed under its scheme, to compare many times without parsing again.
#[derive(Debug, Clone)]
pub enum Parsed {
    Dpkg(dpkg::DpkgVersion),
    Rpm(rpm::RpmVersion),
    Apk(apk::ApkVersion),
    Semver(semver::Version),
    Pep440(pep440::Version),
    Go(semver::Version),
    Maven(maven::Version),
    RubyGems(rubygems::Version),
    NuGet(nuget::Version),
    Packagist(packagist::Version),
}

impl Parsed {
    /// The order of two versions of the same scheme; `None` across schemes.
    pub fn compare(&self, other: &Parsed) -> Option<Ordering> {
        use Parsed::*;
        Some(match (self, other) {
            (Dpkg(a), Dpkg(b)) => a.cmp(b),
            (Rpm(a), Rpm(b)) => a.cmp(b),
            (Apk(a), Apk(b)) => a.cmp(b),
            (Semver(a), Semver(b)) | (Go(a), Go(b)) => a.cmp(b),
            (Pep440(a), Pep440(b)) => a.cmp(b),
            (Maven(a), Maven(b)) => a.cmp(b),
            (RubyGems(a), RubyGems(b)) => a.cmp(b),
            (NuGet(a), NuGet(b)) => a.cmp(b),
            (Packagist(a), Packagist(b)) => a.cmp(b),
            _ => return None,
        })
    }
}

/// Parses a version under `scheme`.
pub fn parse(scheme: Scheme, s: &str) -> Result<Parsed, VersionError> {
    Ok(match scheme {
        Scheme::Dpkg => Parsed::Dpkg(dpkg::parse(s)?),
        Scheme::Rpm => Parsed::Rpm(rpm::parse(s)?),
        Scheme::Apk => Parsed::Apk(apk::parse(s)?),
        Scheme::Semver => Parsed::Semver(semver::parse(s)?),
        Scheme::Pep440 => Parsed::Pep440(pep440::parse(s)?),
        Scheme::Go => Parsed::Go(go::parse(s)?),
        Scheme::Maven => Parsed::Maven(maven::parse(s)?),
        Scheme::RubyGems => Parsed::RubyGems(rubygems::parse(s)?),
        Scheme::NuGet => Parsed::NuGet(nuget::parse(s)?),
        Scheme::Packagist => Parsed::Packagist(packagist::parse(s)?),
    })
}

/// Compares two versions under `scheme`.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    match scheme {
        // region: OS packages (dispatch)
        Scheme::Dpkg => dpkg::compare(a, b),
        Scheme::Rpm => rpm::compare(a, b),
        Scheme::Apk => apk::compare(a, b),
        // endregion
        // region: language packages (dispatch)
        Scheme::Semver => semver::compare(a, b),
        Scheme::Pep440 => pep440::compare(a, b),
        Scheme::Go => go::compare(a, b),
        Scheme::Maven => maven::compare(a, b),
        Scheme::RubyGems => rubygems::compare(a, b),
        Scheme::NuGet => nuget::compare(a, b),
        Scheme::Packagist => packagist::compare(a, b),
        // endregion
        #[allow(unreachable_patterns)]
        _ => Err(VersionError::new(
            a,
            format!("no ordering for {scheme:?} yet"),
        )),
    }
}

/// Test helper: each `(a, b, want)` compares as `want` under `compare`, and `(b, a)` as its
/// reverse.
#[cfg(test)]
pub(crate) fn assert_orderings(
    compare: fn(&str, &str) -> Result<Ordering, VersionError>,
    cases: &[(&str, &str, Ordering)],
) {
    for &(a, b, want) in cases {
        let got = |x: &str, y: &str| compare(x, y).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got(a, b), want, "{a} vs {b}");
        assert_eq!(got(b, a), want.reverse(), "{b} vs {a}");
    }
}
