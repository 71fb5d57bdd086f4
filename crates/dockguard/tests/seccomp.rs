//! `dockguard seccomp lint|compare|diff` on the planted profiles of
//! `crates/dockguard-seccomp/fixtures` and Docker's default profile.

use assert_cmd::Command;
use std::path::Path;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../dockguard-seccomp/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn docker_default() -> String {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas/seccomp/default.json");
    assert!(p.is_file(), "{} is required", p.display());
    p.display().to_string()
}

fn dockguard(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("dockguard")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn lint_flags_each_planted_weakness_and_nothing_on_dockers_default() {
    for (file, code) in [
        ("allow-by-default.json", "SC100"),
        ("dangerous-ungated.json", "SC101"),
        ("clone-unfiltered.json", "SC102"),
        ("debug-actions.json", "SC103"),
        ("missing-architectures.json", "SC104"),
        ("errno-fallback.json", "SC105"),
        ("unknown-syscalls.json", "SC106"),
    ] {
        let out = dockguard(&["seccomp", "lint", "-f", "json", &fixture(file)]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code), "{file}: {codes:?}");
        assert!(
            doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["step"] == 7)
        );
    }
    let out = dockguard(&["seccomp", "lint", "-f", "json", &docker_default()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]));
}

#[test]
fn bad_profiles_are_input_errors_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n",
    )
    .unwrap();
    let out = dockguard(&["seccomp", "lint", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json:4:"), "{err}");
    let deep = dir.path().join("deep.json");
    std::fs::write(&deep, format!("{}{}", "[".repeat(5000), "]".repeat(5000))).unwrap();
    let out = dockguard(&["seccomp", "compare", &deep.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("deep.json"));
}

#[test]
fn compare_and_diff_name_the_added_syscalls_and_their_risk() {
    let out = dockguard(&[
        "seccomp",
        "compare",
        &fixture("dangerous-ungated.json"),
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let added: Vec<&str> = doc["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["syscall"].as_str().unwrap())
        .collect();
    assert!(
        added.contains(&"ptrace") && added.contains(&"mount"),
        "{added:?}"
    );
    assert!(
        doc["added"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["risk"].is_string())
    );
    // Docker's default against itself: nothing added or removed.
    let out = dockguard(&["seccomp", "diff", &docker_default(), &docker_default()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("the same syscalls"));
    let out = dockguard(&["seccomp", "compare", &docker_default(), "--kernel", "six"]);
    assert_eq!(out.status.code(), Some(2));
}
