//! Docker Compose files (Compose Specification, and `docker stack` files): every service,
//! `extends`, `include`, profiles (all services are checked, whatever their profile),
//! `${VAR}` interpolation with the `.env` file next to the compose file, `secrets:`, and
//! Swarm `deploy:` limits and restart policies.

use super::common::{apply_security_opt, parse_port_short, parse_restart, parse_volume_short};
use crate::check::LoadError;
use crate::locate::Locator;
use crate::model::{
    ConfigEntry, ContainerSettings, EnvVar, Healthcheck, Mount, MountKind, Namespace, Port,
    Restart, SecretObject, Setting, SourceKind, Workload,
};
use crate::yaml::{Kind, Node, parse_stream_in};
use dockguard_core::Location;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Included or extended files read at most this deep.
const MAX_INCLUDE_DEPTH: usize = 8;
/// Files read besides the main one are refused above this size.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The texts a compose project is read from: the main file is number 0.
struct Sources {
    names: Vec<String>,
    texts: Vec<String>,
    /// Scalars as written before interpolation, by (source, start byte).
    raw: HashMap<(u32, usize), String>,
}

/// Locations cached per source (building a `LineIndex` per node would be quadratic).
struct Locs<'a> {
    locators: Vec<Locator<'a>>,
    raw: &'a HashMap<(u32, usize), String>,
}

impl<'a> Locs<'a> {
    fn new(sources: &'a Sources) -> Self {
        Locs {
            locators: sources
                .names
                .iter()
                .zip(&sources.texts)
                .map(|(n, t)| Locator::new(n.clone(), t))
                .collect(),
            raw: &sources.raw,
        }
    }

    /// The scalar as written, before `${VAR}` interpolation.
    fn raw(&self, node: &Node) -> Option<&str> {
        self.raw
            .get(&(node.src, node.span.start))
            .map(String::as_str)
    }

    fn at(&self, node: &Node) -> Location {
        self.locators[node.src as usize].loc(node.span.clone())
    }
}

pub fn load(file: &str, path: Option<&Path>, text: &str) -> Result<Workload, LoadError> {
    let mut sources = Sources {
        names: vec![file.to_string()],
        texts: vec![text.to_string()],
        raw: HashMap::new(),
    };
    let dir = path.and_then(Path::parent).map(Path::to_path_buf);
    let env = dir.as_deref().map(read_dotenv).unwrap_or_default();
    let mut root = parse_one(file, text, 0)?;
    interpolate(&mut root, &env, &mut sources.raw);
    let mut services: Vec<(Node, Node)> = Vec::new();
    let mut secrets: Vec<(Node, Node)> = Vec::new();
    let configs: Vec<(Node, Node)> = root
        .get("configs")
        .map(|c| c.entries().to_vec())
        .unwrap_or_default();
    if let Some(dir) = &dir {
        let mut seen = vec![path.map(Path::to_path_buf).unwrap_or_default()];
        read_includes(
            &root,
            dir,
            &mut sources,
            &mut services,
            &mut secrets,
            &mut seen,
            0,
        )?;
    }
    services.extend(
        root.get("services")
            .map(|s| s.entries().to_vec())
            .unwrap_or_default(),
    );
    secrets.extend(
        root.get("secrets")
            .map(|s| s.entries().to_vec())
            .unwrap_or_default(),
    );
    if let Some(services_node) = root.get("services")
        && !matches!(services_node.kind, Kind::Map(_))
        && !services_node.is_null()
    {
        return Err(LoadError::at(
            file,
            text,
            services_node.span.start,
            "`services` must be a mapping",
        ));
    }

    // `extends` needs every service by name, including those of other files.
    let by_name: HashMap<String, Node> = services
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
        .collect();
    let mut resolved = Vec::new();
    for (key, service) in &services {
        let Some(name) = key.as_str() else { continue };
        let service = resolve_extends(
            service,
            &by_name,
            dir.as_deref(),
            &mut sources,
            &env,
            &mut Vec::new(),
            0,
        )?;
        resolved.push((name.to_string(), key.clone(), service));
    }

    let locs = Locs::new(&sources);
    let mut workload = Workload::default();
    for (name, key, service) in &resolved {
        workload
            .containers
            .push(service_settings(name, key, service, &locs));
    }
    for (key, config) in &configs {
        if let (Some(name), Some(content)) = (key.as_str(), config.get("content"))
            && let Some(value) = content.as_str()
        {
            workload.config_entries.push(ConfigEntry {
                object: format!("config `{name}`"),
                key: name.to_string(),
                value: value.to_string(),
                loc: locs.at(key),
                value_loc: locs.at(content),
            });
        }
    }
    for (key, secret) in &secrets {
        // `environment:` and `file:` secrets keep data out of the file; inline `content:`
        // (Compose ≥ 2.23 for configs, some tools accept it for secrets) does not.
        if let (Some(name), Some(content)) = (key.as_str(), secret.key("content")) {
            workload.secrets.push(SecretObject {
                name: name.to_string(),
                keys: vec![Setting::new("content".to_string(), locs.at(content))],
                loc: locs.at(key),
            });
        }
    }
    Ok(workload)
}

