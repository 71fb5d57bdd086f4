//! The declarative policy: parsing it from TOML with positions, checking every value before it
//! reaches a profile, and deriving one from a recording.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use dockguard_trace::{FileAccess, Trace};
use serde::Deserialize;
use toml::Spanned;

use crate::names::{CAPABILITIES, NETWORK_FAMILIES, NETWORK_TYPES, VARIABLES};

/// What a container may do, in terms an AppArmor profile can express. Every set is sorted, so a
/// policy renders the same way every time. See the crate documentation for the TOML format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The profile's name; `None` leaves it to the caller.
    pub name: Option<String>,
    /// Path patterns readable (`r`).
    pub read_only: BTreeSet<String>,
    /// Path patterns readable, writable and lockable (`rwk`).
    pub writable: BTreeSet<String>,
    /// Path patterns denied every access (`deny … rwklmx`), whatever else allows them.
    pub denied: BTreeSet<String>,
    /// Path patterns that may be executed, inheriting the profile (`rix`).
    pub executables: BTreeSet<String>,
    /// Path patterns that may be mapped executable (`rm`), e.g. shared libraries.
    pub mapped: BTreeSet<String>,
    /// Capabilities as `CAP_NAME`.
    pub capabilities: BTreeSet<String>,
    /// Network entries, canonical: `tcp`, `udp`, `icmp`, `raw`, `all`, `FAMILY` or
    /// `FAMILY TYPE`.
    pub network: BTreeSet<String>,
}

/// A policy file that cannot be used, with where: `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for PolicyError {}

/// A value of a [`Policy`] built in code that no profile may contain (the parser reports the
/// same problems with positions, as [`PolicyError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// The file as written; `Spanned` keeps each value's byte range for error positions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Option<Spanned<String>>,
    #[serde(default)]
    read_only: Vec<Spanned<String>>,
    #[serde(default)]
    writable: Vec<Spanned<String>>,
    #[serde(default)]
    denied: Vec<Spanned<String>>,
    #[serde(default)]
    executables: Vec<Spanned<String>>,
    #[serde(default)]
    mapped: Vec<Spanned<String>>,
    #[serde(default)]
    capabilities: Vec<Spanned<String>>,
    #[serde(default)]
    network: Vec<Spanned<String>>,
}

/// Longest path pattern accepted (the kernel's `PATH_MAX`).
const MAX_PATH: usize = 4096;

