//! CIS 2.9: user namespace support is enabled.

use super::Check;
use crate::checks::s2_common::{setting_location, string_setting};
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon whose containers' root is the host's root. PASS when user namespace
    /// remapping is on: `/info` lists `name=userns` in `SecurityOptions`, or dockerd has
    /// `--userns-remap` or daemon.json a non-empty `userns-remap`. PASS too on a rootless
    /// daemon (`name=rootless`): it and its containers run in a user namespace owned by an
    /// unprivileged user.
    ///
    /// ## Why is this bad?
    /// Without a user namespace, UID 0 in a container is UID 0 on the host. Any escape (a
    /// kernel bug, a writable host mount, a runtime vulnerability such as CVE-2019-5736) then
    /// lands as root on the host. With remapping, container root is an unprivileged
    /// high-numbered UID outside the container.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "userns-remap": ""
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `"userns-remap": "default"` in daemon.json (dockerd creates the `dockremap` user
    /// and its ranges in `/etc/subuid` and `/etc/subgid`), or name an existing user, and
    /// restart the daemon. Images and containers are stored anew under
    /// `<data-root>/<uid>.<gid>`; containers that need host namespaces opt out with
    /// `--userns=host`. Or run the daemon rootless (CIS 2.1).
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only reads the flag and the key: it warns on a rootless daemon,
    /// whose containers do run in a user namespace, and it cannot see remapping applied by
    /// the running engine. This check also passes on `name=userns` and `name=rootless`.
    pub struct UsernsRemapDisabled {
        code: "HB209",
        name: "userns-remap-disabled",
        step: UserNamespaces,
        severity: Medium,
        summary: "Enable user namespace support (Scored)",
        references: [
            Cis "2.9",
            Url "https://docs.docker.com/engine/security/userns-remap/",
            Cwe "CWE-250",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.9",
    scored: true,
    meta: UsernsRemapDisabled::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.rootless() {
        return Outcome::pass()
            .with_details("Rootless daemon: containers run in the daemon's user namespace");
    }
    if ctx.snapshot.userns_remap() {
        return Outcome::pass().with_details("User namespace remapping is on (name=userns)");
    }
    let daemon = &ctx.facts.daemon;
    if let Some(remap) = string_setting(daemon, "userns-remap", "userns-remap") {
        return Outcome::pass().with_details(format!("userns-remap: {remap}"));
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        "User namespace remapping is off: root in a container is root on the host",
        setting_location(daemon, "userns-remap"),
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
    fn engine_reports_remapping() {
        let snapshot = info(json!({"SecurityOptions": [
            "name=seccomp,profile=builtin",
            "name=userns"
        ]}));
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Pass);
    }

    #[test]
    fn rootless_passes() {
        let outcome = run_info(&CHECK, &info(rootless_info()));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert!(outcome.details.unwrap().contains("Rootless"));
    }

    #[test]
    fn configured_remapping_passes() {
        let snapshot = Snapshot::default();
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"userns-remap": "default"})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--userns-remap=dockremap"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }

    #[test]
    fn no_remapping_warns() {
        let outcome = run(
            &CHECK,
            &info(json!({"SecurityOptions": ["name=seccomp,profile=builtin"]})),
            daemon(&[], json!({"userns-remap": ""})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Warn);
    }
}
