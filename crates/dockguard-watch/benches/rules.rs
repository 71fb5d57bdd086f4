//! Rules-evaluation speed (issue 9's target: at least 1,000,000 events per second per core).
//!
//! Builds a synthetic stream of 1,000,000 [`Event`]s before any timing: a pool of 4,096
//! distinct events (host execs of common programs, execs inside containers with container
//! metadata, shells with a terminal, package managers, opens of /etc files, Docker `start` /
//! `exec_start` / `die` events) and a pseudo-random order over it, so that memory stays small
//! while the evaluator sees varied events. Then, on one thread, best of 5:
//!
//! 1. `ruleset.matching(&ev).count()` with the default rules
//!    (`dockguard_watch::default_rules::TEXT`) over the whole stream;
//! 2. the whole [`Pipeline::handle`] (matching, output formatting of each alert, rate limit,
//!    deduplication) with a sink that discards.
//!
//! `cargo bench -p dockguard-watch --bench rules` (bench/watch-rules.sh runs it).

use dockguard_alerts::Alert;
use dockguard_alerts::sinks::Sink;
use dockguard_falco::Ruleset;
use dockguard_watch::default_rules;
use dockguard_watch::event::{
    Ancestor, ContainerInfo, DockerAction, Event, FileAccess, Mount, Process, SourceKind,
};
use dockguard_watch::pipeline::{Pipeline, Policy};
use std::sync::Arc;
use std::time::{Duration, Instant};

const STREAM: usize = 1_000_000;
const POOL: usize = 4_096;
const RUNS: usize = 5;

fn main() {
    let (rules, warnings) =
        Ruleset::load_str(&[(default_rules::NAME, default_rules::TEXT)]).expect("default rules");
    assert!(warnings.is_empty(), "{warnings:?}");
    let built = Instant::now();
    let pool = pool(POOL);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let order: Vec<u32> = (0..STREAM)
        .map(|_| (rng.next() % POOL as u64) as u32)
        .collect();
    println!(
        "stream: {STREAM} events ({POOL} distinct, {} rules), built in {:.2} s",
        rules.rules().len(),
        built.elapsed().as_secs_f64()
    );

    // 1. Condition evaluation alone.
    let mut best = Timing::MAX;
    let mut matches = 0;
    for _ in 0..RUNS {
        let (t, n) = timed(|| {
            let mut n = 0usize;
            for &i in &order {
                n += rules.matching(&pool[i as usize]).count();
            }
            n
        });
        best = best.min(t);
        matches = std::hint::black_box(n);
    }
    println!(
        "matching: {STREAM} events, {matches} matches, best of {RUNS}: {}",
        best.show()
    );

    // Where the time goes: each enabled rule's condition alone over the pool (every event,
    // not only those of the rule's event types), slowest first.
    let mut per_rule: Vec<(f64, &str)> = rules
        .rules()
        .iter()
        .filter(|r| r.enabled())
        .map(|r| {
            let started = Instant::now();
            let n = pool.iter().filter(|ev| r.matches(*ev)).count();
            std::hint::black_box(n);
            (started.elapsed().as_secs_f64() / POOL as f64, r.name())
        })
        .collect();
    per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (secs, name) in per_rule.iter().take(5) {
        println!("  {:>7.1} ns/event  {name}", secs * 1e9);
    }

    // 2. The whole pipeline, alerts discarded.
    let mut best = Timing::MAX;
    let mut sent = 0;
    let mut counters = String::new();
    for _ in 0..RUNS {
        let mut pipeline = Pipeline::new(rules.clone(), Policy::default(), vec![Box::new(Discard)]);
        let start = Instant::now();
        let (t, n) = timed(|| {
            let mut n = 0usize;
            for (k, &i) in order.iter().enumerate() {
                // Simulated time: one event per microsecond.
                let now = start + Duration::from_micros(k as u64);
                n += pipeline.handle(&pool[i as usize], now);
            }
            pipeline.finish();
            n
        });
        best = best.min(t);
        sent = std::hint::black_box(n);
        let c = pipeline.counters();
        counters = format!(
            "matched {}, rate-limited {}, deduplicated {}",
            c.matched, c.rate_limited, c.deduplicated
        );
    }
    println!(
        "pipeline: {STREAM} events, {sent} alerts sent ({counters}), best of {RUNS}: {}",
        best.show()
    );
}

