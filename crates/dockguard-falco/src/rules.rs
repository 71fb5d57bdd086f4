//! Loading Falco rules files into a [`Ruleset`].
//!
//! A rules file is a YAML list of items: `required_engine_version`,
//! `required_plugin_versions`, `list`, `macro` and `rule`. Several files load in order; a later
//! item of the same name replaces the earlier one, or changes it with `override:` (`items:
//! append`, `condition: append|replace`, …) or the legacy `append: true`. After every file is
//! read, lists are expanded, macros parsed, and each rule's condition (plus its `exceptions`,
//! as `and not (…)`) is compiled.
//!
//! Rules of an event source we do not have (`k8s_audit`, plugins) and rules naming a field we
//! do not provide are skipped with a [`Warning`]; anything malformed is an [`Error`] naming
//! `file:line:column`.

use crate::compile::{self, CompileError, Ctx, MacroDef, Node, Origin};
use crate::cond::{self, Expr, Item, Op, Value};
use crate::fields::{EventFields, Field, FieldValue};
use crate::output::OutputFormat;
use crate::yaml::{self, Kind, Node as Y};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// Event sources we have: `syscall` (process connector, fanotify) and `docker` (events API).
pub const SOURCES: &[&str] = &["syscall", "docker"];

/// A load error at `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct Error {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Something skipped or deprecated while loading; loading went on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Falco's priorities, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Emergency,
    Alert,
    Critical,
    Error,
    Warning,
    Notice,
    Informational,
    Debug,
}

impl Priority {
    /// Parses Falco's names, case-insensitively (`INFO` included).
    pub fn parse(s: &str) -> Option<Priority> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "emergency" => Priority::Emergency,
            "alert" => Priority::Alert,
            "critical" => Priority::Critical,
            "error" => Priority::Error,
            "warning" => Priority::Warning,
            "notice" => Priority::Notice,
            "informational" | "info" => Priority::Informational,
            "debug" => Priority::Debug,
            _ => return None,
        })
    }

    /// The name in Falco's JSON alerts (`"Warning"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "Emergency",
            Priority::Alert => "Alert",
            Priority::Critical => "Critical",
            Priority::Error => "Error",
            Priority::Warning => "Warning",
            Priority::Notice => "Notice",
            Priority::Informational => "Informational",
            Priority::Debug => "Debug",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    name: String,
    desc: String,
    output: OutputFormat,
    priority: Priority,
    tags: Vec<String>,
    source: String,
    enabled: bool,
    cond: Node,
    /// `cond` without the `evt.type` tests the `evt.type` index already guarantees: what
    /// [`Ruleset::matching`] evaluates.
    indexed: Node,
    file: String,
    line: u32,
}

impl Rule {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn desc(&self) -> &str {
        &self.desc
    }
    pub fn priority(&self) -> Priority {
        self.priority
    }
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    /// `syscall` or `docker`.
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn enabled(&self) -> bool {
        self.enabled
    }
    pub fn output(&self) -> &OutputFormat {
        &self.output
    }
    /// Where the rule was (last) defined: file and line.
    pub fn location(&self) -> (&str, u32) {
        (&self.file, self.line)
    }
    /// Whether the condition holds for the event (ignores `enabled` and the source).
    pub fn matches<E: EventFields + ?Sized>(&self, ev: &E) -> bool {
        self.cond.eval(ev)
    }
    /// The alert text and Falco's `output_fields`.
    pub fn format<E: EventFields + ?Sized>(
        &self,
        ev: &E,
    ) -> (String, BTreeMap<String, serde_json::Value>) {
        self.output.format(ev)
    }
}

/// Counts from loading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Rules compiled (enabled or not).
    pub loaded: usize,
    /// Of those, disabled.
    pub disabled: usize,
    /// Rules skipped because they use a field we do not provide.
    pub skipped_unknown_field: usize,
    /// Rules skipped because their source is not one of [`SOURCES`].
    pub skipped_source: usize,
    pub lists: usize,
    pub macros: usize,
}

/// Rules ready to evaluate, indexed by `evt.type`.
#[derive(Debug, Clone)]
pub struct Ruleset {
    rules: Vec<Rule>,
    by_type: HashMap<String, Vec<u32>, compile::FastState>,
    any_type: Vec<u32>,
    engine_versions: Vec<String>,
    stats: Stats,
}

