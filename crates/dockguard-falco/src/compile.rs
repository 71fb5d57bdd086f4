//! Conditions compiled to an evaluator: field names resolved to [`Field`] once, macros
//! expanded (with cycle detection), list names expanded into prebuilt sets, globs and regexes
//! compiled, literals converted to the field's type. Evaluation reads fields through
//! [`EventFields`] and allocates nothing unless a transformer (`tolower(…)`) is used or a
//! source returns a value of another type than the catalogue says.

use crate::cond::{Expr, FieldRef, Item, Op, Transform, Value};
use crate::fields::{EventFields, Field, FieldArg, FieldType, FieldValue};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Where an offset of a [`CompileError::Syntax`] is counted from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The rule's own condition text.
    Rule,
    /// The condition of this macro.
    Macro(String),
    /// The offset is already a byte offset in the YAML file (exceptions).
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// A field we do not provide: the rule is skipped with a warning.
    UnknownField {
        field: String,
        macro_name: Option<String>,
    },
    /// A hard error at an offset.
    At {
        origin: Origin,
        offset: usize,
        message: String,
    },
}

/// A macro's parsed condition.
pub(crate) struct MacroDef {
    pub expr: Expr,
}

pub(crate) struct Ctx<'a> {
    pub lists: &'a HashMap<String, Vec<String>>,
    pub macros: &'a HashMap<String, MacroDef>,
}

/// Most evaluator nodes one rule may expand to (macros can nest exponentially).
const MAX_NODES: usize = 200_000;

/// A compiled condition.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    And(Box<[Node]>),
    Or(Box<[Node]>),
    Not(Box<Node>),
    Check(Box<Check>),
    /// Checks of one field (and argument) under the same `and` / `or`, made by
    /// [`Node::optimize`]: the field is read once for all of them (`proc.cmdline contains a or
    /// proc.cmdline contains b` builds the command line once).
    Group(Box<Group>),
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// `true`: every check holds (`and`); `false`: any does (`or`).
    all: bool,
    field: Field,
    arg: Option<FieldArg>,
    checks: Box<[Check]>,
}