/// Wall-clock and on-CPU time of one run.
#[derive(Clone, Copy)]
struct Timing {
    wall: f64,
    /// Seconds this thread was on a CPU (`/proc/thread-self/schedstat`), `None` where the
    /// kernel does not report it. On a shared machine it is the honest "per core" figure.
    cpu: Option<f64>,
}

impl Timing {
    const MAX: Timing = Timing {
        wall: f64::MAX,
        cpu: None,
    };

    /// The better run: least on-CPU time when known, else least wall time.
    fn min(self, other: Timing) -> Timing {
        let key = |t: &Timing| t.cpu.unwrap_or(t.wall);
        if key(&other) < key(&self) {
            other
        } else {
            self
        }
    }

    fn show(&self) -> String {
        let rate = |secs: f64| STREAM as f64 / secs;
        match self.cpu {
            Some(cpu) => format!(
                "{:.1} ms on CPU, {:.0} events/s per core ({:.1} ms wall, {:.0} events/s)",
                cpu * 1000.0,
                rate(cpu),
                self.wall * 1000.0,
                rate(self.wall)
            ),
            None => format!(
                "{:.1} ms wall, {:.0} events/s (one thread)",
                self.wall * 1000.0,
                rate(self.wall)
            ),
        }
    }
}

/// Nanoseconds this thread has spent on a CPU.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn timed<T>(f: impl FnOnce() -> T) -> (Timing, T) {
    let cpu0 = cpu_ns();
    let started = Instant::now();
    let out = f();
    let wall = started.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e9),
        _ => None,
    };
    (Timing { wall, cpu }, out)
}

/// A sink that drops every alert.
struct Discard;

impl Sink for Discard {
    fn send(&mut self, alert: &Alert) -> Result<(), String> {
        std::hint::black_box(alert);
        Ok(())
    }
    fn name(&self) -> String {
        "discard".into()
    }
}

/// xorshift64*: a reproducible stream without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const HOST_PROGRAMS: &[(&str, &str, &[&str])] = &[
    ("ls", "/usr/bin/ls", &["-la", "/var/log"]),
    ("grep", "/usr/bin/grep", &["-r", "error", "/var/log/syslog"]),
    ("cat", "/usr/bin/cat", &["/proc/meminfo"]),
    ("ps", "/usr/bin/ps", &["aux"]),
    ("git", "/usr/bin/git", &["status", "--short"]),
    ("python3", "/usr/bin/python3.12", &["-m", "http.server"]),
    ("systemctl", "/usr/bin/systemctl", &["is-active", "docker"]),
    ("sed", "/usr/bin/sed", &["-n", "1,20p", "/etc/hosts"]),
    ("awk", "/usr/bin/mawk", &["{print $1}"]),
    ("date", "/usr/bin/date", &["+%s"]),
    ("sleep", "/usr/bin/sleep", &["60"]),
    (
        "curl",
        "/usr/bin/curl",
        &["-fsS", "http://127.0.0.1:8080/health"],
    ),
    ("node", "/usr/bin/node", &["server.js"]),
    (
        "cargo",
        "/home/dev/.cargo/bin/cargo",
        &["build", "--release"],
    ),
    (
        "rustc",
        "/home/dev/.rustup/toolchains/stable/bin/rustc",
        &["--crate-name", "x"],
    ),
    ("dockerd", "/usr/bin/dockerd", &["-H", "fd://"]),
];

const CONTAINER_PROGRAMS: &[(&str, &str, &[&str])] = &[
    ("nginx", "/usr/sbin/nginx", &["-g", "daemon off;"]),
    ("python", "/usr/local/bin/python3.12", &["app.py"]),
    (
        "java",
        "/opt/java/openjdk/bin/java",
        &["-jar", "/app/app.jar"],
    ),
    ("node", "/usr/local/bin/node", &["/srv/index.js"]),
    (
        "postgres",
        "/usr/lib/postgresql/16/bin/postgres",
        &["-D", "/var/lib/postgresql/data"],
    ),
    ("redis-server", "/usr/local/bin/redis-server", &["*:6379"]),
    (
        "gunicorn",
        "/usr/local/bin/python3.12",
        &["app:app", "-w", "4"],
    ),
    ("curl", "/usr/bin/curl", &["-s", "http://api:8080/"]),
    ("wget", "/usr/bin/wget", &["-qO-", "http://example.com/"]),
    ("sleep", "/bin/sleep", &["5"]),
];