impl Ruleset {
    /// Loads rules files in order (later files override earlier ones).
    pub fn load<P: AsRef<Path>>(files: &[P]) -> Result<(Ruleset, Vec<Warning>), Error> {
        let mut sources = Vec::new();
        for f in files {
            let path = f.as_ref();
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| Error {
                file: name.clone(),
                line: 0,
                column: 0,
                message: format!("cannot read: {e}"),
            })?;
            sources.push((name, text));
        }
        let refs: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Ruleset::load_str(&refs)
    }

    /// Loads rules from `(file name, text)` pairs, in order.
    pub fn load_str(sources: &[(&str, &str)]) -> Result<(Ruleset, Vec<Warning>), Error> {
        let mut loader = Loader {
            files: sources,
            lists: HashMap::new(),
            macros: Vec::new(),
            macro_index: HashMap::new(),
            rules: Vec::new(),
            rule_index: HashMap::new(),
            warnings: Vec::new(),
            engine_versions: Vec::new(),
        };
        for (i, (_, text)) in sources.iter().enumerate() {
            loader.file(i, text)?;
        }
        loader.finish()
    }

    /// Every compiled rule in load order, disabled ones included.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The `required_engine_version` values the files declared.
    pub fn required_engine_versions(&self) -> &[String] {
        &self.engine_versions
    }

    /// The enabled rules whose condition holds for the event, in load order. Only rules whose
    /// condition allows the event's `evt.type` are evaluated; when the event has an
    /// `evt.source`, only rules of that source are.
    pub fn matching<'a, E: EventFields + ?Sized>(&'a self, ev: &'a E) -> Matching<'a, E> {
        let typed: &[u32] = match ev.get(Field::EvtType, None) {
            Some(FieldValue::Str(t)) => self.by_type.get(&*t).map_or(&[], Vec::as_slice),
            _ => &[],
        };
        let source = match ev.get(Field::EvtSource, None) {
            Some(FieldValue::Str(s)) => Some(s),
            _ => None,
        };
        Matching {
            rules: &self.rules,
            typed,
            any: &self.any_type,
            ev,
            source,
        }
    }
}

/// Iterator of [`Ruleset::matching`]: merges the rules indexed under the event's type with
/// those that accept any type, in load order, evaluating each once.
pub struct Matching<'a, E: ?Sized> {
    rules: &'a [Rule],
    typed: &'a [u32],
    any: &'a [u32],
    ev: &'a E,
    source: Option<std::borrow::Cow<'a, str>>,
}

impl<'a, E: EventFields + ?Sized> Iterator for Matching<'a, E> {
    type Item = &'a Rule;

    fn next(&mut self) -> Option<&'a Rule> {
        loop {
            let idx = match (self.typed.first(), self.any.first()) {
                (None, None) => return None,
                (Some(&a), Some(&b)) if a < b => {
                    self.typed = &self.typed[1..];
                    a
                }
                (Some(_), Some(&b)) | (None, Some(&b)) => {
                    self.any = &self.any[1..];
                    b
                }
                (Some(&a), None) => {
                    self.typed = &self.typed[1..];
                    a
                }
            };
            let rule = &self.rules[idx as usize];
            if let Some(s) = &self.source
                && rule.source != **s
            {
                continue;
            }
            // Rules come from the `evt.type` index (or take any type): `indexed` suffices.
            if rule.indexed.eval(self.ev) {
                return Some(rule);
            }
        }
    }
}

// ----- loading -----

/// A condition assembled from one or more YAML scalars (appends), with where each came from.
#[derive(Debug, Clone)]
struct CondText {
    text: String,
    segs: Vec<Seg>,
}

#[derive(Debug, Clone)]
struct Seg {
    start: usize,
    file: usize,
    span: Range<usize>,
    value: String,
}

impl CondText {
    fn new(file: usize, node: &Y, value: &str) -> CondText {
        CondText {
            text: value.to_string(),
            segs: vec![Seg {
                start: 0,
                file,
                span: node.span.clone(),
                value: value.to_string(),
            }],
        }
    }

    fn append(&mut self, other: CondText) {
        let base = self.text.len() + 1;
        self.text.push(' ');
        self.text.push_str(&other.text);
        self.segs.extend(other.segs.into_iter().map(|mut s| {
            s.start += base;
            s
        }));
    }
}

struct ListDef {
    items: Vec<String>,
    file: usize,
    at: usize,
}

struct MacroSrc {
    name: String,
    cond: CondText,
}

#[derive(Clone)]
struct ExceptionDef {
    name: String,
    file: usize,
    node: Y,
    fields: Option<Y>,
    comps: Option<Y>,
    values: Vec<Y>,
}

#[derive(Clone)]
struct RuleDef {
    name: String,
    file: usize,
    at: usize,
    cond: Option<CondText>,
    desc: String,
    output: String,
    priority: Option<Priority>,
    tags: Vec<String>,
    enabled: bool,
    source: String,
    exceptions: Vec<ExceptionDef>,
}

