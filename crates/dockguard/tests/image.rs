//! End to end: `dockguard image` on images built by the real Docker engine and saved with
//! `docker save`. Fails (does not skip) when no engine answers.

use std::path::Path;

use assert_cmd::Command;
use dockguard_testsupport::registry::{Registry, push};
use dockguard_testsupport::{IMAGE, docker, ensure_image};

/// A PEM private key as a leaked file would hold it (generated for this test, never used).
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\n\
MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n\
LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n\
-----END RSA PRIVATE KEY-----\n";

/// Builds `dockerfile` (with `files` in the context) on the engine, saves it to a tar in
/// `dir` and removes the tag.
fn build_and_save(dir: &Path, name: &str, dockerfile: &str, files: &[(&str, &str)]) -> String {
    build_and_save_with(dir, name, dockerfile, files, &[])
}

/// [`build_and_save`] with extra `docker build` arguments (`--build-arg K=V`).
fn build_and_save_with(
    dir: &Path,
    name: &str,
    dockerfile: &str,
    files: &[(&str, &str)],
    build_args: &[&str],
) -> String {
    let (tar, tag) = build_keep(dir, name, dockerfile, files, build_args);
    let _ = docker(&["rmi", "-f", &tag]);
    tar
}

/// Builds and saves like [`build_and_save_with`] but keeps the tag; returns (tar, tag).
fn build_keep(
    dir: &Path,
    name: &str,
    dockerfile: &str,
    files: &[(&str, &str)],
    build_args: &[&str],
) -> (String, String) {
    let ctx = dir.join(name);
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), dockerfile).unwrap();
    for (file, text) in files {
        std::fs::write(ctx.join(file), text).unwrap();
    }
    let tag = format!("dg-image-cli-{name}:{}", std::process::id());
    let context = ctx.display().to_string();
    let mut args = vec!["build", "-q", "--network", "none", "-t", &tag];
    args.extend_from_slice(build_args);
    args.push(&context);
    docker(&args);
    let tar = dir.join(format!("{name}.tar"));
    let saved = std::process::Command::new("docker")
        .args(["save", "-o"])
        .arg(&tar)
        .arg(&tag)
        .status()
        .unwrap();
    assert!(saved.success(), "docker save failed");
    (tar.display().to_string(), tag)
}

/// Runs `dockguard image TAR -f json`; returns the exit code and the findings.
fn analyse(tar: &str) -> (i32, Vec<serde_json::Value>) {
    analyse_from(tar, "--from=auto")
}

/// Runs `dockguard image TARGET FROM -f json`; returns the exit code and the findings.
fn analyse_from(target: &str, from: &str) -> (i32, Vec<serde_json::Value>) {
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["image", target, from, "-f", "json", "--no-config"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap(), findings)
}

fn codes(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn planted_problems_are_found() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = format!(
        "FROM {IMAGE}\n\
         ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT\n\
         EXPOSE 22\n\
         COPY key.pem /opt/deploy/key.pem\n\
         RUN /bin/busybox rm /opt/deploy/key.pem\n\
         COPY tool /usr/local/bin/tool\n\
         RUN /bin/busybox chmod 4755 /usr/local/bin/tool && /bin/busybox mkdir -p /shared \
             && /bin/busybox chmod 0777 /shared\n\
         ARG DEPLOY_TOKEN\n\
         RUN apt-get update || true\n\
         RUN echo $DEPLOY_TOKEN > /dev/null\n\
         COPY apt-get /usr/bin/apt-get\n\
         RUN /bin/busybox chmod 755 /usr/bin/apt-get && /bin/busybox mkdir -p /app \
             && /bin/busybox cp /bin/busybox /app/server\n\
         ENTRYPOINT [\"/app/server\"]\n"
    );
    let (tar, tag) = build_keep(
        dir.path(),
        "planted",
        &dockerfile,
        &[
            ("key.pem", PEM),
            ("tool", "#!/bin/sh\necho tool\n"),
            ("apt-get", "#!/bin/sh\necho apt\n"),
        ],
        &[
            "--build-arg",
            "DEPLOY_TOKEN=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT",
        ],
    );
    let layout = dir.path().join("planted-oci");
    dockguard_testsupport::oci_layout_from_docker_save(Path::new(&tar), &layout, &tag);
    // Pushed to a registry of our own on loopback.
    let storage = tempfile::tempdir().unwrap();
    let registry = Registry::start(storage.path(), "");
    let pushed = push(&registry, &tag, "dg/planted:1");
    // The same image from every source: the saved tar, an OCI layout, the engine by name, the
    // registry.
    let sources = [
        (tar.clone(), "--from=file"),
        (layout.display().to_string(), "--from=file"),
        (tag.clone(), "--from=engine"),
        (tag.clone(), "--from=auto"),
        (pushed.target.clone(), "--from=registry"),
    ];
    let mut results = Vec::new();
    for (target, from) in &sources {
        results.push(analyse_from(target, from));
    }
    drop(pushed);
    let _ = docker(&["rmi", "-f", &tag]);
    let mut reference: Option<Vec<(String, String)>> = None;
    for ((target, from), (code, findings)) in sources.iter().zip(results) {
        assert_planted(code, &findings);
        // Same codes and messages whatever the source (names differ: tag or path).
        let mut seen: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f["code"].to_string(), f["message"].to_string()))
            .collect();
        seen.sort();
        match &reference {
            None => reference = Some(seen),
            Some(r) => assert_eq!(r, &seen, "{target} {from}"),
        }
    }
}

