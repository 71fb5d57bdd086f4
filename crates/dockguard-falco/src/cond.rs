//! Falco conditions: a scannerless recursive-descent parser producing an AST with byte
//! offsets into the condition text (the loader maps them back to `file:line:column`).
//!
//! Grammar (Falco's, see the reference §1.2):
//! ```text
//! or     := and ("or" and)*
//! and    := not ("and" not)*
//! not    := "not" not | "(" or ")" | check | MACRO
//! check  := field OP value | field "exists"
//! field  := NAME ("[" ARG "]")? | TRANSFORMER "(" field ")"
//! value  := "string" | 'string' | BARE | "(" item ("," item)* ")" | "val(" field ")"
//! ```
//! Field names contain a dot (`proc.name`); a name without a dot is a macro reference. Bare
//! words inside a list that name a `list:` are expanded by the compiler.

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    Pmatch,
    In,
    Intersects,
    Exists,
    Regex,
}

impl Op {
    /// Operators whose right-hand side is a list.
    pub fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::Intersects | Op::Pmatch)
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::IContains => "icontains",
            Op::BContains => "bcontains",
            Op::StartsWith => "startswith",
            Op::BStartsWith => "bstartswith",
            Op::EndsWith => "endswith",
            Op::Glob => "glob",
            Op::IGlob => "iglob",
            Op::Pmatch => "pmatch",
            Op::In => "in",
            Op::Intersects => "intersects",
            Op::Exists => "exists",
            Op::Regex => "regex",
        }
    }

    /// The comparison operator of an exception's `comps` entry.
    pub fn from_name(name: &str) -> Option<Op> {
        const WORDS: &[Op] = &[
            Op::Eq,
            Op::Ne,
            Op::Lt,
            Op::Le,
            Op::Gt,
            Op::Ge,
            Op::Contains,
            Op::IContains,
            Op::BContains,
            Op::StartsWith,
            Op::BStartsWith,
            Op::EndsWith,
            Op::Glob,
            Op::IGlob,
            Op::Pmatch,
            Op::In,
            Op::Intersects,
            Op::Exists,
            Op::Regex,
        ];
        if name == "==" {
            return Some(Op::Eq);
        }
        WORDS.iter().copied().find(|op| op.name() == name)
    }
}

/// A transformer applied to a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    ToLower,
    ToUpper,
    Basename,
}

/// A field reference as written: `proc.aname[2]`, `tolower(proc.name)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    pub name: String,
    pub arg: Option<String>,
    pub transform: Option<Transform>,
    /// Byte offset of the name in the condition.
    pub at: usize,
}

/// One literal value (or list name) with its offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: String,
    /// Quoted items are never list names.
    pub quoted: bool,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    One(Item),
    List(Vec<Item>),
    Field(FieldRef),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Macro {
        name: String,
        at: usize,
    },
    Check {
        field: FieldRef,
        op: Op,
        value: Value,
        /// Offset of the operator.
        at: usize,
    },
}

/// A syntax error at a byte offset of the condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

const MAX_DEPTH: usize = 200;

/// Parses a whole condition.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = P {
        s: text,
        pos: 0,
        depth: 0,
    };
    p.ws();
    if p.pos >= text.len() {
        return Err(p.err("empty condition"));
    }
    let e = p.or()?;
    p.ws();
    if p.pos < text.len() {
        return Err(p.err(&format!(
            "unexpected `{}`: expected `and`, `or` or the end of the condition",
            p.snippet()
        )));
    }
    Ok(e)
}

/// Parses a field reference alone (for exceptions' `fields`).
pub fn parse_field(text: &str) -> Result<FieldRef, ParseError> {
    let mut p = P {
        s: text,
        pos: 0,
        depth: 0,
    };
    p.ws();
    let f = p.field()?;
    p.ws();
    if p.pos < text.len() {
        return Err(p.err("unexpected text after the field name"));
    }
    Ok(f)
}

struct P<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_bare_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '(' | ')' | ',' | '"' | '\'' | '='))
}

