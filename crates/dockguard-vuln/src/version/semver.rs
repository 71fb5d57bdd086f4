//! SemVer 2.0 precedence (<https://semver.org/#spec-item-11>), for npm, crates.io and OSV
//! `SEMVER` ranges.
//!
//! Precedence is major, minor, patch compared numerically, then the pre-release: a version with
//! one is older than the same version without (`1.0.0-rc.1 < 1.0.0`); pre-releases compare
//! identifier by identifier, numeric ones numerically and below alphanumeric ones, which compare
//! in ASCII order, and a longer list wins when all of the shorter one is equal
//! (`1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 <
//! 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0`, the spec's own example). Build metadata is ignored
//! (`1.0.0+a == 1.0.0+b`, spec item 10), although the `semver` crate's own `Ord` orders it: we
//! keep only the pre-release from it.
//!
//! The pre-release is parsed and ordered by the `semver` crate (identifiers checked as the spec
//! says: no empty identifier, no leading zero in a numeric one). The numeric core is read by
//! hand, leniently, because OSV data written as SemVer is not always strict SemVer:
//! - a leading `v` or `V` is dropped (`v1.2.3` == `1.2.3`; npm's `semver` does the same) and so
//!   is surrounding whitespace;
//! - missing minor/patch are 0 (`1.2` == `1.2.0`, `1` == `1.0.0`);
//! - components past the third are kept and compared in order after the patch, missing ones
//!   counting as 0 (`1.2.3 < 1.2.3.4 < 1.2.4`, `1.2.3.0 == 1.2.3`);
//! - leading zeros in the core are read as the number (`1.02.3` == `1.2.3`).
//!
//! Strict-SemVer strings (what npm and Cargo accept) are ordered exactly as npm's `semver`
//! package orders them: checked on every version of the OSV crates.io and Go exports by the
//! test `semver_agrees_with_npm` (fixture made by `bench/versions/semver-vs-npm.js`).
//! Core numbers must fit in a u64; versions over 256 bytes are refused.

use std::cmp::Ordering;

use super::VersionError;

/// Versions longer than this are refused (no real version is near it; bounds the work).
pub const MAX_LEN: usize = 256;

/// A parsed SemVer version (build metadata dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// major, minor, patch and any further components, trailing zeros past the patch trimmed.
    core: Vec<u64>,
    pre: ::semver::Prerelease,
}

impl Version {
    pub fn major(&self) -> u64 {
        self.core[0]
    }
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.core.len().max(other.core.len());
        for i in 0..n {
            let a = self.core.get(i).copied().unwrap_or(0);
            let b = other.core.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        // `Prerelease::EMPTY` is greater than any non-empty pre-release in the crate's Ord.
        self.pre.cmp(&other.pre)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub(crate) fn check_len(s: &str) -> Result<(), VersionError> {
    if s.len() > MAX_LEN {
        return Err(VersionError::new(
            &s[..(0..=64).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)],
            format!("longer than {MAX_LEN} bytes"),
        ));
    }
    Ok(())
}

/// Parses a SemVer version, leniently as described in the module doc.
pub fn parse(s: &str) -> Result<Version, VersionError> {
    check_len(s)?;
    let t = s.trim();
    let t = t
        .strip_prefix('v')
        .or_else(|| t.strip_prefix('V'))
        .unwrap_or(t);
    // build metadata: everything after the first `+`
    let (t, build) = match t.split_once('+') {
        Some((t, b)) => (t, Some(b)),
        None => (t, None),
    };
    if let Some(b) = build {
        if b.is_empty() {
            return Err(VersionError::new(s, "empty build metadata"));
        }
        ::semver::BuildMetadata::new(b)
            .map_err(|e| VersionError::new(s, format!("build metadata: {e}")))?;
    }
    let (core_str, pre_str) = match t.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (t, None),
    };
    let mut core = Vec::new();
    for part in core_str.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VersionError::new(
                s,
                format!("`{part}` is not a number in the major.minor.patch part"),
            ));
        }
        let n: u64 = part
            .parse()
            .map_err(|_| VersionError::new(s, format!("`{part}` is too large")))?;
        core.push(n);
    }
    while core.len() < 3 {
        core.push(0);
    }
    while core.len() > 3 && core.last() == Some(&0) {
        core.pop();
    }
    let pre = match pre_str {
        None => ::semver::Prerelease::EMPTY,
        Some(p) => {
            if p.is_empty() {
                return Err(VersionError::new(s, "empty pre-release"));
            }
            ::semver::Prerelease::new(p)
                .map_err(|e| VersionError::new(s, format!("pre-release: {e}")))?
        }
    };
    Ok(Version { core, pre })
}

/// Compares two SemVer versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn spec_example_is_increasing() {
        // semver.org, item 11
        let v = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in v.windows(2) {
            assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(c(w[1], w[0]), Ordering::Greater);
        }
    }

    #[test]
    fn build_metadata_is_ignored() {
        assert_eq!(
            c("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85"),
            Ordering::Equal
        );
        assert_eq!(
            c("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta"),
            Ordering::Equal
        );
        assert_eq!(parse("1.0.0+a").unwrap(), parse("1.0.0").unwrap());
    }

    #[test]
    fn lenient_forms() {
        assert_eq!(c("v1.2.3", "1.2.3"), Ordering::Equal);
        assert_eq!(c("1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(c("1", "1.0.0"), Ordering::Equal);
        assert_eq!(c("1.2.3.4", "1.2.3"), Ordering::Greater);
        assert_eq!(c("1.2.3.4", "1.2.4"), Ordering::Less);
        assert_eq!(c("1.2.3.0", "1.2.3"), Ordering::Equal);
        assert_eq!(parse("1.2.3.0").unwrap(), parse("1.2.3").unwrap());
        assert_eq!(c("1.2-rc.1", "1.2.0"), Ordering::Less);
        assert_eq!(c(" 1.0.0 ", "1.0.0"), Ordering::Equal);
    }

    #[test]
    fn prerelease_details() {
        assert_eq!(c("1.0.0-2", "1.0.0-10"), Ordering::Less); // numeric
        assert_eq!(c("1.0.0-10", "1.0.0-a"), Ordering::Less); // numeric < alphanumeric
        assert_eq!(c("1.0.0-B", "1.0.0-a"), Ordering::Less); // ASCII order
        assert_eq!(c("1.0.0-alpha", "1.0.0-alpha.0"), Ordering::Less);
        assert_eq!(
            c(
                "1.0.0-99999999999999999999999",
                "1.0.0-100000000000000000000000"
            ),
            Ordering::Less
        );
        // Go pseudo-version shape
        assert_eq!(
            c(
                "0.0.0-20191109021931-daa7c04131f5",
                "0.0.0-20200101000000-aaaaaaaaaaaa"
            ),
            Ordering::Less
        );
    }

    #[test]
    fn garbage_is_refused() {
        for g in [
            "",
            "v",
            "1.",
            ".1",
            "1..2",
            "a.b.c",
            "1.0.0-",
            "1.0.0-01",
            "1.0.0-a..b",
            "1.0.0+",
            "1.0.0+a+b",
            "18446744073709551616.0.0",
            "1.0.0-é",
            "1 .0",
            "--",
            "+",
            "1.0.0-+",
        ] {
            assert!(parse(g).is_err(), "{g:?} should be refused");
        }
        let long = format!("1.0.0-{}", "a".repeat(300));
        assert!(parse(&long).is_err());
        let long = format!("1.0.0-{}", "é".repeat(300));
        assert!(parse(&long).is_err());
    }
}
