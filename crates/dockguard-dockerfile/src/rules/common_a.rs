//! Helpers shared by the base-image (DF1xx) and download/TLS (DF6xx) rules.

use super::{Ctx, Diagnostic};
use crate::model::{Base, Command, ImageRef, Model};
use crate::syntax::{Args, Kind, Span, Word};

/// Predefined ARGs BuildKit sets besides [`crate::model::PLATFORM_ARGS`].
pub const MORE_PREDEFINED_ARGS: [&str; 3] = ["BUILDOSVERSION", "TARGETOSVERSION", "TARGETSTAGE"];

/// Names of the variables a word references (`$A`, `${B}`, `${C:-${D}}`), outside single quotes
/// and escapes, in order of appearance, without duplicates.
pub fn var_refs(word: &str, escape: char) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == escape {
            i += 1;
        } else if c == '\'' {
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c == '$' {
            if chars.get(i) == Some(&'{') {
                i += 1;
            }
            let start = i;
            if chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                // `$1`: positional parameters are not build arguments.
                i += 1;
                continue;
            }
            while i < chars.len() && is_name(chars[i]) {
                i += 1;
            }
            if i > start {
                let name: String = chars[start..i].iter().collect();
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// Whether `s` parses as a Docker image reference (`reference.ParseNormalizedNamed`): lower-case
/// repository path, valid registry host, tag and digest.
pub fn is_valid_reference(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let (rest, digest) = match s.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (s, None),
    };
    if digest.is_some_and(|d| !valid_digest(d)) {
        return false;
    }
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if tag.is_some_and(|t| !valid_tag(t)) || name.is_empty() || name.len() > 255 {
        return false;
    }
    let (domain, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_ascii_lowercase() != first =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if domain.is_some_and(|d| !valid_domain(d)) {
        return false;
    }
    if domain.is_none() && path.len() == 64 && path.chars().all(|c| c.is_ascii_hexdigit()) {
        // A bare 64-hex name is an image ID, not a repository.
        return false;
    }
    path.split('/').all(valid_path_component)
}

fn valid_tag(tag: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = tag.chars();
    tag.len() <= 128
        && chars.next().is_some_and(word)
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

fn valid_digest(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    let algorithm_ok = algorithm.split(['+', '.', '_', '-']).all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    });
    let expected = match algorithm {
        "sha256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    };
    algorithm_ok
        && hex.len() >= 32
        && expected.is_none_or(|n| hex.len() == n)
        && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn valid_domain(domain: &str) -> bool {
    let (host, port) = if domain.starts_with('[') {
        match domain.find(']') {
            Some(end) => (&domain[..=end], domain[end + 1..].strip_prefix(':')),
            None => return false,
        }
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (domain, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    if let Some(v6) = host.strip_prefix('[') {
        let v6 = v6.strip_suffix(']').unwrap_or("");
        let after = &domain[host.len()..];
        return !v6.is_empty()
            && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
            && (after.is_empty() || port.is_some());
    }
    !host.is_empty()
        && host.split('.').all(|part| {
            !part.is_empty()
                && !part.starts_with('-')
                && !part.ends_with('-')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// `[a-z0-9]+` runs joined by `.`, `_`, `__` or dashes.
fn valid_path_component(part: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut chars = part.chars().peekable();
    let mut expect_alnum = true;
    while let Some(&c) = chars.peek() {
        if alnum(c) {
            while chars.peek().is_some_and(|&c| alnum(c)) {
                chars.next();
            }
            expect_alnum = false;
        } else if expect_alnum {
            return false;
        } else {
            let mut sep = String::new();
            while let Some(&s) = chars.peek().filter(|&&s| !alnum(s)) {
                sep.push(s);
                chars.next();
            }
            if !(sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-')) {
                return false;
            }
            expect_alnum = true;
        }
    }
    !expect_alnum
}

/// The closest name to `name` among `candidates` (same letters in another case, or at most two
/// edits away), for "did you mean" hints.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = if c.eq_ignore_ascii_case(name) {
            0
        } else {
            edit_distance(&c.to_ascii_lowercase(), &name.to_ascii_lowercase())
        };
        if d <= 2 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A command seen through the wrappers that run another program (`sudo`, `env`, `busybox`, …):
/// `sudo -E apt-get install x` is `apt-get` with arguments from `install` on.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub cmd: &'a Command,
    /// Base name of the program that really runs.
    pub program: &'a str,
    /// Index in `cmd.args` of its first argument.
    pub first_arg: usize,
}

impl<'a> Invocation<'a> {
    pub fn new(cmd: &'a Command) -> Invocation<'a> {
        let mut inv = Invocation {
            cmd,
            program: cmd.program(),
            first_arg: 0,
        };
        // Bounded: each step consumes at least one argument.
        for _ in 0..4 {
            let args = &cmd.args[inv.first_arg..];
            let skip = match inv.program {
                "sudo" | "doas" => skip_options(
                    args,
                    &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U"],
                    true,
                ),
                "env" => skip_options(args, &["-u", "-C", "-S", "--unset", "--chdir"], true),
                "nice" => skip_options(args, &["-n", "--adjustment"], false),
                "timeout" => skip_options(args, &["-s", "-k", "--signal", "--kill-after"], false)
                    .map(|i| i + 1),
                // `command -v curl` only looks the program up.
                "command" if args.iter().any(|a| a == "-v" || a == "-V") => None,
                "busybox" | "nohup" | "time" | "exec" | "command" => skip_options(args, &[], false),
                _ => None,
            };
            let Some(skip) = skip else { break };
            let Some(next) = cmd.args.get(inv.first_arg + skip) else {
                break;
            };
            inv.program = next.rsplit('/').next().unwrap_or(next);
            inv.first_arg += skip + 1;
        }
        inv
    }

    pub fn args(&self) -> &'a [String] {
        &self.cmd.args[self.first_arg..]
    }

    /// File span of argument `i` (relative to [`Invocation::args`]).
    pub fn arg_span(&self, i: usize) -> Span {
        self.cmd
            .arg_spans
            .get(self.first_arg + i)
            .cloned()
            .unwrap_or_else(|| self.cmd.span.clone())
    }

    pub fn is(&self, program: &str) -> bool {
        self.program == program
    }

    /// The index of the first argument that is one of the flags, with the semantics of
    /// [`Command::has_flag`] (short-flag clusters, `--long=value`).
    pub fn flag(&self, flags: &[&str]) -> Option<usize> {
        flag_index(self.args(), flags)
    }

    /// The first argument that is not a flag (`install` in `apt-get -y install x`).
    pub fn subcommand(&self) -> Option<&'a str> {
        self.args()
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
    }

    /// Arguments that are not flags, with their indices, skipping the values of `flags_with_value`.
    pub fn positional(&self, flags_with_value: &[&str]) -> Vec<(usize, &'a str)> {
        let mut out = Vec::new();
        let mut skip = false;
        let mut after_dashdash = false;
        for (i, a) in self.args().iter().enumerate() {
            if skip {
                skip = false;
            } else if after_dashdash {
                out.push((i, a.as_str()));
            } else if a == "--" {
                after_dashdash = true;
            } else if a.starts_with('-') && a.len() > 1 {
                skip = flags_with_value.contains(&a.as_str());
            } else {
                out.push((i, a.as_str()));
            }
        }
        out
    }
}

/// How many leading arguments are the wrapper's own options (and `NAME=value` assignments when
/// `assignments`), so the next one is the wrapped program; `None` when nothing follows.
fn skip_options(args: &[String], with_value: &[&str], assignments: bool) -> Option<usize> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += if with_value.contains(&a.as_str()) {
                2
            } else {
                1
            };
        } else if assignments && is_assignment(a) {
            i += 1;
        } else {
            break;
        }
    }
    (i < args.len()).then_some(i)
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && !k.starts_with(|c: char| c.is_ascii_digit())
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Index of the first argument matching one of `flags` (see [`Command::has_flag`]).
pub fn flag_index(args: &[String], flags: &[&str]) -> Option<usize> {
    args.iter().take_while(|a| *a != "--").position(|a| {
        flags.iter().any(|f| {
            if let Some(long) = f.strip_prefix("--") {
                a.strip_prefix("--").is_some_and(|x| {
                    x == long || x.strip_prefix(long).is_some_and(|r| r.starts_with('='))
                })
            } else if let Some(short) = f.strip_prefix('-') {
                a == f
                    || short.len() == 1
                        && a.starts_with('-')
                        && !a.starts_with("--")
                        && a.len() > 1
                        && a[1..].chars().all(|c| c.is_ascii_alphanumeric())
                        && a[1..].contains(short)
            } else {
                a == f
            }
        })
    })
}

/// Every command of every RUN, seen through wrappers, with the instruction index.
pub fn invocations<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = (usize, Invocation<'a>)> {
    ctx.commands().map(|(i, c)| (i, Invocation::new(c)))
}

/// Whether a configuration value means "off".
pub fn is_false(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

/// An environment variable the build sets: `ENV`, an `ARG` default, a `NAME=value` prefix of a
/// RUN command, or `export NAME=value` / `env NAME=value` inside a RUN.
#[derive(Debug, Clone)]
pub struct EnvSetting {
    pub name: String,
    /// The value after expansion; `None` when it depends on a build argument without default.
    pub value: Option<String>,
    pub span: Span,
    /// What set it, for messages: `ENV`, `ARG` or `RUN`.
    pub via: &'static str,
}

pub fn env_settings(ctx: &Ctx) -> Vec<EnvSetting> {
    let mut out = Vec::new();
    for (idx, inst) in ctx.effective_instructions() {
        let (pairs, via) = match (&inst.args, inst.kind) {
            (Args::KeyValues { pairs, .. }, Kind::Env) => (pairs, "ENV"),
            (Args::Arg { pairs }, _) => (pairs, "ARG"),
            _ => continue,
        };
        for p in pairs {
            // An ARG without default sets nothing unless given on the command line.
            let Some(raw) = &p.value else { continue };
            let e = ctx.model.expand(idx, raw);
            out.push(EnvSetting {
                name: p.key.clone(),
                value: e.is_resolved().then_some(e.value),
                span: p.span.clone(),
                via,
            });
        }
    }
    // Assignment-only statements (`X=1;`) set unexported shell variables: not the environment.
    for (_, cmd) in ctx.commands().filter(|(_, c)| !c.name.is_empty()) {
        // Prefix assignments have no span of their own: point at the command they apply to.
        for (k, v) in &cmd.assignments {
            out.push(EnvSetting {
                name: k.clone(),
                value: Some(v.clone()),
                span: cmd.span.clone(),
                via: "RUN",
            });
        }
        let exported = match cmd.program() {
            "export" | "env" => true,
            "declare" | "typeset" => cmd
                .args
                .iter()
                .any(|a| a.starts_with('-') && a.contains('x')),
            _ => false,
        };
        if !exported {
            continue;
        }
        for (i, a) in cmd.args.iter().enumerate() {
            if cmd.is("env") && !a.starts_with('-') && !is_assignment(a) {
                break;
            }
            if let Some((k, v)) = a.split_once('=').filter(|_| is_assignment(a)) {
                out.push(EnvSetting {
                    name: k.to_string(),
                    value: Some(v.to_string()),
                    span: cmd
                        .arg_spans
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| cmd.span.clone()),
                    via: "RUN",
                });
            }
        }
    }
    out
}

/// `key=value` settings a command writes into a configuration file: the text of `echo` and
/// `printf` arguments (`echo sslverify=0 >> /etc/yum.conf`) and the replacement of `sed`
/// substitutions (`sed -i 's/gpgcheck=1/gpgcheck=0/'`). Keys are lower-cased; each comes with
/// the span of the argument that holds it.
pub fn written_settings(inv: &Invocation) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    let texts: Vec<(usize, String)> = match inv.program {
        "echo" | "printf" => inv
            .args()
            .iter()
            .enumerate()
            .filter(|(_, a)| !(a.starts_with('-') && a.len() == 2))
            .map(|(i, a)| (i, a.clone()))
            .collect(),
        "sed" => inv
            .args()
            .iter()
            .enumerate()
            .filter_map(|(i, a)| sed_replacement(a).map(|r| (i, r.to_string())))
            .collect(),
        _ => return out,
    };
    // `echo sslverify = 0` splits the setting over three arguments.
    let mut tokens: Vec<(usize, String)> = Vec::new();
    for (i, text) in texts {
        for line in text.replace("\\n", "\n").lines() {
            for word in line.split_whitespace() {
                let glue =
                    tokens.last().is_some_and(|(_, t)| t.ends_with('=')) || word.starts_with('=');
                match tokens.last_mut() {
                    Some((_, last)) if glue && !last.is_empty() => last.push_str(word),
                    _ => tokens.push((i, word.to_string())),
                }
            }
            // A line break ends a setting.
            tokens.push((i, String::new()));
        }
    }
    for (i, token) in tokens {
        if let Some((k, v)) = token.split_once('=') {
            let v = v.trim_matches(['"', '\'', ';']);
            if !k.is_empty() && !v.is_empty() {
                out.push((k.to_ascii_lowercase(), v.to_string(), inv.arg_span(i)));
            }
        }
    }
    out
}

/// `key=value` options of yum/dnf style commands: `--setopt=key=value`, `--setopt key=value`,
/// and dnf5's `config-manager setopt key=value`. Keys are lower-cased; each comes with the index
/// of its argument.
pub fn setopts(inv: &Invocation) -> Vec<(String, String, usize)> {
    let args = inv.args();
    let mut out = Vec::new();
    let mut push = |text: &str, i: usize| {
        if let Some((k, v)) = text.split_once('=') {
            out.push((k.trim().to_ascii_lowercase(), v.trim().to_string(), i));
        }
    };
    let mut i = 0;
    while i < args.len() {
        if let Some(v) = args[i].strip_prefix("--setopt=") {
            push(v, i);
        } else if args[i] == "--setopt" && i + 1 < args.len() {
            push(&args[i + 1], i + 1);
            i += 1;
        }
        i += 1;
    }
    let positional = inv.positional(&["--setopt", "-c", "--config"]);
    if let Some(at) = positional.iter().position(|(_, a)| *a == "setopt") {
        for (i, a) in &positional[at + 1..] {
            push(a, *i);
        }
    }
    out
}

/// `Key=value` apt options given with `-o` (separate or attached).
pub fn apt_options<'a>(inv: &Invocation<'a>) -> Vec<(usize, &'a str)> {
    let args = inv.args();
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a == "-o" || a == "--option" {
            if let Some(v) = args.get(i + 1) {
                out.push((i + 1, v.as_str()));
            }
        } else if let Some(v) = a.strip_prefix("--option=") {
            out.push((i, v));
        } else if let Some(v) = a.strip_prefix("-o").filter(|v| v.contains("::")) {
            out.push((i, v));
        }
    }
    out
}