impl Policy {
    /// Parses a policy file's text; `file` names it in errors.
    ///
    /// ```
    /// let p = dockguard_apparmor::Policy::parse("p.toml", "read_only = [\"/etc/hosts\"]\n").unwrap();
    /// assert!(p.read_only.contains("/etc/hosts"));
    /// let e = dockguard_apparmor::Policy::parse("p.toml", "\ncapabilities = [\"CAP_NOPE\"]\n")
    ///     .unwrap_err();
    /// assert_eq!((e.line, e.column), (2, 17));
    /// ```
    pub fn parse(file: &str, text: &str) -> Result<Policy, PolicyError> {
        let at = |offset: usize, message: String| {
            let (line, column) = position(text, offset);
            PolicyError {
                file: file.to_string(),
                line,
                column,
                message,
            }
        };
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            at(
                e.span().map_or(0, |s| s.start),
                e.message().trim_end().to_string(),
            )
        })?;
        let mut policy = Policy::default();
        if let Some(name) = raw.name {
            check_name(name.get_ref()).map_err(|m| at(name.span().start, m))?;
            policy.name = Some(name.into_inner());
        }
        for (list, set) in [
            (raw.read_only, &mut policy.read_only),
            (raw.writable, &mut policy.writable),
            (raw.denied, &mut policy.denied),
            (raw.executables, &mut policy.executables),
            (raw.mapped, &mut policy.mapped),
        ] {
            for path in list {
                check_path(path.get_ref()).map_err(|m| at(path.span().start, m))?;
                set.insert(path.into_inner());
            }
        }
        for cap in raw.capabilities {
            let name = check_capability(cap.get_ref()).map_err(|m| at(cap.span().start, m))?;
            policy.capabilities.insert(name);
        }
        for net in raw.network {
            let entry = check_network(net.get_ref()).map_err(|m| at(net.span().start, m))?;
            policy.network.insert(entry);
        }
        Ok(policy)
    }

    /// Checks every value, for a policy built or changed in code; [`crate::render`] calls it.
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(name) = &self.name {
            check_name(name).map_err(|m| Invalid(format!("name {name:?}: {m}")))?;
        }
        for (key, set) in self.path_sets() {
            for path in set {
                check_path(path).map_err(|m| Invalid(format!("{key} path {path:?}: {m}")))?;
            }
        }
        for cap in &self.capabilities {
            check_capability(cap).map_err(|m| Invalid(format!("capability {cap:?}: {m}")))?;
        }
        for net in &self.network {
            check_network(net).map_err(|m| Invalid(format!("network {net:?}: {m}")))?;
        }
        Ok(())
    }

    pub(crate) fn path_sets(&self) -> [(&'static str, &BTreeSet<String>); 5] {
        [
            ("read_only", &self.read_only),
            ("writable", &self.writable),
            ("denied", &self.denied),
            ("executables", &self.executables),
            ("mapped", &self.mapped),
        ]
    }

    /// The policy a recording implies: reads become `read_only`, writes `writable` (which
    /// includes reading), executable mappings `mapped`, executions `executables`; capabilities
    /// and sockets carry over. Directories get a trailing `/`.
    ///
    /// Noisy families are collapsed so that the profile still allows the next run:
    /// `/proc/<pid>` and `/proc/self` → `/proc/@{pid}`, `/proc/<pid>/task/<tid>` →
    /// `…/task/@{tid}`, `/dev/pts/<n>` → `/dev/pts/[0-9]*`, `/sys/devices/system/cpu/cpu<n>`
    /// → `…/cpu[0-9]*`; a temporary directory (`/tmp`, `/var/tmp`, `/dev/shm`) the command
    /// wrote in becomes `DIR/**` writable, as file names there change every run. Other paths
    /// stay individual (least privilege). Characters a profile cannot hold literally (glob
    /// characters, quotes, backslashes, control characters) become `?`, which matches them:
    /// a derived profile never denies what was recorded. Capability names the kernel does not
    /// have are dropped; a socket family AppArmor cannot name becomes `all`.
    pub fn from_trace(trace: &Trace, name: Option<&str>) -> Policy {
        let mut files: BTreeMap<Vec<String>, (FileAccess, bool)> = BTreeMap::new();
        for (path, access) in &trace.files {
            if let Some(comps) = trace_components(path) {
                let entry = files.entry(comps).or_default();
                entry.0 = entry.0.union(*access);
                entry.1 |= access.dir;
            }
        }
        // Temporary directories written in become `DIR/**`.
        let written_temp: BTreeSet<usize> = files
            .iter()
            .filter(|(_, (a, _))| a.write)
            .filter_map(|(c, _)| temp_dir(c))
            .collect();
        let mut merged: BTreeMap<String, FileAccess> = BTreeMap::new();
        for (comps, (access, dir)) in files {
            let pattern = match temp_dir(&comps) {
                Some(t) if written_temp.contains(&t) => format!("/{}/**", TEMP_DIRS[t].join("/")),
                _ if comps.is_empty() => "/".to_string(),
                _ if dir => format!("/{}/", comps.join("/")),
                _ => format!("/{}", comps.join("/")),
            };
            let a = merged.entry(pattern).or_default();
            *a = a.union(access);
        }
        let mut policy = Policy {
            name: name.map(str::to_string),
            ..Policy::default()
        };
        for (pattern, a) in merged {
            if a.write || pattern.ends_with("/**") {
                policy.writable.insert(pattern.clone());
            } else if a.read && !a.map_exec && !a.exec {
                // (`mapped` and `executables` include reading.)
                policy.read_only.insert(pattern.clone());
            }
            if a.map_exec {
                policy.mapped.insert(pattern.clone());
            }
            if a.exec {
                policy.executables.insert(pattern);
            }
        }
        policy.capabilities = trace
            .capabilities
            .iter()
            .filter_map(|c| check_capability(c).ok())
            .collect();
        for s in &trace.sockets {
            let family = s.family.to_ascii_lowercase();
            let kind = s.kind.to_ascii_lowercase();
            let entry = if !NETWORK_FAMILIES.contains(&family.as_str()) {
                "all".to_string()
            } else if NETWORK_TYPES.contains(&kind.as_str()) {
                format!("{family} {kind}")
            } else {
                family
            };
            policy.network.insert(entry);
        }
        policy
    }

    /// The policy as a TOML file [`Policy::parse`] reads back, for editing.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# AppArmor policy for `dockguard apparmor generate --policy FILE` (see docs/apparmor.md).\n",
        );
        if let Some(name) = &self.name {
            out.push_str(&format!("name = {}\n", toml_string(name)));
        }
        let lists: [(&str, &str, &BTreeSet<String>); 7] = [
            ("read_only", "readable (r)", &self.read_only),
            (
                "writable",
                "readable, writable, lockable (rwk)",
                &self.writable,
            ),
            ("denied", "denied whatever allows them", &self.denied),
            (
                "executables",
                "executed, inheriting the profile (rix)",
                &self.executables,
            ),
            ("mapped", "mapped executable (rm)", &self.mapped),
            ("capabilities", "capabilities", &self.capabilities),
            ("network", "network", &self.network),
        ];
        for (key, what, set) in lists {
            out.push_str(&format!("\n# {what}\n{key} = ["));
            if set.is_empty() {
                out.push_str("]\n");
                continue;
            }
            out.push('\n');
            for v in set {
                out.push_str(&format!("    {},\n", toml_string(v)));
            }
            out.push_str("]\n");
        }
        out
    }
}