struct Loader<'s> {
    files: &'s [(&'s str, &'s str)],
    lists: HashMap<String, ListDef>,
    macros: Vec<MacroSrc>,
    macro_index: HashMap<String, usize>,
    rules: Vec<RuleDef>,
    rule_index: HashMap<String, usize>,
    warnings: Vec<Warning>,
    engine_versions: Vec<String>,
}

const RULE_KEYS: &[&str] = &[
    "rule",
    "condition",
    "desc",
    "output",
    "priority",
    "enabled",
    "tags",
    "exceptions",
    "source",
    "skip-if-unknown-filter",
    "warn_evttypes",
    "append",
    "override",
    "capture",
    "capture_duration",
];
/// Keys an `override:` may append to.
const APPENDABLE: &[&str] = &["condition", "output", "desc", "tags", "exceptions"];
/// Keys an `override:` may replace.
const REPLACEABLE: &[&str] = &[
    "condition",
    "output",
    "desc",
    "tags",
    "exceptions",
    "priority",
    "enabled",
    "warn_evttypes",
    "skip-if-unknown-filter",
    "source",
    "capture",
    "capture_duration",
];

enum Mode {
    Define,
    Append,
    Override(Vec<(String, bool, usize)>),
}

impl<'s> Loader<'s> {
    fn error(&self, file: usize, offset: usize, message: impl Into<String>) -> Error {
        let (name, text) = self.files[file];
        let (line, column) = yaml::line_col(text, offset);
        Error {
            file: name.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn warn(&mut self, file: usize, offset: usize, message: impl Into<String>) {
        let (name, text) = self.files[file];
        let (line, column) = yaml::line_col(text, offset);
        self.warnings.push(Warning {
            file: name.to_string(),
            line,
            column,
            message: message.into(),
        });
    }

    fn error_in_cond(&self, cond: &CondText, offset: usize, message: &str) -> Error {
        let seg = cond
            .segs
            .iter()
            .rev()
            .find(|s| s.start <= offset)
            .unwrap_or(&cond.segs[0]);
        let text = self.files[seg.file].1;
        let rel = offset.saturating_sub(seg.start).min(seg.value.len());
        let src = yaml::value_to_source(text, &seg.span, &seg.value, rel);
        self.error(seg.file, src, message)
    }

    fn str_of(&self, file: usize, node: &Y, what: &str) -> Result<String, Error> {
        match &node.kind {
            Kind::Scalar { value, .. } => Ok(value.clone()),
            _ => Err(self.error(
                file,
                node.span.start,
                format!("{what} must be a string, not {}", node.kind_name()),
            )),
        }
    }

    fn strings(&self, file: usize, node: &Y, what: &str) -> Result<Vec<String>, Error> {
        if node.is_null() {
            return Ok(Vec::new());
        }
        let Some(items) = node.as_seq() else {
            return Err(self.error(
                file,
                node.span.start,
                format!("{what} must be a list, not {}", node.kind_name()),
            ));
        };
        items.iter().map(|i| self.str_of(file, i, what)).collect()
    }

    fn bool_of(&self, file: usize, node: &Y, what: &str) -> Result<bool, Error> {
        node.as_bool().ok_or_else(|| {
            self.error(
                file,
                node.span.start,
                format!("{what} must be true or false"),
            )
        })
    }

    fn file(&mut self, file: usize, text: &str) -> Result<(), Error> {
        let root = yaml::parse(text).map_err(|e| self.error(file, e.offset, e.message))?;
        let Some(root) = root else {
            return Ok(());
        };
        let Some(items) = root.as_seq() else {
            return Err(self.error(
                file,
                root.span.start,
                format!(
                    "a rules file must be a list of items, not {}",
                    root.kind_name()
                ),
            ));
        };
        for item in items {
            let Some(entries) = item.as_map() else {
                return Err(self.error(
                    file,
                    item.span.start,
                    format!(
                        "each item must be a mapping (`- rule: …`), not {}",
                        item.kind_name()
                    ),
                ));
            };
            let first = entries.iter().find_map(|(k, _)| {
                k.as_str().filter(|k| {
                    matches!(
                        *k,
                        "rule"
                            | "macro"
                            | "list"
                            | "required_engine_version"
                            | "required_plugin_versions"
                    )
                })
            });
            match first {
                Some("required_engine_version") => {
                    if let Some(v) = item.get("required_engine_version").and_then(Y::as_str) {
                        self.engine_versions.push(v.to_string());
                    }
                }
                Some("required_plugin_versions") => {}
                Some("list") => self.list(file, item)?,
                Some("macro") => self.macro_item(file, item)?,
                Some("rule") => self.rule(file, item)?,
                _ => {
                    let key = entries
                        .first()
                        .and_then(|(k, _)| k.as_str())
                        .unwrap_or("?")
                        .to_string();
                    self.warn(
                        file,
                        item.span.start,
                        format!("unknown item `{key}` ignored (expected rule, macro or list)"),
                    );
                }
            }
        }
        Ok(())
    }

    /// Reads `append:` / `override:` of an item; `allowed` lists (key, may append, may replace).
    fn mode(&self, file: usize, item: &Y, kind: &str) -> Result<Mode, Error> {
        let legacy = match item.get("append") {
            Some(n) => self.bool_of(file, n, "`append`")?,
            None => false,
        };
        let Some(ov) = item.get("override") else {
            return Ok(if legacy { Mode::Append } else { Mode::Define });
        };
        if legacy {
            return Err(self.error(
                file,
                ov.span.start,
                "`override` and `append` cannot be used together",
            ));
        }
        let Some(entries) = ov.as_map() else {
            return Err(self.error(
                file,
                ov.span.start,
                "`override` must be a mapping like `{condition: append}`",
            ));
        };
        let mut keys = Vec::new();
        for (k, v) in entries {
            let key = self.str_of(file, k, "an override key")?;
            let how = v.as_str().unwrap_or("");
            let append = match how {
                "append" => true,
                "replace" => false,
                _ => {
                    return Err(self.error(
                        file,
                        v.span.start,
                        format!("override of `{key}` must be `append` or `replace`"),
                    ));
                }
            };
            let ok = match kind {
                "list" => key == "items",
                "macro" => key == "condition",
                _ => {
                    if append {
                        APPENDABLE.contains(&key.as_str())
                    } else {
                        REPLACEABLE.contains(&key.as_str())
                    }
                }
            };
            if !ok {
                return Err(self.error(
                    file,
                    k.span.start,
                    format!("a {kind} cannot {how} `{key}`"),
                ));
            }
            if item.get(&key).is_none() {
                return Err(self.error(
                    file,
                    k.span.start,
                    format!("override of `{key}` but the item has no `{key}`"),
                ));
            }
            keys.push((key, append, k.span.start));
        }
        Ok(Mode::Override(keys))
    }

    fn name_of(&self, file: usize, item: &Y, kind: &str) -> Result<String, Error> {
        let node = item.get(kind).unwrap_or(item);
        let name = self.str_of(file, node, &format!("the {kind} name"))?;
        if name.trim().is_empty() {
            return Err(self.error(file, node.span.start, format!("empty {kind} name")));
        }
        Ok(name)
    }

    fn required<'y>(
        &self,
        file: usize,
        item: &'y Y,
        key: &str,
        kind: &str,
    ) -> Result<&'y Y, Error> {
        item.get(key)
            .ok_or_else(|| self.error(file, item.span.start, format!("{kind} has no `{key}`")))
    }

