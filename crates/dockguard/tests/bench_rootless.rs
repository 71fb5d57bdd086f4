//! The bench against a real rootless dockerd (RootlessKit, as the `dgrootless` user that
//! `.ci/run` creates): it must say the daemon is rootless (2.1, step 8), follow the rootless
//! paths (the socket under `$XDG_RUNTIME_DIR`, daemon.json under `~/.config/docker`), and mark
//! the checks that do not apply instead of failing them. Fails, rather than skips, when the
//! rootless daemon cannot start.

use assert_cmd::Command;
use dockguard_testsupport::wait_for_engine;
use serde_json::Value;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "dgrootless";

/// A rootless dockerd started with Docker's own `dockerd-rootless.sh`, on the host network
/// (no slirp4netns here) with no bridge; stopped when dropped.
struct RootlessDaemon {
    child: Child,
    runtime: tempfile::TempDir,
}

impl RootlessDaemon {
    fn start() -> RootlessDaemon {
        let home = passwd_home(USER).unwrap_or_else(|| {
            panic!("user {USER} is needed (.ci/run creates it with subordinate ids)")
        });
        let runtime = tempfile::Builder::new().prefix("dgrl").tempdir().unwrap();
        let chown = Process::new("chown")
            .args([USER, &runtime.path().display().to_string()])
            .status()
            .unwrap();
        assert!(chown.success(), "chown of the runtime folder (needs root)");
        let script = "/usr/share/docker.io/contrib/dockerd-rootless.sh";
        assert!(
            std::path::Path::new(script).exists(),
            "{script} (Debian docker.io) is needed"
        );
        let log = std::fs::File::create(runtime.path().join("log")).unwrap();
        let command = format!(
            "env XDG_RUNTIME_DIR='{}' HOME='{home}' PATH=/usr/sbin:/usr/bin:/sbin:/bin \
             DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none \
             DOCKERD_ROOTLESS_ROOTLESSKIT_MTU=65520 \
             sh {script} --bridge=none --iptables=false",
            runtime.path().display()
        );
        let child = Process::new("su")
            .args([USER, "-s", "/bin/sh", "-c", &command])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("su");
        let mut daemon = RootlessDaemon { child, runtime };
        let (host, log) = (daemon.host(), daemon.runtime.path().join("log"));
        wait_for_engine(&host, &mut daemon.child, "the rootless dockerd", &log);
        daemon
    }

    fn socket(&self) -> std::path::PathBuf {
        self.runtime.path().join("docker.sock")
    }

    fn host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }
}

impl Drop for RootlessDaemon {
    fn drop(&mut self) {
        let _ = Process::new("pkill").args(["-TERM", "-u", USER]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Process::new("pkill").args(["-KILL", "-u", USER]).status();
        let _ = self.child.wait();
    }
}

fn passwd_home(user: &str) -> Option<String> {
    std::fs::read_to_string("/etc/passwd")
        .ok()?
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&user))
        .and_then(|f| f.get(5).map(|h| h.to_string()))
}

fn results(log: &Value) -> Vec<(String, String, String)> {
    log["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["results"].as_array().unwrap())
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["result"].as_str().unwrap().to_string(),
                r["details"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_rootless_daemon_is_recognised_and_its_paths_followed() {
    let daemon = RootlessDaemon::start();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("HOME", "/nonexistent-home")
        .current_dir(std::env::temp_dir())
        .args([
            "bench",
            "--no-config",
            "--host",
            &daemon.host(),
            "-c",
            "1,2,3",
            "-f",
            "dbs-json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = results(&log);
    let get = |id: &str| {
        all.iter()
            .find(|(i, _, _)| i == id)
            .unwrap_or_else(|| panic!("no {id}: {all:?}"))
    };
    // Step 8: the daemon is rootless, and user namespaces are in use by construction.
    assert_eq!(get("2.1").1, "PASS", "{:?}", get("2.1"));
    assert_eq!(get("2.9").1, "PASS", "{:?}", get("2.9"));
    // Checks about the system daemon's files and firewall do not apply: INFO, never WARN.
    for id in [
        "1.1.2", "1.1.6", "1.1.7", "2.4", "3.1", "3.5", "3.15", "3.17",
    ] {
        assert_eq!(get(id).1, "INFO", "{:?}", get(id));
    }
    // The rootless paths are followed: its daemon.json and its own socket.
    assert!(
        get("1.1.11").2.contains(".config/docker/daemon.json"),
        "{:?}",
        get("1.1.11")
    );
    let socket = daemon.socket().display().to_string();
    let perms = get("3.16");
    assert_eq!(perms.1, "PASS", "{perms:?} (socket {socket})");
    // No WARN at all in sections 1-3 may come from a system path the rootless daemon does
    // not use.
    for (id, verdict, details) in &all {
        if verdict == "WARN" {
            assert!(
                !details.contains("/var/run/docker.sock") && !details.contains("/etc/docker"),
                "{id}: {details}"
            );
        }
    }
}
