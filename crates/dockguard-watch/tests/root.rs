//! End to end, as root, against the kernel and the real Docker engine (CI runs as root with
//! dockerd). These tests fail, rather than skip, when not root or when no engine answers.

use dockguard_falco::{EventFields, Field, FieldArg, FieldValue};
use dockguard_testsupport::{Containers, IMAGE, docker, ensure_image};
use dockguard_watch::{Config, Event, SourceKind, Sources, fan::WatchPaths};
use std::process::Command;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

fn require_root() {
    assert!(
        nix_is_root(),
        "these tests need root (CI runs them as root): the process connector and fanotify need it"
    );
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        .unwrap()
}

fn str_field(e: &Event, f: Field, arg: Option<&FieldArg>) -> Option<String> {
    match e.get(f, arg)? {
        FieldValue::Str(s) => Some(s.into_owned()),
        FieldValue::Int(n) => Some(n.to_string()),
        FieldValue::Bool(b) => Some(b.to_string()),
        FieldValue::StrList(l) => Some(l.join(",")),
    }
}

fn get(e: &Event, f: Field) -> Option<String> {
    str_field(e, f, None)
}

/// Waits up to `secs` for an event matching `pred`.
fn wait_for(rx: &Receiver<Event>, secs: u64, what: &str, pred: impl Fn(&Event) -> bool) -> Event {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if pred(&e) => return e,
            Ok(_) => {}
            Err(_) => panic!("no event for {what} within {secs} s"),
        }
    }
}

fn only(proc_connector: bool, docker: bool, fanotify: bool) -> Config {
    Config {
        proc_connector,
        docker,
        fanotify,
        ..Config::default()
    }
}

fn start(config: &Config) -> (Sources, Receiver<Event>) {
    let (tx, rx) = sync_channel(65536);
    let sources = Sources::start(config, tx);
    let unavailable: Vec<String> = sources
        .unavailable()
        .iter()
        .map(|(_, e)| e.to_string())
        .collect();
    assert!(unavailable.is_empty(), "{unavailable:?}");
    (sources, rx)
}

#[test]
fn the_process_connector_sees_an_exec_with_cmdline_and_parent() {
    require_root();
    let (sources, rx) = start(&only(true, false, false));
    assert_eq!(sources.running(), [SourceKind::ProcConnector]);
    // Let the subscription settle, then run a child that lives long enough to be read.
    std::thread::sleep(Duration::from_millis(200));
    let marker = format!("dg-watch-{}", std::process::id());
    let mut child = Command::new("/bin/sh")
        .args(["-c", &format!("exec sleep 1 # {marker}")])
        .spawn()
        .unwrap();
    let pid = child.id() as i64;
    let e = wait_for(&rx, 10, "the exec of sleep", |e| {
        e.evt_type == "execve"
            && e.process.as_ref().is_some_and(|p| i64::from(p.pid) == pid)
            && get(e, Field::ProcName).as_deref() == Some("sleep")
    });
    child.wait().unwrap();
    let me = std::process::id().to_string();
    assert_eq!(get(&e, Field::ProcCmdline).as_deref(), Some("sleep 1"));
    assert_eq!(get(&e, Field::ProcExe).as_deref(), Some("sleep"));
    assert!(get(&e, Field::ProcExepath).unwrap().ends_with("sleep"));
    assert_eq!(get(&e, Field::ProcPpid), Some(me.clone()));
    assert_eq!(
        str_field(&e, Field::ProcApid, Some(&FieldArg::Index(1))),
        Some(me)
    );
    let my_comm = std::fs::read_to_string("/proc/self/comm").unwrap();
    assert_eq!(get(&e, Field::ProcPname).as_deref(), Some(my_comm.trim()));
    assert_eq!(get(&e, Field::UserUid).as_deref(), Some("0"));
    assert_eq!(get(&e, Field::UserName).as_deref(), Some("root"));
    assert_eq!(get(&e, Field::ContainerId).as_deref(), Some("host"));
    assert_eq!(get(&e, Field::EvtSource).as_deref(), Some("syscall"));
    assert!(get(&e, Field::ProcTty).is_some());
    // The exit of that child is seen too.
    wait_for(&rx, 10, "the exit of sleep", |e| {
        e.evt_type == "procexit" && e.process.as_ref().is_some_and(|p| i64::from(p.pid) == pid)
    });
    let stats = sources.stop();
    assert!(stats[0].1.seen >= 2 && stats[0].1.sent >= 2, "{stats:?}");
}

