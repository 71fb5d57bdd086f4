use super::ast::*;
use super::lexer::{split_words, unquote};
use dockguard_core::LineIndex;

/// BuildKit refuses lines longer than this.
const MAX_LINE: usize = 64 * 1024;

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// End of the content, before `\r\n` or `\n`.
    end: usize,
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<Line>,
    escape: char,
    errors: Vec<SyntaxError>,
    comments: Vec<Comment>,
    empty_continuation_lines: Vec<Span>,
}

/// Parses a Dockerfile. Never fails: see [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = Vec::new();
    let mut start = body_start;
    for (i, b) in text.bytes().enumerate().skip(body_start) {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            lines.push(Line { start, end });
            start = i + 1;
        }
    }
    if start < text.len() {
        let end = if text.ends_with('\r') {
            text.len() - 1
        } else {
            text.len()
        };
        lines.push(Line {
            start,
            end: end.max(start),
        });
    }
    let mut p = Parser {
        text,
        lines,
        escape: '\\',
        errors: Vec::new(),
        comments: Vec::new(),
        empty_continuation_lines: Vec::new(),
    };
    let (directives, mut i) = p.directives();
    let mut instructions: Vec<Instruction> = Vec::new();
    while i < p.lines.len() {
        let line = p.lines[i];
        let content = &text[line.start..line.end];
        if line.end - line.start > MAX_LINE {
            p.error(
                "dockerfile line greater than max allowed size of 65535",
                line.start..line.end,
            );
        }
        let trimmed = content.trim_start();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            p.comments.push(Comment {
                text: comment.trim().to_string(),
                span: line.end - trimmed.len()..line.end,
                in_continuation: false,
            });
            i += 1;
            continue;
        }
        let first = line.end - trimmed.len();
        let (joined, last) = p.join(i, first);
        i = last + 1;
        let mut instruction = p.instruction(joined);
        let target = if matches!(instruction.args, Args::Onbuild(Some(_))) {
            match &mut instruction.args {
                Args::Onbuild(Some(inner)) => inner.as_mut(),
                _ => unreachable!("checked just above"),
            }
        } else {
            &mut instruction
        };
        if matches!(target.kind, Kind::Run | Kind::Copy | Kind::Add) {
            let markers = find_heredoc_markers(&target.rest, p.escape, target.kind);
            // JSON forms never carry heredocs.
            if !is_json_form(&target.args) {
                for marker in markers {
                    let (heredoc, next) = p.heredoc(marker, i);
                    i = next;
                    target.heredocs.push(heredoc);
                }
            }
        }
        let end = instruction
            .heredocs
            .last()
            .or_else(|| match &instruction.args {
                Args::Onbuild(Some(inner)) => inner.heredocs.last(),
                _ => None,
            })
            .map(|_| p.lines[i - 1].end)
            .unwrap_or(instruction.span.end);
        instruction.span.end = end;
        if let Args::Onbuild(Some(inner)) = &mut instruction.args {
            inner.span.end = end;
        }
        instructions.push(instruction);
    }
    p.check_structure(&instructions, text.len());
    let escape = p.escape;
    Dockerfile {
        text: text.to_string(),
        directives,
        escape,
        instructions,
        comments: p.comments,
        errors: p.errors,
        empty_continuation_lines: p.empty_continuation_lines,
        line_index: LineIndex::new(text),
    }
}

fn is_json_form(args: &Args) -> bool {
    matches!(
        args,
        Args::Command(CommandForm::Exec { .. }) | Args::Files { json: true, .. }
    )
}

