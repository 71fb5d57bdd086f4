use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Flag, HealthcheckArgs, Instruction, Kind};

declare_rule! {
    /// ## What it does
    /// Reports instruction flags BuildKit rejects: a flag the instruction does not have
    /// (`COPY --chmod` is fine, `COPY --checksum` or `RUN --from` are not; names are
    /// case-sensitive), a flag given twice, a missing or non-boolean value, and invalid values of
    /// `RUN --mount` (unknown type or key, a key the mount type does not take, bad `mode`/`uid`/
    /// `sharing`…), `RUN --network` (`default`, `none`, `host`), `RUN --security` (`insecure`,
    /// `sandbox`) and the `HEALTHCHECK` durations and retries.
    ///
    /// ## Why is this bad?
    /// The build stops with `unknown flag` or a mount parse error. hadolint cannot parse such a file
    /// at all (DL1000) and reports nothing else; dockguard reports the flag and keeps going.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=cache,target=/root/.cache,sharing=exclusive pip install -r req.txt
    /// COPY --chmown=app:app . /app
    /// ```
    ///
    /// ## Fix
    /// Use the flag and value names from the Dockerfile reference: `sharing=locked`, `--chown`.
    pub struct UnknownFlag {
        code: "DF002",
        name: "unknown-flag",
        step: TrustedImages,
        severity: Medium,
        summary: "Instruction flag or flag value that BuildKit rejects",
        references: [Hadolint "DL1000", Cwe "CWE-1164"],
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Bool,
    String,
    /// May be repeated.
    Strings,
}

fn allowed_flags(inst: &Instruction) -> &'static [(&'static str, FlagKind)] {
    use FlagKind::*;
    match inst.kind {
        Kind::From => &[("platform", String)],
        Kind::Run => &[
            ("mount", Strings),
            ("network", String),
            ("security", String),
            ("device", Strings),
        ],
        Kind::Copy => &[
            ("from", String),
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", Strings),
        ],
        Kind::Add => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        Kind::Healthcheck => &[
            ("interval", String),
            ("timeout", String),
            ("start-period", String),
            ("start-interval", String),
            ("retries", String),
        ],
        _ => &[],
    }
}

impl Rule for UnknownFlag {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            // Unknown instructions are DF000's; `HEALTHCHECK NONE` ignores its flags.
            if inst.kind == Kind::Unknown
                || matches!(inst.args, Args::Healthcheck(HealthcheckArgs::None))
            {
                continue;
            }
            let allowed = allowed_flags(inst);
            let mut seen: Vec<&str> = Vec::new();
            for flag in &inst.flags {
                let Some(&(_, kind)) = allowed.iter().find(|(n, _)| *n == flag.name) else {
                    out.push(Diagnostic::new(
                        flag.span.clone(),
                        unknown_message(inst, flag, allowed),
                    ));
                    continue;
                };
                if kind != FlagKind::Strings && seen.contains(&flag.name.as_str()) {
                    out.push(Diagnostic::new(
                        flag.span.clone(),
                        format!("duplicate flag `--{}`", flag.name),
                    ));
                    continue;
                }
                seen.push(&flag.name);
                if let Some(message) = value_problem(ctx, idx, inst, flag, kind) {
                    out.push(Diagnostic::new(flag.span.clone(), message));
                }
            }
        }
    }
}

fn unknown_message(inst: &Instruction, flag: &Flag, allowed: &[(&str, FlagKind)]) -> String {
    let name = inst.kind.name();
    let mut message = if allowed.is_empty() {
        format!("{name} takes no flags, `--{}` is unknown", flag.name)
    } else {
        format!("unknown flag `--{}` for {name}", flag.name)
    };
    let suggestion = allowed
        .iter()
        .map(|(n, _)| *n)
        .find(|n| n.eq_ignore_ascii_case(&flag.name) || edit_distance(n, &flag.name) <= 2);
    if let Some(s) = suggestion {
        message.push_str(&format!(" (did you mean `--{s}`?)"));
    }
    message
}

