//! Alpine (apk) package versions, ordered as apk-tools' `apk_version_compare` orders them.
//!
//! Format (apk-tools `src/version.c`, apk-version(8)):
//! `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`, e.g. `1.2.3b_rc1_p2~0af1-r4`.
//! - it starts with a number; further numbers follow a `.`;
//! - one lowercase letter may follow the numbers (`1.0a`);
//! - then any number of `_suffix` each with an optional number; the suffixes rank
//!   `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`;
//! - then an optional `~` and lowercase hex digits (a commit hash);
//! - then an optional `-r` and the package revision number.
//!
//! Two versions are read token by token while both have a token of the same kind:
//! - the first number, suffix numbers and the revision compare as numbers (`01` == `1`);
//! - later `.number`s compare as numbers too, unless either starts with `0`: then both compare
//!   as byte strings (Gentoo's rule: `1.01` < `1.1`, `1.01` < `1.001` is false);
//! - letters, suffixes (by the rank above) and hashes (as byte strings) compare as such.
//!
//! When the token kinds differ, a pre-release suffix (`_alpha` … `_rc`) makes its version
//! older (`1.0_rc1` < `1.0`); otherwise the version whose token comes earlier in the format is
//! newer: `1.0.1` > `1.0a` > `1.0_p1` > `1.0~abc` > `1.0-r1` > `1.0`.
//!
//! Validation is apk's `apk_version_validate`: anything else (`1.0bc`, `1.0-r`, `1.0_foo`,
//! uppercase letters, an empty string) is a [`VersionError`] from [`parse`] and [`compare`], as
//! is anything over 256 bytes. [`compare_lenient`] orders any two strings as apk does, invalid
//! ones included (apk stops reading at the first invalid token: `1.0` < `1.0bc`), but that is
//! not a total order, so it is only for callers that need apk's exact answer on bad data.
//!
//! One deliberate difference: apk reads numbers into a wrapping `u64`; here numbers of any
//! length compare exactly.
//!
//! Checked against every vector of apk-tools' `test/unit/version.data`, copied to
//! `fixtures/versions/apk-version.data` (source: `fixtures/versions/README-os-packages.md`).

use std::cmp::Ordering;
use std::fmt;

use super::VersionError;

const MAX_LEN: usize = 256;

/// A valid apk version. Equality is apk's: `01.0` == `1.0`, `1.0_rc01` == `1.0_rc1`.
#[derive(Debug, Clone)]
pub struct ApkVersion(String);

