//! The bench and `dockguard containers` against a real dockerd started here with
//! `userns-remap`: the daemon-level verdict (2.9), the container that opts out of the remapping
//! (5.31 / WL210), and the message that says what that undoes. Fails, rather than skips, when
//! dockerd or unshare cannot run: CI installs them.

use assert_cmd::Command;
use dockguard_testsupport::{IMAGE, SecondDaemon, docker_on, ensure_image_on};
use serde_json::Value;

fn dockguard() -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "/nonexistent-home")
        .current_dir(std::env::temp_dir());
    cmd
}

fn json_of(args: &[&str]) -> Value {
    let out = dockguard().args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn result<'a>(log: &'a Value, id: &str) -> &'a Value {
    log["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["results"].as_array().unwrap())
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}: {log}"))
}

#[test]
fn userns_remap_daemon_and_a_container_that_opts_out() {
    let daemon = SecondDaemon::start(r#"{"userns-remap": "default"}"#);
    let host = daemon.host();
    let info: Value = serde_json::from_str(&docker_on(&host, &["info", "--format", "{{json .}}"]))
        .expect("docker info JSON");
    assert!(
        info["SecurityOptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o.as_str().is_some_and(|o| o.contains("name=userns"))),
        "the daemon did not remap: {info}"
    );
    ensure_image_on(&host);
    docker_on(&host, &["create", "--name", "remapped", IMAGE, "sh"]);
    docker_on(
        &host,
        &[
            "create", "--name", "hostns", "--userns", "host", IMAGE, "sh",
        ],
    );

    let log = json_of(&[
        "bench",
        "--no-config",
        "--host",
        &host,
        "-c",
        "2.9,5.31",
        "-f",
        "dbs-json",
    ]);
    assert_eq!(result(&log, "2.9")["result"], "PASS", "{log}");
    let opt_out = result(&log, "5.31");
    assert_eq!(opt_out["result"], "WARN", "{log}");
    assert_eq!(opt_out["items"], serde_json::json!(["hostns"]), "{log}");

    let report = json_of(&[
        "containers",
        "--no-config",
        "--host",
        &host,
        "--all",
        "-f",
        "json",
    ]);
    let wl210: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "WL210")
        .collect();
    assert_eq!(wl210.len(), 1, "{report}");
    assert_eq!(wl210[0]["location"]["file"], "docker://hostns");
    let message = wl210[0]["message"].as_str().unwrap();
    assert!(message.contains("remap"), "{message}");
}
