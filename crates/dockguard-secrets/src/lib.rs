//! Secret scanner for text files (step 10).
//!
//! The pipeline for one file is:
//!
//! 1. **limits**: files larger than [`MAX_FILE_SIZE`] and binary files (a NUL byte or more than
//!    [`MAX_CONTROL_PERCENT`] % control bytes in the first [`BINARY_SNIFF_LEN`] bytes) are skipped
//!    with a [`ScanSkip`] reason;
//! 2. **keyword prefilter**: one ASCII-case-insensitive Aho-Corasick automaton holds the keywords of
//!    every rule; only the rules whose keyword occurs somewhere in the file are run;
//! 3. **regex**: each triggered rule's `regex::bytes` pattern runs over the file, except on lines
//!    longer than [`MAX_LINE_LEN`] (minified bundles, embedded blobs), which are never searched;
//! 4. **filters**: the allow-list of obvious placeholders (`EXAMPLE`, `xxxxx`, `<your-…>`,
//!    `changeme`, …), the rule's Shannon-entropy threshold and the rule's own check (for example
//!    the base64 `auth` of a Docker `config.json` must decode to `user:password`).
//!
//! Work and memory are bounded: nothing is allocated in proportion to more than the file size, at
//! most [`MAX_MATCHES_PER_FILE`] matches are kept, and every regex has explicit size limits. The
//! scanner never prints.

use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};

pub use dockguard_core::Severity;

pub mod project;
mod rules;

pub use rules::RULES;

/// Files larger than this are not scanned ([`ScanSkip::TooLarge`]).
pub const MAX_FILE_SIZE: usize = 10 * 1024 * 1024;
/// Lines longer than this (in bytes, without the newline) are not searched.
pub const MAX_LINE_LEN: usize = 64 * 1024;
/// How many leading bytes are inspected to decide whether a file is binary.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;
/// A file whose sniffed prefix has more than this percentage of control bytes is binary.
pub const MAX_CONTROL_PERCENT: usize = 10;
/// Binary files with these extensions are scanned through their printable strings
/// ([`printable_strings`]); other binary files are skipped.
pub const STRINGS_OF_BINARY_EXTENSIONS: &[&str] = &[".pyc"];
/// Shortest printable run kept by [`printable_strings`].
pub const MIN_PRINTABLE_RUN: usize = 6;
/// At most this many matches are reported for one file.
pub const MAX_MATCHES_PER_FILE: usize = 1000;
/// Compiled-program size limit of each rule's regex.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Lazy-DFA cache limit of each rule's regex.
pub const REGEX_DFA_SIZE_LIMIT: usize = 1 << 20;

/// A rule's extra validation: `check(secret, after)`, `true` keeps the match.
pub type SecretCheck = fn(&[u8], &[u8]) -> bool;

/// One secret rule: keywords for the prefilter, a regex, optional entropy threshold and check.
#[derive(Debug)]
pub struct SecretRule {
    /// Stable identifier, e.g. `aws-access-key-id`.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// Keywords (ASCII, matched case-insensitively); the regex only runs on files containing one.
    pub keywords: &'static [&'static str],
    /// A `regex::bytes` pattern (compiled without Unicode). The reported secret is the capture
    /// group named `secret`.
    pub regex: &'static str,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    pub entropy_min: Option<f64>,
    pub description: &'static str,
    /// Extra validation (returns `true` to keep the match): called with the secret and with what
    /// the optional capture group `after` matched (empty when the rule has none).
    pub check: Option<SecretCheck>,
    /// A generic (context) rule: dropped when a specific rule matched an overlapping span.
    pub generic: bool,
}

/// A secret found in a file.
#[derive(Debug, Clone)]
pub struct SecretMatch {
    pub rule: &'static SecretRule,
    /// 1-based line of the secret's first byte.
    pub line: u32,
    /// 1-based column of the secret's first byte, counted in characters.
    pub column: u32,
    /// Byte range of the secret in the scanned content.
    pub span: Range<usize>,
    /// The first four characters of the secret followed by `…`.
    pub masked: String,
}

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanSkip {
    /// The file is larger than `limit` bytes.
    TooLarge { size: usize, limit: usize },
    /// The file looks binary.
    Binary(BinaryReason),
}

