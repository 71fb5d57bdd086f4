//! `dockguard containers` against the real Docker engine (`DOCKER_HOST` or
//! /var/run/docker.sock). These tests fail, rather than skip, when no engine answers: CI
//! installs and starts one.

use assert_cmd::Command;
use dockguard_testsupport::{Containers, IMAGE, docker, ensure_image};
use dockguard_workload::model::{MountKind, Namespace};
use std::collections::BTreeSet;
use std::process::Command as Process;

fn dockguard(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "/nonexistent-home");
    cmd
}

/// The codes reported for one container's `docker://name` file.
fn codes_for(report: &serde_json::Value, name: &str) -> BTreeSet<String> {
    let file = format!("docker://{name}");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["file"] == file.as_str())
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reports_a_privileged_container_and_not_a_hardened_one() {
    let engine = dockguard_engine::Engine::connect(None)
        .unwrap_or_else(|e| panic!("a Docker engine must answer (CI starts one): {e}"));
    ensure_image();
    let pid = std::process::id();
    let bad = format!("dg-cli-bad-{pid}");
    let hardened = format!("dg-cli-hardened-{pid}");
    let _guard = Containers(vec![bad.clone(), hardened.clone()]);
    for name in [&bad, &hardened] {
        let _ = Process::new("docker").args(["rm", "-f", name]).output();
    }
    docker(&[
        "create",
        "--name",
        &bad,
        "--privileged",
        "--pid",
        "host",
        "-v",
        "/var/run:/hostrun",
        "--security-opt",
        "seccomp=unconfined",
        "--user",
        "0:0",
        IMAGE,
        "sh",
    ]);
    docker(&[
        "run",
        "-d",
        "--name",
        &hardened,
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--user",
        "1000:1000",
        "--memory",
        "64m",
        "--cpus",
        "0.5",
        "--pids-limit",
        "64",
        "--restart",
        "on-failure:3",
        IMAGE,
        "busybox",
        "sleep",
        "60",
    ]);

    // The settings, read through the library as the command reads them.
    let inspect = engine.inspect_container(&bad).unwrap();
    let text = serde_json::to_string_pretty(&inspect.value).unwrap();
    let workload =
        dockguard_workload::sources::engine::load(&format!("docker://{bad}"), &text).unwrap();
    let c = &workload.containers[0];
    assert_eq!(c.name, bad);
    assert!(c.is_privileged());
    assert_eq!(c.pid.as_ref().map(|p| &p.value), Some(&Namespace::Host));
    assert_eq!(
        c.seccomp.as_ref().map(|s| s.value.as_str()),
        Some("unconfined")
    );
    assert_eq!(c.user.as_ref().map(|u| u.value.as_str()), Some("0:0"));
    assert!(c.mounts.iter().any(|m| m.kind == MountKind::Bind
        && m.source.as_deref() == Some("/var/run")
        && m.target.as_deref() == Some("/hostrun")));

    let dir = tempfile::tempdir().unwrap();
    let out = dockguard(dir.path())
        .args(["containers", "--all", "--no-config", "-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert!(report["files_scanned"].as_u64().unwrap() >= 2);

    let expected = ["WL100", "WL103", "WL501", "WL600", "WL200"];
    let bad_codes = codes_for(&report, &bad);
    let good_codes = codes_for(&report, &hardened);
    for code in &expected {
        assert!(
            bad_codes.contains(*code),
            "{code} missing for {bad}: {bad_codes:?}"
        );
        assert!(
            !good_codes.contains(*code),
            "{code} reported for {hardened}: {good_codes:?}"
        );
    }
    for finding in report["findings"].as_array().unwrap() {
        let file = finding["location"]["file"].as_str().unwrap();
        assert!(file.starts_with("docker://"), "{file}");
    }

    // Human output shows the JSON line of each finding.
    let out = dockguard(dir.path())
        .args(["containers", "--all", "--no-config"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains(&format!("docker://{bad}:")), "{human}");
    assert!(human.contains("\"Privileged\": true"), "{human}");

    // Without --all only running containers are checked.
    let out = dockguard(dir.path())
        .args([
            "containers",
            "--no-config",
            "-f",
            "json",
            "--fail-on",
            "critical",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(codes_for(&report, &bad).is_empty());
    let listed = docker(&["ps", "--filter", &format!("name={hardened}"), "-q"]);
    assert!(!listed.is_empty(), "{hardened} should be running");
    assert_eq!(codes_for(&report, &hardened), good_codes);
}

#[test]
fn an_unreachable_engine_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let host = format!("unix://{}", socket.display());
    let out = dockguard(dir.path())
        .args(["containers", "--host", &host])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "dockguard: error: cannot connect to the Docker engine at {}: ",
            socket.display()
        )),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    let out = dockguard(dir.path())
        .args(["containers", "--host", "tcp://127.0.0.1:2375"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not supported yet"), "{stderr}");

    // DOCKER_HOST is read when --host is not given.
    let out = dockguard(dir.path())
        .args(["containers"])
        .env("DOCKER_HOST", &host)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&socket.display().to_string()));
}

/// The acceptance test of the workload model: one misconfiguration written as a compose
/// service, a Kubernetes Pod, a `docker run` line in a script, and a live container made with
/// that very line, is reported with the same rule codes from every source.
#[test]
fn one_misconfiguration_same_codes_from_every_source() {
    dockguard_engine::Engine::connect(None)
        .unwrap_or_else(|e| panic!("a Docker engine must answer (CI starts one): {e}"));
    ensure_image();
    let name = format!("dg-same-{}", std::process::id());
    let _guard = Containers(vec![name.clone()]);
    let _ = Process::new("docker").args(["rm", "-f", &name]).output();
    let flags = [
        "--privileged",
        "--pid=host",
        "--cap-add=SYS_ADMIN",
        "--user=0:0",
        "--security-opt=seccomp=unconfined",
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock",
        "-p",
        "2222:22",
        "-e",
        "DB_PASSWORD=hunter2-but-longer",
    ];
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "compose.yaml",
            "services:\n  app:\n    image: dg-busybox:test\n    privileged: true\n    pid: host\n    \
             cap_add: [SYS_ADMIN]\n    user: \"0:0\"\n    security_opt: [\"seccomp=unconfined\"]\n    \
             volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n    ports: [\"2222:22\"]\n    \
             environment:\n      DB_PASSWORD: hunter2-but-longer\n"
                .to_string(),
        ),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  hostPID: true\n  \
             containers:\n    - name: app\n      image: dg-busybox:test\n      securityContext:\n        \
             privileged: true\n        runAsUser: 0\n        runAsGroup: 0\n        \
             capabilities: {add: [SYS_ADMIN]}\n        seccompProfile: {type: Unconfined}\n      \
             ports: [{containerPort: 22, hostPort: 2222}]\n      \
             env: [{name: DB_PASSWORD, value: hunter2-but-longer}]\n      \
             volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]\n  \
             volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]\n"
                .to_string(),
        ),
        (
            "run.sh",
            format!("#!/bin/sh\ndocker run -d --name app {} dg-busybox:test sleep 60\n", flags.join(" ")),
        ),
    ];
    for (file, text) in &files {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let mut create = vec!["create", "--name", name.as_str()];
    create.extend(flags);
    create.extend([IMAGE, "sleep", "60"]);
    docker(&create);

    let lint = dockguard(dir.path())
        .args(["lint", "--no-config", "-f", "json", "."])
        .output()
        .unwrap();
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let live = dockguard(dir.path())
        .args(["containers", "--all", "--no-config", "-f", "json"])
        .output()
        .unwrap();
    let live: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    let sources = [
        ("compose", codes_for_file(&lint, "compose.yaml")),
        ("kubernetes", codes_for_file(&lint, "pod.yaml")),
        ("docker run", codes_for_file(&lint, "run.sh")),
        ("live container", codes_for(&live, &name)),
    ];
    // privileged, dangerous capability, host PID, engine socket, seccomp unconfined, root
    // user, SSH port published, no memory limit, secret in the environment.
    let expected = [
        "WL100", "WL101", "WL103", "WL501", "WL600", "WL200", "WL508", "WL108", "WL300",
    ];
    for (source, codes) in &sources {
        for code in expected {
            assert!(
                codes.contains(code),
                "{code} missing from the {source} source: {codes:?}"
            );
        }
    }
}

fn codes_for_file(report: &serde_json::Value, file: &str) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["file"] == file)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}
