//! CIS 2.7: TLS authentication is configured for a daemon listening on TCP.

use super::Check;
use crate::checks::s2_common::{info_warnings, list_setting, setting_location};
use crate::checks::{Ctx, Outcome};
use crate::facts::DaemonConfig;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon that listens on TCP without TLS client verification. The listeners
    /// are dockerd's `-H`/`--host` flags and the daemon.json `hosts` key (`tcp://…`, or an
    /// address without scheme such as `0.0.0.0:2375`); TLS comes from `--tlsverify`/`--tls` or
    /// the `tlsverify`/`tls` keys. The engine's own warnings in `/info` ("API is accessible on
    /// http://… without encryption", "… on https://… without TLS client verification") are
    /// authoritative for the running daemon. INFO when the daemon does not listen on TCP.
    ///
    /// ## Why is this bad?
    /// The Docker API is root on the host: anyone who can reach an unauthenticated TCP
    /// listener can start a privileged container with the host's `/` mounted. Without TLS the
    /// traffic, registry credentials included, is also readable on the network. TLS without
    /// client verification encrypts but still lets every client in.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Prefer the Unix socket (or SSH: `DOCKER_HOST=ssh://user@host`). If TCP is needed,
    /// listen on port 2376 with `"tlsverify": true` and `tlscacert`, `tlscert`, `tlskey`
    /// pointing at a CA you control, and give each client a certificate signed by it.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security greps daemon.json for `host.*tcp://` and the command line for a
    /// `-H` that is not `unix://` or `fd://`. This check parses the `hosts` list and every
    /// `-H` spelling, and also trusts the engine's warnings, which reflect the running
    /// daemon even when its configuration files were edited since it started.
    pub struct DaemonTcpWithoutTls {
        code: "HB207",
        name: "daemon-tcp-without-tls",
        step: HostBench,
        severity: Critical,
        summary: "Ensure TLS authentication for Docker daemon is configured (Scored)",
        references: [
            Cis "2.7",
            Url "https://docs.docker.com/engine/security/protect-access/",
            Cwe "CWE-306",
            Cwe "CWE-319",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.7",
    scored: true,
    meta: DaemonTcpWithoutTls::META,
    eval,
};

/// A listener address is TCP: `tcp://…`, `http(s)://…`, or an address without scheme
/// (dockerd reads `0.0.0.0:2375` and `:2375` as TCP).
fn is_tcp(host: &str) -> bool {
    let host = host.trim();
    if host.is_empty() {
        return false;
    }
    match host.split_once("://") {
        Some((scheme, _)) => matches!(scheme, "tcp" | "http" | "https"),
        None => true,
    }
}

/// The configured TCP listeners.
fn tcp_hosts(daemon: &DaemonConfig) -> Vec<String> {
    list_setting(daemon, "host", "hosts")
        .into_iter()
        .filter(|h| is_tcp(h))
        .collect()
}

/// The address after `prefix` in an engine warning, up to the next space.
fn warned_address(warning: &str, prefix: &str) -> Option<String> {
    let start = warning.find(prefix)? + prefix.len();
    let address = warning[start..].split_whitespace().next()?;
    Some(address.to_string())
}

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let location = || setting_location(daemon, "hosts");
    let warn = |message: String| Outcome::warn(&CHECK.meta, ctx.config, message, location());

    let mut plain = Vec::new();
    let mut unverified = Vec::new();
    for warning in info_warnings(&ctx.snapshot.info) {
        if let Some(address) = warned_address(warning, "API is accessible on http://") {
            plain.push(address);
        } else if warning.contains("without TLS client verification")
            && let Some(address) = warned_address(warning, "API is accessible on https://")
        {
            unverified.push(address);
        }
    }
    if !plain.is_empty() {
        return warn(format!(
            "Docker daemon currently listening on TCP without TLS: {}",
            plain.join(" ")
        ))
        .with_items(plain);
    }
    if !unverified.is_empty() {
        return warn(format!(
            "Docker daemon currently listening on TCP with TLS, but no verification: {}",
            unverified.join(" ")
        ))
        .with_items(unverified);
    }

    let hosts = tcp_hosts(daemon);
    if hosts.is_empty() {
        return Outcome::info("Docker daemon not listening on TCP");
    }
    if daemon.bool_setting("tlsverify", "tlsverify") == Some(true) {
        return Outcome::pass().with_details(format!(
            "TCP listeners with TLS client verification: {}",
            hosts.join(" ")
        ));
    }
    let listed = hosts.join(" ");
    if daemon.bool_setting("tls", "tls") == Some(true) {
        return warn(format!(
            "Docker daemon currently listening on TCP with TLS, but no verification: {listed}"
        ))
        .with_items(hosts);
    }
    warn(format!(
        "Docker daemon currently listening on TCP without TLS: {listed}"
    ))
    .with_items(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn unix_and_fd_only_is_info() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(
                &[
                    "-H",
                    "fd://",
                    "--containerd=/run/containerd/containerd.sock",
                ],
                json!({"hosts": ["unix:///var/run/docker.sock"]}),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Info);
    }

    #[test]
    fn hosts_key_without_tls_warns() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(
                &[],
                json!({"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.items, ["tcp://0.0.0.0:2375"]);
        assert!(outcome.details.unwrap().contains("without TLS"));
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn flag_spellings_and_tls_levels() {
        let snapshot = Snapshot::default();
        let outcome = run(&CHECK, &snapshot, daemon(&["-H", ":2375"], json!(null)));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);

        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["-Htcp://0.0.0.0:2376", "--tls"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert!(outcome.details.unwrap().contains("no verification"));

        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--host=tcp://0.0.0.0:2376", "--tlsverify"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);

        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(
                &[],
                json!({"hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true}),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }

    #[test]
    fn engine_warnings_win() {
        // Docker 20.10 wording.
        let snapshot = info(json!({"Warnings": [
            "WARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n         Access to the remote API is equivalent to root access on the host."
        ]}));
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["-H", "fd://"], json!({"tlsverify": true})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.items, ["0.0.0.0:2375"]);

        // Docker 26+ wording.
        let snapshot = info(json!({"Warnings": [
            "[DEPRECATION NOTICE]: API is accessible on https://0.0.0.0:2376 without TLS client verification.\n         Access to the remote API is equivalent to root access on the host."
        ]}));
        let outcome = run_info(&CHECK, &snapshot);
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert!(outcome.details.unwrap().contains("no verification"));
        assert_eq!(outcome.findings[0].location.file, "docker://daemon");
    }

    #[test]
    fn tcp_addresses() {
        assert!(is_tcp("tcp://127.0.0.1:2375"));
        assert!(is_tcp("0.0.0.0:2375"));
        assert!(is_tcp(":2376"));
        assert!(!is_tcp("unix:///run/user/1000/docker.sock"));
        assert!(!is_tcp("fd://"));
        assert!(!is_tcp("npipe:////./pipe/docker_engine"));
        assert!(!is_tcp(""));
    }
}
