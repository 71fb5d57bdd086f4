//! End to end: `dockguard sbom` on an image built by the real Docker engine (read from the
//! engine and from its `docker save` tar) and on a project directory. Fails (does not skip)
//! when no engine answers.

use assert_cmd::Command;
use dockguard_testsupport::{IMAGE, docker, ensure_image};

const STATUS_D: &str = "Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n\
Maintainer: Debian OpenSSL Team\nDescription: Secure Sockets Layer toolkit - shared libraries\n";

const APK: &str = "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\no:musl\nL:MIT\nF:lib\nR:ld-musl-x86_64.so.1\n\n\
C:Q1def=\nP:ssl_client\nV:3.3.2-r0\nA:x86_64\no:openssl\nL:Apache-2.0\nD:so:libc.musl-x86_64.so.1\n\n";

const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\n\
dependencies = [\n \"serde_derive\",\n]\n\n[[package]]\nname = \"serde_derive\"\nversion = \"1.0.200\"\n";

fn sbom(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .arg("sbom")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn purls(doc: &serde_json::Value) -> Vec<String> {
    doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn sbom_of_an_engine_image_and_its_saved_tar() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let ctx = dir.path().join("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("libssl3"), STATUS_D).unwrap();
    std::fs::write(ctx.join("installed"), APK).unwrap();
    std::fs::write(ctx.join("Cargo.lock"), CARGO_LOCK).unwrap();
    std::fs::write(
        ctx.join("os-release"),
        "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
    )
    .unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        format!(
            "FROM {IMAGE}\n\
             COPY libssl3 /var/lib/dpkg/status.d/libssl3\n\
             COPY installed /lib/apk/db/installed\n\
             COPY os-release /etc/os-release\n\
             COPY Cargo.lock /app/Cargo.lock\n"
        ),
    )
    .unwrap();
    let tag = format!("dg-sbom-e2e:{}", std::process::id());
    docker(&[
        "build",
        "-q",
        "--network",
        "none",
        "-t",
        &tag,
        &ctx.display().to_string(),
    ]);
    let tar = dir.path().join("image.tar");
    let saved = std::process::Command::new("docker")
        .args(["save", "-o"])
        .arg(&tar)
        .arg(&tag)
        .status()
        .unwrap();
    let from_engine = sbom(&[&tag, "-f", "cyclonedx"]);
    let _ = docker(&["rmi", "-f", &tag]);
    assert!(saved.success());
    let from_tar = sbom(&[&tar.display().to_string(), "-f", "cyclonedx"]);
    for doc in [&from_engine, &from_tar] {
        let purls = purls(doc);
        for expected in [
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
            "pkg:apk/debian/musl@1.2.5-r0?arch=x86_64&distro=debian-12",
            "pkg:cargo/serde@1.0.200",
            "pkg:cargo/serde_derive@1.0.200",
        ] {
            assert!(
                purls.iter().any(|p| p == expected),
                "{expected} missing: {purls:#?}"
            );
        }
        assert_eq!(doc["bomFormat"], "CycloneDX");
        assert_eq!(doc["metadata"]["component"]["type"], "container");
        // Where each package was found, with its layer.
        let text = doc.to_string();
        assert!(text.contains("/var/lib/dpkg/status.d/libssl3"), "{text}");
        assert!(text.contains("dockguard:location:layer-digest"), "{text}");
    }
    assert_eq!(purls(&from_engine), purls(&from_tar));
    let spdx = sbom(&[&tar.display().to_string(), "-f", "spdx"]);
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    assert_eq!(
        spdx["packages"].as_array().unwrap().len(),
        1 + purls(&from_tar).len()
    );
}

#[test]
fn sbom_of_a_project_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("svc")).unwrap();
    std::fs::write(dir.path().join("svc/Cargo.lock"), CARGO_LOCK).unwrap();
    let doc = sbom(&[&dir.path().display().to_string(), "-f", "json"]);
    let names: Vec<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["serde", "serde_derive"]);
    let table = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["sbom", &dir.path().display().to_string()])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("serde_derive") && table.contains("2 packages"),
        "{table}"
    );
    let cdx = sbom(&[&dir.path().display().to_string(), "-f", "cyclonedx"]);
    assert_eq!(cdx["metadata"]["component"]["type"], "file");
}

