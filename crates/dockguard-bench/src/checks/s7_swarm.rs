//! CIS section 7, swarm configuration: read from `/info` `Swarm`, `/swarm`, `/nodes`,
//! `/secrets` and `/networks` of the snapshot, and the host's listening sockets for 7.2. When
//! swarm mode is off every check passes "(Swarm mode not enabled)", as docker-bench-security
//! answers.

use super::c_common::{bench_check, manual, swarm_active, swarm_not_enabled};
use super::{Ctx, Outcome, host_location};
use crate::result::Verdict;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Docker's advice: more than seven managers slow consensus down without adding safety.
const MAX_MANAGERS: u64 = 7;

bench_check! {
    /// ## What it does
    /// Counts the swarm's managers (nodes with a manager status, else `/info`
    /// `Swarm.Managers`) and reports an even number, which adds a manager without adding
    /// fault tolerance, or more than seven. On a worker node, where the count is not visible,
    /// the check is `INFO`.
    ///
    /// ## Why is this bad?
    /// Every manager holds the cluster's state and keys and can change its configuration:
    /// each one more than the quorum needs is one more machine whose compromise gives away
    /// the swarm. Raft needs an odd number of managers to tolerate failures.
    ///
    /// ## Example
    /// Four managers tolerate one failure, like three, with one more host to defend.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security counts the lines of `docker node ls` that say `Leader`, which is
    /// always one, so it always passes. Here the managers are counted.
    ///
    /// ## Fix
    /// Keep the smallest odd number of managers that gives the fault tolerance you need (1,
    /// 3 or 5) and demote the others (`docker node demote <node>`).
    pub static CHECK_7_1 {
        id: "7.1",
        scored: true,
        eval: eval_7_1,
        code: "HB701",
        name: "swarm-manager-count",
        step: HostBench,
        severity: Medium,
        summary: "Ensure that the minimum number of manager nodes have been created in a swarm (Automated)",
        references: [Cis "7.1"],
    }
}

/// The number of managers: nodes with a `ManagerStatus`, else `/info` `Swarm.Managers` on a
/// manager.
fn manager_count(ctx: &Ctx) -> Option<u64> {
    if let Some(nodes) = ctx.snapshot.nodes.as_ref().and_then(Value::as_array) {
        let managers = nodes
            .iter()
            .filter(|n| {
                n.get("ManagerStatus").is_some_and(|s| !s.is_null())
                    || n.pointer("/Spec/Role").and_then(Value::as_str) == Some("manager")
            })
            .count();
        return u64::try_from(managers).ok();
    }
    let info = &ctx.snapshot.info;
    let manager = info
        .pointer("/Swarm/ControlAvailable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    info.pointer("/Swarm/Managers")
        .and_then(Value::as_u64)
        .filter(|n| manager && *n > 0)
}

fn eval_7_1(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    let Some(managers) = manager_count(ctx) else {
        return Outcome::info(
            "This node is a worker: the number of managers is only visible on a manager",
        );
    };
    if managers > MAX_MANAGERS || managers.is_multiple_of(2) {
        let why = if managers > MAX_MANAGERS {
            "more than seven"
        } else {
            "an even number, which tolerates no more failures than one manager fewer"
        };
        return Outcome::warn(
            &CHECK_7_1.meta,
            ctx.config,
            format!("The swarm has {managers} managers: {why}"),
            host_location("docker://swarm"),
        );
    }
    Outcome::pass().with_details(format!("{managers} manager(s)"))
}

bench_check! {
    /// ## What it does
    /// Reports a swarm management port (2377) that listens on every interface (`0.0.0.0`
    /// or `::`), read from the host's TCP tables (`/proc/1/net/tcp` and `tcp6` under the
    /// facts root, else `/proc/net/…`). When the tables cannot be read the check is `INFO`.
    ///
    /// ## Why is this bad?
    /// The management API then answers on every network the host is attached to, public ones
    /// included, instead of the cluster's own network.
    ///
    /// ## Example
    /// ```console
    /// $ docker swarm init
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule, read from `/proc` instead of `ss`/`netstat` output.
    ///
    /// ## Fix
    /// Bind the swarm to the cluster's interface
    /// (`docker swarm init --listen-addr 10.0.0.5:2377 --advertise-addr 10.0.0.5`).
    pub static CHECK_7_2 {
        id: "7.2",
        scored: true,
        eval: eval_7_2,
        code: "HB702",
        name: "swarm-port-on-all-interfaces",
        step: HostBench,
        severity: Medium,
        summary: "Ensure that swarm services are bound to a specific host interface (Automated)",
        references: [Cis "7.2"],
    }
}

/// The swarm management port.
const SWARM_PORT: u16 = 2377;

/// TCP listeners of a `/proc/net/tcp` or `tcp6` table: (address in hex, port).
fn listeners(table: &str) -> Vec<(String, u16)> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let local = fields.nth(1)?;
            let state = fields.nth(1)?;
            if state != "0A" {
                return None;
            }
            let (address, port) = local.split_once(':')?;
            Some((address.to_string(), u16::from_str_radix(port, 16).ok()?))
        })
        .collect()
}