fn value_problem(
    ctx: &Ctx,
    idx: usize,
    inst: &Instruction,
    flag: &Flag,
    kind: FlagKind,
) -> Option<String> {
    let name = &flag.name;
    let value = match (&flag.value, kind) {
        (None, FlagKind::Bool) => return None,
        (None, _) => return Some(format!("flag `--{name}` needs a value: `--{name}=…`")),
        (Some(v), FlagKind::Bool) => {
            return if v.is_empty() {
                Some(format!("flag `--{name}=` has an empty value"))
            } else if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                Some(format!(
                    "flag `--{name}` expects `true` or `false`, not `{v}`"
                ))
            } else {
                None
            };
        }
        (Some(v), _) => v.as_str(),
    };
    match (inst.kind, name.as_str()) {
        (Kind::Run, "network") => (!matches!(value, "default" | "none" | "host"))
            .then(|| format!("invalid network mode `{value}`: use `default`, `none` or `host`")),
        (Kind::Run, "security") => (!matches!(value, "insecure" | "sandbox"))
            .then(|| format!("invalid security mode `{value}`: use `insecure` or `sandbox`")),
        (Kind::Run, "mount") => mount_problem(ctx, idx, value),
        // HEALTHCHECK flags are not expanded: `--interval=$X` fails too.
        (Kind::Healthcheck, "retries") => {
            let v = value;
            match v.parse::<i64>() {
                Ok(n) if n < 0 => Some(format!("`--retries` cannot be negative ({n})")),
                Ok(n) if n > i64::from(i32::MAX) => {
                    Some(format!("`--retries={n}` is out of range"))
                }
                Ok(_) => None,
                Err(_) => Some(format!("`--retries` needs a number, not `{v}`")),
            }
        }
        (Kind::Healthcheck, _) => {
            let v = value;
            match go_duration(v) {
                None => Some(format!(
                    "`--{name}={v}` is not a duration such as `30s` or `1m30s`"
                )),
                Some(ns) if ns != 0 && ns < 1_000_000 => {
                    Some(format!("`--{name}` cannot be less than 1ms"))
                }
                Some(_) => None,
            }
        }
        (Kind::Copy | Kind::Add, "chmod") => {
            let v = expanded(ctx, idx, value)?;
            chmod_problem(&v)
        }
        _ => None,
    }
}

/// The flag value after expansion, or `None` when it depends on build arguments.
fn expanded(ctx: &Ctx, idx: usize, value: &str) -> Option<String> {
    let e = ctx.model.expand(idx, value);
    (e.is_resolved() && e.undefined.is_empty()).then_some(e.value)
}

const MOUNT_TYPES: [&str; 5] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const MOUNT_KEYS: [&str; 19] = [
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];

