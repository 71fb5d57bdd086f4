//! RUN scripts parsed into commands with brush-parser, positions mapped back to the Dockerfile.

use crate::syntax::{Heredoc, Text, Word, unquote};
use brush_parser::ast;

/// One simple command of a RUN script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command word with quotes removed (`apt-get`); empty for a statement made only of
    /// assignments (`PKGS="curl git"`), whose `name_span` is then its first assignment.
    pub name: String,
    /// Arguments with quotes removed.
    pub args: Vec<String>,
    /// File span of the command name, then of each argument.
    pub name_span: std::ops::Range<usize>,
    pub arg_spans: Vec<std::ops::Range<usize>>,
    /// File span of the whole simple command.
    pub span: std::ops::Range<usize>,
    /// `NAME=value` prefixes.
    pub assignments: Vec<(String, String)>,
    /// Which pipeline of the script this command belongs to, and its position in it.
    pub pipeline: usize,
    pub pipe_index: usize,
    pub pipe_len: usize,
    /// Which and-or list (`a && b || c`) it belongs to; commands joined with `;` or newlines
    /// are in different lists.
    pub list: usize,
    /// The command is an exec-form RUN's JSON array, or comes from a script inside one whose
    /// positions are approximate (a JSON string with escapes): its spans are JSON strings, so
    /// fixes must not edit them as shell text.
    pub exec: bool,
}

impl Command {
    /// The base name of the program (`/usr/bin/apt-get` → `apt-get`).
    pub fn program(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    pub fn is(&self, program: &str) -> bool {
        self.program() == program
    }

    pub fn has_arg(&self, arg: &str) -> bool {
        self.args.iter().any(|a| a == arg)
    }

    /// Whether any of the flags is given, as `-x`, within a short-flag cluster like `-qy`
    /// (single-letter flags), or as `--long` / `--long=value`.
    pub fn has_flag(&self, flags: &[&str]) -> bool {
        self.args.iter().take_while(|a| *a != "--").any(|a| {
            flags.iter().any(|f| {
                if let Some(long) = f.strip_prefix("--") {
                    a.strip_prefix("--")
                        .is_some_and(|x| x == long || x.starts_with(&format!("{long}=")))
                } else if let Some(short) = f.strip_prefix('-') {
                    short.len() == 1
                        && a.starts_with('-')
                        && !a.starts_with("--")
                        && a[1..].chars().all(|c| c.is_ascii_alphanumeric())
                        && a[1..].contains(short)
                        || a == f
                } else {
                    a == f
                }
            })
        })
    }

    /// Arguments that are not flags (do not start with `-`), skipping flag values for the given
    /// flags that take one.
    pub fn positional(&self, flags_with_value: &[&str]) -> Vec<&str> {
        let mut out = Vec::new();
        let mut skip = false;
        let mut after_dashdash = false;
        for a in &self.args {
            if skip {
                skip = false;
                continue;
            }
            if after_dashdash {
                out.push(a.as_str());
            } else if a == "--" {
                after_dashdash = true;
            } else if a.starts_with('-') && a.len() > 1 {
                if flags_with_value.contains(&a.as_str()) {
                    skip = true;
                }
            } else {
                out.push(a.as_str());
            }
        }
        out
    }

    /// The arguments after a subcommand word (`apt-get install …` → after `install`).
    pub fn subcommand(&self) -> Option<&str> {
        self.args
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
    }
}

/// A parsed shell script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// False when the shell parser rejected the text (the commands then come from a fallback
    /// word split and are less precise).
    pub parsed: bool,
}

impl Script {
    pub fn any(&self, program: &str) -> bool {
        self.commands.iter().any(|c| c.is(program))
    }

    /// Adds another script's commands after this one's (a RUN's heredoc bodies).
    pub fn append(&mut self, other: Script) {
        let pipelines = self
            .commands
            .iter()
            .map(|c| c.pipeline + 1)
            .max()
            .unwrap_or(0);
        let lists = self.commands.iter().map(|c| c.list + 1).max().unwrap_or(0);
        self.parsed &= other.parsed;
        self.commands
            .extend(other.commands.into_iter().map(|mut c| {
                c.pipeline += pipelines;
                c.list += lists;
                c
            }));
    }

    pub fn has_pipe(&self) -> bool {
        self.commands.iter().any(|c| c.pipe_len > 1)
    }