#[test]
fn docker_events_and_execs_are_attributed_to_their_container() {
    require_root();
    dockguard_engine::Engine::connect(None)
        .unwrap_or_else(|e| panic!("a Docker engine must answer (CI starts one): {e}"));
    ensure_image();
    let (sources, rx) = start(&only(true, true, true));
    std::thread::sleep(Duration::from_millis(300));
    let name = format!("dg-watch-{}", std::process::id());
    let _guard = Containers(vec![name.clone()]);
    let id = docker(&[
        "run", "-d", "--name", &name, IMAGE, "busybox", "sleep", "30",
    ]);
    let is_ours = |e: &Event, action: &str| {
        e.source == SourceKind::Docker
            && e.container_id.as_deref() == Some(id.as_str())
            && e.docker.as_ref().is_some_and(|d| d.action == action)
    };
    let created = wait_for(&rx, 15, "create", |e| is_ours(e, "create"));
    assert_eq!(get(&created, Field::EvtType).as_deref(), Some("container"));
    let started = wait_for(&rx, 15, "start", |e| is_ours(e, "start"));
    assert_eq!(get(&started, Field::ContainerName), Some(name.clone()));
    assert_eq!(get(&started, Field::ContainerImage).as_deref(), Some(IMAGE));
    assert_eq!(
        get(&started, Field::ContainerPrivileged).as_deref(),
        Some("false")
    );

    // An exec as another user, without a TTY.
    let marker = "dgwatchmarker";
    docker(&[
        "exec",
        "-u",
        "65534",
        &name,
        "sh",
        "-c",
        &format!("busybox sleep 1; echo {marker}"),
    ]);
    let exec = wait_for(&rx, 15, "exec_start", |e| is_ours(e, "exec_start"));
    assert_eq!(get(&exec, Field::DockerExecTty).as_deref(), Some("false"));
    assert_eq!(get(&exec, Field::DockerExecUser).as_deref(), Some("65534"));
    assert!(
        get(&exec, Field::DockerExecCmdline)
            .unwrap()
            .contains(marker),
        "{exec:?}"
    );
    assert_eq!(get(&exec, Field::ContainerId), Some(id[..12].to_string()));

    // The process connector saw the exec'd shell, attributed to the container.
    let proc_exec = wait_for(&rx, 15, "the exec'd shell via the connector", |e| {
        e.evt_type == "execve" && get(e, Field::ProcCmdline).is_some_and(|c| c.contains(marker))
    });
    assert_eq!(get(&proc_exec, Field::ContainerFullId), Some(id.clone()));
    assert_eq!(
        get(&proc_exec, Field::ContainerId),
        Some(id[..12].to_string())
    );
    assert_eq!(
        get(&proc_exec, Field::ContainerImage).as_deref(),
        Some(IMAGE)
    );
    assert_eq!(
        get(&proc_exec, Field::ContainerImageRepository).as_deref(),
        Some("dg-busybox")
    );
    assert_eq!(
        get(&proc_exec, Field::ContainerImageTag).as_deref(),
        Some("test")
    );
    assert_eq!(get(&proc_exec, Field::UserUid).as_deref(), Some("65534"));
    assert_eq!(
        get(&proc_exec, Field::ContainerType).as_deref(),
        Some("docker")
    );
    assert_ne!(
        get(&proc_exec, Field::ProcVpid),
        get(&proc_exec, Field::ProcPid)
    );

    // fanotify marked the container's root on start: a write below its /etc is seen, named
    // as the container sees it and attributed to the container.
    docker(&[
        "exec",
        &name,
        "sh",
        "-c",
        "echo x > /etc/dg-watch-written; busybox sleep 1",
    ]);
    let write = wait_for(&rx, 15, "the write below the container's /etc", |e| {
        e.source == SourceKind::Fanotify
            && e.file
                .as_ref()
                .is_some_and(|f| f.path == "/etc/dg-watch-written")
    });
    assert_eq!(get(&write, Field::ContainerFullId), Some(id.clone()));
    assert_eq!(get(&write, Field::EvtIsOpenWrite).as_deref(), Some("true"));

    // Stop: die, then the cache forgets the container.
    docker(&["rm", "-f", &name]);
    wait_for(&rx, 20, "die", |e| is_ours(e, "die"));
    wait_for(&rx, 20, "destroy", |e| is_ours(e, "destroy"));
    assert!(
        sources
            .enricher
            .containers
            .live()
            .iter()
            .all(|c| c.id != id),
        "the dead container is still cached"
    );
    assert!(sources.enricher.containers.get(&id).is_none());
    sources.stop();
}

#[test]
fn fanotify_sees_opens_and_writes_below_marked_paths() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "s3cret").unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let config = Config {
        fanotify_paths: WatchPaths {
            sensitive: vec![secret.to_string_lossy().into_owned()],
            write_dirs: vec![bin.to_string_lossy().into_owned()],
            write_dirs_recursive_once: vec![],
        },
        ..only(false, false, true)
    };
    let (sources, rx) = start(&config);
    // The opener lives on for a while, so that /proc still has it when the event is read.
    let status = Command::new("sh")
        .args(["-c", &format!("read x < {}; sleep 0.5", secret.display())])
        .status()
        .unwrap();
    assert!(status.success());
    let e = wait_for(&rx, 10, "the open of the secret", |e| {
        e.file
            .as_ref()
            .is_some_and(|f| f.path == secret.to_string_lossy())
    });
    assert_eq!(get(&e, Field::EvtType).as_deref(), Some("open"));
    assert_eq!(get(&e, Field::EvtIsOpenRead).as_deref(), Some("true"));
    assert_eq!(get(&e, Field::ProcName).as_deref(), Some("sh"));
    assert_eq!(get(&e, Field::FdFilename).as_deref(), Some("secret"));
    assert_eq!(
        get(&e, Field::FdDirectory),
        Some(dir.path().to_string_lossy().into_owned())
    );
    let target = bin.join("dropped");
    let status = Command::new("sh")
        .args(["-c", &format!("echo x > {}; sleep 0.5", target.display())])
        .status()
        .unwrap();
    assert!(status.success());
    let w = wait_for(&rx, 10, "the write below the bin dir", |e| {
        e.file
            .as_ref()
            .is_some_and(|f| f.path == target.to_string_lossy())
    });
    assert_eq!(get(&w, Field::EvtIsOpenWrite).as_deref(), Some("true"));
    assert_eq!(get(&w, Field::ProcName).as_deref(), Some("sh"));
    // An unmarked file in the same folder is not reported.
    std::fs::write(dir.path().join("other"), "x").unwrap();
    let _ = Command::new("cat").arg(dir.path().join("other")).output();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        rx.try_iter()
            .all(|e| e.file.is_none_or(|f| !f.path.ends_with("/other"))),
        "an unmarked file was reported"
    );
    sources.stop();
}