/// Temporary directories whose file names change from run to run.
const TEMP_DIRS: [&[&str]; 3] = [&["tmp"], &["var", "tmp"], &["dev", "shm"]];

/// The index in [`TEMP_DIRS`] of the temporary directory `comps` lies strictly below.
fn temp_dir(comps: &[String]) -> Option<usize> {
    TEMP_DIRS
        .iter()
        .position(|t| comps.len() > t.len() && t.iter().zip(comps).all(|(a, b)| a == b))
}

/// A recorded absolute path as pattern components: characters that are special in a profile
/// replaced by `?`, and the per-process families of `/proc`, `/dev/pts` and `/sys` collapsed.
fn trace_components(path: &str) -> Option<Vec<String>> {
    if !path.starts_with('/') || path.len() > MAX_PATH {
        return None;
    }
    let mut comps: Vec<String> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(|c| {
            c.chars()
                .map(|ch| if is_special(ch) { '?' } else { ch })
                .collect()
        })
        .collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if comps.first().is_some_and(|c| c == "proc") && comps.len() > 1 {
        if digits(&comps[1]) || comps[1] == "self" {
            comps[1] = "@{pid}".into();
        } else if comps[1] == "thread-self" {
            comps.splice(1..2, ["@{pid}".into(), "task".into(), "@{tid}".into()]);
        }
        if comps[1] == "@{pid}" && comps.len() > 3 && comps[2] == "task" && digits(&comps[3]) {
            comps[3] = "@{tid}".into();
        }
    }
    if comps.len() > 2 && comps[0] == "dev" && comps[1] == "pts" && digits(&comps[2]) {
        comps[2] = "[0-9]*".into();
    }
    if comps.len() > 4
        && comps[..4] == ["sys", "devices", "system", "cpu"]
        && comps[4].strip_prefix("cpu").is_some_and(digits)
    {
        comps[4] = "cpu[0-9]*".into();
    }
    Some(comps)
}

/// A character a recorded path cannot carry literally into a profile: glob syntax, quote,
/// backslash, control characters.
fn is_special(ch: char) -> bool {
    matches!(ch, '*' | '?' | '[' | ']' | '{' | '}' | '\\' | '"' | '^') || ch.is_control()
}

/// Checks a profile name: 1 to 64 letters, digits, `.`, `_`, `-`, starting with a letter or
/// digit (it appears unquoted in `profile NAME` and `peer=NAME`).
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid profile name {name:?}: use 1 to 64 letters, digits, '.', '_' or '-', \
             starting with a letter or digit"
        ))
    }
}

