//! RPM versions (`[epoch:]version[-release]`, "EVR"), ordered as rpm 4.18 orders them
//! (`rpm.vercmp` in rpm's Lua, `rpmverCmp` in librpm).
//!
//! Parsing (rpm's `parseEVR`): the epoch is a run of leading ASCII digits followed by `:`
//! (`:1` has the epoch `0`; `a:1` has none, its version is `a:1`); the release is what follows
//! the *last* `-`, and may be empty (`1.0-`). Absent epoch = `0`.
//!
//! Comparison: epoch, then version, then release, each with `rpmvercmp`; when only one side
//! has a release, that side is newer whatever its release says (`1.0-~` > `1.0`, `1.0-` >
//! `1.0`), as rpm 4.18 does it.
//!
//! `rpmvercmp` splits a string into segments, skipping every byte that is not an ASCII
//! letter, digit, `~` or `^` (so `1.0` == `1_0` == `1..0`, and non-ASCII bytes are
//! separators):
//! - `~` sorts before everything, the end of the string too: `1.0~rc1` < `1.0`;
//! - `^` sorts after the end of the string but before any further segment:
//!   `1.0` < `1.0^20230101git` < `1.0.1`;
//! - a digit segment beats a letter segment (`1.0.1` > `1.0.a`); digit segments compare as
//!   numbers without leading zeros (`010` == `10`), letter segments as ASCII text
//!   (`B` < `a`);
//! - when every segment matched, the string with segments left over is newer.
//!
//! An empty EVR is refused (rpm says "invalid version"), as is anything over 256 bytes.
//!
//! Checked against rpm 4.18's `rpm.vercmp` on 116,964 pairs (real CentOS Stream/Fedora EVRs,
//! Debian versions, `~`/`^`/leading-zero edge cases; all agree) of
//! `fixtures/versions/rpm-pairs.tsv.gz` (`bench/versions/rpm-vs-reference.sh`,
//! `tests/rpm_reference.rs`). Written by hand: the `rpm-version` crate (0.5.1) disagrees with rpm
//! on 941 of these pairs (it splits the release at the first `-`, the epoch at any `:`).

use std::cmp::Ordering;
use std::fmt;

use super::VersionError;

const MAX_LEN: usize = 256;

/// A parsed EVR. Equality is rpm's: `01:1.0-1` == `1:1.00-1`.
#[derive(Debug, Clone)]
pub struct RpmVersion {
    /// `None` when the string had no epoch (compares as `0`).
    epoch: Option<String>,
    version: String,
    release: Option<String>,
}

impl RpmVersion {
    pub fn epoch(&self) -> Option<&str> {
        self.epoch.as_deref()
    }
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }
}

impl fmt::Display for RpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(e) = &self.epoch {
            write!(f, "{e}:")?;
        }
        f.write_str(&self.version)?;
        if let Some(r) = &self.release {
            write!(f, "-{r}")?;
        }
        Ok(())
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let e1 = self.epoch.as_deref().unwrap_or("0");
        let e2 = other.epoch.as_deref().unwrap_or("0");
        rpmvercmp(e1.as_bytes(), e2.as_bytes())
            .then_with(|| rpmvercmp(self.version.as_bytes(), other.version.as_bytes()))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => rpmvercmp(a.as_bytes(), b.as_bytes()),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

/// Parses an EVR as rpm does (see the module doc).
pub fn parse(s: &str) -> Result<RpmVersion, VersionError> {
    if s.is_empty() {
        return Err(VersionError::new(s, "empty version"));
    }
    if s.len() > MAX_LEN {
        return Err(VersionError::new(s, "longer than 256 bytes"));
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, vr) = if s.as_bytes().get(digits) == Some(&b':') {
        let e = &s[..digits];
        (Some(if e.is_empty() { "0" } else { e }), &s[digits + 1..])
    } else {
        (None, s)
    };
    let (version, release) = match vr.rfind('-') {
        Some(h) => (&vr[..h], Some(&vr[h + 1..])),
        None => (vr, None),
    };
    Ok(RpmVersion {
        epoch: epoch.map(str::to_string),
        version: version.to_string(),
        release: release.map(str::to_string),
    })
}

/// Compares two EVR strings.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