fn parse_one(file: &str, text: &str, src: u32) -> Result<Node, LoadError> {
    let mut docs = parse_stream_in(text, src).map_err(|e| LoadError::from_yaml(file, e))?;
    match docs.len() {
        0 => Ok(Node {
            kind: Kind::Map(Vec::new()),
            span: 0..0,
            src,
        }),
        1 => {
            let doc = docs.remove(0);
            if doc.as_map().is_none() {
                return Err(LoadError::at(
                    file,
                    text,
                    doc.span.start,
                    "a compose file must be a mapping",
                ));
            }
            Ok(doc)
        }
        _ => Err(LoadError::at(
            file,
            text,
            docs[1].span.start,
            "a compose file holds one YAML document",
        )),
    }
}

/// Reads `KEY=VALUE` lines of `.env` (comments, `export`, quotes).
fn read_dotenv(dir: &Path) -> HashMap<String, String> {
    let mut env = HashMap::new();
    let path = dir.join(".env");
    let Ok(meta) = std::fs::metadata(&path) else {
        return env;
    };
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return env;
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return env;
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let v = if (v.starts_with('"') && v.ends_with('"') && v.len() >= 2)
                || (v.starts_with('\'') && v.ends_with('\'') && v.len() >= 2)
            {
                &v[1..v.len() - 1]
            } else {
                v.split(" #").next().unwrap_or(v).trim()
            };
            env.insert(k.trim().to_string(), v.to_string());
        }
    }
    env
}

