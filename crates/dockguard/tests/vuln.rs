//! End to end: `dockguard db import` and `dockguard vuln` on a real debootstrapped Debian image
//! (built by `bench/sbom-images.sh`, as the sbom_images test does) with OSV records written for
//! the real versions of its packages, and on a Python project with pinned packages that have
//! real PyPI advisories in `../shared/osv/`. Needs what the sbom_images test needs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dockguard_testsupport::schemas;
use serde_json::{Value, json};

/// The acceptance images (`bench/sbom-images.sh`), kept in the target directory.
fn images() -> PathBuf {
    dockguard_testsupport::sbom_images(
        &PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sbom-images"),
    )
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

/// A pinned Python project (as `python_project_with_real_pypi_advisories`), its database and a
/// `dockguard vuln` runner that sees no user configuration.
struct PinnedProject {
    project: tempfile::TempDir,
    db: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl PinnedProject {
    fn new() -> PinnedProject {
        let project = tempfile::tempdir().unwrap();
        std::fs::write(
            project.path().join("requirements.txt"),
            "Jinja2==2.10\nPyYAML==5.3\nurllib3==1.26.4\n",
        )
        .unwrap();
        let db = tempfile::tempdir().unwrap();
        let out = dockguard(&[
            "db",
            "import",
            "--db-dir",
            &db.path().display().to_string(),
            &shared("PyPI/all.zip"),
        ]);
        assert_eq!(out.status.code(), Some(0));
        PinnedProject {
            project,
            db,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> String {
        self.project.path().join(name).display().to_string()
    }

    fn vuln(&self, extra: &[&str]) -> std::process::Output {
        Command::cargo_bin("dockguard")
            .unwrap()
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("HOME", self.home.path())
            .args(["vuln", "--db-dir", &self.db.path().display().to_string()])
            .args(extra)
            .arg(self.project.path())
            .output()
            .unwrap()
    }
}

fn ids(findings: &[Value]) -> BTreeSet<String> {
    findings
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

const VEX_JINJA: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/dockguard-test-1",
  "author": "dockguard tests",
  "timestamp": "2026-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "GHSA-462w-v97r-4m45"},
     "products": [{"@id": "pkg:pypi/jinja2"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "CVE-2020-28493"},
     "products": [{"@id": "pkg:pypi/jinja2@2.10"}],
     "status": "affected", "action_statement": "upgrade"},
    {"vulnerability": {"name": "CVE-2021-33503"},
     "products": [{"@id": "pkg:pypi/urllib3@1.26.5"}],
     "status": "fixed"}
  ]
}"#;

#[test]
fn ignore_entries_and_vex_documents() {
    let p = PinnedProject::new();
    // One entry by an alias for one package, one expired, one for a package that is not there.
    std::fs::write(
        p.path(".dockguard.toml"),
        r#"[vuln]
ignore = [
  { id = "GHSA-v845-jxx5-vc9f", package = "urllib3", reason = "no cross-origin redirects", expires = 2999-12-31 },
  { id = "CVE-2020-1747", reason = "trusted YAML only", expires = "2001-01-01" },
  { id = "CVE-2020-14343", package = "ruamel.yaml", reason = "another package" },
]
"#,
    )
    .unwrap();
    std::fs::write(p.path("vex.json"), VEX_JINJA).unwrap();
    let out = p.vuln(&["-f", "json", "--vex", &p.path("vex.json")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            ".dockguard.toml:4:3: the ignore entry for CVE-2020-1747 expired on 2001-01-01"
        ),
        "{err}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: BTreeSet<String> = [
        "CVE-2020-28493",
        "CVE-2020-14343",
        "CVE-2020-1747",
        "CVE-2021-33503",
        "CVE-2023-45803",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    assert_eq!(ids(doc["findings"].as_array().unwrap()), want);
    let ignored = doc["ignored"].as_array().unwrap();
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    assert_eq!(ignored[0]["id"], "CVE-2023-43804");
    assert_eq!(ignored[0]["reason"], "no cross-origin redirects");
    assert_eq!(ignored[0]["expires"], "2999-12-31");
    assert!(
        ignored[0]["entry"]
            .as_str()
            .unwrap()
            .ends_with(".dockguard.toml:3:3")
    );
    let vex = doc["vex_suppressed"].as_array().unwrap();
    assert_eq!(vex.len(), 1, "{vex:?}");
    assert_eq!(vex[0]["id"], "CVE-2019-10906");
    assert_eq!(vex[0]["status"], "not_affected");
    assert_eq!(
        vex[0]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    // The table counts what was left out.
    let out = p.vuln(&["--vex", &p.path("vex.json")]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("5 vulnerabilities")
            && table.contains("; 1 ignored; 1 not affected or fixed per VEX"),
        "{table}"
    );
    assert!(
        !table.contains("CVE-2023-43804") && !table.contains("CVE-2019-10906"),
        "{table}"
    );
    // --no-config: nothing ignored, no warning; --config names another file.
    let out = p.vuln(&["-f", "json", "--no-config"]);
    assert_eq!(findings(&out).len(), 7);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("expired"));
    let other = p.path("other.toml");
    std::fs::write(
        &other,
        "[[vuln.ignore]]\nid = \"pysec-2021-142\"\nreason = \"r\"\n",
    )
    .unwrap();
    let out = p.vuln(&["-f", "json", "--config", &other]);
    let got = ids(&findings(&out));
    assert!(
        !got.contains("CVE-2020-14343") && got.contains("CVE-2023-43804"),
        "{got:?}"
    );
}

#[test]
fn bad_ignore_entries_and_vex_documents_are_usage_errors() {
    let p = PinnedProject::new();
    let check = |config: &str, vex: Option<&str>, want: &str| {
        std::fs::write(p.path(".dockguard.toml"), config).unwrap();
        let mut args: Vec<String> = Vec::new();
        if let Some(text) = vex {
            std::fs::write(p.path("bad.vex.json"), text).unwrap();
            args = vec!["--vex".into(), p.path("bad.vex.json")];
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = p.vuln(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "want {want:?} in {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    };
    check(
        "[vuln]\nignore = [{ id = \"CVE-1\" }]\n",
        None,
        ".dockguard.toml:2:",
    );
    check(
        "[vuln]\nignore = [{ id = \"CVE-1\", reason = \"r\", expires = \"2027-02-30\" }]\n",
        None,
        ".dockguard.toml:2:51: expires: `2027-02-30` is not a day of the calendar",
    );
    check(
        "",
        Some(
            "{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": [{\"status\": \"nope\"}]\n}",
        ),
        "bad.vex.json:3:",
    );
    check(
        "",
        Some(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z",
                 "statements": [{"vulnerability": {"name": "X"}, "status": "not_affected"}]}"#,
        ),
        "bad.vex.json: statement 1: a not_affected statement needs a justification",
    );
    let out = p.vuln(&["--no-config", "--vex", "/nonexistent/vex.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/vex.json: cannot read"));
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let p = PinnedProject::new();
    let out = p.vuln(&["-f", "sarif", "--no-config"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = schemas::sarif_2_1_0();
    assert_eq!(schemas::errors(&validator, &log), Vec::<String>::new());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(rules.len(), 7);
    assert_eq!(results.len(), 7);
    let rule = rules.iter().find(|r| r["id"] == "CVE-2023-43804").unwrap();
    assert_eq!(rule["properties"]["security-severity"], "8.1");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert!(
        rule["helpUri"].as_str().unwrap().starts_with("https://"),
        "{rule}"
    );
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("https://"),
        "{rule}"
    );
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let at = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(at["uri"], "requirements.txt");
        assert_eq!(at["uriBaseId"], "%SRCROOT%");
    }
    let high = results
        .iter()
        .find(|r| r["ruleId"] == "CVE-2023-43804")
        .unwrap();
    assert_eq!(high["level"], "error");
    assert!(
        high["message"]["text"]
            .as_str()
            .unwrap()
            .contains("urllib3 1.26.4")
    );
}

#[test]
fn cyclonedx_output_validates_against_the_1_6_schema() {
    let p = PinnedProject::new();
    std::fs::write(p.path("vex.json"), VEX_JINJA).unwrap();
    let out = p.vuln(&[
        "-f",
        "cyclonedx",
        "--no-config",
        "--vex",
        &p.path("vex.json"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = schemas::cyclonedx_1_6();
    assert_eq!(schemas::errors(&validator, &bom), Vec::<String>::new());
    let components = bom["components"].as_array().unwrap();
    assert_eq!(components.len(), 3);
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    // The six reported, and the one VEX says is not affected, with its analysis.
    assert_eq!(vulns.len(), 7, "{vulns:?}");
    for v in vulns {
        for a in v["affects"].as_array().unwrap() {
            let c = components
                .iter()
                .find(|c| c["bom-ref"] == a["ref"])
                .unwrap_or_else(|| panic!("{a} is no component"));
            assert_eq!(a["versions"][0]["version"], c["version"]);
        }
    }
    let analysed: Vec<&Value> = vulns
        .iter()
        .filter(|v| v.get("analysis").is_some())
        .collect();
    assert_eq!(analysed.len(), 1);
    assert_eq!(analysed[0]["id"], "CVE-2019-10906");
    assert_eq!(analysed[0]["analysis"]["state"], "not_affected");
    assert_eq!(
        analysed[0]["analysis"]["justification"],
        "code_not_reachable"
    );
    let high = vulns.iter().find(|v| v["id"] == "CVE-2023-43804").unwrap();
    assert_eq!(high["recommendation"], "Upgrade urllib3 to 1.26.17");
    let rating = &high["ratings"][0];
    assert_eq!(
        (rating["score"].as_f64(), rating["severity"].as_str()),
        (Some(8.1), Some("high"))
    );
    assert_eq!(rating["method"], "CVSSv31");
    assert!(rating["vector"].as_str().unwrap().starts_with("CVSS:3.1/"));
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

#[test]
fn db_update_from_a_loopback_mirror() {
    let bucket = tempfile::tempdir().unwrap();
    std::fs::create_dir(bucket.path().join("PyPI")).unwrap();
    std::fs::copy(shared("PyPI/all.zip"), bucket.path().join("PyPI/all.zip")).unwrap();
    let server = dockguard_testsupport::http::FileServer::serve(bucket.path());
    let db = tempfile::tempdir().unwrap();
    let db_dir = db.path().display().to_string();
    let update = || {
        dockguard(&[
            "db",
            "update",
            "--mirror",
            &server.url(),
            "--ecosystem",
            "PyPI",
            "--ecosystem",
            "npm",
            "--db-dir",
            &db_dir,
        ])
    };
    let out = update();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("PyPI  downloaded 2.5 MiB"), "{stdout}");
    assert!(stdout.contains("npm   missing"), "{stdout}");
    assert!(
        stderr.contains("warning: npm has no export (HTTP 404"),
        "{stderr}"
    );
    let imported: u64 = stdout
        .split("imported ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(imported > 1000, "{stdout}");

    let status = dockguard(&["db", "status", "--db-dir", &db_dir]);
    let text = String::from_utf8_lossy(&status.stdout).to_string();
    assert_eq!(status.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("records:  {imported}")), "{text}");
    assert!(
        text.contains("last checked by db update 0.0 days ago"),
        "{text}"
    );

    let before = std::fs::read(db.path().join("osv.db")).unwrap();
    let out = update();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("PyPI  not modified"), "{stdout}");
    assert!(stdout.contains("the database is up to date"), "{stdout}");
    assert_eq!(std::fs::read(db.path().join("osv.db")).unwrap(), before);

    // A new export whose sidecar digest does not match: exit 1, database unchanged.
    std::fs::write(bucket.path().join("PyPI/all.zip.sha256"), "0".repeat(64)).unwrap();
    let mut changed = std::fs::read(bucket.path().join("PyPI/all.zip")).unwrap();
    let n = changed.len();
    changed[n - 2..].copy_from_slice(&1u16.to_le_bytes());
    changed.push(b'x');
    std::fs::write(bucket.path().join("PyPI/all.zip"), &changed).unwrap();
    let out = update();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("SHA-256 mismatch"), "{stderr}");
    assert!(stderr.contains("the database was not changed"), "{stderr}");
    assert_eq!(std::fs::read(db.path().join("osv.db")).unwrap(), before);

    let out = dockguard(&[
        "db",
        "update",
        "--mirror",
        "http://mirror.example",
        "--db-dir",
        &db_dir,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plain HTTP"));
}

#[test]
fn db_import_of_a_url() {
    let bucket = tempfile::tempdir().unwrap();
    std::fs::create_dir(bucket.path().join("crates.io")).unwrap();
    std::fs::copy(
        shared("crates.io/all.zip"),
        bucket.path().join("crates.io/all.zip"),
    )
    .unwrap();
    let server = dockguard_testsupport::http::FileServer::serve(bucket.path());
    let db = tempfile::tempdir().unwrap();
    let db_dir = db.path().display().to_string();
    let url = format!("{}/crates.io/all.zip", server.url());
    let out = dockguard(&["db", "import", "--db-dir", &db_dir, &url]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("imported 1206 records"), "{stdout}");
    // A URL with nothing behind it: exit 2 naming it, no database written.
    let empty = tempfile::tempdir().unwrap();
    let missing = format!("{}/Nope/all.zip", server.url());
    let out = dockguard(&[
        "db",
        "import",
        "--db-dir",
        &empty.path().display().to_string(),
        &missing,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nope/all.zip"));
    assert!(!empty.path().join("osv.db").exists());
}
