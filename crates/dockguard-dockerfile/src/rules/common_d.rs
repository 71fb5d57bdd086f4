//! Helpers shared by the DF2xx/DF3xx/DF7xx rules (batch D): RUN commands, hadolint's command
//! count and flag parsing, secret-looking values.

use super::Ctx;
use crate::model::{Command, Model, shell};
use crate::syntax::{CommandForm, Kind, Span, Text};

/// Every simple command of RUN `idx` (or ONBUILD RUN): the model's script, command
/// substitutions included, and for the exec form its command (plus the script of
/// `["sh", "-c", "script"]`). Empty for RUNs under a non-POSIX SHELL.
pub fn run_commands(model: &Model, idx: usize) -> Vec<Command> {
    let inst = model.instruction(idx).effective();
    if inst.kind != Kind::Run || !crate::model::is_posix(&model.info[idx].shell) {
        return Vec::new();
    }
    model.info[idx]
        .script
        .as_ref()
        .map(|s| s.commands.clone())
        .unwrap_or_default()
}

/// Every RUN (ONBUILD RUN included) with its commands, see [`run_commands`].
pub fn runs(model: &Model) -> impl Iterator<Item = (usize, Vec<Command>)> + '_ {
    (0..model.df.instructions.len())
        .filter(|&i| model.instruction(i).effective().kind == Kind::Run)
        .map(|i| (i, run_commands(model, i)))
}

/// How many simple commands hadolint counts in a RUN: exec form joined into one line, and
/// whatever the SHELL (hadolint parses PowerShell RUNs as POSIX shell too). ShellCheck parses
/// `[ … ]` as a condition, not a command, so it is not counted.
pub fn run_command_count(model: &Model, idx: usize) -> usize {
    let inst = model.instruction(idx).effective();
    let cmds = match inst.command() {
        Some(CommandForm::Exec { values, .. }) => {
            let joined = Text {
                value: values.join(" "),
                ..Text::default()
            };
            shell::parse_command_line(&joined, &[]).commands
        }
        Some(CommandForm::Shell { .. }) if crate::model::is_posix(&model.info[idx].shell) => {
            run_commands(model, idx)
        }
        Some(CommandForm::Shell { text, .. }) => {
            shell::parse_command_line(text, &inst.heredocs).commands
        }
        None => Vec::new(),
    };
    // Assignment-only statements are not commands for ShellCheck either.
    cmds.iter()
        .filter(|c| c.name != "[" && !c.name.is_empty())
        .count()
}

/// The program a command runs, looking through `exec`, `command`, `builtin` and `busybox`
/// (as ShellCheck does) and dropping the directory.
pub fn program_of(cmd: &Command) -> &str {
    if matches!(cmd.program(), "exec" | "command" | "builtin" | "busybox")
        && let Some(first) = cmd.args.first().filter(|a| !a.starts_with('-'))
    {
        return first.rsplit('/').next().unwrap_or(first);
    }
    cmd.program()
}

/// hadolint's flags of a command, with the index of the argument each comes from: `--name[=v]`
/// gives `name`, `-abc` gives `a`, `b`, `c` (whatever the characters); `-` and `--` give none.
pub fn hl_flags(cmd: &Command) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, a) in cmd.args.iter().enumerate() {
        if a == "-" || a == "--" {
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            out.push((i, long.split('=').next().unwrap_or(long)));
        } else if let Some(short) = a.strip_prefix('-') {
            for (j, c) in short.char_indices() {
                out.push((i, &short[j..j + c.len_utf8()]));
            }
        }
    }
    out
}

pub fn hl_has_flag(cmd: &Command, names: &[&str]) -> bool {
    hl_flags(cmd).iter().any(|(_, f)| names.contains(f))
}

/// hadolint's `getFlagArg`: the argument following each argument that carries `flag`.
pub fn hl_flag_values<'a>(cmd: &'a Command, flag: &str) -> Vec<(usize, &'a str)> {
    let mut idx: Vec<usize> = hl_flags(cmd)
        .into_iter()
        .filter(|(_, f)| *f == flag)
        .map(|(i, _)| i + 1)
        .collect();
    idx.dedup();
    idx.into_iter()
        .filter_map(|i| cmd.args.get(i).map(|a| (i, a.as_str())))
        .collect()
}