impl Parser<'_> {
    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.errors.push(SyntaxError {
            message: message.into(),
            span,
        });
    }

    /// Reads parser directives at the top of the file; returns them and the first line after.
    fn directives(&mut self) -> (Vec<Directive>, usize) {
        let mut directives: Vec<Directive> = Vec::new();
        let mut i = 0;
        while let Some(line) = self.lines.get(i).copied() {
            let content = &self.text[line.start..line.end];
            let Some((name, value)) = directive_parts(content) else {
                break;
            };
            let name = name.to_ascii_lowercase();
            if !matches!(name.as_str(), "syntax" | "escape" | "check") {
                break;
            }
            let span = line.start..line.end;
            if directives.iter().any(|d| d.name == name) {
                self.error(
                    format!("only one {name} parser directive can be used"),
                    span.clone(),
                );
            } else if name == "escape" {
                match value {
                    "\\" => self.escape = '\\',
                    "`" => self.escape = '`',
                    _ => self.error(
                        format!("invalid escape token '{value}' does not match ` or \\"),
                        span.clone(),
                    ),
                }
            }
            directives.push(Directive {
                name,
                value: value.to_string(),
                span,
            });
            i += 1;
        }
        (directives, i)
    }

    /// Joins the physical lines of one instruction starting at line `i`, offset `first`.
    fn join(&mut self, mut i: usize, first: usize) -> (Text, usize) {
        let mut text = Text::default();
        let mut seg_start = first;
        loop {
            let line = self.lines[i];
            let seg = &self.text[seg_start..line.end];
            let trimmed = seg.trim_end_matches([' ', '\t']);
            // BuildKit's continuation pattern, `([^\\])\\[ \t]*$|^\\[ \t]*$`: an escape
            // right after another one (`C:\\dir\\`) ends the line.
            let continues = trimmed
                .strip_suffix(self.escape)
                .is_some_and(|before| before.is_empty() || !before.ends_with(self.escape));
            let piece = if continues {
                &trimmed[..trimmed.len() - self.escape.len_utf8()]
            } else {
                seg
            };
            text.pieces.push((text.value.len(), seg_start));
            text.value.push_str(piece);
            if !continues {
                break;
            }
            let mut next = i + 1;
            while let Some(l) = self.lines.get(next).copied() {
                let content = &self.text[l.start..l.end];
                let t = content.trim_start();
                if t.is_empty() {
                    self.empty_continuation_lines.push(l.start..l.end);
                } else if let Some(c) = t.strip_prefix('#') {
                    self.comments.push(Comment {
                        text: c.trim().to_string(),
                        span: l.end - t.len()..l.end,
                        in_continuation: true,
                    });
                } else {
                    break;
                }
                next += 1;
            }
            if next >= self.lines.len() {
                // A continuation at end of file is accepted (BuildKit's continue-at-eof).
                return (trim_text_end(text), next - 1);
            }
            i = next;
            seg_start = self.lines[i].start;
        }
        (trim_text_end(text), i)
    }

    fn instruction(&mut self, joined: Text) -> Instruction {
        let value = &joined.value;
        let kw_end = value.find(char::is_whitespace).unwrap_or(value.len());
        let keyword = Word {
            raw: value[..kw_end].to_string(),
            span: joined.span(0..kw_end),
        };
        let kind = Kind::from_keyword(&keyword.raw);
        let after_kw = value[kw_end..].len() - value[kw_end..].trim_start().len() + kw_end;
        let (flags, rest_start) = self.flags(&joined, after_kw);
        let rest = joined.slice(rest_start..value.len());
        let span = joined.full_span();
        let args = self.args(kind, &keyword, &rest);
        Instruction {
            kind,
            keyword,
            span,
            flags,
            rest,
            heredocs: Vec::new(),
            args,
        }
    }

    fn flags(&mut self, joined: &Text, from: usize) -> (Vec<Flag>, usize) {
        let mut flags = Vec::new();
        let tail = &joined.value[from..];
        for range in split_words(tail, self.escape) {
            let word = &tail[range.clone()];
            if !word.starts_with("--") {
                return (flags, from + range.start);
            }
            if word == "--" {
                return (flags, from + range.end);
            }
            let body = &word[2..];
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(unquote(v, self.escape))),
                None => (body.to_string(), None),
            };
            flags.push(Flag {
                name,
                value,
                span: joined.span(from + range.start..from + range.end),
            });
        }
        (flags, joined.value.len())
    }

    fn args(&mut self, kind: Kind, keyword: &Word, rest: &Text) -> Args {
        let value = rest.value.as_str();
        let escape = self.escape;
        let words = || -> Vec<Word> {
            split_words(value, escape)
                .into_iter()
                .map(|r| Word {
                    raw: value[r.clone()].to_string(),
                    span: rest.span(r),
                })
                .collect()
        };
        let name = kind.name();
        match kind {
            Kind::From => {
                let w = words();
                let (image, as_keyword, alias) = match w.len() {
                    1 => (Some(w[0].clone()), None, None),
                    3 if w[1].raw.eq_ignore_ascii_case("as") => {
                        (Some(w[0].clone()), Some(w[1].clone()), Some(w[2].clone()))
                    }
                    0 => {
                        self.error(
                            "FROM requires either one or three arguments",
                            keyword.span.clone(),
                        );
                        (None, None, None)
                    }
                    _ => {
                        self.error(
                            "FROM requires either one or three arguments",
                            rest.full_span(),
                        );
                        (Some(w[0].clone()), None, None)
                    }
                };
                if let Some(a) = &alias
                    && !valid_stage_name(&a.raw)
                {
                    self.error(
                        format!("invalid name for build stage: \"{}\", name can't start with a number or contain symbols", a.raw),
                        a.span.clone(),
                    );
                }
                Args::From {
                    image,
                    alias,
                    as_keyword,
                }
            }
            Kind::Run | Kind::Cmd | Kind::Entrypoint => {
                if kind == Kind::Run && value.trim().is_empty() {
                    self.error("RUN requires at least one argument", keyword.span.clone());
                }
                Args::Command(self.command_form(rest))
            }
            Kind::Shell => match json_strings(value) {
                Some(Ok((values, _))) if !values.is_empty() => Args::Shell { values },
                _ => {
                    self.error(
                        "SHELL requires the arguments to be in JSON form",
                        rest.full_span(),
                    );
                    Args::Shell { values: Vec::new() }
                }
            },
            Kind::Env | Kind::Label => self.key_values(name, keyword, rest),
            Kind::Arg => {
                let pairs: Vec<KeyValue> = split_words(value, self.escape)
                    .into_iter()
                    .map(|r| {
                        let word = &value[r.clone()];
                        match find_unquoted(word, '=', self.escape) {
                            Some(eq) => KeyValue {
                                key: word[..eq].to_string(),
                                key_span: rest.span(r.start..r.start + eq),
                                value: Some(word[eq + 1..].to_string()),
                                value_span: rest.span(r.start + eq + 1..r.end),
                                span: rest.span(r.clone()),
                            },
                            None => KeyValue {
                                key: word.to_string(),
                                key_span: rest.span(r.clone()),
                                value: None,
                                value_span: rest.span(r.end..r.end),
                                span: rest.span(r),
                            },
                        }
                    })
                    .collect();
                if pairs.is_empty() {
                    self.error("ARG requires at least one argument", keyword.span.clone());
                }
                Args::Arg { pairs }
            }
            Kind::Copy | Kind::Add => {
                let (mut list, json) = match json_strings(value) {
                    Some(Ok((values, spans))) => (
                        values
                            .into_iter()
                            .zip(spans)
                            .map(|(v, s)| Word {
                                raw: v,
                                span: rest.span(s),
                            })
                            .collect::<Vec<_>>(),
                        true,
                    ),
                    Some(Err(NotStrings)) => {
                        self.error(NOT_STRING_ARRAY, rest.full_span());
                        return Args::Files {
                            sources: Vec::new(),
                            dest: None,
                            json: true,
                        };
                    }
                    None => {
                        // BuildKit splits COPY/ADD arguments on whitespace only; quotes and
                        // escapes are handled later, word by word, when it expands them.
                        let list: Vec<Word> = whitespace_words(value)
                            .into_iter()
                            .map(|r| Word {
                                raw: value[r.clone()].to_string(),
                                span: rest.span(r),
                            })
                            .collect();
                        for w in list.iter().filter(|w| !w.raw.starts_with("<<")) {
                            if let Some(q) = unterminated_quote(&w.raw, escape) {
                                let what = if q == '"' { "double" } else { "single" };
                                self.error(
                                    format!("unexpected end of statement while looking for matching {what}-quote"),
                                    w.span.clone(),
                                );
                            }
                        }
                        (list, false)
                    }
                };
                if list.len() < 2 {
                    self.error(
                        format!("{name} requires at least two arguments"),
                        rest.full_span(),
                    );
                }
                let dest = if list.len() >= 2 { list.pop() } else { None };
                Args::Files {
                    sources: list,
                    dest,
                    json,
                }
            }
            Kind::Volume => match json_strings(value) {
                Some(Ok((values, spans))) => Args::Words(
                    values
                        .into_iter()
                        .zip(spans)
                        .map(|(v, s)| Word {
                            raw: v,
                            span: rest.span(s),
                        })
                        .collect(),
                ),
                _ => Args::Words(words()),
            },
            Kind::Expose => Args::Words(words()),
            Kind::User | Kind::Workdir | Kind::Stopsignal | Kind::Maintainer => {
                if value.trim().is_empty() {
                    self.error(
                        format!("{name} requires exactly one argument"),
                        keyword.span.clone(),
                    );
                    return Args::Words(Vec::new());
                }
                if kind == Kind::Stopsignal && words().len() > 1 {
                    self.error("STOPSIGNAL requires exactly one argument", rest.full_span());
                }
                Args::Words(vec![Word {
                    raw: value.to_string(),
                    span: rest.full_span(),
                }])
            }
            Kind::Healthcheck => {
                let w = split_words(value, self.escape);
                match w.first().map(|r| value[r.clone()].to_ascii_uppercase()) {
                    None => {
                        self.error(
                            "HEALTHCHECK requires at least one argument",
                            keyword.span.clone(),
                        );
                        Args::Healthcheck(HealthcheckArgs::None)
                    }
                    Some(t) if t == "NONE" => {
                        if w.len() > 1 {
                            self.error("HEALTHCHECK NONE takes no arguments", rest.full_span());
                        }
                        Args::Healthcheck(HealthcheckArgs::None)
                    }
                    Some(t) if t == "CMD" => {
                        let after = w[0].end;
                        let skip = value[after..].len() - value[after..].trim_start().len();
                        let cmd = rest.slice(after + skip..value.len());
                        if cmd.value.trim().is_empty() {
                            self.error("Missing command after HEALTHCHECK CMD", rest.full_span());
                        }
                        Args::Healthcheck(HealthcheckArgs::Cmd(self.command_form(&cmd)))
                    }
                    Some(_) => {
                        let word = &value[w[0].clone()];
                        self.error(
                            format!(
                                "Unknown type \"{}\" in HEALTHCHECK (try CMD)",
                                word.to_ascii_uppercase()
                            ),
                            rest.span(w[0].clone()),
                        );
                        Args::Healthcheck(HealthcheckArgs::None)
                    }
                }
            }
            Kind::Onbuild => {
                if value.trim().is_empty() {
                    self.error(
                        "ONBUILD requires at least one argument",
                        keyword.span.clone(),
                    );
                    return Args::Onbuild(None);
                }
                let inner = self.instruction(rest.clone());
                if matches!(inner.kind, Kind::Onbuild | Kind::From | Kind::Maintainer) {
                    self.error(
                        format!("{} isn't allowed as an ONBUILD trigger", inner.kind.name()),
                        inner.keyword.span.clone(),
                    );
                }
                Args::Onbuild(Some(Box::new(inner)))
            }
            Kind::Unknown => {
                self.error(
                    format!("unknown instruction: {}", keyword.raw),
                    keyword.span.clone(),
                );
                Args::Words(words())
            }
        }
    }

    fn command_form(&mut self, rest: &Text) -> CommandForm {
        match json_strings(&rest.value) {
            Some(Ok((values, spans))) => {
                let args = values
                    .iter()
                    .zip(&spans)
                    .map(|(v, s)| Word {
                        raw: v.clone(),
                        span: rest.span(s.clone()),
                    })
                    .collect();
                CommandForm::Exec {
                    args,
                    values,
                    span: rest.full_span(),
                }
            }
            Some(Err(NotStrings)) => {
                self.error(NOT_STRING_ARRAY, rest.full_span());
                CommandForm::Shell {
                    text: rest.clone(),
                    invalid_json: true,
                }
            }
            None => CommandForm::Shell {
                text: rest.clone(),
                invalid_json: rest.value.trim_start().starts_with('['),
            },
        }
    }

    fn key_values(&mut self, name: &str, keyword: &Word, rest: &Text) -> Args {
        let value = rest.value.as_str();
        let words = split_words(value, self.escape);
        let Some(first) = words.first().cloned() else {
            self.error(
                format!("{name} requires at least one argument"),
                keyword.span.clone(),
            );
            return Args::KeyValues {
                pairs: Vec::new(),
                legacy: false,
            };
        };
        if find_unquoted(&value[first.clone()], '=', self.escape).is_none() {
            // Legacy `ENV key value…`: the value is the rest of the line.
            let after = &value[first.end..];
            let skip = after.len() - after.trim_start().len();
            let vstart = first.end + skip;
            if vstart >= value.len() {
                self.error(format!("{name} must have two arguments"), rest.full_span());
            }
            let pair = KeyValue {
                key: value[first.clone()].to_string(),
                key_span: rest.span(first.clone()),
                value: Some(value[vstart.min(value.len())..].to_string()),
                value_span: rest.span(vstart.min(value.len())..value.len()),
                span: rest.full_span(),
            };
            return Args::KeyValues {
                pairs: vec![pair],
                legacy: true,
            };
        }
        let mut pairs = Vec::new();
        for r in words {
            let word = &value[r.clone()];
            match find_unquoted(word, '=', self.escape) {
                Some(eq) => pairs.push(KeyValue {
                    key: unquote(&word[..eq], self.escape),
                    key_span: rest.span(r.start..r.start + eq),
                    value: Some(word[eq + 1..].to_string()),
                    value_span: rest.span(r.start + eq + 1..r.end),
                    span: rest.span(r),
                }),
                None => self.error(
                    format!(
                        "Syntax error - can't find = in \"{word}\". Must be of the form: name=value"
                    ),
                    rest.span(r),
                ),
            }
        }
        Args::KeyValues {
            pairs,
            legacy: false,
        }
    }

    /// Reads a heredoc body starting at line `i`; returns it and the line after its terminator.
    fn heredoc(&mut self, marker: Marker, mut i: usize) -> (Heredoc, usize) {
        let mut body = String::new();
        let mut line_starts = Vec::new();
        let body_start = self.lines.get(i).map_or(self.text.len(), |l| l.start);
        let mut body_end = body_start;
        let mut terminated = false;
        while let Some(line) = self.lines.get(i).copied() {
            i += 1;
            let content = &self.text[line.start..line.end];
            let compared = if marker.strip_tabs {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if compared == marker.name {
                terminated = true;
                break;
            }
            line_starts.push((body.len(), line.end - compared.len()));
            body.push_str(compared);
            body.push('\n');
            body_end = line.end;
        }
        if !terminated {
            self.error(
                format!("unterminated heredoc {}", marker.name),
                marker.span.clone(),
            );
        }
        let heredoc = Heredoc {
            name: marker.name,
            fd: marker.fd,
            strip_tabs: marker.strip_tabs,
            expand: marker.expand,
            body,
            marker_span: marker.span,
            body_span: body_start..body_end.max(body_start),
            line_starts,
        };
        (heredoc, i)
    }

    /// BuildKit's structural checks: something to build, and nothing but ARG before FROM.
    fn check_structure(&mut self, instructions: &[Instruction], len: usize) {
        match instructions.iter().find(|i| i.kind != Kind::Arg) {
            None => self.error("file with no instructions", 0..len.min(1)),
            Some(first) if first.kind != Kind::From => self.error(
                format!(
                    "{} instruction before the first FROM: no build stage in current context",
                    first.kind.name()
                ),
                first.keyword.span.clone(),
            ),
            Some(_) => {}
        }
    }
}

