//! CIS 2.14: containers are restricted from acquiring new privileges.

use super::Check;
use crate::checks::s2_common::setting_location;
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon that does not set `no-new-privileges` on its containers by default.
    /// PASS when `/info` lists `name=no-new-privileges` in `SecurityOptions` (Docker 23 and
    /// later report it), or dockerd has `--no-new-privileges` (not `=false`), or daemon.json
    /// `"no-new-privileges": true`.
    ///
    /// ## Why is this bad?
    /// Without `no_new_privs`, a process in a container can gain privileges through setuid
    /// and setgid binaries or file capabilities (`su`, `sudo`, `ping`, a planted setuid
    /// shell). With it, `execve` never grants more privileges than the parent had, which
    /// closes a whole class of privilege escalations inside containers.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "no-new-privileges": false
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `"no-new-privileges": true` in daemon.json (or start dockerd with
    /// `--no-new-privileges`) and restart the daemon. A container that really needs setuid
    /// binaries can opt out with `--security-opt no-new-privileges=false`.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security greps the command line for the flag's name, so
    /// `--no-new-privileges=false` passes, and it cannot see the engine's own report. Here the
    /// flag's value is parsed and `/info` `name=no-new-privileges` also passes.
    pub struct DaemonNewPrivilegesAllowed {
        code: "HB214",
        name: "daemon-new-privileges-allowed",
        step: HostBench,
        severity: Medium,
        summary: "Ensure containers are restricted from acquiring new privileges (Scored)",
        references: [
            Cis "2.14",
            Url "https://docs.docker.com/reference/cli/dockerd/",
            Cwe "CWE-269",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.14",
    scored: true,
    meta: DaemonNewPrivilegesAllowed::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.has_security_option("no-new-privileges") {
        return Outcome::pass();
    }
    let daemon = &ctx.facts.daemon;
    if daemon.bool_setting("no-new-privileges", "no-new-privileges") == Some(true) {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        "Containers may acquire new privileges: no-new-privileges is not the daemon's default",
        setting_location(daemon, "no-new-privileges"),
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
    fn engine_security_option_passes() {
        let snapshot = info(json!({"SecurityOptions": [
            "name=seccomp,profile=builtin",
            "name=no-new-privileges"
        ]}));
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Pass);
    }

    #[test]
    fn configuration_passes() {
        let snapshot = Snapshot::default();
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--no-new-privileges"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"no-new-privileges": true})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }

    #[test]
    fn explicit_false_warns() {
        // docker-bench-security passes this one: it only greps for the flag's name.
        let snapshot = Snapshot::default();
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--no-new-privileges=false"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"no-new-privileges": false})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn default_warns() {
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Warn);
    }
}