    /// The shell variables the script sets before file offset `at`, in order: assignment-only
    /// statements (`PKGS="curl git"`), `NAME=value` arguments of `export`, `readonly`, `declare`,
    /// `typeset` and `local`, and assignments before a special built-in (`X=1 set -e`), which
    /// persist in a POSIX shell. Values have their quotes removed and are not expanded. Control
    /// flow is ignored: of two assignments in the branches of an `if`, the later one wins.
    pub fn assignments_before(&self, at: usize) -> Vec<(&str, &str)> {
        let mut commands: Vec<&Command> =
            self.commands.iter().filter(|c| c.span.end <= at).collect();
        commands.sort_by_key(|c| c.span.start);
        let mut out = Vec::new();
        for c in commands {
            let persists = c.name.is_empty() || is_special_builtin(c.program());
            if persists {
                out.extend(c.assignments.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
            if matches!(
                c.program(),
                "export" | "readonly" | "declare" | "typeset" | "local"
            ) {
                out.extend(
                    c.args
                        .iter()
                        .filter_map(|a| a.split_once('='))
                        .filter(|(k, _)| is_name(k)),
                );
            }
        }
        out
    }
}

/// POSIX special built-ins: assignments written before them stay set afterwards.
fn is_special_builtin(program: &str) -> bool {
    matches!(
        program,
        "set"
            | "export"
            | "readonly"
            | ":"
            | "."
            | "eval"
            | "exec"
            | "shift"
            | "trap"
            | "unset"
            | "times"
    )
}

/// A shell variable name.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Maps character offsets of a script to file offsets.
trait PositionMap {
    fn map(&self, char_index: usize) -> usize;
}

/// brush-parser counts characters; this maps them to bytes of the script's source, then to
/// the file with `to_file`.
struct CharMap<F: Fn(usize) -> usize> {
    char_to_byte: Vec<usize>,
    to_file: F,
}

impl<F: Fn(usize) -> usize> CharMap<F> {
    fn new(source: &str, to_file: F) -> Self {
        CharMap {
            char_to_byte: char_to_byte(source),
            to_file,
        }
    }
}

impl<F: Fn(usize) -> usize> PositionMap for CharMap<F> {
    fn map(&self, char_index: usize) -> usize {
        let end = self.char_to_byte.last().copied().unwrap_or(0);
        (self.to_file)(self.char_to_byte.get(char_index).copied().unwrap_or(end))
    }
}

/// Positions in a command substitution's body, mapped through the script around it.
struct OffsetMap<'a> {
    parent: &'a dyn PositionMap,
    offset: usize,
}

impl PositionMap for OffsetMap<'_> {
    fn map(&self, char_index: usize) -> usize {
        self.parent.map(self.offset + char_index)
    }
}

fn char_to_byte(s: &str) -> Vec<usize> {
    s.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect()
}

/// Parses the command line of a RUN (heredoc bodies are appended so the shell parser sees
/// complete here-documents; they are not analysed as commands here).
pub fn parse_command_line(text: &Text, heredocs: &[Heredoc]) -> Script {
    let mut script = text.value.clone();
    for h in heredocs {
        script.push('\n');
        script.push_str(&h.body);
        script.push_str(&h.name);
    }
    script.push('\n');
    let map = CharMap::new(&text.value, |byte| text.span(byte..byte).start);
    let limit = text.value.chars().count();
    parse_with(&script, &map, limit)
}

