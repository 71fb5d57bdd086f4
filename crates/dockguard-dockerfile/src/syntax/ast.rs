use dockguard_core::LineIndex;
use std::ops::Range;

pub type Span = Range<usize>;

/// A parsed Dockerfile. All spans are byte offsets into [`Dockerfile::text`], the file as read.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    pub text: String,
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless an `escape` directive says `` ` ``.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    /// Problems BuildKit refuses to build with.
    pub errors: Vec<SyntaxError>,
    /// Empty lines inside a continuation (BuildKit's NoEmptyContinuation), as line spans.
    pub empty_continuation_lines: Vec<Span>,
    pub line_index: LineIndex,
}

impl Dockerfile {
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        self.line_index.line_col(&self.text, offset)
    }

    pub fn line_of(&self, offset: usize) -> u32 {
        self.line_col(offset).0
    }

    pub fn slice(&self, span: &Span) -> &str {
        self.text.get(span.clone()).unwrap_or("")
    }

    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// A comment line (not inside a heredoc body). `text` follows the `#`, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
    /// Whether the comment sits inside an instruction's continuation lines.
    pub in_continuation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    Unknown,
}

impl Kind {
    pub fn from_keyword(word: &str) -> Kind {
        match word.to_ascii_uppercase().as_str() {
            "FROM" => Kind::From,
            "RUN" => Kind::Run,
            "CMD" => Kind::Cmd,
            "LABEL" => Kind::Label,
            "MAINTAINER" => Kind::Maintainer,
            "EXPOSE" => Kind::Expose,
            "ENV" => Kind::Env,
            "ADD" => Kind::Add,
            "COPY" => Kind::Copy,
            "ENTRYPOINT" => Kind::Entrypoint,
            "VOLUME" => Kind::Volume,
            "USER" => Kind::User,
            "WORKDIR" => Kind::Workdir,
            "ARG" => Kind::Arg,
            "ONBUILD" => Kind::Onbuild,
            "STOPSIGNAL" => Kind::Stopsignal,
            "HEALTHCHECK" => Kind::Healthcheck,
            "SHELL" => Kind::Shell,
            _ => Kind::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::From => "FROM",
            Kind::Run => "RUN",
            Kind::Cmd => "CMD",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Expose => "EXPOSE",
            Kind::Env => "ENV",
            Kind::Add => "ADD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Volume => "VOLUME",
            Kind::User => "USER",
            Kind::Workdir => "WORKDIR",
            Kind::Arg => "ARG",
            Kind::Onbuild => "ONBUILD",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Shell => "SHELL",
            Kind::Unknown => "UNKNOWN",
        }
    }
}

/// Text assembled from one or more physical lines (continuations joined, comment and empty
/// lines dropped), with a map back to the original offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    /// `(offset in value, offset in file)` at the start of each joined piece, ascending.
    pub(crate) pieces: Vec<(usize, usize)>,
}

impl Text {
    /// The file span of a range of `value`.
    pub fn span(&self, range: Range<usize>) -> Span {
        let start = self.map(range.start, false);
        let end = if range.end > range.start {
            self.map(range.end, true)
        } else {
            start
        };
        start..end.max(start)
    }

    fn map(&self, pos: usize, is_end: bool) -> usize {
        let idx = self
            .pieces
            .partition_point(|&(j, _)| if is_end { j < pos } else { j <= pos });
        match idx.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(j, o)) => o + (pos - j),
            None => self.pieces.first().map_or(pos, |&(_, o)| o),
        }
    }

    /// A sub-text of `value[range]`, keeping the map.
    pub fn slice(&self, range: Range<usize>) -> Text {
        let mut pieces = vec![(0, self.map(range.start, false))];
        for &(j, o) in &self.pieces {
            if j > range.start && j < range.end {
                pieces.push((j - range.start, o));
            }
        }
        Text {
            value: self.value[range].to_string(),
            pieces,
        }
    }

    /// The whole text's span in the file.
    pub fn full_span(&self) -> Span {
        self.span(0..self.value.len())
    }
}

/// A word of an instruction's arguments as written (quotes kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub raw: String,
    pub span: Span,
}

