//! `dockguard bench` end to end, against the real Docker engine (`DOCKER_HOST` or
//! /var/run/docker.sock) and a second dockerd started here with a known daemon.json. These
//! tests fail, rather than skip, when no engine answers: CI installs and starts one.
//!
//! The fleet is the issue's acceptance fleet: one container per misconfiguration, a stopped bad
//! one, a privileged one that is only created (privileged containers cannot start on these
//! machines) and two hardened ones. Every verdict of 4.1 and section 5 that the fleet decides
//! is asserted, with the containers each check names.

use assert_cmd::Command;
use dockguard_testsupport::{Containers, IMAGE, SecondDaemon, docker, ensure_image};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command as Process;
use std::sync::{Mutex, MutexGuard};

/// The bench reads the command line of the newest dockerd on the host: a bench of the main
/// engine must not run while the second daemon of [`daemon_checks_follow_daemon_json`] is up.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn dockguard() -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("DOCKER_CONTENT_TRUST")
        .env("HOME", "/nonexistent-home")
        .current_dir(std::env::temp_dir());
    cmd
}

fn engine_must_answer() {
    dockguard_engine::Engine::connect(None)
        .unwrap_or_else(|e| panic!("a Docker engine must answer (CI starts one): {e}"));
}

/// One check's line of the dbs-json log.
#[derive(Debug, Clone)]
struct Line {
    result: String,
    details: Option<String>,
    items: Vec<String>,
}

