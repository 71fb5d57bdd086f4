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

/// A database of the PyPI advisories of `../shared/osv/`.
fn pypi_db() -> tempfile::TempDir {
    let db = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["db", "import", "--db-dir"])
        .arg(db.path())
        .arg(shared("PyPI/all.zip"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    db
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
    let db = pypi_db();
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

/// `scan --image` matches the image's packages too (found in the same walk), and the
/// configuration's `[vuln] ignore` entries hold in `scan` as in `vuln`.
#[test]
fn scan_matches_image_packages_and_honours_ignore_entries() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join(".dockguard.toml"),
        "[vuln]\nignore = [\n  { id = \"CVE-2023-43804\", reason = \"not reachable\", expires = 2999-12-31 },\n]\n",
    )
    .unwrap();
    std::fs::write(project.path().join("requirements.txt"), "urllib3==1.26.4\n").unwrap();
    let rootfs = tempfile::tempdir().unwrap();
    let meta = rootfs
        .path()
        .join("usr/local/lib/python3.11/dist-packages/PyYAML-5.3.dist-info");
    std::fs::create_dir_all(&meta).unwrap();
    std::fs::create_dir_all(rootfs.path().join("etc")).unwrap();
    std::fs::write(
        meta.join("METADATA"),
        "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3\n",
    )
    .unwrap();
    let db = pypi_db();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(project.path())
        .args(["scan", "-f", "json", "--db-dir"])
        .arg(db.path())
        .arg("--image")
        .arg(rootfs.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut got: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "VU100")
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap();
            let file = file.rsplit_once(":/").map_or(file, |(_, p)| p);
            let m = f["message"].as_str().unwrap();
            format!(
                "{file} {}",
                m.split(" has ").nth(1).unwrap().split(' ').next().unwrap()
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "requirements.txt CVE-2021-33503",
            "requirements.txt CVE-2023-45803",
            "usr/local/lib/python3.11/dist-packages/PyYAML-5.3.dist-info/METADATA CVE-2020-14343",
            "usr/local/lib/python3.11/dist-packages/PyYAML-5.3.dist-info/METADATA CVE-2020-1747",
        ]
    );
}
