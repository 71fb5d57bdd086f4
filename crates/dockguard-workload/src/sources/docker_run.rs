//! One `docker run` / `docker create` / `docker container run|create` command line read into a
//! [`ContainerSettings`].
//!
//! The flag grammar is the Docker CLI's (spf13/pflag with interspersed arguments off): long
//! flags as `--flag value` or `--flag=value`, boolean flags only take `--flag=false` inline,
//! short flags cluster (`-itd`, `-dp 80:80`, `-p8080:80`, `-e=K=V`), `--` ends the flags, and
//! the first word that is not a flag is the image: everything after it is the container's
//! command and is never read as docker flags.

use crate::locate::Locator;
use crate::model::{
    ContainerSettings, EnvVar, Healthcheck, Mount, MountKind, Namespace, Setting, SourceKind,
};
use crate::sources::common::{
    apply_security_opt, parse_mount_flag, parse_port_short, parse_restart, parse_volume_short,
};
use std::ops::Range;

/// One argv word: its value after quote removal and the file span of the word as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgWord {
    pub value: String,
    pub span: Range<usize>,
}

impl ArgWord {
    pub fn new(value: impl Into<String>, span: Range<usize>) -> Self {
        ArgWord {
            value: value.into(),
            span,
        }
    }
}

/// A flag's long name, its one-letter shorthand, and whether it takes a value.
type FlagSpec = (&'static str, Option<char>, bool);

/// `docker run` and `docker create` flags, from docker/cli `cli/command/container/opts.go`
/// (`addFlags`), `run.go` and `create.go`. Hidden and deprecated flags are included because the
/// CLI still accepts them.
const RUN_FLAGS: &[FlagSpec] = &[
    // run.go / create.go
    ("detach", Some('d'), false),
    ("sig-proxy", None, false),
    ("name", None, true),
    ("detach-keys", None, true),
    ("pull", None, true),
    ("quiet", Some('q'), false),
    ("use-api-socket", None, false),
    ("help", None, false),
    ("platform", None, true),
    ("disable-content-trust", None, false),
    // General purpose
    ("attach", Some('a'), true),
    ("device-cgroup-rule", None, true),
    ("device", None, true),
    ("gpus", None, true),
    ("env", Some('e'), true),
    ("env-file", None, true),
    ("entrypoint", None, true),
    ("group-add", None, true),
    ("hostname", Some('h'), true),
    ("domainname", None, true),
    ("interactive", Some('i'), false),
    ("label", Some('l'), true),
    ("label-file", None, true),
    ("read-only", None, false),
    ("restart", None, true),
    ("stop-signal", None, true),
    ("stop-timeout", None, true),
    ("sysctl", None, true),
    ("tty", Some('t'), false),
    ("ulimit", None, true),
    ("user", Some('u'), true),
    ("workdir", Some('w'), true),
    ("rm", None, false),
    // Security
    ("cap-add", None, true),
    ("cap-drop", None, true),
    ("privileged", None, false),
    ("security-opt", None, true),
    ("userns", None, true),
    ("cgroupns", None, true),
    // Network and ports
    ("add-host", None, true),
    ("dns", None, true),
    ("dns-opt", None, true),
    ("dns-option", None, true),
    ("dns-search", None, true),
    ("expose", None, true),
    ("ip", None, true),
    ("ip6", None, true),
    ("link", None, true),
    ("link-local-ip", None, true),
    ("mac-address", None, true),
    ("publish", Some('p'), true),
    ("publish-all", Some('P'), false),
    ("net", None, true),
    ("network", None, true),
    ("net-alias", None, true),
    ("network-alias", None, true),
    // Logging and storage
    ("log-driver", None, true),
    ("volume-driver", None, true),
    ("log-opt", None, true),
    ("storage-opt", None, true),
    ("tmpfs", None, true),
    ("volumes-from", None, true),
    ("volume", Some('v'), true),
    ("mount", None, true),
    // Health checks
    ("health-cmd", None, true),
    ("health-interval", None, true),
    ("health-retries", None, true),
    ("health-timeout", None, true),
    ("health-start-period", None, true),
    ("health-start-interval", None, true),
    ("no-healthcheck", None, false),
    // Resources
    ("blkio-weight", None, true),
    ("blkio-weight-device", None, true),
    ("cidfile", None, true),
    ("cpuset-cpus", None, true),
    ("cpuset-mems", None, true),
    ("cpu-count", None, true),
    ("cpu-percent", None, true),
    ("cpu-period", None, true),
    ("cpu-quota", None, true),
    ("cpu-rt-period", None, true),
    ("cpu-rt-runtime", None, true),
    ("cpu-shares", Some('c'), true),
    ("cpus", None, true),
    ("device-read-bps", None, true),
    ("device-read-iops", None, true),
    ("device-write-bps", None, true),
    ("device-write-iops", None, true),
    ("io-maxbandwidth", None, true),
    ("io-maxiops", None, true),
    ("memory", Some('m'), true),
    ("memory-reservation", None, true),
    ("memory-swap", None, true),
    ("memory-swappiness", None, true),
    ("oom-kill-disable", None, false),
    ("oom-score-adj", None, true),
    ("pids-limit", None, true),
    // Low-level execution
    ("cgroup-parent", None, true),
    ("ipc", None, true),
    ("isolation", None, true),
    ("pid", None, true),
    ("shm-size", None, true),
    ("uts", None, true),
    ("runtime", None, true),
    ("init", None, false),
    ("annotation", None, true),
    ("kernel-memory", None, true),
];

/// Options of the `docker` command itself, accepted before the subcommand (docker/cli
/// `cli/flags/options.go` and `cmd/docker/docker.go`).
const GLOBAL_FLAGS: &[FlagSpec] = &[
    ("config", None, true),
    ("debug", Some('D'), false),
    ("log-level", Some('l'), true),
    ("tls", None, false),
    ("tlsverify", None, false),
    ("tlscacert", None, true),
    ("tlscert", None, true),
    ("tlskey", None, true),
    ("host", Some('H'), true),
    ("context", Some('c'), true),
    ("version", Some('v'), false),
    ("help", None, false),
];

/// A flag's value: `word.value[offset..]`.
struct Value<'a> {
    word: &'a ArgWord,
    offset: usize,
}

