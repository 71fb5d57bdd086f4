//! Docker/OCI seccomp profile JSON: the model, a bounded parser whose errors carry
//! `file:line:col`, and the source positions of every syscall name.

use dockguard_core::{LineIndex, Location};
use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// Larger files are refused before they are read (Docker's default profile is ~20 KiB).
pub const MAX_PROFILE_BYTES: u64 = 4 * 1024 * 1024;
/// Deeper `[`/`{` nesting is refused (a profile needs 5 levels; serde_json would stop at 128).
pub const MAX_NESTING: usize = 64;

/// What a rule (or the default) does with a syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Action {
    #[serde(rename = "SCMP_ACT_KILL")]
    Kill,
    #[serde(rename = "SCMP_ACT_KILL_PROCESS")]
    KillProcess,
    #[serde(rename = "SCMP_ACT_KILL_THREAD")]
    KillThread,
    #[serde(rename = "SCMP_ACT_TRAP")]
    Trap,
    #[serde(rename = "SCMP_ACT_ERRNO")]
    Errno,
    #[serde(rename = "SCMP_ACT_TRACE")]
    Trace,
    #[serde(rename = "SCMP_ACT_ALLOW")]
    Allow,
    #[serde(rename = "SCMP_ACT_LOG")]
    Log,
    #[serde(rename = "SCMP_ACT_NOTIFY")]
    Notify,
}

impl Action {
    /// Whether the syscall runs (`SCMP_ACT_LOG` runs it and logs it).
    pub fn allows(self) -> bool {
        matches!(self, Action::Allow | Action::Log)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Kill => "SCMP_ACT_KILL",
            Action::KillProcess => "SCMP_ACT_KILL_PROCESS",
            Action::KillThread => "SCMP_ACT_KILL_THREAD",
            Action::Trap => "SCMP_ACT_TRAP",
            Action::Errno => "SCMP_ACT_ERRNO",
            Action::Trace => "SCMP_ACT_TRACE",
            Action::Allow => "SCMP_ACT_ALLOW",
            Action::Log => "SCMP_ACT_LOG",
            Action::Notify => "SCMP_ACT_NOTIFY",
        }
    }
}

/// Comparison of one argument filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Operator {
    #[serde(rename = "SCMP_CMP_NE")]
    NotEqual,
    #[serde(rename = "SCMP_CMP_LT")]
    LessThan,
    #[serde(rename = "SCMP_CMP_LE")]
    LessOrEqual,
    #[serde(rename = "SCMP_CMP_EQ")]
    Equal,
    #[serde(rename = "SCMP_CMP_GE")]
    GreaterOrEqual,
    #[serde(rename = "SCMP_CMP_GT")]
    GreaterThan,
    /// `(arg & value) == valueTwo`.
    #[serde(rename = "SCMP_CMP_MASKED_EQ")]
    MaskedEqual,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arg {
    pub index: u32,
    pub value: u64,
    #[serde(default)]
    pub value_two: u64,
    pub op: Operator,
}

/// `includes` / `excludes` of a syscall rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    #[serde(default)]
    pub caps: Option<Vec<String>>,
    /// Go architecture names (`amd64`, `x86`, `arm64`, …).
    #[serde(default)]
    pub arches: Option<Vec<String>>,
    /// `major.minor`, e.g. `4.8`.
    #[serde(default)]
    pub min_kernel: Option<String>,
}

impl Filter {
    pub fn caps(&self) -> &[String] {
        self.caps.as_deref().unwrap_or_default()
    }
    pub fn arches(&self) -> &[String] {
        self.arches.as_deref().unwrap_or_default()
    }
    /// The `minKernel` as (major, minor), when it is one.
    pub fn min_kernel(&self) -> Option<(u32, u32)> {
        parse_kernel(self.min_kernel.as_deref()?)
    }
}

/// `major.minor[.patch…]` → (major, minor).
pub fn parse_kernel(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map(|m| m.parse().ok()).unwrap_or(Some(0))?;
    Some((major, minor))
}

/// One element of `syscalls`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyscallRule {
    #[serde(default)]
    pub names: Option<Vec<String>>,
    /// The old single-name form.
    #[serde(default)]
    pub name: Option<String>,
    pub action: Action,
    #[serde(default)]
    pub errno_ret: Option<u32>,
    #[serde(default)]
    pub args: Option<Vec<Arg>>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub includes: Option<Filter>,
    #[serde(default)]
    pub excludes: Option<Filter>,
}