impl ApkVersion {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_tokens(self.0.as_bytes(), other.0.as_bytes(), false)
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

/// Parses a version, refusing what `apk_version_validate` refuses.
pub fn parse(s: &str) -> Result<ApkVersion, VersionError> {
    if s.len() > MAX_LEN {
        return Err(VersionError::new(s, "longer than 256 bytes"));
    }
    let mut t = Tokens::new(s.as_bytes());
    loop {
        match t.next_token().kind {
            Kind::End => return Ok(ApkVersion(s.to_string())),
            Kind::Invalid => {
                return Err(VersionError::new(
                    s,
                    format!("not an apk version (bad token at byte {})", t.invalid_at),
                ));
            }
            _ => {}
        }
    }
}

/// Compares two valid versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

/// Compares any two strings exactly as `apk_version_compare` does, invalid versions included
/// (see the module doc: not a total order on invalid input). Bounded work, never panics.
pub fn compare_lenient(a: &str, b: &str) -> Ordering {
    compare_tokens(a.as_bytes(), b.as_bytes(), false)
}

/// Token kinds, in apk's order (the order matters when kinds differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

/// Rank of a suffix; `NONE` is where a version without a suffix stands.
const SUFFIX_NONE: u8 = 5;

fn suffix_rank(s: &[u8]) -> Option<u8> {
    Some(match s {
        b"alpha" => 1,
        b"beta" => 2,
        b"pre" => 3,
        b"rc" => 4,
        b"cvs" => 6,
        b"svn" => 7,
        b"git" => 8,
        b"hg" => 9,
        b"p" => 10,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    value: &'a [u8],
    suffix: u8,
}

struct Tokens<'a> {
    s: &'a [u8],
    pos: usize,
    /// Kind of the last token read; `None` before the first.
    last: Option<Kind>,
    invalid_at: usize,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a [u8]) -> Self {
        Tokens {
            s,
            pos: 0,
            last: None,
            invalid_at: 0,
        }
    }

    fn span(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.pos < self.s.len() && f(self.s[self.pos]) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    fn emit(&mut self, kind: Kind, value: &'a [u8], suffix: u8) -> Token<'a> {
        if kind == Kind::Invalid {
            self.invalid_at = self.pos;
        }
        self.last = Some(kind);
        Token {
            kind,
            value,
            suffix,
        }
    }

    fn digits(&mut self, kind: Kind) -> Token<'a> {
        let v = self.span(|c| c.is_ascii_digit());
        self.emit(if v.is_empty() { Kind::Invalid } else { kind }, v, 0)
    }

    fn invalid(&mut self) -> Token<'a> {
        self.emit(Kind::Invalid, b"", 0)
    }

    /// The next token; after `End` or `Invalid` it keeps returning the same kind.
    fn next_token(&mut self) -> Token<'a> {
        let Some(last) = self.last else {
            return self.digits(Kind::InitialDigit);
        };
        if last >= Kind::End {
            return self.emit(last, b"", 0);
        }
        let Some(&c) = self.s.get(self.pos) else {
            return self.emit(Kind::End, b"", 0);
        };
        match c {
            b'a'..=b'z' => {
                if last > Kind::Digit {
                    return self.invalid();
                }
                self.pos += 1;
                let v = &self.s[self.pos - 1..self.pos];
                self.emit(Kind::Letter, v, 0)
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if last > Kind::Digit {
                        return self.invalid();
                    }
                    self.pos += 1;
                }
                match last {
                    Kind::InitialDigit | Kind::Digit => self.digits(Kind::Digit),
                    Kind::Suffix => self.digits(Kind::SuffixNo),
                    _ => self.invalid(),
                }
            }
            b'_' => {
                if last > Kind::SuffixNo {
                    return self.invalid();
                }
                self.pos += 1;
                let v = self.span(|c| c.is_ascii_lowercase());
                match suffix_rank(v) {
                    Some(rank) => self.emit(Kind::Suffix, v, rank),
                    None => self.invalid(),
                }
            }
            b'~' => {
                if last >= Kind::CommitHash {
                    return self.invalid();
                }
                self.pos += 1;
                let v = self.span(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
                if v.is_empty() {
                    return self.invalid();
                }
                self.emit(Kind::CommitHash, v, 0)
            }
            b'-' => {
                if last >= Kind::RevisionNo || self.s.get(self.pos + 1) != Some(&b'r') {
                    return self.invalid();
                }
                self.pos += 2;
                self.digits(Kind::RevisionNo)
            }
            _ => self.invalid(),
        }
    }
}

/// Numbers of any length, leading zeros ignored.
fn cmp_number(a: &[u8], b: &[u8]) -> Ordering {
    fn strip(s: &[u8]) -> &[u8] {
        let z = s.iter().take_while(|&&c| c == b'0').count();
        &s[z..]
    }
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_token(a: &Token, b: &Token) -> Ordering {
    match a.kind {
        Kind::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            a.value.cmp(b.value)
        }
        Kind::Digit | Kind::InitialDigit | Kind::SuffixNo | Kind::RevisionNo => {
            cmp_number(a.value, b.value)
        }
        Kind::Letter => a.value.cmp(b.value),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.value.cmp(b.value),
    }
}

