//! CIS 2.4: Docker is allowed to make changes to iptables.

use super::Check;
use crate::checks::s2_common::setting_location;
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon started with `--iptables=false` or `"iptables": false` in daemon.json.
    /// INFO on a rootless daemon: its iptables rules live in RootlessKit's network namespace,
    /// not in the host's firewall, so the setting does not touch the host.
    ///
    /// ## Why is this bad?
    /// Docker keeps the firewall consistent with the networking options of each container:
    /// it isolates networks from each other, applies `icc=false`, and opens only the published
    /// ports. Without it, the operator must write and maintain these rules by hand, and a
    /// missing rule silently exposes containers or lets them reach each other.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "iptables": false
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `"iptables": false` from daemon.json and `--iptables=false` from dockerd's
    /// command line, then restart the daemon.
    ///
    /// ## Compared with docker-bench-security
    /// Same test of the flag and the key; on a rootless daemon this check gives INFO where
    /// docker-bench-security judges a setting that does not reach the host's firewall.
    pub struct IptablesDisabled {
        code: "HB204",
        name: "iptables-disabled",
        step: HostBench,
        severity: Medium,
        summary: "Ensure Docker is allowed to make changes to iptables (Scored)",
        references: [
            Cis "2.4",
            Url "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.4",
    scored: true,
    meta: IptablesDisabled::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.rootless() {
        return Outcome::info(
            "Rootless daemon: its iptables rules live in RootlessKit's network namespace, \
             not in the host's firewall",
        );
    }
    let daemon = &ctx.facts.daemon;
    if daemon.bool_setting("iptables", "iptables") == Some(false) {
        return Outcome::warn(
            &CHECK.meta,
            ctx.config,
            "Docker may not change iptables (iptables=false)",
            setting_location(daemon, "iptables"),
        );
    }
    Outcome::pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    #[test]
    fn disabled_iptables_warns() {
        let snapshot = info(json!({}));
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--iptables=false"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        let outcome = run(&CHECK, &snapshot, daemon(&[], json!({"iptables": false})));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn default_and_true_pass() {
        let snapshot = info(json!({}));
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Pass);
        let outcome = run(&CHECK, &snapshot, daemon(&[], json!({"iptables": true})));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }

    #[test]
    fn rootless_is_info() {
        let outcome = run(
            &CHECK,
            &info(rootless_info()),
            daemon(&["--iptables=false"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }
}