/// The TCP tables of the host's network namespace: PID 1's, else the reader's own.
fn tcp_tables(root: &Path) -> Option<Vec<String>> {
    let base = if root.as_os_str().is_empty() {
        PathBuf::from("/")
    } else {
        root.to_path_buf()
    };
    for dir in ["proc/1/net", "proc/net"] {
        let tables: Vec<String> = ["tcp", "tcp6"]
            .iter()
            .filter_map(|t| std::fs::read_to_string(base.join(dir).join(t)).ok())
            .collect();
        if !tables.is_empty() {
            return Some(tables);
        }
    }
    None
}

fn eval_7_2(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    let Some(tables) = tcp_tables(&ctx.facts.root) else {
        return Outcome::info("The host's TCP tables (/proc/net/tcp) cannot be read");
    };
    let wildcard = tables
        .iter()
        .flat_map(|t| listeners(t))
        .any(|(address, port)| port == SWARM_PORT && address.bytes().all(|b| b == b'0'));
    if wildcard {
        return Outcome::warn(
            &CHECK_7_2.meta,
            ctx.config,
            format!("The swarm management port {SWARM_PORT} listens on every interface"),
            host_location("docker://swarm"),
        );
    }
    Outcome::pass()
}

bench_check! {
    /// ## What it does
    /// Reports overlay networks created without the `encrypted` option.
    ///
    /// ## Why is this bad?
    /// Traffic between containers on different nodes then crosses the hosts' network in
    /// clear text (VXLAN), readable and alterable by anyone on the path.
    ///
    /// ## Example
    /// ```console
    /// $ docker network create -d overlay backend
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule, read from the network list.
    ///
    /// ## Fix
    /// Create overlay networks with `--opt encrypted` (IPsec between nodes).
    pub static CHECK_7_3 {
        id: "7.3",
        scored: true,
        eval: eval_7_3,
        code: "HB703",
        name: "overlay-network-unencrypted",
        step: HostBench,
        severity: Medium,
        summary: "Ensure that all Docker swarm overlay networks are encrypted (Automated)",
        references: [Cis "7.3"],
    }
}

fn eval_7_3(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    let overlays = ctx
        .snapshot
        .networks
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|n| n.get("Driver").and_then(Value::as_str) == Some("overlay"));
    let mut items = Vec::new();
    let mut described = Vec::new();
    let mut findings = Vec::new();
    for network in overlays {
        let encrypted = network
            .get("Options")
            .and_then(Value::as_object)
            .is_some_and(|o| o.contains_key("encrypted"));
        if encrypted {
            continue;
        }
        let name = network.get("Name").and_then(Value::as_str).unwrap_or("");
        let scope = network.get("Scope").and_then(Value::as_str).unwrap_or("");
        findings.push(CHECK_7_3.meta.finding(
            ctx.config,
            format!("overlay network `{name}` is not encrypted"),
            host_location(&format!("docker://network/{name}")),
            None,
        ));
        described.push(format!("{name} ({scope})"));
        items.push(name.to_string());
    }
    if items.is_empty() {
        return Outcome::pass();
    }
    Outcome {
        verdict: Verdict::Warn,
        details: Some(format!(
            "Unencrypted overlay networks: {}",
            described.join(" ")
        )),
        items,
        findings,
    }
}

