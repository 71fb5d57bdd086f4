//! CIS 2.5: insecure registries are not used.

use super::Check;
use crate::checks::s2_common::{list_setting, setting_location};
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports registries the daemon talks to without TLS or without verifying their
    /// certificate. The running daemon's list comes from `/info` `RegistryConfig`: the
    /// `InsecureRegistryCIDRs` and the `IndexConfigs` marked `Secure: false`. Without it, the
    /// `--insecure-registry` flags and the daemon.json `insecure-registries` key are read. The
    /// loopback ranges `127.0.0.0/8` and `::1/128`, which dockerd always treats as insecure,
    /// are not counted.
    ///
    /// ## Why is this bad?
    /// Images pulled over plain HTTP or unverified TLS can be replaced in transit: anyone on
    /// the network path can serve a malicious image under a trusted name, and credentials
    /// sent to the registry can be captured.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "insecure-registries": ["registry.example.com:5000", "10.0.0.0/8"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each registry a certificate (a private CA can be trusted per registry in
    /// `/etc/docker/certs.d/<registry>/ca.crt`), then remove it from `insecure-registries`
    /// and from `--insecure-registry`, and restart the daemon.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security warns on any non-empty `insecure-registries`, including the
    /// loopback defaults `127.0.0.0/8` and `::1/128` (docker/docker-bench-security#529);
    /// they are ignored here.
    pub struct InsecureRegistry {
        code: "HB205",
        name: "insecure-registry",
        step: HostBench,
        severity: High,
        summary: "Ensure insecure registries are not used (Scored)",
        references: [
            Cis "2.5",
            Url "https://docs.docker.com/reference/cli/dockerd/#insecure-registries",
            Cwe "CWE-319",
            Cwe "CWE-295",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.5",
    scored: true,
    meta: InsecureRegistry::META,
    eval,
};

/// Ranges dockerd always treats as insecure: local registries, not a configuration choice.
const DEFAULT_INSECURE: &[&str] = &["127.0.0.0/8", "::1/128"];

/// Insecure registries of the running daemon, from `/info` `RegistryConfig`.
fn from_engine(registry: &Value) -> Vec<String> {
    let mut found: Vec<String> = registry
        .get("InsecureRegistryCIDRs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if let Some(indexes) = registry.get("IndexConfigs").and_then(Value::as_object) {
        for (name, index) in indexes {
            if index.get("Secure").and_then(Value::as_bool) == Some(false) {
                found.push(name.clone());
            }
        }
    }
    found
}

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let listed = match ctx.snapshot.info.get("RegistryConfig") {
        Some(registry) if registry.is_object() => from_engine(registry),
        _ => list_setting(daemon, "insecure-registry", "insecure-registries"),
    };
    let mut insecure: Vec<String> = Vec::new();
    for registry in listed {
        let registry = registry.trim().to_string();
        if !DEFAULT_INSECURE.contains(&registry.as_str()) && !insecure.contains(&registry) {
            insecure.push(registry);
        }
    }
    if insecure.is_empty() {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        format!("Insecure registries: {}", insecure.join(" ")),
        setting_location(daemon, "insecure-registries"),
    )
    .with_items(insecure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::DAEMON;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    fn registry(cidrs: Value, indexes: Value) -> Snapshot {
        info(json!({"RegistryConfig": {
            "InsecureRegistryCIDRs": cidrs,
            "IndexConfigs": indexes
        }}))
    }

    #[test]
    fn loopback_defaults_are_not_insecure_registries() {
        let docker_io = json!({"docker.io": {"Name": "docker.io", "Secure": true}});
        let snapshot = registry(json!(["::1/128", "127.0.0.0/8"]), docker_io);
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Pass);
        // docker-bench-security#529: the defaults listed in daemon.json do not count either.
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"insecure-registries": ["127.0.0.0/8"]})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        // The real 20.10 daemon reports 127.0.0.0/8.
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }

    #[test]
    fn engine_lists_insecure_registries() {
        let snapshot = registry(
            json!(["10.0.0.0/8", "127.0.0.0/8"]),
            json!({
                "docker.io": {"Name": "docker.io", "Secure": true},
                "registry.example.com:5000": {"Name": "registry.example.com:5000", "Secure": false}
            }),
        );
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(
                &[],
                json!({"insecure-registries": ["10.0.0.0/8", "registry.example.com:5000"]}),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.items, ["10.0.0.0/8", "registry.example.com:5000"]);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn configuration_without_engine_data() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&["--insecure-registry", "myregistry:5000"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, DAEMON);
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"insecure-registries": []})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }
}
