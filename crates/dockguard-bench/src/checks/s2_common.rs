//! Helpers shared by the section 2 checks (Docker daemon configuration): reading a setting from
//! either the dockerd command line or daemon.json, where a finding about a setting points, and
//! the few `/info` fields several checks need.

use super::host_location;
use crate::facts::DaemonConfig;
use dockguard_core::Location;
use serde_json::Value;

/// The location of findings about the daemon when no file holds the setting.
pub const DAEMON: &str = "docker://daemon";

/// Where a finding about daemon setting `key` points: the daemon.json when it sets the key,
/// else the daemon itself (the setting comes from the command line or is a default).
pub fn setting_location(daemon: &DaemonConfig, key: &str) -> Location {
    match (&daemon.file, daemon.key(key)) {
        (Some(file), Some(_)) => host_location(&file.display().to_string()),
        _ => host_location(DAEMON),
    }
}

/// The non-empty strings of a daemon.json value: an array of strings or a single string.
pub fn strings(value: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    match value {
        Some(Value::String(s)) => out.push(s.clone()),
        Some(Value::Array(items)) => {
            out.extend(items.iter().filter_map(Value::as_str).map(str::to_string));
        }
        _ => {}
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

/// Every value of a repeatable setting: the flag's values (`--storage-opt a --storage-opt b`),
/// then the daemon.json list (`"storage-opts": ["a", "b"]`).
pub fn list_setting(daemon: &DaemonConfig, flag: &str, key: &str) -> Vec<String> {
    let mut values: Vec<String> = daemon
        .flag_values(flag)
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
    values.extend(strings(daemon.key(key)));
    values
}

/// A string setting: the flag's last value, else the daemon.json string; empty counts as unset.
pub fn string_setting(daemon: &DaemonConfig, flag: &str, key: &str) -> Option<String> {
    daemon
        .flag(flag)
        .or_else(|| daemon.key(key).and_then(Value::as_str).map(str::to_string))
        .filter(|v| !v.trim().is_empty())
}

/// The node takes part in a swarm (`Swarm.LocalNodeState` is `active`, or `locked` for a
/// manager waiting for its unlock key).
pub fn swarm_active(info: &Value) -> bool {
    matches!(
        info.pointer("/Swarm/LocalNodeState")
            .and_then(Value::as_str),
        Some("active" | "locked")
    )
}

/// The `key=value` fields of the `/info` `SecurityOptions` entry `name=<name>`
/// (`name=seccomp,profile=builtin` → `[("name", "seccomp"), ("profile", "builtin")]`).
pub fn security_option(info: &Value, name: &str) -> Option<Vec<(String, String)>> {
    let options = info.get("SecurityOptions")?.as_array()?;
    options.iter().filter_map(Value::as_str).find_map(|entry| {
        let fields: Vec<(String, String)> = entry
            .split(',')
            .filter_map(|field| field.trim().split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fields
            .iter()
            .any(|(k, v)| k == "name" && v == name)
            .then_some(fields)
    })
}

/// `/info` reported `SecurityOptions` at all (an array, or `null` when there is none).
pub fn reports_security_options(info: &Value) -> bool {
    info.get("SecurityOptions")
        .is_some_and(|v| v.is_array() || v.is_null())
}

/// The `/info` warnings (`Warnings` is `null` when there are none).
pub fn info_warnings(info: &Value) -> Vec<&str> {
    info.get("Warnings")
        .and_then(Value::as_array)
        .map(|w| w.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds the inputs of a section 2 check by hand, or from the `/info`, `/version` and
    //! `/networks` captured from the Docker Engine 20.10 daemon of the development machine
    //! (`tests/data/engine-20.10/`: dockerd started without arguments and without daemon.json).

    use crate::checks::{Check, Ctx, Outcome};
    use crate::facts::{DaemonConfig, HostFacts};
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::Value;
    use std::path::PathBuf;

    /// The daemon's configuration: dockerd's arguments and the daemon.json content (`Null`:
    /// no daemon.json).
    pub fn daemon(args: &[&str], json: Value) -> DaemonConfig {
        DaemonConfig {
            file: (!json.is_null()).then(|| PathBuf::from("/etc/docker/daemon.json")),
            json,
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// A snapshot with only `/info`.
    pub fn info(info: Value) -> Snapshot {
        Snapshot {
            info,
            ..Snapshot::default()
        }
    }

    /// Runs `check` on `snapshot` and `daemon`.
    pub fn run(check: &'static Check, snapshot: &Snapshot, daemon: DaemonConfig) -> Outcome {
        let facts = HostFacts {
            daemon,
            ..HostFacts::default()
        };
        let config = dockguard_core::Config::default();
        let options = crate::Options::default();
        let ctx = Ctx::new(snapshot, &facts, &config, &options);
        (check.eval)(&ctx)
    }

    /// Runs `check` with no dockerd argument and no daemon.json.
    pub fn run_info(check: &'static Check, snapshot: &Snapshot) -> Outcome {
        run(check, snapshot, DaemonConfig::default())
    }

    /// Asserts the verdict, and for a `WARN` that it carries one finding of the check.
    pub fn assert_verdict(check: &'static Check, outcome: &Outcome, verdict: Verdict) {
        assert_eq!(outcome.verdict, verdict, "{}: {outcome:?}", check.id);
        if verdict == Verdict::Warn {
            assert_eq!(outcome.findings.len(), 1, "{outcome:?}");
            assert_eq!(outcome.findings[0].code, check.meta.code);
        } else {
            assert!(outcome.findings.is_empty(), "{outcome:?}");
        }
    }

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/tests/data/engine-20.10/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The real Docker Engine 20.10 (Debian's docker.io) of the development machine.
    pub fn engine_20_10() -> Snapshot {
        Snapshot {
            info: fixture("info.json"),
            version: fixture("version.json"),
            networks: fixture("networks.json"),
            ..Snapshot::default()
        }
    }

    /// `/info` of a rootless daemon (Docker 27, cgroup v2).
    pub fn rootless_info() -> Value {
        serde_json::json!({
            "Driver": "overlay2",
            "LoggingDriver": "json-file",
            "LiveRestoreEnabled": false,
            "SecurityOptions": [
                "name=seccomp,profile=builtin",
                "name=rootless",
                "name=cgroupns"
            ],
            "Swarm": {"LocalNodeState": "inactive"},
            "Warnings": null
        })
    }
}

#[cfg(test)]
mod tests {
    use super::testing::daemon;
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_from_flags_and_keys() {
        let d = daemon(
            &["--storage-opt", "dm.basesize=20G", "--cgroup-parent="],
            json!({"storage-opts": ["overlay2.size=1G"], "cgroup-parent": "/ci"}),
        );
        assert_eq!(
            list_setting(&d, "storage-opt", "storage-opts"),
            ["dm.basesize=20G", "overlay2.size=1G"]
        );
        // An empty flag value falls back to nothing, not to the key: the flag wins in dockerd.
        assert_eq!(string_setting(&d, "cgroup-parent", "cgroup-parent"), None);
        assert_eq!(
            setting_location(&d, "storage-opts").file,
            "/etc/docker/daemon.json"
        );
        assert_eq!(setting_location(&d, "icc").file, DAEMON);
    }

    #[test]
    fn security_options_and_swarm() {
        let info = json!({
            "SecurityOptions": ["name=apparmor", "name=seccomp,profile=builtin"],
            "Swarm": {"LocalNodeState": "locked"},
            "Warnings": ["WARNING: x"]
        });
        assert_eq!(
            security_option(&info, "seccomp"),
            Some(vec![
                ("name".into(), "seccomp".into()),
                ("profile".into(), "builtin".into())
            ])
        );
        assert!(security_option(&info, "userns").is_none());
        assert!(reports_security_options(&info));
        assert!(reports_security_options(&json!({"SecurityOptions": null})));
        assert!(!reports_security_options(&json!({})));
        assert!(swarm_active(&info));
        assert!(!swarm_active(
            &json!({"Swarm": {"LocalNodeState": "inactive"}})
        ));
        assert_eq!(info_warnings(&info), ["WARNING: x"]);
        assert!(info_warnings(&json!({"Warnings": null})).is_empty());
    }

    /// The whole section on the real Docker 20.10 daemon of the development machine (dockerd
    /// without arguments, no daemon.json), in catalogue order, with the codes of the brief.
    #[test]
    fn engine_20_10_section_2() {
        use crate::result::Verdict::{Info, Pass, Warn};
        let expected = [
            ("2.1", Info),
            ("2.2", Warn),
            ("2.3", Pass),
            ("2.4", Pass),
            ("2.5", Pass),
            ("2.6", Pass),
            ("2.7", Info),
            ("2.8", Info),
            ("2.9", Warn),
            ("2.10", Pass),
            ("2.11", Pass),
            ("2.12", Warn),
            ("2.13", Warn),
            ("2.14", Warn),
            ("2.15", Warn),
            ("2.16", Warn),
            ("2.17", Pass),
            ("2.18", Info),
        ];
        let section: Vec<_> = crate::checks::registry::CHECKS
            .iter()
            .copied()
            .filter(|c| c.id.starts_with("2."))
            .collect();
        let ids: Vec<&str> = section.iter().map(|c| c.id).collect();
        let expected_ids: Vec<&str> = expected.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, expected_ids);
        let snapshot = testing::engine_20_10();
        for (check, (id, verdict)) in section.into_iter().zip(expected) {
            let minor = id.trim_start_matches("2.");
            assert_eq!(check.meta.code, format!("HB2{minor:0>2}"));
            assert!(check.meta.references.iter().any(|r| r.id == *id), "{id}");
            testing::assert_verdict(check, &testing::run_info(check, &snapshot), verdict);
        }
    }
}