fn assert_planted(code: i32, findings: &[serde_json::Value]) {
    assert_eq!(code, 1, "{findings:#?}");
    let codes = codes(findings);
    // Root user, no health check, AWS key in ENV, a key deleted by a later layer, port 22,
    // a setuid file, a world-writable folder, a shell and apt under a static binary.
    for expected in [
        "IM200", "IM201", "IM300", "IM301", "IM500", "IM700", "IM701", "IM900", "IM901", "IM902",
    ] {
        assert!(
            codes.iter().any(|c| c == expected),
            "{expected} missing: {findings:#?}"
        );
    }
    let secret = findings
        .iter()
        .find(|f| f["code"] == "IM301")
        .unwrap()
        .to_string();
    assert!(secret.contains("/opt/deploy/key.pem"), "{secret}");
    assert!(secret.contains("still shipped in layer"), "{secret}");
    let suid = findings
        .iter()
        .find(|f| f["code"] == "IM700")
        .unwrap()
        .to_string();
    assert!(suid.contains("/usr/local/bin/tool"), "{suid}");
    let ww = findings
        .iter()
        .filter(|f| f["code"] == "IM701")
        .map(|f| f.to_string())
        .collect::<Vec<_>>();
    assert!(ww.iter().any(|f| f.contains("/shared")), "{ww:#?}");
    // The history is judged by the Dockerfile rules: `apt-get update` alone (DF406) and the
    // secret build argument the classic builder records on every RUN that saw it (`|1
    // DEPLOY_TOKEN=… /bin/sh -c …`: DF300 name, DF303 used in RUN).
    for expected in ["DF406", "DF300", "DF303"] {
        let found = findings
            .iter()
            .filter(|f| f["code"] == expected)
            .map(|f| {
                f["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect::<Vec<_>>();
        assert!(
            found.iter().any(|file| file.contains("#history[")),
            "{expected} missing on history: {findings:#?}"
        );
    }
    // Secret values are masked everywhere, history quotes included.
    assert!(
        !findings.iter().any(|f| f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("wJalrXUtnFEMI/K7MDENG")),
        "{findings:#?}"
    );
    // Dockerfile-only rules (syntax, casing, FROM pinning, final-stage USER…) never appear.
    assert!(
        !codes
            .iter()
            .any(|c| ["DF000", "DF001", "DF102", "DF208", "DF521"].contains(&c.as_str())),
        "{findings:#?}"
    );
}

#[test]
fn hardened_image_has_no_user_or_healthcheck_findings() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = format!(
        "FROM {IMAGE}\n\
         HEALTHCHECK --interval=30s CMD [\"/bin/busybox\", \"true\"]\n\
         USER 1000:1000\n"
    );
    let tar = build_and_save(dir.path(), "hardened", &dockerfile, &[]);
    let (_, findings) = analyse(&tar);
    let codes = codes(&findings);
    assert!(
        !codes.iter().any(|c| c == "IM200" || c == "IM201"),
        "{findings:#?}"
    );
}

#[test]
fn unreadable_target_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("not-an-image.tar");
    std::fs::write(&bogus, "not a tar").unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["image", &bogus.display().to_string(), "--no-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot read image"), "{stderr}");
}

#[test]
fn unknown_engine_image_exits_2_with_one_line() {
    ensure_image();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["image", "dg-no-such-image:404", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("dg-no-such-image:404") && stderr.contains("no such image"),
        "{stderr}"
    );
}