/// Substitutes `${VAR}`, `$VAR` and their modifiers in every scalar value (not keys).
fn interpolate(
    node: &mut Node,
    env: &HashMap<String, String>,
    raw: &mut HashMap<(u32, usize), String>,
) {
    match &mut node.kind {
        Kind::Scalar { value, .. } => {
            if value.contains('$') {
                let written = std::mem::take(value);
                *value = substitute(&written, env);
                raw.insert((node.src, node.span.start), written);
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(|n| interpolate(n, env, raw)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, v)| interpolate(v, env, raw)),
    }
}

/// `${VAR}`, `${VAR:-}`, `$VAR`: a value that comes entirely from the environment (or `.env`),
/// with no literal text in the compose file itself.
fn is_pure_reference(written: &str) -> bool {
    written.contains('$') && substitute(written, &HashMap::new()).is_empty()
}

/// Compose interpolation: `$$` escapes, `${V:-d}`/`${V-d}` defaults, `${V:+r}`/`${V+r}`,
/// `${V:?e}`/`${V?e}` (an unset required variable reads as empty here; compose would stop).
pub fn substitute(text: &str, env: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            let Some(end) = matching_brace(r) else {
                out.push_str("${");
                rest = r;
                continue;
            };
            let inner = &r[..end];
            rest = &r[end + 1..];
            let name_end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, modifier) = inner.split_at(name_end);
            let value = env.get(name).map(String::as_str);
            let pick = |m: &str| -> Option<(bool, &str)> {
                modifier
                    .strip_prefix(m)
                    .map(|arg| (m.starts_with(':'), arg))
            };
            let resolved = if let Some((colon, default)) = pick(":-").or_else(|| pick("-")) {
                match value {
                    Some(v) if !(colon && v.is_empty()) => v.to_string(),
                    _ => substitute(default, env),
                }
            } else if let Some((colon, replacement)) = pick(":+").or_else(|| pick("+")) {
                match value {
                    Some(v) if !(colon && v.is_empty()) => substitute(replacement, env),
                    _ => String::new(),
                }
            } else {
                value.unwrap_or("").to_string()
            };
            out.push_str(&resolved);
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
                out.push('$');
            } else {
                out.push_str(env.get(&rest[..end]).map_or("", String::as_str));
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Reads another compose file of the project (size-capped, regular files only).
fn read_file(
    dir: &Path,
    relative: &str,
    sources: &mut Sources,
    from: &Node,
) -> Result<(PathBuf, u32), LoadError> {
    let path = dir.join(relative);
    let err = |sources: &Sources, message: String| {
        let i = from.src as usize;
        LoadError::at(
            &sources.names[i],
            &sources.texts[i],
            from.span.start,
            message,
        )
    };
    let meta = std::fs::metadata(&path)
        .map_err(|e| err(sources, format!("cannot read `{relative}`: {e}")))?;
    if !meta.is_file() {
        return Err(err(sources, format!("`{relative}` is not a regular file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(
            sources,
            format!("`{relative}` is larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| err(sources, format!("cannot read `{relative}`: {e}")))?;
    let src = sources.texts.len() as u32;
    sources.names.push(path.to_string_lossy().into_owned());
    sources.texts.push(text);
    Ok((path, src))
}

#[allow(clippy::too_many_arguments)]
fn read_includes(
    root: &Node,
    dir: &Path,
    sources: &mut Sources,
    services: &mut Vec<(Node, Node)>,
    secrets: &mut Vec<(Node, Node)>,
    seen: &mut Vec<PathBuf>,
    depth: usize,
) -> Result<(), LoadError> {
    let Some(include) = root.get("include") else {
        return Ok(());
    };
    for item in include.items() {
        let paths: Vec<&Node> = match &item.kind {
            Kind::Scalar { .. } => vec![item],
            Kind::Map(_) => match item.get("path") {
                Some(p) if p.as_seq().is_some() => p.items().iter().collect(),
                Some(p) => vec![p],
                None => Vec::new(),
            },
            Kind::Seq(_) => Vec::new(),
        };
        for path_node in paths {
            let Some(relative) = path_node.as_str() else {
                continue;
            };
            if depth >= MAX_INCLUDE_DEPTH {
                let i = path_node.src as usize;
                return Err(LoadError::at(
                    &sources.names[i],
                    &sources.texts[i],
                    path_node.span.start,
                    "includes nested too deep",
                ));
            }
            let (path, src) = read_file(dir, relative, sources, path_node)?;
            if seen.contains(&path) {
                let i = path_node.src as usize;
                return Err(LoadError::at(
                    &sources.names[i],
                    &sources.texts[i],
                    path_node.span.start,
                    format!("`{relative}` includes itself"),
                ));
            }
            seen.push(path.clone());
            let name = sources.names[src as usize].clone();
            let text = sources.texts[src as usize].clone();
            let mut doc = parse_one(&name, &text, src)?;
            let sub_dir = path.parent().unwrap_or(dir).to_path_buf();
            interpolate(&mut doc, &read_dotenv(&sub_dir), &mut sources.raw);
            read_includes(&doc, &sub_dir, sources, services, secrets, seen, depth + 1)?;
            services.extend(
                doc.get("services")
                    .map(|s| s.entries().to_vec())
                    .unwrap_or_default(),
            );
            secrets.extend(
                doc.get("secrets")
                    .map(|s| s.entries().to_vec())
                    .unwrap_or_default(),
            );
        }
    }
    Ok(())
}

/// Applies `extends` (same file or `file:`): the base service's settings, overridden by the
/// service's own; mappings merge key by key, sequences add up.
fn resolve_extends(
    service: &Node,
    by_name: &HashMap<String, Node>,
    dir: Option<&Path>,
    sources: &mut Sources,
    env: &HashMap<String, String>,
    chain: &mut Vec<String>,
    depth: usize,
) -> Result<Node, LoadError> {
    let Some(extends) = service.get("extends") else {
        return Ok(service.clone());
    };
    let error = |sources: &Sources, message: String| {
        let i = extends.src as usize;
        LoadError::at(
            &sources.names[i],
            &sources.texts[i],
            extends.span.start,
            message,
        )
    };
    if depth >= MAX_INCLUDE_DEPTH {
        return Err(error(sources, "`extends` nested too deep".into()));
    }
    let (base_name, file) = match &extends.kind {
        Kind::Scalar { .. } => (extends.as_str().map(str::to_string), None),
        Kind::Map(_) => (
            extends
                .get("service")
                .and_then(Node::as_str)
                .map(str::to_string),
            extends.get("file"),
        ),
        Kind::Seq(_) => (None, None),
    };
    let Some(base_name) = base_name else {
        return Err(error(sources, "`extends` needs a service name".into()));
    };
    let chain_key = format!("{}#{base_name}", file.and_then(Node::as_str).unwrap_or(""));
    if chain.contains(&chain_key) {
        return Err(error(
            sources,
            format!("`extends` cycle through `{base_name}`"),
        ));
    }
    chain.push(chain_key);
    let base = match (file.and_then(Node::as_str), dir) {
        (Some(relative), Some(dir)) => {
            let file_node = file.expect("file is set");
            let (path, src) = read_file(dir, relative, sources, file_node)?;
            let name = sources.names[src as usize].clone();
            let text = sources.texts[src as usize].clone();
            let mut doc = parse_one(&name, &text, src)?;
            interpolate(&mut doc, env, &mut sources.raw);
            let others: HashMap<String, Node> = doc
                .get("services")
                .map(|s| {
                    s.entries()
                        .iter()
                        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
                        .collect()
                })
                .unwrap_or_default();
            let Some(base) = others.get(&base_name) else {
                return Err(error(
                    sources,
                    format!("no service `{base_name}` in `{relative}`"),
                ));
            };
            let sub_dir = path.parent().map(Path::to_path_buf);
            resolve_extends(
                base,
                &others,
                sub_dir.as_deref(),
                sources,
                env,
                chain,
                depth + 1,
            )?
        }
        (Some(_), None) => return Ok(service.clone()),
        (None, _) => {
            let Some(base) = by_name.get(&base_name) else {
                return Err(error(
                    sources,
                    format!("no service `{base_name}` to extend"),
                ));
            };
            resolve_extends(base, by_name, dir, sources, env, chain, depth + 1)?
        }
    };
    Ok(merge(&base, service))
}

/// `overlay` on top of `base`: mappings merge per key, sequences concatenate, scalars replace.
fn merge(base: &Node, overlay: &Node) -> Node {
    match (&base.kind, &overlay.kind) {
        (Kind::Map(b), Kind::Map(o)) => {
            let mut entries: Vec<(Node, Node)> = Vec::new();
            for (k, v) in b {
                if k.as_str() == Some("extends") {
                    continue;
                }
                match o.iter().find(|(ok, _)| ok.as_str() == k.as_str()) {
                    Some((ok, ov)) => entries.push((ok.clone(), merge(v, ov))),
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            for (k, v) in o {
                if k.as_str() != Some("extends")
                    && !b.iter().any(|(bk, _)| bk.as_str() == k.as_str())
                {
                    entries.push((k.clone(), v.clone()));
                }
            }
            Node {
                kind: Kind::Map(entries),
                span: overlay.span.clone(),
                src: overlay.src,
            }
        }
        (Kind::Seq(b), Kind::Seq(o)) => {
            let mut items = b.clone();
            items.extend(o.iter().cloned());
            Node {
                kind: Kind::Seq(items),
                span: overlay.span.clone(),
                src: overlay.src,
            }
        }
        _ => overlay.clone(),
    }
}

/// A sequence of strings or a `KEY: VALUE` mapping, as `(key, value, key node, value node)`.
fn list_or_map(node: &Node) -> Vec<(String, Option<String>, &Node, &Node)> {
    match &node.kind {
        Kind::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.as_str()?.to_string(),
                    v.as_str().map(str::to_string),
                    k,
                    v,
                ))
            })
            .collect(),
        Kind::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let text = item.as_str()?;
                Some(match text.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string()), item, item),
                    None => (text.to_string(), None, item, item),
                })
            })
            .collect(),
        Kind::Scalar { .. } => Vec::new(),
    }
}

