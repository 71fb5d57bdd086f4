//! PEP 440 versions (<https://peps.python.org/pep-0440/>), for PyPI.
//!
//! `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, ordered by epoch, then the release
//! numbers with trailing zeros ignored (`1.0 == 1.0.0`), then `.devN` < `aN` < `bN` < `rcN` <
//! release < `.postN` (a `.dev` of a pre- or post-release sits just below it:
//! `1.0a1.dev1 < 1.0a1`, `1.0.post1.dev1 < 1.0.post1`), then the local label (`1.0 < 1.0+abc`;
//! local segments compare numerically when both are numbers, a number above a string, strings
//! case-insensitively, a longer label above its prefix).
//!
//! The normalisation rules of the PEP are applied: case-insensitive (`1.0RC1 == 1.0rc1`),
//! alternative spellings (`alpha`/`a`, `beta`/`b`, `c`/`pre`/`preview`/`rc`, `rev`/`r`/`post`),
//! separators `.`, `-`, `_` between segments or none (`1.0-post1 == 1.0.post1`), implicit numbers
//! (`1.0rc == 1.0rc0`), implicit post-releases (`1.0-1 == 1.0.post1`), a leading `v`, surrounding
//! whitespace. Legacy (pre-PEP 440, setuptools `LegacyVersion`) strings such as `2.0.0-final`
//! or `1.0.0-SNAPSHOT` are refused with a [`VersionError`], as `packaging` >= 22 refuses them.
//!
//! Parsing and ordering are the `pep440_rs` crate's (Astral's, the one `uv` is built on).
//! Reference: Python's `packaging.version.Version` (what pip uses). The test
//! `pep440_agrees_with_packaging` checks every pair of the fixture
//! `fixtures/versions/pep440-packaging.tsv.gz`, made by `bench/versions/pep440-vs-packaging.py`
//! from every version string of the OSV PyPI export and `pypi-enumerated.jsonl`.
//! Differences with `packaging`: release, pre, post and dev numbers must fit in a u64 (Python's
//! integers are unbounded); versions over 256 bytes are refused.

use std::cmp::Ordering;
use std::str::FromStr;

use super::VersionError;

/// A parsed PEP 440 version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(pub pep440_rs::Version);

/// Parses a PEP 440 version.
pub fn parse(s: &str) -> Result<Version, VersionError> {
    super::semver::check_len(s)?;
    pep440_rs::Version::from_str(s)
        .map(Version)
        .map_err(|e| VersionError::new(s, e.to_string()))
}

/// Compares two PEP 440 versions.
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
    fn pep_example_is_increasing() {
        // the ordering examples of PEP 440 ("Summary of permitted suffixes and relative ordering")
        let v = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "1!0.1",
        ];
        for w in v.windows(2) {
            assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(c(w[1], w[0]), Ordering::Greater);
        }
    }

    #[test]
    fn normalisation() {
        for (a, b) in [
            ("1.0", "1.0.0"),
            ("1.0RC1", "1.0rc1"),
            ("1.0-post1", "1.0.post1"),
            ("1.0-1", "1.0.post1"),
            ("1.0rev1", "1.0.post1"),
            ("1.0c1", "1.0rc1"),
            ("1.0-preview.1", "1.0rc1"),
            ("1.0alpha", "1.0a0"),
            ("1.0_beta_2", "1.0b2"),
            ("v1.0", "1.0"),
            (" 1.0 ", "1.0"),
            ("1.0.DEV", "1.0.dev0"),
            ("0!1.0", "1.0"),
            ("01.00", "1.0"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
            ("1.0+AbC", "1.0+abc"),
        ] {
            assert_eq!(c(a, b), Ordering::Equal, "{a} == {b}");
        }
        assert_eq!(c("1.0+1", "1.0+a"), Ordering::Greater); // number > string in local
        assert_eq!(c("1.0+a", "1.0+a.1"), Ordering::Less);
    }

    #[test]
    fn legacy_and_garbage_are_refused() {
        for g in [
            "",
            "2.0.0-final",
            "1.0.0-SNAPSHOT",
            "french toast",
            "1.0+",
            "1.0+a+b",
            "1.0.*",
            "1..0",
            "1.0-",
            "!1.0",
            "1.0a1a2",
            "1.0é",
            "a1.0",
        ] {
            assert!(parse(g).is_err(), "{g:?} should be refused");
        }
        assert!(parse(&format!("1.{}", "0.".repeat(200))).is_err());
        assert!(parse(&"9".repeat(300)).is_err());
    }
}