/// The value of a flag given as `--flag=value`, `--flag value`, `-f value` or `-fvalue`, with the
/// index of the argument holding the value. Short flags are matched only as the first letter of
/// a cluster so `-fvalue` works.
pub fn flag_value<'a>(cmd: &'a Command, names: &[&str]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cmd.args.len() {
        let a = &cmd.args[i];
        if a == "--" {
            break;
        }
        for name in names {
            if name.starts_with("--") {
                if a == name {
                    if let Some(v) = cmd.args.get(i + 1) {
                        out.push((i + 1, v.as_str()));
                    }
                } else if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                    out.push((i, v));
                }
            } else if let Some(rest) = a.strip_prefix(name)
                && !a.starts_with("--")
            {
                if rest.is_empty() {
                    if let Some(v) = cmd.args.get(i + 1) {
                        out.push((i + 1, v.as_str()));
                    }
                } else {
                    out.push((i, rest));
                }
            }
        }
        i += 1;
    }
    out
}

/// The file span of argument `i` of a command (the command's span when unknown).
pub fn arg_span(cmd: &Command, i: usize) -> Span {
    cmd.arg_spans.get(i).cloned().unwrap_or(cmd.span.clone())
}

/// Whether a value is only made of variable references or command substitutions
/// (`$X`, `${X:-y}`, `$(cat /run/secrets/x)`), so no literal secret is written.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('$') || v.starts_with('`')
}

/// Masks a secret for messages: its first four characters then `…`.
pub fn mask(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

/// What kind of well-known credential a value contains, if any.
pub fn secret_pattern(value: &str) -> Option<&'static str> {
    let b = value.as_bytes();
    let upper_alnum = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    let alnum = |c: u8| c.is_ascii_alphanumeric();
    let token = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    // A prefix followed by at least `min` characters of a class, not inside a longer word.
    let found = |prefix: &str, min: usize, class: &dyn Fn(u8) -> bool| {
        value.match_indices(prefix).any(|(i, _)| {
            let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
            let run = b[i + prefix.len()..]
                .iter()
                .take_while(|&&c| class(c))
                .count();
            boundary && run >= min
        })
    };
    let aws_key = ["AKIA", "ASIA"].iter().any(|p| {
        value.match_indices(p).any(|(i, _)| {
            let run = b[i + 4..].iter().take_while(|&&c| upper_alnum(c)).count();
            (i == 0 || !b[i - 1].is_ascii_alphanumeric()) && run == 16
        })
    });
    if aws_key {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| found(p, 30, &alnum))
        || found("github_pat_", 22, &token)
    {
        return Some("a GitHub token");
    }
    if found("glpat-", 20, &token) {
        return Some("a GitLab token");
    }
    if ["xoxa-", "xoxb-", "xoxp-", "xoxr-"]
        .iter()
        .any(|p| found(p, 10, &token))
    {
        return Some("a Slack token");
    }
    if found("sk_live_", 16, &alnum) || found("rk_live_", 16, &alnum) {
        return Some("a Stripe live key");
    }
    if found("AIza", 35, &token) {
        return Some("a Google API key");
    }
    if found("npm_", 36, &alnum) {
        return Some("an npm token");
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if is_jwt(value) {
        return Some("a JSON Web Token");
    }
    None
}

/// `eyJ…​.eyJ…​.…`: a JWT with a JSON header and payload.
fn is_jwt(value: &str) -> bool {
    let b64 = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'=')
    };
    value.match_indices("eyJ").any(|(i, _)| {
        let rest = &value[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '=')))
            .unwrap_or(rest.len());
        let parts: Vec<&str> = rest[..end].split('.').collect();
        parts.len() == 3
            && parts[1].starts_with("eyJ")
            && parts.iter().all(|p| b64(p))
            && parts[0].len() >= 10
            && parts[1].len() >= 10
            && parts[2].len() >= 10
    })
}