impl Value<'_> {
    fn text(&self) -> &str {
        self.word.value.get(self.offset..).unwrap_or("")
    }
}

/// One flag as given on the command line.
struct FlagUse<'a> {
    /// The long name (as written when the flag is unknown).
    name: &'a str,
    word: &'a ArgWord,
    value: Option<Value<'a>>,
}

/// Reads flags from `words[start..]` until the first word that is not a flag. Returns the flags
/// and the index of that word (past a `--`).
fn parse_flags<'a>(
    words: &'a [ArgWord],
    start: usize,
    table: &'static [FlagSpec],
) -> (Vec<FlagUse<'a>>, usize) {
    let mut out = Vec::new();
    let mut i = start;
    while let Some(word) = words.get(i) {
        let s = word.value.as_str();
        if s.len() < 2 || !s.starts_with('-') {
            break;
        }
        i += 1;
        if s == "--" {
            break;
        }
        if let Some(body) = s.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, _)) => (n, Some(2 + n.len() + 1)),
                None => (body, None),
            };
            // An unknown flag is taken as boolean unless its value is inline.
            let spec = table.iter().find(|f| f.0 == name);
            let value = match inline {
                Some(offset) => Some(Value { word, offset }),
                None if spec.is_some_and(|f| f.2) => words.get(i).map(|w| {
                    i += 1;
                    Value { word: w, offset: 0 }
                }),
                None => None,
            };
            out.push(FlagUse { name, word, value });
            continue;
        }
        // A cluster of shorthands: booleans until one that takes a value, which takes the
        // rest of the word (after an optional `=`) or the next word.
        for (at, c) in s.char_indices().skip(1) {
            let after = at + c.len_utf8();
            let spec = table.iter().find(|f| f.1 == Some(c));
            let name = spec.map_or("", |f| f.0);
            let rest = &s[after..];
            let value = if rest.starts_with('=') {
                // `-e=K=V`: the rest after `=` is the value, whatever the flag.
                Some(Value {
                    word,
                    offset: after + 1,
                })
            } else if spec.is_some_and(|f| f.2) {
                if rest.is_empty() {
                    words.get(i).map(|w| {
                        i += 1;
                        Value { word: w, offset: 0 }
                    })
                } else {
                    Some(Value {
                        word,
                        offset: after,
                    })
                }
            } else {
                // A boolean (or unknown) shorthand: the cluster goes on.
                out.push(FlagUse {
                    name,
                    word,
                    value: None,
                });
                continue;
            };
            out.push(FlagUse { name, word, value });
            break;
        }
    }
    (out, i)
}

