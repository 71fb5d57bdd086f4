//! `update` against a real HTTP server on loopback serving a copy of `../shared/osv/` (Go, PyPI
//! and crates.io exports) as the bucket: first download and import, conditional requests,
//! resume after a cut-off, checksum refusals, missing ecosystems, limits. The database must
//! come out of every failure byte for byte as it was.

use std::path::{Path, PathBuf};

use dockguard_testsupport::http::FileServer;
use dockguard_vuln::store::Store;
use dockguard_vuln::update::{Options, Outcome, UpdateReport, last_check, update};

const ALL: u64 = 8158;

fn shared(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/osv")
        .join(rel);
    assert!(
        p.exists(),
        "{} is required (the shared OSV data)",
        p.display()
    );
    p
}

/// A bucket with the shared exports, served on loopback.
fn bucket() -> (tempfile::TempDir, FileServer) {
    let dir = tempfile::tempdir().unwrap();
    for e in ["Go", "PyPI", "crates.io"] {
        std::fs::create_dir(dir.path().join(e)).unwrap();
        std::fs::copy(
            shared(&format!("{e}/all.zip")),
            dir.path().join(e).join("all.zip"),
        )
        .unwrap();
        // The copy is writable (the shared data is not).
        let zip = dir.path().join(e).join("all.zip");
        let mut perms = std::fs::metadata(&zip).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&zip, perms).unwrap();
    }
    let server = FileServer::serve(dir.path());
    (dir, server)
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn run(db: &Path, server: &FileServer, ecosystems: &[&str], now: i64) -> UpdateReport {
    let options = Options {
        now: Some(now),
        ..Options::default()
    };
    update(db, &server.url(), &names(ecosystems), &options, &mut |_| {}).unwrap()
}

fn outcome<'a>(report: &'a UpdateReport, ecosystem: &str) -> &'a Outcome {
    &report
        .ecosystems
        .iter()
        .find(|e| e.ecosystem == ecosystem)
        .unwrap()
        .outcome
}

fn db_bytes(db: &Path) -> Vec<u8> {
    std::fs::read(db.join("osv.db")).unwrap()
}

#[test]
fn update_downloads_imports_then_asks_conditionally() {
    let (bucket, server) = bucket();
    let db = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let report = run(
        db.path(),
        &server,
        &["Go", "PyPI", "crates.io", "npm"],
        1_000,
    );
    let elapsed = started.elapsed();
    for e in ["Go", "PyPI", "crates.io"] {
        assert!(
            matches!(
                outcome(&report, e),
                Outcome::Downloaded {
                    resumed_from: 0,
                    ..
                }
            ),
            "{e}: {:?}",
            outcome(&report, e)
        );
    }
    assert_eq!(*outcome(&report, "npm"), Outcome::Missing { status: 404 });
    let import = report.import.as_ref().expect("an import");
    assert_eq!(import.read, ALL);
    assert_eq!(Store::open(db.path()).unwrap().record_count().unwrap(), ALL);
    eprintln!(
        "first update: {:.2} s in all, import {:.2} s",
        elapsed.as_secs_f64(),
        report.import_seconds
    );
    assert_eq!(last_check(db.path()), Some(1_000));
    for e in ["Go", "PyPI", "crates.io"] {
        assert_eq!(
            std::fs::read(db.path().join("downloads").join(e).join("all.zip")).unwrap(),
            std::fs::read(shared(&format!("{e}/all.zip"))).unwrap()
        );
    }

    // Second update: every export asked for with its validators, 304, no import.
    let before = db_bytes(db.path());
    server.clear_requests();
    let report = run(
        db.path(),
        &server,
        &["Go", "PyPI", "crates.io", "npm"],
        2_000,
    );
    for e in ["Go", "PyPI", "crates.io"] {
        assert_eq!(*outcome(&report, e), Outcome::NotModified, "{e}");
    }
    assert!(report.import.is_none());
    assert_eq!(db_bytes(db.path()), before);
    assert_eq!(last_check(db.path()), Some(2_000));
    let zips: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/all.zip") && !r.path.starts_with("/npm"))
        .collect();
    assert_eq!(zips.len(), 3);
    for r in &zips {
        assert!(r.header("if-none-match").is_some(), "{r:?}");
        assert!(r.header("if-modified-since").is_some(), "{r:?}");
        assert_eq!(r.status, 304);
    }

    // The bucket publishes a new PyPI export (here: different bytes): downloaded and imported.
    let pypi = bucket.path().join("PyPI/all.zip");
    let mut bytes = std::fs::read(&pypi).unwrap();
    // A zip comment changes the file, not the records.
    let n = bytes.len();
    bytes[n - 2..].copy_from_slice(&3u16.to_le_bytes());
    bytes.extend_from_slice(b"new");
    std::fs::write(&pypi, &bytes).unwrap();
    let report = run(db.path(), &server, &["Go", "PyPI", "crates.io"], 3_000);
    assert!(matches!(
        outcome(&report, "PyPI"),
        Outcome::Downloaded { .. }
    ));
    assert_eq!(*outcome(&report, "Go"), Outcome::NotModified);
    let import = report.import.as_ref().unwrap();
    assert_eq!((import.read, import.unchanged), (ALL, ALL));
}

