//! CIS section 5, the rest of the container runtime: swarm mode (5.1), read-only root file
//! system (5.13), `docker exec` (5.23, 5.24), health checks (5.27) and image freshness (5.28).
//! The other section 5 checks live in `s5_confinement`, `s5_namespaces`, `s5_resources`,
//! `s5_mounts_ports` and `s5_sshd`.

use super::c_common::{bench_check, container_outcome, manual, rule_findings, swarm_state};
use super::{Ctx, Outcome, host_location};
use crate::result::Verdict;
use serde_json::Value;

bench_check! {
    /// ## What it does
    /// Reports a daemon in swarm mode (`/info` `Swarm.LocalNodeState` other than
    /// `inactive`), so that someone confirms it is needed.
    ///
    /// ## Why is this bad?
    /// Swarm mode opens the cluster management port (2377) and the node-to-node ports (7946,
    /// 4789) and keeps cluster secrets and certificates on the node; on a host that does not
    /// take part in a cluster that is attack surface for nothing.
    ///
    /// ## Example
    /// ```console
    /// $ docker swarm init
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule, read from `/info` instead of matching `docker info` text.
    ///
    /// ## Fix
    /// Leave the swarm on hosts that do not need it (`docker swarm leave`, with `--force` on
    /// the last manager).
    pub static CHECK_5_1 {
        id: "5.1",
        scored: true,
        eval: eval_5_1,
        code: "HB501",
        name: "swarm-mode-enabled",
        step: HostBench,
        severity: Low,
        summary: "Ensure swarm mode is not Enabled, if not needed (Automated)",
        references: [Cis "5.1"],
    }
}

fn eval_5_1(ctx: &Ctx) -> Outcome {
    match swarm_state(ctx) {
        "inactive" => Outcome::pass(),
        "" => Outcome::info("The daemon does not report its swarm state"),
        state => Outcome::warn(
            &CHECK_5_1.meta,
            ctx.config,
            format!("Swarm mode is enabled (node state `{state}`)"),
            host_location("docker://daemon"),
        ),
    }
}

bench_check! {
    /// ## What it does
    /// Reports containers whose root file system is writable (no `--read-only`), through
    /// WL604.
    ///
    /// ## Why is this bad?
    /// An attacker who takes over the process can change the application's own files, drop
    /// tools and persist across restarts of the process; a read-only root file system makes
    /// the image's content immutable at run time.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Run with `--read-only` and mount what the application writes as volumes or tmpfs
    /// (`--tmpfs /tmp`).
    pub static CHECK_5_13 {
        id: "5.13",
        scored: true,
        eval: eval_5_13,
        code: "HB513",
        name: "writable-root-filesystem",
        step: RuntimeDefence,
        severity: Low,
        summary: "Ensure that the container's root filesystem is mounted as read only (Automated)",
        references: [Cis "5.13"],
    }
}

fn eval_5_13(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL604"]),
        "Containers running with root FS mounted R/W",
    )
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): make sure nobody runs `docker exec --privileged`. Exec sessions
    /// leave no trace in the containers' configuration; the daemon's events
    /// (`exec_create`) and audit logs record them.
    ///
    /// ## Why is this bad?
    /// A privileged exec gets every capability and no confinement inside a container that was
    /// meant to be confined.
    ///
    /// ## Example
    /// ```console
    /// $ docker exec --privileged -it web sh
    /// ```
    ///
    /// ## Fix
    /// Do not use `--privileged` with `docker exec`; restrict who may use the Docker API at
    /// all, or put an authorization plugin in front of it.
    pub static CHECK_5_23 {
        id: "5.23",
        scored: false,
        eval: manual,
        code: "HB523",
        name: "exec-privileged",
        step: RuntimeDefence,
        severity: Info,
        summary: "Ensure that docker exec commands are not used with the privileged option (Automated)",
        references: [Cis "5.23"],
    }
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): make sure nobody runs `docker exec --user root` (or `--user 0`).
    ///
    /// ## Why is this bad?
    /// A root exec undoes running the container as a non-root user.
    ///
    /// ## Example
    /// ```console
    /// $ docker exec --user root -it web sh
    /// ```
    ///
    /// ## Fix
    /// Do not exec as root; restrict who may use the Docker API, or put an authorization
    /// plugin in front of it.
    pub static CHECK_5_24 {
        id: "5.24",
        scored: false,
        eval: manual,
        code: "HB524",
        name: "exec-as-root",
        step: NonRootUser,
        severity: Info,
        summary: "Ensure that docker exec commands are not used with the user=root option (Manual)",
        references: [Cis "5.24"],
    }
}

bench_check! {
    /// ## What it does
    /// Reports containers without a health check, or with it disabled (`--no-healthcheck`),
    /// through WL606. The container's configuration includes the image's `HEALTHCHECK`.
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the main process is alive: a
    /// hung service keeps running and is never restarted or taken out of rotation.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --no-healthcheck example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reads `State.Health`, which a container only gets once it has
    /// started with a health check; here the configured health check is read, so stopped
    /// containers are judged the same way.
    ///
    /// ## Fix
    /// Add a `HEALTHCHECK` to the image or run with `--health-cmd` (and `--health-interval`).
    pub static CHECK_5_27 {
        id: "5.27",
        scored: true,
        eval: eval_5_27,
        code: "HB527",
        name: "health-not-checked",
        step: RuntimeDefence,
        severity: Info,
        summary: "Ensure that container health is checked at runtime (Automated)",
        references: [Cis "5.27"],
    }
}

fn eval_5_27(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL606"]),
        "Containers without health check",
    )
}

