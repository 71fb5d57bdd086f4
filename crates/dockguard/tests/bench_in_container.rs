//! `dockguard bench` run as a container, with the documented `docker run` line (docs/bench.md),
//! against the real Docker engine: it must reach the same verdicts as the bench run on the
//! host, and never report its own container. Fails, rather than skips, without an engine.

use dockguard_testsupport::Containers;
use std::collections::BTreeMap;
use std::process::Command;

/// Removes the test image when dropped.
struct Image(String);

impl Drop for Image {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rmi", "-f", &self.0]).output();
    }
}

/// An image holding the test build of dockguard and the shared libraries `ldd` lists for it.
fn dockguard_image(tag: &str) -> Image {
    let bin = assert_cmd::cargo::cargo_bin("dockguard");
    let root = tempfile::tempdir().unwrap();
    let copy = |from: &std::path::Path, to: &str| {
        let dest = root.path().join(to.trim_start_matches('/'));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from, &dest).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    };
    copy(&bin, "/usr/local/bin/dockguard");
    let ldd = Command::new("ldd").arg(&bin).output().expect("ldd");
    for line in String::from_utf8_lossy(&ldd.stdout).lines() {
        // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`
        let path = line
            .split("=>")
            .last()
            .and_then(|rest| rest.split_whitespace().next())
            .filter(|p| p.starts_with('/'));
        if let Some(path) = path {
            copy(std::path::Path::new(path), path);
        }
    }
    std::fs::create_dir_all(root.path().join("tmp")).unwrap();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -C '{}' -c . | docker import -c 'ENTRYPOINT [\"/usr/local/bin/dockguard\"]' - {tag}",
            root.path().display()
        ))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "docker import of {tag} failed");
    Image(tag.to_string())
}

/// Check id → (verdict, items) of a dbs-json log.
fn verdicts(log: &[u8]) -> BTreeMap<String, (String, Vec<String>)> {
    let json: serde_json::Value = serde_json::from_slice(log)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(log)));
    let mut out = BTreeMap::new();
    for section in json["tests"].as_array().unwrap() {
        for result in section["results"].as_array().unwrap() {
            let items = result["items"]
                .as_array()
                .map(|a| a.iter().map(|i| i.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            out.insert(
                result["id"].as_str().unwrap().to_string(),
                (result["result"].as_str().unwrap().to_string(), items),
            );
        }
    }
    out
}

#[test]
fn bench_in_a_container_agrees_with_the_bench_on_the_host() {
    dockguard_engine::Engine::connect(None)
        .unwrap_or_else(|e| panic!("a Docker engine must answer (CI starts one): {e}"));
    let pid = std::process::id();
    let tag = format!("dockguard-test:{pid}");
    let _image = dockguard_image(&tag);
    let name = format!("dg-bench-self-{pid}");
    let _guard = Containers(vec![name.clone()]);

    let host = Command::new(assert_cmd::cargo::cargo_bin("dockguard"))
        .args(["bench", "--no-config", "-f", "dbs-json"])
        .env("DOCKER_CONTENT_TRUST", "1")
        .output()
        .unwrap();
    assert!(
        host.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&host.stderr)
    );
    // The documented line (docs/bench.md), with the test image; exit 1 only means findings.
    let contained = Command::new("docker")
        .args([
            "run",
            "--rm",
            "--name",
            &name,
            "--net",
            "host",
            "--pid",
            "host",
            "--userns",
            "host",
            "--cap-add",
            "audit_control",
            "--label",
            "dockguard.bench",
            "-e",
            "DOCKER_CONTENT_TRUST=1",
            "-v",
            "/:/host:ro",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock:ro",
            &tag,
            "bench",
            "--no-config",
            "--root",
            "/host",
            "-f",
            "dbs-json",
        ])
        .output()
        .unwrap();
    assert!(
        contained.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&contained.stderr)
    );
    let contained = String::from_utf8(contained.stdout).unwrap();
    let on_host = verdicts(&host.stdout);
    let in_container = verdicts(contained.as_bytes());
    assert!(on_host.len() > 100, "{} checks", on_host.len());
    assert_eq!(
        on_host.keys().collect::<Vec<_>>(),
        in_container.keys().collect::<Vec<_>>()
    );
    for (id, verdict) in &on_host {
        assert_eq!(Some(verdict), in_container.get(id), "check {id}");
    }
    // The host facts were really read through /host: the daemon's socket was found.
    assert_eq!(in_container["3.16"].0, "PASS");
    for (id, (_, items)) in &in_container {
        assert!(
            !items.iter().any(|i| i.contains(&name)),
            "{id} reports the bench itself"
        );
    }
}
