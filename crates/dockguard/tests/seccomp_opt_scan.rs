//! Issue 8 item 3: `dockguard scan` and `lint` lint the seccomp profile files that workloads
//! name (`security_opt: [seccomp=./p.json]`, `docker run --security-opt seccomp=p.json`),
//! once per profile even when the project walk finds the same file, and a named profile that
//! is missing is an input error at the workload's option.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// Allow-by-default with `ptrace` allowed.
const WEAK: &str = r#"{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    { "names": ["ptrace"], "action": "SCMP_ACT_ALLOW" }
  ]
}
"#;

const COMPOSE: &str = "\
services:
  web:
    image: nginx:1.27.0
    security_opt:
      - seccomp=./profiles/weak.json
";

fn dockguard(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "/nonexistent-home");
    cmd
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn sc_findings(doc: &Value) -> Vec<Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC1"))
        .cloned()
        .collect()
}

#[test]
fn scan_lints_a_profile_named_by_compose_once() {
    let project = tempfile::tempdir().unwrap();
    write(
        project.path(),
        &[
            ("compose.yaml", COMPOSE),
            ("profiles/weak.json", WEAK),
            (
                "run.sh",
                "#!/bin/sh\ndocker run --security-opt seccomp=profiles/weak.json nginx:1.27.0\n",
            ),
        ],
    );
    let empty_db = tempfile::tempdir().unwrap();
    let out = dockguard(project.path())
        .args(["scan", "-f", "json", "--db-dir"])
        .arg(empty_db.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sc = sc_findings(&doc);
    // The walk finds profiles/weak.json too: each finding once.
    let sc100: Vec<&Value> = sc.iter().filter(|f| f["code"] == "SC100").collect();
    assert_eq!(sc100.len(), 1, "{sc:?}");
    assert_eq!(sc100[0]["location"]["file"], "profiles/weak.json");
    assert_eq!(sc100[0]["location"]["line"], 2);
    let message = sc100[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with(
            "(profile used by compose.yaml:5:9, service `web`; run.sh:2:27, `docker run` of \
             nginx:1.27.0)"
        ),
        "{message}"
    );
    assert!(sc.iter().any(|f| f["code"] == "SC101"), "{sc:?}");
}

#[test]
fn lint_of_a_compose_file_lints_its_profile_and_reports_a_missing_one() {
    let project = tempfile::tempdir().unwrap();
    write(
        project.path(),
        &[
            ("deploy/compose.yaml", COMPOSE),
            ("deploy/profiles/weak.json", WEAK),
        ],
    );
    let out = dockguard(project.path())
        .args(["lint", "--no-config", "-f", "json", "deploy/compose.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sc = sc_findings(&doc);
    assert!(
        sc.iter()
            .any(|f| f["code"] == "SC100" && f["location"]["file"] == "deploy/profiles/weak.json"),
        "{sc:?}"
    );

    std::fs::remove_file(project.path().join("deploy/profiles/weak.json")).unwrap();
    let out = dockguard(project.path())
        .args(["lint", "--no-config", "deploy/compose.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "deploy/compose.yaml:5:9: seccomp profile `./profiles/weak.json` of service `web`"
        ) && stderr.contains("no such file"),
        "{stderr}"
    );
}
