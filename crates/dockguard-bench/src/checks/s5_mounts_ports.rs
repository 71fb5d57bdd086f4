//! CIS section 5, mounts, devices and ports: sensitive host paths (5.6), privileged ports
//! (5.8), published ports (5.9), wildcard interfaces (5.14), host devices (5.18), shared
//! propagation (5.20) and the engine socket (5.32).

use super::Ctx;
use super::Outcome;
use super::c_common::{as_info, bench_check, container_outcome, rule_findings, settings};
use dockguard_workload::rules::subject;

bench_check! {
    /// ## What it does
    /// Reports containers with a sensitive host path bind-mounted (WL500): `/` itself, or a
    /// path equal to or under `/etc`, `/proc`, `/sys`, `/boot`, `/dev`, `/root`, `/home`,
    /// `/var/lib/docker`, `/lib`, `/usr`, `/bin` or `/sbin`, or a folder holding one of them,
    /// read-write or read-only. Engine sockets and their folders are 5.32's.
    ///
    /// ## Why is this bad?
    /// These paths are the host: its accounts and password hashes, SSH keys, kernel
    /// interfaces, devices, the programs root runs, and every container's data. Write access
    /// is root on the host; read access still leaks credentials.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -v /:/host -v /etc:/host-etc:ro example/agent
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only catches a mount whose source is exactly one of `/`, `/boot`,
    /// `/dev`, `/etc`, `/lib`, `/proc`, `/sys`, `/usr` *and* is read-write: `/etc/shadow`,
    /// `/root`, `/home`, `/var/lib/docker` or a read-only `/etc` pass there. Stopped containers
    /// are checked as well.
    ///
    /// ## Fix
    /// Mount only the files the application needs from a dedicated folder, pass secrets as
    /// secrets, and keep data in named volumes.
    pub static CHECK_5_6 {
        id: "5.6",
        scored: true,
        eval: eval_5_6,
        code: "HB506",
        name: "sensitive-host-directory-mounted",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure sensitive host system directories are not mounted on containers (Automated)",
        references: [Cis "5.6"],
    }
}

fn eval_5_6(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL500"]),
        "Containers with sensitive directories mounted",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers that publish a privileged host port, below 1024 (WL506).
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are reserved for services root starts on the host; a container on
    /// one can impersonate such a service to clients that trust the port number.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -p 80:8080 example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reads `docker port`, which lists only running containers, and
    /// counts 1024 as privileged; here the configured bindings of every container are read,
    /// and 1024, which an unprivileged process may bind, is not reported.
    ///
    /// ## Fix
    /// Publish on a port of 1024 or more and put a reverse proxy or load balancer on the
    /// well-known port.
    pub static CHECK_5_8 {
        id: "5.8",
        scored: true,
        eval: eval_5_8,
        code: "HB508",
        name: "privileged-port-mapped",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Ensure privileged ports are not mapped within containers (Automated)",
        references: [Cis "5.8"],
    }
}

fn eval_5_8(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL506"]),
        "Containers using privileged ports",
    )
}

bench_check! {
    /// ## What it does
    /// Reports every container that publishes a port on the host (`-p`, `-P`), so that
    /// someone confirms each one is needed. Although CIS marks it manual, the check is scored
    /// as docker-bench-security scores it.
    ///
    /// ## Why is this bad?
    /// Each published port is a way in from the network, and Docker's own firewall rules for
    /// it bypass the host firewall.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -p 8080:80 -p 9090:9090 example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reads `docker port`, which lists only running containers; here
    /// the configured bindings of every container are read.
    ///
    /// ## Fix
    /// Publish only the ports clients need; reach the others over a Docker network or
    /// `docker exec`.
    pub static CHECK_5_9 {
        id: "5.9",
        scored: true,
        eval: eval_5_9,
        code: "HB509",
        name: "ports-open",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Ensure that only needed ports are open on the container (Manual)",
        references: [Cis "5.9"],
    }
}

fn eval_5_9(ctx: &Ctx) -> Outcome {
    let mut findings = Vec::new();
    for record in &ctx.snapshot.containers {
        let Some(s) = settings(record) else { continue };
        for port in s.ports.iter().filter(|p| p.published) {
            let container_port = port.container_port.map_or_else(
                || "a port".to_string(),
                |c| format!("{c}/{}", port.protocol),
            );
            let host = match port.host_port {
                Some(h) => format!("host port {h}"),
                None => "a random host port".to_string(),
            };
            findings.push(CHECK_5_9.meta.finding(
                ctx.config,
                format!("{} publishes {container_port} on {host}", subject(s)),
                port.loc.clone(),
                None,
            ));
        }
    }
    container_outcome(ctx, findings, "Containers with open ports")
}

