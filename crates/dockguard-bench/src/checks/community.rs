//! docker-bench-security's community checks: C.2 (legacy v1 registry) and C.5.3.1–C.5.3.4,
//! containers given one of four dangerous capabilities, judged by WL101 (and WL100 for
//! privileged containers, which have every capability). Its C.1 and C.1.1 are examples of how
//! to write a check ("This is a example check") and are not carried over.

use super::c_common::{bench_check, container_outcome, rule_findings, same_place, settings};
use super::{Ctx, Outcome};
use dockguard_workload::rules::helpers::capability_name;

/// The findings of WL101 about capability `cap` (or `ALL`) and of WL100 (privileged).
fn capability_outcome(ctx: &Ctx, cap: &str) -> Outcome {
    let findings: Vec<_> = rule_findings(ctx, &["WL100", "WL101"])
        .into_iter()
        .filter(|f| {
            f.code == "WL100"
                || ctx.snapshot.containers.iter().any(|record| {
                    settings(record).is_some_and(|s| {
                        s.cap_add.iter().any(|added| {
                            let name = capability_name(&added.value);
                            (name == cap || name == "ALL") && same_place(&added.loc, &f.location)
                        })
                    })
                })
        })
        .collect();
    container_outcome(
        ctx,
        findings,
        &format!("CAP_{cap} capability added for containers"),
    )
}

bench_check! {
    /// ## What it does
    /// On engines older than 17.12, reports a daemon that still allows pull, push and login
    /// against v1 registries (no `--disable-legacy-registry`, flag or daemon.json key). From
    /// 17.12 on, v1 registry support is gone from the engine and the option no longer exists:
    /// the check is `INFO` "(Deprecated)".
    ///
    /// ## Why is this bad?
    /// The v1 registry protocol has no content addressing: images pulled with it cannot be
    /// verified by digest, and its authentication is weaker.
    ///
    /// ## Example
    /// ```console
    /// $ dockerd   # Docker 17.09, v1 registries still allowed
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule and version threshold; the version comes from `/version` instead of the
    /// text of `docker version`.
    ///
    /// ## Fix
    /// Upgrade the engine; on an engine older than 17.12 start dockerd with
    /// `--disable-legacy-registry`.
    pub static CHECK_C_2 {
        id: "C.2",
        scored: true,
        eval: eval_c_2,
        code: "HB902",
        name: "legacy-registry-allowed",
        step: TrustedImages,
        severity: Medium,
        summary: "Ensure operations on legacy registry (v1) are Disabled (Automated)",
        references: [Url "https://docs.docker.com/engine/deprecated/#interacting-with-v1-registries"],
    }
}

fn eval_c_2(ctx: &Ctx) -> Outcome {
    let version = super::s2_18_experimental::server_version(ctx.snapshot)
        .and_then(super::s2_18_experimental::major_minor);
    match version {
        Some(v) if v < (17, 12) => {
            if ctx
                .facts
                .daemon
                .bool_setting("disable-legacy-registry", "disable-legacy-registry")
                == Some(true)
            {
                Outcome::pass()
            } else {
                Outcome::warn(
                    &CHECK_C_2.meta,
                    ctx.config,
                    "the daemon allows operations on v1 registries",
                    super::host_location("docker://daemon"),
                )
            }
        }
        Some(_) => Outcome::info("(Deprecated) v1 registry support was removed in Docker 17.12"),
        None => Outcome::info("the engine's version is unknown"),
    }
}

bench_check! {
    /// ## What it does
    /// Reports containers given `CAP_DAC_READ_SEARCH`: added by name (`--cap-add
    /// DAC_READ_SEARCH`, any case, with or without `CAP_`), through `--cap-add ALL`, or by
    /// running privileged.
    ///
    /// ## Why is this bad?
    /// The capability bypasses read permission checks and allows `open_by_handle_at`, the
    /// call behind the "shocker" escape that opens any file of the host's file system.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --cap-add DAC_READ_SEARCH example/backup
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security matches the name in `CapAdd` only: `--cap-add ALL` and
    /// privileged containers pass there. Stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove the capability; give the container the files it must read through a mount.
    pub static CHECK_C_5_3_1 {
        id: "C.5.3.1",
        scored: true,
        eval: eval_c_5_3_1,
        code: "HB951",
        name: "cap-dac-read-search",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that CAP_DAC_READ_SEARCH Linux kernel capability is disabled (Automated)",
        references: [Cis "5.4"],
    }
}

fn eval_c_5_3_1(ctx: &Ctx) -> Outcome {
    capability_outcome(ctx, "DAC_READ_SEARCH")
}

bench_check! {
    /// ## What it does
    /// Reports containers given `CAP_SYS_MODULE`: added by name, through `--cap-add ALL`, or
    /// by running privileged.
    ///
    /// ## Why is this bad?
    /// Loading a kernel module is running arbitrary code in the host's kernel.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --cap-add SYS_MODULE example/driver-loader
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security matches the name in `CapAdd` only: `--cap-add ALL` and
    /// privileged containers pass there. Stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove the capability; load the modules the host needs on the host itself.
    pub static CHECK_C_5_3_2 {
        id: "C.5.3.2",
        scored: true,
        eval: eval_c_5_3_2,
        code: "HB952",
        name: "cap-sys-module",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that CAP_SYS_MODULE Linux kernel capability is disabled (Automated)",
        references: [Cis "5.4"],
    }
}

fn eval_c_5_3_2(ctx: &Ctx) -> Outcome {
    capability_outcome(ctx, "SYS_MODULE")
}