bench_check! {
    /// ## What it does
    /// Manual check: passes when the swarm holds at least one Docker secret, `INFO` when it
    /// holds none (or on a worker, where secrets are not visible).
    ///
    /// ## Why is this bad?
    /// Secrets passed as environment variables or baked into images are readable by anyone
    /// who can inspect the service or pull the image; Docker secrets are encrypted in the
    /// cluster's store and given only to the services that need them.
    ///
    /// ## Example
    /// ```console
    /// $ docker service create -e DB_PASSWORD=hunter2 example/api
    /// ```
    ///
    /// ## Fix
    /// Store secrets with `docker secret create` and give them to services with `--secret`.
    pub static CHECK_7_4 {
        id: "7.4",
        scored: false,
        eval: eval_7_4,
        code: "HB704",
        name: "swarm-secrets-unused",
        step: Secrets,
        severity: Info,
        summary: "Ensure that Docker's secret management commands are used for managing secrets in a swarm cluster (Manual)",
        references: [Cis "7.4"],
    }
}

fn eval_7_4(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    match ctx.snapshot.secrets.as_ref().and_then(Value::as_array) {
        Some(secrets) if !secrets.is_empty() => {
            Outcome::pass().with_details(format!("{} secret(s)", secrets.len()))
        }
        Some(_) => Outcome::info("The swarm holds no secret"),
        None => Outcome::info("This node is a worker: secrets are only visible on a manager"),
    }
}

bench_check! {
    /// ## What it does
    /// Reports a swarm whose managers do not auto-lock (`/swarm`
    /// `Spec.EncryptionConfig.AutoLockManagers`). On a worker, where the swarm's
    /// configuration is not visible, the check is `INFO`.
    ///
    /// ## Why is this bad?
    /// Without auto-lock the keys that decrypt the Raft logs (and the secrets in them) sit on
    /// the manager's disk: whoever copies the disk, or a backup of it, reads every secret.
    ///
    /// ## Example
    /// ```console
    /// $ docker swarm init
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security runs `docker swarm unlock-key`, which fails on a worker, and so
    /// fails every worker; here a worker is `INFO`.
    ///
    /// ## Fix
    /// Turn auto-lock on (`docker swarm update --autolock=true`) and store the unlock key
    /// safely; restarted managers then need `docker swarm unlock`.
    pub static CHECK_7_5 {
        id: "7.5",
        scored: true,
        eval: eval_7_5,
        code: "HB705",
        name: "swarm-autolock-disabled",
        step: HostBench,
        severity: Medium,
        summary: "Ensure that swarm manager is run in auto-lock mode (Automated)",
        references: [Cis "7.5"],
    }
}