bench_check! {
    /// ## What it does
    /// Reports ports published on every host interface (WL505): no host address
    /// (`-p 8080:80`), or `0.0.0.0` or `::`.
    ///
    /// ## Why is this bad?
    /// The port then listens on every network the host is attached to, public ones included,
    /// and Docker's firewall rules for it bypass the host firewall.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -p 5432:5432 postgres:16
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only matches `0.0.0.0` in `docker port` (running containers,
    /// IPv4 only); here `::` counts too and stopped containers are checked.
    ///
    /// ## Fix
    /// Bind to the interface that should receive the traffic (`-p 127.0.0.1:5432:5432`).
    pub static CHECK_5_14 {
        id: "5.14",
        scored: true,
        eval: eval_5_14,
        code: "HB514",
        name: "port-on-all-interfaces",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Ensure that incoming container traffic is bound to a specific host interface (Automated)",
        references: [Cis "5.14"],
    }
}

fn eval_5_14(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL505"]),
        "Containers with port bound to wildcard IP",
    )
}

bench_check! {
    /// ## What it does
    /// Lists (`INFO`, a manual check) the containers given host devices (`--device`), through
    /// WL504.
    ///
    /// ## Why is this bad?
    /// A device node is direct access to host hardware or a kernel driver, outside the
    /// namespaces that isolate the rest of the container.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --device /dev/sda:/dev/sda example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are listed as well.
    ///
    /// ## Fix
    /// Remove devices the service does not need; pass the others one by one with the
    /// narrowest permissions (`--device /dev/ttyUSB0:/dev/ttyUSB0:r`).
    pub static CHECK_5_18 {
        id: "5.18",
        scored: false,
        eval: eval_5_18,
        code: "HB518",
        name: "host-devices-exposed",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Ensure that host devices are not directly exposed to containers (Manual)",
        references: [Cis "5.18"],
    }
}

fn eval_5_18(ctx: &Ctx) -> Outcome {
    as_info(container_outcome(
        ctx,
        rule_findings(ctx, &["WL504"]),
        "Containers with host devices exposed directly",
    ))
}

bench_check! {
    /// ## What it does
    /// Reports mounts with `shared` or `rshared` propagation (WL503).
    ///
    /// ## Why is this bad?
    /// Mounts made inside the container then appear on the host and in every container
    /// sharing the mount: a process that can mount covers host paths with its own files.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -v /mnt/data:/data:rshared example/app
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Use the default `rprivate` propagation, or `rslave` when the container only needs to
    /// see mounts made on the host later.
    pub static CHECK_5_20 {
        id: "5.20",
        scored: true,
        eval: eval_5_20,
        code: "HB520",
        name: "shared-mount-propagation",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Ensure mount propagation mode is not set to shared (Automated)",
        references: [Cis "5.20"],
    }
}

fn eval_5_20(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL503"]),
        "Containers with shared mount propagation",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers with a container engine's socket mounted (WL501): Docker's,
    /// containerd's, CRI-O's, Podman's, the rootless sockets under `/run/user/<uid>`, or a
    /// folder holding one (`/run`, `/var/run`, `/run/containerd`).
    ///
    /// ## Why is this bad?
    /// Whoever talks to the engine's socket can start a privileged container that mounts the
    /// host's `/`: root on the host in one command. `:ro` changes nothing for a socket.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -v /var/run/docker.sock:/var/run/docker.sock example/ci-runner
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security looks for the text `docker.sock` in the mounts: containerd's,
    /// Podman's or CRI-O's socket, or a mount of `/var/run` or `/run`, pass there. Stopped
    /// containers are checked as well.
    ///
    /// ## Fix
    /// Do not give workloads the engine: use rootless BuildKit or a remote builder for builds
    /// and a read-only API proxy that allows only the calls needed for monitoring.
    pub static CHECK_5_32 {
        id: "5.32",
        scored: true,
        eval: eval_5_32,
        code: "HB532",
        name: "engine-socket-mounted",
        step: NamespacesCgroups,
        severity: Critical,
        summary: "Ensure that the Docker socket is not mounted inside any containers (Automated)",
        references: [Cis "5.32", Cwe "CWE-250"],
    }
}