/// The spans of the `--name=…` flags of every RUN (ONBUILD RUN included) whose value, with
/// ARG/ENV values substituted and trimmed, is `value` (ASCII case-insensitive):
/// `--security=insecure`, `--network=host`.
pub fn run_flags_set_to(ctx: &Ctx, name: &str, value: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (idx, inst) in ctx.effective_instructions() {
        if inst.kind != Kind::Run {
            continue;
        }
        for flag in inst.flags_named(name) {
            let expanded = ctx
                .model
                .expand(idx, flag.value.as_deref().unwrap_or(""))
                .value;
            if expanded.trim().eq_ignore_ascii_case(value) {
                out.push(flag.span.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::syntax::parse;

    fn names(text: &str, idx: usize) -> Vec<String> {
        let model = Model::new(parse(text));
        run_commands(&model, idx)
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    #[test]
    fn substitutions_are_walked() {
        assert_eq!(
            names(
                "FROM a\nRUN x=$(cd /a && ls | wc -l); echo `date` \"$(id -u)\" '$(no)'\n",
                1
            ),
            // Substitutions run before their command; `x=…` is an assignment-only statement.
            ["cd", "ls", "wc", "", "date", "id", "echo"]
        );
        assert_eq!(names("FROM a\nRUN echo $((1 + 2)) # $(no)\n", 1), ["echo"]);
        assert_eq!(names("FROM a\nRUN a <(b $(c))\n", 1), ["c", "b", "a"]);
    }

    #[test]
    fn nested_spans_point_into_the_file() {
        let text = "FROM a\nRUN echo \\\n  $(cd /x)\n";
        let model = Model::new(parse(text));
        let cmds = run_commands(&model, 1);
        assert_eq!(&text[cmds[0].span.clone()], "cd /x");
    }

    #[test]
    fn exec_form_and_heredocs() {
        assert_eq!(
            names("FROM a\nRUN [\"sh\", \"-c\", \"cd /x | y\"]\n", 1),
            ["sh", "cd", "y"]
        );
        assert_eq!(names("FROM a\nRUN [\"cd\", \"x\"]\n", 1), ["cd"]);
        assert_eq!(
            names("FROM a\nRUN <<EOF\ncd $(pwd)\nEOF\n", 1),
            ["pwd", "cd"]
        );
        assert!(names("FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN cd x\n", 2).is_empty());
    }

    #[test]
    fn hadolint_flags() {
        let model = Model::new(parse("FROM a\nRUN wget -qO- --progress=dot x -- -z\n"));
        let cmds = run_commands(&model, 1);
        let flags: Vec<&str> = hl_flags(&cmds[0]).into_iter().map(|(_, f)| f).collect();
        assert_eq!(flags, ["q", "O", "-", "progress", "z"]);
        assert_eq!(hl_flag_values(&cmds[0], "O"), [(1, "--progress=dot")]);
    }

    #[test]
    fn flag_values() {
        let model = Model::new(parse(
            "FROM a\nRUN curl -uA:B --user C:D --user=E:F -H 'X: y' x\n",
        ));
        let cmds = run_commands(&model, 1);
        let got: Vec<&str> = flag_value(&cmds[0], &["-u", "--user"])
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(got, ["A:B", "C:D", "E:F"]);
    }

    #[test]
    fn secret_patterns() {
        for (v, kind) in [
            ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
            (
                "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "a GitHub token",
            ),
            ("glpat-abcdefghijklmnopqrst", "a GitLab token"),
            ("xoxb-1234567890-abcdef", "a Slack token"),
            ("sk_live_abcdefghijklmnop1234", "a Stripe live key"),
            (
                "AIzaSyA1234567890abcdefghijklmnopqrstuv",
                "a Google API key",
            ),
            ("-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "a private key"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "a JSON Web Token",
            ),
        ] {
            assert_eq!(secret_pattern(v), Some(kind), "{v}");
        }
        for v in [
            "AKIA",
            "XAKIAIOSFODNN7EXAMPLE1",
            "ghp_short",
            "/usr/local/bin",
            "eyJ.eyJ.x",
            "-----BEGIN PUBLIC KEY-----",
        ] {
            assert_eq!(secret_pattern(v), None, "{v}");
        }
        assert_eq!(mask("hunter2"), "hunt…");
    }
}