/// The program name of a command word (`/usr/bin/docker` → `docker`).
pub fn program(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// Whether `words` is a `docker run`/`create` command (global options allowed before the
/// subcommand).
pub fn is_run_command(words: &[ArgWord]) -> bool {
    subcommand_end(words).is_some()
}

/// Index of the first word after `run`/`create`, and the file offset where that subcommand
/// word ends.
fn subcommand_end(words: &[ArgWord]) -> Option<(usize, usize)> {
    let first = words.first()?;
    if program(&first.value) != "docker" {
        return None;
    }
    let (_, i) = parse_flags(words, 1, GLOBAL_FLAGS);
    let sub = words.get(i)?;
    match sub.value.as_str() {
        "run" | "create" => Some((i + 1, sub.span.end)),
        "container" => {
            let sub = words.get(i + 1)?;
            matches!(sub.value.as_str(), "run" | "create").then_some((i + 2, sub.span.end))
        }
        _ => None,
    }
}

/// Reads one command. `words[0]` is the `docker` word; `None` when the words are not a
/// `docker run`/`create` command or name no image.
pub fn parse(words: &[ArgWord], at: &Locator) -> Option<ContainerSettings> {
    let (start, sub_end) = subcommand_end(words)?;
    let first = words.first()?;
    let (flags, image_at) = parse_flags(words, start, RUN_FLAGS);
    let image = words.get(image_at)?;
    let name = flags
        .iter()
        .rev()
        .find(|f| f.name == "name")
        .and_then(|f| f.value.as_ref())
        .map(Value::text)
        .filter(|n| !n.is_empty())
        .unwrap_or(&image.value);
    let mut s = ContainerSettings::new(
        SourceKind::DockerRun,
        name,
        at.loc(first.span.start..sub_end.max(first.span.start)),
    );
    s.image = Some(Setting::new(
        image.value.clone(),
        at.loc(image.span.clone()),
    ));
    // `--cpus` describes a limit best, then a CFS quota, then relative shares.
    let mut cpu_rank = 0;
    for flag in &flags {
        apply(&mut s, flag, at, &mut cpu_rank);
    }
    Some(s)
}

/// pflag's boolean spellings (Go `strconv.ParseBool`); other values make docker fail.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn apply(s: &mut ContainerSettings, flag: &FlagUse, at: &Locator, cpu_rank: &mut u8) {
    let flag_loc = || at.loc(flag.word.span.clone());
    // Boolean flags: `--flag` or `--flag=bool`; located at the flag word.
    let boolean = || match &flag.value {
        None => Some(true),
        Some(v) => parse_bool(v.text()),
    };
    match flag.name {
        "privileged" => {
            if let Some(b) = boolean() {
                s.privileged = Some(Setting::new(b, flag_loc()));
            }
        }
        "read-only" => {
            if let Some(b) = boolean() {
                s.read_only_rootfs = Some(Setting::new(b, flag_loc()));
            }
        }
        "oom-kill-disable" => {
            if let Some(b) = boolean() {
                s.oom_kill_disable = Some(Setting::new(b, flag_loc()));
            }
        }
        "no-healthcheck" => {
            if boolean() == Some(true) {
                s.healthcheck = Some(Setting::new(Healthcheck { disabled: true }, flag_loc()));
            }
        }
        "use-api-socket" => {
            // The CLI bind-mounts the engine socket read-write (create.go).
            if boolean() == Some(true) {
                s.mounts.push(Mount {
                    kind: MountKind::Bind,
                    source: Some("/var/run/docker.sock".into()),
                    target: Some("/var/run/docker.sock".into()),
                    read_only: false,
                    propagation: None,
                    loc: flag_loc(),
                });
            }
        }
        _ => {
            if let Some(value) = &flag.value {
                apply_value(s, flag.name, value, at, cpu_rank);
            }
        }
    }
}

