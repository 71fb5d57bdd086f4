//! Matching speed: 2,000 packages against every advisory of `../shared/osv/` (PyPI, crates.io,
//! Go: 8,158 records), best of 7 runs, each on a freshly opened store (no record cache).
//! Half of the packages are versions the advisories list as affected, half are not named by
//! any advisory. `cargo bench -p dockguard-vuln` (bench/vuln-db.sh runs it with the import
//! figures).

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use dockguard_packages::model::{Ecosystem, Inventory, Package};
use dockguard_vuln::matcher::match_inventory;
use dockguard_vuln::store::{Source, Store, import};

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/osv");
    let dir = tempfile::tempdir().expect("tempdir");
    let sources: Vec<Source> = ["PyPI/all.zip", "crates.io/all.zip", "Go/all.zip"]
        .iter()
        .map(|z| Source::of_path(&shared.join(z)).expect("the shared OSV exports"))
        .collect();
    let started = Instant::now();
    let report = import(dir.path(), &sources, 0).expect("import");
    println!(
        "import: {} records in {:.2} s",
        report.read,
        started.elapsed().as_secs_f64()
    );
    let inventory = packages(&shared, 2000);
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..7 {
        let store = Store::open(dir.path()).expect("open");
        let started = Instant::now();
        let report = match_inventory(&store, &inventory).expect("match");
        best = best.min(started.elapsed().as_secs_f64());
        findings = report.findings.len();
        assert_eq!(report.checked, inventory.packages.len());
    }
    println!(
        "match: {} packages, {findings} findings, best of 7: {:.1} ms",
        inventory.packages.len(),
        best * 1000.0
    );
}

/// `n` packages: the first listed affected version of advisories' packages in turn (PyPI,
/// crates.io, Go), and as many made-up names that no advisory names.
fn packages(shared: &Path, n: usize) -> Inventory {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    'outer: for (zip, eco) in [
        ("PyPI/all.zip", Ecosystem::Pypi),
        ("crates.io/all.zip", Ecosystem::Cargo),
        ("Go/all.zip", Ecosystem::Golang),
    ] {
        let file = std::fs::File::open(shared.join(zip)).expect("zip");
        let mut archive = zip::ZipArchive::new(file).expect("zip");
        for i in 0..archive.len() {
            if out.len() >= n / 2 {
                break 'outer;
            }
            let mut text = String::new();
            archive
                .by_index(i)
                .expect("member")
                .read_to_string(&mut text)
                .expect("read");
            let record: serde_json::Value = serde_json::from_str(&text).expect("json");
            let Some(affected) = record["affected"].get(0) else {
                continue;
            };
            let name = affected["package"]["name"].as_str().unwrap_or_default();
            let version = affected["versions"].get(0).and_then(|v| v.as_str());
            if let Some(version) = version
                && seen.insert((eco, name.to_string()))
            {
                let version = if eco == Ecosystem::Golang && !version.starts_with('v') {
                    format!("v{version}")
                } else {
                    version.to_string()
                };
                out.push(Package::new(eco, name, version));
            }
        }
    }
    let mut i = 0;
    while out.len() < n {
        out.push(Package::new(
            Ecosystem::Pypi,
            format!("no-such-package-{i}"),
            "1.0.0",
        ));
        i += 1;
    }
    Inventory {
        distro: None,
        packages: out,
        warnings: vec![],
    }
}