fn string_setting(service: &Node, key: &str, locs: &Locs) -> Option<Setting<String>> {
    let node = service.get(key)?;
    Some(Setting::new(node.as_str()?.to_string(), locs.at(node)))
}

fn bool_setting(service: &Node, key: &str, locs: &Locs) -> Option<Setting<bool>> {
    let node = service.get(key)?;
    Some(Setting::new(node.as_bool()?, locs.at(node)))
}

fn namespace(service: &Node, key: &str, locs: &Locs) -> Option<Setting<Namespace>> {
    let node = service.get(key)?;
    Some(Setting::new(
        Namespace::parse(node.as_str()?),
        locs.at(node),
    ))
}

fn service_settings(name: &str, key: &Node, service: &Node, locs: &Locs) -> ContainerSettings {
    let mut s = ContainerSettings::new(SourceKind::Compose, name, locs.at(key));
    // With `build:`, `image:` names the image built here, not one pulled from a registry.
    if service.get("build").is_none() {
        s.image = string_setting(service, "image", locs);
    }
    s.user = string_setting(service, "user", locs);
    s.privileged = bool_setting(service, "privileged", locs);
    s.read_only_rootfs = bool_setting(service, "read_only", locs);
    s.oom_kill_disable = bool_setting(service, "oom_kill_disable", locs);
    for (field, list) in [("cap_add", &mut s.cap_add), ("cap_drop", &mut s.cap_drop)] {
        for item in service.get(field).map(Node::items).unwrap_or_default() {
            if let Some(cap) = item.as_str() {
                list.push(Setting::new(cap.to_string(), locs.at(item)));
            }
        }
    }
    s.pid = namespace(service, "pid", locs);
    s.ipc = namespace(service, "ipc", locs);
    s.network = namespace(service, "network_mode", locs);
    s.uts = namespace(service, "uts", locs);
    s.userns = namespace(service, "userns_mode", locs);
    s.cgroupns = namespace(service, "cgroup", locs);
    s.cgroup_parent = string_setting(service, "cgroup_parent", locs);

    // Limits: service-level keys, then Swarm `deploy.resources.limits`.
    s.memory_limit = string_setting(service, "mem_limit", locs);
    s.cpu_limit = string_setting(service, "cpus", locs)
        .or_else(|| string_setting(service, "cpu_quota", locs))
        .or_else(|| string_setting(service, "cpu_shares", locs));
    if let Some(node) = service.get("pids_limit")
        && let Some(n) = node.as_i64()
    {
        s.pids_limit = Some(Setting::new(n, locs.at(node)));
    }
    if let Some(limits) = service.path(&["deploy", "resources", "limits"]) {
        if s.memory_limit.is_none() {
            s.memory_limit = string_setting(limits, "memory", locs);
        }
        if s.cpu_limit.is_none() {
            s.cpu_limit = string_setting(limits, "cpus", locs);
        }
        if s.pids_limit.is_none()
            && let Some(node) = limits.get("pids")
            && let Some(n) = node.as_i64()
        {
            s.pids_limit = Some(Setting::new(n, locs.at(node)));
        }
    }

    for item in service
        .get("security_opt")
        .map(Node::items)
        .unwrap_or_default()
    {
        if let Some(opt) = item.as_str() {
            apply_security_opt(&mut s, opt, &locs.at(item));
        }
    }

    for item in service.get("volumes").map(Node::items).unwrap_or_default() {
        s.mounts.push(volume(item, locs));
    }
    for item in service.get("tmpfs").map(Node::items).unwrap_or_default() {
        s.mounts.push(Mount {
            kind: MountKind::Tmpfs,
            source: None,
            target: item
                .as_str()
                .map(|t| t.split(':').next().unwrap_or(t).to_string()),
            read_only: false,
            propagation: None,
            loc: locs.at(item),
        });
    }
    for item in service.get("devices").map(Node::items).unwrap_or_default() {
        let text = item.as_str().map(str::to_string).or_else(|| {
            item.get("source")
                .and_then(Node::as_str)
                .map(str::to_string)
        });
        if let Some(device) = text {
            s.devices.push(Setting::new(device, locs.at(item)));
        }
    }
    for item in service.get("ports").map(Node::items).unwrap_or_default() {
        s.ports.push(port(item, locs));
    }
    if let Some(env) = service.get("environment") {
        for (name, value, key_node, value_node) in list_or_map(env) {
            // A value taken from the environment is not written in this file.
            let written = locs.raw(value_node).map(|raw| match &value_node.kind {
                Kind::Scalar { .. } if value_node.span == key_node.span => {
                    raw.split_once('=').map_or("", |(_, v)| v)
                }
                _ => raw,
            });
            let value = value.filter(|_| !written.is_some_and(is_pure_reference));
            s.env.push(EnvVar {
                name,
                value,
                from_secret: false,
                loc: locs.at(key_node),
                value_loc: locs.at(value_node),
            });
        }
    }
    for item in service.get("secrets").map(Node::items).unwrap_or_default() {
        let source = item
            .as_str()
            .or_else(|| item.get("source").and_then(Node::as_str));
        if let Some(source) = source {
            s.secrets
                .push(Setting::new(source.to_string(), locs.at(item)));
        }
    }
    if let Some(sysctls) = service.get("sysctls") {
        for (name, value, key_node, _) in list_or_map(sysctls) {
            s.sysctls
                .push((Setting::new(name, locs.at(key_node)), value));
        }
    }
    if let Some(ulimits) = service.get("ulimits") {
        for (k, _) in ulimits.entries() {
            if let Some(name) = k.as_str() {
                s.ulimits.push(Setting::new(name.to_string(), locs.at(k)));
            }
        }
    }
    if let Some(node) = service.get("restart")
        && let Some(value) = node.as_str()
    {
        s.restart = Some(Setting::new(parse_restart(value), locs.at(node)));
    }
    if let Some(policy) = service.path(&["deploy", "restart_policy"]) {
        // Swarm: `condition` defaults to `any`, `max_attempts` unset means unlimited.
        let condition = policy
            .get("condition")
            .and_then(Node::as_str)
            .unwrap_or("any");
        s.restart = Some(Setting::new(
            Restart {
                policy: condition.to_string(),
                max_retries: policy.get("max_attempts").and_then(Node::as_i64),
            },
            locs.at(policy.get("condition").unwrap_or(policy)),
        ));
    }
    if let Some(hc) = service.get("healthcheck") {
        let disabled = hc.get("disable").and_then(Node::as_bool).unwrap_or(false)
            || hc.get("test").is_some_and(|t| {
                t.items().first().and_then(Node::as_str) == Some("NONE")
                    || t.as_str() == Some("NONE")
            });
        s.healthcheck = Some(Setting::new(Healthcheck { disabled }, locs.at(hc)));
    }
    s
}