/// BuildKit's `parseMount` checks, in its order.
fn mount_problem(ctx: &Ctx, idx: usize, value: &str) -> Option<String> {
    let mut mount_type = "bind";
    let (mut from, mut source, mut target, mut id, mut sharing) =
        (false, false, false, false, false);
    let mut file_info: Option<&str> = None;
    for field in csv_fields(value) {
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        let Some(raw) = val else {
            match key.as_str() {
                "readonly" | "ro" | "readwrite" | "rw" => {}
                "required" if matches!(mount_type, "secret" | "ssh") => {}
                "required" => {
                    return Some(format!(
                        "mount key `required` does not apply to `type={mount_type}` mounts"
                    ));
                }
                _ => return Some(format!("mount field `{field}` must be a key=value pair")),
            }
            continue;
        };
        if key == "from" && raw.find('$').is_some_and(|i| i + 1 != raw.len()) {
            return Some(
                "mount `from=` does not support variables; define a stage with FROM instead".into(),
            );
        }
        let Some(v) = expanded(ctx, idx, raw) else {
            if key == "type" {
                return None; // the type decides which keys are valid
            }
            continue;
        };
        let static_key: &'static str = match MOUNT_KEYS.iter().find(|k| **k == key) {
            Some(k) => k,
            None => {
                let hint = MOUNT_KEYS
                    .iter()
                    .find(|k| edit_distance(k, &key) <= 2)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                return Some(format!("unknown mount key `{key}`{hint}"));
            }
        };
        match static_key {
            "type" => {
                let lower = v.to_ascii_lowercase();
                match MOUNT_TYPES.iter().find(|t| **t == lower) {
                    Some(t) => mount_type = t,
                    None => {
                        return Some(format!(
                            "unsupported mount type `{v}`: use bind, cache, tmpfs, secret or ssh"
                        ));
                    }
                }
            }
            "from" => from = true,
            "source" | "src" => source = true,
            "target" | "dst" | "destination" => target = true,
            "id" => id = true,
            "readonly" | "ro" | "readwrite" | "rw" if parse_go_bool(&v).is_none() => {
                return Some(format!("invalid value for mount `{key}`: `{v}`"));
            }
            "required" => {
                if !matches!(mount_type, "secret" | "ssh") {
                    return Some(format!(
                        "mount key `required` does not apply to `type={mount_type}` mounts"
                    ));
                }
                if parse_go_bool(&v).is_none() {
                    return Some(format!("invalid value for mount `required`: `{v}`"));
                }
            }
            "size" => {
                if mount_type != "tmpfs" {
                    return Some(format!(
                        "mount key `size` only applies to `type=tmpfs`, not `{mount_type}`"
                    ));
                }
                if !is_ram_size(&v) {
                    return Some(format!("invalid mount size `{v}`"));
                }
            }
            "sharing" => {
                if !matches!(
                    v.to_ascii_lowercase().as_str(),
                    "shared" | "private" | "locked"
                ) {
                    return Some(format!(
                        "unsupported mount sharing `{v}`: use shared, private or locked"
                    ));
                }
                sharing = true;
            }
            "mode" => {
                if u32::from_str_radix(&v, 8).is_err() {
                    return Some(format!("invalid mount mode `{v}`: it must be octal"));
                }
                file_info = Some("mode");
            }
            "uid" | "gid" => {
                if v.parse::<u32>().is_err() {
                    return Some(format!("invalid mount {key} `{v}`"));
                }
                file_info = Some(static_key);
            }
            _ => {}
        }
    }
    if let Some(key) = file_info
        && !matches!(mount_type, "secret" | "ssh" | "cache")
    {
        return Some(format!(
            "mount key `{key}` is not allowed for `type={mount_type}`"
        ));
    }
    if mount_type == "secret" {
        if from {
            return Some("a secret mount cannot have `from=`".into());
        }
        if sharing {
            return Some("a secret mount cannot set `sharing=`".into());
        }
        if !source && !target && !id {
            return Some("a secret mount needs `id=` or `target=`".into());
        }
        if source && id {
            return Some("a secret mount cannot set both `source=` and `id=`".into());
        }
    }
    if sharing && mount_type != "cache" {
        return Some(format!(
            "`sharing=` only applies to cache mounts, not `type={mount_type}`"
        ));
    }
    None
}

/// CSV fields as Go's csv reader splits them (double quotes group commas).
fn csv_fields(value: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    fields.push(current);
    fields.retain(|f| !f.is_empty());
    fields
}

fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// `docker/go-units` RAMInBytes: a number with an optional b/k/m/g/t/p suffix (optionally `b`/`ib`).
fn is_ram_size(v: &str) -> bool {
    let lower = v.trim().to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (num, unit) = lower.split_at(digits_end);
    num.parse::<f64>().is_ok()
        && matches!(
            unit.trim(),
            "" | "b"
                | "k"
                | "kb"
                | "kib"
                | "m"
                | "mb"
                | "mib"
                | "g"
                | "gb"
                | "gib"
                | "t"
                | "tb"
                | "tib"
                | "p"
                | "pb"
                | "pib"
        )
}

