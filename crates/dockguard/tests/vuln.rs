//! End to end: `dockguard db import` and `dockguard vuln` on a real debootstrapped Debian image
//! (built by `bench/sbom-images.sh`, as the sbom_images test does) with OSV records written for
//! the real versions of its packages, and on a Python project with pinned packages that have
//! real PyPI advisories in `../shared/osv/`. Needs what the sbom_images test needs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

fn images() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sbom-images");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/sbom-images.sh");
            let out = std::process::Command::new("bash")
                .arg(&script)
                .arg(&dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "bench/sbom-images.sh failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            dir
        })
        .clone()
}

fn shared(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/osv")
        .join(rel);
    assert!(p.exists(), "{} is required", p.display());
    p.display().to_string()
}

fn dockguard(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("dockguard")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

/// (package, source, source version) of the image's Debian packages, from `dpkg-query`.
fn debian_packages() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(images().join("debian-pip.dpkg.tsv")).unwrap();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[2].to_string(), f[3].to_string())
        })
        .collect()
}

fn record(id: &str, aliases: &[&str], ecosystem: &str, name: &str, events: Value) -> Value {
    json!({
        "id": id, "modified": "2026-01-01T00:00:00Z", "aliases": aliases,
        "summary": format!("test advisory {id}"),
        "affected": [{"package": {"ecosystem": ecosystem, "name": name},
                      "ranges": [{"type": "ECOSYSTEM", "events": events}]}],
    })
}

fn findings(out: &std::process::Output) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    doc["findings"].as_array().unwrap().clone()
}

