//! `docker run` / `docker create` commands in shell scripts, Makefile recipes and GitHub
//! Actions `run:` steps, one container each.
//!
//! Shell text is parsed with the Dockerfile crate's brush-parser based parser, so commands
//! inside `if`, loops, functions, subshells and `$(…)` are found. Makefile recipes and
//! workflow `run:` values are not contiguous in the file (continuation tabs, block-scalar
//! indentation, `$$`), so each is cut into a [`Segment`] that maps its text back to the file.

use crate::check::LoadError;
use crate::locate::Locator;
use crate::model::Workload;
use crate::sources::docker_run::{self, ArgWord, program};
use crate::yaml::{Kind, Node, parse_stream};
use dockguard_dockerfile::model::shell::{Command, Script, parse_command_line};
use dockguard_dockerfile::syntax::Text;
use std::collections::HashMap;
use std::ops::Range;

/// Most wrapper commands (`sudo env nice docker …`) looked through.
const MAX_WRAPPERS: usize = 8;
/// How deep `$VAR` command names are resolved (`D=$DOCKER`, `DOCKER=docker`).
const MAX_VAR_DEPTH: usize = 4;

/// Shell text cut out of a file, with `(offset in text, offset in file)` at the start of each
/// piece, ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Segment {
    text: String,
    pieces: Vec<(usize, usize)>,
}

impl Segment {
    /// File offset of a text offset; an end offset at a piece boundary stays in the piece
    /// before it.
    fn map(&self, pos: usize, is_end: bool) -> usize {
        let idx = self
            .pieces
            .partition_point(|&(j, _)| if is_end { j < pos } else { j <= pos });
        match idx.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(j, o)) => o + (pos - j),
            None => self.pieces.first().map_or(pos, |&(_, o)| o),
        }
    }

    fn span(&self, range: Range<usize>) -> Range<usize> {
        let start = self.map(range.start, false);
        let end = if range.end > range.start {
            self.map(range.end, true)
        } else {
            start
        };
        start..end.max(start)
    }

    /// Appends file text, starting a piece unless it continues the previous one.
    fn push(&mut self, s: &str, file_offset: usize) {
        if s.is_empty() {
            return;
        }
        let contiguous = self.pieces.last().is_some_and(|&(j, o)| {
            let piece_len = self.text.len() - j;
            o + piece_len == file_offset
        });
        if !contiguous {
            self.pieces.push((self.text.len(), file_offset));
        }
        self.text.push_str(s);
    }

    /// Appends text that is not in the file (a folded line break), mapped to `file_offset`.
    fn push_synthetic(&mut self, s: &str, file_offset: usize) {
        self.pieces.push((self.text.len(), file_offset));
        self.text.push_str(s);
    }
}

/// Variables a command name like `$DOCKER` or `$(DOCKER)` may name.
#[derive(Default)]
struct Vars {
    /// Makefile variables (`DOCKER ?= docker`); `$(NAME)` is only a reference in Makefiles.
    make: HashMap<String, String>,
    is_make: bool,
}

/// Reads a shell script.
pub fn load_shell(file: &str, text: &str) -> Workload {
    let at = Locator::new(file, text);
    let mut workload = Workload::default();
    if !text.contains("docker") {
        return workload;
    }
    let segment = Segment {
        text: text.to_string(),
        pieces: vec![(0, 0)],
    };
    scan(&segment, &at, &Vars::default(), &mut workload);
    workload
}

/// Finds the docker commands of one piece of shell text.
fn scan(segment: &Segment, at: &Locator, vars: &Vars, out: &mut Workload) {
    if !segment.text.contains("run") && !segment.text.contains("create") {
        return;
    }
    let mut shell = Text::default();
    shell.value = segment.text.clone();
    let script = parse_command_line(&shell, &[]);
    for command in &script.commands {
        let words = command_words(command, segment, at.text);
        let words = resolve_program(words, &script, command, vars);
        let words = strip_wrappers(&words);
        if let Some(settings) = docker_run::parse(words, at) {
            out.containers.push(settings);
        }
    }
}

