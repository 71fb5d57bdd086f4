//! Packagist (Composer) versions: normalised as Composer's `VersionParser::normalize`
//! (composer/semver), then ordered as PHP's `version_compare` orders the normalised strings,
//! which is what Composer's constraints do.
//!
//! Normalisation (the same regexes, case-insensitive): surrounding whitespace, an alias
//! (`1.0 as 2.0` -> `1.0`), a stability flag (`1.0@beta`) and build metadata (`1.0+build`) are
//! dropped; then
//! - classic versions `v?N(.N){0,3}` are padded to four numbers (`v1.2.3` -> `1.2.3.0`,
//!   `2` -> `2.0.0.0`; at most 5 digits in the first);
//! - date versions (`2010-01-02`, `201001021200`) keep their numbers, `.`-separated;
//! - a modifier may follow (`[._-]?`): stability `stable` (dropped), `alpha`/`a`, `beta`/`b`,
//!   `RC`, `patch`/`pl`/`p`, with up to three numbers (`1.0.0-beta2` -> `1.0.0.0-beta2`,
//!   `1.0RC1` -> `1.0.0.0-RC1`, `1.0-p1` -> `1.0.0.0-patch1`), then `-dev` (`1.0-dev` ->
//!   `1.0.0.0-dev`).
//!
//! Branch names (`dev-main`, `master`, `1.x-dev`, `2.1.x-dev`) are not versions: VersionError,
//! as is anything else Composer cannot normalise.
//!
//! `version_compare`: `-`, `_`, `+` become `.`, a `.` is put between digits and letters, then
//! the parts compare in turn: numbers numerically; words by the first of `dev` < `alpha` = `a`
//! < `beta` = `b` < `RC` = `rc` < (a number) < `pl` = `p` they start with (unknown words below
//! all); when one version runs out, its missing part is below any number and above `RC`, so
//! `1.0.0.0-RC1 < 1.0.0.0 < 1.0.0.0.1` and `1.0.0.0-patch1 > 1.0.0.0`. Overall:
//! `dev < alpha < beta < RC < stable < patch`.
//! Numbers past i64 saturate as PHP's `strtol` does; versions over 256 bytes are refused.
//! Test vectors: composer/semver's `VersionParserTest::normalize` data and PHP's
//! `version_compare` documentation.

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

use super::VersionError;

const MODIFIER: &str =
    r"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+){0,3})?)?([.-]?dev)?";

static CLASSIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^v?([0-9]{{1,5}})(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?{MODIFIER}$"
    ))
    .expect("valid regex")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^v?([0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}}){{0,2}}){MODIFIER}$"
    ))
    .expect("valid regex")
});
static ALIAS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^,\s]+) +as +([^,\s]+)$").expect("valid regex"));
static FLAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)@(?:stable|RC|beta|alpha|dev)$").expect("valid regex"));
static BUILD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^,\s+]+)\+[^\s]+$").expect("valid regex"));

/// Composer's `VersionParser::normalize`, branch names refused.
pub fn normalize(s: &str) -> Result<String, VersionError> {
    super::semver::check_len(s)?;
    let mut v = s.trim().to_string();
    if let Some(m) = ALIAS.captures(&v) {
        v = m[1].to_string();
    }
    if let Some(m) = FLAG.find(&v) {
        v.truncate(m.start());
    }
    let lower = v.to_ascii_lowercase();
    if matches!(v.as_str(), "master" | "trunk" | "default") || lower.starts_with("dev-") {
        return Err(VersionError::new(s, "a branch name, not a version"));
    }
    if let Some(m) = BUILD.captures(&v) {
        v = m[1].to_string();
    }
    let (mut out, caps, index) = if let Some(m) = CLASSIC.captures(&v) {
        let mut out = m[1].to_string();
        for g in 2..=4 {
            out.push_str(m.get(g).map_or(".0", |x| x.as_str()));
        }
        (out, m, 5)
    } else if let Some(m) = DATE.captures(&v) {
        let out: String = m[1]
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { '.' })
            .collect();
        (out, m, 2)
    } else {
        return Err(VersionError::new(
            s,
            "not a Composer version (branch names such as 1.x-dev are not versions either)",
        ));
    };
    if let Some(st) = caps
        .get(index)
        .map(|x| x.as_str())
        .filter(|x| !x.is_empty())
    {
        if st == "stable" {
            return Ok(out);
        }
        let expanded = match st.to_ascii_lowercase().as_str() {
            "a" => "alpha".to_string(),
            "b" => "beta".to_string(),
            "p" | "pl" => "patch".to_string(),
            "rc" => "RC".to_string(),
            other => other.to_string(),
        };
        out.push('-');
        out.push_str(&expanded);
        if let Some(n) = caps.get(index + 1) {
            out.push_str(n.as_str().trim_start_matches(['.', '-']));
        }
    }
    if caps.get(index + 2).is_some_and(|x| !x.is_empty()) {
        out.push_str("-dev");
    }
    Ok(out)
}