fn eval_7_5(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    let Some(swarm) = ctx.snapshot.swarm.as_ref() else {
        return Outcome::info(
            "This node is a worker: the swarm's configuration is only visible on a manager",
        );
    };
    let autolock = swarm
        .pointer("/Spec/EncryptionConfig/AutoLockManagers")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if autolock {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK_7_5.meta,
        ctx.config,
        "Swarm managers do not auto-lock: the Raft encryption keys are stored on disk",
        host_location("docker://swarm"),
    )
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE` in swarm mode): rotate the swarm's unlock key periodically.
    ///
    /// ## Why is this bad?
    /// An unlock key that never changes stays valid wherever it was copied or leaked.
    ///
    /// ## Example
    /// The key printed by `docker swarm init --autolock` two years ago still unlocks the
    /// managers.
    ///
    /// ## Fix
    /// Rotate it on a schedule (`docker swarm unlock-key --rotate`) and store the new key
    /// safely.
    pub static CHECK_7_6 {
        id: "7.6",
        scored: false,
        eval: eval_7_6,
        code: "HB706",
        name: "swarm-unlock-key-rotation",
        step: HostBench,
        severity: Info,
        summary: "Ensure that the swarm manager auto-lock key is rotated periodically (Manual)",
        references: [Cis "7.6"],
    }
}

fn eval_7_6(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    manual(ctx)
}

bench_check! {
    /// ## What it does
    /// Manual check: passes when node certificates expire within two days (so they rotate
    /// that often), else `INFO` with their lifetime (`/swarm`
    /// `Spec.CAConfig.NodeCertExpiry`, 90 days by default), for review.
    ///
    /// ## Why is this bad?
    /// A stolen node certificate lets its holder act as that node until the certificate
    /// expires; long lifetimes leave it usable for months.
    ///
    /// ## Example
    /// ```console
    /// $ docker swarm update --cert-expiry 2160h
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security passes only the exact text `Expiry Duration: 2 days`; here any
    /// lifetime of two days or less passes.
    ///
    /// ## Fix
    /// Shorten the lifetime to what your operations allow (`docker swarm update
    /// --cert-expiry 48h`); nodes renew their certificates automatically.
    pub static CHECK_7_7 {
        id: "7.7",
        scored: false,
        eval: eval_7_7,
        code: "HB707",
        name: "swarm-node-cert-rotation",
        step: HostBench,
        severity: Info,
        summary: "Ensure that node certificates are rotated as appropriate (Manual)",
        references: [Cis "7.7"],
    }
}

const NANOS_PER_HOUR: u64 = 3_600_000_000_000;

fn eval_7_7(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    let expiry = ctx
        .snapshot
        .swarm
        .as_ref()
        .and_then(|s| s.pointer("/Spec/CAConfig/NodeCertExpiry"))
        .or_else(|| {
            ctx.snapshot
                .info
                .pointer("/Swarm/Cluster/Spec/CAConfig/NodeCertExpiry")
        })
        .and_then(Value::as_u64);
    let Some(expiry) = expiry else {
        return Outcome::info("The node certificates' lifetime is only visible on a manager");
    };
    let hours = expiry / NANOS_PER_HOUR;
    if hours <= 48 {
        return Outcome::pass().with_details(format!("Node certificates expire after {hours} h"));
    }
    let lifetime = if hours.is_multiple_of(24) {
        format!("{} days", hours / 24)
    } else {
        format!("{hours} h")
    };
    Outcome::info(format!("Node certificates expire after {lifetime}"))
}

bench_check! {
    /// ## What it does
    /// Manual check (`INFO` in swarm mode): rotate the swarm's root CA certificate as
    /// appropriate.
    ///
    /// ## Why is this bad?
    /// Whoever holds the CA key can issue certificates for any node; a CA that never changes
    /// keeps a leaked key useful for ever.
    ///
    /// ## Example
    /// The CA created by `docker swarm init` years ago still signs every node certificate.
    ///
    /// ## Fix
    /// Rotate the CA (`docker swarm ca --rotate`) on a schedule and after any suspected
    /// compromise.
    pub static CHECK_7_8 {
        id: "7.8",
        scored: false,
        eval: eval_7_8,
        code: "HB708",
        name: "swarm-ca-rotation",
        step: HostBench,
        severity: Info,
        summary: "Ensure that CA certificates are rotated as appropriate (Manual)",
        references: [Cis "7.8"],
    }
}

fn eval_7_8(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    Outcome::info("Review when the swarm's root CA was last rotated (docker swarm ca --rotate)")
}

