//! Small helpers shared by rules.

use crate::model::Command;
use crate::syntax::{Args, Instruction, Word};
use dockguard_core::Edit;

/// The single word of USER, WORKDIR, STOPSIGNAL, MAINTAINER.
pub fn single_word(inst: &Instruction) -> Option<&Word> {
    match &inst.args {
        Args::Words(w) => w.first(),
        _ => None,
    }
}

/// Whether a USER value means root: `root`, `0`, with or without a group.
pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}

/// An edit inserting `text` right after the command's argument `arg` (e.g. after `install`).
/// `None` for exec-form commands, whose arguments are JSON strings.
pub fn insert_after_arg(cmd: &Command, arg: &str, text: &str) -> Option<Edit> {
    if cmd.exec {
        return None;
    }
    let idx = cmd.args.iter().position(|a| a == arg)?;
    let at = cmd.arg_spans.get(idx)?.end;
    Some(Edit {
        span: at..at,
        replacement: format!(" {text}"),
    })
}

/// The words of a command that are package arguments (not flags, not the subcommand).
pub fn packages<'a>(
    cmd: &'a Command,
    subcommands: &[&str],
    flags_with_value: &[&str],
) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut seen_sub = false;
    let mut skip = false;
    for (i, a) in cmd.args.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with('-') {
            if flags_with_value.contains(&a.as_str()) {
                skip = true;
            }
            continue;
        }
        if !seen_sub {
            if subcommands.contains(&a.as_str()) {
                seen_sub = true;
            }
            continue;
        }
        out.push((i, a.as_str()));
    }
    out
}

/// JSON-encodes words for an exec-form instruction.
pub fn json_array(words: &[String]) -> String {
    let items: Vec<String> = words
        .iter()
        .map(|w| serde_json::Value::String(w.clone()).to_string())
        .collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users() {
        for u in ["root", "0", "root:root", "0:0", " root "] {
            assert!(is_root_user(u), "{u}");
        }
        for u in ["app", "1000", "1000:0", "rooty"] {
            assert!(!is_root_user(u), "{u}");
        }
    }

    #[test]
    fn json_arrays() {
        assert_eq!(
            json_array(&["a b".into(), "\"q\"".into()]),
            r#"["a b", "\"q\""]"#
        );
    }
}