/// One part of a `version_compare` string, as a sort key: (class, number). Classes: unknown
/// word 0, dev 1, alpha 2, beta 3, RC 4, (missing part 5), number 6, patch/pl/p 7.
type Part = (u8, i64);
const MISSING: Part = (5, 0);

fn word_class(w: &str) -> u8 {
    // PHP's compare_special_version_forms: the first form the word starts with
    const FORMS: [(&str, u8); 10] = [
        ("dev", 1),
        ("alpha", 2),
        ("a", 2),
        ("beta", 3),
        ("b", 3),
        ("RC", 4),
        ("rc", 4),
        ("#", 6),
        ("pl", 7),
        ("p", 7),
    ];
    FORMS
        .iter()
        .find(|(f, _)| w.starts_with(f))
        .map_or(0, |(_, c)| *c)
}

/// PHP's `php_canonicalize_version` then the split into parts.
fn parts(v: &str) -> Vec<Part> {
    let mut canon = String::with_capacity(v.len() * 2);
    let mut last: Option<char> = None;
    for c in v.chars() {
        let Some(lp) = last else {
            canon.push(c);
            last = Some(c);
            continue;
        };
        let dig = |x: char| x.is_ascii_digit();
        let ndig = |x: char| !x.is_ascii_digit() && x != '.';
        let lq = canon.chars().last();
        if matches!(c, '-' | '_' | '+') {
            if lq != Some('.') {
                canon.push('.');
            }
        } else if (ndig(lp) && dig(c)) || (dig(lp) && ndig(c)) {
            if lq != Some('.') {
                canon.push('.');
            }
            canon.push(c);
        } else if !c.is_ascii_alphanumeric() {
            if lq != Some('.') {
                canon.push('.');
            }
        } else {
            canon.push(c);
        }
        last = Some(c);
    }
    canon
        .split('.')
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.starts_with(|c: char| c.is_ascii_digit()) {
                let digits = p.bytes().take_while(u8::is_ascii_digit);
                let n = digits.fold(0i64, |n, d| {
                    n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
                });
                (6, n)
            } else {
                (word_class(p), 0)
            }
        })
        .collect()
}