/// Words separated by spaces and tabs, as BuildKit's `parseStringsWhitespaceDelimited` splits
/// them: quotes and escapes do not group.
fn whitespace_words(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let space = matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r');
        match (space, start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// The quote left open in a word, following BuildKit's shell lexer: the escape character
/// protects the next character outside single quotes.
fn unterminated_quote(word: &str, escape: char) -> Option<char> {
    let mut quote = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('\'') => {}
            Some(_) if c == '"' => quote = None,
            _ if c == escape => {
                chars.next();
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            _ => {}
        }
    }
    quote
}

/// BuildKit's stage name pattern, `^[a-z][a-z0-9-_.]*$`, after lower-casing.
fn valid_stage_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut chars = lower.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn trim_text_end(mut text: Text) -> Text {
    let trimmed = text.value.trim_end().len();
    text.value.truncate(trimmed);
    text.pieces.retain(|&(j, _)| j <= trimmed || j == 0);
    text
}

/// `# name = value` with a name of letters and digits.
fn directive_parts(line: &str) -> Option<(&str, &str)> {
    let after = line.trim_start().strip_prefix('#')?.trim_start();
    let name_len = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    let name = &after[..name_len];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = after[name_len..].trim_start().strip_prefix('=')?;
    Some((name, value.trim()))
}

fn find_unquoted(word: &str, needle: char, escape: char) -> Option<usize> {
    let mut quote = None;
    let mut chars = word.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == escape => {
                chars.next();
            }
            None if c == needle => return Some(i),
            None => {}
        }
    }
    None
}