/// The name and arguments of a command with file spans.
fn command_words(command: &Command, segment: &Segment, text: &str) -> Vec<ArgWord> {
    let word = |value: &String, span: &Range<usize>| {
        ArgWord::new(value.clone(), trim_start(text, segment.span(span.clone())))
    };
    std::iter::once(word(&command.name, &command.name_span))
        .chain(
            command
                .args
                .iter()
                .zip(&command.arg_spans)
                .map(|(a, s)| word(a, s)),
        )
        .collect()
}

/// brush-parser starts a word that follows a line continuation at the escaped line break;
/// the word itself starts after it and the indentation.
fn trim_start(text: &str, span: Range<usize>) -> Range<usize> {
    let Some(word) = text.get(span.clone()) else {
        return span;
    };
    let mut rest = word;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        match trimmed
            .strip_prefix("\\\n")
            .or_else(|| trimmed.strip_prefix("\\\r\n"))
        {
            Some(next) => rest = next,
            None => {
                rest = trimmed;
                break;
            }
        }
    }
    if rest.is_empty() {
        return span;
    }
    span.start + (word.len() - rest.len())..span.end
}

/// A variable reference that is a whole word: `$NAME`, `${NAME}`, `${NAME:-default}` (and
/// `-`, `:=`, `=` forms), and in Makefiles `$(NAME)`. Returns the name and the default.
fn var_ref(word: &str, make: bool) -> Option<(&str, Option<&str>)> {
    let inner = if let Some(rest) = word.strip_prefix("${") {
        rest.strip_suffix('}')?
    } else if let Some(rest) = word.strip_prefix("$(").filter(|_| make) {
        rest.strip_suffix(')')?
    } else {
        let name = word.strip_prefix('$')?;
        return is_name(name).then_some((name, None));
    };
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(end);
    if !is_name(name) {
        return None;
    }
    if rest.is_empty() {
        return Some((name, None));
    }
    let default = ["-", ":-", "=", ":="]
        .iter()
        .filter_map(|op| rest.strip_prefix(op))
        .next_back()?;
    Some((name, Some(default)))
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Replaces a command name given as a variable (`$DOCKER run`, `$(DOCKER) run`) by the words
/// of its value when the script or Makefile sets it, keeping the name's span for each.
fn resolve_program(
    mut words: Vec<ArgWord>,
    script: &Script,
    command: &Command,
    vars: &Vars,
) -> Vec<ArgWord> {
    let Some(first) = words.first() else {
        return words;
    };
    if !first.value.starts_with('$') {
        return words;
    }
    let shell_vars = script.assignments_before(command.span.start);
    let lookup = |name: &str| {
        shell_vars
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .or_else(|| vars.make.get(name).cloned())
    };
    let make = vars.is_make;
    let mut value = first.value.clone();
    for _ in 0..MAX_VAR_DEPTH {
        let Some((name, default)) = var_ref(&value, make) else {
            break;
        };
        let next = match lookup(name) {
            // `DOCKER=${DOCKER:-docker}` refers to itself: its default is what it is.
            Some(v) if var_ref(&v, make).is_some_and(|r| r.0 == name) => var_ref(&v, make)
                .and_then(|r| r.1.map(str::to_string))
                .or_else(|| default.map(str::to_string)),
            Some(v) => Some(v),
            None => default.map(str::to_string),
        };
        match next {
            Some(next) => value = next,
            None => return words,
        }
    }
    let span = first.span.clone();
    let replaced: Vec<ArgWord> = value
        .split_whitespace()
        .map(|w| ArgWord::new(w, span.clone()))
        .collect();
    words.splice(0..1, replaced);
    words
}

/// Options of `sudo` that take a value in the next word.
const SUDO_VALUE_OPTIONS: &[&str] = &[
    "-u",
    "-g",
    "-h",
    "-p",
    "-C",
    "-D",
    "-r",
    "-t",
    "-T",
    "-U",
    "-R",
    "--user",
    "--group",
    "--host",
    "--prompt",
    "--chdir",
    "--chroot",
    "--role",
    "--type",
    "--other-user",
];

/// Looks through commands that run their arguments: `sudo`, `doas`, `exec`, `command`, `env`,
/// `nohup`, `time`, `nice`, `timeout`.
fn strip_wrappers(mut words: &[ArgWord]) -> &[ArgWord] {
    for _ in 0..MAX_WRAPPERS {
        let Some((first, rest)) = words.split_first() else {
            break;
        };
        let skip = match program(&first.value) {
            "sudo" | "doas" => leading_options(rest, SUDO_VALUE_OPTIONS, true),
            "exec" => leading_options(rest, &["-a"], false),
            "command" => {
                // `command -v docker` only looks the program up.
                if rest
                    .first()
                    .is_some_and(|w| w.value == "-v" || w.value == "-V")
                {
                    return &[];
                }
                leading_options(rest, &[], false)
            }
            "env" => leading_options(rest, &["-u", "--unset", "-C", "--chdir"], true),
            "nohup" | "time" => leading_options(rest, &["-f", "-o"], false),
            "nice" => leading_options(rest, &["-n", "--adjustment"], false),
            "timeout" => {
                let options =
                    leading_options(rest, &["-s", "--signal", "-k", "--kill-after"], false);
                // The duration comes before the command.
                options + 1
            }
            _ => break,
        };
        words = rest.get(skip..).unwrap_or(&[]);
    }
    words
}

/// How many leading words are options of a wrapper (with the values of `with_value`), and
/// `NAME=value` words when `assignments`.
fn leading_options(words: &[ArgWord], with_value: &[&str], assignments: bool) -> usize {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let v = word.value.as_str();
        if v == "--" {
            return i + 1;
        }
        if v.starts_with('-') && v.len() > 1 {
            i += if with_value.contains(&v) { 2 } else { 1 };
        } else if assignments && v.split_once('=').is_some_and(|(k, _)| is_name(k)) {
            i += 1;
        } else {
            break;
        }
    }
    i
}

