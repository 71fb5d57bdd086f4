//! CIS 5.7, no sshd in containers: found through the host's process table (`/proc` under the
//! facts root), never with `docker exec`.

use super::c_common::{bench_check, container_location, container_outcome, settings};
use super::{Ctx, Outcome};
use crate::snapshot::ContainerRecord;
use dockguard_workload::rules::subject;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

bench_check! {
    /// ## What it does
    /// Reports running containers in which a process named `sshd` runs. The processes are
    /// read from the host's `/proc`: those descending from the container's main process
    /// (`State.Pid`) and those in the container's cgroup (started with `docker exec`). Nothing
    /// is executed in the containers. Stopped containers have no processes to look at; when
    /// no container runs, or the host's processes are not visible to the bench (run it with
    /// `--pid host` in a container), the check is `INFO`.
    ///
    /// ## Why is this bad?
    /// An SSH server in a container is one more privileged, network-facing daemon with its
    /// own keys and passwords to manage, and a way around `docker exec` and its audit trail.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y openssh-server
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security runs `docker exec <container> ps -el`, which fails on images
    /// without `ps` (distroless, scratch), records exec events, and with `--pid host` sees the
    /// host's own sshd and fails the container. Here the container's own processes are read on
    /// the host instead, and a failing `docker exec` is never reported as sshd.
    ///
    /// ## Fix
    /// Remove the SSH server from the image and use `docker exec` for maintenance.
    pub static CHECK_5_7 {
        id: "5.7",
        scored: true,
        eval: eval_5_7,
        code: "HB507",
        name: "sshd-in-container",
        step: RuntimeDefence,
        severity: Medium,
        summary: "Ensure sshd is not run within containers (Automated)",
        references: [Cis "5.7"],
    }
}

/// One line of `/proc/<pid>/stat`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Process {
    pid: u32,
    ppid: u32,
    comm: String,
    state: char,
}

/// `pid (comm) state ppid …`; the command name may hold spaces and parentheses.
fn parse_stat(text: &str) -> Option<Process> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let pid = text.get(..open)?.trim().parse().ok()?;
    let comm = text.get(open + 1..close)?.to_string();
    let mut rest = text.get(close + 1..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some(Process {
        pid,
        ppid,
        comm,
        state,
    })
}

/// Every process of `/proc`; `None` when the folder cannot be read.
fn read_processes(proc_dir: &Path) -> Option<Vec<Process>> {
    let entries = std::fs::read_dir(proc_dir).ok()?;
    let mut processes = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // A process may end between listing and reading: skip it.
        if let Ok(text) = std::fs::read_to_string(entry.path().join("stat"))
            && let Some(process) = parse_stat(&text)
        {
            processes.push(process);
        }
    }
    Some(processes)
}

/// `root/proc`, `/proc` for an empty root.
fn proc_dir(root: &Path) -> PathBuf {
    if root.as_os_str().is_empty() {
        PathBuf::from("/proc")
    } else {
        root.join("proc")
    }
}

/// `pid` descends from (or is) `ancestor`.
fn descends_from(by_pid: &HashMap<u32, &Process>, pid: u32, ancestor: u32) -> bool {
    let mut current = pid;
    // The walk is bounded: a PID table has no cycles, but a racy read could make one.
    for _ in 0..by_pid.len() + 1 {
        if current == ancestor {
            return true;
        }
        match by_pid.get(&current) {
            Some(p) if p.ppid != current && p.ppid != 0 => current = p.ppid,
            _ => return false,
        }
    }
    false
}

/// The process's cgroup names the container (`/docker/<id>`, `docker-<id>.scope`): the case of
/// processes started with `docker exec`, which are children of the runtime shim.
fn in_container_cgroup(proc_dir: &Path, pid: u32, container_id: &str) -> bool {
    container_id.len() >= 12
        && std::fs::read_to_string(proc_dir.join(pid.to_string()).join("cgroup"))
            .is_ok_and(|text| text.contains(container_id))
}

fn main_pid(record: &ContainerRecord) -> Option<u32> {
    record
        .inspect
        .pointer("/State/Pid")
        .and_then(Value::as_u64)
        .and_then(|p| u32::try_from(p).ok())
        .filter(|p| *p > 0)
}

fn full_id(record: &ContainerRecord) -> &str {
    record
        .inspect
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or(&record.id)
}