impl P<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn err(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn snippet(&self) -> String {
        let r = self.rest();
        let end = r
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(r.len(), |(i, _)| i);
        r[..end].chars().take(30).collect()
    }

    fn ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    /// Consumes keyword `kw` when it stands alone (not a prefix of a longer word).
    fn keyword(&mut self, kw: &str) -> bool {
        let r = self.rest();
        if r.starts_with(kw) && !r[kw.len()..].chars().next().is_some_and(is_name_char) {
            // `not.x` or `and.x` would be field names.
            if r[kw.len()..].starts_with('.') || r[kw.len()..].starts_with('[') {
                return false;
            }
            self.pos += kw.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and()?];
        loop {
            self.ws();
            if self.keyword("or") {
                items.push(self.and()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::Or(Vec::new()))
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.not()?];
        loop {
            self.ws();
            if self.keyword("and") {
                items.push(self.not()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::And(Vec::new()))
        } else {
            Expr::And(items)
        })
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("condition nested too deeply"));
        }
        self.ws();
        let r = if self.keyword("not") {
            self.not().map(|e| Expr::Not(Box::new(e)))
        } else if self.rest().starts_with('(') {
            let open = self.pos;
            self.pos += 1;
            let e = self.or()?;
            self.ws();
            if self.rest().starts_with(')') {
                self.pos += 1;
                Ok(e)
            } else if self.pos >= self.s.len() {
                Err(ParseError {
                    offset: open,
                    message: "unclosed `(`".into(),
                })
            } else {
                Err(self.err(&format!(
                    "unexpected `{}`: expected `)`, `and` or `or`",
                    self.snippet()
                )))
            }
        } else {
            self.check()
        };
        self.depth -= 1;
        r
    }

    fn name(&mut self) -> Option<&str> {
        let r = self.rest();
        let first = r.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let mut end = 0;
        let bytes = r.as_bytes();
        while end < bytes.len() {
            let c = bytes[end] as char;
            if is_name_char(c)
                || (c == '.' && end + 1 < bytes.len() && is_name_char(bytes[end + 1] as char))
            {
                end += 1;
            } else {
                break;
            }
        }
        let start = self.pos;
        self.pos += end;
        Some(&self.s[start..start + end])
    }

    fn field(&mut self) -> Result<FieldRef, ParseError> {
        let at = self.pos;
        let Some(name) = self.name().map(str::to_string) else {
            return Err(self.err(&format!(
                "expected a field, a macro, `not` or `(`, found `{}`",
                self.snippet()
            )));
        };
        let transform = match name.as_str() {
            "tolower" => Some(Transform::ToLower),
            "toupper" => Some(Transform::ToUpper),
            "basename" => Some(Transform::Basename),
            _ => None,
        };
        if let Some(t) = transform
            && self.rest().starts_with('(')
        {
            self.pos += 1;
            self.ws();
            let mut inner = self.field()?;
            self.ws();
            if !self.rest().starts_with(')') {
                return Err(self.err("expected `)` after the transformer's field"));
            }
            self.pos += 1;
            if inner.transform.is_some() {
                return Err(ParseError {
                    offset: at,
                    message: "nested transformers are not supported".into(),
                });
            }
            inner.transform = Some(t);
            return Ok(inner);
        }
        let mut arg = None;
        if self.rest().starts_with('[') {
            let Some(close) = self.rest().find(']') else {
                return Err(self.err("unclosed `[` in a field argument"));
            };
            arg = Some(self.rest()[1..close].to_string());
            self.pos += close + 1;
        }
        Ok(FieldRef {
            name,
            arg,
            transform: None,
            at,
        })
    }

    fn check(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let field = self.field()?;
        if !field.name.contains('.') && field.arg.is_none() && field.transform.is_none() {
            return Ok(Expr::Macro {
                name: field.name,
                at: start,
            });
        }
        self.ws();
        let at = self.pos;
        let op = self.op().ok_or_else(|| {
            self.err(&format!(
                "expected an operator after `{}`, found `{}`",
                field.name,
                self.snippet()
            ))
        })?;
        if op == Op::Exists {
            return Ok(Expr::Check {
                field,
                op,
                value: Value::None,
                at,
            });
        }
        self.ws();
        let value = if self.rest().starts_with('(') {
            Value::List(self.list()?)
        } else if self.rest().starts_with("val(") {
            self.pos += 4;
            self.ws();
            let f = self.field()?;
            self.ws();
            if !self.rest().starts_with(')') {
                return Err(self.err("expected `)` after `val(field`"));
            }
            self.pos += 1;
            Value::Field(f)
        } else {
            Value::One(self.item()?)
        };
        if op.takes_list() {
            if let Value::One(item) = value {
                // `proc.name in shell_binaries`: tolerated, the list is expanded later.
                return Ok(Expr::Check {
                    field,
                    op,
                    value: Value::List(vec![item]),
                    at,
                });
            }
        } else if let Value::List(items) = &value
            && items.len() != 1
        {
            return Err(ParseError {
                offset: at,
                message: format!("operator `{}` takes one value, not a list", op.name()),
            });
        }
        Ok(Expr::Check {
            field,
            op,
            value,
            at,
        })
    }

    fn op(&mut self) -> Option<Op> {
        const SYMBOLS: &[(&str, Op)] = &[
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        for (s, op) in SYMBOLS {
            if self.rest().starts_with(s) {
                self.pos += s.len();
                return Some(*op);
            }
        }
        let save = self.pos;
        let word = self.name()?.to_string();
        match Op::from_name(&word) {
            Some(op) => Some(op),
            None => {
                self.pos = save;
                None
            }
        }
    }

    fn item(&mut self) -> Result<Item, ParseError> {
        let at = self.pos;
        let src = self.s;
        let r = &src[self.pos..];
        match r.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut out = String::new();
                let mut chars = r.char_indices().skip(1);
                while let Some((i, c)) = chars.next() {
                    if c == q {
                        self.pos += i + 1;
                        return Ok(Item {
                            text: out,
                            quoted: true,
                            at,
                        });
                    }
                    if c == '\\' {
                        match chars.next() {
                            Some((_, 'n')) => out.push('\n'),
                            Some((_, 't')) => out.push('\t'),
                            Some((_, e)) => out.push(e),
                            None => break,
                        }
                    } else {
                        out.push(c);
                    }
                }
                Err(self.err("unterminated string"))
            }
            Some(c) if is_bare_char(c) => {
                let end = r
                    .char_indices()
                    .find(|(_, c)| !is_bare_char(*c))
                    .map_or(r.len(), |(i, _)| i);
                self.pos += end;
                Ok(Item {
                    text: r[..end].to_string(),
                    quoted: false,
                    at,
                })
            }
            _ => Err(self.err(&format!("expected a value, found `{}`", self.snippet()))),
        }
    }

    fn list(&mut self) -> Result<Vec<Item>, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            let r = self.rest();
            if r.starts_with(')') {
                self.pos += 1;
                return Ok(items);
            }
            if r.is_empty() {
                return Err(ParseError {
                    offset: open,
                    message: "unclosed `(` in a value list".into(),
                });
            }
            if r.starts_with(',') {
                self.pos += 1;
                continue;
            }
            items.push(self.item()?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(e: &Expr) -> (&str, Op, &Value) {
        match e {
            Expr::Check {
                field, op, value, ..
            } => (field.name.as_str(), *op, value),
            other => panic!("not a check: {other:?}"),
        }
    }

    #[test]
    fn precedence_and_forms() {
        let e = parse("a or b and not c").unwrap();
        let Expr::Or(items) = e else { panic!() };
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[1], Expr::And(v) if matches!(v[1], Expr::Not(_))));

        let e = parse("proc.name in (bash, \"a b\", 'c')").unwrap();
        let (name, op, value) = check(&e);
        assert_eq!((name, op), ("proc.name", Op::In));
        let Value::List(items) = value else { panic!() };
        let texts: Vec<_> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["bash", "a b", "c"]);

        let e = parse("proc.pname=runc:[0:PARENT]").unwrap();
        let (_, op, value) = check(&e);
        assert_eq!(op, Op::Eq);
        assert!(matches!(value, Value::One(i) if i.text == "runc:[0:PARENT]"));

        let e = parse("evt.dir=<").unwrap();
        assert!(matches!(check(&e).2, Value::One(i) if i.text == "<"));
        let e = parse("proc.name!=x").unwrap();
        assert_eq!(check(&e).1, Op::Ne);

        let e = parse("container.mount.dest[/var/run/docker.sock] exists").unwrap();
        let Expr::Check { field, op, .. } = &e else {
            panic!()
        };
        assert_eq!(field.arg.as_deref(), Some("/var/run/docker.sock"));
        assert_eq!(*op, Op::Exists);

        let e = parse("tolower(proc.name) = bash and proc.pname = val(proc.name)").unwrap();
        let Expr::And(v) = e else { panic!() };
        assert!(
            matches!(&v[0], Expr::Check { field, .. } if field.transform == Some(Transform::ToLower))
        );
        assert!(matches!(
            &v[1],
            Expr::Check {
                value: Value::Field(_),
                ..
            }
        ));
        // `notify` is a macro, not `not ify`; `order` is not `or der`.
        assert!(matches!(parse("notify").unwrap(), Expr::Macro { .. }));
        assert!(matches!(parse("(order)").unwrap(), Expr::Macro { .. }));
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse("proc.name = bash and (x").unwrap_err();
        assert_eq!(e.offset, 21);
        let e = parse("proc.name bash").unwrap_err();
        assert_eq!(e.offset, 10);
        assert!(e.message.contains("operator"));
        let e = parse("proc.name = \"abc").unwrap_err();
        assert!(e.message.contains("unterminated"));
        assert!(parse("").is_err());
        assert!(parse("a b").unwrap_err().message.contains("unexpected `b`"));
        assert!(parse("proc.name = (a, b)").is_err());
        assert!(parse(&"(".repeat(10_000)).is_err());
    }
}