/// Parses an exec-form RUN (`["apt-get", "install", "-y", "curl"]`): one command run without a
/// shell, with the JSON strings as spans. When the program is a shell given `-c`, the script it
/// runs is parsed too and its commands follow.
pub fn parse_exec(words: &[Word]) -> Script {
    let Some((first, rest)) = words.split_first() else {
        return Script {
            commands: Vec::new(),
            parsed: true,
        };
    };
    let end = words.last().map_or(first.span.end, |w| w.span.end);
    let mut commands = vec![Command {
        name: first.raw.clone(),
        args: rest.iter().map(|w| w.raw.clone()).collect(),
        name_span: first.span.clone(),
        arg_spans: rest.iter().map(|w| w.span.clone()).collect(),
        span: first.span.start..end,
        assignments: Vec::new(),
        pipeline: 0,
        pipe_index: 0,
        pipe_len: 1,
        list: 0,
        exec: true,
    }];
    let program = first.raw.rsplit('/').next().unwrap_or(&first.raw);
    let script_word = rest
        .iter()
        .position(|w| w.raw == "-c")
        .and_then(|i| rest.get(i + 1));
    if let Some(word) = script_word.filter(|_| is_shell_name(program)) {
        // Inside the quotes, the string maps to the file character for character unless it
        // has escapes (then the source is longer than the value).
        let inner = word.span.start + 1..word.span.end.saturating_sub(1).max(word.span.start + 1);
        let exact = inner.len() == word.raw.len();
        let text = Text {
            value: word.raw.clone(),
            pieces: vec![(0, inner.start)],
        };
        let script = parse_command_line(&text, &[]);
        let clamp = |r: &mut std::ops::Range<usize>| {
            if !exact {
                r.start = r.start.clamp(inner.start, inner.end);
                r.end = r.end.clamp(r.start, inner.end);
            }
        };
        commands.extend(script.commands.into_iter().map(|mut c| {
            c.pipeline += 1;
            c.list += 1;
            c.exec = !exact;
            clamp(&mut c.span);
            clamp(&mut c.name_span);
            c.arg_spans.iter_mut().for_each(clamp);
            c
        }));
    }
    Script {
        commands,
        parsed: true,
    }
}

/// Parses a heredoc body as a shell script.
pub fn parse_heredoc(heredoc: &Heredoc) -> Script {
    let map = CharMap::new(&heredoc.body, |byte| heredoc.map(byte));
    parse_with(&heredoc.body, &map, usize::MAX)
}

/// Whether a heredoc of a RUN is executed as a shell script: `RUN <<EOF` (unless its shebang
/// names another interpreter) or a shell reading it on stdin (`RUN <<EOF bash`, `RUN sh <<EOF`).
pub fn heredoc_is_shell(command_line: &str, heredoc: &Heredoc, escape: char) -> bool {
    if heredoc.fd.is_some_and(|fd| fd != 0) {
        return false;
    }
    let words: Vec<String> = crate::syntax::split_words(command_line, escape)
        .into_iter()
        .map(|r| unquote(&command_line[r], escape))
        .filter(|w| !w.contains("<<") && w != &heredoc.name)
        .collect();
    let first_line = heredoc.body.lines().next().unwrap_or("");
    match words.first() {
        None => match first_line.strip_prefix("#!") {
            Some(shebang) => is_posix_shell_path(shebang.trim()),
            None => true,
        },
        Some(cmd) => {
            let program = cmd.rsplit('/').next().unwrap_or(cmd);
            is_shell_name(program) && !words.iter().skip(1).any(|w| w == "-c")
        }
    }
}