/// Whether a setting key names `name` directly or for one repository (`*.sslverify`,
/// `epel.sslverify`).
pub fn key_is(key: &str, name: &str) -> bool {
    key == name || key.rsplit_once('.').is_some_and(|(_, k)| k == name)
}

/// The replacement of a `s<d>pattern<d>replacement<d>flags` sed script.
fn sed_replacement(script: &str) -> Option<&str> {
    let rest = script.strip_prefix('s')?;
    let delim = rest.chars().next()?;
    if delim.is_alphanumeric() || delim.is_whitespace() || delim == '\\' {
        return None;
    }
    let mut parts = rest[delim.len_utf8()..].split(delim);
    parts.next()?;
    parts.next()
}

/// The program a download command runs and whether it writes the download to stdout: `curl`
/// without `-o`/`-O`, `wget -O -`.
pub fn downloads_to_stdout(program: &str, args: &[String]) -> bool {
    let stdout = |v: &str| v == "-" || v == "/dev/stdout";
    match program {
        "curl" => {
            // Short options whose value may be attached (`-ofile`), so the rest of the cluster is
            // not more flags.
            const WITH_VALUE: &str = "AbcCdDeEFHKmPQrtTuUwxXyYz";
            let mut i = 0;
            while i < args.len() {
                let a = &args[i];
                i += 1;
                if a == "--" {
                    break;
                }
                if a == "--remote-name" || a == "--remote-name-all" {
                    return false;
                }
                if a == "--output" {
                    if !args.get(i).is_some_and(|v| stdout(v)) {
                        return false;
                    }
                    i += 1;
                } else if let Some(v) = a.strip_prefix("--output=") {
                    if !stdout(v) {
                        return false;
                    }
                } else if a.starts_with('-') && !a.starts_with("--") {
                    for (pos, c) in a.char_indices().skip(1) {
                        if c == 'O' {
                            return false;
                        }
                        if c == 'o' {
                            let rest = &a[pos + 1..];
                            let value = if rest.is_empty() {
                                i += 1;
                                args.get(i - 1).map(String::as_str)
                            } else {
                                Some(rest)
                            };
                            if !value.is_some_and(stdout) {
                                return false;
                            }
                            break;
                        }
                        if WITH_VALUE.contains(c) {
                            break;
                        }
                    }
                }
            }
            true
        }
        "wget" => {
            let mut i = 0;
            while i < args.len() {
                let a = &args[i];
                i += 1;
                if a == "--output-document" || a == "-O" {
                    if args.get(i).is_some_and(|v| stdout(v)) {
                        return true;
                    }
                    i += 1;
                } else if let Some(v) = a.strip_prefix("--output-document=") {
                    if stdout(v) {
                        return true;
                    }
                } else if a.starts_with('-')
                    && !a.starts_with("--")
                    && let Some(pos) = a.find('O')
                {
                    let rest = &a[pos + 1..];
                    let value = if rest.is_empty() {
                        args.get(i).map(String::as_str)
                    } else {
                        Some(rest)
                    };
                    if value.is_some_and(stdout) {
                        return true;
                    }
                }
            }
            false
        }
        _ => false,
    }
}