impl SyscallRule {
    /// `name` then `names`, in the order they are written in most profiles.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        self.name
            .as_deref()
            .into_iter()
            .chain(self.names.iter().flatten().map(String::as_str))
    }
    pub fn args(&self) -> &[Arg] {
        self.args.as_deref().unwrap_or_default()
    }
    pub fn includes(&self) -> Filter {
        self.includes.clone().unwrap_or_default()
    }
    pub fn excludes(&self) -> Filter {
        self.excludes.clone().unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchMap {
    pub architecture: String,
    #[serde(default)]
    pub sub_architectures: Option<Vec<String>>,
}

/// A whole profile as Docker reads it (unknown keys such as `flags` are ignored, as Docker does).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub default_action: Action,
    #[serde(default)]
    pub default_errno_ret: Option<u32>,
    #[serde(default)]
    pub architectures: Option<Vec<String>>,
    #[serde(default)]
    pub arch_map: Option<Vec<ArchMap>>,
    #[serde(default)]
    pub syscalls: Option<Vec<SyscallRule>>,
}

impl Profile {
    pub fn syscalls(&self) -> &[SyscallRule] {
        self.syscalls.as_deref().unwrap_or_default()
    }

    /// Every `SCMP_ARCH_*` named in `architectures` and `archMap` (with sub-architectures).
    pub fn all_architectures(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .architectures
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        for m in self.arch_map.iter().flatten() {
            out.push(&m.architecture);
            out.extend(m.sub_architectures.iter().flatten().map(String::as_str));
        }
        out
    }
}

/// A profile with its file name and text, and where each syscall name is written.
#[derive(Debug, Clone)]
pub struct SeccompProfile {
    /// The file as the caller named it (used in locations).
    pub file: String,
    pub source: String,
    pub profile: Profile,
    /// For `profile.syscalls()[i]`, the byte span of each of its `all_names()` (the quoted
    /// string), in the same order.
    pub name_spans: Vec<Vec<Range<usize>>>,
    index: LineIndex,
}

/// A profile that could not be read: one line, `file:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// Reads and parses a profile file; files over [`MAX_PROFILE_BYTES`] are refused unread.
pub fn parse_file(path: &Path) -> Result<SeccompProfile, ParseError> {
    use std::io::Read;
    let file = path.display().to_string();
    let err = |message: String| ParseError {
        file: file.clone(),
        line: 1,
        column: 1,
        message,
    };
    let handle = std::fs::File::open(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
    // One byte over the limit is enough to know it is too large, whatever the metadata says.
    handle
        .take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        return Err(err(too_large()));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let mut pe = located(&file, "", 0, format!("not UTF-8: {e}"));
        // Report the line and column of the first bad byte.
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = std::str::from_utf8(good).unwrap_or_default();
        let (line, column) = LineIndex::new(good).line_col(good, good.len());
        pe.line = line;
        pe.column = column;
        pe
    })?;
    parse_str(&file, &text)
}

fn too_large() -> String {
    format!("seccomp profile is larger than {MAX_PROFILE_BYTES} bytes; refusing to read it")
}

fn located(file: &str, text: &str, offset: usize, message: String) -> ParseError {
    let (line, column) = LineIndex::new(text).line_col(text, offset);
    ParseError {
        file: file.into(),
        line,
        column,
        message,
    }
}

/// Parses a profile's text; `file` is used in error messages and finding locations.
pub fn parse_str(file: &str, text: &str) -> Result<SeccompProfile, ParseError> {
    if text.len() as u64 > MAX_PROFILE_BYTES {
        return Err(located(file, text, 0, too_large()));
    }
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    if let Some(offset) = too_deep(body) {
        return Err(located(
            file,
            text,
            bom + offset,
            format!("JSON nested deeper than {MAX_NESTING} levels"),
        ));
    }
    let profile: Profile = serde_json::from_str(body).map_err(|e| {
        // serde_json's columns count bytes of the line; good enough for ASCII JSON.
        let line = e.line().max(1) as u32;
        let column = e.column().max(1) as u32;
        let message = e.to_string();
        // serde_json appends " at line L column C"; the prefix carries it already.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ParseError {
            file: file.into(),
            line,
            column,
            message: format!("invalid seccomp profile: {message}"),
        }
    })?;
    for (i, rule) in profile.syscalls().iter().enumerate() {
        if rule.all_names().next().is_none() {
            let offset = text.find("\"syscalls\"").unwrap_or(0);
            return Err(located(
                file,
                text,
                offset,
                format!("invalid seccomp profile: syscalls[{i}] has neither `names` nor `name`"),
            ));
        }
    }
    let name_spans = locate_names(text, &profile);
    Ok(SeccompProfile {
        file: file.into(),
        source: text.into(),
        profile,
        name_spans,
        index: LineIndex::new(text),
    })
}

/// The offset of the first bracket that opens level `MAX_NESTING + 1`, outside strings.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Where each syscall name is written: the next occurrence of the name as a JSON string
/// (`"ptrace"`) after the previous name, in document order. Entries and names keep their
/// order through serde, so this is exact unless some other string equal to a syscall name
/// (a comment of exactly that text) comes first within the same entry — then the span is of
/// that string, a line or two off at most. A name written with escapes is not found
/// verbatim; its span is then the entry's start of search (still the right neighbourhood).
fn locate_names(text: &str, profile: &Profile) -> Vec<Vec<Range<usize>>> {
    let mut cursor = text.find("\"syscalls\"").unwrap_or(0);
    profile
        .syscalls()
        .iter()
        .map(|rule| {
            rule.all_names()
                .map(|name| {
                    let quoted = serde_json::to_string(name).unwrap_or_default();
                    match text[cursor..].find(&quoted) {
                        Some(at) => {
                            let start = cursor + at;
                            cursor = start + quoted.len();
                            start..cursor
                        }
                        None => cursor..cursor,
                    }
                })
                .collect()
        })
        .collect()
}

