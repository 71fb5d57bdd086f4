//! CIS section 5, namespaces and networks: the host's network (5.10), PID (5.16), IPC (5.17),
//! UTS (5.21) and user (5.31) namespaces through the workload rules, and containers on the
//! default `docker0` bridge (5.30).

use super::Ctx;
use super::Outcome;
use super::c_common::{bench_check, container_outcome, rule_findings};
use crate::result::Verdict;
use serde_json::Value;

bench_check! {
    /// ## What it does
    /// Reports containers that share the host's network namespace (`--network host`), through
    /// WL105.
    ///
    /// ## Why is this bad?
    /// The container sees every host interface and can bind any host port, reach services
    /// listening on the host's loopback (databases, the Docker API on TCP, cloud metadata
    /// proxies) and sniff traffic with `NET_RAW`.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --network host example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Use a bridge or user-defined network and publish only the ports the service needs.
    pub static CHECK_5_10 {
        id: "5.10",
        scored: true,
        eval: eval_5_10,
        code: "HB510",
        name: "host-network-namespace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that the host's network namespace is not shared (Automated)",
        references: [Cis "5.10"],
    }
}

fn eval_5_10(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL105"]),
        "Containers running with networking mode 'host'",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers that share the host's PID namespace (`--pid host`), through WL103.
    ///
    /// ## Why is this bad?
    /// The container sees every process of the host, their command lines and environment,
    /// and with enough privileges can signal or trace them.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --pid host example/monitor
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove `--pid host`; share a PID namespace with one other container
    /// (`--pid container:app`) when a sidecar needs it.
    pub static CHECK_5_16 {
        id: "5.16",
        scored: true,
        eval: eval_5_16,
        code: "HB516",
        name: "host-pid-namespace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that the host's process namespace is not shared (Automated)",
        references: [Cis "5.16"],
    }
}

fn eval_5_16(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL103"]),
        "Containers sharing host PID namespace",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers that share the host's IPC namespace (`--ipc host`), through WL104.
    ///
    /// ## Why is this bad?
    /// The container can read and write the host's shared memory segments, semaphores and
    /// message queues, where other processes may keep sensitive data.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --ipc host example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove `--ipc host`; use `--ipc shareable` and `--ipc container:<name>` between the
    /// containers that must share memory.
    pub static CHECK_5_17 {
        id: "5.17",
        scored: true,
        eval: eval_5_17,
        code: "HB517",
        name: "host-ipc-namespace",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that the host's IPC namespace is not shared (Automated)",
        references: [Cis "5.17"],
    }
}

fn eval_5_17(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL104"]),
        "Containers sharing host IPC namespace",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers that share the host's UTS namespace (`--uts host`), through WL106.
    ///
    /// ## Why is this bad?
    /// The container can change the host's hostname and domain name, which other services
    /// and logs trust.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --uts host example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove `--uts host`; set the container's own name with `--hostname`.
    pub static CHECK_5_21 {
        id: "5.21",
        scored: true,
        eval: eval_5_21,
        code: "HB521",
        name: "host-uts-namespace",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Ensure that the host's UTS namespace is not shared (Automated)",
        references: [Cis "5.21"],
    }
}

fn eval_5_21(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL106"]),
        "Containers sharing host UTS namespace",
    )
}

bench_check! {
    /// ## What it does
    /// Lists (`INFO`, a manual check) the containers attached to the network whose bridge is
    /// `docker0`, the default `bridge` network, stopped containers included.
    ///
    /// ## Why is this bad?
    /// All containers on the default bridge can talk to each other (unless `icc` is off), with
    /// no name resolution or isolation per application, and `NET_RAW` lets one spoof another's
    /// traffic on it.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reads the network's attached endpoints, which exist only for
    /// running containers; here each container's own network settings are read, so stopped
    /// containers are listed too. Items are container names.
    ///
    /// ## Fix
    /// Create a user-defined network per application (`docker network create app`) and attach
    /// its containers to it (`--network app`).
    pub static CHECK_5_30 {
        id: "5.30",
        scored: false,
        eval: eval_5_30,
        code: "HB530",
        name: "default-bridge-used",
        step: NamespacesCgroups,
        severity: Info,
        summary: "Ensure that Docker's default bridge 'docker0' is not used (Manual)",
        references: [Cis "5.30"],
    }
}