const SHELLS: &[&str] = &["bash", "sh", "ash", "zsh", "dash"];
const PACKAGE_MANAGERS: &[(&str, &[&str])] = &[
    ("apt-get", &["install", "-y", "curl"]),
    ("apk", &["add", "--no-cache", "git"]),
    ("pip", &["install", "requests"]),
    ("npm", &["install"]),
    ("dnf", &["-y", "update"]),
];
const ETC_FILES: &[&str] = &[
    "/etc/passwd",
    "/etc/group",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/nsswitch.conf",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/shadow",
    "/etc/sudoers",
    "/etc/pam.d/common-auth",
    "/etc/ssh/ssh_host_ed25519_key",
];
const READERS: &[&str] = &[
    "sshd", "sudo", "cron", "systemd", "python3", "nginx", "cat", "login", "node",
];
const IMAGES: &[(&str, &str, &str)] = &[
    ("nginx:1.25", "nginx", "1.25"),
    ("python:3.12-slim", "python", "3.12-slim"),
    ("postgres:16", "postgres", "16"),
    ("redis:7", "redis", "7"),
    ("eclipse-temurin:21", "eclipse-temurin", "21"),
    ("node:20-alpine", "node", "20-alpine"),
    ("alpine:3.20", "alpine", "3.20"),
    ("busybox:latest", "busybox", "latest"),
];

/// Containers: plain ones, one with the Docker socket, one privileged with /proc mounted.
fn containers() -> Vec<Arc<ContainerInfo>> {
    IMAGES
        .iter()
        .enumerate()
        .map(|(i, (image, repo, tag))| {
            let mut mounts = vec![Mount {
                source: format!("/var/lib/docker/volumes/data{i}/_data"),
                destination: "/data".into(),
                mode: "z".into(),
                rw: true,
                propagation: String::new(),
            }];
            if i == 6 {
                mounts.push(Mount {
                    source: "/var/run/docker.sock".into(),
                    destination: "/var/run/docker.sock".into(),
                    mode: String::new(),
                    rw: true,
                    propagation: "rprivate".into(),
                });
            }
            if i == 7 {
                mounts.push(Mount {
                    source: "/proc".into(),
                    destination: "/host/proc".into(),
                    mode: "ro".into(),
                    rw: false,
                    propagation: "rprivate".into(),
                });
            }
            Arc::new(ContainerInfo {
                id: format!("{:064x}", 0xabcdef_u64 * (i as u64 + 1)),
                name: Some(format!("app-{repo}-{i}")),
                image: Some((*image).into()),
                repository: Some((*repo).into()),
                tag: Some((*tag).into()),
                digest: None,
                privileged: Some(i == 7),
                mounts,
                cap_add: if i == 5 {
                    vec!["NET_ADMIN".into()]
                } else {
                    Vec::new()
                },
                upper_dir: Some(format!("/var/lib/docker/overlay2/{i:08x}/diff")),
                pid: Some(4000 + i as i32),
            })
        })
        .collect()
}

fn ancestors(rng: &mut Rng, in_container: bool) -> Vec<Ancestor> {
    let parent = if in_container {
        rng.pick(&["sh", "bash", "tini", "gunicorn", "node"])
    } else {
        rng.pick(&["bash", "zsh", "systemd", "cron", "sshd", "make"])
    };
    let mut out = vec![Ancestor {
        pid: 3000 + (rng.next() % 1000) as i32,
        name: parent.into(),
        exe: Some(format!("/usr/bin/{parent}")),
        exepath: Some(format!("/usr/bin/{parent}")),
        argv: Some(vec![parent.into(), "-c".into(), "run".into()]),
    }];
    let chain: &[&str] = if in_container {
        &["containerd-shim", "systemd"]
    } else {
        &["sshd", "sshd", "systemd"]
    };
    for (k, name) in chain.iter().enumerate() {
        out.push(Ancestor {
            pid: 100 * (k as i32 + 1),
            name: (*name).into(),
            ..Default::default()
        });
    }
    out
}

