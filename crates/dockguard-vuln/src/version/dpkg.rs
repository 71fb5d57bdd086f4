//! Debian package versions, ordered as `dpkg --compare-versions` orders them.
//!
//! Format (deb-version(7)): `[epoch:]upstream_version[-debian_revision]`.
//!
//! - **epoch**: the digits before the *first* `:`; absent means 0. dpkg reads it with `strtol`,
//!   so an optional sign is allowed (`+1:2` is epoch 1, `-0:2` epoch 0) but a negative value, an
//!   empty epoch (`:1`, `a:1`), a non-number (`0x1:1`) or one over `i32::MAX` is an error.
//! - **revision**: what follows the *last* `-`; absent means the empty revision, which compares
//!   equal to `0` (`1.0` == `1.0-0`). An empty revision after a `-` (`1.0-`) is an error.
//! - **upstream**: the rest; it must not be empty (`1:`, `1:-1` are errors).
//!
//! Upstream and revision are compared with dpkg's `verrevcmp`: alternately a run of non-digits
//! and a run of digits. Non-digit runs are compared character by character with the weights
//! `~` < end of string < letters (ASCII order) < every other byte, so `1.0~rc1` < `1.0` <
//! `1.0a` < `1.0+b1` < `1.0.1`. Digit runs are compared as numbers of any length (`01` == `1`,
//! `10` > `9`). Bytes outside ASCII weigh their byte value (128..=255), between the letters and
//! ASCII punctuation, as they do in dpkg (its `char` is signed: `c + 256` wraps to the byte).
//!
//! Validation follows `dpkg --compare-versions` exactly: what dpkg refuses with "bad syntax"
//! (errors) is a [`VersionError`] here, what it only *warns* about is accepted and ordered as
//! dpkg orders it: an upstream not starting with a digit (`a1`, `~1`) and characters outside
//! the policy's sets (`1.0_1`, non-ASCII). Leading and trailing whitespace is ignored, embedded
//! whitespace is an error. One deliberate difference: the empty string, which
//! `--compare-versions` reads as "no version", is an error here, as is anything over 256 bytes.
//!
//! Checked against dpkg 1.21 on 140,119 pairs (real Debian bookworm versions, and edge cases made
//! from them; all agree, including the 1,200 that both refuse): the fixture
//! `fixtures/versions/dpkg-pairs.tsv.gz`, made by `bench/versions/dpkg-vs-reference.sh` and
//! checked by `tests/dpkg_reference.rs`. Written by hand: the `debversion` crate (0.5.5)
//! disagrees with dpkg on 2,008 of these pairs (`1.16.2+ds0-1` vs `1.16.2+ds-1`: an empty digit
//! run is not 0 there) and validates differently (accepts `a:1`, `1.0-`; refuses `1.0_1`).

use std::cmp::Ordering;
use std::fmt;

use super::VersionError;

/// Longest version accepted, in bytes.
const MAX_LEN: usize = 256;

/// A parsed dpkg version. Equality is dpkg's: `1:01.0-0` == `1:1.0`.
#[derive(Debug, Clone)]
pub struct DpkgVersion {
    epoch: u32,
    upstream: String,
    revision: String,
}

impl DpkgVersion {
    pub fn epoch(&self) -> u32 {
        self.epoch
    }
    pub fn upstream(&self) -> &str {
        &self.upstream
    }
    /// The revision, empty when the version has none.
    pub fn revision(&self) -> &str {
        &self.revision
    }
}

impl fmt::Display for DpkgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.upstream)?;
        if !self.revision.is_empty() {
            write!(f, "-{}", self.revision)?;
        }
        Ok(())
    }
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DpkgVersion {}

