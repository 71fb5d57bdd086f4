//! `dockguard watch` end to end, as root on the real engine and kernel: the default rules fire
//! on real activity (containers started, docker exec, shells with a terminal, dropped
//! binaries, package managers, namespace tools in containers, sensitive files read on the
//! host, reverse shells, miners, writes below a container's /etc), a user rules file overrides
//! a list and adds a rule, repeats are deduplicated, alerts reach stdout, a file, syslog and a
//! webhook in Falco's JSON shape, and counters come on SIGUSR1 and at exit.

use dockguard_testsupport::{IMAGE, docker, ensure_image};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Watch {
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Watch {
    fn start(args: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockguard"))
            .arg("watch")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&stderr);
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let w = Watch { child, stderr };
        w.wait_for_stderr("dockguard: watching", 30);
        w
    }

    fn wait_for_stderr(&self, needle: &str, secs: u64) -> String {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(l) = self
                .stderr
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(needle))
            {
                return l.clone();
            }
            assert!(
                Instant::now() < until,
                "no `{needle}` on stderr: {:?}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// SIGTERM, then the alerts on stdout (JSON lines) and the whole stderr.
    fn stop(mut self) -> (Vec<serde_json::Value>, String) {
        self.signal("TERM");
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let stderr = self.stderr.lock().unwrap().join("\n");
        assert!(status.success(), "{status:?}: {stderr}");
        let alerts = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        (alerts, stderr)
    }
}

/// A program named `name` (a script: the kernel names the process after it) that lives a
/// second, so that /proc can be read when its exec is reported (a process gone before that is
/// reported with what little was read, as with Falco's /proc-based enrichment).
fn named(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("#!/bin/busybox sh\n{body}\n/bin/busybox sleep 1\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn run(program: &str, args: &[&str]) {
    let _ = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
}

/// Accepts POSTs, answers 200, keeps the bodies.
fn webhook() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            if reader.read_exact(&mut body).is_ok() {
                kept.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = reader
                .into_inner()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (url, bodies)
}

const USER_RULES: &str = r#"
# `cat` may read credentials here: the default rule must not fire for it.
- list: trusted_sensitive_file_readers
  items: [cat]
  override:
    items: append

- rule: Marker program
  desc: the test's own rule
  condition: spawned_process and proc.name = dg-marker
  output: marker ran (command=%proc.cmdline)
  priority: INFO
  tags: [test]
"#;

/// Time from `start` to an alert's RFC 3339 `time` (same day, UTC).
fn latency_since(start: std::time::SystemTime, time: &str) -> Duration {
    let start_ns = start
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let day_ns = 86_400u128 * 1_000_000_000;
    // `…THH:MM:SS.nnnnnnnnnZ`
    let clock = &time[11..time.len() - 1];
    let (hms, nanos) = clock.split_once('.').unwrap();
    let mut parts = hms.split(':').map(|p| p.parse::<u128>().unwrap());
    let (h, m, sec) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let alert_in_day = ((h * 60 + m) * 60 + sec) * 1_000_000_000 + nanos.parse::<u128>().unwrap();
    let start_in_day = start_ns % day_ns;
    Duration::from_nanos(alert_in_day.saturating_sub(start_in_day) as u64)
}

fn rules_of(alerts: &[serde_json::Value]) -> Vec<String> {
    alerts
        .iter()
        .map(|a| a["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn default_and_user_rules_fire_on_real_activity() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("mine.yaml");
    std::fs::write(&rules, USER_RULES).unwrap();
    let file = dir.path().join("alerts.jsonl");
    let syslog_path = dir.path().join("log");
    let syslog = UnixDatagram::bind(&syslog_path).unwrap();
    syslog
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    // Read as they come (an unread datagram queue fills up after a few messages).
    let syslog_messages = Arc::new(Mutex::new(Vec::new()));
    let received = Arc::clone(&syslog_messages);
    let syslog_reader = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut idle = 0;
        while idle < 40 {
            match syslog.recv(&mut buf) {
                Ok(n) => {
                    idle = 0;
                    received
                        .lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                }
                Err(_) => idle += 1,
            }
        }
    });
    let (url, bodies) = webhook();
    let name = format!("dg-watch-{}", std::process::id());
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();

    let watch = Watch::start(&[
        "-f",
        "json",
        "--duration",
        "300s",
        "--rules",
        rules.to_str().unwrap(),
        "--output-file",
        file.to_str().unwrap(),
        "--syslog",
        syslog_path.to_str().unwrap(),
        "--webhook",
        &url,
    ]);

    // Docker events: a container with the engine's socket mounted.
    docker(&[
        "run",
        "--rm",
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock",
        IMAGE,
        "/bin/busybox",
        "true",
    ]);
    // Added capabilities and a sensitive host mount.
    docker(&[
        "run",
        "--rm",
        "--cap-add",
        "SYS_PTRACE",
        "-v",
        "/etc:/host-etc:ro",
        IMAGE,
        "/bin/busybox",
        "true",
    ]);
    // Inside a running container, which has an /etc/shadow of its own.
    let shadow = dir.path().join("shadow");
    std::fs::write(&shadow, "root:*:19000:0:99999:7:::\n").unwrap();
    let shadow_mount = format!("{}:/etc/shadow:ro", shadow.display());
    docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "-v",
        &shadow_mount,
        IMAGE,
        "/bin/busybox",
        "sleep",
        "120",
    ]);
    // Give the file source a moment to mark the new container's root.
    std::thread::sleep(Duration::from_millis(500));
    // `cat` exits at once, often before /proc can be read: the file's mark tells the
    // container.
    docker(&["exec", &name, "/bin/busybox", "cat", "/etc/shadow"]);
    docker(&["exec", &name, "/bin/busybox", "true"]);
    docker(&[
        "exec",
        "-t",
        &name,
        "sh",
        "-c",
        "/bin/busybox sleep 1; true",
    ]);
    let shell_exec_started = std::time::SystemTime::now();
    docker(&["exec", &name, "sh", "-c", "echo dg-latency-probe"]);
    let _ = Command::new("docker")
        .args(["exec", &name, "sh", "-c"])
        .arg(
            "/bin/busybox mkdir -p /tmp && \
             printf '#!/bin/sh\\n/bin/busybox sleep 1\\n' > /tmp/apt-get && /bin/busybox chmod +x /tmp/apt-get && /tmp/apt-get; \
             /bin/busybox cp /bin/busybox /tmp/busybox && /tmp/busybox sleep 1; \
             printf '#!/bin/sh\\n/bin/busybox sleep 1\\n' > /tmp/nsenter && /bin/busybox chmod +x /tmp/nsenter && /tmp/nsenter; \
             echo x > /etc/dg-watch-written",
        )
        .output()
        .unwrap();
    // On the host.
    run(
        &named(dir.path(), "dg-reader", "read -r line < /etc/shadow"),
        &[],
    );
    // The shell named `cat` opens the file itself.
    run(&named(dir.path(), "cat", "read -r line < /etc/shadow"), &[]);
    run(
        &named(dir.path(), "nc", ""),
        &["-e", "/bin/true", "127.0.0.1", "9"],
    );
    let miner = named(dir.path(), "xmrig", "");
    for _ in 0..3 {
        run(&miner, &["--version"]);
    }
    run(&named(dir.path(), "dg-marker", ""), &[]);
    // Fileless: busybox copied into a memfd and executed from it (fexecve), as `sleep 1`.
    run(
        "python3",
        &[
            "-c",
            "import os; fd = os.memfd_create('dg-fileless'); \
             os.write(fd, open('/bin/busybox', 'rb').read()); \
             os.execve(fd, ['sleep', '1'], {})",
        ],
    );

    std::thread::sleep(Duration::from_secs(3));
    watch.signal("USR1");
    let counters = watch.wait_for_stderr("dockguard: events:", 15);
    assert!(
        counters.contains("proc ") && counters.contains("docker "),
        "{counters}"
    );
    let (alerts, stderr) = watch.stop();
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();

    let fired = rules_of(&alerts);
    for expected in [
        "Container with the Docker socket mounted started",
        "Container with dangerous capabilities started",
        "Container with a sensitive mount started",
        "Docker exec into container",
        "Terminal shell in container",
        "Package management process launched in container",
        "Drop and execute new binary in container",
        "Namespace or mount tool in container",
        "Write below etc",
        "Read sensitive file untrusted",
        "Netcat or socat reverse shell",
        "Crypto miner launched",
        "Marker program",
        "Fileless execution via memfd",
    ] {
        assert!(
            fired.iter().any(|r| r == expected),
            "`{expected}` did not fire; fired: {fired:?}\n{stderr}"
        );
    }

    // Falco's JSON shape, with the event's details.
    let by_rule = |rule: &str| -> Vec<&serde_json::Value> {
        alerts.iter().filter(|a| a["rule"] == rule).collect()
    };
    let socket = by_rule("Container with the Docker socket mounted started")[0];
    assert_eq!(socket["priority"], "Critical");
    assert_eq!(socket["source"], "docker");
    assert_eq!(
        socket["output_fields"]["container.image.repository"],
        "dg-busybox"
    );
    for key in ["time", "output", "tags", "hostname"] {
        assert!(socket.get(key).is_some(), "{key}: {socket}");
    }
    let pkg = by_rule("Package management process launched in container")[0];
    assert_eq!(pkg["output_fields"]["container.name"], name.as_str());
    let etc = by_rule("Write below etc");
    assert!(
        etc.iter()
            .any(|a| a["output_fields"]["fd.name"] == "/etc/dg-watch-written"),
        "{etc:?}"
    );
    // /etc/shadow read inside the container.
    assert!(
        by_rule("Read sensitive file untrusted")
            .iter()
            .any(|a| a["output_fields"]["container.name"] == name.as_str()
                && a["output_fields"]["fd.name"] == "/etc/shadow"),
        "{:?}",
        by_rule("Read sensitive file untrusted")
    );
    let caps = by_rule("Container with dangerous capabilities started")[0];
    assert!(
        caps["output"].as_str().unwrap().contains("CAP_SYS_PTRACE"),
        "{caps}"
    );
    // A `docker exec` of a shell: the alert names the container and the command, and its
    // event arrived soon after the exec was started (measured; the bound is only a sanity
    // check, the figure is in the closing notes).
    let probe = by_rule("Docker exec into container")
        .into_iter()
        .find(|a| a["output"].as_str().unwrap().contains("dg-latency-probe"))
        .expect("the probe's docker exec alert");
    assert!(probe["output"].as_str().unwrap().contains(&name), "{probe}");
    let alert_time = probe["time"].as_str().unwrap();
    let latency = latency_since(shell_exec_started, alert_time);
    eprintln!("docker exec → alert event: {latency:?}");
    assert!(latency < Duration::from_secs(5), "{latency:?}");

    // The override: `cat` is trusted, `dg-reader` is not.
    let reads = by_rule("Read sensitive file untrusted");
    assert!(
        reads
            .iter()
            .all(|a| a["output_fields"]["proc.name"] != "cat"),
        "{reads:?}"
    );
    assert!(
        reads
            .iter()
            .any(|a| a["output_fields"]["proc.name"] == "dg-reader")
    );
    // Three miner runs: one alert, then one summary of the two repeats at exit.
    let miners = by_rule("Crypto miner launched");
    assert_eq!(miners.len(), 2, "{miners:?}");
    assert_eq!(miners[1]["output_fields"]["dockguard.repeats"], 2);

    // Every sink got every alert.
    let in_file = std::fs::read_to_string(&file).unwrap();
    assert_eq!(in_file.lines().count(), alerts.len());
    syslog_reader.join().unwrap();
    let syslog_messages = syslog_messages.lock().unwrap().clone();
    for m in &syslog_messages {
        assert!(m.starts_with('<') && m.contains(">dockguard["), "{m}");
    }
    assert_eq!(syslog_messages.len(), alerts.len());
    let posted = bodies.lock().unwrap().clone();
    assert_eq!(posted.len(), alerts.len());
    let first: serde_json::Value = serde_json::from_str(&posted[0]).unwrap();
    assert_eq!(first["rule"], alerts[0]["rule"]);

    // Counters at exit.
    let last = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("dockguard: events:"))
        .unwrap();
    assert!(
        last.contains(&format!("sent {}", alerts.len())) && last.contains("deduplicated 2"),
        "{last}"
    );
}

