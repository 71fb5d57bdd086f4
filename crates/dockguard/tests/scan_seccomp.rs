//! `dockguard scan` lints the seccomp profiles it finds in a project (step 7).

use assert_cmd::Command;
use std::path::Path;

#[test]
fn scan_lints_seccomp_profiles_of_the_project() {
    let project = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dockguard-seccomp/fixtures");
    std::fs::create_dir(project.path().join("security")).unwrap();
    std::fs::copy(
        fixtures.join("dangerous-ungated.json"),
        project.path().join("security/profile.json"),
    )
    .unwrap();
    std::fs::write(
        project.path().join("package.json"),
        "{\"name\": \"app\", \"version\": \"1.0.0\"}\n",
    )
    .unwrap();
    let empty_db = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(project.path())
        .args(["scan", "-f", "json", "--db-dir"])
        .arg(empty_db.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sc: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC1"))
        .collect();
    assert!(!sc.is_empty(), "{doc}");
    assert!(sc.iter().any(|f| f["code"] == "SC101"), "{sc:?}");
    assert!(
        sc.iter()
            .all(|f| f["location"]["file"] == "security/profile.json" && f["step"] == 7),
        "{sc:?}"
    );

    // A file that looks like a profile but is broken: an input error naming its position.
    std::fs::write(
        project.path().join("security/broken.json"),
        "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [ {\"names\": 5} ]\n}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(project.path())
        .args(["scan", "--db-dir"])
        .arg(empty_db.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("security/broken.json:3:"), "{err}");
}