#[test]
fn scan_with_image_reports_project_and_image_together() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {IMAGE}\nUSER 1000\n"),
    )
    .unwrap();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(dir.path())
        .args(["scan", "--image", IMAGE, "-f", "json", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files_scanned"], 2, "{json}");
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "IM200" && f["location"]["file"] == IMAGE),
        "{findings:#?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["location"]["file"] == "Dockerfile"),
        "{findings:#?}"
    );
    // An unreadable image is an input error (exit 2) that does not hide the rest.
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "scan",
            "--image",
            "/nonexistent/image.tar",
            "--image",
            IMAGE,
            "-f",
            "json",
            "--no-config",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "IM200")
    );
}

#[test]
fn inventory_of_an_engine_image() {
    ensure_image();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["image", IMAGE, "--inventory", "-f", "json", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["name"], IMAGE);
    assert_eq!(json["base"]["name"], "busybox");
    let shells = json["inventory"]["shells"].to_string();
    assert!(shells.contains("/bin/sh"), "{json:#}");
    assert!(
        json["inventory"]["score"].as_u64().unwrap() < 100,
        "{json:#}"
    );
    assert!(
        json["inventory"]["final_bytes"].as_u64().unwrap() > 500_000,
        "{json:#}"
    );
    let text = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["image", IMAGE, "--inventory", "--no-config"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Base image   busybox"), "{text}");
    assert!(text.contains("Distroless   score"), "{text}");
}

/// A tar member with a raw name (no normalisation by the tar crate).
fn raw_member(
    b: &mut tar::Builder<Vec<u8>>,
    name: &[u8],
    kind: tar::EntryType,
    link: &[u8],
    data: &[u8],
) {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

#[test]
fn hostile_images_write_nothing_and_never_leave_the_root() {
    let dir = tempfile::tempdir().unwrap();
    // Outside every image root: an account database with an empty password. Reading it through
    // a link would make IM702 fire.
    let outside = dir.path().join("outside-shadow");
    std::fs::write(&outside, "root::19000:0:99999:7:::\n").unwrap();
    let mut layer = tar::Builder::new(Vec::new());
    raw_member(
        &mut layer,
        b"../../escape.txt",
        tar::EntryType::Regular,
        b"",
        b"x",
    );
    raw_member(&mut layer, b"/abs.txt", tar::EntryType::Regular, b"", b"y");
    raw_member(
        &mut layer,
        b"etc/shadow",
        tar::EntryType::Symlink,
        outside.to_str().unwrap().as_bytes(),
        b"",
    );
    raw_member(
        &mut layer,
        b"etc/passwd",
        tar::EntryType::Symlink,
        b"../../../../../../outside-shadow",
        b"",
    );
    raw_member(
        &mut layer,
        b"hard",
        tar::EntryType::Link,
        b"../../outside-shadow",
        b"",
    );
    let layer = layer.into_inner().unwrap();
    let mut archive = tar::Builder::new(Vec::new());
    let config = br#"{"architecture":"amd64","os":"linux","config":{"User":"1000"},"rootfs":{"type":"layers","diff_ids":["sha256:00"]}}"#;
    let manifest = br#"[{"Config":"c.json","RepoTags":["hostile:1"],"Layers":["l/layer.tar"]}]"#;
    for (name, data) in [
        ("l/layer.tar", &layer[..]),
        ("c.json", &config[..]),
        ("manifest.json", &manifest[..]),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        archive.append_data(&mut h, name, data).unwrap();
    }
    let tar_path = dir.path().join("hostile.tar");
    std::fs::write(&tar_path, archive.into_inner().unwrap()).unwrap();
    // A root-filesystem directory with the same links.
    let rootfs = dir.path().join("rootfs");
    std::fs::create_dir_all(rootfs.join("etc")).unwrap();
    std::os::unix::fs::symlink(&outside, rootfs.join("etc/shadow")).unwrap();
    std::os::unix::fs::symlink("../../outside-shadow", rootfs.join("etc/passwd")).unwrap();

    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let before: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for target in [tar_path.display().to_string(), rootfs.display().to_string()] {
        for extra in [&[][..], &["--inventory"][..]] {
            let out = Command::cargo_bin("dockguard")
                .unwrap()
                .current_dir(&work)
                .args(["image", &target, "-f", "json", "--no-config"])
                .args(extra)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{target}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                !stdout.contains("IM702") && !stdout.contains("IM703"),
                "{target}: {stdout}"
            );
        }
    }
    assert_eq!(
        std::fs::read_dir(&work).unwrap().count(),
        0,
        "files written in the working folder"
    );
    let after: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    assert!(!dir.path().join("escape.txt").exists());
}
