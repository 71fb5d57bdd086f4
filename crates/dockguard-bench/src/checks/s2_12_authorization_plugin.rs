//! CIS 2.12: authorization for Docker client commands is enabled.

use super::Check;
use crate::checks::s2_common::{list_setting, setting_location};
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon without an authorization plugin. The running daemon's plugins come
    /// from `/info` `Plugins.Authorization`; without it, dockerd's `--authorization-plugin`
    /// flags and the daemon.json `authorization-plugins` list are read.
    ///
    /// ## Why is this bad?
    /// Without an authorization plugin, access to the Docker API is all or nothing: every
    /// user who can reach the socket may run any command, including starting a privileged
    /// container that owns the host. An authorization plugin can allow read-only commands to
    /// some users, forbid `--privileged` or host mounts, and log who did what.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "authorization-plugins": []
    /// }
    /// ```
    ///
    /// ## Fix
    /// Install an authorization plugin (for example Open Policy Agent's `opa-docker-authz`),
    /// write its policy, list it in `"authorization-plugins"` in daemon.json (or start
    /// dockerd with `--authorization-plugin=<name>`) and restart the daemon.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security's daemon.json reader can report a missing
    /// `authorization-plugins` key as set (docker/docker-bench-security#537), a false PASS.
    /// Here the JSON is parsed (missing, null and empty mean "no plugin"), and the engine's
    /// own list is preferred when it reports one.
    pub struct NoAuthorizationPlugin {
        code: "HB212",
        name: "no-authorization-plugin",
        step: HostBench,
        severity: Medium,
        summary: "Ensure that authorization for Docker client commands is enabled (Scored)",
        references: [
            Cis "2.12",
            Url "https://docs.docker.com/engine/extend/plugins_authorization/",
            Cwe "CWE-862",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.12",
    scored: true,
    meta: NoAuthorizationPlugin::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let plugins: Vec<String> = match ctx.snapshot.info.get("Plugins") {
        // The engine's list; `null` means none.
        Some(plugins) if plugins.is_object() => plugins
            .get("Authorization")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|p| !p.trim().is_empty())
            .map(str::to_string)
            .collect(),
        _ => list_setting(daemon, "authorization-plugin", "authorization-plugins"),
    };
    if plugins.is_empty() {
        return Outcome::warn(
            &CHECK.meta,
            ctx.config,
            "No authorization plugin: every client of the Docker API may run any command",
            setting_location(daemon, "authorization-plugins"),
        );
    }
    Outcome::pass()
        .with_details(format!("Authorization plugins: {}", plugins.join(" ")))
        .with_items(plugins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn engine_plugins() {
        let snapshot = info(json!({"Plugins": {"Authorization": ["opa-docker-authz"]}}));
        let outcome = run_info(&CHECK, &snapshot);
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_eq!(outcome.items, ["opa-docker-authz"]);

        let snapshot = info(json!({"Plugins": {"Authorization": null}}));
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Warn);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Warn);
    }

    #[test]
    fn configuration_without_engine_data() {
        let snapshot = Snapshot::default();
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--authorization-plugin=authz-broker"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"authorization-plugins": ["authz-broker"]})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        // docker-bench-security#537: null is not a plugin.
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"authorization-plugins": null})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"authorization-plugins": []})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }
}
