//! BuildKit-compatible variable substitution (`shell/lex.go` semantics) for the instructions the
//! builder expands: ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR (and ARG values).

use std::collections::BTreeMap;

/// A variable's state in a scope: declared with a value, or declared without one (`ARG X`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Known(String),
    /// Declared, but its value is only known at build time (an ARG without default).
    Unknown,
}

pub type Vars = BTreeMap<String, Value>;

/// The result of expanding a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// Names that were referenced but never declared (BuildKit's UndefinedVar).
    pub undefined: Vec<String>,
    /// Names declared without a value: the result depends on build arguments.
    pub unknown: Vec<String>,
    /// Problems BuildKit reports (`bad substitution`, `${x:?msg}` on an unset var, …).
    pub errors: Vec<String>,
    /// Whether any quoting was seen (the word was not used literally).
    pub quoted: bool,
}

impl Expanded {
    /// True when the value does not depend on anything unknown.
    pub fn is_resolved(&self) -> bool {
        self.unknown.is_empty() && self.errors.is_empty()
    }
}

/// Expands `word` with `vars`, removing quotes like BuildKit's lexer.
pub fn expand(word: &str, vars: &Vars, escape: char) -> Expanded {
    let mut out = Expanded::default();
    let chars: Vec<char> = word.chars().collect();
    let mut lexer = Lexer {
        chars: &chars,
        pos: 0,
        vars,
        escape,
        out: &mut out,
        depth: 0,
    };
    let value = lexer.word(&[]);
    out.value = value;
    out
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    vars: &'a Vars,
    escape: char,
    out: &'a mut Expanded,
    depth: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Reads until one of `stops` (unquoted) or the end.
    fn word(&mut self, stops: &[char]) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if stops.contains(&c) {
                break;
            }
            self.pos += 1;
            match c {
                '\'' => {
                    self.out.quoted = true;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == '\'' {
                            break;
                        }
                        s.push(c);
                    }
                }
                '"' => {
                    self.out.quoted = true;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == '"' {
                            break;
                        }
                        if c == self.escape {
                            match self.peek() {
                                Some(n) if n == '"' || n == '$' || n == self.escape => {
                                    self.pos += 1;
                                    s.push(n);
                                }
                                _ => s.push(c),
                            }
                        } else if c == '$' {
                            s.push_str(&self.dollar());
                        } else {
                            s.push(c);
                        }
                    }
                }
                '$' => s.push_str(&self.dollar()),
                c if c == self.escape => {
                    if let Some(n) = self.peek() {
                        self.pos += 1;
                        s.push(n);
                    } else {
                        s.push(c);
                    }
                }
                c => s.push(c),
            }
        }
        s
    }

    fn lookup(&mut self, name: &str) -> Option<String> {
        match self.vars.get(name) {
            Some(Value::Known(v)) => Some(v.clone()),
            Some(Value::Unknown) => {
                if !self.out.unknown.iter().any(|n| n == name) {
                    self.out.unknown.push(name.to_string());
                }
                None
            }
            None => {
                if !self.out.undefined.iter().any(|n| n == name) {
                    self.out.undefined.push(name.to_string());
                }
                None
            }
        }
    }

    fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// After a `$`: `$name`, `${…}` or a literal `$`.
    fn dollar(&mut self) -> String {
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                self.braced()
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                let start = self.pos;
                // `$1`-style positional names are one digit; names otherwise run on.
                if c.is_ascii_digit() {
                    self.pos += 1;
                } else {
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        self.pos += 1;
                    }
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                self.lookup(&name).unwrap_or_default()
            }
            _ => "$".to_string(),
        }
    }

    fn braced(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if name.is_empty() {
            self.out.errors.push("bad substitution".into());
            self.skip_to_brace();
            return String::new();
        }
        let Some(c) = self.peek() else {
            self.out.errors.push(format!("missing '}}' in ${{{name}"));
            return String::new();
        };
        self.pos += 1;
        if c == '}' {
            return self.lookup(&name).unwrap_or_default();
        }
        self.depth += 1;
        if self.depth > 32 {
            self.out
                .errors
                .push("substitution nested too deeply".into());
            self.skip_to_brace();
            self.depth -= 1;
            return String::new();
        }
        let result = match c {
            ':' | '-' | '+' | '?' => {
                // `${v:-w}` tests "set and non-empty", `${v-w}` only "set".
                let colon = c == ':';
                let op = if colon {
                    let Some(op) = self.peek() else {
                        self.out.errors.push("bad substitution".into());
                        self.depth -= 1;
                        return String::new();
                    };
                    self.pos += 1;
                    op
                } else {
                    c
                };
                let word = self.word(&['}']);
                let (present, current) = if colon {
                    let current = self.value_if_set(&name);
                    (current.as_deref().is_some_and(|v| !v.is_empty()), current)
                } else {
                    let set = self.is_set(&name);
                    (set, if set { self.lookup(&name) } else { None })
                };
                match op {
                    '-' => {
                        if present {
                            current.unwrap_or_default()
                        } else {
                            word
                        }
                    }
                    '+' => {
                        if present {
                            word
                        } else {
                            String::new()
                        }
                    }
                    '?' => {
                        // A `${v:?}` on an ARG without default is only known at build time.
                        if !present && (!colon || self.is_known_or_undefined(&name)) {
                            let why = if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            };
                            self.out.errors.push(format!("{name}: {why}"));
                        }
                        current.unwrap_or_default()
                    }
                    other => {
                        self.out
                            .errors
                            .push(format!("unsupported modifier (:{other}) in substitution"));
                        String::new()
                    }
                }
            }
            '#' | '%' => {
                let longest = self.peek() == Some(c);
                if longest {
                    self.pos += 1;
                }
                let pattern = self.word(&['}']);
                let value = self.lookup(&name).unwrap_or_default();
                if c == '#' {
                    trim_prefix(&value, &pattern, longest)
                } else {
                    trim_suffix(&value, &pattern, longest)
                }
            }
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.pos += 1;
                }
                let pattern = self.word(&['/', '}']);
                let replacement = if self.peek() == Some('/') {
                    self.pos += 1;
                    self.word(&['}'])
                } else {
                    String::new()
                };
                let value = self.lookup(&name).unwrap_or_default();
                replace(&value, &pattern, &replacement, all)
            }
            other => {
                self.out
                    .errors
                    .push(format!("unsupported modifier ({other}) in substitution"));
                self.skip_to_brace();
                self.depth -= 1;
                return String::new();
            }
        };
        self.depth -= 1;
        if self.peek() == Some('}') {
            self.pos += 1;
        } else {
            self.out.errors.push(format!("missing '}}' in ${{{name}"));
        }
        result
    }

    /// The value if the variable is set; records unknown/undefined like a lookup.
    fn value_if_set(&mut self, name: &str) -> Option<String> {
        match self.vars.get(name) {
            Some(Value::Known(v)) => Some(v.clone()),
            Some(Value::Unknown) => {
                self.lookup(name);
                None
            }
            None => None,
        }
    }

    fn is_known_or_undefined(&self, name: &str) -> bool {
        !matches!(self.vars.get(name), Some(Value::Unknown))
    }

    fn skip_to_brace(&mut self) {
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == '}' {
                break;
            }
        }
    }
}