#[test]
fn update_interrupted_keeps_the_database_and_resumes() {
    let (bucket, server) = bucket();
    let db = tempfile::tempdir().unwrap();
    let first = run(db.path(), &server, &["Go"], 1_000);
    let go = first.import.unwrap().read;
    let before = db_bytes(db.path());

    server.cut_next("/PyPI/all.zip", 1_000_000);
    let report = run(db.path(), &server, &["Go", "PyPI"], 2_000);
    assert!(report.failed());
    let Outcome::Failed(why) = outcome(&report, "PyPI") else {
        panic!("{report:?}")
    };
    assert!(why.contains("interrupted"), "{why}");
    assert!(report.import.is_none());
    assert_eq!(db_bytes(db.path()), before);
    assert_eq!(
        last_check(db.path()),
        Some(1_000),
        "a failed check is not a check"
    );
    let part = db.path().join("downloads/PyPI/all.zip.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 1_000_000);
    assert!(!db.path().join("downloads/PyPI/all.zip").exists());

    server.clear_requests();
    let report = run(db.path(), &server, &["Go", "PyPI"], 3_000);
    let size = std::fs::metadata(shared("PyPI/all.zip")).unwrap().len();
    assert_eq!(
        *outcome(&report, "PyPI"),
        match outcome(&report, "PyPI") {
            Outcome::Downloaded { seconds, .. } => Outcome::Downloaded {
                bytes: size,
                resumed_from: 1_000_000,
                seconds: *seconds,
            },
            other => panic!("{other:?}"),
        }
    );
    let resumed = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/PyPI/all.zip")
        .unwrap();
    assert_eq!(resumed.header("range"), Some("bytes=1000000-"));
    assert!(resumed.header("if-range").is_some());
    assert_eq!(resumed.status, 206);
    assert!(!part.exists());
    assert_eq!(
        std::fs::read(db.path().join("downloads/PyPI/all.zip")).unwrap(),
        std::fs::read(shared("PyPI/all.zip")).unwrap()
    );
    let import = report.import.unwrap();
    let pypi = import.read - go;
    assert_eq!(import.unchanged, go);
    assert_eq!(
        Store::open(db.path()).unwrap().record_count().unwrap(),
        go + pypi
    );

    // A part of an export that changed in the meantime is not resumed: If-Range gets a 200.
    server.cut_next("/crates.io/all.zip", 500_000);
    assert!(run(db.path(), &server, &["crates.io"], 4_000).failed());
    let crates = bucket.path().join("crates.io/all.zip");
    let mut bytes = std::fs::read(&crates).unwrap();
    let n = bytes.len();
    bytes[n - 2..].copy_from_slice(&1u16.to_le_bytes());
    bytes.push(b'x');
    std::fs::write(&crates, &bytes).unwrap();
    server.clear_requests();
    let report = run(db.path(), &server, &["crates.io"], 5_000);
    assert!(matches!(
        outcome(&report, "crates.io"),
        Outcome::Downloaded {
            resumed_from: 0,
            ..
        }
    ));
    let asked = &server.requests()[0];
    assert!(asked.header("if-range").is_some());
    assert_eq!(asked.status, 200);
    assert_eq!(
        std::fs::read(db.path().join("downloads/crates.io/all.zip")).unwrap(),
        bytes
    );
}

#[test]
fn update_refuses_checksum_mismatches_and_keeps_the_database() {
    let (bucket, server) = bucket();
    let db = tempfile::tempdir().unwrap();
    run(db.path(), &server, &["Go"], 1_000);
    let before = db_bytes(db.path());

    // A sidecar that does not match.
    let sidecar = bucket.path().join("PyPI/all.zip.sha256");
    std::fs::write(&sidecar, format!("{}  all.zip\n", "0".repeat(64))).unwrap();
    let report = run(db.path(), &server, &["Go", "PyPI"], 2_000);
    let Outcome::Failed(why) = outcome(&report, "PyPI") else {
        panic!("{report:?}")
    };
    assert!(why.contains("SHA-256 mismatch"), "{why}");
    assert!(
        why.contains(&format!("{}/PyPI/all.zip", server.url())),
        "{why}"
    );
    assert!(report.import.is_none());
    assert_eq!(db_bytes(db.path()), before);
    assert!(!db.path().join("downloads/PyPI/all.zip").exists());
    assert!(!db.path().join("downloads/PyPI/all.zip.part").exists());

    // The right one.
    let out = std::process::Command::new("sha256sum")
        .arg(bucket.path().join("PyPI/all.zip"))
        .output()
        .unwrap();
    std::fs::write(&sidecar, &out.stdout).unwrap();
    let report = run(db.path(), &server, &["Go", "PyPI"], 3_000);
    assert!(!report.failed(), "{report:?}");
    assert!(report.import.is_some());

    // Cloud Storage's MD5, and a body that does not match it.
    server.set_goog_hash(true);
    server.corrupt_next("/crates.io/all.zip");
    let before = db_bytes(db.path());
    let report = run(db.path(), &server, &["Go", "PyPI", "crates.io"], 4_000);
    let Outcome::Failed(why) = outcome(&report, "crates.io") else {
        panic!("{report:?}")
    };
    assert!(why.contains("MD5 mismatch"), "{why}");
    assert!(report.import.is_none());
    assert_eq!(db_bytes(db.path()), before);
    let report = run(db.path(), &server, &["Go", "PyPI", "crates.io"], 5_000);
    assert!(!report.failed(), "{report:?}");
    assert_eq!(Store::open(db.path()).unwrap().record_count().unwrap(), ALL);

    // Not a zip at all.
    std::fs::create_dir(bucket.path().join("npm")).unwrap();
    std::fs::write(bucket.path().join("npm/all.zip"), b"<html>oops</html>").unwrap();
    let report = run(db.path(), &server, &["npm"], 6_000);
    let Outcome::Failed(why) = outcome(&report, "npm") else {
        panic!("{report:?}")
    };
    assert!(why.contains("not a zip"), "{why}");
}

#[test]
fn update_limits_urls_and_names() {
    let (_dir, server) = bucket();
    let db = tempfile::tempdir().unwrap();
    let options = Options {
        max_bytes: 1_000_000,
        ..Options::default()
    };
    let report = update(
        db.path(),
        &server.url(),
        &names(&["Go"]),
        &options,
        &mut |_| {},
    )
    .unwrap();
    let Outcome::Failed(why) = outcome(&report, "Go") else {
        panic!("{report:?}")
    };
    assert!(why.contains("over the limit"), "{why}");
    assert!(!db.path().join("osv.db").exists());

    let options = Options::default();
    let err = update(
        db.path(),
        "http://mirror.example/osv",
        &names(&["Go"]),
        &options,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("plain HTTP"), "{err}");
    let err = update(
        db.path(),
        &server.url(),
        &names(&["../x"]),
        &options,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("not an ecosystem"), "{err}");

    // Nothing listens: a failure, not a panic, and no database appears.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let report = update(
        db.path(),
        &format!("http://{closed}"),
        &names(&["Go"]),
        &options,
        &mut |_| {},
    )
    .unwrap();
    assert!(report.failed());
    assert!(!db.path().join("osv.db").exists());

    // Only missing ecosystems: warnings, no database.
    let report = run(db.path(), &server, &["npm", "Debian:12"], 1_000);
    assert!(!report.failed());
    assert!(report.import.is_none());
    assert_eq!(
        *outcome(&report, "Debian:12"),
        Outcome::Missing { status: 404 }
    );
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        asked.contains(&"/Debian%3A12/all.zip".to_string()),
        "{asked:?}"
    );
}
