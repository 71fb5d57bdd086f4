//! RubyGems versions, ordered as `Gem::Version#<=>` orders them (rubygems
//! `lib/rubygems/version.rb`; <https://guides.rubygems.org/patterns/#prerelease-gems>).
//!
//! A version must match `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
//! (surrounding whitespace allowed). Every `-` is read as `.pre.` (`1.0-1` = `1.0.pre.1`), then
//! the version is cut into segments, each a run of digits (a number) or a run of letters (a
//! string): `1.0.a10` = `[1, 0, "a", 10]`, `1.0a` = `[1, 0, "a"]`. A version with any letter is
//! a prerelease, older than its release: `1.0.a < 1.0`, `1.0.0.pre1 < 1.0.0`.
//!
//! Trailing zeros are dropped from the numeric part and from the part starting at the first
//! string (`1.0 == 1 == 1.0.0`, `1.0.a.0 == 1.a`); then segments compare in order, a missing
//! one counting as 0: two numbers numerically, two strings bytewise (`1.0.A < 1.0.a`, `1.0.b <
//! 1.0.rc`), a string below a number (`1.0.a < 1.0.0.1`... and `1.a < 1.0.1`).
//!
//! Differences with Ruby: the empty string is refused (Ruby reads it as `0`); versions over 256
//! bytes are refused. Numbers are unbounded as in Ruby. Test vectors: rubygems'
//! `test/rubygems/test_gem_version.rb` (`test_spaceship`, `test_eql_eh`, `test_prerelease`).

use std::cmp::Ordering;

use super::VersionError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    /// digits, no leading zeros ("0" for zero)
    Num(String),
    Str(String),
}

/// A parsed RubyGems version (its canonical segments).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    segs: Vec<Seg>,
}

impl Version {
    pub fn is_prerelease(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Str(_)))
    }
}

fn zero() -> Seg {
    Seg::Num("0".into())
}

fn cmp_seg(a: &Seg, b: &Seg) -> Ordering {
    match (a, b) {
        (Seg::Num(x), Seg::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Seg::Str(x), Seg::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
        (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let z = zero();
        for i in 0..self.segs.len().max(other.segs.len()) {
            let a = self.segs.get(i).unwrap_or(&z);
            let b = other.segs.get(i).unwrap_or(&z);
            match cmp_seg(a, b) {
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

/// Whether `s` matches Gem::Version's pattern (without the surrounding whitespace).
fn well_formed(s: &str) -> bool {
    let (main, pre) = match s.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (s, None),
    };
    let mut parts = main.split('.');
    let first = parts.next().unwrap_or("");
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if !parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return false;
    }
    match pre {
        None => true,
        Some(p) => p.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }),
    }
}

/// Parses a RubyGems version.
pub fn parse(s: &str) -> Result<Version, VersionError> {
    super::semver::check_len(s)?;
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if !well_formed(t) {
        return Err(VersionError::new(s, "malformed version number string"));
    }
    let t = t.replace('-', ".pre.");
    let mut raw = Vec::new();
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let d = t[start..i].trim_start_matches('0');
            raw.push(Seg::Num(if d.is_empty() { "0".into() } else { d.into() }));
        } else if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            raw.push(Seg::Str(t[start..i].into()));
        } else {
            i += 1;
        }
    }
    // canonical segments: trailing zeros dropped from the numeric part and the string part
    let split = raw
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(raw.len());
    let mut string_part = raw.split_off(split);
    let z = zero();
    while raw.last() == Some(&z) {
        raw.pop();
    }
    while string_part.last() == Some(&z) {
        string_part.pop();
    }
    raw.extend(string_part);
    Ok(Version { segs: raw })
}

/// Compares two RubyGems versions.
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
    fn spaceship() {
        // rubygems test_gem_version.rb, test_spaceship
        use Ordering::*;
        for (a, b, o) in [
            ("1.0", "1.0.0", Equal),
            ("1", "1.0", Equal),
            ("1.0", "1.0.a", Greater),
            ("1.8.2", "0.0.0", Greater),
            ("1.8.2", "1.8.2.a", Greater),
            ("1.8.2.b", "1.8.2.a", Greater),
            ("1.8.2.a", "1.8.2", Less),
            ("1.8.2.a10", "1.8.2.a9", Greater),
            ("", "0", Equal),
            ("0.beta.1", "0.0.beta.1", Equal),
            ("0.0.beta", "0.0.beta.1", Less),
            ("0.0.beta", "0.beta.1", Less),
            ("5.a", "5.0.0.rc2", Less),
            ("5.x", "5.0.0.rc2", Greater),
            ("1.9.3", "1.9.3", Equal),
            ("1.9.3", "1.9.2.99", Greater),
            ("1.9.3", "1.9.3.1", Less),
        ] {
            if a.is_empty() {
                continue; // "" is refused here (Ruby reads it as 0)
            }
            assert_eq!(c(a, b), o, "{a} <=> {b}");
            assert_eq!(c(b, a), o.reverse(), "{b} <=> {a}");
        }
    }

    #[test]
    fn prerelease_and_dashes() {
        assert!(parse("1.0.a").unwrap().is_prerelease());
        assert!(parse("1.0-1").unwrap().is_prerelease());
        assert!(!parse("1.0.0").unwrap().is_prerelease());
        assert_eq!(c("1.0-1", "1.0.pre.1"), Ordering::Equal);
        assert_eq!(c("1.0-1", "1.0"), Ordering::Less);
        assert_eq!(c("1.0.0.pre1", "1.0.0"), Ordering::Less);
        assert_eq!(c("1.0.0.rc1", "1.0.0.beta2"), Ordering::Greater);
        assert_eq!(c("1.0.A", "1.0.a"), Ordering::Less);
        assert_eq!(c("1.0a", "1.0.a"), Ordering::Equal);
        assert_eq!(c(" 1.0 ", "1"), Ordering::Equal);
        assert_eq!(c("1.0.a.0", "1.a"), Ordering::Equal);
        assert_eq!(
            c("12345678901234567890123", "12345678901234567890122"),
            Ordering::Greater
        );
    }

    #[test]
    fn garbage_is_refused() {
        // test_initialize_invalid and friends
        for g in [
            "",
            "junk",
            "1.0\n2.0",
            "1..2",
            "1.2\\ 3.4",
            "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
            "1.0.0-",
            "1a",
            "v1.0",
            "1.0 2.0",
            "-1",
            "1.0-é",
            "1.0.é",
            ".1",
        ] {
            assert!(parse(g).is_err(), "{g:?} should be refused");
        }
        assert!(parse(&format!("1.{}", "a.".repeat(200))).is_err());
    }
}