/// dpkg's `c_isspace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses a version as `dpkg --compare-versions` does (see the module doc).
pub fn parse(s: &str) -> Result<DpkgVersion, VersionError> {
    let err = |reason: &str| VersionError::new(s, reason);
    if s.len() > MAX_LEN {
        return Err(err("longer than 256 bytes"));
    }
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|&b| !is_space(b));
    let Some(start) = start else {
        return Err(err("version string is empty"));
    };
    let end = bytes[start..]
        .iter()
        .position(|&b| is_space(b))
        .map_or(bytes.len(), |i| start + i);
    if bytes[end..].iter().any(|&b| !is_space(b)) {
        return Err(err("version string has embedded spaces"));
    }
    // Whitespace is ASCII, so these are char boundaries.
    let mut rest = &s[start..end];

    let mut epoch = 0;
    if let Some(colon) = rest.find(':') {
        epoch = parse_epoch(&rest[..colon]).map_err(err)?;
        rest = &rest[colon + 1..];
        if rest.is_empty() {
            return Err(err("nothing after colon in version number"));
        }
    }
    let (upstream, revision) = match rest.rfind('-') {
        Some(h) if h + 1 == rest.len() => return Err(err("revision number is empty")),
        Some(h) => (&rest[..h], &rest[h + 1..]),
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err(err("version number is empty"));
    }
    Ok(DpkgVersion {
        epoch,
        upstream: upstream.to_string(),
        revision: revision.to_string(),
    })
}

/// The epoch as C's `strtol` reads it, with dpkg's checks.
fn parse_epoch(e: &str) -> Result<u32, &'static str> {
    let (negative, digits) = match e.as_bytes().first() {
        Some(b'-') => (true, &e[1..]),
        Some(b'+') => (false, &e[1..]),
        _ => (false, e),
    };
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return Err("epoch in version is empty");
    }
    if n != digits.len() {
        return Err("epoch in version is not number");
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return Ok(0);
    }
    if negative {
        return Err("epoch in version is negative");
    }
    match trimmed.parse::<u32>() {
        Ok(v) if v <= i32::MAX as u32 => Ok(v),
        _ => Err("epoch in version is too big"),
    }
}

/// Compares two version strings.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

/// dpkg's weight of a non-digit byte; `None` is the end of the string.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) if c < 0x80 => i32::from(c) + 256,
        // A signed char: (c - 256) + 256.
        Some(c) => i32::from(c),
    }
}