/// What made a file look binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryReason {
    /// A NUL byte in the first [`BINARY_SNIFF_LEN`] bytes.
    NulByte,
    /// Too many control bytes in the first [`BINARY_SNIFF_LEN`] bytes.
    ControlBytes,
}

impl fmt::Display for ScanSkip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanSkip::TooLarge { size, limit } => {
                write!(
                    f,
                    "file of {size} bytes is larger than the {limit}-byte limit"
                )
            }
            ScanSkip::Binary(BinaryReason::NulByte) => write!(f, "binary file (NUL byte)"),
            ScanSkip::Binary(BinaryReason::ControlBytes) => {
                write!(f, "binary file (too many control bytes)")
            }
        }
    }
}

impl std::error::Error for ScanSkip {}

/// Whether `content` would be skipped, and why.
pub fn skip_reason(content: &[u8]) -> Option<ScanSkip> {
    if content.len() > MAX_FILE_SIZE {
        return Some(ScanSkip::TooLarge {
            size: content.len(),
            limit: MAX_FILE_SIZE,
        });
    }
    let head = &content[..content.len().min(BINARY_SNIFF_LEN)];
    if head.contains(&0) {
        return Some(ScanSkip::Binary(BinaryReason::NulByte));
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    if !head.is_empty() && control * 100 > head.len() * MAX_CONTROL_PERCENT {
        return Some(ScanSkip::Binary(BinaryReason::ControlBytes));
    }
    None
}

/// Shannon entropy of `data` in bits per byte (0 for empty input).
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Placeholders that are never reported (matched case-insensitively anywhere in the match).
const PLACEHOLDERS: &[&str] = &[
    "example",
    "xxxxx",
    "<your",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "redacted",
    "*****",
];

/// Whether `text` contains an obvious placeholder of the allow-list.
pub fn is_placeholder(text: &[u8]) -> bool {
    PLACEHOLDERS.iter().any(|p| contains_ci(text, p.as_bytes()))
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The compiled scanner: build it once with [`Scanner::new`] and share it (it is `Send + Sync`).
#[derive(Debug)]
pub struct Scanner {
    regexes: Vec<Regex>,
    keywords: AhoCorasick,
    /// For each keyword pattern of the automaton, the rules it triggers.
    keyword_rules: Vec<Vec<u16>>,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

struct Raw {
    rule: usize,
    secret: Range<usize>,
}

impl Scanner {
    /// Compiles every rule of [`RULES`] and the keyword automaton.
    ///
    /// # Panics
    /// Only if a built-in rule is invalid, which the unit tests rule out.
    pub fn new() -> Scanner {
        let regexes = RULES
            .iter()
            .map(|r| {
                RegexBuilder::new(r.regex)
                    .unicode(false)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
                    .build()
                    .unwrap_or_else(|e| panic!("secret rule {}: invalid regex: {e}", r.id))
            })
            .collect();
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u16>> = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            for kw in rule.keywords {
                let kw = kw.to_ascii_lowercase();
                let index = match patterns.iter().position(|p| *p == kw) {
                    Some(index) => index,
                    None => {
                        patterns.push(kw);
                        keyword_rules.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                let rule_index = u16::try_from(i).expect("fewer than 65536 rules");
                if !keyword_rules[index].contains(&rule_index) {
                    keyword_rules[index].push(rule_index);
                }
            }
        }
        // A DFA: the prefilter runs over every byte of every file, and the few hundred
        // keywords make a small one.
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("keyword automaton");
        Scanner {
            regexes,
            keywords,
            keyword_rules,
        }
    }

    /// Scans `content` (the file at `path`), returning the secrets found; a skipped file (binary,
    /// too large) gives no match. Use [`Scanner::try_scan`] to learn why a file was skipped.
    pub fn scan(&self, path: &str, content: &[u8]) -> Vec<SecretMatch> {
        self.try_scan(path, content).unwrap_or_default()
    }

    /// Scans `content`, or says why it was skipped. Matches are sorted by position.
    ///
    /// `path` is the file's name for the caller's reports; rules do not depend on it, but a
    /// binary file whose extension is in [`STRINGS_OF_BINARY_EXTENSIONS`] is scanned through its
    /// printable strings (lines then count those strings).
    pub fn try_scan(&self, path: &str, content: &[u8]) -> Result<Vec<SecretMatch>, ScanSkip> {
        self.scan_classified(path, content, skip_reason(content))
    }

    /// [`Scanner::try_scan`] when the caller has already computed [`skip_reason`] of
    /// `content` (from its first [`BINARY_SNIFF_LEN`] bytes and its size).
    pub fn scan_classified(
        &self,
        path: &str,
        content: &[u8],
        skip: Option<ScanSkip>,
    ) -> Result<Vec<SecretMatch>, ScanSkip> {
        match skip {
            Some(ScanSkip::Binary(_))
                if STRINGS_OF_BINARY_EXTENSIONS
                    .iter()
                    .any(|ext| path.ends_with(ext)) =>
            {
                let strings = printable_strings(content);
                return self.scan_text(&strings);
            }
            Some(skip) => return Err(skip),
            None => {}
        }
        self.scan_text(content)
    }

    fn scan_text(&self, content: &[u8]) -> Result<Vec<SecretMatch>, ScanSkip> {
        let triggered = self.triggered(content);
        if !triggered.iter().any(|&t| t) {
            return Ok(Vec::new());
        }
        let mut raws: Vec<Raw> = Vec::new();
        'segments: for (segment, long) in Segments::new(content) {
            let text = &content[segment.clone()];
            for (rule_index, _) in triggered.iter().enumerate().filter(|(_, t)| **t) {
                let rule = &RULES[rule_index];
                // On very long lines only rules with a distinctive shape run: generic
                // assignments there are minified code, not configuration.
                if long && rule.generic {
                    continue;
                }
                for caps in self.regexes[rule_index].captures_iter(text) {
                    let Some(whole) = caps.get(0) else { continue };
                    let secret = caps.name("secret").unwrap_or(whole);
                    let after = caps.name("after").map_or(&[][..], |m| m.as_bytes());
                    if secret.is_empty()
                        || !accept(rule, whole.as_bytes(), secret.as_bytes(), after)
                    {
                        continue;
                    }
                    raws.push(Raw {
                        rule: rule_index,
                        secret: segment.start + secret.start()..segment.start + secret.end(),
                    });
                    if raws.len() >= MAX_MATCHES_PER_FILE {
                        break 'segments;
                    }
                }
            }
        }
        drop_shadowed_generic(&mut raws);
        raws.sort_by_key(|r| (r.secret.start, r.rule));
        Ok(locate(content, raws))
    }

    /// Which rules have a keyword in `content`.
    fn triggered(&self, content: &[u8]) -> Vec<bool> {
        let mut triggered = vec![false; RULES.len()];
        let mut seen = vec![false; self.keyword_rules.len()];
        let mut remaining = self.keyword_rules.len();
        for m in self.keywords.find_overlapping_iter(content) {
            let p = m.pattern().as_usize();
            if !seen[p] {
                seen[p] = true;
                for &r in &self.keyword_rules[p] {
                    triggered[r as usize] = true;
                }
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
        }
        triggered
    }
}

fn accept(rule: &SecretRule, whole: &[u8], secret: &[u8], after: &[u8]) -> bool {
    if is_placeholder(whole) {
        return false;
    }
    if rule.generic && names_an_identifier(whole) {
        return false;
    }
    if let Some(min) = rule.entropy_min
        && shannon_entropy(secret) < min
    {
        return false;
    }
    rule.check.is_none_or(|check| check(secret, after))
}

/// Whether the setting a generic match assigns is an id (`private_key_id`, `secretId`,
/// `token-id`): ids name keys, they do not grant access.
fn names_an_identifier(whole: &[u8]) -> bool {
    let end = whole
        .iter()
        .position(|&b| matches!(b, b'=' | b':' | b'"' | b'\'' | b' ' | b'\t'))
        .unwrap_or(whole.len());
    let key = &whole[..end];
    key.len() > 2
        && (key.ends_with(b"Id") || key.ends_with(b"ID") || {
            let lower = key.to_ascii_lowercase();
            lower.ends_with(b"_id") || lower.ends_with(b"-id") || lower.ends_with(b".id")
        })
}

/// Drops matches of generic rules that overlap a match of a specific rule.
fn drop_shadowed_generic(raws: &mut Vec<Raw>) {
    if !raws.iter().any(|r| RULES[r.rule].generic) {
        return;
    }
    let mut specific: Vec<Range<usize>> = raws
        .iter()
        .filter(|r| !RULES[r.rule].generic)
        .map(|r| r.secret.clone())
        .collect();
    specific.sort_by_key(|s| s.start);
    raws.retain(|r| {
        !RULES[r.rule].generic
            || !specific
                .iter()
                .any(|s| s.start < r.secret.end && r.secret.start < s.end)
    });
}

/// Turns sorted raw matches into [`SecretMatch`]es with line, column and mask.
fn locate(content: &[u8], raws: Vec<Raw>) -> Vec<SecretMatch> {
    let mut line = 1u32;
    let mut pos = 0usize;
    raws.into_iter()
        .map(|raw| {
            let start = raw.secret.start;
            if start > pos {
                line += content[pos..start].iter().filter(|&&b| b == b'\n').count() as u32;
                pos = start;
            }
            let line_start = content[..start]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = 1 + content[line_start..start]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count() as u32;
            let secret = String::from_utf8_lossy(&content[raw.secret.clone()]);
            let mut masked: String = secret.chars().take(4).collect();
            masked.push('…');
            SecretMatch {
                rule: &RULES[raw.rule],
                line,
                column,
                span: raw.secret,
                masked,
            }
        })
        .collect()
}

/// Maximal runs of whole lines no longer than [`MAX_LINE_LEN`] (`long == false`), and each
/// longer line on its own (`long == true`: minified bundles, embedded blobs).
struct Segments<'a> {
    content: &'a [u8],
    pos: usize,
    /// A long line found while ending the previous segment, to yield next.
    long: Option<Range<usize>>,
}

impl<'a> Segments<'a> {
    fn new(content: &'a [u8]) -> Self {
        Segments {
            content,
            pos: 0,
            long: None,
        }
    }
}

impl Iterator for Segments<'_> {
    type Item = (Range<usize>, bool);

    fn next(&mut self) -> Option<(Range<usize>, bool)> {
        if let Some(long) = self.long.take() {
            return Some((long, true));
        }
        let content = self.content;
        if self.pos >= content.len() {
            return None;
        }
        // No line of a short file can be long.
        if self.pos == 0 && content.len() <= MAX_LINE_LEN {
            self.pos = content.len();
            return Some((0..content.len(), false));
        }
        let start = self.pos;
        let mut line_start = start;
        loop {
            if line_start >= content.len() {
                self.pos = content.len();
                return Some((start..content.len(), false));
            }
            let line_end = memchr::memchr(b'\n', &content[line_start..])
                .map_or(content.len(), |i| line_start + i);
            let next = (line_end + 1).min(content.len());
            if line_end - line_start > MAX_LINE_LEN {
                self.pos = next;
                if line_start > start {
                    self.long = Some(line_start..line_end);
                    return Some((start..line_start, false));
                }
                return Some((line_start..line_end, true));
            }
            line_start = next;
            if line_end == content.len() {
                self.pos = content.len();
                return Some((start..content.len(), false));
            }
        }
    }
}

/// The printable runs of a binary file (at least [`MIN_PRINTABLE_RUN`] bytes of printable
/// ASCII), one per line: the strings of compiled Python files, where source constants keep
/// their text.
pub fn printable_strings(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() / 2);
    let mut i = 0;
    while i < content.len() {
        let start = i;
        while i < content.len() && is_printable(content[i]) {
            i += 1;
        }
        if i - start >= MIN_PRINTABLE_RUN {
            out.extend_from_slice(&content[start..i]);
            out.push(b'\n');
        }
        // Skip the unprintable byte (or the end).
        i += 1;
    }
    out
}

fn is_printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\t'
}

/// Decodes standard or URL-safe base64 (padding optional); `None` on other bytes.
pub(crate) fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in input {
        let v = match c {
            b'=' => break,
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