fn eval_5_7(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.containers.is_empty() {
        return Outcome::info("No containers");
    }
    let running: Vec<&ContainerRecord> = ctx
        .snapshot
        .containers
        .iter()
        .filter(|c| c.running)
        .collect();
    if running.is_empty() {
        return Outcome::info(
            "No running containers: the processes of stopped containers cannot be checked",
        );
    }
    let dir = proc_dir(&ctx.facts.root);
    let Some(processes) = read_processes(&dir) else {
        return Outcome::info(format!(
            "The host's process table ({}) cannot be read",
            dir.display()
        ));
    };
    let by_pid: HashMap<u32, &Process> = processes.iter().map(|p| (p.pid, p)).collect();
    let sshd: Vec<&Process> = processes
        .iter()
        .filter(|p| p.comm == "sshd" && !matches!(p.state, 'Z' | 'X' | 'x'))
        .collect();
    let mut findings = Vec::new();
    let mut unseen = Vec::new();
    for record in running {
        let Some(pid) = main_pid(record).filter(|p| by_pid.contains_key(p)) else {
            unseen.push(record.name.clone());
            continue;
        };
        let id = full_id(record);
        let found: Vec<u32> = sshd
            .iter()
            .filter(|p| descends_from(&by_pid, p.pid, pid) || in_container_cgroup(&dir, p.pid, id))
            .map(|p| p.pid)
            .collect();
        if let (Some(first), Some(s)) = (found.first(), settings(record)) {
            findings.push(CHECK_5_7.meta.finding(
                ctx.config,
                format!("{} runs sshd (host pid {first})", subject(s)),
                container_location(record),
                None,
            ));
        }
    }
    if findings.is_empty() && !unseen.is_empty() {
        return Outcome::info(format!(
            "The processes of {} are not visible under {} (run the bench in the host's PID \
             namespace)",
            unseen.join(" "),
            dir.display()
        ))
        .with_items(unseen);
    }
    let stopped = ctx
        .snapshot
        .containers
        .iter()
        .filter(|c| !c.running)
        .count();
    let outcome = container_outcome(ctx, findings, "Containers with sshd");
    if outcome.details.is_none() && stopped > 0 {
        return outcome.with_details(format!(
            "{stopped} stopped container(s) not checked: they run no process"
        ));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, container_with, no_info, run, run_with, snapshot,
    };
    use crate::facts::HostFacts;
    use crate::result::Verdict;
    use serde_json::json;

    /// A fake `/proc`: (pid, comm, state, ppid, cgroup).
    fn proc_tree(entries: &[(u32, &str, char, u32, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (pid, comm, state, ppid, cgroup) in entries {
            let p = dir.path().join("proc").join(pid.to_string());
            std::fs::create_dir_all(&p).unwrap();
            std::fs::write(
                p.join("stat"),
                format!("{pid} ({comm}) {state} {ppid} {pid} {pid} 0 -1 4194560 1143\n"),
            )
            .unwrap();
            std::fs::write(p.join("cgroup"), format!("0::{cgroup}\n")).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("proc/self")).unwrap();
        dir
    }

    fn running(name: &str, pid: u32) -> ContainerRecord {
        container_with("running", |c| {
            c["Name"] = json!(format!("/{name}"));
            c["Id"] = json!(format!("{name:0>64}"));
            c["State"]["Pid"] = json!(pid);
        })
    }

    #[test]
    fn stat_lines() {
        let p = parse_stat("12452 (sshd) S 12421 12421 12421 0 -1 4194304 67 0").unwrap();
        assert_eq!(
            (p.pid, p.ppid, p.comm.as_str(), p.state),
            (12452, 12421, "sshd", 'S')
        );
        let odd = parse_stat("7 (a) b (c)) R 1 7 7").unwrap();
        assert_eq!((odd.comm.as_str(), odd.ppid), ("a) b (c)", 1));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn sshd_children_and_exec_sessions() {
        let a = running("alpha", 100);
        let b = running("beta", 200);
        let c = running("gamma", 300);
        let b_id = full_id(&b).to_string();
        let tree = proc_tree(&[
            (1, "systemd", 'S', 0, "/init.scope"),
            (50, "sshd", 'S', 1, "/system.slice/ssh.service"),
            (
                90,
                "containerd-shim",
                'S',
                1,
                "/system.slice/containerd.service",
            ),
            (100, "nginx", 'S', 90, "/docker/alpha"),
            (101, "sh", 'S', 100, "/docker/alpha"),
            (102, "sshd", 'S', 101, "/docker/alpha"),
            (200, "app", 'S', 90, &format!("/docker/{b_id}")),
            (
                201,
                "sshd",
                'S',
                90,
                &format!("/system.slice/docker-{b_id}.scope"),
            ),
            (300, "app", 'S', 90, "/docker/gamma"),
            (301, "sshd", 'Z', 300, "/docker/gamma"),
        ]);
        let facts = HostFacts {
            root: tree.path().to_path_buf(),
            ..HostFacts::default()
        };
        let snap = snapshot(no_info(), vec![a, b, c.clone(), container("default")]);
        let outcome = run_with(&CHECK_5_7, &snap, &facts);
        // The host's own sshd (50) and a zombie are not the containers'.
        assert_outcome(&outcome, Verdict::Warn, &["alpha", "beta"]);
        assert!(outcome.findings[0].message.contains("host pid 102"));
        assert!(outcome.findings[1].message.contains("host pid 201"));

        let snap = snapshot(no_info(), vec![c, container("default")]);
        let pass = run_with(&CHECK_5_7, &snap, &facts);
        assert_outcome(&pass, Verdict::Pass, &[]);
        assert!(pass.details.unwrap().contains("1 stopped container"));

        // A container whose process is not in this /proc: the bench cannot see it.
        let snap = snapshot(no_info(), vec![running("delta", 999)]);
        let unseen = run_with(&CHECK_5_7, &snap, &facts);
        assert_outcome(&unseen, Verdict::Info, &["delta"]);
    }

    #[test]
    fn stopped_only_or_no_proc_is_info() {
        let stopped = snapshot(no_info(), vec![container("default")]);
        assert_outcome(&run(&CHECK_5_7, &stopped), Verdict::Info, &[]);
        assert_outcome(
            &run(&CHECK_5_7, &snapshot(no_info(), vec![])),
            Verdict::Info,
            &[],
        );
        let empty = tempfile::tempdir().unwrap();
        let facts = HostFacts {
            root: empty.path().to_path_buf(),
            ..HostFacts::default()
        };
        let snap = snapshot(no_info(), vec![running("alpha", 100)]);
        let outcome = run_with(&CHECK_5_7, &snap, &facts);
        assert_outcome(&outcome, Verdict::Info, &[]);
        assert!(outcome.details.unwrap().contains("cannot be read"));
    }
}
