//! Inline suppression pragmas: ours (`# dockguard ignore=DF012,DF020 -- reason`) and hadolint's
//! (`# hadolint ignore=DL3008`), each in a line, `stage` and `global` form.

use crate::rules::registry::RULES;
use crate::syntax::{Dockerfile, Kind, Span};
use dockguard_core::RefKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The next instruction (or the instruction a comment inside a continuation belongs to).
    Line,
    /// The stage whose FROM follows the pragma.
    Stage,
    /// The whole file.
    Global,
}

/// One code of one pragma, with the byte range it covers.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Our code (`DF402`) or a ShellCheck code (`SC2086`).
    pub code: String,
    /// The code as written (`DL3015` for a hadolint pragma).
    pub written: String,
    pub scope: Scope,
    pub covers: Span,
    pub comment: Span,
    /// Whether an unused suppression of this code can be reported (unknown or unmapped peer codes
    /// cannot be judged).
    pub judgeable: bool,
}

/// Our codes for a hadolint code, from the rules' references.
pub fn codes_for_hadolint(dl: &str) -> Vec<&'static str> {
    RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| {
            m.references
                .iter()
                .any(|r| r.kind == RefKind::Hadolint && r.id.eq_ignore_ascii_case(dl))
        })
        .map(|m| m.code)
        .collect()
}

/// Parses the pragmas of a file.
pub fn collect(df: &Dockerfile) -> Vec<Suppression> {
    let mut out = Vec::new();
    for comment in &df.comments {
        let Some((tool, scope, codes)) = parse_pragma(&comment.text) else {
            continue;
        };
        let Some(covers) = coverage(df, &comment.span, comment.in_continuation, scope) else {
            continue;
        };
        for code in codes {
            let upper = code.to_ascii_uppercase();
            let mapped: Vec<(String, bool)> = if tool == "hadolint" && upper.starts_with("DL") {
                let ours = codes_for_hadolint(&upper);
                if ours.is_empty() {
                    vec![(upper.clone(), false)]
                } else {
                    ours.into_iter().map(|c| (c.to_string(), true)).collect()
                }
            } else if upper.starts_with("SC") {
                // ShellCheck runs only on request; an unused SC code cannot be judged.
                vec![(upper.clone(), false)]
            } else {
                let known = RULES.iter().any(|r| r.meta().code == upper);
                vec![(upper.clone(), known)]
            };
            for (code, judgeable) in mapped {
                out.push(Suppression {
                    code,
                    written: upper.clone(),
                    scope,
                    covers: covers.clone(),
                    comment: comment.span.clone(),
                    judgeable,
                });
            }
        }
    }
    out
}

/// `dockguard [global|stage] ignore=A,B -- reason` or the `hadolint` equivalent; the text is the
/// comment after `#`.
fn parse_pragma(text: &str) -> Option<(&'static str, Scope, Vec<String>)> {
    let (tool, rest) = if let Some(r) = text.strip_prefix("dockguard") {
        ("dockguard", r)
    } else if let Some(r) = text.strip_prefix("hadolint") {
        ("hadolint", r)
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let (scope, rest) = if let Some(r) = rest.strip_prefix("global") {
        (Scope::Global, r.trim_start())
    } else if let Some(r) = rest.strip_prefix("stage") {
        (Scope::Stage, r.trim_start())
    } else {
        (Scope::Line, rest)
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    // The list ends at a reason: `-- why`, `# why`, or the first word that is not a code.
    let list = list.split(" --").next().unwrap_or(list);
    let list = list.split('#').next().unwrap_or(list);
    let mut codes = Vec::new();
    for part in list.split(',') {
        let word = part.split_whitespace().next().unwrap_or("");
        if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric()) {
            break;
        }
        codes.push(word.to_string());
        if part.split_whitespace().count() > 1 {
            break;
        }
    }
    (!codes.is_empty()).then_some((tool, scope, codes))
}

fn coverage(df: &Dockerfile, comment: &Span, in_continuation: bool, scope: Scope) -> Option<Span> {
    match scope {
        Scope::Global => Some(0..df.text.len()),
        Scope::Line => {
            if in_continuation {
                let inst = df
                    .instructions
                    .iter()
                    .find(|i| i.span.start <= comment.start && comment.end <= i.span.end)?;
                return Some(inst.span.clone());
            }
            let inst = df
                .instructions
                .iter()
                .find(|i| i.span.start >= comment.end)?;
            Some(inst.span.clone())
        }
        Scope::Stage => {
            let idx = df
                .instructions
                .iter()
                .position(|i| i.span.start >= comment.end)?;
            if df.instructions[idx].kind != Kind::From {
                return None;
            }
            let end = df.instructions[idx + 1..]
                .iter()
                .find(|i| i.kind == Kind::From)
                .map_or(df.text.len(), |i| i.span.start);
            Some(df.instructions[idx].span.start..end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn pragma_forms() {
        assert_eq!(
            parse_pragma("dockguard ignore=DF402,DF403 -- vendored"),
            Some((
                "dockguard",
                Scope::Line,
                vec!["DF402".into(), "DF403".into()]
            ))
        );
        assert_eq!(
            parse_pragma("hadolint global ignore=DL3008, DL3015"),
            Some((
                "hadolint",
                Scope::Global,
                vec!["DL3008".into(), "DL3015".into()]
            ))
        );
        assert_eq!(
            parse_pragma("dockguard stage ignore=DF200 reason words"),
            Some(("dockguard", Scope::Stage, vec!["DF200".into()]))
        );
        assert_eq!(
            parse_pragma("hadolint ignore=DL3008 # because"),
            Some(("hadolint", Scope::Line, vec!["DL3008".into()]))
        );
        assert_eq!(parse_pragma("just a comment"), None);
        assert_eq!(parse_pragma("dockguard ignore="), None);
    }

    #[test]
    fn coverage_of_each_scope() {
        let text = "FROM a AS one\n# dockguard ignore=DF402\nRUN apt-get install -y x\nRUN echo\n# dockguard stage ignore=DF200\nFROM b\nRUN y\n# hadolint global ignore=DL3015\n";
        let df = parse(text);
        let s = collect(&df);
        let line = s.iter().find(|s| s.scope == Scope::Line).unwrap();
        assert_eq!(&text[line.covers.clone()], "RUN apt-get install -y x");
        let stage = s.iter().find(|s| s.scope == Scope::Stage).unwrap();
        assert_eq!(
            &text[stage.covers.clone()],
            "FROM b\nRUN y\n# hadolint global ignore=DL3015\n"
        );
        let global = s.iter().find(|s| s.scope == Scope::Global).unwrap();
        assert_eq!(global.code, "DF402", "DL3015 maps to DF402");
        assert!(global.judgeable);
    }
}