    fn list(&mut self, file: usize, item: &Y) -> Result<(), Error> {
        let name = self.name_of(file, item, "list")?;
        let items_node = self.required(file, item, "items", "list")?;
        let items = self.strings(file, items_node, "`items`")?;
        let append = match self.mode(file, item, "list")? {
            Mode::Define => false,
            Mode::Append => true,
            Mode::Override(keys) => keys.iter().any(|(_, a, _)| *a),
        };
        if append {
            let Some(list) = self.lists.get_mut(&name) else {
                return Err(self.error(
                    file,
                    item.span.start,
                    format!(
                        "list `{name}` appended to, but no list of that name was defined before"
                    ),
                ));
            };
            list.items.extend(items);
        } else {
            self.lists.insert(
                name,
                ListDef {
                    items,
                    file,
                    at: item.span.start,
                },
            );
        }
        Ok(())
    }

    fn cond_of(&self, file: usize, node: &Y, what: &str) -> Result<CondText, Error> {
        let value = self.str_of(file, node, what)?;
        Ok(CondText::new(file, node, &value))
    }

    fn macro_item(&mut self, file: usize, item: &Y) -> Result<(), Error> {
        let name = self.name_of(file, item, "macro")?;
        let cond_node = self.required(file, item, "condition", "macro")?;
        let cond = self.cond_of(file, cond_node, "`condition`")?;
        let append = match self.mode(file, item, "macro")? {
            Mode::Define => false,
            Mode::Append => true,
            Mode::Override(keys) => keys.iter().any(|(_, a, _)| *a),
        };
        match self.macro_index.get(&name) {
            Some(&i) if append => self.macros[i].cond.append(cond),
            Some(&i) => self.macros[i].cond = cond,
            None if append => {
                return Err(self.error(
                    file,
                    item.span.start,
                    format!(
                        "macro `{name}` appended to, but no macro of that name was defined before"
                    ),
                ));
            }
            None => {
                self.macro_index.insert(name.clone(), self.macros.len());
                self.macros.push(MacroSrc { name, cond });
            }
        }
        Ok(())
    }