/// Go's `time.ParseDuration`, in nanoseconds; `None` when invalid.
pub(crate) fn go_duration(v: &str) -> Option<i128> {
    let negative = v.starts_with('-');
    let s = v.strip_prefix(['+', '-']).unwrap_or(v);
    if s == "0" {
        return Some(0);
    }
    if s.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, after) = rest.split_at(num_end);
        if num.is_empty() || num == "." {
            return None;
        }
        let n: f64 = num.parse().ok()?;
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += n * scale;
        rest = next;
    }
    let ns = total as i128;
    Some(if negative { -ns } else { ns })
}

/// `--chmod`: octal up to 07777, or a symbolic mode such as `u=rwX,go=rX`.
fn chmod_problem(v: &str) -> Option<String> {
    if v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty() {
        return match u32::from_str_radix(v, 8) {
            Ok(n) if n <= 0o7777 => None,
            _ => Some(format!(
                "invalid `--chmod={v}`: use an octal mode between 0 and 7777"
            )),
        };
    }
    let symbolic = v.split(',').all(|clause| {
        let who_end = clause
            .find(|c: char| !matches!(c, 'u' | 'g' | 'o' | 'a'))
            .unwrap_or(clause.len());
        let ops = &clause[who_end..];
        !ops.is_empty()
            && ops.starts_with(['+', '-', '='])
            && ops.chars().all(|c| {
                matches!(
                    c,
                    '+' | '-' | '=' | 'r' | 'w' | 'x' | 'X' | 's' | 't' | 'u' | 'g' | 'o'
                )
            })
    });
    (!symbolic).then(|| format!("invalid `--chmod={v}`: use an octal or symbolic mode"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&UnknownFlag);
    }

    fn messages(text: &str) -> Vec<String> {
        testing::run(&UnknownFlag, text)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn suggestions_and_case() {
        assert_eq!(
            messages("FROM a\nCOPY --From=b x y\n"),
            ["unknown flag `--From` for COPY (did you mean `--from`?)"]
        );
        assert_eq!(
            messages("FROM a\nCMD --verbose\n"),
            ["CMD takes no flags, `--verbose` is unknown"]
        );
    }

    #[test]
    fn mounts() {
        let bad = [
            "type=cache,target=/c,sharing=exclusive",
            "type=volume,target=/x",
            "type=bind,target=/x,mode=0755",
            "type=secret,from=x,id=a",
            "type=secret",
            "type=cache,target=/x,required",
            "type=cache,tagret=/x",
            "target=/x,size=10m",
            "type=cache,target=/x,uid=abc",
            "type=cache,target=/x,from=$STAGE",
        ];
        for m in bad {
            assert_eq!(
                testing::run(&UnknownFlag, &format!("FROM a\nRUN --mount={m} true\n")).len(),
                1,
                "{m}"
            );
        }
        let good = [
            "type=cache,target=/root/.cache,sharing=locked,id=pip,mode=0755,uid=1000",
            "type=secret,id=npm,env=NPM_TOKEN,required",
            "type=ssh",
            "type=tmpfs,target=/tmp,size=64m",
            "type=bind,from=build,source=/out,target=/in,rw",
            "target=/x,ro=true",
            "type=$UNSET_TYPE,whatever=1",
            "\"type=cache\",target=/c",
        ];
        for m in good {
            assert!(
                testing::run(
                    &UnknownFlag,
                    &format!("FROM a\nARG UNSET_TYPE\nRUN --mount={m} true\n")
                )
                .is_empty(),
                "{m}"
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration("1m30s"), Some(90_000_000_000));
        assert_eq!(go_duration("500ms"), Some(500_000_000));
        assert_eq!(go_duration("1.5h"), Some(5_400_000_000_000));
        assert_eq!(go_duration("0"), Some(0));
        assert_eq!(go_duration("30"), None);
        assert_eq!(go_duration("5 s"), None);
    }

    #[test]
    fn chmod_values() {
        assert!(chmod_problem("755").is_none());
        assert!(chmod_problem("u=rwX,go=rX").is_none());
        assert!(chmod_problem("+x").is_none());
        assert!(chmod_problem("999").is_some());
        assert!(chmod_problem("rwx").is_some());
    }
}