/// Shell glob match of a whole string: `*`, `?`, and `\x` for a literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == t[ti] => {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn char_boundaries(s: &str) -> Vec<usize> {
    s.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect()
}

fn trim_prefix(value: &str, pattern: &str, longest: bool) -> String {
    let bounds = char_boundaries(value);
    let candidates: Box<dyn Iterator<Item = &usize>> = if longest {
        Box::new(bounds.iter().rev())
    } else {
        Box::new(bounds.iter())
    };
    for &end in candidates {
        if glob_match(pattern, &value[..end]) {
            return value[end..].to_string();
        }
    }
    value.to_string()
}

fn trim_suffix(value: &str, pattern: &str, longest: bool) -> String {
    let bounds = char_boundaries(value);
    let candidates: Box<dyn Iterator<Item = &usize>> = if longest {
        Box::new(bounds.iter())
    } else {
        Box::new(bounds.iter().rev())
    };
    for &start in candidates {
        if glob_match(pattern, &value[start..]) {
            return value[..start].to_string();
        }
    }
    value.to_string()
}

fn replace(value: &str, pattern: &str, replacement: &str, all: bool) -> String {
    if pattern.is_empty() {
        return value.to_string();
    }
    let bounds = char_boundaries(value);
    let mut out = String::new();
    let mut i = 0;
    let mut replaced = false;
    while i < bounds.len() - 1 {
        let start = bounds[i];
        let matched = if all || !replaced {
            // Longest match starting here, as the shell does.
            bounds[i + 1..]
                .iter()
                .rev()
                .find(|&&end| glob_match(pattern, &value[start..end]))
                .copied()
        } else {
            None
        };
        match matched {
            Some(end) => {
                out.push_str(replacement);
                replaced = true;
                i = bounds.partition_point(|&b| b < end);
            }
            None => {
                out.push_str(&value[start..bounds[i + 1]]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::new();
        v.insert("IMG".into(), Value::Known("python:3.12-slim".into()));
        v.insert("EMPTY".into(), Value::Known(String::new()));
        v.insert("PATHV".into(), Value::Known("/usr/local/lib/python".into()));
        v.insert("NODEFAULT".into(), Value::Unknown);
        v
    }

    fn ex(word: &str) -> String {
        expand(word, &vars(), '\\').value
    }

    #[test]
    fn plain_and_braced() {
        assert_eq!(ex("$IMG"), "python:3.12-slim");
        assert_eq!(ex("${IMG}-x"), "python:3.12-slim-x");
        assert_eq!(ex("\\$IMG"), "$IMG");
        assert_eq!(ex("'$IMG'"), "$IMG");
        assert_eq!(ex("\"$IMG\""), "python:3.12-slim");
        assert_eq!(ex("a$"), "a$");
        let e = expand("$MISSING/x", &vars(), '\\');
        assert_eq!(
            (e.value.as_str(), e.undefined.as_slice()),
            ("/x", ["MISSING".to_string()].as_slice())
        );
        let e = expand("${NODEFAULT}", &vars(), '\\');
        assert!(!e.is_resolved());
    }

    #[test]
    fn modifiers() {
        assert_eq!(ex("${MISSING:-debian:12}"), "debian:12");
        assert_eq!(ex("${EMPTY:-d}"), "d");
        assert_eq!(ex("${EMPTY-d}"), "");
        assert_eq!(ex("${MISSING-d}"), "d");
        assert_eq!(ex("${IMG:+set}"), "set");
        assert_eq!(ex("${EMPTY:+set}"), "");
        assert_eq!(ex("${EMPTY+set}"), "set");
        assert_eq!(ex("${MISSING:-${IMG}}"), "python:3.12-slim");
        assert_eq!(ex("${PATHV#*/}"), "usr/local/lib/python");
        assert_eq!(ex("${PATHV##*/}"), "python");
        assert_eq!(ex("${PATHV%/*}"), "/usr/local/lib");
        assert_eq!(ex("${PATHV%%/l*}"), "/usr");
        assert_eq!(ex("${IMG/3.12/3.13}"), "python:3.13-slim");
        assert_eq!(ex("${PATHV//l/L}"), "/usr/LocaL/Lib/python");
        assert_eq!(ex("${IMG/slim}"), "python:3.12-");
        assert!(expand("${MISSING:?must be set}", &vars(), '\\').errors[0].contains("must be set"));
        assert!(!expand("${}", &vars(), '\\').errors.is_empty());
        assert!(!expand("${IMG:x}", &vars(), '\\').errors.is_empty());
        assert!(!expand("${IMG", &vars(), '\\').errors.is_empty());
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.tar.gz", "a.tar.gz"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("\\*", "*"));
        assert!(!glob_match("\\*", "x"));
    }
}
