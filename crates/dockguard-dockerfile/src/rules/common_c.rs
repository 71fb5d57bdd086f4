//! Helpers shared by the DF0xx/DF5xx rules (batch C): variable references in raw words, stage
//! chains, path shapes.

use super::Ctx;
use crate::model::{Base, Model};
use crate::syntax::{Args, Flag, Instruction, Kind, Span, Word};
use std::ops::Range;

/// A `$NAME` / `${NAME…}` reference in a raw word, with its byte range in the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub range: Range<usize>,
    /// `$NAME` or `${NAME}`: no modifier such as `:-default`.
    pub plain: bool,
}

/// The variable references of a raw word as BuildKit's lexer sees them: not inside single
/// quotes, not escaped (`\$X`).
pub fn var_refs(raw: &str, escape: char) -> Vec<VarRef> {
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_double = false;
    while i < chars.len() {
        let (pos, c) = chars[i];
        match c {
            '\'' if !in_double => {
                i += 1;
                while i < chars.len() && chars[i].1 != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            c if c == escape => i += 2,
            '$' => {
                i += 1;
                let Some(&(_, next)) = chars.get(i) else {
                    break;
                };
                if next == '{' {
                    let name_start = i + 1;
                    let mut j = name_start;
                    while j < chars.len() && is_name_char(chars[j].1) {
                        j += 1;
                    }
                    if j == name_start {
                        continue;
                    }
                    let name: String = chars[name_start..j].iter().map(|&(_, c)| c).collect();
                    let plain = chars.get(j).is_some_and(|&(_, c)| c == '}');
                    // The reference runs to its closing brace (nested braces counted).
                    let mut depth = 1;
                    let mut k = j;
                    while k < chars.len() && depth > 0 {
                        match chars[k].1 {
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        k += 1;
                    }
                    let end = chars.get(k).map_or(raw.len(), |&(p, _)| p);
                    out.push(VarRef {
                        name,
                        range: pos..end,
                        plain,
                    });
                    // Continue inside the braces: defaults may hold references too.
                    i = j;
                } else if is_name_char(next) {
                    let mut j = i;
                    if next.is_ascii_digit() {
                        j += 1;
                    } else {
                        while j < chars.len() && is_name_char(chars[j].1) {
                            j += 1;
                        }
                    }
                    let name: String = chars[i..j].iter().map(|&(_, c)| c).collect();
                    let end = chars.get(j).map_or(raw.len(), |&(p, _)| p);
                    out.push(VarRef {
                        name,
                        range: pos..end,
                        plain: true,
                    });
                    i = j;
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The file span of a byte range of a word, when the word is written verbatim in the file
/// (not a JSON element whose raw text differs from its value).
pub fn sub_span(word: &Word, range: Range<usize>, text: &str) -> Span {
    if text.get(word.span.clone()) == Some(word.raw.as_str()) {
        word.span.start + range.start..word.span.start + range.end
    } else {
        word.span.clone()
    }
}

/// The stage and the stages it is built on (`FROM <stage>`), nearest first.
pub fn stage_chain(model: &Model, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Base::Stage(parent) = model.stages[current].base {
        if parent >= current || chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

/// Whether the chain of `stage` ends in `scratch`, so no image can add variables or settings.
pub fn chain_is_scratch(model: &Model, stage: usize) -> bool {
    stage_chain(model, stage)
        .last()
        .is_some_and(|&s| model.stages[s].base == Base::Scratch)
}

/// Whether a path is absolute on Windows: `C:\…`, `C:/…` or `C:` followed by nothing.
pub fn is_windows_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    matches!((chars.next(), chars.next()), (Some(d), Some(':')) if d.is_ascii_alphabetic())
}

/// Lexically normalised absolute path: `//`, `.` and `..` resolved, no trailing slash.
pub fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Stages referenced by other stages: as a base, by `COPY --from`, or by `RUN --mount from=`.
pub fn referenced_stages(model: &Model) -> Vec<bool> {
    let mut used = vec![false; model.stages.len()];
    for stage in &model.stages {
        if let Base::Stage(parent) = stage.base {
            used[parent] = true;
        }
        for (_, inst) in model.stage_body(stage) {
            for from in stage_sources(inst) {
                if let Some(s) = model.stage_ref(&from, model.stages.len()) {
                    used[s] = true;
                }
            }
        }
    }
    used
}

/// `--from=` of COPY and `from=` of RUN mounts.
fn stage_sources(inst: &Instruction) -> Vec<String> {
    let mut out = Vec::new();
    match inst.kind {
        Kind::Copy => {
            out.extend(inst.flags_named("from").filter_map(|f| f.value.clone()));
        }
        Kind::Run => {
            for mount in inst.flags_named("mount") {
                for field in mount.value.as_deref().unwrap_or("").split(',') {
                    if let Some((k, v)) = field.split_once('=')
                        && k.trim().eq_ignore_ascii_case("from")
                    {
                        out.push(v.trim().to_string());
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The `FROM` alias word of a stage's instruction.
pub fn alias_word(inst: &Instruction) -> Option<&Word> {
    match &inst.args {
        Args::From { alias, .. } => alias.as_ref(),
        _ => None,
    }
}

/// Top-level instructions of `kind` that repeat one earlier in the same stage, with the index
/// of the first. Each FROM starts afresh (instructions before the first FROM, an error, count as
/// one more stage, like hadolint). ONBUILD triggers are not counted: they run in another build.
pub fn repeated_in_stage(model: &Model, kind: Kind) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut first = None;
    for (idx, inst) in model.df.instructions.iter().enumerate() {
        if inst.kind == Kind::From {
            first = None;
        } else if inst.kind == kind {
            match first {
                None => first = Some(idx),
                Some(f) => out.push((idx, f)),
            }
        }
    }
    out
}

/// One expanded EXPOSE entry, split like BuildKit's `parsePort`.
pub struct PortSpec<'a> {
    /// `ip:host:` or `host:` part, when present.
    pub mapping: Option<&'a str>,
    pub ports: &'a str,
    pub proto: Option<&'a str>,
}

pub fn split_port(spec: &str) -> PortSpec<'_> {
    let (mapping, container) = match spec.rfind(':') {
        Some(i) => (Some(&spec[..i]), &spec[i + 1..]),
        None => (None, spec),
    };
    let (ports, proto) = match container.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (container, None),
    };
    PortSpec {
        mapping,
        ports,
        proto,
    }
}

/// Every entry of every EXPOSE (ONBUILD EXPOSE included) with the word it comes from, after
/// ARG/ENV expansion; a word may hold several entries. Words that do not fully resolve are
/// skipped.
pub fn expose_specs<'a>(ctx: &Ctx<'a>) -> Vec<(&'a Word, String)> {
    let mut out = Vec::new();
    for (idx, inst) in ctx.effective_instructions() {
        let (Kind::Expose, Args::Words(words)) = (inst.kind, &inst.args) else {
            continue;
        };
        for word in words {
            let e = ctx.model.expand(idx, &word.raw);
            if !e.is_resolved() {
                continue;
            }
            for spec in e.value.split_whitespace() {
                out.push((word, spec.to_string()));
            }
        }
    }
    out
}

/// Every `--from=value` flag of a top-level COPY in a stage, with its value and the index of
/// the COPY's stage.
pub fn copy_from_flags<'a>(ctx: &Ctx<'a>) -> Vec<(usize, &'a Flag, &'a str)> {
    let mut out = Vec::new();
    for (idx, inst) in ctx.instructions() {
        if inst.kind != Kind::Copy {
            continue;
        }
        let Some(current) = ctx.model.info[idx].stage else {
            continue;
        };
        for flag in inst.flags_named("from") {
            if let Some(value) = flag.value.as_deref() {
                out.push((current, flag, value));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &str) -> Vec<(String, bool)> {
        var_refs(raw, '\\')
            .into_iter()
            .map(|r| (r.name, r.plain))
            .collect()
    }

    #[test]
    fn finds_references() {
        assert_eq!(
            names("$A/${B}:${C:-$D}"),
            [
                ("A".to_string(), true),
                ("B".to_string(), true),
                ("C".to_string(), false),
                ("D".to_string(), true)
            ]
        );
        assert!(names("'$A' \\$B $ ${}").is_empty());
        assert_eq!(names("\"$A\""), [("A".to_string(), true)]);
        let r = &var_refs("x${AB}y", '\\')[0];
        assert_eq!(r.range, 1..6);
    }

    #[test]
    fn paths() {
        assert!(is_windows_absolute("C:\\app"));
        assert!(is_windows_absolute("c:/app"));
        assert!(!is_windows_absolute("app"));
        assert_eq!(clean_path("/usr//bin/./../bin/"), "/usr/bin");
        assert_eq!(clean_path("/"), "/");
    }
}