#[test]
fn debian_image_with_advisories_for_its_real_versions() {
    let packages = debian_packages();
    let source_version = |src: &str| -> String {
        packages
            .iter()
            .find(|p| p.1 == src)
            .unwrap_or_else(|| panic!("no {src} in the image"))
            .2
            .clone()
    };
    let glibc = source_version("glibc");
    let bash = source_version("bash");
    let gzip = source_version("gzip");
    let records = tempfile::tempdir().unwrap();
    let write = |r: Value| {
        let path = records
            .path()
            .join(format!("{}.json", r["id"].as_str().unwrap()));
        std::fs::write(path, r.to_string()).unwrap();
    };
    let fix = format!("{glibc}+fix1");
    // Fixed in a later glibc: affected, under one id for the two records.
    write(record(
        "DEBIAN-CVE-2099-0001",
        &["CVE-2099-0001"],
        "Debian:12",
        "glibc",
        json!([{"introduced": "0"}, {"fixed": fix}]),
    ));
    write(record(
        "DSA-9999-1",
        &["CVE-2099-0001"],
        "Debian:12",
        "glibc",
        json!([{"introduced": "0"}, {"fixed": fix}]),
    ));
    // Fixed in exactly the image's bash source version (its binary is a binNMU, +bN): not
    // affected.
    write(record(
        "DEBIAN-CVE-2099-0002",
        &[],
        "Debian:12",
        "bash",
        json!([{"introduced": "0"}, {"fixed": bash}]),
    ));
    // No fix yet: affected, unfixed.
    write(record(
        "DEBIAN-CVE-2099-0003",
        &[],
        "Debian:12",
        "tar",
        json!([{"introduced": "0"}]),
    ));
    // Another release's advisory, and a fix older than the image's gzip: not affected.
    write(record(
        "DEBIAN-CVE-2099-0004",
        &[],
        "Debian:11",
        "gzip",
        json!([{"introduced": "0"}]),
    ));
    write(record(
        "DEBIAN-CVE-2099-0005",
        &[],
        "Debian:12",
        "gzip",
        json!([{"introduced": "0"}, {"fixed": format!("{gzip}~1")}]),
    ));
    let db = tempfile::tempdir().unwrap();
    let db_dir = db.path().display().to_string();
    let out = dockguard(&[
        "db",
        "import",
        "--db-dir",
        &db_dir,
        &records.path().display().to_string(),
        &shared("PyPI/all.zip"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tar = images().join("debian-pip.tar").display().to_string();
    let out = dockguard(&[
        "vuln",
        "--db-dir",
        &db_dir,
        "--no-progress",
        "-f",
        "json",
        &tar,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: BTreeSet<String> = findings(&out)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["package"]["name"].as_str().unwrap(),
                f["id"].as_str().unwrap(),
                f["installed"].as_str().unwrap(),
                f["fixed"].as_str().unwrap_or("unfixed")
            )
        })
        .collect();
    let mut want: BTreeSet<String> = packages
        .iter()
        .filter(|p| p.1 == "glibc")
        .map(|p| format!("{} CVE-2099-0001 {glibc} {fix}", p.0))
        .collect();
    let tar_version = source_version("tar");
    want.insert(format!("tar DEBIAN-CVE-2099-0003 {tar_version} unfixed"));
    assert_eq!(got, want);
    let merged = findings(&out)
        .into_iter()
        .find(|f| f["id"] == "CVE-2099-0001")
        .unwrap();
    assert_eq!(
        merged["aliases"],
        json!(["DEBIAN-CVE-2099-0001", "DSA-9999-1"])
    );
    assert_eq!(merged["ecosystem"], "Debian:12");
    // --ignore-unfixed drops the tar finding; the table says what was checked.
    let out = dockguard(&[
        "vuln",
        "--db-dir",
        &db_dir,
        "--no-progress",
        "--ignore-unfixed",
        &tar,
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.contains("DEBIAN-CVE-2099-0003"), "{table}");
    assert!(table.contains("CVE-2099-0001"), "{table}");
    assert!(table.contains("of 130 packages checked"), "{table}");
}

#[test]
fn python_project_with_real_pypi_advisories() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("requirements.txt"),
        "Jinja2==2.10\nPyYAML==5.3\nurllib3==1.26.4\nrequests==2.32.3  # no advisory in the export\n",
    )
    .unwrap();
    let db = tempfile::tempdir().unwrap();
    let db_dir = db.path().display().to_string();
    let out = dockguard(&["db", "import", "--db-dir", &db_dir, &shared("PyPI/all.zip")]);
    assert_eq!(out.status.code(), Some(0));
    let out = dockguard(&[
        "vuln",
        "--db-dir",
        &db_dir,
        "-f",
        "json",
        &project.path().display().to_string(),
    ]);
    let got: BTreeSet<String> = findings(&out)
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["package"]["name"].as_str().unwrap(),
                f["id"].as_str().unwrap(),
                f["fixed"].as_str().unwrap()
            )
        })
        .collect();
    let want: BTreeSet<String> = [
        "Jinja2 CVE-2019-10906 2.10.1",
        "Jinja2 CVE-2020-28493 2.11.3",
        "PyYAML CVE-2020-14343 5.4",
        "PyYAML CVE-2020-1747 5.3.1",
        "urllib3 CVE-2021-33503 1.26.5",
        "urllib3 CVE-2023-43804 1.26.17",
        "urllib3 CVE-2023-45803 1.26.18",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    assert_eq!(got, want);
    // Severity filter: the one HIGH (CVSS 8.1) of them.
    let out = dockguard(&[
        "vuln",
        "--db-dir",
        &db_dir,
        "-f",
        "json",
        "--severity",
        "high,critical",
        &project.path().display().to_string(),
    ]);
    let high: Vec<String> = findings(&out)
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(high, ["CVE-2023-43804"]);
}

#[test]
fn missing_database_and_bad_input() {
    let empty = tempfile::tempdir().unwrap();
    let out = dockguard(&["vuln", "--db-dir", &empty.path().display().to_string(), "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dockguard db import"), "{err}");
    let out = dockguard(&[
        "db",
        "import",
        "--db-dir",
        &empty.path().display().to_string(),
        "/nonexistent/all.zip",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/all.zip"));
    let out = dockguard(&[
        "vuln",
        "--db-dir",
        &empty.path().display().to_string(),
        "--severity",
        "severe",
        ".",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