struct NotStrings;

/// BuildKit's error for a JSON array with a non-string element.
const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

type JsonStrings = Result<(Vec<String>, Vec<std::ops::Range<usize>>), NotStrings>;

/// Parses a JSON array of strings with the span of each element. `None` when the text is not
/// a JSON array at all.
fn json_strings(text: &str) -> Option<JsonStrings> {
    let trimmed = text.trim();
    if !trimmed.starts_with('[') {
        return None;
    }
    let values: Vec<serde_json::Value> = serde_json::from_str(trimmed).ok()?;
    let mut strings = Vec::with_capacity(values.len());
    for v in values {
        match v {
            serde_json::Value::String(s) => strings.push(s),
            _ => return Some(Err(NotStrings)),
        }
    }
    let offset = text.len() - text.trim_start().len();
    let mut spans = Vec::with_capacity(strings.len());
    let bytes = trimmed.as_bytes();
    let mut i = 0;
    while i < bytes.len() && spans.len() < strings.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            spans.push(offset + start..offset + (i + 1).min(bytes.len()));
        }
        i += 1;
    }
    Some(Ok((strings, spans)))
}

pub(crate) struct Marker {
    name: String,
    fd: Option<u32>,
    strip_tabs: bool,
    expand: bool,
    span: Span,
}

