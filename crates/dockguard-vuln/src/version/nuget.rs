//! NuGet versions, ordered as `NuGet.Versioning`'s `NuGetVersion` with the default
//! `VersionComparer` (<https://learn.microsoft.com/nuget/concepts/package-versioning>).
//!
//! `Major[.Minor[.Patch[.Revision]]][-Release][+Metadata]`: one to four numbers (missing ones
//! are 0, so `1 == 1.0 == 1.0.0 == 1.0.0.0`; leading zeros are read as the number, each fits in
//! an `i32` as in .NET), then an optional SemVer 2 pre-release and build metadata. No leading
//! `v` (NuGet refuses `v1.0.0`).
//!
//! Order: the four numbers, then a version without pre-release above one with; pre-release
//! labels compare in turn, numeric labels numerically and below non-numeric ones, non-numeric
//! ones case-insensitively (`1.0.0-BETA == 1.0.0-beta`; ordinal, upper-cased), more labels above
//! a prefix (`1.0.0-beta < 1.0.0-beta.1`). Metadata is ignored (`1.0.0+a == 1.0.0+b`).
//! Labels: non-empty, `[0-9A-Za-z-]`, numeric ones without leading zeros.
//! Test vectors: NuGet.Client's `NuGet.Versioning.Test` (`VersionComparerTests`). Versions over
//! 256 bytes are refused.

use std::cmp::Ordering;

use super::VersionError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Label {
    Num(u64),
    /// upper-cased
    Str(String),
}

/// A parsed NuGet version (metadata dropped, labels case-folded).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    nums: [u32; 4],
    pre: Vec<Label>,
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nums
            .cmp(&other.nums)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = match (a, b) {
                            (Label::Num(x), Label::Num(y)) => x.cmp(y),
                            (Label::Num(_), Label::Str(_)) => Ordering::Less,
                            (Label::Str(_), Label::Num(_)) => Ordering::Greater,
                            (Label::Str(x), Label::Str(y)) => x.cmp(y),
                        };
                        if o.is_ne() {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn label_ok(l: &str) -> bool {
    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Parses a NuGet version.
pub fn parse(s: &str) -> Result<Version, VersionError> {
    super::semver::check_len(s)?;
    let t = s.trim();
    let (t, meta) = match t.split_once('+') {
        Some((t, m)) => (t, Some(m)),
        None => (t, None),
    };
    if let Some(m) = meta
        && !m.split('.').all(label_ok)
    {
        return Err(VersionError::new(s, "invalid metadata"));
    }
    let (core, pre) = match t.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (t, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 4 {
        return Err(VersionError::new(s, "more than four numbers"));
    }
    let mut nums = [0u32; 4];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VersionError::new(s, format!("`{p}` is not a number")));
        }
        nums[i] = p
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= i32::MAX as u32)
            .ok_or_else(|| VersionError::new(s, format!("`{p}` is too large")))?;
    }
    let mut labels = Vec::new();
    if let Some(p) = pre {
        for l in p.split('.') {
            if !label_ok(l) {
                return Err(VersionError::new(
                    s,
                    format!("invalid pre-release label `{l}`"),
                ));
            }
            if l.bytes().all(|b| b.is_ascii_digit()) {
                if l.len() > 1 && l.starts_with('0') {
                    return Err(VersionError::new(s, format!("leading zero in `{l}`")));
                }
                match l.parse::<u64>() {
                    Ok(n) if n <= i32::MAX as u64 => labels.push(Label::Num(n)),
                    // .NET's int.TryParse fails: the label compares as a string
                    _ => labels.push(Label::Str(l.to_string())),
                }
            } else {
                labels.push(Label::Str(l.to_ascii_uppercase()));
            }
        }
    }
    Ok(Version { nums, pre: labels })
}

/// Compares two NuGet versions.
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
    fn equal_spellings() {
        // NuGet.Versioning.Test VersionComparerTests (VersionComparison.Default equal cases)
        for (a, b) in [
            ("1.0.0", "1.0.0"),
            ("1.0.0-BETA", "1.0.0-beta"),
            ("1.0.0-BETA+AA", "1.0.0-beta+aa"),
            ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa"),
            ("1.0.0", "1.0.0+beta"),
            ("1.0", "1.0.0.0"),
            ("1", "1.0.0"),
            ("1.0.0.0-beta", "1.0.0-beta"),
            ("01.02.3", "1.2.3"),
        ] {
            assert_eq!(c(a, b), Ordering::Equal, "{a} == {b}");
        }
    }

    #[test]
    fn increasing() {
        let v = [
            "0.0.0-alpha",
            "1.0.0-2",
            "1.0.0-10",
            "1.0.0-alpha",
            "1.0.0-ALPHA.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1-alpha",
            "1.0.0.1",
            "1.0.1",
            "1.1",
            "2.0.0.0",
        ];
        for w in v.windows(2) {
            assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(c(w[1], w[0]), Ordering::Greater);
        }
    }

    #[test]
    fn garbage_is_refused() {
        for g in [
            "",
            "v1.0.0",
            "1.0.0.0.0",
            "1..0",
            "1.0.0-",
            "1.0.0-a..b",
            "1.0.0-01",
            "1.0.0+",
            "a.b",
            "2147483648.0.0",
            "1.0.0-é",
            "-1.0",
            "1.0.0-beta+x+y",
        ] {
            assert!(parse(g).is_err(), "{g:?} should be refused");
        }
        assert!(parse(&format!("1.0.0-{}", "a".repeat(300))).is_err());
    }
}