fn process(
    rng: &mut Rng,
    name: &str,
    exepath: &str,
    args: &[&str],
    in_container: bool,
    tty: i64,
) -> Process {
    let mut argv = vec![exepath.to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let uid = if in_container || rng.next().is_multiple_of(4) {
        0
    } else {
        1000
    };
    Process {
        pid: 10_000 + (rng.next() % 50_000) as i32,
        vpid: Some(if in_container {
            1 + (rng.next() % 50) as i32
        } else {
            10_000
        }),
        ppid: Some(3000),
        name: Some(name.into()),
        argv: Some(argv),
        exepath: Some(exepath.into()),
        cwd: Some(if in_container { "/app" } else { "/home/dev" }.into()),
        tty: Some(tty),
        sid: Some(3000),
        sname: Some("bash".into()),
        uid: Some(uid),
        gid: Some(uid),
        ruid: Some(uid),
        loginuid: Some(if in_container { -1 } else { 1000 }),
        user_name: Some(if uid == 0 { "root" } else { "dev" }.into()),
        group_name: Some(if uid == 0 { "root" } else { "dev" }.into()),
        duration_ns: Some(1_000_000),
        exe_upper_layer: Some(in_container && rng.next().is_multiple_of(64)),
        ancestors: ancestors(rng, in_container),
        exit_code: None,
        exit_signal: None,
    }
}

/// `n` distinct events in a realistic mix: 45 % host execs, 22 % container execs, 2 % shells
/// with a terminal in a container, 3 % package managers in a container, 23 % opens of /etc
/// files (mostly reads, some writes), 5 % Docker events.
fn pool(n: usize) -> Vec<Event> {
    let mut rng = Rng(42);
    let containers = containers();
    let hostname: Arc<str> = Arc::from("bench-host");
    (0..n)
        .map(|k| {
            let roll = rng.next() % 100;
            let c = containers[(rng.next() % containers.len() as u64) as usize].clone();
            let mut ev = Event {
                num: k as u64 + 1,
                time_ns: 1_700_000_000_000_000_000 + k as i64 * 1000,
                source: SourceKind::ProcConnector,
                evt_type: "execve",
                hostname: hostname.clone(),
                process: None,
                container_id: None,
                container: None,
                file: None,
                docker: None,
            };
            let in_container = |ev: &mut Event| {
                ev.container_id = Some(c.id.clone());
                ev.container = Some(c.clone());
            };
            match roll {
                0..45 => {
                    let (name, exe, args) =
                        HOST_PROGRAMS[(rng.next() % HOST_PROGRAMS.len() as u64) as usize];
                    ev.process = Some(process(&mut rng, name, exe, args, false, 34816));
                }
                45..67 => {
                    let (name, exe, args) =
                        CONTAINER_PROGRAMS[(rng.next() % CONTAINER_PROGRAMS.len() as u64) as usize];
                    ev.process = Some(process(&mut rng, name, exe, args, true, 0));
                    in_container(&mut ev);
                }
                67..69 => {
                    let sh = rng.pick(SHELLS);
                    let exe = format!("/bin/{sh}");
                    ev.process = Some(process(&mut rng, sh, &exe, &["-i"], true, 34816));
                    in_container(&mut ev);
                }
                69..72 => {
                    let (pm, args) =
                        PACKAGE_MANAGERS[(rng.next() % PACKAGE_MANAGERS.len() as u64) as usize];
                    let exe = format!("/usr/bin/{pm}");
                    ev.process = Some(process(&mut rng, pm, &exe, args, true, 0));
                    in_container(&mut ev);
                }
                72..95 => {
                    let reader = rng.pick(READERS);
                    let path = rng.pick(ETC_FILES);
                    let exe = format!("/usr/bin/{reader}");
                    let container = rng.next().is_multiple_of(3);
                    ev.source = SourceKind::Fanotify;
                    ev.evt_type = "open";
                    ev.process = Some(process(&mut rng, reader, &exe, &[path], container, 0));
                    if container {
                        in_container(&mut ev);
                    }
                    let write = rng.next().is_multiple_of(10);
                    ev.file = Some(FileAccess {
                        path: path.into(),
                        is_dir: false,
                        read: !write,
                        write,
                        exec: false,
                    });
                }
                _ => {
                    let action = rng.pick(&["start", "exec_start", "exec_create", "die", "create"]);
                    ev.source = SourceKind::Docker;
                    ev.evt_type = "container";
                    in_container(&mut ev);
                    let exec = action.starts_with("exec_");
                    ev.docker = Some(DockerAction {
                        action: action.into(),
                        attributes: vec![
                            ("image".into(), c.image.clone().unwrap_or_default()),
                            ("name".into(), c.name.clone().unwrap_or_default()),
                        ],
                        exec_id: exec.then(|| format!("{k:064x}")),
                        exec_user: exec.then(|| "root".into()),
                        exec_tty: exec.then_some(rng.next().is_multiple_of(2)),
                        exec_privileged: exec.then_some(rng.next().is_multiple_of(20)),
                        exec_cmdline: exec.then(|| "sh -c id".into()),
                        exec_pid: None,
                    });
                }
            }
            ev
        })
        .collect()
}