bench_check! {
    /// ## What it does
    /// Manual check (`INFO`): make sure containers run the latest version of their image. As
    /// a help, lists the containers whose image is older than the local image their tag
    /// names now (the tag was pulled or built again after the container was created).
    ///
    /// ## Why is this bad?
    /// A container keeps the image it was created from: fixes pulled since then do not reach
    /// it until it is recreated, and a cached old `latest` may be used in place of the
    /// current one.
    ///
    /// ## Example
    /// ```console
    /// $ docker pull example/web:1.0   # a newer build of the tag
    /// $ docker ps                      # web still runs the old one
    /// ```
    ///
    /// ## Fix
    /// Pull before running (`docker run --pull always`, `docker compose up --pull always`)
    /// and recreate containers when their image changes.
    pub static CHECK_5_28 {
        id: "5.28",
        scored: false,
        eval: eval_5_28,
        code: "HB528",
        name: "latest-image-version",
        step: TrustedImages,
        severity: Info,
        summary: "Ensure that Docker commands always make use of the latest version of their image (Manual)",
        references: [Cis "5.28"],
    }
}

/// A reference as `docker images` shows it: no `docker.io/library/` prefix, `:latest` added.
fn normalise_reference(reference: &str) -> String {
    let reference = reference
        .strip_prefix("docker.io/library/")
        .or_else(|| reference.strip_prefix("docker.io/"))
        .unwrap_or(reference);
    let last = reference.rsplit('/').next().unwrap_or(reference);
    if last.contains(':') || last.contains('@') {
        reference.to_string()
    } else {
        format!("{reference}:latest")
    }
}

fn eval_5_28(ctx: &Ctx) -> Outcome {
    let outdated: Vec<String> = ctx
        .snapshot
        .containers
        .iter()
        .filter(|record| {
            let wanted = record
                .inspect
                .pointer("/Config/Image")
                .and_then(Value::as_str)
                .map(normalise_reference);
            let running = record.inspect.get("Image").and_then(Value::as_str);
            let (Some(wanted), Some(running)) = (wanted, running) else {
                return false;
            };
            ctx.snapshot.images.iter().any(|image| {
                image.id != running && image.tags.iter().any(|t| normalise_reference(t) == wanted)
            })
        })
        .map(|record| record.name.clone())
        .collect();
    if outdated.is_empty() {
        return Outcome::info(
            "Manual check: pull images again before running them; no container runs an image \
             older than the local one of its tag",
        );
    }
    Outcome::of(Verdict::Info)
        .with_details(format!(
            "Containers running an older image than their tag's: {}",
            outdated.join(" ")
        ))
        .with_items(outdated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, fleet, no_info, run, snapshot,
    };
    use crate::snapshot::{ImageRecord, Snapshot};
    use serde_json::json;

    #[test]
    fn swarm_mode() {
        assert_outcome(
            &run(&CHECK_5_1, &snapshot(no_info(), vec![])),
            Verdict::Pass,
            &[],
        );
        let active = json!({"Swarm": {"LocalNodeState": "active", "ControlAvailable": true}});
        let outcome = run(&CHECK_5_1, &snapshot(active, vec![]));
        assert_outcome(&outcome, Verdict::Warn, &[]);
        assert_eq!(outcome.findings[0].location.file, "docker://daemon");
        assert_outcome(&run(&CHECK_5_1, &Snapshot::default()), Verdict::Info, &[]);
    }

    #[test]
    fn read_only_root_and_health_checks() {
        let snap = snapshot(no_info(), fleet());
        let writable = run(&CHECK_5_13, &snap);
        assert_eq!(writable.verdict, Verdict::Warn);
        assert!(!writable.items.contains(&"hbc-hardened".to_string()));
        assert_eq!(writable.items.len(), 11);
        let health = run(&CHECK_5_27, &snap);
        assert_eq!(health.verdict, Verdict::Warn);
        // hbc-misc disables it (--no-healthcheck); hbc-hardened has one.
        assert!(health.items.contains(&"hbc-misc".to_string()));
        assert!(!health.items.contains(&"hbc-hardened".to_string()));
        let hardened = snapshot(no_info(), vec![container("hardened")]);
        assert_outcome(&run(&CHECK_5_13, &hardened), Verdict::Pass, &[]);
        assert_outcome(&run(&CHECK_5_27, &hardened), Verdict::Pass, &[]);
        assert_outcome(
            &run(&CHECK_5_27, &snapshot(no_info(), vec![])),
            Verdict::Info,
            &[],
        );
    }

    #[test]
    fn exec_checks_are_notes() {
        for check in [&CHECK_5_23, &CHECK_5_24] {
            assert_eq!(run(check, &Snapshot::default()).verdict, Verdict::Note);
        }
    }

    #[test]
    fn outdated_images_are_listed() {
        assert_eq!(normalise_reference("busybox"), "busybox:latest");
        assert_eq!(normalise_reference("docker.io/library/nginx:1"), "nginx:1");
        assert_eq!(
            normalise_reference("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
        let record = container("default");
        let current = record.inspect["Image"].as_str().unwrap().to_string();
        let image = |id: &str| ImageRecord {
            id: id.to_string(),
            tags: vec!["dg-busybox:test".into()],
            inspect: Value::Null,
            history: Value::Null,
        };
        let same = Snapshot {
            images: vec![image(&current)],
            ..snapshot(no_info(), vec![record.clone()])
        };
        assert_outcome(&run(&CHECK_5_28, &same), Verdict::Info, &[]);
        let newer = Snapshot {
            images: vec![image("sha256:0123")],
            ..snapshot(no_info(), vec![record])
        };
        assert_outcome(&run(&CHECK_5_28, &newer), Verdict::Info, &["hbc-default"]);
    }
}
