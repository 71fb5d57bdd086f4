//! CIS 2.8: the default ulimit is configured appropriately.

use super::Check;
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Tells whether the daemon sets default ulimits for its containers: dockerd's
    /// `--default-ulimit` flags or the daemon.json `default-ulimits` object. PASS with the
    /// limits when set, INFO otherwise (a manual, unscored check: the right values depend on
    /// the workloads).
    ///
    /// ## Why is this bad?
    /// Without default ulimits, containers inherit the daemon's limits, which are usually
    /// very high (`nofile` 1048576, unlimited `nproc`). A container that leaks file
    /// descriptors or forks without bound can then exhaust the host's resources and deny
    /// service to every other container.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "default-ulimits": {}
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set limits that fit the workloads, for example
    /// `"default-ulimits": {"nofile": {"Name": "nofile", "Soft": 64000, "Hard": 64000}}` in
    /// daemon.json, or `dockerd --default-ulimit nofile=64000:64000`, and restart the daemon.
    /// Containers that need more override them with `--ulimit`.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reads daemon.json through `jq` or a `grep` pipeline that
    /// mishandles the nested `default-ulimits` object and can report the key as set when it
    /// is missing (docker/docker-bench-security#537). Here the JSON is parsed: a missing,
    /// null or empty object is "not set", and the limits are listed.
    pub struct DefaultUlimitNotSet {
        code: "HB208",
        name: "default-ulimit-not-set",
        step: HostBench,
        severity: Low,
        summary: "Ensure the default ulimit is configured appropriately (Manual)",
        references: [
            Cis "2.8",
            Url "https://docs.docker.com/reference/cli/dockerd/#default-ulimit-settings",
            Cwe "CWE-770",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.8",
    scored: false,
    meta: DefaultUlimitNotSet::META,
    eval,
};

/// `nofile=64000:64000` for one daemon.json entry (`{"Name", "Soft", "Hard"}`).
fn describe(name: &str, limit: &Value) -> String {
    let number = |key: &str| limit.get(key).and_then(Value::as_i64);
    match (number("Soft"), number("Hard")) {
        (Some(soft), Some(hard)) => format!("{name}={soft}:{hard}"),
        (Some(soft), None) => format!("{name}={soft}"),
        _ => name.to_string(),
    }
}

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let mut limits: Vec<String> = daemon
        .flag_values("default-ulimit")
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
    if let Some(object) = daemon.key("default-ulimits").and_then(Value::as_object) {
        limits.extend(object.iter().map(|(name, limit)| describe(name, limit)));
    }
    if limits.is_empty() {
        return Outcome::info("Default ulimit doesn't appear to be set");
    }
    Outcome::pass()
        .with_details(format!("Default ulimits: {}", limits.join(" ")))
        .with_items(limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn limits_from_key_or_flag_pass() {
        let snapshot = Snapshot::default();
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(
                &[],
                json!({"default-ulimits": {"nofile": {"Name": "nofile", "Soft": 64000, "Hard": 64000}}}),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_eq!(outcome.items, ["nofile=64000:64000"]);

        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(
                &[
                    "--default-ulimit",
                    "nproc=1024:2048",
                    "--default-ulimit=nofile=100:200",
                ],
                json!(null),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_eq!(outcome.items, ["nproc=1024:2048", "nofile=100:200"]);
    }

    #[test]
    fn empty_or_null_is_info() {
        let snapshot = Snapshot::default();
        for json in [
            json!({"default-ulimits": {}}),
            json!({"default-ulimits": null}),
        ] {
            let outcome = run(&CHECK, &snapshot, daemon(&[], json));
            assert_verdict(&CHECK, &outcome, Verdict::Info);
        }
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Info);
    }
}
