//! CIS 2.16: the userland proxy is disabled.

use super::Check;
use crate::checks::s2_common::setting_location;
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon that forwards published ports through the userland proxy
    /// (`docker-proxy`, the default): PASS only with `--userland-proxy=false` or
    /// `"userland-proxy": false` in daemon.json. INFO on a rootless daemon, whose published
    /// ports reach the host through RootlessKit's port driver and the proxy: disabling it
    /// there is not the hardening the benchmark intends.
    ///
    /// ## Why is this bad?
    /// With the proxy, every published port is served by a `docker-proxy` process running as
    /// root on the host, one per port: more privileged code listening on the network, and
    /// more attack surface, where kernel NAT rules (hairpin NAT) would do the job.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "userland-proxy": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `"userland-proxy": false` in daemon.json (or start dockerd with
    /// `--userland-proxy=false`) and restart the daemon. Check first that the kernel supports
    /// hairpin NAT and that nothing relies on reaching published ports through `localhost`
    /// on old kernels.
    ///
    /// ## Compared with docker-bench-security
    /// Same test of the flag and the key; on a rootless daemon this check gives INFO where
    /// docker-bench-security warns about a proxy that rootless port forwarding relies on.
    pub struct UserlandProxyEnabled {
        code: "HB216",
        name: "userland-proxy-enabled",
        step: HostBench,
        severity: Low,
        summary: "Ensure Userland Proxy is Disabled (Scored)",
        references: [
            Cis "2.16",
            Url "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.16",
    scored: true,
    meta: UserlandProxyEnabled::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.rootless() {
        return Outcome::info(
            "Rootless daemon: published ports reach the host through RootlessKit's port \
             driver and the userland proxy",
        );
    }
    let daemon = &ctx.facts.daemon;
    if daemon.bool_setting("userland-proxy", "userland-proxy") == Some(false) {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        "The userland proxy is enabled: published ports are served by docker-proxy processes",
        setting_location(daemon, "userland-proxy"),
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
    fn disabled_proxy_passes() {
        let snapshot = Snapshot::default();
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--userland-proxy=false"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"userland-proxy": false})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }

    #[test]
    fn default_proxy_warns() {
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Warn);
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"userland-proxy": true})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn rootless_is_info() {
        let outcome = run_info(&CHECK, &info(rootless_info()));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }
}
