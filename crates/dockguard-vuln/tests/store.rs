//! The store on the real OSV exports of `../shared/osv/`: import, lookup, matching, and the
//! import's behaviour on corrupt data and failures (the live database is never damaged).

use std::path::{Path, PathBuf};

use dockguard_packages::model::{Distro, Ecosystem, Inventory, Package};
use dockguard_vuln::matcher::match_inventory;
use dockguard_vuln::severity::Severity;
use dockguard_vuln::store::{FILE_NAME, Source, Store, import};

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

fn inventory(packages: Vec<Package>) -> Inventory {
    Inventory {
        distro: None,
        packages,
        warnings: vec![],
    }
}

#[test]
fn imports_every_shared_export_and_matches_real_advisories() {
    let dir = tempfile::tempdir().unwrap();
    let sources: Vec<Source> = ["PyPI/all.zip", "crates.io/all.zip", "Go/all.zip"]
        .iter()
        .map(|z| Source::of_path(&shared(z)).unwrap())
        .collect();
    let report = import(dir.path(), &sources, 1_700_000_000).unwrap();
    assert_eq!(report.read, 2661 + 1206 + 4291);
    assert_eq!(report.added, report.read);
    assert_eq!(
        (report.skipped, report.unknown_ecosystems),
        (0, 0),
        "{:?}",
        report.warnings
    );
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.record_count().unwrap(), 8158);
    let counts = store.counts().unwrap();
    let names: Vec<&str> = counts.iter().map(|c| c.ecosystem.as_str()).collect();
    assert_eq!(names, ["Go", "PyPI", "crates.io"]);
    assert_eq!(store.imports().unwrap().len(), 3);

    // lxml 4.6.2: PYSEC-2021-19 (CVE-2021-28957), fixed in 4.6.3, among others.
    let lxml = Package::new(Ecosystem::Pypi, "LXML", "4.6.2");
    let found = match_inventory(&store, &inventory(vec![lxml])).unwrap();
    let cve = found
        .findings
        .iter()
        .find(|f| f.id == "CVE-2021-28957")
        .unwrap_or_else(|| panic!("{:#?}", found.findings));
    assert!(
        cve.aliases.contains(&"PYSEC-2021-19".to_string()),
        "{cve:?}"
    );
    assert_eq!(cve.fixed.as_deref(), Some("4.6.3"));
    assert_eq!(found.errors, Vec::<String>::new());
    // Each vulnerability once, though PyPI's records and their GHSA aliases overlap.
    let mut ids: Vec<&str> = found.findings.iter().map(|f| f.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), found.findings.len());
    // The fixed release is not affected by that advisory.
    let fixed = Package::new(Ecosystem::Pypi, "lxml", "4.6.3");
    let later = match_inventory(&store, &inventory(vec![fixed])).unwrap();
    assert!(later.findings.iter().all(|f| f.id != "CVE-2021-28957"));

    // Crates and Go modules; binaries found by banner are not looked up.
    let smallvec = Package::new(Ecosystem::Cargo, "smallvec", "1.6.0");
    let busybox = Package::new(Ecosystem::Binary, "busybox", "1.35.0");
    let found = match_inventory(&store, &inventory(vec![smallvec, busybox])).unwrap();
    assert_eq!((found.checked, found.not_covered), (1, 1));
    let s = found
        .findings
        .iter()
        .find(|f| f.aliases.iter().any(|a| a == "RUSTSEC-2021-0003") || f.id == "RUSTSEC-2021-0003")
        .unwrap_or_else(|| panic!("{:#?}", found.findings));
    assert_eq!(s.fixed.as_deref(), Some("1.6.1"));
    assert_ne!(s.rating.severity, Severity::Unknown, "{s:?}");
}

