//! Docker Engine container-inspect JSON (`GET /containers/{id}/json`, or `docker inspect`'s
//! array of such objects) read into [`ContainerSettings`].
//!
//! JSON is YAML, so the text goes through [`crate::yaml::parse_stream`] like every other
//! source: each setting keeps the byte span of the JSON value it came from. Inspect output is
//! the daemon's resolved view: zero values (`"Memory": 0`, `"PidMode": ""`) mean "runtime
//! default" and become `None`, `.Mounts` lists what is really mounted, and `Config` already
//! merges the image's configuration (user, environment, healthcheck).

use crate::check::{HostFacts, LoadError};
use crate::locate::Locator;
use crate::model::{
    ContainerSettings, EnvVar, Healthcheck, Mount, MountKind, Namespace, Port, Restart, Setting,
    SourceKind, Workload,
};
use crate::sources::common::{apply_security_opt, parse_volume_short};
use crate::yaml::{Node, parse_stream};

/// The seccomp value for a custom profile: the daemon stores the profile's JSON, not the path
/// given to `--security-opt seccomp=<file>`.
pub const CUSTOM_SECCOMP: &str = "custom";

/// Reads inspect JSON: one object, an array of objects, or several such documents.
pub fn load(file: &str, text: &str) -> Result<Workload, LoadError> {
    let docs = parse_stream(text).map_err(|e| LoadError::from_yaml(file, e))?;
    let at = Locator::new(file, text);
    let mut workload = Workload::default();
    for doc in &docs {
        let objects: Vec<&Node> = match doc.as_seq() {
            Some(items) => items.iter().collect(),
            None => vec![doc],
        };
        for object in objects {
            if !is_inspect_object(object) {
                return Err(LoadError::at(
                    file,
                    text,
                    object.span.start,
                    "expected container-inspect JSON (`docker inspect <container>`): an object \
                     with `Name`, `Config` and `HostConfig`, or an array of them",
                ));
            }
            workload.containers.push(container(object, &at));
        }
    }
    Ok(workload)
}

/// What the engine's `GET /info` says about the host: `userns-remap` shows as a
/// `name=userns` entry of `SecurityOptions`. Unreadable input gives the defaults.
pub fn host_facts(info_json: &str) -> HostFacts {
    let docs = parse_stream(info_json).unwrap_or_default();
    let options = docs
        .first()
        .and_then(|d| d.get("SecurityOptions"))
        .map(Node::items)
        .unwrap_or_default();
    let userns_remap = options.iter().filter_map(Node::as_str).any(|option| {
        option
            .split(',')
            .any(|field| field.trim().eq_ignore_ascii_case("name=userns"))
    });
    let cgroup_version = docs
        .first()
        .and_then(|d| d.get("CgroupVersion"))
        .and_then(Node::as_str)
        .and_then(|v| v.parse().ok());
    HostFacts {
        userns_remap,
        cgroup_version,
    }
}

fn is_inspect_object(node: &Node) -> bool {
    node.as_map().is_some()
        && ["HostConfig", "Config", "Name", "Id"]
            .iter()
            .any(|key| node.get(key).is_some())
}

/// A non-empty string value.
fn text(node: Option<&Node>) -> Option<(&str, &Node)> {
    let node = node?;
    node.as_str()
        .filter(|s| !s.trim().is_empty())
        .map(|s| (s, node))
}

/// A strictly positive integer value (the engine writes 0 or -1 for "no limit").
fn positive(node: Option<&Node>) -> Option<(i64, &Node)> {
    let node = node?;
    node.as_i64().filter(|n| *n > 0).map(|n| (n, node))
}