fn eval_5_32(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL501"]),
        "Containers sharing docker socket",
    )
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
    fn sensitive_mounts_read_only_included() {
        let outcome = run(&CHECK_5_6, &snapshot(no_info(), fleet()));
        assert_outcome(&outcome, Verdict::Warn, &["hbc-mounts"]);
        let messages: Vec<&str> = outcome
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`/` read-write"));
        assert!(messages[1].contains("`/etc` read-only"));
        assert_outcome(
            &run(&CHECK_5_6, &snapshot(no_info(), vec![container("default")])),
            Verdict::Pass,
            &[],
        );
        assert_outcome(
            &run(&CHECK_5_6, &snapshot(no_info(), vec![])),
            Verdict::Info,
            &[],
        );
    }

    #[test]
    fn ports() {
        let snap = snapshot(no_info(), fleet());
        let privileged = run(&CHECK_5_8, &snap);
        assert_outcome(&privileged, Verdict::Warn, &["hbc-ports"]);
        assert_eq!(privileged.findings.len(), 1);
        assert!(privileged.findings[0].message.contains("80"));

        let open = run(&CHECK_5_9, &snap);
        assert_outcome(&open, Verdict::Warn, &["hbc-ports"]);
        assert_eq!(open.findings.len(), 3);
        assert!(open.findings.iter().all(|f| f.code == "HB509"));
        assert!(CHECK_5_9.scored);

        let wildcard = run(&CHECK_5_14, &snap);
        assert_outcome(&wildcard, Verdict::Warn, &["hbc-ports"]);
        // 127.0.0.1:8443 is bound to one interface.
        assert_eq!(wildcard.findings.len(), 2);

        let ipv6 = container_with("hardened", |c| {
            c["HostConfig"]["PortBindings"] =
                json!({"443/tcp": [{"HostIp": "::", "HostPort": "8443"}]});
        });
        assert_outcome(
            &run(&CHECK_5_14, &snapshot(no_info(), vec![ipv6])),
            Verdict::Warn,
            &["hbc-hardened"],
        );
        let quiet = snapshot(no_info(), vec![container("default")]);
        for check in [&CHECK_5_8, &CHECK_5_9, &CHECK_5_14] {
            assert_outcome(&run(check, &quiet), Verdict::Pass, &[]);
            assert_outcome(
                &run(check, &snapshot(no_info(), vec![])),
                Verdict::Info,
                &[],
            );
        }
    }

    #[test]
    fn devices_are_listed_not_failed() {
        let outcome = run(&CHECK_5_18, &snapshot(no_info(), fleet()));
        assert_outcome(&outcome, Verdict::Info, &["hbc-misc"]);
        assert_eq!(
            outcome.details.as_deref(),
            Some("Containers with host devices exposed directly: hbc-misc")
        );
        assert_outcome(
            &run(
                &CHECK_5_18,
                &snapshot(no_info(), vec![container("default")]),
            ),
            Verdict::Pass,
            &[],
        );
    }

    #[test]
    fn shared_propagation_and_engine_socket() {
        let snap = snapshot(no_info(), fleet());
        assert_outcome(&run(&CHECK_5_20, &snap), Verdict::Warn, &["hbc-mounts"]);
        let socket = run(&CHECK_5_32, &snap);
        assert_outcome(&socket, Verdict::Warn, &["hbc-mounts"]);
        assert_eq!(socket.findings[0].code, "WL501");
        let containerd = container_with("default", |c| {
            c["Mounts"] = json!([{
                "Type": "bind",
                "Source": "/run/containerd/containerd.sock",
                "Destination": "/run/containerd/containerd.sock",
                "Mode": "",
                "RW": true,
                "Propagation": "rprivate"
            }]);
        });
        assert_outcome(
            &run(&CHECK_5_32, &snapshot(no_info(), vec![containerd])),
            Verdict::Warn,
            &["hbc-default"],
        );
        let quiet = snapshot(no_info(), vec![container("default")]);
        assert_outcome(&run(&CHECK_5_20, &quiet), Verdict::Pass, &[]);
        assert_outcome(&run(&CHECK_5_32, &quiet), Verdict::Pass, &[]);
    }
}