fn is_shell_name(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

fn is_posix_shell_path(shebang: &str) -> bool {
    let mut parts = shebang.split_whitespace();
    let first = parts.next().unwrap_or("");
    let program = first.rsplit('/').next().unwrap_or(first);
    let program = if program == "env" {
        parts.find(|p| !p.starts_with('-')).unwrap_or("")
    } else {
        program
    };
    is_shell_name(program)
}

fn parse_with(script: &str, map: &dyn PositionMap, limit: usize) -> Script {
    parse_script(script, map, limit, 0)
}

/// Nesting limit for command substitutions.
const MAX_DEPTH: usize = 8;

/// Deepest `(` nesting brush-parser is given. Its PEG grammar backtracks exponentially on
/// nested parentheses (found by fuzzing: 24 nested `(` take about a second, 32 more than 30 s),
/// so deeper scripts get the fallback split. Real scripts stay far below this.
const MAX_PAREN_DEPTH: usize = 12;

fn paren_depth(script: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in script.bytes() {
        match b {
            b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn parse_script(script: &str, map: &dyn PositionMap, limit: usize, depth: usize) -> Script {
    if paren_depth(script) > MAX_PAREN_DEPTH {
        return fallback(script, map, limit);
    }
    let options = brush_parser::ParserOptions {
        enable_extended_globbing: false,
        posix_mode: false,
        sh_mode: false,
        tilde_expansion_at_word_start: false,
        tilde_expansion_after_colon: false,
        parser_impl: brush_parser::ParserImpl::default(),
    };
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(script.as_bytes()), &options);
    // brush-parser 0.4 panics on some unterminated input (an `unwrap` in its tokenizer, found by
    // fuzzing: `RUN cat <<e $(${T}`); such a script gets the fallback split like any parse error.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse_program()));
    match parsed.unwrap_or(Err(brush_parser::ParseError::ParsingAtEndOfInput)) {
        Ok(program) => {
            let mut walker = Walker {
                map,
                limit,
                script,
                char_to_byte: char_to_byte(script),
                depth,
                out: Vec::new(),
                pipelines: 0,
                lists: 0,
            };
            for complete in &program.complete_commands {
                walker.compound_list(complete);
            }
            Script {
                commands: walker.out,
                parsed: true,
            }
        }
        Err(_) => fallback(script, map, limit),
    }
}

struct Walker<'a> {
    map: &'a dyn PositionMap,
    limit: usize,
    /// The text being walked, to find command substitutions in words.
    script: &'a str,
    char_to_byte: Vec<usize>,
    depth: usize,
    out: Vec<Command>,
    pipelines: usize,
    lists: usize,
}

impl Walker<'_> {
    fn compound_list(&mut self, list: &ast::CompoundList) {
        for item in &list.0 {
            self.and_or(&item.0);
        }
    }

    fn and_or(&mut self, list: &ast::AndOrList) {
        let id = self.lists;
        self.lists += 1;
        self.pipeline(&list.first, id);
        for next in &list.additional {
            match next {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => self.pipeline(p, id),
            }
        }
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, list: usize) {
        let id = self.pipelines;
        self.pipelines += 1;
        let len = pipeline.seq.len();
        for (i, cmd) in pipeline.seq.iter().enumerate() {
            self.command(cmd, id, i, len, list);
        }
    }

    fn command(
        &mut self,
        cmd: &ast::Command,
        pipeline: usize,
        pipe_index: usize,
        pipe_len: usize,
        list: usize,
    ) {
        match cmd {
            ast::Command::Simple(simple) => {
                self.simple(simple, pipeline, pipe_index, pipe_len, list)
            }
            ast::Command::Compound(compound, redirects) => {
                self.compound(compound);
                for r in redirects.iter().flat_map(|r| r.0.iter()) {
                    self.redirect(r);
                }
            }
            ast::Command::Function(f) => self.compound(&f.body.0),
            ast::Command::ExtendedTest(test, redirects) => {
                self.extended_test(&test.expr);
                for r in redirects.iter().flat_map(|r| r.0.iter()) {
                    self.redirect(r);
                }
            }
        }
    }

    fn extended_test(&mut self, expr: &ast::ExtendedTestExpr) {
        use ast::ExtendedTestExpr as E;
        match expr {
            E::And(a, b) | E::Or(a, b) => {
                self.extended_test(a);
                self.extended_test(b);
            }
            E::Not(e) | E::Parenthesized(e) => self.extended_test(e),
            E::UnaryTest(_, w) => self.substitutions(w),
            E::BinaryTest(_, a, b) => {
                self.substitutions(a);
                self.substitutions(b);
            }
        }
    }

    fn redirect(&mut self, redirect: &ast::IoRedirect) {
        match redirect {
            ast::IoRedirect::File(_, _, target) => match target {
                ast::IoFileRedirectTarget::Filename(w)
                | ast::IoFileRedirectTarget::Duplicate(w) => self.substitutions(w),
                ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                    self.compound_list(&sub.list)
                }
                ast::IoFileRedirectTarget::Fd(_) => {}
            },
            ast::IoRedirect::HereString(_, w) | ast::IoRedirect::OutputAndError(w, _) => {
                self.substitutions(w)
            }
            ast::IoRedirect::HereDocument(..) => {}
        }
    }

    fn item_substitutions(&mut self, item: &ast::CommandPrefixOrSuffixItem) {
        use ast::CommandPrefixOrSuffixItem as Item;
        match item {
            Item::Word(w) | Item::AssignmentWord(_, w) => self.substitutions(w),
            Item::IoRedirect(r) => self.redirect(r),
            Item::ProcessSubstitution(_, sub) => self.compound_list(&sub.list),
        }
    }

    /// Walks the command substitutions (`$(…)`, backticks) of a word: their commands run
    /// before the command the word belongs to, so they are added first.
    fn substitutions(&mut self, word: &ast::Word) {
        if self.depth >= MAX_DEPTH || !word.value.contains(['$', '`']) {
            return;
        }
        let Some(loc) = &word.loc else { return };
        let (start, end) = (loc.start.index, loc.end.index);
        // The word's text as written: brush-parser normalises the whitespace inside `$(…)` in
        // `word.value`.
        let (Some(&from), Some(&to)) = (self.char_to_byte.get(start), self.char_to_byte.get(end))
        else {
            return;
        };
        if start >= self.limit || to < from {
            return;
        }
        let source = &self.script[from..to];
        for body in substitution_bodies(source) {
            let offset = start + source[..body.start].chars().count();
            if offset >= self.limit {
                break;
            }
            let map = OffsetMap {
                parent: self.map,
                offset,
            };
            let sub = parse_script(&source[body], &map, self.limit - offset, self.depth + 1);
            let pipelines = sub.commands.iter().map(|c| c.pipeline + 1).max();
            let lists = sub.commands.iter().map(|c| c.list + 1).max();
            for mut c in sub.commands {
                c.pipeline += self.pipelines;
                c.list += self.lists;
                self.out.push(c);
            }
            self.pipelines += pipelines.unwrap_or(0);
            self.lists += lists.unwrap_or(0);
        }
    }

    fn compound(&mut self, compound: &ast::CompoundCommand) {
        match compound {
            ast::CompoundCommand::BraceGroup(g) => self.compound_list(&g.list),
            ast::CompoundCommand::Subshell(s) => self.compound_list(&s.list),
            ast::CompoundCommand::ForClause(f) => {
                for w in f.values.iter().flatten() {
                    self.substitutions(w);
                }
                self.compound_list(&f.body.list)
            }
            ast::CompoundCommand::ArithmeticForClause(f) => self.compound_list(&f.body.list),
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.compound_list(&w.0);
                self.compound_list(&w.1.list);
            }
            ast::CompoundCommand::IfClause(i) => {
                self.compound_list(&i.condition);
                self.compound_list(&i.then);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.compound_list(c);
                    }
                    self.compound_list(&e.body);
                }
            }
            ast::CompoundCommand::CaseClause(c) => {
                self.substitutions(&c.value);
                for case in &c.cases {
                    if let Some(cmd) = &case.cmd {
                        self.compound_list(cmd);
                    }
                }
            }
            ast::CompoundCommand::Arithmetic(_) => {}
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }

    fn span_of(&self, loc: Option<brush_parser::SourceSpan>) -> Option<std::ops::Range<usize>> {
        let loc = loc?;
        if loc.start.index >= self.limit {
            return None;
        }
        let end = loc.end.index.min(self.limit);
        let start = self.map.map(loc.start.index);
        Some(start..self.map.map(end).max(start))
    }

    fn simple(
        &mut self,
        simple: &ast::SimpleCommand,
        pipeline: usize,
        pipe_index: usize,
        pipe_len: usize,
        list: usize,
    ) {
        use ast::CommandPrefixOrSuffixItem as Item;
        // Command and process substitutions run first.
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            self.item_substitutions(item);
        }
        if let Some(w) = &simple.word_or_name {
            self.substitutions(w);
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            self.item_substitutions(item);
        }
        let mut assignments = Vec::new();
        let mut assignment_spans = Vec::new();
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            if let Item::AssignmentWord(_, word) = item {
                let raw = unquote(&word.value, '\\');
                if let Some((k, v)) = raw.split_once('=') {
                    assignments.push((k.to_string(), v.to_string()));
                    assignment_spans.extend(self.span_of(word.loc.clone()));
                }
            }
        }
        let Some(name_word) = &simple.word_or_name else {
            // A statement made only of assignments sets shell variables.
            if let (Some(first), Some(last)) = (assignment_spans.first(), assignment_spans.last()) {
                self.out.push(Command {
                    name: String::new(),
                    args: Vec::new(),
                    name_span: first.clone(),
                    arg_spans: Vec::new(),
                    span: first.start..last.end,
                    assignments,
                    pipeline,
                    pipe_index,
                    pipe_len,
                    list,
                    exec: false,
                });
            }
            return;
        };
        let Some(name_span) = self.span_of(name_word.loc.clone()) else {
            return;
        };
        let mut args = Vec::new();
        let mut arg_spans = Vec::new();
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            let word = match item {
                Item::Word(w) => w,
                Item::AssignmentWord(_, w) => w,
                _ => continue,
            };
            args.push(unquote(&word.value, '\\'));
            arg_spans.push(self.span_of(word.loc.clone()).unwrap_or(name_span.clone()));
        }
        let end = arg_spans
            .last()
            .map_or(name_span.end, |s| s.end)
            .max(name_span.end);
        self.out.push(Command {
            name: unquote(&name_word.value, '\\'),
            args,
            span: name_span.start..end,
            name_span,
            arg_spans,
            assignments,
            pipeline,
            pipe_index,
            pipe_len,
            list,
            exec: false,
        });
    }
}