// Makefiles.

/// Reads a Makefile: every recipe line (after a rule, or after `;` on the rule line) is one
/// shell script. Continuation lines lose their leading tab as in GNU make, the `@`, `-` and `+`
/// prefixes are dropped, `$$` is the shell's `$`, and `$(VAR)` / `${VAR}` stay as written
/// (a command name given as a Makefile variable is resolved when the file sets it).
pub fn load_makefile(file: &str, text: &str) -> Workload {
    let at = Locator::new(file, text);
    let mut workload = Workload::default();
    let vars = Vars {
        make: make_variables(text),
        is_make: true,
    };
    for segment in recipe_lines(text) {
        scan(&segment, &at, &vars, &mut workload);
    }
    workload
}

/// Physical lines with their start offsets (without the line break).
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        let line = line.strip_suffix('\n').unwrap_or(line);
        (start, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// An odd number of trailing backslashes continues a Makefile line.
fn continues(line: &str) -> bool {
    line.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

/// Logical lines, each as its physical lines `(offset, text)`.
fn logical_lines(text: &str) -> Vec<Vec<(usize, &str)>> {
    let mut out: Vec<Vec<(usize, &str)>> = Vec::new();
    let mut current: Vec<(usize, &str)> = Vec::new();
    for (offset, line) in lines_with_offsets(text) {
        let more = continues(line);
        current.push((offset, line));
        if !more {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A logical line's text with continuations joined by a space (for non-recipe lines).
fn joined(lines: &[(usize, &str)]) -> String {
    let mut s = String::new();
    for (i, (_, line)) in lines.iter().enumerate() {
        let line = if i + 1 < lines.len() {
            line.strip_suffix('\\').unwrap_or(line)
        } else {
            line
        };
        if i > 0 {
            s.push(' ');
        }
        s.push_str(if i > 0 { line.trim_start() } else { line });
    }
    s
}

/// A Makefile variable assignment: name, value and operator (`=`, `:=`, `::=`, `?=`, `+=`);
/// `!=` (shell output) is not read.
fn make_assignment(line: &str) -> Option<(&str, &str, &str)> {
    let mut line = line.trim_start();
    for prefix in ["export ", "override ", "private "] {
        if let Some(rest) = line.strip_prefix(prefix) {
            line = rest.trim_start();
        }
    }
    let eq = line.find('=')?;
    let before = line[..eq].trim_end();
    let name_part = before.trim_end_matches([':', '?', '+', '!']);
    let op = &before[name_part.len()..];
    let name = name_part.trim();
    if !matches!(op, "" | ":" | "::" | ":::" | "?" | "+") || !is_make_name(name) {
        return None;
    }
    Some((name, line[eq + 1..].trim(), op))
}

fn is_make_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Simple variable definitions of a Makefile (the last one wins, `?=` only sets, `+=`
/// appends).
fn make_variables(text: &str) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = HashMap::new();
    for lines in logical_lines(text) {
        if lines.first().is_some_and(|(_, l)| l.starts_with('\t')) {
            continue;
        }
        let line = joined(&lines);
        let Some((name, value, op)) = make_assignment(&line) else {
            continue;
        };
        match (vars.get_mut(name), op) {
            (Some(old), "+") => {
                old.push(' ');
                old.push_str(value);
            }
            (Some(_), "?") => {}
            _ => {
                vars.insert(name.to_string(), value.to_string());
            }
        }
    }
    vars
}

/// Whether a non-recipe line is a rule (`target: prerequisites`), not an assignment or a
/// directive. Returns the byte index of the rule's `:`.
fn rule_colon(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let first_word = trimmed.split_whitespace().next().unwrap_or("");
    if matches!(
        first_word,
        "ifeq"
            | "ifneq"
            | "ifdef"
            | "ifndef"
            | "else"
            | "endif"
            | "include"
            | "-include"
            | "sinclude"
            | "export"
            | "unexport"
            | "override"
            | "vpath"
            | "define"
            | "endef"
    ) {
        return None;
    }
    // The first `:` outside `$(…)`/`${…}`; an `=` or `#` before it makes no rule.
    let bytes = line.as_bytes();
    let mut depth = 0usize;
    let mut prev = 0u8;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'{' if prev == b'$' || depth > 0 => depth += 1,
            b')' | b'}' if depth > 0 => depth -= 1,
            b'=' | b'#' if depth == 0 => return None,
            b':' if depth == 0 => {
                // `:=` and `::=` assign.
                let rest = &line[i..];
                let assigns = rest.trim_start_matches(':').starts_with('=');
                return (!assigns).then_some(i);
            }
            _ => {}
        }
        prev = b;
    }
    None
}

/// The shell scripts of a Makefile's recipes.
fn recipe_lines(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut in_rule = false;
    let mut define_depth = 0usize;
    for lines in logical_lines(text) {
        let Some(&(offset, first)) = lines.first() else {
            continue;
        };
        if let Some(body) = first.strip_prefix('\t')
            && define_depth == 0
        {
            if in_rule {
                out.push(recipe_segment(&lines, offset + 1, body));
            }
            continue;
        }
        // The directive word, after `override`/`export`/`private` prefixes.
        let directive = first
            .split_whitespace()
            .find(|w| !matches!(*w, "override" | "export" | "private"))
            .unwrap_or("");
        match directive {
            "define" => {
                define_depth += 1;
                continue;
            }
            "endef" => {
                define_depth = define_depth.saturating_sub(1);
                continue;
            }
            _ if define_depth > 0 => continue,
            "" => continue,
            d if d.starts_with('#') => continue,
            "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif" => continue,
            _ => {}
        }
        let line = joined(&lines);
        match rule_colon(&line) {
            Some(colon) => {
                in_rule = true;
                // `target: prereqs ; recipe` on the rule line.
                if let Some(semi) = first.get(colon..).and_then(|r| r.find(';')) {
                    let start = colon + semi + 1;
                    let mut rest = lines.clone();
                    rest[0] = (offset + start, &first[start..]);
                    out.push(recipe_segment(&rest, offset + start, &first[start..]));
                }
            }
            None => in_rule = false,
        }
    }
    out
}

/// One recipe line: its first physical line's text (after the tab) at `offset`, then the
/// continuation lines with one leading tab removed (the shell sees the backslash-newlines);
/// the `@ - +` prefixes are dropped.
fn recipe_segment(lines: &[(usize, &str)], offset: usize, body: &str) -> Segment {
    let mut segment = Segment::default();
    let prefix = body.len() - body.trim_start_matches([' ', '\t', '@', '-', '+']).len();
    push_make_text(&mut segment, &body[prefix..], offset + prefix);
    for &(line_offset, line) in lines.iter().skip(1) {
        segment.push("\n", line_offset.saturating_sub(1));
        let (skip, line) = match line.strip_prefix('\t') {
            Some(rest) => (1, rest),
            None => (0, line),
        };
        push_make_text(&mut segment, line, line_offset + skip);
    }
    segment
}

/// Appends Makefile recipe text, turning `$$` into the `$` the shell sees.
fn push_make_text(segment: &mut Segment, s: &str, offset: usize) {
    let mut from = 0;
    while let Some(p) = s[from..].find("$$") {
        let at = from + p;
        segment.push(&s[from..at + 1], offset + from);
        from = at + 2;
    }
    segment.push(&s[from..], offset + from);
}

// GitHub Actions workflows.

/// Reads a GitHub Actions workflow (or a composite action): the `run:` of every step whose
/// shell is bash or sh (the default on Linux runners).
pub fn load_workflow(file: &str, text: &str) -> Result<Workload, LoadError> {
    let docs = parse_stream(text).map_err(|e| LoadError::from_yaml(file, e))?;
    let at = Locator::new(file, text);
    let mut workload = Workload::default();
    for doc in &docs {
        let default_shell = doc.path(&["defaults", "run", "shell"]);
        for (_, job) in doc.get("jobs").map(Node::entries).unwrap_or_default() {
            let job_shell = job.path(&["defaults", "run", "shell"]).or(default_shell);
            for step in job.get("steps").map(Node::items).unwrap_or_default() {
                run_step(step, job_shell, text, &at, &mut workload);
            }
        }
        for step in doc
            .path(&["runs", "steps"])
            .map(Node::items)
            .unwrap_or_default()
        {
            run_step(step, default_shell, text, &at, &mut workload);
        }
    }
    Ok(workload)
}

fn run_step(
    step: &Node,
    default_shell: Option<&Node>,
    text: &str,
    at: &Locator,
    out: &mut Workload,
) {
    let Some(run) = step.get("run") else {
        return;
    };
    if let Some(shell) = step.get("shell").or(default_shell) {
        let shell = shell.as_str().unwrap_or("");
        let first = shell.split_whitespace().next().unwrap_or("");
        if !matches!(program(first), "bash" | "sh") {
            return;
        }
    }
    if let Some(segment) = scalar_segment(text, run) {
        scan(&segment, at, &Vars::default(), out);
    }
}

/// The value of a scalar node with a map back to the file: exact for plain and quoted
/// one-line values and for block scalars (each value line is a file line after the `|`/`>`
/// header, at the block's indentation); aligned character by character otherwise.
fn scalar_segment(text: &str, node: &Node) -> Option<Segment> {
    let Kind::Scalar { value, quoted } = &node.kind else {
        return None;
    };
    if node.src != 0 {
        return None;
    }
    let raw = text.get(node.span.clone())?;
    let start = node.span.start;
    if raw == value {
        return Some(Segment {
            text: value.clone(),
            pieces: vec![(0, start)],
        });
    }
    let quote_char = raw.starts_with(['"', '\'']);
    if *quoted && !quote_char {
        // A block scalar: saphyr's span starts at its first character of content.
        if let Some((content_start, folded)) = block_header(text, start)
            && let Some(segment) = block_segment(text, content_start, folded)
            && segment.text.trim_end_matches('\n') == value.trim_end_matches('\n')
        {
            return Some(segment);
        }
        return Some(align(value, raw, start));
    }
    if quote_char && raw.get(1..raw.len() - 1) == Some(value.as_str()) {
        return Some(Segment {
            text: value.clone(),
            pieces: vec![(0, start + 1)],
        });
    }
    Some(align(value, raw, start))
}

/// For a block scalar whose content starts at `content`, where its first line starts (after
/// the `|`/`>` header line and any blank lines) and whether it is folded.
fn block_header(text: &str, content: usize) -> Option<(usize, bool)> {
    let before = text.get(..content)?;
    let mut line_start = before.rfind('\n').map_or(0, |p| p + 1);
    loop {
        let header_start = before[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |p| p + 1);
        if line_start == 0 {
            return None;
        }
        let header = &before[header_start..line_start - 1];
        if header.trim().is_empty() {
            line_start = header_start;
            continue;
        }
        // `key: |-  # comment`: the indicator is the last word before any comment.
        let code = header.split(" #").next().unwrap_or(header).trim_end();
        let indicator = code.rsplit([' ', '\t']).next().unwrap_or("");
        let folded = indicator.starts_with('>');
        let valid = indicator.starts_with(['|', '>'])
            && indicator[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit());
        return valid.then_some((line_start, folded));
    }
}

/// A block scalar's lines from `content_start`: the indentation of the first non-blank line
/// is the block's; the block ends at a non-blank line indented less. Folded (`>`) lines are
/// joined as YAML folds them.
fn block_segment(text: &str, content_start: usize, folded: bool) -> Option<Segment> {
    let rest = text.get(content_start..)?;
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    // (content, file offset of the content)
    let mut lines: Vec<(&str, usize)> = Vec::new();
    let mut indent = None;
    for (o, line) in lines_with_offsets(rest) {
        let offset = content_start + o;
        if line.trim().is_empty() {
            lines.push(("", offset + line.len()));
            continue;
        }
        let n = indent_of(line);
        let block = *indent.get_or_insert(n);
        if n < block {
            break;
        }
        lines.push((&line[block..], offset + block));
    }
    indent?;
    while lines.last().is_some_and(|(c, _)| c.is_empty()) {
        lines.pop();
    }
    let normal = |s: &str| !s.is_empty() && !s.starts_with([' ', '\t']);
    let mut segment = Segment::default();
    let mut prev: Option<(&str, usize)> = None;
    for (content, offset) in lines {
        if let Some((p, end)) = prev {
            let separator = if !folded {
                "\n"
            } else if normal(p) && normal(content) {
                " "
            } else if normal(p) && content.is_empty() {
                ""
            } else {
                "\n"
            };
            if !separator.is_empty() {
                segment.push_synthetic(separator, end);
            }
        }
        segment.push(content, offset);
        prev = Some((content, offset + content.len()));
    }
    Some(segment)
}

/// Maps `value` onto `raw` (its source at file offset `base`) by walking both: characters that
/// match advance together; source characters the value lacks (quotes, escapes, line breaks and
/// indentation) are skipped. Used for quoted and multi-line plain scalars, where YAML folded
/// or unescaped the text.
fn align(value: &str, raw: &str, base: usize) -> Segment {
    // Escapes and quotes are a few characters; line breaks and indentation are whitespace.
    const MAX_SKIPPED: usize = 3;
    const MAX_SKIPPED_SPACE: usize = 256;
    let mut segment = Segment::default();
    let mut j = 0;
    for c in value.chars() {
        let mut k = j;
        let (mut skipped, mut spaces) = (0, 0);
        let found = loop {
            let Some(r) = raw.get(k..).and_then(|s| s.chars().next()) else {
                break None;
            };
            if r == c {
                break Some(k);
            }
            if r.is_whitespace() {
                spaces += 1;
            } else {
                skipped += 1;
            }
            if skipped > MAX_SKIPPED || spaces > MAX_SKIPPED_SPACE {
                break None;
            }
            k += r.len_utf8();
        };
        let mut buf = [0u8; 4];
        segment.push(c.encode_utf8(&mut buf), base + found.unwrap_or(j));
        if let Some(p) = found {
            j = p + c.len_utf8();
        }
    }
    segment
}

#[cfg(test)]
#[path = "scripts/tests.rs"]
mod tests;