fn container(obj: &Node, at: &Locator) -> ContainerSettings {
    let loc = |node: &Node| at.loc(node.span.clone());
    let string = |node: Option<&Node>| text(node).map(|(v, n)| Setting::new(v.to_string(), loc(n)));
    let boolean = |node: Option<&Node>| {
        let node = node?;
        node.as_bool().map(|b| Setting::new(b, loc(node)))
    };
    let namespace =
        |node: Option<&Node>| text(node).map(|(v, n)| Setting::new(Namespace::parse(v), loc(n)));

    let name_node = text(obj.get("Name"));
    let name = match name_node {
        Some((name, _)) => name.trim_start_matches('/').to_string(),
        None => obj
            .get("Id")
            .and_then(Node::as_str)
            .and_then(|id| id.get(..12).or(Some(id)))
            .filter(|id| !id.is_empty())
            .unwrap_or("unnamed")
            .to_string(),
    };
    let decl = name_node.map_or(obj, |(_, n)| n);
    let mut s = ContainerSettings::new(SourceKind::Engine, name, loc(decl));

    let config = obj.get("Config");
    let host = obj.get("HostConfig");
    let cfg = |key: &str| config.and_then(|c| c.get(key));
    let hc = |key: &str| host.and_then(|h| h.get(key));

    s.image = string(cfg("Image"));
    s.user = string(cfg("User"));
    s.privileged = boolean(hc("Privileged"));
    s.read_only_rootfs = boolean(hc("ReadonlyRootfs"));
    s.oom_kill_disable = boolean(hc("OomKillDisable"));
    for (field, list) in [("CapAdd", &mut s.cap_add), ("CapDrop", &mut s.cap_drop)] {
        for item in hc(field).map(Node::items).unwrap_or_default() {
            list.extend(string(Some(item)));
        }
    }
    s.pid = namespace(hc("PidMode"));
    s.ipc = namespace(hc("IpcMode"));
    s.network = namespace(hc("NetworkMode"));
    s.uts = namespace(hc("UTSMode"));
    s.userns = namespace(hc("UsernsMode"));
    s.cgroupns = namespace(hc("CgroupnsMode"));
    s.memory_limit = positive(hc("Memory")).map(|(n, node)| Setting::new(n.to_string(), loc(node)));
    s.cpu_limit = cpu_limit(host).map(|(v, node)| Setting::new(v, loc(node)));
    s.pids_limit = positive(hc("PidsLimit")).map(|(n, node)| Setting::new(n, loc(node)));
    s.cgroup_parent = string(hc("CgroupParent"));

    for item in hc("SecurityOpt").map(Node::items).unwrap_or_default() {
        let Some(opt) = item.as_str() else { continue };
        let custom_seccomp = opt
            .trim()
            .strip_prefix("seccomp")
            .and_then(|rest| rest.strip_prefix(['=', ':']))
            .filter(|profile| profile.trim_start().starts_with('{'));
        if let Some(profile) = custom_seccomp {
            s.seccomp = Some(Setting::new(CUSTOM_SECCOMP.to_string(), loc(item)));
            s.seccomp_inline = Some(profile.to_string());
        } else {
            apply_security_opt(&mut s, opt, &loc(item));
        }
    }
    // The profile the container runs under; empty when the host has no AppArmor.
    if s.apparmor.is_none() {
        s.apparmor = string(obj.get("AppArmorProfile"));
    }
    // `systempaths=unconfined` is not kept in SecurityOpt: the daemon empties MaskedPaths.
    if s.unmasked_paths.is_none()
        && let Some(masked) = hc("MaskedPaths")
        && masked.as_seq().is_some_and(<[Node]>::is_empty)
    {
        s.unmasked_paths = Some(Setting::new(true, loc(masked)));
    }

    mounts(&mut s, obj, host, at);
    for item in hc("Devices").map(Node::items).unwrap_or_default() {
        s.devices.extend(string(item.get("PathOnHost")));
    }
    ports(&mut s, config, host, at);

    for item in cfg("Env").map(Node::items).unwrap_or_default() {
        let Some(entry) = item.as_str() else { continue };
        let (name, value) = match entry.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (entry, None),
        };
        let value_loc = match &value {
            Some(v) => at.loc(string_content_span(at.text, item, name.len() + 1, v.len())),
            None => loc(item),
        };
        s.env.push(EnvVar {
            name: name.to_string(),
            value,
            from_secret: false,
            loc: loc(item),
            value_loc,
        });
    }
    for (key, value) in hc("Sysctls").map(Node::entries).unwrap_or_default() {
        if let Some(name) = key.as_str() {
            s.sysctls.push((
                Setting::new(name.to_string(), loc(key)),
                value.as_str().map(str::to_string),
            ));
        }
    }
    for item in hc("Ulimits").map(Node::items).unwrap_or_default() {
        s.ulimits.extend(string(item.get("Name")));
    }
    if let Some(policy) = hc("RestartPolicy").filter(|p| p.as_map().is_some()) {
        let name = policy.get("Name");
        let value = text(name).map_or("no", |(v, _)| v);
        let restart = Restart {
            policy: value.to_string(),
            max_retries: positive(policy.get("MaximumRetryCount")).map(|(n, _)| n),
        };
        s.restart = Some(Setting::new(restart, loc(name.unwrap_or(policy))));
    }
    if let Some(health) = cfg("Healthcheck").filter(|h| h.as_map().is_some()) {
        let test = health.get("Test");
        let disabled = test
            .and_then(|t| t.items().first())
            .and_then(Node::as_str)
            .is_some_and(|first| first.eq_ignore_ascii_case("NONE"));
        s.healthcheck = Some(Setting::new(
            Healthcheck { disabled },
            loc(test.unwrap_or(health)),
        ));
    }
    s
}