/// `--name[=value]` before an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// A here-document: `<<EOF` … `EOF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    /// File descriptor prefix, as in `3<<EOF`.
    pub fd: Option<u32>,
    /// `<<-`: leading tabs are stripped from body lines and the terminator.
    pub strip_tabs: bool,
    /// False when any part of the delimiter was quoted: the body is used literally.
    pub expand: bool,
    /// The body with tabs stripped when `strip_tabs`, each line ending in `\n`.
    pub body: String,
    /// The marker (`<<-EOF`) in the file.
    pub marker_span: Span,
    /// The body lines in the file (without the terminator line).
    pub body_span: Span,
    /// Offset in the file of the start of each body line (for mapping positions in `body`).
    pub line_starts: Vec<(usize, usize)>,
}

impl Heredoc {
    /// Maps an offset in `body` to the file.
    pub fn map(&self, pos: usize) -> usize {
        let idx = self.line_starts.partition_point(|&(b, _)| b <= pos);
        match idx.checked_sub(1).and_then(|i| self.line_starts.get(i)) {
            Some(&(b, o)) => o + (pos - b),
            None => self.body_span.start,
        }
    }
}

/// RUN/CMD/ENTRYPOINT arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandForm {
    /// `["a", "b"]`
    Exec {
        args: Vec<Word>,
        values: Vec<String>,
        span: Span,
    },
    /// Anything else, run by the SHELL. `invalid_json` is set when it starts with `[` but is not
    /// a valid JSON array of strings (BuildKit silently falls back to shell form).
    Shell { text: Text, invalid_json: bool },
}

impl CommandForm {
    pub fn span(&self) -> Span {
        match self {
            CommandForm::Exec { span, .. } => span.clone(),
            CommandForm::Shell { text, .. } => text.full_span(),
        }
    }

    pub fn is_exec(&self) -> bool {
        matches!(self, CommandForm::Exec { .. })
    }
}

/// `key=value` in ENV, LABEL and ARG. For ARG, `value` is `None` when there is no `=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub key_span: Span,
    /// Raw value as written (quotes kept, not expanded).
    pub value: Option<String>,
    pub value_span: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthcheckArgs {
    None,
    Cmd(CommandForm),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    From {
        image: Option<Word>,
        alias: Option<Word>,
        as_keyword: Option<Word>,
    },
    Command(CommandForm),
    /// SHELL: always JSON.
    Shell {
        values: Vec<String>,
    },
    /// ENV and LABEL; `legacy` for the `ENV key value` form.
    KeyValues {
        pairs: Vec<KeyValue>,
        legacy: bool,
    },
    Arg {
        pairs: Vec<KeyValue>,
    },
    /// COPY and ADD: sources then destination. Heredoc sources are words like `<<EOF`.
    Files {
        sources: Vec<Word>,
        dest: Option<Word>,
        json: bool,
    },
    /// EXPOSE, VOLUME (list forms); USER, WORKDIR, STOPSIGNAL, MAINTAINER (one value); unknown.
    Words(Vec<Word>),
    Healthcheck(HealthcheckArgs),
    Onbuild(Option<Box<Instruction>>),
}

/// One instruction, including its heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub kind: Kind,
    /// The keyword as written (`run`, `Run`, …).
    pub keyword: Word,
    /// From the keyword to the end of the instruction's last line (heredoc terminators included).
    pub span: Span,
    pub flags: Vec<Flag>,
    /// The arguments after the flags, joined.
    pub rest: Text,
    pub heredocs: Vec<Heredoc>,
    pub args: Args,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
    }

    /// The command of RUN, CMD, ENTRYPOINT and `HEALTHCHECK CMD`.
    pub fn command(&self) -> Option<&CommandForm> {
        match &self.args {
            Args::Command(c) => Some(c),
            Args::Healthcheck(HealthcheckArgs::Cmd(c)) => Some(c),
            _ => None,
        }
    }

    /// The instruction an ONBUILD wraps, else itself.
    pub fn effective(&self) -> &Instruction {
        match &self.args {
            Args::Onbuild(Some(inner)) => inner,
            _ => self,
        }
    }

    /// Span of the first line of the instruction (keyword to end of its first physical line).
    pub fn head_span(&self, text: &str) -> Span {
        let end = text[self.span.start..self.span.end]
            .find('\n')
            .map_or(self.span.end, |i| self.span.start + i);
        self.span.start..end.max(self.keyword.span.end)
    }
}
