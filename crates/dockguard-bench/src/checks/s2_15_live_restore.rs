//! CIS 2.15: live restore is enabled.

use super::Check;
use crate::checks::s2_common::{setting_location, swarm_active};
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon without live restore. The running daemon's state is `/info`
    /// `LiveRestoreEnabled`; without it, dockerd's `--live-restore` flag or daemon.json's
    /// `live-restore` key. A node in swarm mode passes: the CIS benchmark treats live restore
    /// as incompatible with it.
    ///
    /// ## Why is this bad?
    /// Without live restore, every container stops when the daemon stops: upgrading or
    /// restarting dockerd is an outage of every workload on the host, which pushes operators
    /// to postpone security updates of the daemon itself.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "live-restore": false
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `"live-restore": true` in daemon.json (or start dockerd with `--live-restore`) and
    /// reload the daemon (`systemctl reload docker` or `SIGHUP`): the setting is applied
    /// without a restart.
    ///
    /// ## Compared with docker-bench-security
    /// Same verdicts; the state is read from the API instead of the text of `docker info`.
    pub struct LiveRestoreDisabled {
        code: "HB215",
        name: "live-restore-disabled",
        step: HostBench,
        severity: Low,
        summary: "Ensure live restore is enabled (Scored)",
        references: [
            Cis "2.15",
            Url "https://docs.docker.com/engine/daemon/live-restore/",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.15",
    scored: true,
    meta: LiveRestoreDisabled::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let info = &ctx.snapshot.info;
    let daemon = &ctx.facts.daemon;
    let enabled = info
        .get("LiveRestoreEnabled")
        .and_then(Value::as_bool)
        .or_else(|| daemon.bool_setting("live-restore", "live-restore"))
        .unwrap_or(false);
    if enabled {
        return Outcome::pass();
    }
    if swarm_active(info) {
        return Outcome::pass().with_details("Incompatible with swarm mode");
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        "Live restore is disabled: containers stop when the daemon stops",
        setting_location(daemon, "live-restore"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn engine_state_decides() {
        let snapshot = info(json!({"LiveRestoreEnabled": true}));
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Pass);
        let snapshot = info(json!({
            "LiveRestoreEnabled": false,
            "Swarm": {"LocalNodeState": "inactive"}
        }));
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"live-restore": true})),
        );
        // The running daemon has not applied it yet.
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Warn);
    }

    #[test]
    fn swarm_mode_passes() {
        let snapshot = info(json!({
            "LiveRestoreEnabled": false,
            "Swarm": {"LocalNodeState": "active", "ControlAvailable": true}
        }));
        let outcome = run_info(&CHECK, &snapshot);
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_eq!(
            outcome.details.as_deref(),
            Some("Incompatible with swarm mode")
        );
    }

    #[test]
    fn configuration_without_engine_data() {
        let snapshot = Snapshot::default();
        let outcome = run(&CHECK, &snapshot, daemon(&["--live-restore"], json!(null)));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"live-restore": false})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }
}
