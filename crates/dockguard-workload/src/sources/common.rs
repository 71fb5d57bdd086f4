//! Docker's own value grammars, shared by compose, `docker run` and engine sources:
//! `--security-opt`, `-v` short volume syntax, `-p` port syntax, restart policies.

use crate::model::{ContainerSettings, Mount, MountKind, Port, Restart, Setting};
use dockguard_core::Location;

/// Applies one `--security-opt` / compose `security_opt` value. Docker accepts `key=value` and
/// the legacy `key:value`; a bare `no-new-privileges` means true.
pub fn apply_security_opt(s: &mut ContainerSettings, opt: &str, loc: &Location) {
    let opt = opt.trim();
    let (key, value) = match opt.split_once(['=', ':']) {
        Some((k, v)) => (k.trim(), Some(v.trim())),
        None => (opt, None),
    };
    match key {
        "no-new-privileges" => {
            let on = value
                .is_none_or(|v| !matches!(v.to_ascii_lowercase().as_str(), "false" | "0" | "no"));
            s.no_new_privileges = Some(Setting::new(on, loc.clone()));
        }
        "seccomp" => {
            s.seccomp = Some(Setting::new(value.unwrap_or("").to_string(), loc.clone()));
        }
        "apparmor" => {
            s.apparmor = Some(Setting::new(value.unwrap_or("").to_string(), loc.clone()));
        }
        "label" => {
            s.selinux
                .push(Setting::new(value.unwrap_or("").to_string(), loc.clone()));
        }
        "systempaths" => {
            s.unmasked_paths = Some(Setting::new(value == Some("unconfined"), loc.clone()));
        }
        _ => {}
    }
}

/// Whether a volume source is a host path (and not a named volume).
pub fn is_host_path(source: &str) -> bool {
    source.starts_with('/')
        || source.starts_with('.')
        || source.starts_with('~')
        || source.starts_with('$')
        || (source.len() >= 2
            && source.as_bytes()[1] == b':'
            && source.as_bytes()[0].is_ascii_alphabetic())
}

/// Parses `-v`/compose short syntax `[SOURCE:]TARGET[:OPTIONS]`.
pub fn parse_volume_short(spec: &str, loc: &Location) -> Mount {
    let parts: Vec<&str> = split_volume(spec);
    let (source, target, options) = match parts.as_slice() {
        [target] => (None, Some(*target), ""),
        [source, target] => (Some(*source), Some(*target), ""),
        [source, target, options, ..] => (Some(*source), Some(*target), *options),
        [] => (None, None, ""),
    };
    let kind = match source {
        Some(src) if is_host_path(src) => MountKind::Bind,
        _ => MountKind::Volume,
    };
    let mut read_only = false;
    let mut propagation = None;
    for option in options.split(',') {
        match option {
            "ro" | "readonly" => read_only = true,
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                propagation = Some(option.to_string());
            }
            _ => {}
        }
    }
    Mount {
        kind,
        source: source.map(str::to_string),
        target: target.map(str::to_string),
        read_only,
        propagation,
        loc: loc.clone(),
    }
}

/// Splits on `:` but keeps a Windows drive letter (`C:\x:/y`) with its path.
fn split_volume(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = spec.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b':' {
            let drive = i == start + 1
                && bytes[start].is_ascii_alphabetic()
                && bytes.get(i + 1).is_some_and(|c| *c == b'\\' || *c == b'/');
            if !drive {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// Parses `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=shared`.
pub fn parse_mount_flag(spec: &str, loc: &Location) -> Mount {
    let mut kind = MountKind::Volume;
    let mut source = None;
    let mut target = None;
    let mut read_only = false;
    let mut propagation = None;
    for field in spec.split(',') {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
            None => (field.trim(), None),
        };
        match key {
            "type" => {
                kind = match value.unwrap_or("") {
                    "bind" => MountKind::Bind,
                    "volume" => MountKind::Volume,
                    "tmpfs" => MountKind::Tmpfs,
                    _ => MountKind::Other,
                }
            }
            "source" | "src" => source = value.map(str::to_string),
            "target" | "destination" | "dst" => target = value.map(str::to_string),
            "readonly" | "ro" => {
                read_only = value.is_none_or(|v| matches!(v, "true" | "1"));
            }
            "bind-propagation" => propagation = value.map(str::to_string),
            _ => {}
        }
    }
    Mount {
        kind,
        source,
        target,
        read_only,
        propagation,
        loc: loc.clone(),
    }
}

/// Parses `-p`/compose short port syntax: `[IP:][HOST:]CONTAINER[/PROTO]`, ranges allowed,
/// IPv6 addresses in brackets.
pub fn parse_port_short(spec: &str, loc: &Location) -> Port {
    let (spec, protocol) = match spec.rsplit_once('/') {
        Some((s, p)) => (s, p.to_string()),
        None => (spec, "tcp".to_string()),
    };
    let (host_ip, rest) = if let Some(stripped) = spec.strip_prefix('[') {
        match stripped.split_once("]:") {
            Some((ip, rest)) => (Some(ip.to_string()), rest),
            None => (None, spec),
        }
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() >= 3 {
            let ip_end =
                spec.len() - parts[parts.len() - 1].len() - parts[parts.len() - 2].len() - 2;
            (Some(spec[..ip_end].to_string()), &spec[ip_end + 1..])
        } else {
            (None, spec)
        }
    };
    let (host, container) = match rest.split_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest),
    };
    let first = |s: &str| {
        s.split('-')
            .next()
            .and_then(|p| p.trim().parse::<u32>().ok())
    };
    Port {
        host_ip: host_ip.filter(|ip| !ip.is_empty()),
        host_port: host.and_then(first),
        published: true,
        container_port: first(container),
        protocol,
        loc: loc.clone(),
    }
}