/// The names and ids of the networks whose bridge is `docker0`; the default `bridge` network
/// when the snapshot has no network list.
fn docker0_networks(networks: &Value) -> Vec<String> {
    let Some(list) = networks.as_array() else {
        return vec!["bridge".to_string()];
    };
    list.iter()
        .filter(|n| {
            n.pointer("/Options/com.docker.network.bridge.name")
                .and_then(Value::as_str)
                == Some("docker0")
        })
        .flat_map(|n| {
            ["Name", "Id"]
                .iter()
                .filter_map(|k| n.get(*k).and_then(Value::as_str))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn eval_5_30(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.containers.is_empty() {
        return Outcome::info("No containers");
    }
    let docker0 = docker0_networks(&ctx.snapshot.networks);
    let items: Vec<String> = ctx
        .snapshot
        .containers
        .iter()
        .filter(|record| {
            let networks = record
                .inspect
                .pointer("/NetworkSettings/Networks")
                .and_then(Value::as_object);
            networks.is_some_and(|map| {
                map.iter().any(|(name, endpoint)| {
                    let id = endpoint
                        .get("NetworkID")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    docker0
                        .iter()
                        .any(|n| n == name || (!id.is_empty() && n == id))
                })
            })
        })
        .map(|record| record.name.clone())
        .collect();
    if items.is_empty() {
        return Outcome::pass();
    }
    Outcome::of(Verdict::Info)
        .with_details(format!(
            "Containers using docker0 network: {}",
            items.join(" ")
        ))
        .with_items(items)
}

bench_check! {
    /// ## What it does
    /// Reports containers that share the host's user namespace (`--userns host`), through
    /// WL210. On a daemon with `userns-remap` this opts the container out of the remapping.
    ///
    /// ## Why is this bad?
    /// Root in the container is then root on the host, and files it writes to volumes are
    /// owned by host root.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --userns host example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove `--userns host` so the daemon's `userns-remap` applies.
    pub static CHECK_5_31 {
        id: "5.31",
        scored: true,
        eval: eval_5_31,
        code: "HB531",
        name: "host-user-namespace",
        step: UserNamespaces,
        severity: Medium,
        summary: "Ensure that the host's user namespaces are not shared (Automated)",
        references: [Cis "5.31"],
    }
}

fn eval_5_31(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL210"]),
        "Containers sharing host user namespace",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, data, fleet, no_info, run, snapshot,
    };
    use crate::snapshot::Snapshot;

    #[test]
    fn host_namespaces() {
        let snap = snapshot(no_info(), fleet());
        for check in [
            &CHECK_5_10,
            &CHECK_5_16,
            &CHECK_5_17,
            &CHECK_5_21,
            &CHECK_5_31,
        ] {
            assert_outcome(&run(check, &snap), Verdict::Warn, &["hbc-hostns"]);
            let hardened = snapshot(no_info(), vec![container("hardened")]);
            assert_outcome(&run(check, &hardened), Verdict::Pass, &[]);
            assert_outcome(
                &run(check, &snapshot(no_info(), vec![])),
                Verdict::Info,
                &[],
            );
        }
        assert_eq!(
            run(&CHECK_5_10, &snap).details.as_deref(),
            Some("Containers running with networking mode 'host': hbc-hostns")
        );
    }

    #[test]
    fn default_bridge_users_stopped_included() {
        let networks = data("networks.json");
        let snap = Snapshot {
            networks: networks.clone(),
            ..snapshot(
                no_info(),
                vec![
                    container("default"),
                    container("hostns"),
                    container("running"),
                ],
            )
        };
        let outcome = run(&CHECK_5_30, &snap);
        assert_outcome(&outcome, Verdict::Info, &["hbc-default"]);
        assert_eq!(
            outcome.details.as_deref(),
            Some("Containers using docker0 network: hbc-default")
        );
        let snap = Snapshot {
            networks,
            ..snapshot(no_info(), vec![container("hostns"), container("running")])
        };
        assert_outcome(&run(&CHECK_5_30, &snap), Verdict::Pass, &[]);
        assert_outcome(
            &run(&CHECK_5_30, &snapshot(no_info(), vec![])),
            Verdict::Info,
            &[],
        );
        assert!(!CHECK_5_30.scored);
    }
}
