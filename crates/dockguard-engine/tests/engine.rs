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