/// Parses a restart policy: `always`, `unless-stopped`, `on-failure[:N]`, `no`.
pub fn parse_restart(value: &str) -> Restart {
    match value.split_once(':') {
        Some((policy, n)) => Restart {
            policy: policy.trim().to_string(),
            max_retries: n.trim().parse().ok(),
        },
        None => Restart {
            policy: value.trim().to_string(),
            max_retries: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc() -> Location {
        Location {
            file: "t".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            span: 0..0,
        }
    }

    #[test]
    fn security_opts() {
        let mut s = ContainerSettings::new(crate::model::SourceKind::DockerRun, "x", loc());
        apply_security_opt(&mut s, "no-new-privileges", &loc());
        assert_eq!(s.no_new_privileges.as_ref().map(|v| v.value), Some(true));
        apply_security_opt(&mut s, "no-new-privileges=false", &loc());
        assert_eq!(s.no_new_privileges.as_ref().map(|v| v.value), Some(false));
        apply_security_opt(&mut s, "seccomp:unconfined", &loc());
        assert_eq!(s.seccomp.as_ref().unwrap().value, "unconfined");
        apply_security_opt(&mut s, "label=disable", &loc());
        assert_eq!(s.selinux[0].value, "disable");
        apply_security_opt(&mut s, "systempaths=unconfined", &loc());
        assert!(s.unmasked_paths.unwrap().value);
    }

    #[test]
    fn volumes() {
        let m = parse_volume_short("/var/run/docker.sock:/var/run/docker.sock:ro", &loc());
        assert_eq!(m.kind, MountKind::Bind);
        assert!(m.read_only);
        assert_eq!(m.target.as_deref(), Some("/var/run/docker.sock"));
        let m = parse_volume_short("data:/data", &loc());
        assert_eq!(m.kind, MountKind::Volume);
        let m = parse_volume_short("/:/host:rshared", &loc());
        assert_eq!(m.propagation.as_deref(), Some("rshared"));
        let m = parse_volume_short(r"C:\data:/data", &loc());
        assert_eq!(m.source.as_deref(), Some(r"C:\data"));
        assert_eq!(m.kind, MountKind::Bind);
        let m = parse_volume_short("/data", &loc());
        assert_eq!((m.source, m.target.as_deref()), (None, Some("/data")));
        let m = parse_mount_flag(
            "type=bind,source=/etc,target=/h,readonly,bind-propagation=shared",
            &loc(),
        );
        assert_eq!(
            (m.kind, m.read_only, m.propagation.as_deref()),
            (MountKind::Bind, true, Some("shared"))
        );
    }

    #[test]
    fn ports() {
        let p = parse_port_short("8080:80", &loc());
        assert_eq!(
            (p.host_ip, p.host_port, p.container_port),
            (None, Some(8080), Some(80))
        );
        let p = parse_port_short("127.0.0.1:2222:22/tcp", &loc());
        assert_eq!(
            (p.host_ip.as_deref(), p.host_port, p.container_port),
            (Some("127.0.0.1"), Some(2222), Some(22))
        );
        let p = parse_port_short("[::1]:80:80", &loc());
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = parse_port_short("3000-3005", &loc());
        assert_eq!((p.host_port, p.container_port), (None, Some(3000)));
        let p = parse_port_short("9000-9005:9000-9005/udp", &loc());
        assert_eq!((p.host_port, p.protocol.as_str()), (Some(9000), "udp"));
        let p = parse_port_short("127.0.0.1::80", &loc());
        assert_eq!(
            (p.host_ip.as_deref(), p.host_port),
            (Some("127.0.0.1"), None)
        );
    }

    #[test]
    fn restarts() {
        assert_eq!(parse_restart("on-failure:5").max_retries, Some(5));
        assert_eq!(parse_restart("always").policy, "always");
    }
}