/// A Composer version: its normalised form's `version_compare` parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    parts: Vec<Part>,
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..self.parts.len().max(other.parts.len()) {
            let a = self.parts.get(i).copied().unwrap_or(MISSING);
            let b = other.parts.get(i).copied().unwrap_or(MISSING);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses (normalises) a Composer version.
pub fn parse(s: &str) -> Result<Version, VersionError> {
    Ok(Version {
        parts: parts(&normalize(s)?),
    })
}

/// Compares two Composer versions.
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
    fn normalize_vectors() {
        // composer/semver tests/VersionParserTest.php, successfulNormalizedVersions
        for (input, want) in [
            ("1.0.0", "1.0.0.0"),
            ("1.2.3.4", "1.2.3.4"),
            ("1.0.0RC1dev", "1.0.0.0-RC1-dev"),
            ("1.0.0-rC15-dev", "1.0.0.0-RC15-dev"),
            ("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev"),
            ("1.0.0-rc1", "1.0.0.0-RC1"),
            ("1.0.0.pl3-dev", "1.0.0.0-patch3-dev"),
            ("1.0-dev", "1.0.0.0-dev"),
            ("0", "0.0.0.0"),
            ("10.4.13-beta", "10.4.13.0-beta"),
            ("10.4.13beta2", "10.4.13.0-beta2"),
            ("10.4.13beta.2", "10.4.13.0-beta2"),
            ("v1.13.11-beta.0", "1.13.11.0-beta0"),
            ("1.13.11.0-beta0", "1.13.11.0-beta0"),
            ("10.4.13-b", "10.4.13.0-beta"),
            ("10.4.13-b5", "10.4.13.0-beta5"),
            ("v1.0.0", "1.0.0.0"),
            ("v20100102", "20100102"),
            ("2010.01", "2010.01.0.0"),
            ("2010.01.02", "2010.01.02.0"),
            ("2010-01-02", "2010.01.02"),
            ("2010-01-02.5", "2010.01.02.5"),
            ("2010.1.555", "2010.1.555.0"),
            ("20100102-203040", "20100102.203040"),
            ("20100102203040-10", "20100102203040.10"),
            ("20100102-203040-p1", "20100102.203040-patch1"),
            ("2023-10-06T12:00:00Z", "2023-10-06T12:00:00Z"), // refused below
            ("1.0.0-beta.5+foo", "1.0.0.0-beta5"),
            ("1.0.0+foo", "1.0.0.0"),
            ("1.0.0-alpha.3.1+foo", "1.0.0.0-alpha3.1"),
            ("1.0.0-alpha2.1+foo", "1.0.0.0-alpha2.1"),
            ("1.0.0-alpha-2.1-3+foo", "1.0.0.0-alpha2.1-3"),
            ("1.0.0-0.3.7", "1.0.0.0-0.3.7"),       // refused below
            ("1.0.0-x.7.z.92", "1.0.0.0-x.7.z.92"), // refused below
            ("1.0.0+foo@dev", "1.0.0.0"),
            ("1.0.0 as 2.0", "1.0.0.0"),
            ("1.0.0-stable", "1.0.0.0"),
            ("1.0.0 ", "1.0.0.0"),
            ("1.0.0.0-p", "1.0.0.0-patch"),
        ] {
            match normalize(input) {
                Ok(got) => assert_eq!(got, want, "normalize({input:?})"),
                Err(_) => assert!(
                    ["2023-10-06T12:00:00Z", "1.0.0-0.3.7", "1.0.0-x.7.z.92"].contains(&input),
                    "{input:?} refused"
                ),
            }
        }
    }

    #[test]
    fn stabilities_order() {
        let v = [
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-a2",
            "1.0.0-beta1",
            "1.0.0-b2",
            "1.0.0-RC1",
            "1.0.0-rc2",
            "1.0.0",
            "1.0.0-p1",
            "1.0.0-patch2",
            "1.0.0.1",
            "1.0.1-dev",
            "1.0.1",
            "1.1",
            "v2.0.0",
        ];
        for w in v.windows(2) {
            assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(c(w[1], w[0]), Ordering::Greater);
        }
        assert_eq!(c("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(c("v1.2.3", "1.2.3"), Ordering::Equal);
        assert_eq!(c("1.0.0-RC1", "1.0.0rc1"), Ordering::Equal);
        assert_eq!(c("1.0.0-beta.2", "1.0.0-beta2"), Ordering::Equal);
        assert_eq!(c("1.0.0-beta2", "1.0.0-beta10"), Ordering::Less);
        assert_eq!(c("1.0.0-alpha", "1.0.0-alpha1"), Ordering::Less);
    }

    #[test]
    fn php_version_compare_parts() {
        // PHP manual, version_compare: "5.3.0-dev" < "5.3.0", canonicalisation of 1.0rc1
        let v = |s: &str| Version { parts: parts(s) };
        assert!(v("5.3.0-dev") < v("5.3.0"));
        assert!(v("1.0rc1") < v("1.0"));
        assert!(v("1.0") < v("1.0.1"));
        assert_eq!(parts("1.0rc1"), parts("1.0.rc.1"));
        assert_eq!(parts("1.0-patch1"), parts("1.0.pl.1"));
    }

    #[test]
    fn branches_and_garbage_are_refused() {
        for g in [
            "",
            "dev-main",
            "dev-feature/foo",
            "master",
            "trunk",
            "default",
            "1.x-dev",
            "2.1.x-dev",
            "foo",
            "1.0.0-gamma",
            "1.0.0.0.0",
            "1.0 2.0",
            "1.0.0+",
            "é",
            "~1.0",
            ">=1.0",
            "1.*",
        ] {
            assert!(parse(g).is_err(), "{g:?} should be refused");
        }
        assert!(parse(&format!("1.0.0-beta{}", ".1".repeat(200))).is_err());
    }
}
