//! Acceptance of the package inventory on real images: `bench/sbom-images.sh` builds them
//! (a debootstrapped Debian with pip-installed packages, a distroless-style `status.d` image, a
//! scratch image with a Go and a Rust binary, a static busybox) and writes down what the real
//! package tools say is in them (`dpkg-query`, `dpkg-deb`, Python's importlib.metadata,
//! `go version -m`, Cargo.lock). `dockguard sbom` must list exactly that, from the tar and from
//! the engine, and its CycloneDX and SPDX documents must validate against the official schemas.
//!
//! Needs root, a Docker engine, debootstrap and a Debian mirror, and PyPI (`.ci/run` provides
//! them); fails, does not skip, without them. The images are kept in the target directory so a
//! second run does not build them again.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;
use dockguard_testsupport::schemas;
use serde_json::Value;

/// The acceptance images (`bench/sbom-images.sh`), kept in the target directory.
fn images() -> PathBuf {
    dockguard_testsupport::sbom_images(
        &PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sbom-images"),
    )
}

fn dockguard_sbom(args: &[&str]) -> Value {
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .arg("sbom")
        .arg("--no-progress")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "dockguard sbom {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn inventory(image: &str) -> Value {
    let tar = images().join(format!("{image}.tar"));
    dockguard_sbom(&["-f", "json", tar.to_str().unwrap()])
}

/// The tab-separated rows of a truth file, as sets of strings.
fn truth(file: &str) -> BTreeSet<String> {
    let path = images().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: BTreeSet<String> = text.lines().map(str::to_string).collect();
    assert!(!rows.is_empty(), "{} is empty", path.display());
    rows
}

fn packages<'a>(inventory: &'a Value, pick: impl Fn(&str) -> bool + 'a) -> Vec<&'a Value> {
    inventory["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| pick(p["ecosystem"].as_str().unwrap()))
        .collect()
}

/// Debian packages as `dpkg-query` prints them: name, version, source, source version, arch.
fn deb_rows(inventory: &Value) -> BTreeSet<String> {
    packages(inventory, |e| e == "deb")
        .into_iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            let version = p["version"].as_str().unwrap();
            format!(
                "{name}\t{version}\t{}\t{}\t{}",
                p["source_name"].as_str().unwrap_or(name),
                p["source_version"].as_str().unwrap_or(version),
                p["arch"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn lang_rows(inventory: &Value) -> BTreeSet<String> {
    packages(inventory, |e| !matches!(e, "deb" | "apk" | "rpm"))
        .into_iter()
        .map(|p| {
            format!(
                "{}\t{}\t{}",
                p["ecosystem"].as_str().unwrap(),
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn debootstrapped_debian_with_pip_packages() {
    let found = inventory("debian-pip");
    assert_eq!(found["distro"]["id"], "debian");
    assert_eq!(found["distro"]["version_id"], "12");
    assert_eq!(deb_rows(&found), truth("debian-pip.dpkg.tsv"));
    // Only what pip installed: pip, setuptools and wheel under /usr/lib/python3 belong to
    // python3-pip & co. and are reported as those Debian packages.
    assert_eq!(lang_rows(&found), truth("debian-pip.pypi.tsv"));
    for p in packages(&found, |e| e == "pypi") {
        let at = p["locations"][0]["path"].as_str().unwrap();
        assert!(
            at.starts_with("usr/local/lib/python3.11/dist-packages/"),
            "{p}"
        );
        assert!(p["locations"][0]["layer_digest"].is_string(), "{p}");
    }
}

#[test]
fn the_engine_copy_gives_the_same_inventory() {
    // The engine's copy is loaded from the tar: an older build of the images (another target
    // directory) may hold the tag.
    let tar = images().join("debian-pip.tar");
    let load = std::process::Command::new("docker")
        .args(["load", "-q", "-i"])
        .arg(&tar)
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let from_tar = inventory("debian-pip");
    let from_engine =
        dockguard_sbom(&["-f", "json", "--from", "engine", "dg-sbom-debian-pip:test"]);
    assert_eq!(from_tar["packages"], from_engine["packages"]);
}

#[test]
fn distroless_status_d_image() {
    let found = inventory("distroless");
    assert_eq!(found["distro"]["id"], "debian");
    assert_eq!(deb_rows(&found), truth("distroless.dpkg.tsv"));
    let zlib = packages(&found, |e| e == "deb")
        .into_iter()
        .find(|p| p["name"] == "zlib1g")
        .unwrap();
    assert_eq!(zlib["locations"][0]["path"], "var/lib/dpkg/status.d/zlib1g");
    assert!(lang_rows(&found).is_empty(), "{found}");
}

#[test]
fn go_and_rust_binaries_in_a_scratch_image() {
    let found = inventory("binaries");
    let mut want = truth("binaries.lang.tsv");
    // The main module of a local build: `(devel)`, as syft reports it (`go version -m` prints
    // it on its `mod` line, which the truth file does not copy).
    want.insert("golang\texample.com/hello\t(devel)".into());
    assert_eq!(lang_rows(&found), want);
    assert!(found["distro"].is_null(), "{found}");
}

#[test]
fn busybox_alone() {
    let found = inventory("busybox");
    let rows = lang_rows(&found);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows.iter()
            .next()
            .unwrap()
            .starts_with("binary\tbusybox\t1."),
        "{rows:?}"
    );
    assert!(packages(&found, |e| e == "deb").is_empty());
}

#[test]
fn sboms_of_the_images_validate_against_the_official_schemas() {
    let cyclonedx = schemas::cyclonedx_1_6();
    let spdx = schemas::spdx_2_3();
    for image in ["debian-pip", "distroless", "binaries", "busybox"] {
        let tar = images().join(format!("{image}.tar"));
        let tar = tar.to_str().unwrap();
        let bom = dockguard_sbom(&["-f", "cyclonedx", tar]);
        assert_eq!(
            schemas::errors(&cyclonedx, &bom),
            Vec::<String>::new(),
            "{image}"
        );
        let components = bom["components"].as_array().unwrap();
        assert!(!components.is_empty(), "{image}: {bom}");
        let doc = dockguard_sbom(&["-f", "spdx", tar]);
        assert_eq!(
            schemas::errors(&spdx, &doc),
            Vec::<String>::new(),
            "{image}"
        );
        assert!(
            doc["packages"].as_array().unwrap().len() > 1,
            "{image}: the subject and its packages"
        );
    }
}