    fn exceptions(&self, file: usize, node: &Y) -> Result<Vec<ExceptionDef>, Error> {
        if node.is_null() {
            return Ok(Vec::new());
        }
        let Some(items) = node.as_seq() else {
            return Err(self.error(file, node.span.start, "`exceptions` must be a list"));
        };
        let mut out = Vec::new();
        for ex in items {
            if ex.as_map().is_none() {
                return Err(self.error(
                    file,
                    ex.span.start,
                    "an exception must be a mapping with `name`, `fields`, `comps`, `values`",
                ));
            }
            let name_node = self.required(file, ex, "name", "an exception")?;
            let name = self.str_of(file, name_node, "the exception name")?;
            let values = match ex.get("values") {
                None => Vec::new(),
                Some(v) if v.is_null() => Vec::new(),
                Some(v) => match v.as_seq() {
                    Some(items) => items.to_vec(),
                    None => {
                        return Err(self.error(file, v.span.start, "`values` must be a list"));
                    }
                },
            };
            out.push(ExceptionDef {
                name,
                file,
                node: ex.clone(),
                fields: ex.get("fields").cloned(),
                comps: ex.get("comps").cloned(),
                values,
            });
        }
        Ok(out)
    }

    fn rule(&mut self, file: usize, item: &Y) -> Result<(), Error> {
        let name = self.name_of(file, item, "rule")?;
        for (k, _) in item.as_map().unwrap_or(&[]) {
            if let Some(key) = k.as_str()
                && !RULE_KEYS.contains(&key)
            {
                self.warn(
                    file,
                    k.span.start,
                    format!("rule `{name}`: unknown key `{key}` ignored"),
                );
            }
        }
        let mode = self.mode(file, item, "rule")?;
        let existing = self.rule_index.get(&name).copied();
        let only_enabled = item.as_map().is_some_and(|e| {
            e.iter()
                .all(|(k, _)| matches!(k.as_str(), Some("rule" | "enabled")))
        }) && item.get("enabled").is_some();
        match mode {
            Mode::Define if only_enabled && existing.is_some() => {
                // `- rule: X` + `enabled: false`: Falco's (deprecated) way to toggle a rule.
                let enabled =
                    self.bool_of(file, item.get("enabled").unwrap_or(item), "`enabled`")?;
                if let Some(i) = existing {
                    self.rules[i].enabled = enabled;
                }
                Ok(())
            }
            Mode::Define => {
                let def = self.full_rule(file, item, name.clone())?;
                match existing {
                    Some(i) => self.rules[i] = def,
                    None => {
                        self.rule_index.insert(name, self.rules.len());
                        self.rules.push(def);
                    }
                }
                Ok(())
            }
            Mode::Append => {
                let Some(i) = existing else {
                    return Err(self.error(
                        file,
                        item.span.start,
                        format!("rule `{name}` has `append: true`, but no rule of that name was defined before"),
                    ));
                };
                let keys: Vec<(String, bool, usize)> = APPENDABLE
                    .iter()
                    .filter(|k| item.get(k).is_some())
                    .map(|k| (k.to_string(), true, item.span.start))
                    .collect();
                self.apply_override(file, item, i, &keys)
            }
            Mode::Override(keys) => {
                let Some(i) = existing else {
                    return Err(self.error(
                        file,
                        item.span.start,
                        format!("rule `{name}` has `override`, but no rule of that name was defined before"),
                    ));
                };
                self.apply_override(file, item, i, &keys)
            }
        }
    }

    fn full_rule(&self, file: usize, item: &Y, name: String) -> Result<RuleDef, Error> {
        let cond_node = self.required(file, item, "condition", "rule")?;
        let cond = self.cond_of(file, cond_node, "`condition`")?;
        let source = match item.get("source") {
            Some(s) => self.str_of(file, s, "`source`")?,
            None => "syscall".to_string(),
        };
        let desc = match item.get("desc") {
            Some(n) => self.str_of(file, n, "`desc`")?,
            None => return Err(self.error(file, item.span.start, "rule has no `desc`")),
        };
        let output = match item.get("output") {
            Some(n) => self.str_of(file, n, "`output`")?,
            None => return Err(self.error(file, item.span.start, "rule has no `output`")),
        };
        let priority = match item.get("priority") {
            Some(n) => Some(self.priority(file, n)?),
            None => return Err(self.error(file, item.span.start, "rule has no `priority`")),
        };
        let mut def = RuleDef {
            name,
            file,
            at: item.span.start,
            cond: Some(cond),
            desc,
            output,
            priority,
            tags: Vec::new(),
            enabled: true,
            source,
            exceptions: Vec::new(),
        };
        if let Some(n) = item.get("tags") {
            def.tags = self.strings(file, n, "`tags`")?;
        }
        if let Some(n) = item.get("enabled") {
            def.enabled = self.bool_of(file, n, "`enabled`")?;
        }
        if let Some(n) = item.get("exceptions") {
            def.exceptions = self.exceptions(file, n)?;
        }
        for key in ["skip-if-unknown-filter", "warn_evttypes"] {
            if let Some(n) = item.get(key) {
                self.bool_of(file, n, &format!("`{key}`"))?;
            }
        }
        Ok(def)
    }

