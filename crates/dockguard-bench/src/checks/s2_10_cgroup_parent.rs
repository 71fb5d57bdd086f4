//! CIS 2.10: the default cgroup usage has been confirmed.

use super::Check;
use crate::checks::s2_common::{setting_location, string_setting};
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon that places its containers under a non-default parent cgroup:
    /// dockerd's `--cgroup-parent` flag or the daemon.json `cgroup-parent` key. The setting is
    /// not wrong in itself; the check asks the operator to confirm it.
    ///
    /// ## Why is this bad?
    /// The parent cgroup's limits and accounting apply to every container below it. A parent
    /// chosen by mistake can leave containers without the limits the host relies on, or put
    /// them under a cgroup shared with other services that they can then starve.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "cgroup-parent": "/batch-jobs"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep the default (`/docker`, or `system.slice` with the systemd cgroup driver) unless
    /// a different parent is intended; if it is, check the limits of that cgroup. Remove
    /// `cgroup-parent` from daemon.json and `--cgroup-parent` from the command line otherwise.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security's daemon.json branch pipes the key through `grep -v ''`, which
    /// never prints anything, so a `cgroup-parent` set in daemon.json is never reported. Here
    /// the key is read like the flag.
    pub struct CgroupParentChanged {
        code: "HB210",
        name: "cgroup-parent-changed",
        step: HostBench,
        severity: Low,
        summary: "Ensure the default cgroup usage has been confirmed (Scored)",
        references: [
            Cis "2.10",
            Url "https://docs.docker.com/reference/cli/dockerd/#default-cgroup-parent",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.10",
    scored: true,
    meta: CgroupParentChanged::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    match string_setting(daemon, "cgroup-parent", "cgroup-parent") {
        None => Outcome::pass(),
        Some(parent) => Outcome::warn(
            &CHECK.meta,
            ctx.config,
            format!("Confirm cgroup usage: cgroup-parent is {parent}"),
            setting_location(daemon, "cgroup-parent"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn daemon_json_key_is_detected() {
        // docker-bench-security never reports this one.
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"cgroup-parent": "/batch-jobs"})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert!(outcome.details.unwrap().contains("/batch-jobs"));
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn flag_is_detected() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&["--cgroup-parent", "/ci"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "docker://daemon");
    }

    #[test]
    fn default_passes() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"cgroup-parent": ""})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }
}