/// `apk_version_compare_fuzzy`: with `fuzzy`, `b` being a prefix of `a` (token-wise) is equal.
fn compare_tokens(a: &[u8], b: &[u8], fuzzy: bool) -> Ordering {
    let (mut ia, mut ib) = (Tokens::new(a), Tokens::new(b));
    let (mut ta, mut tb) = (ia.next_token(), ib.next_token());
    while ta.kind == tb.kind && ta.kind < Kind::End {
        match cmp_token(&ta, &tb) {
            Ordering::Equal => {}
            o => return o,
        }
        ta = ia.next_token();
        tb = ib.next_token();
    }
    if ta.kind == tb.kind || (tb.kind == Kind::End && fuzzy) {
        return Ordering::Equal;
    }
    if ta.kind == Kind::Suffix && ta.suffix < SUFFIX_NONE {
        return Ordering::Less;
    }
    if tb.kind == Kind::Suffix && tb.suffix < SUFFIX_NONE {
        return Ordering::Greater;
    }
    // The token earlier in the format is the newer.
    tb.kind.cmp(&ta.kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn tricky_orderings() {
        let cases = [
            ("1.0_rc1", "1.0", Less),
            ("1.0_alpha", "1.0_beta", Less),
            ("1.0_beta", "1.0_pre", Less),
            ("1.0_pre", "1.0_rc", Less),
            ("1.0", "1.0_cvs", Less),
            ("1.0_cvs", "1.0_svn", Less),
            ("1.0_svn", "1.0_git", Less),
            ("1.0_git", "1.0_hg", Less),
            ("1.0_hg", "1.0_p", Less),
            ("1.0_p1", "1.0_p2", Less),
            ("1.0_rc01", "1.0_rc1", Equal),
            ("1.0", "1.0-r1", Less),
            ("1.0-r1", "1.0~abc", Less),
            ("1.0~abc", "1.0_p1", Less),
            ("1.0_p1", "1.0a", Less),
            ("1.0a", "1.0.1", Less),
            ("1.0a", "1.0b", Less),
            ("1.0_alpha", "1.0-r1", Less),
            ("1.01", "1.1", Less),
            ("1.01", "1.001", Greater),
            ("1.10", "1.9", Greater),
            ("01.0", "1.0", Equal),
            ("1.0-r01", "1.0-r1", Equal),
            ("1.0~0a", "1.0~0b", Less),
            ("2.34", "0.1.0_alpha", Greater),
            ("1.2.3-r10", "1.2.3-r9", Greater),
            (
                "99999999999999999999999",
                "99999999999999999999998",
                Greater,
            ),
        ];
        super::super::assert_orderings(compare, &cases);
    }

    /// Every line of apk-tools' test/unit/version.data.
    #[test]
    fn apk_tools_vectors() {
        let data = include_str!("../../fixtures/versions/apk-version.data");
        let (mut n, mut failed) = (0, Vec::new());
        for line in data.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            n += 1;
            let fields: Vec<&str> = line.split_whitespace().collect();
            let ok = if let [a, op, b] = fields[..] {
                let (invert, op) = match op.strip_prefix('!') {
                    Some(op) => (true, op),
                    None => (false, op),
                };
                let fuzzy = op.contains('~');
                let got = compare_tokens(a.as_bytes(), b.as_bytes(), fuzzy);
                let m = match got {
                    Less => op.contains('<'),
                    Greater => op.contains('>'),
                    Equal => op.contains('=') || fuzzy,
                };
                m != invert
            } else {
                let (invert, v) = match line.strip_prefix('!') {
                    Some(v) => (true, v),
                    None => (false, line),
                };
                parse(v).is_ok() != invert
            };
            if !ok {
                failed.push(line.to_string());
            }
        }
        assert!(n > 700, "only {n} vectors");
        assert!(
            failed.is_empty(),
            "{} of {n} vectors fail: {failed:#?}",
            failed.len()
        );
    }

    #[test]
    fn invalid_versions() {
        for bad in [
            "", "a", "1.0bc", "1.0-r", "1.0_foo", "1.0A", "1.0-1", "1..0", "1.0~", "-r1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(compare_lenient("1.0", "1.0bc"), Less);
    }

    #[test]
    fn garbage_never_panics() {
        assert!(parse(&"1".repeat(257)).is_err());
        assert!(parse(&"1".repeat(256)).is_ok());
        let inputs = [
            "",
            "-",
            "--",
            ".",
            "_",
            "~",
            "-r",
            "1-r",
            "1_",
            "1~",
            "日本語",
            "1.日本",
            "🦀",
            "1\u{0}",
            "1.0_alpha_beta_rc1_p2~deadbeef-r3",
            "1.0-r1-r2",
            "0",
            "00.00",
        ];
        for a in inputs {
            for b in inputs {
                let _ = compare(a, b);
                let _ = compare_lenient(a, b);
                let _ = compare_tokens(a.as_bytes(), b.as_bytes(), true);
            }
        }
        let huge = format!("1{}", ".1".repeat(100_000));
        let _ = compare_lenient(&huge, &huge);
    }

    #[test]
    fn total_order_on_vector_versions() {
        let data = include_str!("../../fixtures/versions/apk-version.data");
        let mut vs: Vec<ApkVersion> = data
            .split_whitespace()
            .filter_map(|w| parse(w.trim_start_matches('!')).ok())
            .collect();
        assert!(vs.len() > 1000);
        vs.sort();
        for w in vs.windows(2) {
            assert_ne!(w[0].cmp(&w[1]), Greater);
            assert_eq!(w[1].cmp(&w[0]), w[0].cmp(&w[1]).reverse());
        }
        let sample: Vec<_> = vs.iter().step_by(vs.len() / 60 + 1).collect();
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
}
