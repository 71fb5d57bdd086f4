use super::common_a::{Invocation, downloads_to_stdout, invocations};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{split_words, unquote};

declare_rule! {
    /// ## What it does
    /// Reports a download piped into an interpreter in the same pipeline — `curl -fsSL … | sh`,
    /// `wget -qO- … | sudo bash -s`, `curl … | python3 -` — and
    /// `sh -c "$(curl -fsSL …)"`. The interpreter must read its program from stdin (no script
    /// file argument, no `-c`/`-e` inline code), so `curl … | python3 -c 'import json…'` or
    /// `curl … | tar -xz` are not reported.
    ///
    /// ## Why is this bad?
    /// Whatever the server returns at build time runs as code in the image, unverified: a
    /// compromised or hijacked host, a changed script or a truncated download (the shell runs the
    /// part it got) goes straight into the build, usually as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    ///
    /// ## Fix
    /// Download to a file, verify it, then run it:
    /// `RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh && echo "<sha256>  /tmp/install.sh" | sha256sum -c - && sh /tmp/install.sh`,
    /// or better, install a signed package.
    pub struct PipeToShell {
        code: "DF600",
        name: "pipe-to-shell",
        step: TrustedImages,
        severity: High,
        summary: "Downloaded script piped into an interpreter",
        references: [Cwe "CWE-494"],
    }
}

fn is_shell(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh"
    )
}

fn is_interpreter(program: &str) -> bool {
    is_shell(program)
        || program
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        || matches!(program, "perl" | "ruby" | "node" | "nodejs" | "php")
}

/// Whether the interpreter runs what it reads on stdin as its program.
fn reads_program_from_stdin(inv: &Invocation) -> bool {
    let (inline, with_value): (&[&str], &[&str]) = match inv.program {
        p if is_shell(p) => (&["-c"], &["-o", "+o", "-O", "+O"]),
        "perl" => (&["-e", "-E"], &["-I", "-M", "-m"]),
        "ruby" => (&["-e"], &["-I", "-r", "-C", "-E"]),
        "node" | "nodejs" => (&["-e", "--eval", "-p", "--print"], &["-r", "--require"]),
        "php" => (&["-r"], &["-d", "-c", "-z"]),
        // python
        _ => (&["-c", "-m"], &["-W", "-X", "-Q"]),
    };
    if inv.flag(inline).is_some() {
        return false;
    }
    if is_shell(inv.program) && inv.flag(&["-s"]).is_some() {
        return true;
    }
    inv.positional(with_value)
        .first()
        .is_none_or(|(_, first)| matches!(*first, "-" | "/dev/stdin" | "/dev/fd/0"))
}

/// The command inside `"$(…)"` or `` `…` `` when it downloads to stdout.
fn substituted_download(arg: &str) -> bool {
    let inner = arg
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| arg.strip_prefix('`').and_then(|r| r.strip_suffix('`')));
    let Some(inner) = inner else {
        return false;
    };
    let words: Vec<String> = split_words(inner, '\\')
        .into_iter()
        .map(|r| unquote(&inner[r], '\\'))
        .collect();
    words.split_first().is_some_and(|(program, args)| {
        downloads_to_stdout(program.rsplit('/').next().unwrap_or(program), args)
    })
}

impl Rule for PipeToShell {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let all: Vec<(usize, Invocation)> = invocations(ctx).collect();
        for (idx, inv) in &all {
            if !is_interpreter(inv.program) && !inv.is("eval") {
                continue;
            }
            let cmd = inv.cmd;
            // `sh -c "$(curl …)"`, `eval "$(curl …)"`
            let code = if inv.is("eval") {
                inv.args().first()
            } else if is_shell(inv.program) {
                inv.flag(&["-c"]).and_then(|i| inv.args().get(i + 1))
            } else {
                None
            };
            if code.is_some_and(|c| substituted_download(c)) {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    format!(
                        "`{}` runs a script downloaded at build time without verifying it",
                        inv.program
                    ),
                ));
                continue;
            }
            if cmd.pipe_index == 0 || inv.is("eval") || !reads_program_from_stdin(inv) {
                continue;
            }
            let download = all.iter().find(|(i, d)| {
                i == idx
                    && d.cmd.pipeline == cmd.pipeline
                    && d.cmd.pipe_index < cmd.pipe_index
                    && downloads_to_stdout(d.program, d.args())
            });
            if let Some((_, d)) = download {
                out.push(Diagnostic::new(
                    d.cmd.span.start..cmd.span.end,
                    format!(
                        "`{} … | {}` runs a downloaded script without verifying it",
                        d.program, inv.program
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&PipeToShell);
    }

    #[test]
    fn interpreters_reading_stdin() {
        let lines = |s: &str| testing::lines(&PipeToShell, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "curl -fsSL https://x | sh",
            "curl https://x | sudo -E bash -s -- --yes",
            "wget -qO- https://x | python3 -",
            "curl -s https://x | gunzip | sh",
            "curl -sSL https://x | perl",
            "busybox wget -O - https://x | ash",
            "bash -c \"$(curl -fsSL https://x)\"",
            "eval `wget -qO- https://x`",
            "curl -sSL https://x | bash /dev/stdin -v latest",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "curl -fsSL https://x | tar -xz",
            "curl -fsSL https://x | python3 -c 'import json,sys; print(1)'",
            "curl -fsSLo /tmp/i.sh https://x | sh",
            "wget https://x | sh",
            "curl https://x | bash /tmp/script.sh",
            "curl https://x > i.sh; sh i.sh",
            "curl https://x | node -e 'process.stdin'",
            "bash -c \"$(cat /tmp/x)\"",
            "cat install.sh | sh",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