/// The CPU limit in CPUs (`NanoCpus`, or `CpuQuota` / `CpuPeriod`), else the `CpuShares` weight.
fn cpu_limit(host: Option<&Node>) -> Option<(String, &Node)> {
    let host = host?;
    if let Some((nano, node)) = positive(host.get("NanoCpus")) {
        let (whole, frac) = (nano / 1_000_000_000, nano % 1_000_000_000);
        let cpus = if frac == 0 {
            whole.to_string()
        } else {
            let digits = format!("{frac:09}");
            format!("{whole}.{}", digits.trim_end_matches('0'))
        };
        return Some((cpus, node));
    }
    if let Some((quota, node)) = positive(host.get("CpuQuota")) {
        // The kernel's default period is 100 ms.
        let period = positive(host.get("CpuPeriod")).map_or(100_000, |(p, _)| p);
        return Some(((quota as f64 / period as f64).to_string(), node));
    }
    positive(host.get("CpuShares")).map(|(shares, node)| (shares.to_string(), node))
}

/// `.Mounts` is what the daemon resolved (binds, volumes with their names, `--mount` tmpfs);
/// `HostConfig.Binds` / `HostConfig.Mounts` are only read when it is missing. `--tmpfs`
/// mounts are only in `HostConfig.Tmpfs`.
fn mounts(s: &mut ContainerSettings, obj: &Node, host: Option<&Node>, at: &Locator) {
    let loc = |node: &Node| at.loc(node.span.clone());
    let hc = |key: &str| host.and_then(|h| h.get(key));
    if let Some(resolved) = obj.get("Mounts").filter(|m| m.as_seq().is_some()) {
        for item in resolved.items() {
            let kind = mount_kind(item.get("Type").and_then(Node::as_str).unwrap_or(""));
            let source = match kind {
                MountKind::Volume => text(item.get("Name")).or(text(item.get("Source"))),
                _ => text(item.get("Source")),
            };
            let target = text(item.get("Destination")).or(text(item.get("Target")));
            let at_node = source.or(target).map_or(item, |(_, n)| n);
            s.mounts.push(Mount {
                kind,
                source: source.map(|(v, _)| v.to_string()),
                target: target.map(|(v, _)| v.to_string()),
                read_only: item.get("RW").and_then(Node::as_bool) == Some(false),
                propagation: text(item.get("Propagation")).map(|(v, _)| v.to_string()),
                loc: loc(at_node),
            });
        }
    } else {
        for item in hc("Binds").map(Node::items).unwrap_or_default() {
            if let Some(spec) = item.as_str() {
                s.mounts.push(parse_volume_short(spec, &loc(item)));
            }
        }
        for item in hc("Mounts").map(Node::items).unwrap_or_default() {
            let kind = mount_kind(item.get("Type").and_then(Node::as_str).unwrap_or(""));
            let source = text(item.get("Source"));
            let target = text(item.get("Target"));
            s.mounts.push(Mount {
                kind,
                source: source.map(|(v, _)| v.to_string()),
                target: target.map(|(v, _)| v.to_string()),
                read_only: item.get("ReadOnly").and_then(Node::as_bool) == Some(true),
                propagation: text(item.path(&["BindOptions", "Propagation"]))
                    .map(|(v, _)| v.to_string()),
                loc: loc(source.or(target).map_or(item, |(_, n)| n)),
            });
        }
    }
    for (target, options) in hc("Tmpfs").map(Node::entries).unwrap_or_default() {
        let read_only = options
            .as_str()
            .is_some_and(|o| o.split(',').any(|opt| opt.trim() == "ro"));
        s.mounts.push(Mount {
            kind: MountKind::Tmpfs,
            source: None,
            target: target.as_str().map(str::to_string),
            read_only,
            propagation: None,
            loc: loc(target),
        });
    }
}