/// Runs `dockguard bench -f dbs-json ARGS`; returns the exit code, the log and its results by id.
fn bench_json(args: &[&str]) -> (Option<i32>, Value, BTreeMap<String, Line>) {
    let out = dockguard()
        .args(["bench", "--no-config", "-f", "dbs-json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("dbs-json is not JSON ({e}); stderr: {stderr}"));
    let mut lines = BTreeMap::new();
    for section in json["tests"].as_array().expect("tests[]") {
        for r in section["results"].as_array().expect("results[]") {
            let id = r["id"].as_str().unwrap().to_string();
            let line = Line {
                result: r["result"].as_str().unwrap().to_string(),
                details: r["details"].as_str().map(str::to_string),
                items: r["items"]
                    .as_array()
                    .map(|a| a.iter().map(|i| i.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default(),
            };
            assert!(lines.insert(id.clone(), line).is_none(), "{id} twice");
        }
    }
    (out.status.code(), json, lines)
}

/// The ids among `ids` that the registry has (it fills up check by check), comma-joined.
fn registered(ids: &[&str]) -> String {
    ids.iter()
        .copied()
        .filter(|id| {
            dockguard_bench::checks::registry::CHECKS
                .iter()
                .any(|c| c.id == *id || c.id.starts_with(&format!("{id}.")))
        })
        .collect::<Vec<_>>()
        .join(",")
}

// ---------------------------------------------------------------------------------------------
// The fleet

/// Containers of the fleet: short name, `docker` arguments before the image, started or not.
const FLEET: &[(&str, &[&str], Start)] = &[
    ("priv", &["--privileged"], Start::Create),
    ("pidhost", &["--pid=host"], Start::Run),
    ("nethost", &["--net=host"], Start::Run),
    ("rootmnt", &["-v", "/:/host"], Start::Run),
    (
        "sock",
        &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        Start::Run,
    ),
    ("etcro", &["-v", "/etc:/hostetc:ro"], Start::Run),
    ("sysadmin", &["--cap-add", "SYS_ADMIN"], Start::Run),
    (
        "seccomp",
        &["--security-opt", "seccomp=unconfined"],
        Start::Run,
    ),
    (
        "nnpfalse",
        &["--security-opt", "no-new-privileges=false"],
        Start::Run,
    ),
    // A random host port on every interface (5.14).
    (
        "root00",
        &["--user", "0:0", "-p", "0.0.0.0::80"],
        Start::Run,
    ),
    // No limits, no user; a privileged host port on the loopback only (5.8 but not 5.14).
    // (`{port}`: a port below 1024 picked per test process.)
    ("nolimits", &["-p", "127.0.0.1:{port}:80"], Start::Run),
    // Ran `true` and exited: docker-bench-security never sees it.
    (
        "stopped",
        &[
            "--ipc=host",
            "--uts=host",
            "--userns=host",
            "--cap-add",
            "SYS_PTRACE",
            "--restart",
            "on-failure:10",
            "--cgroup-parent",
            "{cgroup}",
            "-v",
            "/var/run:/hostrun",
        ],
        Start::Exit,
    ),
    ("hard1", HARDENED, Start::Run),
    ("hard2", HARDENED, Start::Run),
];

const HARDENED: &[&str] = &[
    "--read-only",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--memory",
    "64m",
    "--pids-limit",
    "64",
    "--user",
    "1000",
    "--label",
    "dgb.tier=hardened",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// `docker create` only.
    Create,
    /// `docker run -d … sleep`.
    Run,
    /// `docker run … true`: exits at once.
    Exit,
}

struct Fleet {
    prefix: String,
    // Dropped in this order: the containers, then the cgroup parent they leave behind.
    _containers: Containers,
    _cgroup: CgroupParent,
}

/// The cgroup parent of the stopped container: `/dgbench` with the cgroupfs driver, a slice
/// with the systemd one (which accepts nothing else). Its empty cgroup folders are removed when
/// dropped.
struct CgroupParent(String);

impl CgroupParent {
    fn for_engine() -> CgroupParent {
        let driver = docker(&["info", "--format", "{{.CgroupDriver}}"]);
        CgroupParent(if driver == "systemd" {
            "dgbench.slice".into()
        } else {
            "/dgbench".into()
        })
    }
}

impl Drop for CgroupParent {
    fn drop(&mut self) {
        if let Some(name) = self.0.strip_prefix('/') {
            let controllers = std::fs::read_dir("/sys/fs/cgroup")
                .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_else(|_| Vec::new());
            for dir in controllers
                .iter()
                .map(|c| c.join(name))
                .chain([Path::new("/sys/fs/cgroup").join(name)])
            {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

impl Fleet {
    fn name(&self, short: &str) -> String {
        format!("{}{short}", self.prefix)
    }

    /// Full names of the short names given.
    fn names(&self, shorts: &[&str]) -> BTreeSet<String> {
        shorts.iter().map(|s| self.name(s)).collect()
    }

    /// Every container but the ones given.
    fn all_but(&self, shorts: &[&str]) -> BTreeSet<String> {
        FLEET
            .iter()
            .map(|(s, _, _)| *s)
            .filter(|s| !shorts.contains(s))
            .map(|s| self.name(s))
            .collect()
    }
}

fn fleet(tag: &str) -> Fleet {
    engine_must_answer();
    ensure_image();
    let prefix = format!("dgb{}{tag}-", std::process::id());
    let names: Vec<String> = FLEET
        .iter()
        .map(|(s, _, _)| format!("{prefix}{s}"))
        .collect();
    for name in &names {
        let _ = Process::new("docker").args(["rm", "-f", name]).output();
    }
    let guard = Containers(names);
    let cgroup = CgroupParent::for_engine();
    // A privileged host port on the loopback, different for each test process and fleet.
    let port = (1000 + (std::process::id() * 2 + u32::from(tag == "c")) % 24).to_string();
    for (short, flags, start) in FLEET {
        let name = format!("{prefix}{short}");
        let mut args: Vec<&str> = match start {
            Start::Create => vec!["create"],
            Start::Run => vec!["run", "-d"],
            Start::Exit => vec!["run"],
        };
        args.extend(["--name", name.as_str()]);
        let flags: Vec<String> = flags
            .iter()
            .map(|f| f.replace("{port}", &port).replace("{cgroup}", &cgroup.0))
            .collect();
        args.extend(flags.iter().map(String::as_str));
        args.push(IMAGE);
        match start {
            Start::Create => args.push("sh"),
            Start::Run => args.extend(["busybox", "sleep", "600"]),
            Start::Exit => args.extend(["busybox", "true"]),
        }
        docker(&args);
    }
    Fleet {
        prefix,
        _containers: guard,
        _cgroup: cgroup,
    }
}

/// What a check must say about the fleet.
enum Expect {
    /// This verdict, naming no container.
    Verdict(&'static str),
    /// This verdict, naming exactly these containers.
    Items(&'static str, BTreeSet<String>),
}

fn expectations(f: &Fleet, info: &Value) -> BTreeMap<&'static str, Expect> {
    use Expect::*;
    let warn = |names: BTreeSet<String>| Items("WARN", names);
    let hardened = ["hard1", "hard2"];
    let security_option = |name: &str| {
        info["SecurityOptions"].as_array().is_some_and(|o| {
            o.iter().any(|o| {
                o.as_str()
                    .is_some_and(|o| o.contains(&format!("name={name}")))
            })
        })
    };
    let mut e = BTreeMap::new();
    // Every container without a user, or with root or 0:0 (docker-bench-security misses `0:0`
    // and stopped containers).
    e.insert("4.1", warn(f.all_but(&hardened)));
    e.insert("4.2", Verdict("NOTE"));
    e.insert("4.3", Verdict("NOTE"));
    e.insert("4.4", Verdict("NOTE"));
    e.insert("4.8", Verdict("NOTE"));
    e.insert("4.10", Verdict("NOTE"));
    e.insert("4.11", Verdict("NOTE"));
    e.insert("4.12", Verdict("NOTE"));
    e.insert("5.1", Verdict("PASS"));
    // Without AppArmor (SELinux) on the host no profile (label) can apply: INFO. With it, the
    // privileged container is the unconfined one.
    if security_option("apparmor") {
        e.insert("5.2", warn(f.names(&["priv"])));
    } else {
        e.insert("5.2", Verdict("INFO"));
    }
    if !security_option("selinux") {
        e.insert("5.3", Verdict("INFO"));
    }
    e.insert("5.4", warn(f.names(&["sysadmin", "stopped"])));
    e.insert("5.5", warn(f.names(&["priv"])));
    // `/` and `/etc` (read-only too); the /var/run mount is the socket's business (5.32).
    e.insert("5.6", warn(f.names(&["rootmnt", "etcro"])));
    e.insert("5.7", Verdict("PASS"));
    e.insert("5.8", warn(f.names(&["nolimits"])));
    e.insert("5.9", warn(f.names(&["nolimits", "root00"])));
    e.insert("5.10", warn(f.names(&["nethost"])));
    e.insert("5.11", warn(f.all_but(&hardened)));
    // Nobody sets a CPU share or limit, the hardened containers neither.
    e.insert("5.12", warn(f.all_but(&[])));
    e.insert("5.13", warn(f.all_but(&hardened)));
    e.insert("5.14", warn(f.names(&["root00"])));
    e.insert("5.15", warn(f.names(&["stopped"])));
    e.insert("5.16", warn(f.names(&["pidhost"])));
    e.insert("5.17", warn(f.names(&["stopped"])));
    e.insert("5.18", Verdict("PASS"));
    // Manual: listed, not scored.
    e.insert("5.19", Items("INFO", f.all_but(&[])));
    e.insert("5.20", Verdict("PASS"));
    e.insert("5.21", warn(f.names(&["stopped"])));
    e.insert("5.22", warn(f.names(&["seccomp"])));
    e.insert("5.23", Verdict("NOTE"));
    e.insert("5.24", Verdict("NOTE"));
    e.insert("5.25", warn(f.names(&["stopped"])));
    // The main engine does not set no-new-privileges; `no-new-privileges=false` is no better
    // than nothing. The privileged container is left to 5.5 (WL203 skips privileged ones).
    e.insert("5.26", warn(f.all_but(&["hard1", "hard2", "priv"])));
    e.insert("5.27", warn(f.all_but(&[])));
    e.insert("5.28", Verdict("INFO"));
    e.insert("5.29", warn(f.all_but(&hardened)));
    // Every container on the default bridge: all but the host-network one.
    e.insert("5.30", Items("INFO", f.all_but(&["nethost"])));
    e.insert("5.31", warn(f.names(&["stopped"])));
    // The socket itself, and /var/run that holds it.
    e.insert("5.32", warn(f.names(&["sock", "stopped"])));
    e
}

#[test]
fn fleet_verdicts_follow_the_settings() {
    let _serial = serial();
    let f = fleet("f");
    let sections = registered(&["4", "5"]);
    assert!(
        !sections.is_empty(),
        "no check of sections 4 and 5 is registered"
    );
    let (code, json, lines) = bench_json(&["-i", &f.prefix, "-c", &sections]);
    if lines.values().any(|l| l.result == "WARN") {
        assert_eq!(code, Some(1), "WARN findings make the exit code 1");
    }
    assert_eq!(json["checks"].as_u64().unwrap() as usize, lines.len());

    let info = dockguard_engine::Engine::connect(None)
        .unwrap()
        .info()
        .unwrap()
        .value;
    let expected = expectations(&f, &info);
    let mut checked = Vec::new();
    for (id, line) in &lines {
        let Some(expect) = expected.get(id.as_str()) else {
            // Checks whose verdict the fleet does not decide (image checks, manual ones).
            continue;
        };
        checked.push(id.as_str());
        match expect {
            Expect::Verdict(verdict) => {
                assert_eq!(line.result, *verdict, "{id}: {line:?}");
                assert!(line.items.is_empty(), "{id} names nothing: {line:?}");
            }
            Expect::Items(verdict, names) => {
                assert_eq!(line.result, *verdict, "{id}: {line:?}");
                let items: BTreeSet<String> = line.items.iter().cloned().collect();
                assert_eq!(&items, names, "{id}: {line:?}");
                assert_eq!(items.len(), line.items.len(), "{id} names each once");
                let details = line.details.as_deref().unwrap_or("");
                for name in names {
                    assert!(details.contains(name.as_str()), "{id}: {details}");
                }
            }
        }
    }
    // `-i` selects images by tag too: no image is named after the fleet's prefix…
    if let Some(line) = lines.get("4.6") {
        assert_eq!(line.result, "PASS", "{line:?}");
        assert!(line.items.is_empty(), "{line:?}");
        checked.push("4.6");
    }
    // …and the fleet's image, selected by its own name, has no HEALTHCHECK.
    let image_name = IMAGE.split(':').next().unwrap_or(IMAGE);
    let (_, _, by_image) = bench_json(&["-i", image_name, "-c", "4.6"]);
    let line = &by_image["4.6"];
    assert_eq!(line.result, "WARN", "{line:?}");
    assert_eq!(line.items, [IMAGE], "{line:?}");
    eprintln!("asserted: {}", checked.join(" "));
    for id in expected.keys() {
        assert!(
            lines.contains_key(*id) || dockguard_bench::checks::registry::by_id(id).is_none(),
            "{id} is registered but missing from the log"
        );
    }

    // Every check of sections 4 and 5 is in the log, in catalogue order, with its title.
    let catalogue: Vec<&str> = dockguard_bench::checks::registry::CHECKS
        .iter()
        .map(|c| c.id)
        .filter(|id| id.starts_with("4.") || id.starts_with("5."))
        .collect();
    let logged: Vec<&str> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["results"].as_array().unwrap())
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(logged, catalogue);
    for section in json["tests"].as_array().unwrap() {
        match section["id"].as_str().unwrap() {
            "4" => assert_eq!(section["desc"], "Container Images and Build File"),
            "5" => assert_eq!(section["desc"], "Container Runtime"),
            other => panic!("section {other} was not asked for"),
        }
    }

    // --running-only: the created and the stopped container are left out.
    let running = match registered(&["4.1", "5.5", "5.15"]) {
        ids if ids.is_empty() => BTreeMap::new(),
        ids => bench_json(&["-i", &f.prefix, "-c", &ids, "--running-only"]).2,
    };
    if let Some(line) = running.get("5.5") {
        assert_eq!(line.result, "PASS", "{line:?}");
    }
    if let Some(line) = running.get("5.15") {
        assert_eq!(line.result, "PASS", "{line:?}");
    }
    if let Some(line) = running.get("4.1") {
        let items: BTreeSet<String> = line.items.iter().cloned().collect();
        assert_eq!(items, f.all_but(&["hard1", "hard2", "priv", "stopped"]));
    }

    // Container filters: exclude by name, labels.
    let excluded = match registered(&["5.5"]) {
        ids if ids.is_empty() => BTreeMap::new(),
        ids => bench_json(&["-i", &f.prefix, "-x", "priv", "-c", &ids]).2,
    };
    if let Some(line) = excluded.get("5.5") {
        assert_eq!(line.result, "PASS", "{line:?}");
    }
    let labelled = match registered(&["4.1", "5.11", "5.13", "5.29"]) {
        ids if ids.is_empty() => BTreeMap::new(),
        ids => bench_json(&["-i", &f.prefix, "-t", "dgb.tier=hardened", "-c", &ids]).2,
    };
    for (id, line) in &labelled {
        assert_eq!(line.result, "PASS", "{id}: {line:?}");
    }
}

#[test]
fn console_view_and_the_other_formats() {
    let _serial = serial();
    let f = fleet("c");
    let ids = registered(&["4.1", "5.1", "5.5"]);
    assert!(!ids.is_empty(), "4.1 is registered");
    let selection = ["-i", f.prefix.as_str(), "-c", ids.as_str()];
    let present: Vec<&str> = ids.split(',').collect();

    let out = dockguard()
        .args(["bench", "--no-config", "-p"])
        .args(selection)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour off a terminal:\n{text}");
    assert!(text.contains("\nSection A - Check results\n"), "{text}");
    assert!(text.contains("\nSection C - Score\n"), "{text}");
    assert!(
        text.contains(&format!("\n[INFO] Checks: {}\n", present.len())),
        "{text}"
    );
    if present.contains(&"5.5") {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text.contains("\n[INFO] 4 - Container Images and Build File\n"),
            "{text}"
        );
        assert!(text.contains("\n[INFO] 5 - Container Runtime\n"), "{text}");
        assert!(
            text.contains(
                "\n[WARN] 5.5 - Ensure that privileged containers are not used (Automated)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(&format!(": {}\n", f.name("priv"))) && text.contains("[WARN]      * "),
            "{text}"
        );
        assert!(
            text.contains("\nSection B - Remediation measures\n"),
            "{text}"
        );
        assert!(text.contains("\n[INFO] 5.5 - "), "{text}");
    }
    if present.contains(&"5.1") {
        assert!(
            text.contains(
                "\n[PASS] 5.1 - Ensure swarm mode is not Enabled, if not needed (Automated)\n"
            ),
            "{text}"
        );
    }

    // Colour on demand is not possible off a terminal; --no-color is accepted.
    dockguard()
        .args(["bench", "--no-config", "--no-color", "--concise"])
        .args(selection)
        .assert()
        .stdout(predicates::str::contains("Section C - Score"));

    // JSON and SARIF carry the findings of the failed checks, in the container's inspect text.
    if present.contains(&"5.5") {
        let out = dockguard()
            .args(["bench", "--no-config", "-f", "json"])
            .args(selection)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let privileged = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "WL100")
            .expect("WL100 for the privileged container");
        assert_eq!(
            privileged["location"]["file"],
            format!("docker://{}", f.name("priv"))
        );

        let out = dockguard()
            .args(["bench", "--no-config", "-f", "sarif"])
            .args(selection)
            .output()
            .unwrap();
        let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
        let run = &sarif["runs"][0];
        let rules: BTreeSet<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains("WL100") && rules.contains("HB505"),
            "{rules:?}"
        );
        assert!(
            run["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["ruleId"] == "WL100"),
            "{run}"
        );

        // --fail-on above every finding: exit 0.
        dockguard()
            .args([
                "bench",
                "--no-config",
                "-f",
                "junit",
                "--fail-on",
                "critical",
            ])
            .args(["-i", &f.prefix, "-c", "5.1"])
            .assert()
            .code(0);
        // -e takes checks out again; dbs names work.
        let (_, _, lines) = bench_json(&[
            "-i",
            &f.prefix,
            "-c",
            "container_runtime",
            "-e",
            "check_5_5,5.1",
        ]);
        assert!(!lines.contains_key("5.5") && !lines.contains_key("5.1"));
        assert!(lines.keys().all(|id| id.starts_with("5.")), "{lines:?}");
    }

    // dbs-json with -p: remediation on the checks that did not pass, nowhere else.
    let (_, json, _) = bench_json(&["-p", "-i", &f.prefix, "-c", &ids]);
    for section in json["tests"].as_array().unwrap() {
        for r in section["results"].as_array().unwrap() {
            assert_eq!(r.get("remediation").is_some(), r["result"] != "PASS", "{r}");
        }
    }
}

#[test]
fn usage_and_engine_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let out = dockguard()
        .args([
            "bench",
            "--no-config",
            "--host",
            &format!("unix://{}", socket.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("dockguard: error: cannot connect to the Docker engine at "));
    assert!(out.stdout.is_empty());

    let out = dockguard()
        .args(["bench", "--no-config", "-c", "9.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("--check `9.9`: no such check or section"),
        "{stderr}"
    );

    let out = dockguard()
        .args(["bench", "--no-config", "--root", "/nonexistent-root"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // dbs-json is the bench's own format.
    let out = dockguard()
        .args(["lint", "--no-config", "-f", "dbs-json", "-"])
        .write_stdin("FROM scratch\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only available for `dockguard bench`"));
}

// ---------------------------------------------------------------------------------------------
// A second daemon with a known configuration

const DAEMON_JSON: &str = r#"{
  "icc": false,
  "live-restore": true,
  "userland-proxy": false,
  "no-new-privileges": true,
  "log-level": "info",
  "log-driver": "syslog",
  "log-opts": {"syslog-address": "udp://127.0.0.1:514"},
  "insecure-registries": ["registry.dgbench.invalid:5000"],
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},
  "cgroup-parent": "/dgbench-daemon"
}
"#;

#[test]
fn daemon_checks_follow_daemon_json() {
    let _serial = serial();
    engine_must_answer();
    let daemon = SecondDaemon::start(DAEMON_JSON);
    let (_, json, lines) = bench_json(&["--host", &daemon.host(), "-c", "2"]);
    let sections: Vec<&str> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    if !lines.is_empty() {
        assert_eq!(sections, ["2"]);
        assert_eq!(json["tests"][0]["desc"], "Docker daemon configuration");
    }
    let expected: &[(&str, &str)] = &[
        ("2.1", "INFO"),  // a rootful daemon (unscored)
        ("2.2", "PASS"),  // "icc": false
        ("2.3", "PASS"),  // "log-level": "info"
        ("2.4", "PASS"),  // iptables left on
        ("2.5", "WARN"),  // an insecure registry besides the default 127.0.0.0/8
        ("2.6", "PASS"),  // overlay2
        ("2.7", "INFO"),  // no TCP socket
        ("2.8", "PASS"),  // default-ulimits
        ("2.9", "WARN"),  // no userns-remap
        ("2.10", "WARN"), // "cgroup-parent" (docker-bench-security never sees it)
        ("2.11", "PASS"), // no dm.basesize
        ("2.12", "WARN"), // no authorization plugin
        ("2.13", "PASS"), // "log-driver": "syslog" to a remote address
        ("2.14", "PASS"), // "no-new-privileges": true
        ("2.15", "PASS"), // "live-restore": true
        ("2.16", "PASS"), // "userland-proxy": false
        ("2.17", "PASS"), // the engine's default seccomp profile
        ("2.18", "INFO"), // experimental off, on an engine after 19.03
    ];
    let mut asserted = Vec::new();
    for (id, verdict) in expected {
        if let Some(line) = lines.get(*id) {
            assert_eq!(line.result, *verdict, "{id}: {line:?}\n{}", daemon.log());
            asserted.push(*id);
        }
    }
    eprintln!("asserted: {}", asserted.join(" "));
    // 2.5 names the registry.
    if let Some(line) = lines.get("2.5") {
        assert!(
            line.details
                .as_deref()
                .is_some_and(|d| d.contains("registry.dgbench.invalid:5000"))
                || line
                    .items
                    .iter()
                    .any(|i| i.contains("registry.dgbench.invalid")),
            "{line:?}"
        );
        assert!(
            !line.items.iter().any(|i| i.contains("127.0.0.0/8")),
            "the default CIDR is not insecure: {line:?}"
        );
    }
}