/// rpm's `rpmvercmp` on a version or a release (see the module doc).
pub fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let skip = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while i < a.len() && skip(a[i]) {
            i += 1;
        }
        while j < b.len() && skip(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // `~`: before everything, the end included.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // `^`: after the end, before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            match (ca, cb) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(b'^'), Some(b'^')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (Some(b'^'), _) => return Ordering::Less,
                _ => return Ordering::Greater,
            }
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = ca.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let la = a[i..].iter().take_while(|c| class(c)).count();
        let lb = b[j..].iter().take_while(|c| class(c)).count();
        if lb == 0 {
            // Segments of different kinds: the number is newer.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut sa, mut sb) = (&a[i..i + la], &b[j..j + lb]);
        if numeric {
            while sa.first() == Some(&b'0') {
                sa = &sa[1..];
            }
            while sb.first() == Some(&b'0') {
                sb = &sb[1..];
            }
            match sa.len().cmp(&sb.len()) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match sa.cmp(sb) {
            Ordering::Equal => {}
            o => return o,
        }
        i += la;
        j += lb;
    }
    match (i < a.len(), j < b.len()) {
        (false, false) => Ordering::Equal,
        (true, _) => Ordering::Greater,
        _ => Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn tricky_orderings() {
        // Each checked with rpm 4.18's `rpm.vercmp`.
        let cases = [
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1", "1.0~rc2", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0^", "1.0", Greater),
            ("1.0^git1", "1.0", Greater),
            ("1.0^git1", "1.0.1", Less),
            ("1.0^git1", "1.0^git2", Less),
            ("1.0^git1~pre", "1.0^git1", Less),
            ("1.0~rc1^git1", "1.0~rc1", Greater),
            ("1.0~rc1^git1", "1.0", Less),
            ("1.0", "1.0-1", Less),
            ("1.0-~", "1.0", Greater),
            ("1.0-", "1.0", Greater),
            ("1.0-~", "1.0-", Less),
            ("1:1.0", "2.0", Greater),
            ("01:1", "1:1", Equal),
            (":1", "0:1", Equal),
            ("1:", "1", Greater),
            ("a:1", "1", Less),
            ("1.0:2", "1.0", Greater),
            ("-1", "1", Less),
            ("1..0", "1.0", Equal),
            ("1_0", "1.0", Equal),
            ("1.0a", "1.0.a", Equal),
            ("é", "e", Less),
            ("1.01", "1.1", Equal),
            ("1.010", "1.9", Greater),
            ("1.0.1", "1.0.a", Greater),
            ("1.0a", "1.0", Greater),
            ("B", "a", Less),
            ("2.0.1-1.el9", "2.0.1-1.el9_2", Less),
            ("5.14.0-362.8.1.el9_3", "5.14.0-362.13.1.el9_3", Less),
            ("1.2.3-4.fc39", "1.2.3-4.fc40", Less),
            ("1-2-3", "1-2-4", Less),
            (
                "99999999999999999999999",
                "99999999999999999999998",
                Greater,
            ),
        ];
        super::super::assert_orderings(compare, &cases);
    }

    #[test]
    fn parts() {
        let v = parse("2:1.2-3-4.el9").unwrap();
        assert_eq!(
            (v.epoch(), v.version(), v.release()),
            (Some("2"), "1.2-3", Some("4.el9"))
        );
        assert_eq!(v.to_string(), "2:1.2-3-4.el9");
        let v = parse("a:1").unwrap();
        assert_eq!((v.epoch(), v.version(), v.release()), (None, "a:1", None));
        assert_eq!(parse(":1").unwrap().epoch(), Some("0"));
    }

    #[test]
    fn garbage_never_panics() {
        assert!(parse("").is_err());
        assert!(parse(&"1".repeat(257)).is_err());
        assert!(parse(&"1".repeat(256)).is_ok());
        let inputs = [
            "-",
            "--",
            ":",
            "::",
            "~",
            "^",
            "~^",
            "^~",
            "...",
            "\u{0}",
            "日本語",
            "1:日本-語",
            "🦀",
            "1^^",
            "1~~",
            "-:",
            ":-",
            "0",
            "00",
            "a",
            "1a1a1a",
            "1.0-~^",
        ];
        for a in inputs {
            for b in inputs {
                let o = cmp(a, b);
                assert_eq!(cmp(b, a), o.reverse(), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn total_order_on_real_versions() {
        let mut vs: Vec<RpmVersion> = REAL.split_whitespace().map(|s| parse(s).unwrap()).collect();
        vs.sort();
        for w in vs.windows(2) {
            assert_ne!(w[0].cmp(&w[1]), Greater);
            assert_eq!(w[1].cmp(&w[0]), w[0].cmp(&w[1]).reverse());
        }
        for a in &vs {
            for b in &vs {
                for c in &vs {
                    if a <= b && b <= c {
                        assert!(a <= c, "{a} <= {b} <= {c}");
                    }
                }
            }
        }
    }

    const REAL: &str = "2:1.2.3-4.el9 0.9-1 1.0~rc1-1 1.0-1 1.0^20230101git1-1 1:1.0-1 \
        5.14.0-362.8.1.el9_3 5.14.0-362.13.1.el9_3 5.14.0-70.13.1.el9_0 3.0.7-24.el9 \
        1:3.0.7-25.el9_3 2.34-83.el9_3.7 2.34-83.el9_3.12 252-18.el9 1.1.1k-9.el8_7 \
        4.18.0-513.5.1.el8_9 6.5.6-300.fc39 6.5.12-300.fc39 1.2.3-4.fc40 2.40-1.fc39 \
        0.1-0.1.beta 0.1-0.2.rc1 0.1-1 7.76.1-26.el9_3.2 8.0p1-7.el9 8.7p1-34.el9 \
        1.0a-1 1.0.a-1 1.0.1-1 10-1 9-1 0.20230101-1 1.0-1.el9 1.0-1.el9_0 1.0-1.el9.1";
}
