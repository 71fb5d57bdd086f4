//! Issue 8 item 3 on the real engine: a container created with `--security-opt
//! seccomp=<weak profile>` (the engine keeps the profile's JSON inline) gets the SC1xx findings
//! of that profile from `dockguard containers` and in CIS 5.22 of `dockguard bench`. Fails,
//! rather than skips, when no engine answers: CI starts one.

use assert_cmd::Command;
use dockguard_testsupport::{Containers, IMAGE, docker, ensure_image};
use serde_json::Value;

/// Allow-by-default with `ptrace` allowed: SC100 and SC101.
const WEAK: &str = r#"{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"],
  "syscalls": [
    { "names": ["ptrace"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["kexec_load"], "action": "SCMP_ACT_ERRNO" }
  ]
}
"#;

fn dockguard() -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "/nonexistent-home")
        .current_dir(std::env::temp_dir());
    cmd
}

#[test]
fn inline_profile_of_a_created_container_is_linted_by_containers_and_bench() {
    dockguard_engine::Engine::connect(None)
        .unwrap_or_else(|e| panic!("a Docker engine must answer (CI starts one): {e}"));
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let weak_file = dir.path().join("weak.json");
    std::fs::write(&weak_file, WEAK).unwrap();
    let default_file = dir.path().join("default.json");
    std::fs::write(&default_file, dockguard_seccomp::DOCKER_DEFAULT).unwrap();

    let pid = std::process::id();
    let weak = format!("dg-scopt-weak-{pid}");
    let default = format!("dg-scopt-default-{pid}");
    let _guard = Containers(vec![weak.clone(), default.clone()]);
    for (name, file) in [(&weak, &weak_file), (&default, &default_file)] {
        let _ = std::process::Command::new("docker")
            .args(["rm", "-f", name])
            .output();
        let opt = format!("seccomp={}", file.display());
        docker(&[
            "create",
            "--name",
            name,
            "--security-opt",
            &opt,
            IMAGE,
            "sh",
        ]);
    }

    // `dockguard containers`: SC findings at the container's `seccomp=` option.
    let out = dockguard()
        .args(["containers", "--all", "--no-config", "-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let sc_of = |name: &str| -> Vec<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["location"]["file"] == format!("docker://{name}").as_str())
            .filter(|f| f["code"].as_str().unwrap().starts_with("SC1"))
            .cloned()
            .collect()
    };
    let found = sc_of(&weak);
    let codes: Vec<&str> = found.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"SC100"), "{found:?}");
    assert!(codes.contains(&"SC101"), "{found:?}");
    let sc101 = found.iter().find(|f| f["code"] == "SC101").unwrap();
    let message = sc101["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("container `{weak}`'s seccomp profile: `ptrace`")),
        "{message}"
    );
    // Docker's default profile: informational notes at most.
    let default_found = sc_of(&default);
    assert!(
        default_found.iter().all(|f| f["severity"] == "info"),
        "{default_found:?}"
    );

    // `dockguard bench`: 5.22 WARN, the SC code and message in the details.
    let out = dockguard()
        .args(["bench", "--no-config", "-f", "dbs-json", "-c", "5.22", "-i"])
        .arg(format!("dg-scopt-weak-{pid}"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let log: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let result = log["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["results"].as_array().unwrap())
        .find(|r| r["id"] == "5.22")
        .unwrap_or_else(|| panic!("no 5.22: {log}"));
    assert_eq!(result["result"], "WARN", "{result}");
    let details = result["details"].as_str().unwrap();
    assert!(details.contains("SC100 "), "{details}");
    assert!(details.contains("SC101 "), "{details}");
    assert!(details.contains(&weak), "{details}");
    assert_eq!(result["items"], serde_json::json!([weak]), "{result}");

    // The default-profile container alone: 5.22 passes as before.
    let out = dockguard()
        .args(["bench", "--no-config", "-f", "dbs-json", "-c", "5.22", "-i"])
        .arg(&default)
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = log["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["results"].as_array().unwrap())
        .find(|r| r["id"] == "5.22")
        .unwrap();
    assert_eq!(result["result"], "PASS", "{result}");
}