    fn priority(&self, file: usize, node: &Y) -> Result<Priority, Error> {
        let s = self.str_of(file, node, "`priority`")?;
        Priority::parse(&s).ok_or_else(|| {
            self.error(
                file,
                node.span.start,
                format!("unknown priority `{s}` (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG)"),
            )
        })
    }

    fn apply_override(
        &mut self,
        file: usize,
        item: &Y,
        i: usize,
        keys: &[(String, bool, usize)],
    ) -> Result<(), Error> {
        let mut def = self.rules[i].clone();
        for (key, append, _) in keys {
            let Some(node) = item.get(key) else { continue };
            match key.as_str() {
                "condition" => {
                    let c = self.cond_of(file, node, "`condition`")?;
                    match (&mut def.cond, append) {
                        (Some(old), true) => old.append(c),
                        (slot, _) => *slot = Some(c),
                    }
                }
                "output" | "desc" => {
                    let s = self.str_of(file, node, key)?;
                    let slot = if key == "output" {
                        &mut def.output
                    } else {
                        &mut def.desc
                    };
                    if *append && !slot.is_empty() {
                        slot.push(' ');
                        slot.push_str(&s);
                    } else {
                        *slot = s;
                    }
                }
                "tags" => {
                    let tags = self.strings(file, node, "`tags`")?;
                    if *append {
                        for t in tags {
                            if !def.tags.contains(&t) {
                                def.tags.push(t);
                            }
                        }
                    } else {
                        def.tags = tags;
                    }
                }
                "exceptions" => {
                    let new = self.exceptions(file, node)?;
                    if *append {
                        for ex in new {
                            match def.exceptions.iter_mut().find(|e| e.name == ex.name) {
                                Some(old) => old.values.extend(ex.values),
                                None => def.exceptions.push(ex),
                            }
                        }
                    } else {
                        def.exceptions = new;
                    }
                }
                "priority" => def.priority = Some(self.priority(file, node)?),
                "enabled" => def.enabled = self.bool_of(file, node, "`enabled`")?,
                "source" => def.source = self.str_of(file, node, "`source`")?,
                _ => {}
            }
        }
        self.rules[i] = def;
        Ok(())
    }

    /// Expands list references inside lists and strips Falco's inner quotes (`'"a b"'`).
    fn resolve_lists(&self) -> Result<HashMap<String, Vec<String>>, Error> {
        fn go(
            loader: &Loader<'_>,
            name: &str,
            stack: &mut Vec<String>,
            done: &mut HashMap<String, Vec<String>>,
        ) -> Result<Vec<String>, Error> {
            if let Some(v) = done.get(name) {
                return Ok(v.clone());
            }
            let def = &loader.lists[name];
            if stack.iter().any(|s| s == name) {
                let mut chain = stack.clone();
                chain.push(name.to_string());
                return Err(loader.error(
                    def.file,
                    def.at,
                    format!("list cycle: {}", chain.join(" -> ")),
                ));
            }
            stack.push(name.to_string());
            let mut out = Vec::new();
            for item in &def.items {
                if loader.lists.contains_key(item.as_str()) {
                    out.extend(go(loader, item, stack, done)?);
                } else {
                    out.push(unquote(item).to_string());
                }
            }
            stack.pop();
            done.insert(name.to_string(), out.clone());
            Ok(out)
        }
        let mut done = HashMap::new();
        let mut names: Vec<&String> = self.lists.keys().collect();
        names.sort();
        for name in names {
            go(self, name, &mut Vec::new(), &mut done)?;
        }
        Ok(done)
    }