impl SeccompProfile {
    /// A location for a byte span of the source.
    pub fn location(&self, span: Range<usize>) -> Location {
        let (line, column) = self.index.line_col(&self.source, span.start);
        let (end_line, end_column) = self.index.line_col(&self.source, span.end);
        Location {
            file: self.file.clone(),
            line,
            column,
            end_line,
            end_column,
            span,
        }
    }

    /// The span of a top-level key's value (`"defaultAction": "…"` → the key through the
    /// value's first token), or of the start of the file when the key is absent.
    pub fn key_span(&self, key: &str) -> Range<usize> {
        let quoted = format!("\"{key}\"");
        match self.source.find(&quoted) {
            Some(start) => start..start + quoted.len(),
            None => 0..0,
        }
    }

    /// The span of the `n`th name of syscall rule `rule`.
    pub fn name_span(&self, rule: usize, n: usize) -> Range<usize> {
        self.name_spans
            .get(rule)
            .and_then(|v| v.get(n))
            .cloned()
            .unwrap_or(0..0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_default_with_name_positions() {
        let p = parse_str("default.json", crate::DOCKER_DEFAULT).unwrap();
        assert_eq!(p.profile.default_action, Action::Errno);
        assert_eq!(p.profile.default_errno_ret, Some(1));
        assert!(p.profile.syscalls().len() > 30);
        // Every name's span holds exactly that name.
        for (i, rule) in p.profile.syscalls().iter().enumerate() {
            for (n, name) in rule.all_names().enumerate() {
                let span = p.name_span(i, n);
                assert_eq!(&p.source[span], format!("\"{name}\""));
            }
        }
        let loc = p.location(p.name_span(0, 0));
        assert_eq!(loc.file, "default.json");
        assert!(loc.line > 1);
    }

    #[test]
    fn syntax_error_is_one_line_with_position() {
        let e = parse_str(
            "p.json",
            "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  x\n}",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 3));
        let shown = e.to_string();
        assert!(
            shown.starts_with("p.json:3:3: invalid seccomp profile: "),
            "{shown}"
        );
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn wrong_shape_is_an_error() {
        let e = parse_str("p.json", "{\"defaultAction\": \"SCMP_ACT_MAYBE\"}").unwrap_err();
        assert!(e.message.contains("SCMP_ACT_MAYBE"), "{e}");
        assert_eq!(e.line, 1);
        let e = parse_str("p.json", "{\"syscalls\": []}").unwrap_err();
        assert!(e.message.contains("defaultAction"), "{e}");
        let e = parse_str(
            "p.json",
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [{\"action\": \"SCMP_ACT_ALLOW\"}]}",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.json:2:2: invalid seccomp profile: syscalls[0] has neither `names` nor `name`"
        );
        let e = parse_str(
            "p.json",
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": -1, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
        )
        .unwrap_err();
        assert!(e.message.contains("-1"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_with_position() {
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let e = parse_str("d.json", &deep).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e}");
        assert_eq!((e.line, e.column), (1, MAX_NESTING as u32 + 1));
        // Brackets inside strings do not count.
        let text = format!(
            "{{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"x\": \"{}\"}}",
            "[".repeat(200)
        );
        assert!(parse_str("s.json", &text).is_ok());
        // serde_json's own limit (128) would also have stopped it, with an error not a crash.
        let deeper = "[".repeat(10_000);
        assert!(serde_json::from_str::<serde_json::Value>(&deeper).is_err());
        assert!(parse_str("d.json", &deeper).is_err());
    }

    #[test]
    fn size_limit() {
        let dir = std::env::temp_dir().join(format!("dockguard-seccomp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.json");
        let mut text = String::from("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"x\": \"");
        text.push_str(&"a".repeat(MAX_PROFILE_BYTES as usize));
        text.push_str("\"}");
        std::fs::write(&big, &text).unwrap();
        let e = parse_file(&big).unwrap_err();
        assert!(e.message.contains("larger than"), "{e}");
        assert!(parse_str("big.json", &text).is_err());
        let small = dir.join("small.json");
        std::fs::write(&small, "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}").unwrap();
        assert!(parse_file(&small).is_ok());
        let missing = parse_file(&dir.join("missing.json")).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("missing.json:1:1: cannot read")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn kernel_versions() {
        assert_eq!(parse_kernel("4.8"), Some((4, 8)));
        assert_eq!(parse_kernel("5"), Some((5, 0)));
        assert_eq!(parse_kernel("5.10.2"), Some((5, 10)));
        assert_eq!(parse_kernel("x"), None);
    }
}
