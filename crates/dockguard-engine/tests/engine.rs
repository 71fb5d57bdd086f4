//! The client against the real Docker engine (`DOCKER_HOST` or /var/run/docker.sock). These
//! tests fail, rather than skip, when no engine answers: CI installs and starts one.

use dockguard_engine::{ContainerSummary, Engine};
use dockguard_testsupport::{Containers, IMAGE, docker, ensure_image};
use std::path::Path;
use std::process::Command;

fn engine() -> Engine {
    Engine::connect(None).unwrap_or_else(|e| {
        panic!("a Docker engine must answer for these tests (CI starts one): {e}")
    })
}

#[test]
fn ping_version_and_info() {
    let mut engine = engine();
    let ping = engine.ping().unwrap();
    assert_eq!(ping.body, "OK");
    let server: Vec<u32> = ping
        .api_version
        .as_deref()
        .expect("the engine sends API-Version")
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    let chosen = engine.negotiate().unwrap();
    let expected = (server[0], server[1]).min(dockguard_engine::MAX_API_VERSION);
    assert_eq!(chosen, format!("{}.{}", expected.0, expected.1));

    let version = engine.version().unwrap();
    assert!(version.value["ApiVersion"].is_string(), "{}", version.text);
    assert!(version.value["Version"].is_string(), "{}", version.text);
    let info = engine.info().unwrap();
    assert!(info.value["ServerVersion"].is_string());
    assert!(info.value["SecurityOptions"].is_array(), "{}", info.text);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&info.text).unwrap(),
        info.value
    );
}

#[test]
fn lists_and_inspects_a_container() {
    let engine = engine();
    ensure_image();
    let name = format!("dg-engine-test-{}", std::process::id());
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();
    let id = docker(&[
        "create",
        "--name",
        &name,
        "--cap-add",
        "NET_ADMIN",
        "--read-only",
        IMAGE,
        "sh",
    ]);
    let _guard = Containers(vec![name.clone()]);

    let all = ContainerSummary::list(&engine.containers(true).unwrap().value);
    let ours = all
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{name} not in the list of all containers: {all:?}"));
    assert_eq!(ours.name, name);
    assert_eq!(ours.state, "created");
    assert_eq!(ours.image, IMAGE);
    // Created, not running: not in the default list.
    let running = ContainerSummary::list(&engine.containers(false).unwrap().value);
    assert!(running.iter().all(|c| c.id != id));

    for key in [name.as_str(), id.as_str()] {
        let inspect = engine.inspect_container(key).unwrap();
        assert_eq!(inspect.value["Id"], id.as_str());
        assert_eq!(inspect.value["Name"], format!("/{name}").as_str());
        assert_eq!(inspect.value["HostConfig"]["ReadonlyRootfs"], true);
        let caps = inspect.value["HostConfig"]["CapAdd"].to_string();
        assert!(caps.contains("NET_ADMIN"), "{caps}");
        assert!(inspect.text.contains(&id));
    }

    let err = engine
        .inspect_container(&format!("{name}-does-not-exist"))
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[test]
fn a_wrong_socket_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    assert!(!Path::new(&socket).exists());
    let err = Engine::connect(Some(&format!("unix://{}", socket.display()))).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "cannot connect to the Docker engine at {}",
            socket.display()
        )),
        "{err}"
    );
}

#[test]
fn exports_an_image_as_a_stream() {
    let engine = engine();
    ensure_image();
    let mut tar = engine.export_image(IMAGE).unwrap();
    // Read the whole export as a stream and look at its entries without unpacking anything.
    let mut names = Vec::new();
    let mut bytes = 0u64;
    let mut archive = tar_entries(&mut tar, &mut bytes);
    names.append(&mut archive);
    assert!(names.iter().any(|n| n == "manifest.json"), "{names:?}");
    assert!(
        bytes > 100_000,
        "the busybox layer is in the stream ({bytes} bytes)"
    );

    let err = engine.export_image("dg-no-such-image:none").unwrap_err();
    assert!(
        matches!(err, dockguard_engine::Error::Api { status: 404, .. }),
        "{err:?}"
    );
}

/// Names of the entries of a tar stream (ustar headers read by hand: 512-byte blocks), and the
/// total bytes read.
fn tar_entries(stream: &mut impl std::io::Read, total: &mut u64) -> Vec<String> {
    let mut names = Vec::new();
    let mut block = [0u8; 512];
    loop {
        if stream.read_exact(&mut block).is_err() {
            return names;
        }
        *total += 512;
        if block.iter().all(|b| *b == 0) {
            return names;
        }
        let name_end = block[..100].iter().position(|b| *b == 0).unwrap_or(100);
        let name = String::from_utf8_lossy(&block[..name_end]).to_string();
        let size_text = String::from_utf8_lossy(&block[124..136]);
        let size = u64::from_str_radix(size_text.trim_matches(|c: char| c == '\0' || c == ' '), 8)
            .unwrap_or(0);
        let padded = size.div_ceil(512) * 512;
        std::io::copy(
            &mut std::io::Read::take(&mut *stream, padded),
            &mut std::io::sink(),
        )
        .unwrap();
        *total += padded;
        names.push(name);
    }
}
