//! `dockguard scan` with and without an advisory database: VU100 findings for the project's
//! pinned packages (step 6), or a note saying how to get a database.

use assert_cmd::Command;
use std::path::Path;

fn shared(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/osv")
        .join(rel);
    assert!(p.exists(), "{} is required", p.display());
    p.display().to_string()
}

#[test]
fn scan_reports_vulnerable_packages_in_step_6() {
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join("api")).unwrap();
    std::fs::write(
        project.path().join("api/requirements.txt"),
        "urllib3==1.26.4\nclick==8.1.7\n",
    )
    .unwrap();
    let db = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["db", "import", "--db-dir"])
        .arg(db.path())
        .arg(shared("PyPI/all.zip"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(project.path())
        .args(["scan", "-f", "json", "--db-dir"])
        .arg(db.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let vu: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "VU100")
        .collect();
    let messages: Vec<&str> = vu.iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert_eq!(vu.len(), 3, "{messages:#?}");
    assert!(vu.iter().all(|f| f["step"] == 6), "{vu:?}");
    assert!(
        vu.iter()
            .all(|f| f["location"]["file"] == "api/requirements.txt"),
        "{vu:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("CVE-2021-33503") && m.contains("fixed in 1.26.5")),
        "{messages:#?}"
    );
    let high = vu
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("CVE-2023-43804"))
        .unwrap();
    assert_eq!(high["severity"], "high");
}

#[test]
fn scan_without_a_database_says_how_to_get_one() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("requirements.txt"), "urllib3==1.26.4\n").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(project.path())
        .args(["scan", "--db-dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no advisory database") && err.contains("dockguard db update"),
        "{err}"
    );
}