#[test]
fn corrupt_records_are_counted_and_a_failed_import_keeps_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let records = tempfile::tempdir().unwrap();
    let good = r#"{"id": "TEST-1", "modified": "2024-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "Demo_Pkg"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]},
                     {"package": {"ecosystem": "Hackage", "name": "x"}, "versions": ["1"]}]}"#;
    std::fs::write(records.path().join("good.json"), good).unwrap();
    std::fs::write(
        records.path().join("bad.json"),
        "{\"id\": \"B\",\n \"affected\": 7}",
    )
    .unwrap();
    std::fs::write(records.path().join("empty.json"), "").unwrap();
    std::fs::write(records.path().join("noid.json"), "{\"affected\": []}").unwrap();
    std::fs::write(records.path().join("notes.txt"), "not a record").unwrap();
    std::fs::create_dir(records.path().join("nested")).unwrap();
    std::fs::write(
        records.path().join("nested/withdrawn.json"),
        r#"{"id": "TEST-2", "modified": "2024-01-01T00:00:00Z", "withdrawn": "2024-02-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "demo-pkg"}, "versions": ["1.0"]}]}"#,
    )
    .unwrap();
    let report = import(dir.path(), &[Source::of_path(records.path()).unwrap()], 1).unwrap();
    assert_eq!(
        (report.read, report.added, report.skipped),
        (5, 2, 3),
        "{report:?}"
    );
    assert_eq!(report.unknown_ecosystems, 1);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("bad.json: line 2")),
        "{:?}",
        report.warnings
    );
    let store = Store::open(dir.path()).unwrap();
    let found = match_inventory(
        &store,
        &inventory(vec![Package::new(Ecosystem::Pypi, "demo.pkg", "1.0")]),
    )
    .unwrap();
    // The withdrawn record never matches.
    let ids: Vec<&str> = found.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["TEST-1"]);
    drop(store);

    // Same record again: unchanged; a newer copy replaces it.
    let again = import(
        dir.path(),
        &[Source::File(records.path().join("good.json"))],
        2,
    )
    .unwrap();
    assert_eq!((again.unchanged, again.added, again.replaced), (1, 0, 0));
    let newer = records.path().join("newer.json");
    std::fs::write(
        &newer,
        good.replace("2024-01-01", "2025-01-01")
            .replace("\"2.0\"", "\"1.0\""),
    )
    .unwrap();
    let replaced = import(dir.path(), &[Source::File(newer)], 3).unwrap();
    assert_eq!(replaced.replaced, 1);
    let store = Store::open(dir.path()).unwrap();
    let found = match_inventory(
        &store,
        &inventory(vec![Package::new(Ecosystem::Pypi, "demo-pkg", "1.0")]),
    )
    .unwrap();
    assert!(found.findings.is_empty(), "{found:?}");
    drop(store);

    // A source that cannot be read fails the import and leaves the database as it was.
    let before = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
    let broken_zip = records.path().join("broken.zip");
    std::fs::write(&broken_zip, b"PK\x03\x04 truncated").unwrap();
    let err = import(dir.path(), &[Source::of_path(&broken_zip).unwrap()], 4).unwrap_err();
    assert!(err.to_string().contains("broken.zip"), "{err}");
    assert_eq!(std::fs::read(dir.path().join(FILE_NAME)).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, [FILE_NAME]);
}

#[test]
fn missing_and_foreign_databases() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path()).err().unwrap();
    assert!(err.to_string().contains("dockguard db import"), "{err}");
    std::fs::write(dir.path().join(FILE_NAME), b"not sqlite at all, just text").unwrap();
    let err = Store::open(dir.path()).err().unwrap();
    assert!(err.to_string().contains(FILE_NAME), "{err}");
    // An import refuses to build on it rather than overwrite it.
    let records = tempfile::tempdir().unwrap();
    std::fs::write(records.path().join("r.json"), r#"{"id": "X"}"#).unwrap();
    assert!(import(dir.path(), &[Source::of_path(records.path()).unwrap()], 1).is_err());
    assert_eq!(
        std::fs::read(dir.path().join(FILE_NAME)).unwrap(),
        b"not sqlite at all, just text"
    );
}

#[test]
fn debian_release_and_source_package() {
    let dir = tempfile::tempdir().unwrap();
    let records = tempfile::tempdir().unwrap();
    std::fs::write(
        records.path().join("DEBIAN-CVE-2024-0001.json"),
        r#"{"id": "DEBIAN-CVE-2024-0001", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-0001"],
            "affected": [
              {"package": {"ecosystem": "Debian:12", "name": "openssl"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}]}]},
              {"package": {"ecosystem": "Debian:11", "name": "openssl"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        records.path().join("DSA-5000-1.json"),
        r#"{"id": "DSA-5000-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-0001"],
            "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}]}]}]}"#,
    )
    .unwrap();
    import(dir.path(), &[Source::of_path(records.path()).unwrap()], 1).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut ssl = Package::new(Ecosystem::Deb, "libssl3", "3.0.14-1~deb12u2");
    ssl.source_name = Some("openssl".into());
    let bookworm = Distro {
        id: "debian".into(),
        version_id: Some("12".into()),
        ..Distro::default()
    };
    let mut inv = inventory(vec![ssl.clone()]);
    inv.distro = Some(bookworm.clone());
    let found = match_inventory(&store, &inv).unwrap();
    assert_eq!(found.findings.len(), 1, "{found:#?}");
    let f = &found.findings[0];
    assert_eq!(
        (f.id.as_str(), f.ecosystem.as_str(), f.fixed.as_deref()),
        ("CVE-2024-0001", "Debian:12", Some("3.0.15-1~deb12u1"))
    );
    assert_eq!(f.aliases, ["DEBIAN-CVE-2024-0001", "DSA-5000-1"]);
    // Bullseye's record is another release's: unfixed there, not reported here.
    ssl.version = "3.0.15-1~deb12u1".into();
    let mut inv = inventory(vec![ssl]);
    inv.distro = Some(bookworm);
    assert!(match_inventory(&store, &inv).unwrap().findings.is_empty());
}
