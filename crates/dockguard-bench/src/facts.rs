//! Facts read from the host: the effective daemon configuration (daemon.json merged with the
//! dockerd command line), systemd units, file owners and modes, audit rules, mounts and the
//! `docker` group. Every path is read below [`HostFacts::root`] (`/` normally, a folder in
//! tests, `/host` when dockguard runs in a container with the host's files mounted there).

use std::path::PathBuf;

/// Owner, group and permission bits of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub uid: u32,
    pub gid: u32,
    /// Permission bits (`0o644`); compared as bit masks, never as decimal numbers.
    pub mode: u32,
    pub is_dir: bool,
}

impl FileStat {
    /// No permission bit beyond `allowed` is set (`0o606` is not within `0o644`).
    pub fn mode_within(&self, allowed: u32) -> bool {
        self.mode & 0o7777 & !allowed == 0
    }

    pub fn owned_by_root(&self) -> bool {
        self.uid == 0 && self.gid == 0
    }
}

#[derive(Debug, Clone, Default)]
pub struct HostFacts {
    /// Where the host's filesystem is.
    pub root: PathBuf,
    pub daemon: DaemonConfig,
}

/// The daemon's effective configuration: daemon.json and the dockerd command line. A flag on
/// the command line and a key in daemon.json mean the same setting (dockerd refuses to start
/// when both set it, so at most one is present in practice).
#[derive(Debug, Clone, Default)]
pub struct DaemonConfig {
    /// The daemon.json that applies (`--config-file`, the rootless path, or
    /// `/etc/docker/daemon.json`), when it exists.
    pub file: Option<PathBuf>,
    /// Its parsed content; `Null` when there is none.
    pub json: serde_json::Value,
    /// dockerd's arguments, without the program name.
    pub args: Vec<String>,
}

impl DaemonConfig {
    /// Every value given to a long flag (`--icc=false`, `--icc false`, `-H x` for `--host`),
    /// in order. A boolean flag given bare reads as `"true"`.
    pub fn flag_values(&self, long: &str) -> Vec<String> {
        let short = match long {
            "host" => Some("H"),
            "debug" => Some("D"),
            "log-level" => Some("l"),
            "group" => Some("G"),
            "pidfile" => Some("p"),
            "bridge" => Some("b"),
            _ => None,
        };
        let mut values = Vec::new();
        let mut args = self.args.iter().peekable();
        while let Some(arg) = args.next() {
            let name = if let Some(rest) = arg.strip_prefix("--") {
                rest
            } else if let Some(rest) = arg.strip_prefix('-') {
                match short {
                    Some(s) if rest.starts_with(s) => {
                        let inline = &rest[s.len()..];
                        if inline.is_empty() {
                            if let Some(next) = args.next_if(|n| !n.starts_with('-')) {
                                values.push(next.clone());
                            } else {
                                values.push("true".into());
                            }
                        } else {
                            values.push(inline.trim_start_matches('=').to_string());
                        }
                        continue;
                    }
                    _ => continue,
                }
            } else {
                continue;
            };
            let (flag, inline) = match name.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (name, None),
            };
            if flag != long {
                continue;
            }
            match inline {
                Some(v) => values.push(v.to_string()),
                None => match args.next_if(|n| !n.starts_with('-')) {
                    Some(next) => values.push(next.clone()),
                    None => values.push("true".into()),
                },
            }
        }
        values
    }

    /// The last value of a flag (the one dockerd uses).
    pub fn flag(&self, long: &str) -> Option<String> {
        self.flag_values(long).pop()
    }

    /// A daemon.json key (`icc`, `log-level`, `default-ulimits`); `null` counts as absent.
    pub fn key(&self, key: &str) -> Option<&serde_json::Value> {
        self.json.get(key).filter(|v| !v.is_null())
    }

    /// A boolean setting from either source: the flag (`--icc=false`) or the key (`"icc": false`).
    pub fn bool_setting(&self, flag: &str, key: &str) -> Option<bool> {
        if let Some(v) = self.flag(flag) {
            return match v.as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            };
        }
        self.key(key).and_then(serde_json::Value::as_bool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon(args: &[&str], json: &str) -> DaemonConfig {
        DaemonConfig {
            file: None,
            json: serde_json::from_str(json).unwrap(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn flags_in_every_spelling() {
        let d = daemon(
            &[
                "-H",
                "fd://",
                "--containerd=/run/containerd/containerd.sock",
                "--icc=false",
                "-D",
                "--log-level",
                "warn",
                "-Hunix:///x.sock",
            ],
            "{}",
        );
        assert_eq!(d.flag_values("host"), ["fd://", "unix:///x.sock"]);
        assert_eq!(d.flag("icc").as_deref(), Some("false"));
        assert_eq!(d.flag("debug").as_deref(), Some("true"));
        assert_eq!(d.flag("log-level").as_deref(), Some("warn"));
        assert_eq!(d.bool_setting("icc", "icc"), Some(false));
        assert_eq!(d.flag("iptables"), None);
    }

    #[test]
    fn keys_and_nulls() {
        let d = daemon(
            &[],
            r#"{"icc": false, "authorization-plugins": null, "log-level": "info"}"#,
        );
        assert_eq!(d.bool_setting("icc", "icc"), Some(false));
        assert!(d.key("authorization-plugins").is_none());
        assert_eq!(d.key("log-level").and_then(|v| v.as_str()), Some("info"));
    }

    #[test]
    fn modes_are_bit_masks() {
        let stat = |mode| FileStat {
            uid: 0,
            gid: 0,
            mode,
            is_dir: false,
        };
        assert!(stat(0o644).mode_within(0o644));
        assert!(stat(0o600).mode_within(0o644));
        // docker-bench-security compares 606 <= 644 as decimals and passes it.
        assert!(!stat(0o606).mode_within(0o644));
        assert!(!stat(0o660).mode_within(0o644));
    }
}
