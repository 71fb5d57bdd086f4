//! Optional ShellCheck pass over RUN scripts, when a `shellcheck` binary is on PATH.
//!
//! Like hadolint, each shell-form RUN is checked as a script that starts with the stage's SHELL
//! as shebang and `export NAME=1` for every ARG/ENV name in scope (plus the proxy ARGs), so build
//! arguments are not reported as unassigned (SC2154). SC1090, SC1091 (sourced files) and SC2187
//! (ash) are excluded. Results are mapped back to Dockerfile positions.

use crate::model::{Model, PROXY_ARGS, is_posix};
use crate::syntax::{Args, CommandForm, Kind, Span};
use dockguard_core::{Finding, Location, RefKind, Reference, Severity, Step};
use std::io::Write;
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot run `shellcheck` (is it installed and on PATH?): {0}")]
    Spawn(std::io::Error),
    #[error("shellcheck failed: {0}")]
    Failed(String),
    #[error("cannot read shellcheck output: {0}")]
    Output(String),
}

/// Checks that a usable `shellcheck` is on PATH.
pub fn available() -> Result<(), Error> {
    let out = Command::new("shellcheck")
        .arg("--version")
        .output()
        .map_err(Error::Spawn)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

/// A script handed to ShellCheck, with the map from its lines back to the Dockerfile.
struct Script {
    text: String,
    dialect: &'static str,
    /// For each script line (0-based, after the header): the file offset of each character.
    lines: Vec<Vec<usize>>,
    header_lines: usize,
}

pub fn run(file: &str, model: &Model) -> Result<Vec<Finding>, Error> {
    let mut findings = Vec::new();
    for (idx, inst) in model.df.instructions.iter().enumerate() {
        let inst = inst.effective();
        if inst.kind != Kind::Run {
            continue;
        }
        let info = &model.info[idx];
        if !is_posix(&info.shell) {
            continue;
        }
        let Args::Command(CommandForm::Shell { text, .. }) = &inst.args else {
            continue;
        };
        let mut pieces: Vec<(String, Vec<usize>)> = Vec::new();
        // The command line (continuations already joined) keeps its file offsets per byte.
        let offsets: Vec<usize> = text
            .value
            .char_indices()
            .map(|(i, _)| text.span(i..i).start)
            .collect();
        pieces.push((text.value.replace('\t', " "), offsets));
        for heredoc in &inst.heredocs {
            if crate::model::shell::heredoc_is_shell(&text.value, heredoc, model.df.escape) {
                let offsets: Vec<usize> = heredoc
                    .body
                    .char_indices()
                    .map(|(i, _)| heredoc.map(i))
                    .collect();
                pieces.push((heredoc.body.replace('\t', " "), offsets));
            }
        }
        let shell = info.shell.first().map(String::as_str).unwrap_or("/bin/sh");
        let dialect = match shell.rsplit('/').next().unwrap_or("sh") {
            "bash" => "bash",
            "ksh" | "mksh" => "ksh",
            "dash" => "dash",
            "busybox" | "ash" => "busybox",
            _ => "sh",
        };
        let mut header = String::new();
        let mut names: Vec<&str> = info
            .vars
            .keys()
            .map(String::as_str)
            .chain(PROXY_ARGS)
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                header.push_str(&format!("export {name}=1\n"));
            }
        }
        let header_lines = header.lines().count();
        let mut script = Script {
            text: header,
            dialect,
            lines: Vec::new(),
            header_lines,
        };
        // The command line only: heredoc bodies run as their own scripts below when they are shell.
        let (cmd_text, cmd_offsets) = &pieces[0];
        let body_is_heredoc_only = cmd_text.trim_start().starts_with("<<");
        if !body_is_heredoc_only {
            push_piece(&mut script, cmd_text, cmd_offsets);
        }
        for (t, o) in &pieces[1..] {
            push_piece(&mut script, t, o);
        }
        if script.lines.is_empty() {
            continue;
        }
        findings.extend(check_script(file, model, &script, inst.span.clone())?);
    }
    Ok(findings)
}

fn push_piece(script: &mut Script, text: &str, offsets: &[usize]) {
    let mut char_index = 0;
    for line in text.split('\n') {
        let count = line.chars().count();
        let line_offsets: Vec<usize> = (0..=count)
            .map(|k| {
                offsets
                    .get(char_index + k)
                    .copied()
                    .unwrap_or_else(|| offsets.last().copied().unwrap_or(0))
            })
            .collect();
        script.text.push_str(line);
        script.text.push('\n');
        script.lines.push(line_offsets);
        char_index += count + 1;
    }
}

#[derive(serde::Deserialize)]
struct Json1 {
    comments: Vec<Comment>,
}

#[derive(serde::Deserialize)]
struct Comment {
    line: usize,
    column: usize,
    #[serde(rename = "endLine")]
    end_line: usize,
    #[serde(rename = "endColumn")]
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

fn check_script(
    file: &str,
    model: &Model,
    script: &Script,
    fallback: Span,
) -> Result<Vec<Finding>, Error> {
    let mut child = Command::new("shellcheck")
        .args([
            "--format=json1",
            "--shell",
            script.dialect,
            "--exclude=SC1090,SC1091,SC2187",
            "--norc",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Error::Spawn)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.text.as_bytes())
            .map_err(|e| Error::Failed(e.to_string()))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::Failed(e.to_string()))?;
    // Exit 1 means "found something"; anything beyond that is a real failure.
    if out.status.code().is_none_or(|c| c > 1) {
        return Err(Error::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let parsed: Json1 =
        serde_json::from_slice(&out.stdout).map_err(|e| Error::Output(e.to_string()))?;
    let locate = |line: usize, column: usize| -> Option<usize> {
        let offsets = script
            .lines
            .get(line.checked_sub(1 + script.header_lines)?)?;
        offsets
            .get(column.saturating_sub(1))
            .or(offsets.last())
            .copied()
    };
    let mut findings = Vec::new();
    for c in parsed.comments {
        let start = locate(c.line, c.column).unwrap_or(fallback.start);
        let end = locate(c.end_line, c.end_column).unwrap_or(start).max(start);
        let (line, column) = model.df.line_col(start);
        let (end_line, end_column) = model.df.line_col(end);
        let code = format!("SC{}", c.code);
        findings.push(Finding {
            code: code.clone().into(),
            name: "shellcheck".into(),
            step: Step::TrustedImages,
            severity: match c.level.as_str() {
                "error" => Severity::Medium,
                "warning" => Severity::Low,
                _ => Severity::Info,
            },
            message: c.message,
            location: Location {
                file: file.to_string(),
                line,
                column,
                end_line,
                end_column,
                span: start..end,
            },
            remediation: None,
            references: vec![Reference {
                kind: RefKind::Shellcheck,
                id: code.into(),
            }],
            fix: None,
        });
    }
    Ok(findings)
}