/// Byte ranges of the bodies of the outermost command substitutions (`$(…)`, `` `…` ``,
/// `<(…)`, `>(…)`) of shell text. Quotes, escapes and comments are honoured; arithmetic
/// `$((…))` is skipped.
pub fn substitution_bodies(s: &str) -> Vec<std::ops::Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut dq = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'\'' if !dq => i = find_byte(b, i + 1, b'\''),
            b'"' => dq = !dq,
            b'#' if !dq
                && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|')) =>
            {
                i = find_byte(b, i, b'\n');
            }
            b'`' => {
                let end = find_backtick(b, i + 1);
                out.push(i + 1..end.min(b.len()));
                i = end;
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                let end = close_paren(b, i + 2);
                if b.get(i + 2) != Some(&b'(') {
                    out.push(i + 2..end);
                }
                i = end;
            }
            b'<' | b'>' if !dq && b.get(i + 1) == Some(&b'(') => {
                let end = close_paren(b, i + 2);
                out.push(i + 2..end);
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn find_byte(b: &[u8], from: usize, byte: u8) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c == byte)
        .map_or(b.len(), |p| from + p)
}

fn find_backtick(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'`' => return i,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Index of the `)` closing a `(` whose content starts at `start` (or the end of the text).
fn close_paren(b: &[u8], start: usize) -> usize {
    let mut depth = 1;
    let mut dq = false;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'\'' if !dq => i = find_byte(b, i + 1, b'\''),
            b'"' => dq = !dq,
            b'`' => i = find_backtick(b, i + 1),
            b'(' if !dq => depth += 1,
            b')' if !dq => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// When the shell parser gives up (unbalanced quotes, exotic syntax), split words on operators
/// so rules still see the commands.
fn fallback(script: &str, map: &dyn PositionMap, limit: usize) -> Script {
    let byte_to_char: Vec<usize> = {
        let mut table = vec![0; script.len() + 1];
        let mut count = 0;
        for (i, c) in script.char_indices() {
            for slot in &mut table[i..i + c.len_utf8()] {
                *slot = count;
            }
            count += 1;
        }
        table[script.len()] = count;
        table
    };
    let mut commands: Vec<Command> = Vec::new();
    let (mut pipeline, mut list, mut pipe_index) = (0, 0, 0);
    let mut current: Option<Command> = None;
    for range in crate::syntax::split_words(script, '\\') {
        let (start, end) = (byte_to_char[range.start], byte_to_char[range.end]);
        if start >= limit {
            break;
        }
        let word = &script[range];
        let separator = match word {
            "|" => Some((false, false)),
            "&&" | "||" => Some((true, false)),
            ";" | "&" => Some((true, true)),
            _ => None,
        };
        if let Some((new_pipeline, new_list)) = separator {
            commands.extend(current.take());
            if new_pipeline {
                pipeline += 1;
                pipe_index = 0;
            } else {
                pipe_index += 1;
            }
            if new_list {
                list += 1;
            }
            continue;
        }
        let span = map.map(start)..map.map(end.min(limit));
        match &mut current {
            None => {
                current = Some(Command {
                    name: unquote(word, '\\'),
                    args: Vec::new(),
                    name_span: span.clone(),
                    arg_spans: Vec::new(),
                    span,
                    assignments: Vec::new(),
                    pipeline,
                    pipe_index,
                    pipe_len: 1,
                    list,
                    exec: false,
                })
            }
            Some(c) => {
                c.args.push(unquote(word, '\\'));
                c.span.end = c.span.end.max(span.end);
                c.arg_spans.push(span);
            }
        }
    }
    commands.extend(current.take());
    let lengths: Vec<usize> = commands
        .iter()
        .map(|c| commands.iter().filter(|o| o.pipeline == c.pipeline).count())
        .collect();
    for (c, len) in commands.iter_mut().zip(lengths) {
        c.pipe_len = len;
    }
    Script {
        commands,
        parsed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Args, CommandForm, parse};

    fn script(df_text: &str) -> (crate::syntax::Dockerfile, Script) {
        let df = parse(df_text);
        let run = df.instructions.last().unwrap().clone();
        let Args::Command(CommandForm::Shell { text, .. }) = &run.args else {
            panic!()
        };
        let s = parse_command_line(text, &run.heredocs);
        (df, s)
    }

    #[test]
    fn commands_lists_and_pipelines() {
        let (df, s) = script(
            "FROM a\nRUN apt-get update && \\\n  apt-get install -y --no-install-recommends curl=7.* ; curl -fsSL https://x | sh\n",
        );
        assert!(s.parsed);
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["apt-get", "apt-get", "curl", "sh"]);
        let install = &s.commands[1];
        assert_eq!(install.subcommand(), Some("install"));
        assert!(install.has_flag(&["-y"]) && install.has_flag(&["--no-install-recommends"]));
        assert_eq!(install.positional(&[]), ["install", "curl=7.*"]);
        assert_eq!(&df.text[install.name_span.clone()], "apt-get");
        assert_eq!(&df.text[install.arg_spans[3].clone()], "curl=7.*");
        assert_eq!(s.commands[0].list, s.commands[1].list);
        assert_ne!(s.commands[1].list, s.commands[2].list);
        assert_eq!((s.commands[2].pipe_len, s.commands[3].pipe_index), (2, 1));
        assert!(s.has_pipe());
    }

    #[test]
    fn nested_compounds_and_assignments() {
        let (_, s) = script(
            "FROM a\nRUN if [ -f x ]; then DEBIAN_FRONTEND=noninteractive apt-get install -qy vim; fi && for p in a b; do pip install \"$p\"; done\n",
        );
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["[", "apt-get", "pip"]);
        assert_eq!(
            s.commands[1].assignments,
            [("DEBIAN_FRONTEND".to_string(), "noninteractive".to_string())]
        );
        assert!(s.commands[1].has_flag(&["-y"]));
        assert_eq!(s.commands[2].args, ["install", "$p"]);
    }

    #[test]
    fn heredoc_bodies() {
        let df = parse(
            "FROM a\nRUN <<EOF\nset -e\napt-get install -y vim\nEOF\nRUN python3 <<EOF\nimport os\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN <<EOF bash\n\techo x\nEOF\n",
        );
        let runs: Vec<_> = df.instructions.iter().skip(1).collect();
        let cmdline = |i: usize| runs[i].rest.value.clone();
        assert!(heredoc_is_shell(&cmdline(0), &runs[0].heredocs[0], '\\'));
        assert!(!heredoc_is_shell(&cmdline(1), &runs[1].heredocs[0], '\\'));
        assert!(!heredoc_is_shell(&cmdline(2), &runs[2].heredocs[0], '\\'));
        assert!(heredoc_is_shell(&cmdline(3), &runs[3].heredocs[0], '\\'));
        let s = parse_heredoc(&runs[0].heredocs[0]);
        assert_eq!(s.commands[1].name, "apt-get");
        assert_eq!(
            &df.text[s.commands[1].span.clone()],
            "apt-get install -y vim"
        );
        // The command line of `RUN cat <<EOF` still parses with the body appended.
        let df = parse("FROM a\nRUN cat <<EOF > /x && echo done\nhello\nEOF\n");
        let run = &df.instructions[1];
        let s = parse_command_line(&run.rest, &run.heredocs);
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["cat", "echo"]);
    }

    #[test]
    fn assignment_only_statements() {
        let (df, s) = script(
            "FROM a\nRUN deps=\"curl git\" V=1; apt-get install $deps && X=2 set -e && export Y=3 Z\n",
        );
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["", "apt-get", "set", "export"]);
        let a = &s.commands[0];
        assert_eq!(&df.text[a.span.clone()], "deps=\"curl git\" V=1");
        assert_eq!(&df.text[a.name_span.clone()], "deps=\"curl git\"");
        assert_eq!(
            a.assignments,
            [
                ("deps".to_string(), "curl git".to_string()),
                ("V".to_string(), "1".to_string())
            ]
        );
        assert_eq!(a.program(), "");
        assert_eq!(a.subcommand(), None);
        let install = &s.commands[1];
        assert_eq!(
            s.assignments_before(install.span.start),
            [("deps", "curl git"), ("V", "1")]
        );
        // Assignments before a special built-in persist; `export` arguments set variables.
        assert_eq!(
            s.assignments_before(df.text.len()),
            [("deps", "curl git"), ("V", "1"), ("X", "2"), ("Y", "3")]
        );
        // A prefix assignment of an ordinary command does not.
        let (_, s) = script("FROM a\nRUN A=1 make && echo $A\n");
        assert!(s.assignments_before(usize::MAX).is_empty());
    }

    #[test]
    fn command_substitutions_are_walked() {
        let (df, s) = script(
            "FROM a\nRUN v=\"$(dpkg --print-architecture)\"; for f in `ls /x`; do rm \"$f\"; done; \\\n  case $(uname -m) in x) echo \"$(id -u)\" > $(mktemp) ;; esac; [[ -n $(pwd) ]]; cat < <(date) '$(no)' $((1 + 2))\n",
        );
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "dpkg", "", "ls", "rm", "uname", "id", "mktemp", "echo", "pwd", "date", "cat"
            ]
        );
        let dpkg = &s.commands[0];
        assert_eq!(&df.text[dpkg.span.clone()], "dpkg --print-architecture");
        assert_eq!(&df.text[s.commands[4].span.clone()], "uname -m");
        // Each substitution is its own pipeline and list.
        assert_ne!(s.commands[5].pipeline, s.commands[7].pipeline);
        assert_ne!(s.commands[5].list, s.commands[7].list);
        // Nested substitutions, and substitutions in heredoc bodies.
        // brush-parser normalises whitespace inside `$(…)` in word values; the source is used.
        let (df, s) = script("FROM a\nRUN deps=\"$( \\\n\t\tscanelf /x \\\n\t| tr , x)\"\n");
        assert_eq!(&df.text[s.commands[1].span.clone()], "tr , x");
        assert_eq!(s.commands[1].pipe_len, 2);
        let (_, s) = script("FROM a\nRUN echo $(basename $(pwd))\n");
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["pwd", "basename", "echo"]);
        let df = parse("FROM a\nRUN <<EOF\ncd $(mktemp -d)\nEOF\n");
        let body = parse_heredoc(&df.instructions[1].heredocs[0]);
        assert_eq!(&df.text[body.commands[0].span.clone()], "mktemp -d");
    }

    #[test]
    fn exec_form() {
        let df = parse(
            "FROM a\nRUN [\"apt-get\", \"install\", \"curl\"]\nRUN [\"/bin/bash\", \"-c\", \"apk add x && cd /y\"]\nRUN [\"sh\", \"-c\", \"echo \\\"hi\\\" | tee z\"]\n",
        );
        let words = |i: usize| match &df.instructions[i].args {
            crate::syntax::Args::Command(crate::syntax::CommandForm::Exec { args, .. }) => {
                args.clone()
            }
            _ => panic!(),
        };
        let s = parse_exec(&words(1));
        assert_eq!(s.commands.len(), 1);
        let c = &s.commands[0];
        assert!(c.exec && c.is("apt-get"));
        assert_eq!(c.args, ["install", "curl"]);
        assert_eq!(&df.text[c.arg_spans[1].clone()], "\"curl\"");
        assert_eq!(
            &df.text[c.span.clone()],
            "\"apt-get\", \"install\", \"curl\""
        );
        // A shell's -c script is parsed, with exact positions when the string has no escapes.
        let s = parse_exec(&words(2));
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["/bin/bash", "apk", "cd"]);
        assert_eq!(&df.text[s.commands[1].span.clone()], "apk add x");
        assert!(!s.commands[1].exec);
        assert_ne!(s.commands[0].list, s.commands[1].list);
        // With escapes, positions are approximate: kept inside the string, no fixes.
        let s = parse_exec(&words(3));
        let tee = s.commands.iter().find(|c| c.is("tee")).unwrap();
        assert!(tee.exec && tee.pipe_len == 2);
        let string = &words(3)[2].span;
        assert!(string.start < tee.span.start && tee.span.end < string.end);
    }

    #[test]
    fn fallback_on_broken_scripts() {
        let (_, s) = script("FROM a\nRUN echo \"unterminated && apt-get install x\n");
        assert!(!s.parsed);
        assert_eq!(s.commands[0].name, "echo");
    }

    #[test]
    fn deeply_nested_parentheses_skip_the_backtracking_parser() {
        // Found by fuzzing the workload sources: brush-parser's grammar backtracks
        // exponentially here (this input would take hours); the fallback split is linear.
        let text = format!("FROM a\nRUN {}apt-get install x\n", "((1+(".repeat(12));
        let (_, s) = script(&text);
        assert!(!s.parsed);
        let (_, s) = script("FROM a\nRUN (( i = (1 + (2 * 3)) )) && apt-get install x\n");
        assert!(s.parsed);
    }
}