bench_check! {
    /// ## What it does
    /// Reports containers given `CAP_SYS_ADMIN`: added by name, through `--cap-add ALL`, or
    /// by running privileged.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` allows mounts, namespace and cgroup manipulation and much of what root can
    /// do; the cgroup `release_agent` escape needs nothing more.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --cap-add SYS_ADMIN example/fuse-app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security matches the name in `CapAdd` only: `--cap-add ALL` and
    /// privileged containers pass there. Stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove the capability; for FUSE pass `/dev/fuse` with a tailored seccomp and AppArmor
    /// profile, for mounts prepare them on the host.
    pub static CHECK_C_5_3_3 {
        id: "C.5.3.3",
        scored: true,
        eval: eval_c_5_3_3,
        code: "HB953",
        name: "cap-sys-admin",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that CAP_SYS_ADMIN Linux kernel capability is disabled (Automated)",
        references: [Cis "5.4"],
    }
}

fn eval_c_5_3_3(ctx: &Ctx) -> Outcome {
    capability_outcome(ctx, "SYS_ADMIN")
}

bench_check! {
    /// ## What it does
    /// Reports containers given `CAP_SYS_PTRACE`: added by name, through `--cap-add ALL`, or
    /// by running privileged.
    ///
    /// ## Why is this bad?
    /// Tracing lets the container read and inject code into other processes, every host
    /// process when it also shares the host's PID namespace.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --cap-add SYS_PTRACE example/debugger
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security matches the name in `CapAdd` only: `--cap-add ALL` and
    /// privileged containers pass there. Stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove the capability; debug in a dedicated, short-lived container rather than in
    /// production ones.
    pub static CHECK_C_5_3_4 {
        id: "C.5.3.4",
        scored: true,
        eval: eval_c_5_3_4,
        code: "HB954",
        name: "cap-sys-ptrace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that CAP_SYS_PTRACE Linux kernel capability is disabled (Automated)",
        references: [Cis "5.4"],
    }
}

fn eval_c_5_3_4(ctx: &Ctx) -> Outcome {
    capability_outcome(ctx, "SYS_PTRACE")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, container_with, fleet, no_info, run, snapshot,
    };
    use crate::result::Verdict;
    use serde_json::json;

    #[test]
    fn legacy_registry_by_engine_version() {
        use crate::facts::{DaemonConfig, HostFacts};
        use crate::snapshot::Snapshot;
        let engine = |version: &str| Snapshot {
            version: json!({ "Version": version }),
            ..Snapshot::default()
        };
        let facts = |args: &[&str]| HostFacts {
            daemon: DaemonConfig {
                args: args.iter().map(|a| a.to_string()).collect(),
                ..DaemonConfig::default()
            },
            ..HostFacts::default()
        };
        let eval = |snapshot: &Snapshot, facts: &HostFacts| {
            let config = dockguard_core::Config::default();
            let options = crate::Options::default();
            eval_c_2(&crate::checks::Ctx::new(snapshot, facts, &config, &options)).verdict
        };
        assert_eq!(eval(&engine("20.10.24+dfsg1"), &facts(&[])), Verdict::Info);
        assert_eq!(eval(&engine("17.09.1-ce"), &facts(&[])), Verdict::Warn);
        assert_eq!(
            eval(
                &engine("17.09.1-ce"),
                &facts(&["--disable-legacy-registry"])
            ),
            Verdict::Pass
        );
        assert_eq!(eval(&Snapshot::default(), &facts(&[])), Verdict::Info);
    }

    #[test]
    fn named_all_and_privileged() {
        let snap = snapshot(no_info(), fleet());
        // hbc-caps adds SYS_ADMIN and cap_dac_read_search; hbc-cap-all adds ALL.
        assert_outcome(
            &run(&CHECK_C_5_3_1, &snap),
            Verdict::Warn,
            &["hbc-caps", "hbc-cap-all", "hbc-privileged"],
        );
        assert_outcome(
            &run(&CHECK_C_5_3_3, &snap),
            Verdict::Warn,
            &["hbc-caps", "hbc-cap-all", "hbc-privileged"],
        );
        let outcome = run(&CHECK_C_5_3_2, &snap);
        assert_outcome(&outcome, Verdict::Warn, &["hbc-cap-all", "hbc-privileged"]);
        assert_eq!(
            outcome.details.as_deref(),
            Some("CAP_SYS_MODULE capability added for containers: hbc-cap-all hbc-privileged")
        );
        let ptrace = container_with("default", |c| {
            c["HostConfig"]["CapAdd"] = json!(["CAP_SYS_PTRACE"]);
        });
        assert_outcome(
            &run(&CHECK_C_5_3_4, &snapshot(no_info(), vec![ptrace])),
            Verdict::Warn,
            &["hbc-default"],
        );
    }

    #[test]
    fn other_capabilities_pass() {
        let snap = snapshot(no_info(), vec![container("caps"), container("hardened")]);
        assert_outcome(&run(&CHECK_C_5_3_2, &snap), Verdict::Pass, &[]);
        assert_outcome(&run(&CHECK_C_5_3_4, &snap), Verdict::Pass, &[]);
        for check in [
            &CHECK_C_5_3_1,
            &CHECK_C_5_3_2,
            &CHECK_C_5_3_3,
            &CHECK_C_5_3_4,
        ] {
            assert_outcome(
                &run(check, &snapshot(no_info(), vec![])),
                Verdict::Info,
                &[],
            );
            assert!(check.scored);
        }
    }
}
