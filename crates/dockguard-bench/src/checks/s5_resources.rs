//! CIS section 5, resources and cgroups: memory (5.11), CPU (5.12), restart policy (5.15),
//! ulimits (5.19), cgroup parent (5.25) and PIDs limit (5.29).

use super::Ctx;
use super::Outcome;
use super::c_common::{bench_check, container_outcome, rule_findings, settings};
use crate::result::Verdict;

bench_check! {
    /// ## What it does
    /// Reports containers without a memory limit (`--memory`), through WL108.
    ///
    /// ## Why is this bad?
    /// An unlimited container can take all of the host's memory; the kernel's out-of-memory
    /// killer then picks victims across the host, other containers and the daemon included.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d example/api
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Set a limit a little above the service's observed peak (`--memory 512m`).
    pub static CHECK_5_11 {
        id: "5.11",
        scored: true,
        eval: eval_5_11,
        code: "HB511",
        name: "no-memory-limit",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Ensure that the memory usage for containers is limited (Automated)",
        references: [Cis "5.11", Cwe "CWE-770"],
    }
}

fn eval_5_11(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL108"]),
        "Container running without memory restrictions",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers with neither a CPU limit nor a CPU weight (`--cpus`, `--cpu-quota`,
    /// `--cpu-shares`), through WL109.
    ///
    /// ## Why is this bad?
    /// A single container can then use every CPU of the host and starve the other containers
    /// and the host's own services.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d example/worker
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only reads `CpuShares` and `NanoCpus`, so a container limited
    /// with `--cpu-quota`/`--cpu-period` fails there; it passes here. Stopped containers are
    /// checked as well.
    ///
    /// ## Fix
    /// Set a limit (`--cpus 1.5`) or a relative weight (`--cpu-shares 512`).
    pub static CHECK_5_12 {
        id: "5.12",
        scored: true,
        eval: eval_5_12,
        code: "HB512",
        name: "no-cpu-priority",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Ensure that CPU priority is set appropriately on containers (Automated)",
        references: [Cis "5.12", Cwe "CWE-770"],
    }
}

fn eval_5_12(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL109"]),
        "Containers running without CPU restrictions",
    )
}

bench_check! {
    /// ## What it does
    /// Reports restart policies that retry without a small cap (WL115): `always`,
    /// `unless-stopped`, and `on-failure` with no maximum or a maximum above 5.
    ///
    /// ## Why is this bad?
    /// A container that crashes at start is restarted endlessly: each restart re-runs the
    /// start path an attacker may be probing, consumes host resources, and hides the failure
    /// as a flapping service.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --restart always example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only compares `MaximumRetryCount` with 5; `always` and
    /// `unless-stopped` have a count of 0 and pass there although they retry for ever, and so
    /// does `on-failure` without a maximum. Here the policy's name is read. Stopped
    /// containers are checked as well.
    ///
    /// ## Fix
    /// Use `--restart on-failure:5`, and let an orchestrator with back-off handle services
    /// that must always run.
    pub static CHECK_5_15 {
        id: "5.15",
        scored: true,
        eval: eval_5_15,
        code: "HB515",
        name: "restart-policy-uncapped",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Ensure that the 'on-failure' container restart policy is set to '5' (Automated)",
        references: [Cis "5.15"],
    }
}

fn eval_5_15(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL115"]),
        "Containers with MaximumRetryCount not set to 5 or less",
    )
}

bench_check! {
    /// ## What it does
    /// Lists (`INFO`, a manual check) the containers that do not override the default
    /// ulimits (`--ulimit`).
    ///
    /// ## Why is this bad?
    /// The defaults come from the daemon and may be too high for a given service (open
    /// files, processes) or too low; reviewing them per container bounds what one container
    /// can take from the host.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are listed as well.
    ///
    /// ## Fix
    /// Set the limits the service needs (`--ulimit nofile=1024:2048`) or daemon-wide defaults
    /// (`default-ulimits` in daemon.json) when they suit every container.
    pub static CHECK_5_19 {
        id: "5.19",
        scored: false,
        eval: eval_5_19,
        code: "HB519",
        name: "default-ulimit-not-overridden",
        step: NamespacesCgroups,
        severity: Info,
        summary: "Ensure that the default ulimit is overwritten at runtime if needed (Manual)",
        references: [Cis "5.19"],
    }
}

fn eval_5_19(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.containers.is_empty() {
        return Outcome::info("No containers");
    }
    let items: Vec<String> = ctx
        .snapshot
        .containers
        .iter()
        .filter(|record| settings(record).is_none_or(|s| s.ulimits.is_empty()))
        .map(|record| record.name.clone())
        .collect();
    if items.is_empty() {
        return Outcome::pass();
    }
    Outcome::of(Verdict::Info)
        .with_details(format!(
            "Containers with no default ulimit override: {}",
            items.join(" ")
        ))
        .with_items(items)
}