    /// An exception as `(f1 c1 v1 and f2 c2 v2) or …`, with offsets in the file.
    fn exception_expr(&self, rule: &str, ex: &ExceptionDef) -> Result<Option<Expr>, Error> {
        let file = ex.file;
        if ex.values.is_empty() {
            return Ok(None);
        }
        let fields_node = ex.fields.as_ref().ok_or_else(|| {
            self.error(
                file,
                ex.node.span.start,
                format!(
                    "rule `{rule}`: exception `{}` has values but no `fields`",
                    ex.name
                ),
            )
        })?;
        let field_ref = |node: &Y| -> Result<cond::FieldRef, Error> {
            let s = self.str_of(file, node, "an exception field")?;
            let mut f = cond::parse_field(&s).map_err(|e| {
                self.error(
                    file,
                    node.span.start,
                    format!("bad exception field `{s}`: {}", e.message),
                )
            })?;
            f.at = node.span.start;
            Ok(f)
        };
        let comp = |node: &Y| -> Result<(Op, usize), Error> {
            let s = self.str_of(file, node, "an exception comp")?;
            let op = Op::from_name(s.trim())
                .filter(|o| *o != Op::Exists)
                .ok_or_else(|| {
                    self.error(file, node.span.start, format!("unknown comparison `{s}`"))
                })?;
            Ok((op, node.span.start))
        };
        let item = |node: &Y, quoted: bool| -> Result<Item, Error> {
            Ok(Item {
                text: self.str_of(file, node, "an exception value")?,
                quoted,
                at: node.span.start,
            })
        };
        let check = |f: cond::FieldRef, (op, at): (Op, usize), v: &Y| -> Result<Expr, Error> {
            let value = if op.takes_list() {
                match v.as_seq() {
                    Some(items) => Value::List(
                        items
                            .iter()
                            .map(|i| item(i, false))
                            .collect::<Result<_, _>>()?,
                    ),
                    None => Value::List(vec![item(v, false)?]),
                }
            } else {
                Value::One(item(v, true)?)
            };
            Ok(Expr::Check {
                field: f,
                op,
                value,
                at,
            })
        };
        if let Some(fields) = fields_node.as_seq() {
            let fields: Vec<cond::FieldRef> =
                fields.iter().map(field_ref).collect::<Result<_, _>>()?;
            let comps: Vec<(Op, usize)> = match &ex.comps {
                None => vec![(Op::Eq, fields_node.span.start); fields.len()],
                Some(c) => match c.as_seq() {
                    Some(items) => items.iter().map(comp).collect::<Result<_, _>>()?,
                    None => {
                        return Err(self.error(
                            file,
                            c.span.start,
                            "`comps` must be a list when `fields` is one",
                        ));
                    }
                },
            };
            if comps.len() != fields.len() {
                let at = ex
                    .comps
                    .as_ref()
                    .map_or(ex.node.span.start, |c| c.span.start);
                return Err(self.error(
                    file,
                    at,
                    format!(
                        "exception `{}`: {} fields but {} comps",
                        ex.name,
                        fields.len(),
                        comps.len()
                    ),
                ));
            }
            let mut alts = Vec::new();
            for tuple in &ex.values {
                let Some(vals) = tuple.as_seq().filter(|v| v.len() == fields.len()) else {
                    return Err(self.error(
                        file,
                        tuple.span.start,
                        format!(
                            "exception `{}`: each value must be a list of {} items, one per field",
                            ex.name,
                            fields.len()
                        ),
                    ));
                };
                let mut ands = Vec::new();
                for ((f, c), v) in fields.iter().zip(&comps).zip(vals) {
                    ands.push(check(f.clone(), *c, v)?);
                }
                alts.push(if ands.len() == 1 {
                    ands.remove(0)
                } else {
                    Expr::And(ands)
                });
            }
            Ok(Some(Expr::Or(alts)))
        } else {
            let f = field_ref(fields_node)?;
            let c = match &ex.comps {
                None => (Op::In, fields_node.span.start),
                Some(c) => comp(c)?,
            };
            if c.0.takes_list() {
                let items: Vec<Item> = ex
                    .values
                    .iter()
                    .map(|v| item(v, false))
                    .collect::<Result<_, _>>()?;
                Ok(Some(Expr::Check {
                    field: f,
                    op: c.0,
                    value: Value::List(items),
                    at: c.1,
                }))
            } else {
                let alts = ex
                    .values
                    .iter()
                    .map(|v| check(f.clone(), c, v))
                    .collect::<Result<_, _>>()?;
                Ok(Some(Expr::Or(alts)))
            }
        }
    }

