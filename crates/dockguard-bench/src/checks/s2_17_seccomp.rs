//! CIS 2.17: a daemon-wide custom seccomp profile is applied if appropriate.

use super::Check;
use crate::checks::s2_common::{reports_security_options, security_option};
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Tells which seccomp profile the daemon applies to containers by default, from the
    /// `/info` `SecurityOptions` entry `name=seccomp,profile=…`. PASS for Docker's default
    /// profile (`profile=builtin` since Docker 23, `profile=default` before); INFO with the
    /// profile for a custom profile (to review) or `unconfined` (no seccomp filtering for
    /// containers that do not ask for a profile), and when the daemon has no seccomp support.
    /// A manual, unscored check.
    ///
    /// ## Why is this bad?
    /// Seccomp limits the system calls a container can make; Docker's default profile blocks
    /// about 44 of them (`mount`, `reboot`, `kexec_load`, `bpf`, `keyctl`, …) that containers
    /// rarely need and kernel exploits often do. A daemon-wide `unconfined` profile removes
    /// that barrier from every container; a custom profile is only as good as its review.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "seccomp-profile": "unconfined"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep Docker's default profile unless the workloads need a tighter one; in that case
    /// start from the default, remove what is not needed, and set
    /// `"seccomp-profile": "/etc/docker/seccomp.json"` in daemon.json. Never set it to
    /// `unconfined`.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security looks for `profile=default`, the name Docker used before 23.0;
    /// current engines report `profile=builtin`, so it always gives INFO there. Both names
    /// pass here, and the INFO says which profile is in use.
    pub struct DaemonSeccompNotDefault {
        code: "HB217",
        name: "daemon-seccomp-not-default",
        step: HostBench,
        severity: Low,
        summary: "Ensure that a daemon-wide custom seccomp profile is applied if appropriate (Manual)",
        references: [
            Cis "2.17",
            Url "https://docs.docker.com/engine/security/seccomp/",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.17",
    scored: false,
    meta: DaemonSeccompNotDefault::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let info = &ctx.snapshot.info;
    if !reports_security_options(info) {
        return Outcome::info("The engine did not report its security options");
    }
    let Some(fields) = security_option(info, "seccomp") else {
        return Outcome::info("Seccomp is not supported by this daemon or kernel");
    };
    let profile = fields
        .iter()
        .find(|(k, _)| k == "profile")
        .map(|(_, v)| v.as_str())
        // Engines before 1.13 listed `name=seccomp` without a profile: the default one.
        .unwrap_or("default");
    match profile {
        "builtin" | "default" => {
            Outcome::pass().with_details(format!("Default seccomp profile (profile={profile})"))
        }
        "unconfined" => Outcome::info(
            "Seccomp is disabled daemon-wide (profile=unconfined): containers without a \
             profile of their own are not filtered",
        ),
        custom => Outcome::info(format!(
            "Custom daemon-wide seccomp profile {custom}: review it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    fn seccomp(entry: &str) -> crate::snapshot::Snapshot {
        info(json!({"SecurityOptions": ["name=apparmor", entry, "name=cgroupns"]}))
    }

    #[test]
    fn builtin_and_default_pass() {
        // docker-bench-security gives INFO for builtin, the name Docker >= 23 reports.
        let outcome = run_info(&CHECK, &seccomp("name=seccomp,profile=builtin"));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run_info(&CHECK, &seccomp("name=seccomp,profile=default"));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        // Docker 20.10 here reports `default`.
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }

    #[test]
    fn unconfined_and_custom_are_info_with_the_profile() {
        let outcome = run_info(&CHECK, &seccomp("name=seccomp,profile=unconfined"));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(outcome.details.unwrap().contains("unconfined"));
        let outcome = run_info(
            &CHECK,
            &seccomp("name=seccomp,profile=/etc/docker/seccomp.json"),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(
            outcome
                .details
                .unwrap()
                .contains("/etc/docker/seccomp.json")
        );
    }

    #[test]
    fn no_seccomp_is_info() {
        let outcome = run_info(&CHECK, &info(json!({"SecurityOptions": ["name=apparmor"]})));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        let outcome = run_info(&CHECK, &info(json!({})));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }
}