/// Heredoc markers among the words of RUN/COPY/ADD arguments, in order: words of the form
/// `[fd]<<[-]DELIM` (BuildKit also allows spaces between `<<` and the delimiter).
fn find_heredoc_markers(rest: &Text, escape: char, kind: Kind) -> Vec<Marker> {
    let value = &rest.value;
    if kind == Kind::Run && value.trim_start().starts_with('[') && json_strings(value).is_some() {
        return Vec::new();
    }
    let words = split_words(value, escape);
    let mut markers = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let range = words[k].clone();
        let word = &value[range.clone()];
        k += 1;
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        if after.starts_with('<') {
            continue; // here-string
        }
        let (strip_tabs, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let (delim_raw, end) = if after.is_empty() {
            match words.get(k) {
                Some(next) => {
                    k += 1;
                    (&value[next.clone()], next.end)
                }
                None => continue,
            }
        } else {
            (after, range.end)
        };
        let cut = delimiter_end(delim_raw, escape);
        let delim_raw = &delim_raw[..cut];
        if delim_raw.contains('<') {
            continue;
        }
        let name = unquote(delim_raw, escape);
        if name.is_empty() {
            continue;
        }
        let expand = !delim_raw.contains(['\'', '"']) && !delim_raw.contains(escape);
        markers.push(Marker {
            name,
            fd: (digits > 0).then(|| word[..digits].parse().ok()).flatten(),
            strip_tabs,
            expand,
            span: rest.span(range.start..end),
        });
    }
    markers
}

/// The delimiter ends at an unquoted shell operator character (`EOF>out`, `EOF)`).
fn delimiter_end(raw: &str, escape: char) -> usize {
    let mut quote = None;
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == escape => {
                chars.next();
            }
            None if matches!(c, '>' | '|' | ';' | '&' | ')' | '(') => return i,
            None => {}
        }
    }
    raw.len()
}