/// Checks a path pattern: absolute (or starting with a known `@{variable}`), at most 4096
/// bytes, no `"`, `\` or control characters, balanced `{}` and `[]`, only the variables of
/// [`VARIABLES`]. These are what would break the profile's syntax or make the parser refuse it.
pub fn check_path(path: &str) -> Result<(), String> {
    if !(path.starts_with('/') || path.starts_with("@{")) {
        return Err(format!(
            "path {path:?} is not absolute: start it with '/' (or an @{{variable}} such as @{{PROC}})"
        ));
    }
    if path.len() > MAX_PATH {
        return Err(format!("path is longer than {MAX_PATH} bytes"));
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(format!(
            "path {path:?} contains the control character {c:?}, which a profile cannot hold"
        ));
    }
    if path.contains('"') {
        return Err(format!(
            "path {path:?} contains '\"', which would end the quoted path in the profile; use ? to match it"
        ));
    }
    if path.contains('\\') {
        return Err(format!(
            "path {path:?} contains '\\'; escapes are not supported, use ? to match a special character"
        ));
    }
    let chars: Vec<char> = path.chars().collect();
    // Per open `{`: how many `,` it holds so far (AppArmor wants at least one).
    let mut groups: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '@' if chars.get(i + 1) == Some(&'{') => {
                let rest: String = chars[i + 2..].iter().collect();
                let Some(end) = rest.find('}') else {
                    return Err(format!("path {path:?}: @{{ is not closed"));
                };
                let var = &rest[..end];
                if !VARIABLES.contains(&var) {
                    return Err(format!(
                        "path {path:?}: unknown variable @{{{var}}} (known: {})",
                        VARIABLES.join(", ")
                    ));
                }
                i += 2 + var.chars().count() + 1;
                continue;
            }
            '{' => groups.push(0),
            '}' => match groups.pop() {
                None => return Err(format!("path {path:?}: '}}' without '{{'")),
                Some(0) => {
                    return Err(format!(
                        "path {path:?}: {{…}} needs alternatives separated by ',' (e.g. {{a,b}})"
                    ));
                }
                Some(_) => {}
            },
            ',' => {
                if let Some(n) = groups.last_mut() {
                    *n += 1;
                }
            }
            '[' => {
                let close = chars[i + 1..].iter().position(|&c| c == ']');
                match close {
                    Some(n) if n > 0 => {
                        let class = &chars[i + 1..i + 1 + n];
                        if !valid_class(class) {
                            return Err(format!(
                                "path {path:?}: the character class [{}] is not valid: use \
                                 characters and ranges a-z, optionally after ^ and one '-' \
                                 (no '/', no @{{variable}})",
                                class.iter().collect::<String>()
                            ));
                        }
                        i += n + 1;
                    }
                    _ => {
                        return Err(format!(
                            "path {path:?}: '[' starts a character class that is not closed by ']' (use ? to match '[')"
                        ));
                    }
                }
            }
            ']' => return Err(format!("path {path:?}: ']' without '['")),
            _ => {}
        }
        i += 1;
    }
    if !groups.is_empty() {
        return Err(format!("path {path:?}: '{{' is not closed by '}}'"));
    }
    Ok(())
}

/// Whether a character class's contents (between `[` and `]`) are ones `apparmor_parser`
/// accepts: an optional `^`, an optional literal `-`, then characters and ranges `a-z`, at least
/// one item in all; never `/`, `@` (a variable would expand inside the class) or glob
/// characters.
fn valid_class(class: &[char]) -> bool {
    let mut rest = class.strip_prefix(&['^']).unwrap_or(class);
    let mut items = 0;
    if let Some(r) = rest.strip_prefix(&['-']) {
        rest = r;
        items += 1;
    }
    // Glob characters inside a class confuse the parser (`[?[]` is refused): keep them out.
    let plain = |c: char| !matches!(c, '-' | '/' | '@' | '[' | '?' | '*' | '{' | '}' | '^' | ',');
    while let Some((&c, r)) = rest.split_first() {
        if !plain(c) {
            return false;
        }
        rest = match r {
            ['-', d, r @ ..] if plain(*d) => r,
            _ => r,
        };
        items += 1;
    }
    items > 0
}

/// A capability name (`chown`, `CAP_CHOWN`, any case) as `CAP_CHOWN`, or why not.
pub fn check_capability(name: &str) -> Result<String, String> {
    let lower = name.trim().to_ascii_lowercase();
    let bare = lower.strip_prefix("cap_").unwrap_or(&lower);
    if CAPABILITIES.contains(&bare) {
        Ok(format!("CAP_{}", bare.to_ascii_uppercase()))
    } else {
        Err(format!(
            "unknown capability {name:?} (e.g. CAP_CHOWN, NET_BIND_SERVICE; see capabilities(7))"
        ))
    }
}

/// A network entry in canonical form, or why not: `tcp`, `udp`, `icmp`, `raw` (IPv4 and IPv6
/// unless stated), `packet`, `unix`, `all`, or AppArmor's `FAMILY [TYPE]`.
pub fn check_network(entry: &str) -> Result<String, String> {
    let words: Vec<String> = entry
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let ok = match words.as_slice() {
        [w] => {
            matches!(w.as_str(), "tcp" | "udp" | "icmp" | "raw" | "all")
                || NETWORK_FAMILIES.contains(&w.as_str())
        }
        [f, t] => NETWORK_FAMILIES.contains(&f.as_str()) && NETWORK_TYPES.contains(&t.as_str()),
        _ => false,
    };
    if ok {
        Ok(words.join(" "))
    } else {
        Err(format!(
            "unknown network entry {entry:?}: use tcp, udp, icmp, raw, packet, unix, all, or \
             FAMILY [TYPE] (e.g. \"inet6 stream\", \"netlink raw\")"
        ))
    }
}

/// A string as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
