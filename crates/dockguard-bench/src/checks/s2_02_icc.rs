//! CIS 2.2: restrict network traffic between containers on the default bridge (`icc`).

use super::Check;
use crate::checks::s2_common::{setting_location, string_setting};
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default bridge network (`docker0`) lets containers talk to each
    /// other freely. The running daemon's value is read from the engine: the `bridge`
    /// network's option `com.docker.network.bridge.enable_icc`. Without that network in the
    /// snapshot, the setting is read from dockerd's `--icc` flag or daemon.json's `icc` key.
    /// INFO when the daemon has no default bridge (`--bridge=none`).
    ///
    /// ## Why is this bad?
    /// Inter-container communication is on by default: every container on the default bridge
    /// reaches every port of every other one, whether or not the ports are published. A
    /// single compromised container can then probe and attack its neighbours (databases,
    /// admin interfaces) on the same host.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "icc": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `"icc": false` in daemon.json (or start dockerd with `--icc=false`) and restart the
    /// daemon. Containers that must talk to each other go on a user-defined network
    /// (`docker network create`), where they can reach each other by name.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reads only the flag and daemon.json, so a daemon.json edited but
    /// not applied passes; this check asks the running engine first.
    pub struct IccEnabledOnDefaultBridge {
        code: "HB202",
        name: "icc-enabled-on-default-bridge",
        step: HostBench,
        severity: Medium,
        summary: "Ensure network traffic is restricted between containers on the default bridge (Scored)",
        references: [
            Cis "2.2",
            Url "https://docs.docker.com/engine/network/drivers/bridge/",
            Cwe "CWE-923",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.2",
    scored: true,
    meta: IccEnabledOnDefaultBridge::META,
    eval,
};

const ENABLE_ICC: &str = "com.docker.network.bridge.enable_icc";

/// The default bridge network of `/networks`, if the snapshot has it.
fn default_bridge(networks: &Value) -> Option<&Value> {
    let list = networks.as_array()?;
    list.iter()
        .find(|n| {
            n.pointer("/Options/com.docker.network.bridge.default_bridge")
                .and_then(Value::as_str)
                == Some("true")
        })
        .or_else(|| {
            list.iter().find(|n| {
                n.get("Name").and_then(Value::as_str) == Some("bridge")
                    && n.get("Driver").and_then(Value::as_str) == Some("bridge")
            })
        })
}

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let configured = daemon.bool_setting("icc", "icc");
    let warn = |message: &str| {
        Outcome::warn(
            &CHECK.meta,
            ctx.config,
            message,
            setting_location(daemon, "icc"),
        )
    };
    if let Some(bridge) = default_bridge(&ctx.snapshot.networks) {
        // The option is absent on some engines; icc defaults to true.
        let icc = bridge
            .get("Options")
            .and_then(|options| options.get(ENABLE_ICC))
            .and_then(Value::as_str)
            .is_none_or(|v| v != "false");
        if !icc {
            return Outcome::pass();
        }
        if configured == Some(false) {
            return warn(
                "Inter-container communication is enabled on the default bridge although the \
                 configuration sets icc=false: restart the daemon to apply it",
            );
        }
        return warn("Inter-container communication is enabled on the default bridge");
    }
    if configured == Some(false) {
        return Outcome::pass();
    }
    if string_setting(daemon, "bridge", "bridge").as_deref() == Some("none") {
        return Outcome::info("No default bridge network (bridge: none)");
    }
    if ctx.snapshot.networks.is_array() {
        return Outcome::info("The engine has no default bridge network");
    }
    warn("Inter-container communication is enabled on the default bridge (icc not set to false)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::DAEMON;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    fn networks(icc: Option<&str>) -> Snapshot {
        let mut options = json!({
            "com.docker.network.bridge.default_bridge": "true",
            "com.docker.network.bridge.name": "docker0"
        });
        if let Some(icc) = icc {
            options[ENABLE_ICC] = json!(icc);
        }
        Snapshot {
            networks: json!([
                {"Name": "host", "Driver": "host", "Options": {}},
                {"Name": "bridge", "Driver": "bridge", "Options": options}
            ]),
            ..Snapshot::default()
        }
    }

    #[test]
    fn engine_value_decides() {
        let outcome = run_info(&CHECK, &networks(Some("false")));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);

        let outcome = run_info(&CHECK, &networks(Some("true")));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, DAEMON);

        // Option absent: icc defaults to true.
        let outcome = run_info(&CHECK, &networks(None));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }

    #[test]
    fn configuration_not_applied_is_reported() {
        let outcome = run(
            &CHECK,
            &networks(Some("true")),
            daemon(&[], json!({"icc": false})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert!(outcome.details.unwrap().contains("restart the daemon"));
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn configuration_without_networks() {
        let snapshot = Snapshot::default();
        let outcome = run(&CHECK, &snapshot, daemon(&["--icc=false"], json!(null)));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(&CHECK, &snapshot, daemon(&[], json!({"icc": false})));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(&CHECK, &snapshot, daemon(&[], json!({"icc": true})));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        let outcome = run_info(&CHECK, &snapshot);
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }

    #[test]
    fn no_default_bridge_is_info() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&["--bridge=none"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        let snapshot = Snapshot {
            networks: json!([{"Name": "host", "Driver": "host"}]),
            ..Snapshot::default()
        };
        let outcome = run_info(&CHECK, &snapshot);
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }

    #[test]
    fn engine_20_10_default_bridge_has_icc() {
        let outcome = run_info(&CHECK, &engine_20_10());
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }
}