    fn finish(self) -> Result<(Ruleset, Vec<Warning>), Error> {
        let lists = self.resolve_lists()?;
        let mut macros = HashMap::new();
        for m in &self.macros {
            let expr = cond::parse(&m.cond.text).map_err(|e| {
                self.error_in_cond(
                    &m.cond,
                    e.offset,
                    &format!("macro `{}`: {}", m.name, e.message),
                )
            })?;
            macros.insert(m.name.clone(), MacroDef { expr });
        }
        let ctx = Ctx {
            lists: &lists,
            macros: &macros,
        };
        let mut warnings = self.warnings.clone();
        let mut stats = Stats {
            lists: self.lists.len(),
            macros: self.macros.len(),
            ..Stats::default()
        };
        let mut by_source: BTreeMap<String, Vec<&RuleDef>> = BTreeMap::new();
        let mut rules = Vec::new();
        for def in &self.rules {
            if !SOURCES.contains(&def.source.as_str()) {
                by_source.entry(def.source.clone()).or_default().push(def);
                stats.skipped_source += 1;
                continue;
            }
            let Some(cond_text) = &def.cond else { continue };
            let expr = cond::parse(&cond_text.text).map_err(|e| {
                self.error_in_cond(
                    cond_text,
                    e.offset,
                    &format!("rule `{}`: {}", def.name, e.message),
                )
            })?;
            let mut compiled = compile::compile(&expr, &Origin::Rule, &ctx);
            let mut exc_nodes = Vec::new();
            if compiled.is_ok() {
                for ex in &def.exceptions {
                    let Some(e) = self.exception_expr(&def.name, ex)? else {
                        continue;
                    };
                    match compile::compile(&e, &Origin::File, &ctx) {
                        Ok(n) => exc_nodes.push(n),
                        Err(CompileError::At {
                            offset, message, ..
                        }) => {
                            return Err(self.error(
                                ex.file,
                                offset,
                                format!("rule `{}`, exception `{}`: {message}", def.name, ex.name),
                            ));
                        }
                        Err(e) => {
                            compiled = Err(e);
                            break;
                        }
                    }
                }
            }
            let node = match compiled {
                Ok(n) if exc_nodes.is_empty() => n.optimize(),
                Ok(n) => Node::And(vec![n, Node::Not(Box::new(Node::Or(exc_nodes.into())))].into())
                    .optimize(),
                Err(CompileError::UnknownField { field, macro_name }) => {
                    stats.skipped_unknown_field += 1;
                    let via = macro_name.map_or(String::new(), |m| format!(" (in macro `{m}`)"));
                    let (name, text) = self.files[def.file];
                    let (line, column) = yaml::line_col(text, def.at);
                    warnings.push(Warning {
                        file: name.to_string(),
                        line,
                        column,
                        message: format!(
                            "rule `{}` skipped: field `{field}`{via} is not provided by dockguard's event sources",
                            def.name
                        ),
                    });
                    continue;
                }
                Err(CompileError::At {
                    origin,
                    offset,
                    message,
                }) => {
                    return Err(match origin {
                        Origin::Rule => self.error_in_cond(
                            cond_text,
                            offset,
                            &format!("rule `{}`: {message}", def.name),
                        ),
                        Origin::Macro(m) => {
                            let src = &self.macros[self.macro_index[&m]].cond;
                            self.error_in_cond(
                                src,
                                offset,
                                &format!("macro `{m}` (used by rule `{}`): {message}", def.name),
                            )
                        }
                        Origin::File => self.error(def.file, offset, message),
                    });
                }
            };
            let (file, text) = self.files[def.file];
            stats.loaded += 1;
            if !def.enabled {
                stats.disabled += 1;
            }
            rules.push(Rule {
                name: def.name.clone(),
                desc: def.desc.clone(),
                output: OutputFormat::parse(&def.output),
                priority: def.priority.unwrap_or(Priority::Debug),
                tags: def.tags.clone(),
                source: def.source.clone(),
                enabled: def.enabled,
                indexed: node.clone(),
                cond: node,
                file: file.to_string(),
                line: yaml::line_col(text, def.at).0,
            });
        }
        for (source, defs) in by_source {
            let names: Vec<&str> = defs.iter().take(5).map(|d| d.name.as_str()).collect();
            let more = if defs.len() > 5 { ", …" } else { "" };
            let (name, text) = self.files[defs[0].file];
            let (line, column) = yaml::line_col(text, defs[0].at);
            warnings.push(Warning {
                file: name.to_string(),
                line,
                column,
                message: format!(
                    "{} rule(s) of source `{source}` skipped (dockguard has the sources {}): {}{more}",
                    defs.len(),
                    SOURCES.join(", "),
                    names.join(", ")
                ),
            });
        }
        let mut by_type: HashMap<String, Vec<u32>, compile::FastState> = HashMap::default();
        let mut any_type = Vec::new();
        for (i, rule) in rules.iter_mut().enumerate() {
            if !rule.enabled {
                continue;
            }
            match rule.cond.evttypes() {
                Some(types) => {
                    rule.indexed = rule.cond.clone().without_type_tests(&types);
                    for t in types {
                        by_type.entry(t).or_default().push(i as u32);
                    }
                }
                None => any_type.push(i as u32),
            }
        }
        Ok((
            Ruleset {
                rules,
                by_type,
                any_type,
                engine_versions: self.engine_versions,
                stats,
            },
            warnings,
        ))
    }
}

fn unquote(s: &str) -> &str {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return &t[1..t.len() - 1];
        }
    }
    s
}