fn apply_value(
    s: &mut ContainerSettings,
    name: &str,
    value: &Value,
    at: &Locator,
    cpu_rank: &mut u8,
) {
    let text = value.text();
    let loc = at.loc(value_span(at.text, value.word, value.offset));
    let string = || Some(Setting::new(text.to_string(), loc.clone()));
    let namespace = || Some(Setting::new(Namespace::parse(text), loc.clone()));
    match name {
        "cap-add" => s.cap_add.push(Setting::new(text.to_string(), loc)),
        "cap-drop" => s.cap_drop.push(Setting::new(text.to_string(), loc)),
        "pid" => s.pid = namespace(),
        "ipc" => s.ipc = namespace(),
        "uts" => s.uts = namespace(),
        "userns" => s.userns = namespace(),
        "cgroupns" => s.cgroupns = namespace(),
        "network" | "net" => {
            // Several `--network` flags attach several networks; `host` cannot be combined
            // with others, so the first one (or `host`) is the mode that matters.
            let host = Namespace::parse(text) == Namespace::Host;
            if s.network.is_none() || host {
                s.network = namespace();
            }
        }
        "memory" => s.memory_limit = string(),
        "cpus" | "cpu-quota" | "cpu-shares" => {
            let rank = match name {
                "cpus" => 3,
                "cpu-quota" => 2,
                _ => 1,
            };
            if rank >= *cpu_rank {
                *cpu_rank = rank;
                s.cpu_limit = string();
            }
        }
        "pids-limit" => {
            if let Ok(n) = text.trim().parse::<i64>() {
                s.pids_limit = Some(Setting::new(n, loc));
            }
        }
        "security-opt" => apply_security_opt(s, text, &loc),
        "volume" => s.mounts.push(parse_volume_short(text, &loc)),
        "mount" => s.mounts.push(parse_mount_flag(text, &loc)),
        "tmpfs" => s.mounts.push(Mount {
            kind: MountKind::Tmpfs,
            source: None,
            target: Some(text.split(':').next().unwrap_or(text).to_string()),
            read_only: false,
            propagation: None,
            loc,
        }),
        "device" => s.devices.push(Setting::new(text.to_string(), loc)),
        "publish" => s.ports.push(parse_port_short(text, &loc)),
        "env" => {
            let (env_name, env_value) = match text.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (text, None),
            };
            let value_loc = match env_value {
                Some(_) => at.loc(value_span(
                    at.text,
                    value.word,
                    value.offset + env_name.len() + 1,
                )),
                None => loc.clone(),
            };
            s.env.push(EnvVar {
                name: env_name.to_string(),
                value: env_value.map(str::to_string),
                from_secret: false,
                loc,
                value_loc,
            });
        }
        "user" => s.user = string(),
        "sysctl" => {
            let (key, v) = match text.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (text, None),
            };
            s.sysctls.push((Setting::new(key.to_string(), loc), v));
        }
        "ulimit" => {
            let key = text.split_once('=').map_or(text, |(k, _)| k);
            s.ulimits.push(Setting::new(key.to_string(), loc));
        }
        "restart" => s.restart = Some(Setting::new(parse_restart(text), loc)),
        // `--no-healthcheck` wins (docker refuses the two together).
        "health-cmd" if !s.healthcheck.as_ref().is_some_and(|h| h.value.disabled) => {
            s.healthcheck = Some(Setting::new(Healthcheck { disabled: false }, loc));
        }
        "cgroup-parent" => s.cgroup_parent = string(),
        _ => {}
    }
}

/// The file span of `word.value[offset..]`. A whole word is its span as written (quotes
/// included); a value inside a word (`--cap-add=SYS_ADMIN`, `-p8080:80`, the `V` of `K=V`) is
/// mapped through the word's quoting: it keeps a quote opened right where it starts and drops
/// the closing quote of one opened before it. When the word as written does not unquote to its
/// value (an escape the shell parser resolved differently), the whole word is the span.
pub fn value_span(text: &str, word: &ArgWord, offset: usize) -> Range<usize> {
    if offset == 0 {
        return word.span.clone();
    }
    let Some(raw) = text.get(word.span.clone()) else {
        return word.span.clone();
    };
    let (unquoted, map) = unquote_map(raw);
    if unquoted != word.value || offset > unquoted.len() {
        return word.span.clone();
    }
    let last_end = map.last().map_or(raw.len(), |m| m.end);
    let (start, end) = match map.get(offset) {
        None => (last_end, last_end),
        Some(first) => match first.quote {
            Some(open) if open + 1 == first.start => (open, raw.len()),
            Some(_) => (first.start, last_end),
            None => (first.start, raw.len()),
        },
    };
    word.span.start + start..word.span.start + end.max(start)
}

/// Where an unquoted byte comes from in the word as written.
#[derive(Clone, Copy)]
struct Source {
    start: usize,
    end: usize,
    /// The opening quote it is inside, if any.
    quote: Option<usize>,
}

/// Removes shell quotes like [`dockguard_dockerfile::syntax::unquote`] with `\` as the escape,
/// keeping for each output byte the raw span of the character that produced it.
fn unquote_map(raw: &str) -> (String, Vec<Source>) {
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len());
    let mut quote: Option<(char, usize)> = None;
    let mut chars = raw.char_indices();
    let mut push = |out: &mut String, c: char, start: usize, quote: Option<(char, usize)>| {
        out.push(c);
        let source = Source {
            start,
            end: start + c.len_utf8(),
            quote: quote.map(|q| q.1),
        };
        map.extend(std::iter::repeat_n(source, c.len_utf8()));
    };
    while let Some((i, c)) = chars.next() {
        match quote {
            Some((q, _)) if c == q => quote = None,
            Some(('\'', _)) => push(&mut out, c, i, quote),
            Some(_) if c == '\\' => match chars.next() {
                Some((j, n @ ('"' | '$' | '`' | '\\'))) => push(&mut out, n, j, quote),
                Some((j, n)) => {
                    push(&mut out, c, i, quote);
                    push(&mut out, n, j, quote);
                }
                None => push(&mut out, c, i, quote),
            },
            Some(_) => push(&mut out, c, i, quote),
            None if c == '\'' || c == '"' => quote = Some((c, i)),
            None if c == '\\' => {
                if let Some((j, n)) = chars.next() {
                    push(&mut out, n, j, None);
                }
            }
            None => push(&mut out, c, i, None),
        }
    }
    (out, map)
}

#[cfg(test)]
#[path = "docker_run/tests.rs"]
mod tests;