fn volume(item: &Node, locs: &Locs) -> Mount {
    let loc = locs.at(item);
    if let Some(spec) = item.as_str() {
        return parse_volume_short(spec, &loc);
    }
    let kind = match item.get("type").and_then(Node::as_str).unwrap_or("volume") {
        "bind" => MountKind::Bind,
        "volume" => MountKind::Volume,
        "tmpfs" => MountKind::Tmpfs,
        _ => MountKind::Other,
    };
    Mount {
        kind,
        source: item
            .get("source")
            .and_then(Node::as_str)
            .map(str::to_string),
        target: item
            .get("target")
            .and_then(Node::as_str)
            .map(str::to_string),
        read_only: item
            .get("read_only")
            .and_then(Node::as_bool)
            .unwrap_or(false),
        propagation: item
            .path(&["bind", "propagation"])
            .and_then(Node::as_str)
            .map(str::to_string),
        loc,
    }
}

fn port(item: &Node, locs: &Locs) -> Port {
    let loc = locs.at(item);
    if let Some(spec) = item.as_str() {
        return parse_port_short(spec, &loc);
    }
    let number = |key: &str| {
        item.get(key)
            .and_then(Node::as_str)
            .and_then(|v| v.split('-').next()?.parse::<u32>().ok())
    };
    Port {
        host_ip: item
            .get("host_ip")
            .and_then(Node::as_str)
            .map(str::to_string)
            .filter(|s| !s.is_empty()),
        host_port: number("published"),
        published: true,
        container_port: number("target"),
        protocol: item
            .get("protocol")
            .and_then(Node::as_str)
            .unwrap_or("tcp")
            .to_string(),
        loc,
    }
}

#[cfg(test)]
mod tests;
