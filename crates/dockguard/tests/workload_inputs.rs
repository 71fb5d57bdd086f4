//! Workload files through the binary: discovery, hostile YAML, and clean one-line errors.

use assert_cmd::Command;
use std::path::Path;

fn dockguard() -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "/nonexistent-home");
    cmd
}

/// Runs the binary with its address space capped (via `ulimit -v` in a shell), so a test
/// proves that hostile input is refused without unbounded memory.
fn capped(dir: &Path, args: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("dockguard");
    std::process::Command::new("sh")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", "/nonexistent-home")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1000000; exec '{}' {args}",
            bin.display()
        ))
        .output()
        .unwrap()
}

fn one_line_error(out: &std::process::Output, file: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.contains(file), "{stderr}");
    stderr
}

#[test]
fn alias_bomb_is_a_clean_error_within_a_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 10].join(", ");
        text.push_str(&format!("x-a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("services:\n  web:\n    image: x\n    command: *a9\n");
    std::fs::write(dir.path().join("compose.yaml"), text).unwrap();
    let out = capped(dir.path(), "lint compose.yaml");
    let err = one_line_error(&out, "compose.yaml:");
    assert!(err.contains("alias"), "{err}");
}

#[test]
fn deep_nesting_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let flow = format!("services: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.path().join("compose.yaml"), flow).unwrap();
    let out = capped(dir.path(), "lint compose.yaml");
    one_line_error(&out, "compose.yaml:1:");
    let block: String = std::iter::once("apiVersion: v1\nkind: Pod\nspec:\n".to_string())
        .chain((1..10_000).map(|i| format!("{}k{i}:\n", " ".repeat(i * 2))))
        .collect();
    std::fs::write(dir.path().join("pod.yaml"), block).unwrap();
    let out = capped(dir.path(), "lint pod.yaml");
    one_line_error(&out, "pod.yaml:");
}

#[test]
fn oversized_documents_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!("  key{}: value\n", text.len()));
    }
    std::fs::write(dir.path().join("big.yaml"), text).unwrap();
    let out = capped(dir.path(), "lint big.yaml");
    let err = one_line_error(&out, "big.yaml");
    assert!(err.contains("limit"), "{err}");
}

#[test]
fn duplicate_keys_and_bad_utf8_name_their_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: a\n    image: b\n",
    )
    .unwrap();
    let out = dockguard()
        .current_dir(dir.path())
        .args(["lint", "compose.yaml"])
        .output()
        .unwrap();
    let err = one_line_error(&out, "compose.yaml:4:5:");
    assert!(err.contains("duplicate"), "{err}");

    std::fs::write(
        dir.path().join("pod.yaml"),
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \xff\xfe\n".as_slice(),
    )
    .unwrap();
    let out = dockguard()
        .current_dir(dir.path())
        .args(["lint", "pod.yaml"])
        .output()
        .unwrap();
    let err = one_line_error(&out, "pod.yaml:4:9:");
    assert!(err.contains("UTF-8"), "{err}");
}

#[test]
fn scan_walks_workload_files_but_skips_unrelated_yaml_and_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("chart/templates")).unwrap();
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::write(
        root.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n",
    )
    .unwrap();
    std::fs::write(root.join("values.yaml"), "replicas: 3\n").unwrap();
    std::fs::write(
        root.join("chart/templates/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    std::fs::write(root.join("bin/tool"), b"\x7fELF\x00\xff\xfe binary").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            root.join("bin/tool"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let out = dockguard()
        .current_dir(root)
        .args(["scan", "-f", "json", "."])
        .output()
        .unwrap();
    // Nothing but the note that no advisory database is there (the home directory is a
    // non-existent one).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let other: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("no advisory database"))
        .collect();
    assert!(other.is_empty(), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["files_scanned"], 1,
        "only compose.yaml is a workload file"
    );
}

fn codes(dir: &Path, args: &[&str]) -> std::collections::BTreeSet<String> {
    let out = dockguard().current_dir(dir).args(args).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn profiles_select_rules_by_their_references() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers:\n    \
         - name: c\n      image: nginx:latest\n      securityContext:\n        privileged: true\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:12\nRUN apt-get update\n",
    )
    .unwrap();
    let all = codes(dir.path(), &["lint", "--no-config", "-f", "json", "."]);
    let baseline = codes(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--profile",
            "pss-baseline",
            "-f",
            "json",
            ".",
        ],
    );
    let restricted = codes(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--profile",
            "pss-restricted",
            "-f",
            "json",
            ".",
        ],
    );
    let cis = codes(
        dir.path(),
        &["lint", "--no-config", "--profile", "cis", "-f", "json", "."],
    );
    // Baseline: privileged and host namespaces, but not the restricted-only root/seccomp
    // controls, not image tags, not Dockerfile rules.
    assert!(
        baseline.contains("WL100") && baseline.contains("WL103"),
        "{baseline:?}"
    );
    assert!(
        !baseline.contains("WL201") && !baseline.contains("WL601"),
        "{baseline:?}"
    );
    assert!(!baseline.contains("WL400"), "{baseline:?}");
    assert!(baseline.iter().all(|c| c.starts_with("WL")), "{baseline:?}");
    // Restricted adds the running-as-non-root and seccomp controls.
    assert!(restricted.is_superset(&baseline), "{restricted:?}");
    assert!(
        restricted.contains("WL201") && restricted.contains("WL601"),
        "{restricted:?}"
    );
    // CIS covers CIS-referenced rules of both analysers (WL100 is CIS 5.5).
    assert!(cis.contains("WL100"), "{cis:?}");
    assert!(!cis.contains("WL400"), "{cis:?}");
    assert!(
        all.is_superset(&restricted) && all.contains("WL400"),
        "{all:?}"
    );
    // --enable still adds a rule outside the profile.
    let more = codes(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--profile",
            "pss-baseline",
            "--enable",
            "WL400",
            "-f",
            "json",
            ".",
        ],
    );
    assert!(more.contains("WL400") && more.contains("WL100"), "{more:?}");
}