bench_check! {
    /// ## What it does
    /// Manual check (`INFO` in swarm mode): keep the swarm's management traffic on a network
    /// separate from the containers' data traffic.
    ///
    /// ## Why is this bad?
    /// On a shared network, a flood of application traffic can starve the managers' consensus
    /// and a compromised workload sits next to the control plane.
    ///
    /// ## Example
    /// ```console
    /// $ docker swarm init --advertise-addr eth0
    /// ```
    ///
    /// ## Fix
    /// Give the swarm a dedicated interface for management and another for data
    /// (`docker swarm init --advertise-addr eth1 --data-path-addr eth0`).
    pub static CHECK_7_9 {
        id: "7.9",
        scored: false,
        eval: eval_7_9,
        code: "HB709",
        name: "swarm-planes-separated",
        step: HostBench,
        severity: Info,
        summary: "Ensure that management plane traffic is separated from data plane traffic (Manual)",
        references: [Cis "7.9"],
    }
}

fn eval_7_9(ctx: &Ctx) -> Outcome {
    if !swarm_active(ctx) {
        return swarm_not_enabled();
    }
    Outcome::info(
        "Review that management and data traffic use separate interfaces (--advertise-addr, \
         --data-path-addr)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{assert_outcome, no_info, run, run_with, snapshot};
    use crate::facts::HostFacts;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    const ALL: [&crate::checks::Check; 9] = [
        &CHECK_7_1, &CHECK_7_2, &CHECK_7_3, &CHECK_7_4, &CHECK_7_5, &CHECK_7_6, &CHECK_7_7,
        &CHECK_7_8, &CHECK_7_9,
    ];

    fn manager(nodes: Value, swarm: Value, secrets: Value) -> Snapshot {
        Snapshot {
            info: json!({"Swarm": {"LocalNodeState": "active", "ControlAvailable": true, "Managers": 1, "Nodes": 1}}),
            nodes: Some(nodes),
            swarm: Some(swarm),
            secrets: Some(secrets),
            networks: json!([
                {"Name": "ingress", "Driver": "overlay", "Scope": "swarm", "Options": {"com.docker.network.driver.overlay.vxlanid_list": "4096"}},
                {"Name": "secure", "Driver": "overlay", "Scope": "swarm", "Options": {"encrypted": ""}},
                {"Name": "bridge", "Driver": "bridge", "Scope": "local", "Options": {}}
            ]),
            ..Snapshot::default()
        }
    }

    fn node(role: &str) -> Value {
        if role == "manager" {
            json!({"Spec": {"Role": "manager"}, "ManagerStatus": {"Reachability": "reachable"}})
        } else {
            json!({"Spec": {"Role": "worker"}})
        }
    }

    fn worker() -> Snapshot {
        snapshot(
            json!({"Swarm": {"LocalNodeState": "active", "ControlAvailable": false}}),
            vec![],
        )
    }

    #[test]
    fn inactive_swarm_passes_everything() {
        for check in ALL {
            let outcome = run(check, &snapshot(no_info(), vec![]));
            assert_outcome(&outcome, Verdict::Pass, &[]);
            assert_eq!(outcome.details.as_deref(), Some("Swarm mode not enabled"));
        }
    }

    #[test]
    fn manager_count_is_counted() {
        let swarm = json!({});
        let one = manager(
            json!([node("manager"), node("worker")]),
            swarm.clone(),
            json!([]),
        );
        assert_outcome(&run(&CHECK_7_1, &one), Verdict::Pass, &[]);
        let two = manager(
            json!([node("manager"), node("manager"), node("worker")]),
            swarm.clone(),
            json!([]),
        );
        let outcome = run(&CHECK_7_1, &two);
        assert_outcome(&outcome, Verdict::Warn, &[]);
        assert!(outcome.details.unwrap().contains("2 managers"));
        let nine = manager(json!(vec![node("manager"); 9]), swarm, json!([]));
        assert_outcome(&run(&CHECK_7_1, &nine), Verdict::Warn, &[]);
        assert_outcome(&run(&CHECK_7_1, &worker()), Verdict::Info, &[]);
    }

    #[test]
    fn swarm_port_binding() {
        let dir = tempfile::tempdir().unwrap();
        let net = dir.path().join("proc/1/net");
        std::fs::create_dir_all(&net).unwrap();
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        let write = |tcp: &str, tcp6: &str| {
            std::fs::write(net.join("tcp"), format!("{header}{tcp}")).unwrap();
            std::fs::write(net.join("tcp6"), format!("{header}{tcp6}")).unwrap();
        };
        let facts = HostFacts {
            root: dir.path().to_path_buf(),
            ..HostFacts::default()
        };
        let snap = manager(json!([node("manager")]), json!({}), json!([]));
        // 0A = LISTEN; 0x0949 = 2377.
        write(
            "   0: 0500000A:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
            "",
        );
        assert_outcome(&run_with(&CHECK_7_2, &snap, &facts), Verdict::Pass, &[]);
        write(
            "",
            "   0: 00000000000000000000000000000000:0949 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
        );
        assert_outcome(&run_with(&CHECK_7_2, &snap, &facts), Verdict::Warn, &[]);
        // An established connection on the port is not a listener.
        write(
            "   0: 00000000:0949 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1\n",
            "",
        );
        assert_outcome(&run_with(&CHECK_7_2, &snap, &facts), Verdict::Pass, &[]);
        let empty = tempfile::tempdir().unwrap();
        let facts = HostFacts {
            root: empty.path().to_path_buf(),
            ..HostFacts::default()
        };
        assert_outcome(&run_with(&CHECK_7_2, &snap, &facts), Verdict::Info, &[]);
    }

    #[test]
    fn overlay_encryption() {
        let snap = manager(json!([node("manager")]), json!({}), json!([]));
        let outcome = run(&CHECK_7_3, &snap);
        assert_outcome(&outcome, Verdict::Warn, &["ingress"]);
        assert_eq!(
            outcome.details.as_deref(),
            Some("Unencrypted overlay networks: ingress (swarm)")
        );
        assert_eq!(
            outcome.findings[0].location.file,
            "docker://network/ingress"
        );
        let mut encrypted = snap;
        encrypted.networks =
            json!([{"Name": "secure", "Driver": "overlay", "Options": {"encrypted": ""}}]);
        assert_outcome(&run(&CHECK_7_3, &encrypted), Verdict::Pass, &[]);
    }

    #[test]
    fn secrets_autolock_and_manual_checks() {
        let locked = json!({"Spec": {"EncryptionConfig": {"AutoLockManagers": true}, "CAConfig": {"NodeCertExpiry": 7_776_000_000_000_000u64}}});
        let snap = manager(json!([node("manager")]), locked, json!([{"ID": "s1"}]));
        assert_outcome(&run(&CHECK_7_4, &snap), Verdict::Pass, &[]);
        assert_outcome(&run(&CHECK_7_5, &snap), Verdict::Pass, &[]);
        assert_outcome(&run(&CHECK_7_6, &snap), Verdict::Note, &[]);
        let certs = run(&CHECK_7_7, &snap);
        assert_outcome(&certs, Verdict::Info, &[]);
        assert_eq!(
            certs.details.as_deref(),
            Some("Node certificates expire after 90 days")
        );
        assert_outcome(&run(&CHECK_7_8, &snap), Verdict::Info, &[]);
        assert_outcome(&run(&CHECK_7_9, &snap), Verdict::Info, &[]);

        let open = json!({"Spec": {"EncryptionConfig": {"AutoLockManagers": false}, "CAConfig": {"NodeCertExpiry": 172_800_000_000_000u64}}});
        let snap = manager(json!([node("manager")]), open, json!([]));
        assert_outcome(&run(&CHECK_7_4, &snap), Verdict::Info, &[]);
        let outcome = run(&CHECK_7_5, &snap);
        assert_outcome(&outcome, Verdict::Warn, &[]);
        assert_eq!(outcome.findings[0].location.file, "docker://swarm");
        assert_outcome(&run(&CHECK_7_7, &snap), Verdict::Pass, &[]);

        for check in [&CHECK_7_4, &CHECK_7_5, &CHECK_7_7] {
            assert_outcome(&run(check, &worker()), Verdict::Info, &[]);
        }
    }
}
