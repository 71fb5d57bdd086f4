//! CIS 2.1: run the Docker daemon as a non-root user (rootless mode).

use super::Check;
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Tells whether the Docker daemon runs rootless: `/info` lists `name=rootless` in its
    /// `SecurityOptions`. PASS when it does; INFO with the recommendation when the daemon runs
    /// as root (a manual, unscored check: whether rootless mode fits the host is the
    /// operator's call).
    ///
    /// ## Why is this bad?
    /// A daemon running as root is root on the host: whoever controls it (through its socket,
    /// a TCP listener, or a container escape through `runc` or the daemon itself) controls the
    /// machine. In rootless mode the daemon and its containers run as an unprivileged user
    /// inside a user namespace, so a compromise stays confined to that user's rights.
    ///
    /// ## Example
    /// ```text
    /// $ docker info --format '{{.SecurityOptions}}'
    /// [name=seccomp,profile=builtin name=cgroupns]
    /// ```
    ///
    /// ## Fix
    /// Install and use the rootless daemon: `dockerd-rootless-setuptool.sh install` as the
    /// user that will own it, then point clients at `unix:///run/user/<uid>/docker.sock`
    /// (`docker context use rootless`). Mind its limitations (no AppArmor, cgroup v2 and
    /// systemd needed for resource limits, ports below 1024 need
    /// `net.ipv4.ip_unprivileged_port_start`). Where rootless mode is not possible, enable
    /// user namespace remapping (CIS 2.9).
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security (CIS v1.6.0) only prints a NOTE and never looks at the daemon.
    /// CIS v1.7.0 made 2.1 about rootless mode; this check gives a real verdict: PASS on a
    /// rootless daemon, INFO otherwise (still unscored, as in v1.6.0).
    pub struct DaemonRunsAsRoot {
        code: "HB201",
        name: "daemon-runs-as-root",
        step: Rootless,
        severity: Medium,
        summary: "Run the Docker daemon as a non-root user, if possible (Manual)",
        references: [
            Cis "2.1",
            Url "https://docs.docker.com/engine/security/rootless/",
            Cwe "CWE-250",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.1",
    scored: false,
    meta: DaemonRunsAsRoot::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.rootless() {
        return Outcome::pass().with_details("The daemon runs rootless (name=rootless)");
    }
    let mut details = String::from(
        "The daemon runs as root: consider rootless mode (dockerd-rootless-setuptool.sh install)",
    );
    if ctx.snapshot.userns_remap() {
        details.push_str("; user namespace remapping is on, so container root is not host root");
    }
    Outcome::info(details)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    #[test]
    fn rootless_daemon_passes() {
        let outcome = run_info(&CHECK, &info(rootless_info()));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }

    #[test]
    fn root_daemon_gets_the_recommendation() {
        let outcome = run_info(
            &CHECK,
            &info(json!({"SecurityOptions": ["name=seccomp,profile=builtin"]})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(outcome.details.unwrap().contains("rootless mode"));

        let outcome = run_info(
            &CHECK,
            &info(json!({"SecurityOptions": ["name=seccomp,profile=builtin", "name=userns"]})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(outcome.details.unwrap().contains("remapping is on"));
    }

    #[test]
    fn engine_20_10_runs_as_root() {
        let outcome = run_info(&CHECK, &engine_20_10());
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }
}