fn mount_kind(kind: &str) -> MountKind {
    match kind {
        "bind" => MountKind::Bind,
        "volume" => MountKind::Volume,
        "tmpfs" => MountKind::Tmpfs,
        _ => MountKind::Other,
    }
}

/// `HostConfig.PortBindings` (`"22/tcp": [{"HostIp": "", "HostPort": "2222"}]`), plus the
/// exposed ports `PublishAllPorts` publishes on random host ports.
fn ports(s: &mut ContainerSettings, config: Option<&Node>, host: Option<&Node>, at: &Locator) {
    let loc = |node: &Node| at.loc(node.span.clone());
    let split_key = |key: &str| {
        let (port, protocol) = key.split_once('/').unwrap_or((key, "tcp"));
        (first_port(port), protocol.to_string())
    };
    let bindings = host
        .and_then(|h| h.get("PortBindings"))
        .map(Node::entries)
        .unwrap_or_default();
    for (key, list) in bindings {
        let Some(key_text) = key.as_str() else {
            continue;
        };
        let (container_port, protocol) = split_key(key_text);
        for binding in list.items() {
            let host_ip = text(binding.get("HostIp"))
                .map(|(ip, _)| ip.trim())
                .filter(|ip| !matches!(*ip, "0.0.0.0" | "::" | "[::]"))
                .map(str::to_string);
            let host_port = text(binding.get("HostPort"));
            s.ports.push(Port {
                host_ip,
                host_port: host_port.and_then(|(p, _)| first_port(p)),
                published: true,
                container_port,
                protocol: protocol.clone(),
                loc: loc(host_port.map_or(binding, |(_, n)| n)),
            });
        }
    }
    let publish_all = host.and_then(|h| h.get("PublishAllPorts"));
    if let Some(flag) = publish_all.filter(|f| f.as_bool() == Some(true)) {
        let exposed = config
            .and_then(|c| c.get("ExposedPorts"))
            .map(Node::entries)
            .unwrap_or_default();
        for (key, _) in exposed {
            let Some(key_text) = key.as_str() else {
                continue;
            };
            let (container_port, protocol) = split_key(key_text);
            let already = s
                .ports
                .iter()
                .any(|p| p.container_port == container_port && p.protocol == protocol);
            if !already {
                s.ports.push(Port {
                    host_ip: None,
                    host_port: None,
                    published: true,
                    container_port,
                    protocol,
                    loc: loc(flag),
                });
            }
        }
    }
}

/// `8000` or the first port of `8000-8005`.
fn first_port(text: &str) -> Option<u32> {
    text.split('-').next()?.trim().parse().ok()
}

/// The span of `len` bytes starting `offset` bytes into a JSON string's content, when the
/// string is written without escapes (so source and value bytes line up); the whole string's
/// span otherwise.
fn string_content_span(
    source: &str,
    node: &Node,
    offset: usize,
    len: usize,
) -> std::ops::Range<usize> {
    let whole = node.span.clone();
    let Some(raw) = source.get(whole.clone()) else {
        return whole;
    };
    let value = node.as_str().unwrap_or("");
    let plain = raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value);
    if !plain || offset + len > value.len() {
        return whole;
    }
    let start = whole.start + 1 + offset;
    start..start + len
}

#[cfg(test)]
mod tests;