/// dpkg's `verrevcmp` on an upstream version or a revision.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let non_digit = |s: &[u8], k: usize| k < s.len() && !s[k].is_ascii_digit();
    while i < a.len() || j < b.len() {
        while non_digit(a, i) || non_digit(b, j) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let da = a[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let db = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        // Without leading zeros the longer number is the larger; equal lengths compare as text.
        let ord = da.cmp(&db).then_with(|| a[i..i + da].cmp(&b[j..j + db]));
        if ord != Ordering::Equal {
            return ord;
        }
        i += da;
        j += db;
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tricky_orderings() {
        use Ordering::*;
        let cases = [
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0~", "1.0", Less),
            ("1.0", "1.0a", Less),
            ("1.0a", "1.0+", Less),
            ("1.0+", "1.0.", Less),
            ("1.0.", "1.0.1", Less),
            ("1.0", "1.0-0", Equal),
            ("01.0", "1.00", Equal),
            ("1:0.1", "9.9", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0-1", "1.0-1+b1", Less),
            ("1.0-1+deb12u1", "1.0-1+deb12u10", Less),
            ("1.0-1~bpo12+1", "1.0-1", Less),
            ("2.30-2", "2.30-10", Less),
            ("1:2:3", "1:2:4", Less),
            ("1-2-3", "1-2-4", Less),
            ("1-2-3", "1-2.3", Greater), // upstream `1-2` vs `1`
            ("10", "9", Greater),
            (
                "99999999999999999999999999",
                "99999999999999999999999998",
                Greater,
            ),
            ("0000000000000000000000001", "1", Equal),
            ("1.0a", "1.0é", Less),
            ("1.0é", "1.0.", Less),
            ("1.0é", "1.0z", Greater),
            ("a", "1", Greater), // letters outweigh the end of a non-digit run
            ("~", "0", Less),
            (" 1.0 ", "1.0", Equal),
            ("+1:1", "1:1", Equal),
        ];
        super::super::assert_orderings(compare, &cases);
    }

    #[test]
    fn parts() {
        let v = parse("2:1.2-3-4").unwrap();
        assert_eq!((v.epoch(), v.upstream(), v.revision()), (2, "1.2-3", "4"));
        assert_eq!(v.to_string(), "2:1.2-3-4");
        let v = parse("1.0").unwrap();
        assert_eq!((v.epoch(), v.upstream(), v.revision()), (0, "1.0", ""));
        assert_eq!(parse("-0:1").unwrap().epoch(), 0);
        assert_eq!(parse("2147483647:1").unwrap().epoch(), 2147483647);
    }

    #[test]
    fn errors_as_dpkg() {
        for bad in [
            "",
            " ",
            "\t\n",
            "1 0",
            "1:",
            ":1",
            "a:1",
            "+:1",
            "0x1:1",
            "-1:1",
            "2147483648:1",
            "99999999999999999999999:1",
            "1.0-",
            "-1",
            "1:-1",
            "1: ",
            "::",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        // dpkg only warns about these.
        for ok in ["a", "~", "1.0_1", "é", "1.0-é", "1:2:3", "1.0\t", "1:::"] {
            assert!(parse(ok).is_ok(), "{ok:?} should be accepted");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let huge = "9".repeat(257);
        assert!(parse(&huge).is_err());
        let long_ok = "9".repeat(256);
        assert!(parse(&long_ok).is_ok());
        let inputs = [
            "-",
            "--",
            ":",
            "::",
            "~~~",
            "...",
            "+",
            "-:",
            ":-",
            "\u{0}",
            "1\u{0}2",
            "日本語",
            "1:日本-語",
            "🦀",
            "\u{feff}1.0",
            "1.0-\u{0301}",
            "0:0-0",
            "~-~",
            "1--",
        ];
        for a in inputs {
            for b in inputs {
                let _ = compare(a, b);
            }
        }
    }

    #[test]
    fn total_order_on_real_versions() {
        let mut vs: Vec<DpkgVersion> = REAL.split_whitespace().map(|s| parse(s).unwrap()).collect();
        for _ in 0..3 {
            // Several starting orders.
            vs.rotate_left(7);
            vs.sort();
            for w in vs.windows(2) {
                assert_ne!(w[0].cmp(&w[1]), Ordering::Greater);
                assert_eq!(w[1].cmp(&w[0]), w[0].cmp(&w[1]).reverse());
            }
        }
        // Transitivity over all triples of a sample.
        let sample: Vec<_> = vs.iter().step_by(vs.len() / 40 + 1).collect();
        for a in &sample {
            for b in &sample {
                for c in &sample {
                    if a <= b && b <= c {
                        assert!(a <= c, "{a} <= {b} <= {c}");
                    }
                }
            }
        }
    }

    /// A sample of bookworm versions (the reference test reads 100,000 pairs of them).
    const REAL: &str = "1:2.38.1-5+deb12u3 2.36.1-8+deb12u1 1.0-1 1.0-1+b1 1.0~rc1-1 1:9.18.28-1~deb12u2 \
        2.7.6+bsos-1 7:2.7.6-0ubuntu0.15.10.1 0.0~git20230101.abcdef-1 3.0.11-1~deb12u2 \
        1.2.13.dfsg-1 1:1.2.13.dfsg-1 252.30-1~deb12u2 5.2.15-2+b7 2.9.14+dfsg-1.3~deb12u1 \
        1.21.22 1.21.22~bpo11+1 6.1.0-1 6.1.0-1~exp1 4.2.0~alpha1 4.2.0 4.2.0+ds 4.2.0.1 \
        1:4.2.0 0.9.8 0.9.10 0.10 0.10.0 0.10~ 20230311 20230311git 1.0a 1.0b 1.0A 1.0+0 \
        2:1.0 1.0-0 1.0-00 1.0-a 1.0-A 1.0-~ 3.1.0+really2.9.0-1 8.0.0~dfsg-4 1.3.dfsg.1-2 \
        0.2020.02.23-1 2.2.0+dfsg1-1.1 1.15.0+git20230105+ds-1 10.2.1-6 12.2.0-14 9.2p1-2+deb12u3";
}