#[test]
fn rules_errors_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "- rule: Broken\n  desc: d\n  condition: proc.name = sh and (\n  output: o\n  priority: INFO\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dockguard"))
        .args(["watch", "--rules"])
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:3:", bad.display())), "{err}");

    // A rule on a field we do not provide is skipped with one warning.
    let unknown = dir.path().join("unknown.yaml");
    std::fs::write(
        &unknown,
        "- rule: K8s only\n  desc: d\n  condition: k8s.ns.name = default\n  output: o\n  priority: INFO\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dockguard"))
        .args(["watch", "--check", "--rules"])
        .arg(&unknown)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("K8s only") && err.contains("k8s.ns.name"),
        "{err}"
    );
    assert!(text.starts_with("18 rules enabled"), "{text}");
    assert!(
        text.contains("Critical      docker  Container with the Docker socket mounted started")
    );

    let none = Command::new(env!("CARGO_BIN_EXE_dockguard"))
        .args(["watch", "--no-default-rules"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn a_hardened_container_doing_benign_work_for_60_s_raises_no_alert() {
    ensure_image();
    let name = format!("dg-watch-quiet-{}", std::process::id());
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();
    let watch = Watch::start(&["-f", "json", "--duration", "300s"]);
    let out = Command::new("docker")
        .args([
            "run",
            "--rm",
            "--name",
            &name,
            "--read-only",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--user",
            "65534:65534",
            "--pids-limit",
            "64",
            "--memory",
            "64m",
            IMAGE,
            "sh",
            "-c",
            "i=0; while [ $i -lt 60 ]; do /bin/busybox ls / >/dev/null; \
             /bin/busybox cat /proc/self/status >/dev/null; /bin/busybox sleep 1; i=$((i+1)); done",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(Duration::from_secs(1));
    let (alerts, stderr) = watch.stop();
    // Other tests run at the same time and make noise of their own: only this container's
    // alerts count.
    let ours: Vec<&serde_json::Value> = alerts
        .iter()
        .filter(|a| {
            a["output_fields"]["container.name"] == name.as_str()
                || a["output"].as_str().unwrap_or("").contains(&name)
        })
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
    // It was watched: ~60 × 3 execs at least.
    let last = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("dockguard: events:"))
        .unwrap();
    let proc_events: u64 = last
        .split("proc ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(proc_events >= 180, "{last}");
}