#[derive(Debug, Clone)]
pub(crate) struct Check {
    field: Field,
    arg: Option<FieldArg>,
    transform: Option<Transform>,
    /// The left-hand field is a set (`container.cap_add`): `in` means subset.
    set_field: bool,
    test: Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds<T: Ord>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

// Tests live boxed inside `Node::Check`, so variant sizes do not bloat the tree.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Test {
    Exists,
    StrEq(Box<str>),
    StrNe(Box<str>),
    Int(Cmp, i64),
    Bool(bool),
    BoolNe(bool),
    StrIn(StrSet),
    IntIn(HashSet<i64, FastState>),
    Intersects(StrSet),
    Contains(memchr::memmem::Finder<'static>),
    IContains(Box<str>),
    StartsWith(Box<[u8]>),
    EndsWith(Box<str>),
    Glob(Glob),
    Pmatch(PathSet),
    Regex(regex::Regex),
    /// `field OP val(other)`.
    Other(Op, Field, Option<FieldArg>),
}

/// A fast, non-keyed hasher (the multiply-rotate scheme of rustc's `FxHasher`) for the sets
/// built from rules: their contents come from the rules files, so lookups with event strings
/// cannot be steered into long probe chains, and SipHash's keying buys nothing while costing a
/// large share of the evaluation time.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FastHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w: [u8; 8] = c.try_into().unwrap_or_default();
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Byte by byte: a `copy_from_slice` of a variable length would call memcpy.
            let w = rest
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, b)| w | u64::from(*b) << (8 * i));
            self.add(w);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap`/`HashSet` state with [`FastHasher`].
pub(crate) type FastState = std::hash::BuildHasherDefault<FastHasher>;

/// A set of strings: a short vector scanned linearly, or a hash set.
#[derive(Debug, Clone)]
struct StrSet {
    small: Vec<Box<str>>,
    big: HashSet<Box<str>, FastState>,
}

impl StrSet {
    fn new(items: Vec<String>) -> StrSet {
        let items: BTreeSet<String> = items.into_iter().collect();
        if items.len() <= 8 {
            StrSet {
                small: items.into_iter().map(String::into_boxed_str).collect(),
                big: HashSet::default(),
            }
        } else {
            StrSet {
                small: Vec::new(),
                big: items.into_iter().map(String::into_boxed_str).collect(),
            }
        }
    }

    fn contains(&self, s: &str) -> bool {
        if self.big.is_empty() {
            self.small.iter().any(|x| **x == *s)
        } else {
            self.big.contains(s)
        }
    }
}

/// A full-match glob as Falco's `glob` (libsinsp calls fnmatch(3) without FNM_PATHNAME):
/// `*` (any run, `/` included), `?`, `[abc]`, `[!a-z]`, `\x`.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    tokens: Vec<GlobTok>,
    fold: bool,
}

#[derive(Debug, Clone)]
enum GlobTok {
    Lit(char),
    Any,
    Star,
    Class(bool, Vec<(char, char)>),
}

impl Glob {
    pub(crate) fn new(pattern: &str, fold: bool) -> Glob {
        let mut tokens = Vec::new();
        let chars: Vec<char> = pattern.chars().collect();
        let lower = |c: char| if fold { c.to_ascii_lowercase() } else { c };
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' => {
                    if !matches!(tokens.last(), Some(GlobTok::Star)) {
                        tokens.push(GlobTok::Star);
                    }
                }
                '?' => tokens.push(GlobTok::Any),
                '\\' if i + 1 < chars.len() => {
                    i += 1;
                    tokens.push(GlobTok::Lit(lower(chars[i])));
                }
                '[' => {
                    // Find the closing `]` (a `]` right after `[` or `[!` is literal).
                    let mut j = i + 1;
                    let negate = j < chars.len() && (chars[j] == '!' || chars[j] == '^');
                    if negate {
                        j += 1;
                    }
                    let body_start = j;
                    if j < chars.len() && chars[j] == ']' {
                        j += 1;
                    }
                    while j < chars.len() && chars[j] != ']' {
                        j += 1;
                    }
                    if j >= chars.len() {
                        tokens.push(GlobTok::Lit('['));
                    } else {
                        let body = &chars[body_start..j];
                        let mut ranges = Vec::new();
                        let mut k = 0;
                        while k < body.len() {
                            if k + 2 < body.len() && body[k + 1] == '-' {
                                ranges.push((lower(body[k]), lower(body[k + 2])));
                                k += 3;
                            } else {
                                ranges.push((lower(body[k]), lower(body[k])));
                                k += 1;
                            }
                        }
                        tokens.push(GlobTok::Class(negate, ranges));
                        i = j;
                    }
                }
                c => tokens.push(GlobTok::Lit(lower(c))),
            }
            i += 1;
        }
        Glob { tokens, fold }
    }

    pub(crate) fn is_literal(&self) -> bool {
        self.tokens.iter().all(|t| matches!(t, GlobTok::Lit(_)))
    }

    pub(crate) fn matches(&self, text: &str) -> bool {
        // Iterative matcher with one backtrack point per star (O(pattern × text), no
        // recursion, no allocation); `s` is a byte offset into `text`.
        let fold = self.fold;
        let (mut p, mut s) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while let Some(ch) = text[s..].chars().next() {
            let c = if fold { ch.to_ascii_lowercase() } else { ch };
            match self.tokens.get(p) {
                Some(GlobTok::Star) => {
                    star = Some((p, s));
                    p += 1;
                    continue;
                }
                Some(GlobTok::Any) => {
                    p += 1;
                    s += ch.len_utf8();
                    continue;
                }
                Some(GlobTok::Lit(l)) if *l == c => {
                    p += 1;
                    s += ch.len_utf8();
                    continue;
                }
                Some(GlobTok::Class(neg, ranges))
                    if ranges.iter().any(|(a, b)| *a <= c && c <= *b) != *neg =>
                {
                    p += 1;
                    s += ch.len_utf8();
                    continue;
                }
                _ => {}
            }
            // Mismatch: let the last star swallow one more character.
            match star {
                Some((sp, ss)) => match text[ss..].chars().next() {
                    Some(sc) => {
                        p = sp + 1;
                        s = ss + sc.len_utf8();
                        star = Some((sp, s));
                    }
                    _ => return false,
                },
                None => return false,
            }
        }
        self.tokens[p..].iter().all(|t| matches!(t, GlobTok::Star))
    }
}

/// `pmatch`: a set of path prefixes (whole components), some of them globs.
#[derive(Debug, Clone)]
pub(crate) struct PathSet {
    exact: HashSet<Box<str>, FastState>,
    globs: Vec<Vec<Glob>>,
}

impl PathSet {
    fn new(items: Vec<String>) -> PathSet {
        let mut exact = HashSet::default();
        let mut globs = Vec::new();
        for item in items {
            let trimmed = if item.len() > 1 {
                item.trim_end_matches('/')
            } else {
                &item
            };
            let parts: Vec<Glob> = trimmed.split('/').map(|p| Glob::new(p, false)).collect();
            if parts.iter().all(Glob::is_literal) {
                exact.insert(trimmed.into());
            } else {
                globs.push(parts);
            }
        }
        PathSet { exact, globs }
    }

    fn matches(&self, path: &str) -> bool {
        if self.exact.contains(path) || (path.len() > 1 && self.exact.contains("/")) {
            return true;
        }
        for (i, b) in path.bytes().enumerate() {
            if b == b'/' && i > 0 && self.exact.contains(&path[..i]) {
                return true;
            }
        }
        if self.globs.is_empty() {
            return false;
        }
        let parts: Vec<&str> = path.split('/').collect();
        self.globs.iter().any(|pattern| {
            pattern.len() <= parts.len() && pattern.iter().zip(&parts).all(|(g, p)| g.matches(p))
        })
    }
}

fn is_list_field(field: Field) -> bool {
    field.field_type() == FieldType::StrList
}

/// Compiles a rule's condition.
pub(crate) fn compile(expr: &Expr, origin: &Origin, ctx: &Ctx<'_>) -> Result<Node, CompileError> {
    let mut c = Compiler {
        ctx,
        stack: Vec::new(),
        nodes: 0,
    };
    c.expr(expr, origin)
}

struct Compiler<'a, 'b> {
    ctx: &'a Ctx<'b>,
    stack: Vec<String>,
    nodes: usize,
}

impl Compiler<'_, '_> {
    fn err(origin: &Origin, offset: usize, message: String) -> CompileError {
        CompileError::At {
            origin: origin.clone(),
            offset,
            message,
        }
    }

    fn expr(&mut self, expr: &Expr, origin: &Origin) -> Result<Node, CompileError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Self::err(
                origin,
                0,
                format!("the condition expands to more than {MAX_NODES} nodes"),
            ));
        }
        Ok(match expr {
            Expr::And(items) => Node::And(
                items
                    .iter()
                    .map(|e| self.expr(e, origin))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(items) => Node::Or(
                items
                    .iter()
                    .map(|e| self.expr(e, origin))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(e) => Node::Not(Box::new(self.expr(e, origin)?)),
            Expr::Macro { name, at } => {
                let Some(def) = self.ctx.macros.get(name) else {
                    let hint = if self.ctx.lists.contains_key(name) {
                        " (a list: use it as a value, `field in (NAME)`)"
                    } else {
                        ""
                    };
                    return Err(Self::err(
                        origin,
                        *at,
                        format!("unknown macro `{name}`{hint}"),
                    ));
                };
                if let Some(pos) = self.stack.iter().position(|m| m == name) {
                    let mut chain: Vec<&str> =
                        self.stack[pos..].iter().map(String::as_str).collect();
                    chain.push(name);
                    return Err(Self::err(
                        origin,
                        *at,
                        format!("macro cycle: {}", chain.join(" -> ")),
                    ));
                }
                self.stack.push(name.clone());
                let r = self
                    .expr(&def.expr, &Origin::Macro(name.clone()))
                    .map_err(|e| match e {
                        CompileError::UnknownField {
                            field,
                            macro_name: None,
                        } => CompileError::UnknownField {
                            field,
                            macro_name: Some(name.clone()),
                        },
                        other => other,
                    });
                self.stack.pop();
                r?
            }
            Expr::Check {
                field,
                op,
                value,
                at,
            } => Node::Check(Box::new(self.check(field, *op, value, *at, origin)?)),
        })
    }

    fn resolve(&self, f: &FieldRef) -> Result<(Field, Option<FieldArg>), CompileError> {
        let unknown = || CompileError::UnknownField {
            field: match &f.arg {
                Some(a) => format!("{}[{a}]", f.name),
                None => f.name.clone(),
            },
            macro_name: None,
        };
        let field = Field::from_name(&f.name).ok_or_else(unknown)?;
        let arg = match &f.arg {
            None => None,
            Some(_) if !field.takes_arg() => return Err(unknown()),
            Some(a) => Some(match a.trim().parse::<usize>() {
                Ok(n) => FieldArg::Index(n),
                Err(_) => FieldArg::Key(a.trim().to_string()),
            }),
        };
        Ok((field, arg))
    }

    /// The values of the right-hand side, list names expanded.
    fn values(&self, items: &[Item]) -> Vec<String> {
        let mut out = Vec::new();
        for item in items {
            match self.ctx.lists.get(&item.text) {
                Some(list) if !item.quoted => out.extend(list.iter().cloned()),
                _ => out.push(item.text.clone()),
            }
        }
        out
    }

    fn check(
        &mut self,
        fref: &FieldRef,
        op: Op,
        value: &Value,
        at: usize,
        origin: &Origin,
    ) -> Result<Check, CompileError> {
        let (field, arg) = self.resolve(fref)?;
        let mut ftype = field.field_type();
        if fref.transform.is_some() {
            if matches!(ftype, FieldType::Int | FieldType::Bool) {
                return Err(Self::err(
                    origin,
                    fref.at,
                    format!(
                        "a transformer needs a string field, `{}` is not one",
                        fref.name
                    ),
                ));
            }
            ftype = FieldType::Str;
        }
        let set_field = is_list_field(field) && fref.transform.is_none();
        let err = |message: String| Self::err(origin, at, message);
        let (one, list): (Option<&Item>, Vec<String>) = match value {
            Value::None => (None, Vec::new()),
            Value::One(item) => (Some(item), vec![item.text.clone()]),
            Value::List(items) if op.takes_list() => (None, self.values(items)),
            Value::List(items) => (items.first(), self.values(items)),
            Value::Field(other) => {
                let (of, oarg) = self.resolve(other)?;
                if !matches!(
                    op,
                    Op::Eq | Op::Ne | Op::Contains | Op::StartsWith | Op::EndsWith
                ) {
                    return Err(err(format!(
                        "operator `{}` cannot compare with `val(…)`",
                        op.name()
                    )));
                }
                return Ok(Check {
                    field,
                    arg,
                    transform: fref.transform,
                    set_field,
                    test: Test::Other(op, of, oarg),
                });
            }
        };
        // Errors about a literal point at it.
        let vat = match value {
            Value::One(i) => i.at,
            Value::List(items) => items.first().map_or(at, |i| i.at),
            _ => at,
        };
        let err = |message: String| Self::err(origin, vat, message);
        let single = || -> String {
            one.map(|i| i.text.clone())
                .or_else(|| list.first().cloned())
                .unwrap_or_default()
        };
        let int = |s: &str| -> Result<i64, CompileError> {
            parse_int(s).ok_or_else(|| {
                err(format!(
                    "`{}` is a number field, `{s}` is not a number",
                    fref.name
                ))
            })
        };
        let boolean = |s: &str| -> Result<bool, CompileError> {
            match s.to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(err(format!(
                    "`{}` is a boolean field, `{s}` is not `true` or `false`",
                    fref.name
                ))),
            }
        };
        let test = match (op, ftype) {
            (Op::Exists, _) => Test::Exists,
            (Op::Eq | Op::Ne, FieldType::Int) => {
                let cmp = if op == Op::Eq { Cmp::Eq } else { Cmp::Ne };
                Test::Int(cmp, int(&single())?)
            }
            (Op::Eq, FieldType::Bool) => Test::Bool(boolean(&single())?),
            (Op::Ne, FieldType::Bool) => Test::BoolNe(boolean(&single())?),
            (Op::Eq, _) => Test::StrEq(single().into()),
            (Op::Ne, _) => Test::StrNe(single().into()),
            (Op::Lt | Op::Le | Op::Gt | Op::Ge, _) => {
                let cmp = match op {
                    Op::Lt => Cmp::Lt,
                    Op::Le => Cmp::Le,
                    Op::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                Test::Int(cmp, int(&single())?)
            }
            (Op::In, FieldType::Int) => {
                Test::IntIn(list.iter().map(|s| int(s)).collect::<Result<_, _>>()?)
            }
            (Op::In, FieldType::Bool) => {
                let set: Vec<bool> = list.iter().map(|s| boolean(s)).collect::<Result<_, _>>()?;
                match (set.contains(&true), set.contains(&false)) {
                    (true, true) => Test::Exists,
                    (true, false) => Test::Bool(true),
                    (false, true) => Test::Bool(false),
                    // `x in ()` never holds.
                    (false, false) => Test::StrIn(StrSet::new(Vec::new())),
                }
            }
            (Op::In, _) => Test::StrIn(StrSet::new(list)),
            (Op::Intersects, _) => Test::Intersects(StrSet::new(list)),
            (Op::Contains, _) => {
                Test::Contains(memchr::memmem::Finder::new(single().as_bytes()).into_owned())
            }
            (Op::IContains, _) => Test::IContains(single().to_ascii_lowercase().into()),
            (Op::BContains | Op::BStartsWith, _) => {
                let bytes = hex(&single())
                    .ok_or_else(|| err(format!("`{}` needs hex bytes like `2f6574`", op.name())))?;
                if op == Op::BContains {
                    Test::Contains(memchr::memmem::Finder::new(&bytes).into_owned())
                } else {
                    Test::StartsWith(bytes.into())
                }
            }
            (Op::StartsWith, _) => Test::StartsWith(single().into_bytes().into()),
            (Op::EndsWith, _) => Test::EndsWith(single().into()),
            (Op::Glob, _) => Test::Glob(Glob::new(&single(), false)),
            (Op::IGlob, _) => Test::Glob(Glob::new(&single(), true)),
            (Op::Pmatch, _) => Test::Pmatch(PathSet::new(list)),
            (Op::Regex, _) => {
                let pattern = format!("^(?:{})$", single());
                let re = regex::RegexBuilder::new(&pattern)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| err(format!("bad regex: {e}")))?;
                Test::Regex(re)
            }
        };
        if matches!(ftype, FieldType::Bool)
            && !matches!(
                test,
                Test::Bool(_) | Test::BoolNe(_) | Test::Exists | Test::StrIn(_)
            )
        {
            return Err(err(format!(
                "operator `{}` does not apply to the boolean field `{}`",
                op.name(),
                fref.name
            )));
        }
        Ok(Check {
            field,
            arg,
            transform: fref.transform,
            set_field,
            test,
        })
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return i64::from_str_radix(h, 16).ok();
    }
    s.parse().ok()
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

fn transform<'a>(t: Option<Transform>, s: &'a str) -> Cow<'a, str> {
    match t {
        None => Cow::Borrowed(s),
        Some(Transform::ToLower) if s.bytes().any(|b| b.is_ascii_uppercase()) => {
            Cow::Owned(s.to_lowercase())
        }
        Some(Transform::ToUpper) if s.bytes().any(|b| b.is_ascii_lowercase()) => {
            Cow::Owned(s.to_uppercase())
        }
        Some(Transform::Basename) => Cow::Borrowed(s.rsplit('/').next().unwrap_or(s)),
        Some(_) => Cow::Borrowed(s),
    }
}

fn icontains(hay: &str, needle_lower: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    h.windows(n.len())
        .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

impl Node {
    pub(crate) fn eval<E: EventFields + ?Sized>(&self, ev: &E) -> bool {
        match self {
            Node::And(items) => items.iter().all(|n| n.eval(ev)),
            Node::Or(items) => items.iter().any(|n| n.eval(ev)),
            Node::Not(n) => !n.eval(ev),
            Node::Check(c) => c.eval(ev),
            Node::Group(g) => {
                // A field without a value fails every check, so `and` and `or` both fail.
                let Some(value) = ev.get(g.field, g.arg.as_ref()) else {
                    return false;
                };
                if g.all {
                    g.checks.iter().all(|c| c.holds(&value, ev))
                } else {
                    g.checks.iter().any(|c| c.holds(&value, ev))
                }
            }
        }
    }

    /// Flattens nested `and`s (and nested `or`s) and gathers the checks of one field under
    /// an `and` / `or` into a [`Node::Group`], so that each field is read once there. The
    /// result is equivalent: checks have no side effects, and a field without a value fails
    /// each of its checks.
    pub(crate) fn optimize(self) -> Node {
        match self {
            Node::And(items) => Node::gather(true, items),
            Node::Or(items) => Node::gather(false, items),
            Node::Not(n) => Node::Not(Box::new(n.optimize())),
            other => other,
        }
    }

    fn gather(all: bool, items: Box<[Node]>) -> Node {
        // Flatten first: `a and (b and c)` is `a and b and c`.
        let mut flat = Vec::with_capacity(items.len());
        let mut pending: Vec<Node> = items.into_vec();
        pending.reverse();
        while let Some(n) = pending.pop() {
            match n.optimize() {
                Node::And(inner) if all => pending.extend(inner.into_vec().into_iter().rev()),
                Node::Or(inner) if !all => pending.extend(inner.into_vec().into_iter().rev()),
                other => flat.push(other),
            }
        }
        // Group checks by field and argument, at the place of each field's first check.
        let mut out: Vec<Node> = Vec::with_capacity(flat.len());
        let mut groups: Vec<(usize, Vec<Check>)> = Vec::new();
        let mut by_key: HashMap<(Field, Option<FieldArg>), usize, FastState> = HashMap::default();
        for n in flat {
            match n {
                Node::Check(c) => match by_key.entry((c.field, c.arg.clone())) {
                    std::collections::hash_map::Entry::Occupied(g) => groups[*g.get()].1.push(*c),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(groups.len());
                        groups.push((out.len(), Vec::new()));
                        out.push(Node::Check(c));
                    }
                },
                other => out.push(other),
            }
        }
        for (i, members) in groups {
            if members.is_empty() {
                continue;
            }
            let Node::Check(first) = std::mem::replace(&mut out[i], Node::And(Box::new([]))) else {
                continue;
            };
            let mut checks = vec![*first];
            checks.extend(members);
            out[i] = Node::Group(Box::new(Group {
                all,
                field: checks[0].field,
                arg: checks[0].arg.clone(),
                checks: checks.into(),
            }));
        }
        if out.len() == 1 {
            return out.pop().unwrap_or(Node::And(Box::new([])));
        }
        if all {
            Node::And(out.into())
        } else {
            Node::Or(out.into())
        }
    }

    /// The event types the condition can match (`None`: any), for evt.type indexing.
    pub(crate) fn evttypes(&self) -> Option<BTreeSet<String>> {
        match self {
            Node::And(items) => intersect(items.iter().map(Node::evttypes)),
            Node::Or(items) => union(items.iter().map(Node::evttypes)),
            Node::Not(_) => None,
            Node::Check(c) => c.evttypes(),
            Node::Group(g) if g.all => intersect(g.checks.iter().map(Check::evttypes)),
            Node::Group(g) => union(g.checks.iter().map(Check::evttypes)),
        }
    }
}

impl Node {
    /// The condition for events whose `evt.type` is one of `types` (the rule's own
    /// [`Node::evttypes`]): top-level `and` operands that test `evt.type` against a superset
    /// of `types` always hold for them and are dropped. An `and` left empty always holds.
    pub(crate) fn without_type_tests(self, types: &BTreeSet<String>) -> Node {
        let implied = |c: &Check| {
            c.evttypes()
                .is_some_and(|allowed| types.iter().all(|t| allowed.contains(t)))
        };
        match self {
            Node::And(items) => Node::And(
                items
                    .into_vec()
                    .into_iter()
                    .filter_map(|n| match n {
                        Node::Check(c) if implied(&c) => None,
                        Node::Group(mut g) if g.all && g.field == Field::EvtType => {
                            let kept: Vec<Check> = std::mem::take(&mut g.checks)
                                .into_vec()
                                .into_iter()
                                .filter(|c| !implied(c))
                                .collect();
                            match kept.len() {
                                0 => None,
                                _ => {
                                    g.checks = kept.into();
                                    Some(Node::Group(g))
                                }
                            }
                        }
                        other => Some(other),
                    })
                    .collect(),
            ),
            Node::Check(c) if implied(&c) => Node::And(Box::new([])),
            other => other,
        }
    }
}

/// The types allowed by every operand of an `and` (`None`: any type).
fn intersect(sets: impl Iterator<Item = Option<BTreeSet<String>>>) -> Option<BTreeSet<String>> {
    let mut acc: Option<BTreeSet<String>> = None;
    for set in sets.flatten() {
        acc = Some(match acc {
            None => set,
            Some(a) => a.intersection(&set).cloned().collect(),
        });
    }
    acc
}

/// The types allowed by any operand of an `or` (`None` if one allows any type).
fn union(sets: impl Iterator<Item = Option<BTreeSet<String>>>) -> Option<BTreeSet<String>> {
    let mut acc = BTreeSet::new();
    for set in sets {
        acc.extend(set?);
    }
    Some(acc)
}

impl Check {
    fn evttypes(&self) -> Option<BTreeSet<String>> {
        if self.field != Field::EvtType || self.transform.is_some() {
            return None;
        }
        match &self.test {
            Test::StrEq(s) => Some(BTreeSet::from([s.to_string()])),
            Test::StrIn(set) => Some(
                set.small
                    .iter()
                    .chain(set.big.iter())
                    .map(|s| s.to_string())
                    .collect(),
            ),
            _ => None,
        }
    }

    fn eval<E: EventFields + ?Sized>(&self, ev: &E) -> bool {
        let Some(value) = ev.get(self.field, self.arg.as_ref()) else {
            return false;
        };
        self.holds(&value, ev)
    }

    /// Whether the check holds for the value of its field.
    fn holds<E: EventFields + ?Sized>(&self, value: &FieldValue<'_>, ev: &E) -> bool {
        match (&self.test, value) {
            (Test::Exists, FieldValue::StrList(items)) => !items.is_empty(),
            (Test::Exists, _) => true,
            (Test::Other(op, f, arg), _) => {
                let Some(other) = ev.get(*f, arg.as_ref()) else {
                    return false;
                };
                let Some(rhs) = scalar_text(&other) else {
                    return false;
                };
                self.each_str(value, |s| match op {
                    Op::Eq => s == rhs.as_ref(),
                    Op::Ne => s != rhs.as_ref(),
                    Op::Contains => s.contains(rhs.as_ref()),
                    Op::StartsWith => s.starts_with(rhs.as_ref()),
                    _ => s.ends_with(rhs.as_ref()),
                })
            }
            (Test::StrIn(set), FieldValue::StrList(items)) if self.set_field => {
                !items.is_empty() && items.iter().all(|s| set.contains(s))
            }
            (Test::StrNe(x), FieldValue::StrList(items)) => {
                // `!=` on a list: no element equals the value.
                !items.iter().any(|s| **s == **x)
            }
            (_, FieldValue::Int(i)) => self.test_int(*i),
            (_, FieldValue::Bool(b)) => self.test_bool(*b),
            (_, FieldValue::Str(_) | FieldValue::StrList(_)) => {
                self.each_str(value, |s| self.test_str(s))
            }
        }
    }

    /// Whether `f` holds for the string (any element of a list).
    fn each_str(&self, value: &FieldValue<'_>, f: impl Fn(&str) -> bool) -> bool {
        match value {
            FieldValue::Str(s) => f(&transform(self.transform, s)),
            FieldValue::StrList(items) => items.iter().any(|s| f(&transform(self.transform, s))),
            FieldValue::Int(i) => f(&i.to_string()),
            FieldValue::Bool(b) => f(if *b { "true" } else { "false" }),
        }
    }

    fn test_int(&self, i: i64) -> bool {
        match &self.test {
            Test::Int(cmp, n) => cmp.holds(i, *n),
            Test::IntIn(set) => set.contains(&i),
            _ => self.test_str(&i.to_string()),
        }
    }

    fn test_bool(&self, b: bool) -> bool {
        match &self.test {
            Test::Bool(x) => b == *x,
            Test::BoolNe(x) => b != *x,
            _ => self.test_str(if b { "true" } else { "false" }),
        }
    }

    fn test_str(&self, s: &str) -> bool {
        match &self.test {
            Test::Exists => true,
            Test::StrEq(x) => s == &**x,
            Test::StrNe(x) => s != &**x,
            Test::Int(cmp, n) => parse_int(s).is_some_and(|i| cmp.holds(i, *n)),
            Test::IntIn(set) => parse_int(s).is_some_and(|i| set.contains(&i)),
            Test::Bool(x) => s.eq_ignore_ascii_case(if *x { "true" } else { "false" }),
            Test::BoolNe(x) => !s.eq_ignore_ascii_case(if *x { "true" } else { "false" }),
            Test::StrIn(set) | Test::Intersects(set) => set.contains(s),
            Test::Contains(finder) => finder.find(s.as_bytes()).is_some(),
            Test::IContains(x) => icontains(s, x),
            Test::StartsWith(x) => s.as_bytes().starts_with(x),
            Test::EndsWith(x) => s.ends_with(&**x),
            Test::Glob(g) => g.matches(s),
            Test::Pmatch(p) => p.matches(s),
            Test::Regex(re) => re.is_match(s),
            Test::Other(..) => false,
        }
    }
}

fn scalar_text<'a>(v: &'a FieldValue<'_>) -> Option<Cow<'a, str>> {
    match v {
        FieldValue::Str(s) => Some(Cow::Borrowed(s)),
        FieldValue::Int(i) => Some(Cow::Owned(i.to_string())),
        FieldValue::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        FieldValue::StrList(items) => items.first().map(|s| Cow::Borrowed(&**s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_semantics() {
        let g = Glob::new("/proc/*/environ", false);
        assert!(g.matches("/proc/12/environ"));
        // As fnmatch(3) without FNM_PATHNAME, which Falco uses: `*` crosses `/`.
        assert!(g.matches("/proc/12/task/3/environ"));
        assert!(!g.matches("/proc/12/environx"));
        assert!(Glob::new("*.so.[0-9]", false).matches("libc.so.6"));
        assert!(!Glob::new("*.so.[!0-9]", false).matches("libc.so.6"));
        assert!(Glob::new("a?c", false).matches("abc"));
        assert!(Glob::new("a?c", false).matches("a/c"));
        assert!(Glob::new("*RELEASE_agent", true).matches("release_agent"));
        assert!(Glob::new("a*b*c", false).matches("axxbyyc"));
        assert!(!Glob::new("a*b*c", false).matches("axxbyy"));
        assert!(Glob::new("[", false).matches("["));
    }

    #[test]
    fn pmatch_semantics() {
        let p = PathSet::new(vec!["/tmp/hello".into(), "/var/*/x".into()]);
        assert!(p.matches("/tmp/hello"));
        assert!(p.matches("/tmp/hello/x"));
        assert!(!p.matches("/tmp/hello_world"));
        assert!(p.matches("/var/lib/x/y"));
        assert!(!p.matches("/var/lib/y"));
        assert!(PathSet::new(vec!["/".into()]).matches("/etc"));
    }

    /// An event answering a few fields from a table.
    struct Ev(Vec<(Field, FieldValue<'static>)>);

    impl EventFields for Ev {
        fn get(&self, f: Field, _: Option<&FieldArg>) -> Option<FieldValue<'_>> {
            self.0.iter().find(|(k, _)| *k == f).map(|(_, v)| v.clone())
        }
    }

    fn compiled(text: &str) -> Node {
        let lists = HashMap::new();
        let macros = HashMap::new();
        let ctx = Ctx {
            lists: &lists,
            macros: &macros,
        };
        compile(&crate::cond::parse(text).unwrap(), &Origin::Rule, &ctx).unwrap()
    }

    fn st(v: &'static str) -> FieldValue<'static> {
        FieldValue::Str(Cow::Borrowed(v))
    }

    #[test]
    fn optimize_groups_checks_of_one_field_and_keeps_the_meaning() {
        let text = "evt.type = execve and (proc.cmdline contains ab or proc.name = x \
                    or proc.cmdline contains cd) and (proc.cmdline startswith z and \
                    (proc.cmdline endswith q and not proc.name = y))";
        let plain = compiled(text);
        let fast = plain.clone().optimize();
        // The nested `and`s are flattened, the two `contains` share one read.
        let Node::And(items) = &fast else {
            panic!("{fast:?}")
        };
        assert!(items.iter().any(|n| matches!(n, Node::Or(o)
            if o.iter().any(|n| matches!(n, Node::Group(g) if !g.all && g.checks.len() == 2)))));
        assert!(
            items
                .iter()
                .any(|n| matches!(n, Node::Group(g) if g.all && g.checks.len() == 2))
        );
        for (cmdline, name) in [
            ("zabq", "y"),
            ("zabq", "n"),
            ("zcdq", "n"),
            ("zq", "x"),
            ("zq", "n"),
            ("abq", "x"),
            ("zab", "x"),
        ] {
            let ev = Ev(vec![
                (Field::EvtType, st("execve")),
                (Field::ProcCmdline, st(cmdline)),
                (Field::ProcName, st(name)),
            ]);
            assert_eq!(plain.eval(&ev), fast.eval(&ev), "{cmdline} {name}");
        }
        // A field without a value fails its group under `and` and under `or`.
        let ev = Ev(vec![(Field::EvtType, st("execve"))]);
        assert!(!fast.eval(&ev) && !plain.eval(&ev));
        let or = compiled("proc.cmdline contains a or proc.cmdline contains b").optimize();
        assert!(matches!(&or, Node::Group(g) if !g.all));
        assert!(!or.eval(&ev));
        assert!(or.eval(&Ev(vec![(Field::ProcCmdline, st("xb"))])));
    }

    #[test]
    fn type_tests_implied_by_the_index_are_dropped() {
        let node = compiled("evt.type in (execve, execveat) and proc.name = sh").optimize();
        let types = node.evttypes().unwrap();
        assert_eq!(types.len(), 2);
        let indexed = node.clone().without_type_tests(&types);
        let Node::And(items) = &indexed else {
            panic!("{indexed:?}")
        };
        assert_eq!(items.len(), 1, "{indexed:?}");
        let ev = Ev(vec![
            (Field::EvtType, st("execve")),
            (Field::ProcName, st("sh")),
        ]);
        assert!(indexed.eval(&ev) && node.eval(&ev));
        // A narrower test is kept: for `execveat` events it still decides.
        let node = compiled("evt.type in (execve, execveat) and evt.type = execve").optimize();
        let types = node.evttypes().unwrap();
        assert_eq!(types.len(), 1);
        let kept = compiled("evt.type = execve").optimize();
        assert!(
            kept.clone()
                .without_type_tests(&types)
                .eval(&Ev(Vec::new()))
        );
        let wide = BTreeSet::from(["execve".to_string(), "open".to_string()]);
        let n = kept.without_type_tests(&wide);
        assert!(!n.eval(&Ev(vec![(Field::EvtType, st("open"))])));
    }

    #[test]
    fn glob_on_multibyte_text_and_fast_sets() {
        assert!(Glob::new("/tmp/*é*", false).matches("/tmp/caféine"));
        assert!(Glob::new("?b", false).matches("éb"));
        assert!(Glob::new("*x", false).matches("ééé/x"));
        assert!(!Glob::new("*x", false).matches("ééé/xy"));
        // `iglob` folds ASCII letters only.
        assert!(Glob::new("A*Z", true).matches("aéz"));
        assert!(!Glob::new("É*", true).matches("éa"));
        let set = StrSet::new((0..20).map(|i| format!("name{i}")).collect());
        assert!(set.contains("name7") && set.contains("name19"));
        assert!(!set.contains("name20") && !set.contains("") && !set.contains("name1x"));
        use std::hash::{BuildHasher, Hash, Hasher};
        let h = |s: &str| FastState::default().hash_one(s);
        assert_ne!(h("abcdefgh1"), h("abcdefgh2"));
        assert_ne!(h("a"), h("b"));
        let mut x = FastHasher::default();
        "abc".hash(&mut x);
        assert_eq!(x.finish(), h("abc"));
    }

    #[test]
    fn helpers() {
        assert_eq!(parse_int("0x10"), Some(16));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(hex("2f 65"), Some(vec![0x2f, 0x65]));
        assert_eq!(hex("2"), None);
        assert!(icontains("Hello World", "o w"));
        assert!(!icontains("Hello", "hellox"));
        assert_eq!(transform(Some(Transform::Basename), "/usr/bin/x"), "x");
        assert_eq!(transform(Some(Transform::ToUpper), "ab"), "AB");
    }
}