/// A project's version-control metadata and cache directories (Cargo's `target/` has a
/// `CACHEDIR.TAG`) are not read; in a root filesystem (`etc/` and `usr/`) every directory is.
#[test]
fn project_directories_skip_vcs_metadata_and_caches() {
    let dir = tempfile::tempdir().unwrap();
    let put = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    put("Cargo.lock", CARGO_LOCK);
    put(".git/Cargo.lock", &CARGO_LOCK.replace("1.0.200", "0.9.0"));
    put(
        "target/CACHEDIR.TAG",
        "Signature: 8a477f597d28d172789f06886806bc55\n",
    );
    put(
        "target/package/Cargo.lock",
        &CARGO_LOCK.replace("1.0.200", "0.8.0"),
    );
    put(
        "vendor/target/Cargo.lock",
        &CARGO_LOCK.replace("1.0.200", "0.7.0"),
    );
    let versions = |doc: &serde_json::Value| -> Vec<String> {
        doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["name"].as_str().unwrap(),
                    p["locations"][0]["path"].as_str().unwrap()
                )
            })
            .collect()
    };
    let doc = sbom(&[&dir.path().display().to_string(), "-f", "json"]);
    // A `target` without the tag is an ordinary directory.
    assert_eq!(
        versions(&doc),
        [
            "serde vendor/target/Cargo.lock",
            "serde Cargo.lock",
            "serde_derive vendor/target/Cargo.lock",
            "serde_derive Cargo.lock"
        ]
    );
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::create_dir_all(dir.path().join("usr")).unwrap();
    let doc = sbom(&[&dir.path().display().to_string(), "-f", "json"]);
    assert_eq!(versions(&doc).len(), 8, "{doc}");
}

#[test]
fn sbom_documents_as_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("svc")).unwrap();
    std::fs::write(project.join("svc/Cargo.lock"), CARGO_LOCK).unwrap();
    let project = project.display().to_string();
    let mut direct = sbom(&[&project, "-f", "json"]);
    // Layer indices are not written in SBOM documents.
    for p in direct["packages"].as_array_mut().unwrap() {
        for l in p["locations"].as_array_mut().unwrap() {
            l.as_object_mut().unwrap().remove("layer");
        }
    }
    // Our own CycloneDX document, fed back: the same packages (names, versions, dependencies,
    // locations).
    let cdx = dir.path().join("bom.cdx.json");
    let written = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["sbom", &project, "-f", "cyclonedx", "-o"])
        .arg(&cdx)
        .output()
        .unwrap();
    assert_eq!(written.status.code(), Some(0));
    let cdx = cdx.display().to_string();
    let back = sbom(&[&cdx, "-f", "json"]);
    assert_eq!(back["packages"], direct["packages"], "{back:#}");
    assert_eq!(back["packages"][0]["dependencies"][0], "serde_derive");
    // Converted to SPDX: still a project (SOURCE), every package.
    let spdx = sbom(&[&cdx, "-f", "spdx"]);
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    assert_eq!(spdx["packages"].as_array().unwrap().len(), 3);
    assert_eq!(spdx["packages"][0]["primaryPackagePurpose"], "SOURCE");
    // A truncated document: exit 2, one line naming the file, line and column.
    let text = std::fs::read_to_string(&cdx).unwrap();
    let cut = &text[..text.len() / 2];
    let broken = dir.path().join("broken.cdx.json");
    std::fs::write(&broken, cut).unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["sbom", "-f", "json"])
        .arg(&broken)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let at = format!("broken.cdx.json:{}:", cut.lines().count());
    assert!(
        stderr.contains(&at) && stderr.contains("malformed JSON"),
        "{at} not in {stderr}"
    );
    assert!(out.stdout.is_empty());
}