/// Every stage's base image that is an image (not scratch, not a stage, not unresolved), with
/// the FROM word naming it.
pub fn base_images(model: &Model) -> impl Iterator<Item = (&Word, &ImageRef)> {
    model
        .stages
        .iter()
        .filter_map(|stage| match (&stage.base, &stage.image) {
            (Base::Image(image), Some((word, _))) => Some((word, image)),
            _ => None,
        })
}

/// Reports, on its FROM word, every base image for which `problem` gives a message.
pub fn report_base_images(
    ctx: &Ctx,
    out: &mut Vec<Diagnostic>,
    problem: impl Fn(&ImageRef) -> Option<String>,
) {
    for (word, image) in base_images(ctx.model) {
        if let Some(message) = problem(image) {
            out.push(Diagnostic::new(word.span.clone(), message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::syntax::parse;

    #[test]
    fn variable_references() {
        assert_eq!(var_refs("${A:-${B}}/$C_1x", '\\'), ["A", "B", "C_1x"]);
        assert!(var_refs("'$A' \\$B $1 linux/amd64", '\\').is_empty());
        assert_eq!(var_refs("\"$A\"$A", '\\'), ["A"]);
    }

    #[test]
    fn references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "library/alpine:3.20",
            "localhost:5000/team/app_x__y.z--w:1.0",
            "ghcr.io/org/img@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "MyRegistry/app",
            "[::1]:5000/app",
            "[::1]/app",
        ] {
            assert!(is_valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "alpine:",
            "Alpine",
            "base-",
            ":3.20",
            "alpine@sha256:abc",
            "a/-b",
            "ghcr.io/",
            "a b",
            "a:b:c",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        let names = ["BUILDPLATFORM", "MY_ARCH", "VERSION"];
        assert_eq!(suggest("BULIDPLATFORM", names), Some("BUILDPLATFORM"));
        assert_eq!(suggest("MYARCH", names), Some("MY_ARCH"));
        assert_eq!(suggest("version", names), Some("VERSION"));
        assert_eq!(suggest("TAG", names), None);
    }

    fn first_command(script: &str) -> Command {
        let model = Model::new(parse(&format!("FROM a\nRUN {script}\n")));
        model.all_commands().next().unwrap().1.clone()
    }

    #[test]
    fn wrappers_are_unwrapped() {
        for (script, program, first) in [
            ("sudo -E -u root apt-get install x", "apt-get", "install"),
            ("env A=1 B=2 curl -k", "curl", "-k"),
            ("busybox wget -q", "wget", "-q"),
            ("sudo env A=1 bash -s", "bash", "-s"),
            ("timeout 30 curl x", "curl", "x"),
        ] {
            let cmd = first_command(script);
            let inv = Invocation::new(&cmd);
            assert_eq!(
                (inv.program, inv.args()[0].as_str()),
                (program, first),
                "{script}"
            );
        }
        let cmd = first_command("sudo");
        assert_eq!(Invocation::new(&cmd).program, "sudo");
    }

    #[test]
    fn stdout_downloads() {
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        for (program, args) in [
            ("curl", "-fsSL https://x"),
            ("curl", "-o - https://x"),
            ("curl", "-H Accept:x https://x"),
            ("wget", "-qO- https://x"),
            ("wget", "-O - https://x"),
            ("wget", "--output-document=- https://x"),
        ] {
            assert!(
                downloads_to_stdout(program, &words(args)),
                "{program} {args}"
            );
        }
        for (program, args) in [
            ("curl", "-fsSLO https://x"),
            ("curl", "-o /tmp/x https://x"),
            ("curl", "-sSLo/tmp/x https://x"),
            ("curl", "--output x https://x"),
            ("wget", "https://x"),
            ("wget", "-O /tmp/x https://x"),
            ("tar", "-x"),
        ] {
            assert!(
                !downloads_to_stdout(program, &words(args)),
                "{program} {args}"
            );
        }
    }

    #[test]
    fn settings_written_by_echo_and_sed() {
        let cmd = first_command(r#"echo -e "[x]\nsslverify = false\ngpgcheck=0 enabled=1""#);
        let got: Vec<(String, String)> = written_settings(&Invocation::new(&cmd))
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect();
        assert_eq!(
            got,
            [
                ("sslverify".into(), "false".into()),
                ("gpgcheck".into(), "0".into()),
                ("enabled".into(), "1".into())
            ]
        );
        let cmd = first_command("sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.conf");
        let got = written_settings(&Invocation::new(&cmd));
        assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("gpgcheck", "0"));
    }
}
