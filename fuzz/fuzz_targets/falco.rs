//! Fuzzes `dockguard-falco`: the rules-file loader (YAML, lists, macros, overrides, exceptions),
//! the condition parser and compiler, the compiled evaluator and `%field` outputs.
//!
//! The input (UTF-8, lossily) is cut on NUL bytes into up to four parts:
//! 1. a rules file, loaded alone;
//! 2. a second rules file, loaded after the first (overrides, appends, exceptions);
//! 3. a bare condition, placed in a rule of its own after the first file (so it may name that
//!    file's lists and macros);
//! 4. lines that become the strings of the events (process names, argv, paths, images).
//!
//! Every ruleset that loads is evaluated (`matching`, plus `Rule::matches` and `format` on
//! every rule) against a few `dockguard_watch::Event`s: a host exec, a container shell with a
//! tty, a file open and a `docker exec` event. Asserts "never panics, never hangs": a load either
//! succeeds or returns an error naming the file, and evaluation is total.
#![no_main]

use dockguard_falco::Ruleset;
use dockguard_watch::event::{
    Ancestor, ContainerInfo, DockerAction, Event, FileAccess, Mount, Process, SourceKind,
};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\0');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    let condition = parts.next();
    let words: Vec<&str> = parts
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.is_empty())
        .take(32)
        .collect();
    let events = events(&words);

    load_and_run(&[("first.yaml", first)], &events);
    if let Some(second) = second {
        load_and_run(&[("first.yaml", first), ("second.yaml", second)], &events);
    }
    if let Some(cond) = condition {
        // A block scalar keeps the condition's text as is (every line indented).
        let mut rule = String::from(
            "- rule: fuzzed\n  desc: d\n  priority: WARNING\n  output: \"%proc.name %fd.name %container.id\"\n  condition: >-\n",
        );
        for line in cond.lines() {
            rule.push_str("    ");
            rule.push_str(line);
            rule.push('\n');
        }
        load_and_run(&[("first.yaml", first), ("cond.yaml", &rule)], &events);
        load_and_run(&[("cond.yaml", &rule)], &events);
    }
});

fn load_and_run(files: &[(&str, &str)], events: &[Event]) {
    match Ruleset::load_str(files) {
        Ok((rules, _warnings)) => {
            for ev in events {
                let hits = rules.matching(ev).count();
                let direct = rules
                    .rules()
                    .iter()
                    .filter(|r| r.enabled() && r.source() == ev.source.falco_source())
                    .filter(|r| r.matches(ev))
                    .count();
                // The evt.type index must not lose a match.
                assert_eq!(hits, direct, "indexed and direct evaluation disagree");
                for rule in rules.rules().iter().take(64) {
                    let _ = rule.format(ev);
                }
            }
        }
        Err(e) => {
            assert!(
                files.iter().any(|(name, _)| e.file == *name),
                "error names no input file: {e:?}"
            );
        }
    }
}

fn events(words: &[&str]) -> Vec<Event> {
    let w = |i: usize, default: &str| -> String {
        words
            .get(i)
            .map_or_else(|| default.to_string(), |s| s.to_string())
    };
    let hostname: Arc<str> = Arc::from("fuzzhost");
    let container = Arc::new(ContainerInfo {
        id: "f".repeat(64),
        name: Some(w(6, "web")),
        image: Some(w(7, "nginx:1.25")),
        repository: Some("nginx".into()),
        tag: Some("1.25".into()),
        digest: None,
        privileged: Some(words.len() % 2 == 1),
        mounts: vec![Mount {
            source: w(8, "/var/run/docker.sock"),
            destination: w(9, "/var/run/docker.sock"),
            mode: "rw".into(),
            rw: true,
            propagation: "rprivate".into(),
        }],
        cap_add: vec![w(10, "CAP_SYS_ADMIN")],
        upper_dir: None,
        pid: Some(900),
    });
    let process = |name: String, argv: Vec<String>, tty: i64| Process {
        pid: 1234,
        vpid: Some(7),
        ppid: Some(1000),
        name: Some(name),
        argv: Some(argv),
        exepath: Some(w(5, "/usr/bin/bash")),
        cwd: Some("/root".into()),
        tty: Some(tty),
        sid: Some(1000),
        sname: Some("bash".into()),
        uid: Some(0),
        gid: Some(0),
        ruid: Some(1000),
        loginuid: Some(-1),
        user_name: Some("root".into()),
        group_name: Some("root".into()),
        duration_ns: Some(5_000),
        exe_upper_layer: Some(true),
        ancestors: vec![
            Ancestor {
                pid: 1000,
                name: w(3, "bash"),
                exe: Some("/bin/bash".into()),
                exepath: Some("/usr/bin/bash".into()),
                argv: Some(vec!["bash".into(), w(4, "-l")]),
            },
            Ancestor {
                pid: 1,
                name: "containerd-shim".into(),
                ..Default::default()
            },
        ],
        exit_code: None,
        exit_signal: None,
    };
    let base = |num: u64, source: SourceKind, evt_type: &'static str| Event {
        num,
        time_ns: 1_700_000_000_000_000_000,
        source,
        evt_type,
        hostname: hostname.clone(),
        process: None,
        container_id: None,
        container: None,
        file: None,
        docker: None,
    };
    let mut host_exec = base(1, SourceKind::ProcConnector, "execve");
    host_exec.process = Some(process(
        w(0, "apt-get"),
        vec![w(1, "apt-get"), w(2, "install")],
        0,
    ));
    let mut shell = base(2, SourceKind::ProcConnector, "execve");
    shell.process = Some(process(w(11, "sh"), vec!["sh".into(), w(12, "-i")], 34816));
    shell.container_id = Some(container.id.clone());
    shell.container = Some(container.clone());
    let mut open = base(3, SourceKind::Fanotify, "open");
    open.process = Some(process(
        w(13, "cat"),
        vec!["cat".into(), w(14, "/etc/shadow")],
        0,
    ));
    open.container_id = Some(container.id.clone());
    open.container = Some(container.clone());
    open.file = Some(FileAccess {
        path: w(14, "/etc/shadow"),
        is_dir: false,
        read: true,
        write: words.len() % 3 == 0,
        exec: false,
    });
    let mut exec = base(4, SourceKind::Docker, "container");
    exec.container_id = Some(container.id.clone());
    exec.container = Some(container);
    exec.docker = Some(DockerAction {
        action: w(15, "exec_start"),
        attributes: vec![("name".into(), "web".into())],
        exec_id: Some("e1".into()),
        exec_user: Some(w(16, "root")),
        exec_tty: Some(true),
        exec_privileged: Some(false),
        exec_cmdline: Some(w(17, "sh -c id")),
        exec_pid: Some(1234),
    });
    vec![host_exec, shell, open, exec]
}