bench_check! {
    /// ## What it does
    /// Reports containers run under a custom cgroup parent (`--cgroup-parent`), through
    /// WL113, so that someone confirms the limits of that cgroup apply to them.
    ///
    /// ## Why is this bad?
    /// A container under another cgroup escapes the limits and accounting the daemon would
    /// give it, and may share a budget with unrelated processes.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --cgroup-parent /custom example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove `--cgroup-parent` unless the parent cgroup is deliberate and its limits are
    /// reviewed.
    pub static CHECK_5_25 {
        id: "5.25",
        scored: true,
        eval: eval_5_25,
        code: "HB525",
        name: "cgroup-usage-unconfirmed",
        step: NamespacesCgroups,
        severity: Info,
        summary: "Ensure that cgroup usage is confirmed (Automated)",
        references: [Cis "5.25"],
    }
}

fn eval_5_25(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL113"]),
        "Containers using unexpected cgroup",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers without a PIDs limit (`--pids-limit`), or with `0` or `-1`, which
    /// mean unlimited, through WL110.
    ///
    /// ## Why is this bad?
    /// A fork bomb, or a leak of processes, in one container can exhaust the host's process
    /// table and stop every other service from starting processes.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Set a limit suited to the service (`--pids-limit 200`).
    pub static CHECK_5_29 {
        id: "5.29",
        scored: true,
        eval: eval_5_29,
        code: "HB529",
        name: "no-pids-limit",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Ensure that the PIDs cgroup limit is used (Automated)",
        references: [Cis "5.29", Cwe "CWE-770"],
    }
}

fn eval_5_29(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL110"]),
        "Containers without PIDs cgroup limit",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, container_with, fleet, no_info, run, snapshot,
    };
    use serde_json::json;

    const UNLIMITED: &[&str] = &[
        "hbc-default",
        "hbc-caps",
        "hbc-cap-all",
        "hbc-privileged",
        "hbc-hostns",
        "hbc-mounts",
        "hbc-ports",
        "hbc-secopt",
        "hbc-root00",
        "hbc-misc",
    ];

    #[test]
    fn memory_cpu_and_pids_limits() {
        let snap = snapshot(no_info(), fleet());
        // hbc-running has a memory limit only.
        assert_outcome(&run(&CHECK_5_11, &snap), Verdict::Warn, UNLIMITED);
        let mut no_cpu = UNLIMITED.to_vec();
        no_cpu.push("hbc-running");
        assert_outcome(&run(&CHECK_5_12, &snap), Verdict::Warn, &no_cpu);
        assert_outcome(&run(&CHECK_5_29, &snap), Verdict::Warn, &no_cpu);
        let hardened = snapshot(no_info(), vec![container("hardened")]);
        for check in [&CHECK_5_11, &CHECK_5_12, &CHECK_5_29] {
            assert_outcome(&run(check, &hardened), Verdict::Pass, &[]);
            assert_outcome(
                &run(check, &snapshot(no_info(), vec![])),
                Verdict::Info,
                &[],
            );
        }
        // A CPU quota is a limit (docker-bench-security only reads CpuShares and NanoCpus).
        let quota = container_with("default", |c| {
            c["HostConfig"]["CpuQuota"] = json!(50000);
        });
        assert_outcome(
            &run(&CHECK_5_12, &snapshot(no_info(), vec![quota])),
            Verdict::Pass,
            &[],
        );
    }

    #[test]
    fn restart_policy_name_counts() {
        let snap = snapshot(no_info(), fleet());
        let outcome = run(&CHECK_5_15, &snap);
        assert_outcome(&outcome, Verdict::Warn, &["hbc-misc"]);
        assert!(outcome.findings[0].message.contains("`always`"));
        let many = container_with("hardened", |c| {
            c["HostConfig"]["RestartPolicy"] =
                json!({"Name": "on-failure", "MaximumRetryCount": 10});
        });
        assert_outcome(
            &run(&CHECK_5_15, &snapshot(no_info(), vec![many])),
            Verdict::Warn,
            &["hbc-hardened"],
        );
        assert_outcome(
            &run(
                &CHECK_5_15,
                &snapshot(no_info(), vec![container("hardened")]),
            ),
            Verdict::Pass,
            &[],
        );
    }

    #[test]
    fn ulimits_are_listed() {
        let outcome = run(
            &CHECK_5_19,
            &snapshot(no_info(), vec![container("misc"), container("default")]),
        );
        assert_outcome(&outcome, Verdict::Info, &["hbc-default"]);
        assert_outcome(
            &run(&CHECK_5_19, &snapshot(no_info(), vec![container("misc")])),
            Verdict::Pass,
            &[],
        );
        assert_outcome(
            &run(&CHECK_5_19, &snapshot(no_info(), vec![])),
            Verdict::Info,
            &[],
        );
    }

    #[test]
    fn cgroup_parent() {
        let outcome = run(&CHECK_5_25, &snapshot(no_info(), fleet()));
        assert_outcome(&outcome, Verdict::Warn, &["hbc-misc"]);
        assert_outcome(
            &run(
                &CHECK_5_25,
                &snapshot(no_info(), vec![container("default")]),
            ),
            Verdict::Pass,
            &[],
        );
    }
}
