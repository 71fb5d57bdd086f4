//! Inspect JSON captured from a real Docker 20.10 engine (`docker create` / `docker run` with
//! the flags each file is named for, then `docker inspect`, or `GET /containers/{id}/json`
//! for `privileged-api-object.json`).

use super::*;
use crate::model::{ContainerSettings, MountKind, Namespace, Setting};
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inspect")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn containers(name: &str) -> (String, Vec<ContainerSettings>) {
    let text = fixture(name);
    let workload = load(&format!("docker://{name}"), &text).unwrap();
    (text, workload.containers)
}

/// The source text a setting points at.
fn at<'a, T>(text: &'a str, s: &Option<Setting<T>>) -> &'a str {
    let s = s.as_ref().expect("setting present");
    &text[s.loc.span.clone()]
}

fn value<T: Clone>(s: &Option<Setting<T>>) -> Option<T> {
    s.as_ref().map(|s| s.value.clone())
}

#[test]
fn privileged_created_container() {
    let (text, list) = containers("privileged-created.json");
    assert_eq!(list.len(), 1);
    let c = &list[0];
    assert_eq!(c.source, SourceKind::Engine);
    assert_eq!(c.name, "dgfx-bad");
    assert_eq!(&text[c.loc.span.clone()], "\"/dgfx-bad\"");
    assert_eq!(c.loc.file, "docker://privileged-created.json");
    assert_eq!(value(&c.image).as_deref(), Some("dg-busybox:test"));
    assert_eq!(value(&c.user).as_deref(), Some("0:0"));
    assert_eq!(at(&text, &c.user), "\"0:0\"");
    assert_eq!(value(&c.privileged), Some(true));
    assert_eq!(at(&text, &c.privileged), "true");
    let line = c.privileged.as_ref().unwrap().loc.line as usize;
    assert_eq!(
        text.lines().nth(line - 1).unwrap().trim(),
        "\"Privileged\": true,"
    );
    let caps: Vec<&str> = c.cap_add.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(caps, ["CAP_NET_ADMIN", "CAP_SYS_ADMIN"]);
    assert_eq!(&text[c.cap_add[1].loc.span.clone()], "\"CAP_SYS_ADMIN\"");
    assert!(c.cap_drop.is_empty());
    for ns in [&c.pid, &c.ipc, &c.network, &c.uts, &c.userns, &c.cgroupns] {
        assert_eq!(value(ns), Some(Namespace::Host));
    }
    assert_eq!(at(&text, &c.pid), "\"host\"");
    assert_eq!(
        (&c.memory_limit, &c.cpu_limit, &c.pids_limit),
        (&None, &None, &None)
    );
    assert_eq!(value(&c.oom_kill_disable), Some(true));
    assert_eq!(value(&c.read_only_rootfs), Some(false));
    assert_eq!(value(&c.no_new_privileges), None);
    assert_eq!(value(&c.seccomp).as_deref(), Some("unconfined"));
    assert_eq!(at(&text, &c.seccomp), "\"seccomp=unconfined\"");
    assert_eq!(value(&c.apparmor).as_deref(), Some("unconfined"));
    assert_eq!(at(&text, &c.apparmor), "\"apparmor=unconfined\"");
    assert_eq!(c.selinux.len(), 1);
    assert_eq!(c.selinux[0].value, "disable");
    assert_eq!(value(&c.unmasked_paths), None);

    let mounts: Vec<_> = c
        .mounts
        .iter()
        .map(|m| {
            (
                m.kind,
                m.source.as_deref(),
                m.target.as_deref(),
                m.read_only,
                m.propagation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            (
                MountKind::Bind,
                Some("/etc"),
                Some("/hostetc"),
                true,
                Some("rshared")
            ),
            (
                MountKind::Volume,
                Some("dgdata"),
                Some("/data"),
                false,
                None
            ),
            (
                MountKind::Bind,
                Some("/var/run"),
                Some("/hostrun"),
                false,
                Some("rprivate")
            ),
            (MountKind::Tmpfs, None, Some("/tmp"), false, None),
        ]
    );
    assert_eq!(&text[c.mounts[2].loc.span.clone()], "\"/var/run\"");
    assert_eq!(&text[c.mounts[3].loc.span.clone()], "\"/tmp\"");

    assert_eq!(c.devices.len(), 1);
    assert_eq!(c.devices[0].value, "/dev/null");
    assert_eq!(&text[c.devices[0].loc.span.clone()], "\"/dev/null\"");
    assert_eq!(c.env.len(), 2);
    assert_eq!(
        (c.env[0].name.as_str(), c.env[0].value.as_deref()),
        ("PASSWORD", Some("hunter2"))
    );
    assert_eq!(&text[c.env[0].loc.span.clone()], "\"PASSWORD=hunter2\"");
    assert_eq!(&text[c.env[0].value_loc.span.clone()], "hunter2");
    assert_eq!(
        (c.env[1].name.as_str(), c.env[1].value.as_deref()),
        ("PLAIN", None)
    );
    assert!(c.ports.is_empty());
    let restart = value(&c.restart).unwrap();
    assert_eq!(
        (restart.policy.as_str(), restart.max_retries),
        ("always", None)
    );
    assert_eq!(at(&text, &c.restart), "\"always\"");
    assert_eq!(value(&c.healthcheck).map(|h| h.disabled), Some(true));
    assert!(at(&text, &c.healthcheck).contains("\"NONE\""));
    assert_eq!(value(&c.cgroup_parent), None);
    assert!(c.sysctls.is_empty() && c.ulimits.is_empty());
}

#[test]
fn the_api_object_reads_like_the_cli_array() {
    let (text, api) = containers("privileged-api-object.json");
    let (_, cli) = containers("privileged-created.json");
    assert_eq!(api.len(), 1);
    let (a, c) = (&api[0], &cli[0]);
    assert_eq!(a.name, c.name);
    assert_eq!(value(&a.privileged), value(&c.privileged));
    assert_eq!(value(&a.seccomp), value(&c.seccomp));
    assert_eq!(a.mounts.len(), c.mounts.len());
    assert_eq!(a.env.len(), c.env.len());
    // One line of compact JSON: spans still name the exact values.
    assert_eq!(text.lines().count(), 1);
    assert_eq!(at(&text, &a.privileged), "true");
    let loc = &a.privileged.as_ref().unwrap().loc;
    assert_eq!(loc.line, 1);
    assert_eq!(loc.column as usize, loc.span.start + 1);
    assert_eq!(&text[a.env[0].value_loc.span.clone()], "hunter2");
}

#[test]
fn hardened_running_container() {
    let (text, list) = containers("hardened-running.json");
    let c = &list[0];
    assert_eq!(c.name, "dgfx-hardened");
    assert_eq!(value(&c.user).as_deref(), Some("1000:1000"));
    assert_eq!(value(&c.privileged), Some(false));
    assert_eq!(value(&c.read_only_rootfs), Some(true));
    assert_eq!(c.cap_drop.len(), 1);
    assert_eq!(c.cap_drop[0].value, "ALL");
    assert_eq!(c.cap_add[0].value, "CAP_NET_BIND_SERVICE");
    assert_eq!(value(&c.no_new_privileges), Some(true));
    assert_eq!(at(&text, &c.no_new_privileges), "\"no-new-privileges\"");
    assert_eq!(value(&c.memory_limit).as_deref(), Some("268435456"));
    assert_eq!(at(&text, &c.memory_limit), "268435456");
    assert_eq!(value(&c.cpu_limit).as_deref(), Some("0.5"));
    assert_eq!(at(&text, &c.cpu_limit), "500000000");
    assert_eq!(value(&c.pids_limit), Some(100));
    assert_eq!(value(&c.oom_kill_disable), Some(false));
    // Empty modes are the defaults; `private` and `default` are private namespaces.
    assert_eq!(value(&c.pid), None);
    assert_eq!(value(&c.uts), None);
    assert_eq!(value(&c.userns), None);
    assert_eq!(value(&c.ipc), Some(Namespace::Other("private".into())));
    assert_eq!(value(&c.network), Some(Namespace::Other("default".into())));
    // The capture host runs cgroup v1, where the daemon's default is the host's namespace.
    assert_eq!(value(&c.cgroupns), Some(Namespace::Host));
    assert_eq!(value(&c.apparmor), None, "no AppArmor on the capture host");
    assert_eq!(value(&c.seccomp), None);
    assert_eq!(value(&c.unmasked_paths), None);

    let ports: Vec<_> = c
        .ports
        .iter()
        .map(|p| {
            (
                p.host_ip.as_deref(),
                p.host_port,
                p.container_port,
                p.protocol.as_str(),
                p.published,
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            (None, Some(2222), Some(22), "tcp", true),
            (None, Some(53), Some(53), "udp", true),
            (Some("127.0.0.1"), Some(8080), Some(80), "tcp", true),
        ]
    );
    assert_eq!(&text[c.ports[0].loc.span.clone()], "\"2222\"");

    let restart = value(&c.restart).unwrap();
    assert_eq!(
        (restart.policy.as_str(), restart.max_retries),
        ("on-failure", Some(3))
    );
    assert_eq!(value(&c.healthcheck).map(|h| h.disabled), Some(false));
    assert_eq!(c.sysctls.len(), 1);
    assert_eq!(c.sysctls[0].0.value, "net.ipv4.ip_unprivileged_port_start");
    assert_eq!(c.sysctls[0].1.as_deref(), Some("0"));
    assert_eq!(
        &text[c.sysctls[0].0.loc.span.clone()],
        "\"net.ipv4.ip_unprivileged_port_start\""
    );
    let ulimits: Vec<&str> = c.ulimits.iter().map(|u| u.value.as_str()).collect();
    assert_eq!(ulimits, ["nofile", "nproc"]);
    assert_eq!(value(&c.cgroup_parent).as_deref(), Some("/dgtest"));

    let mounts: Vec<_> = c
        .mounts
        .iter()
        .map(|m| (m.kind, m.source.as_deref(), m.target.as_deref()))
        .collect();
    assert_eq!(
        mounts,
        [
            (MountKind::Volume, Some("dgcache"), Some("/cache")),
            (MountKind::Tmpfs, None, Some("/run")),
        ]
    );
    assert_eq!(&text[c.mounts[1].loc.span.clone()], "\"/run\"");
    assert_eq!(c.env.len(), 1);
    assert_eq!(&text[c.env[0].value_loc.span.clone()], "prod");
}

#[test]
fn shared_namespaces_custom_seccomp_and_an_array_of_two() {
    let (text, list) = containers("shared-namespaces-pair.json");
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].name, "dgfx-hardened");
    let c = &list[0];
    assert_eq!(c.name, "dgfx-shared");
    let hardened_id = "d1fd74d8b1574dc4bc8ad5209a299be30298a3042c5b5711b6fe4270343286de";
    for ns in [&c.pid, &c.ipc, &c.network] {
        assert_eq!(value(ns), Some(Namespace::Container(hardened_id.into())));
    }
    assert_eq!(value(&c.seccomp).as_deref(), Some(CUSTOM_SECCOMP));
    assert!(at(&text, &c.seccomp).starts_with("\"seccomp={\\\"defaultAction\\\""));
    assert_eq!(value(&c.unmasked_paths), Some(true));
    assert_eq!(at(&text, &c.unmasked_paths), "[]");
    assert_eq!(value(&c.cpu_limit).as_deref(), Some("0.5"));
    assert_eq!(at(&text, &c.cpu_limit), "50000");
    assert_eq!(value(&c.memory_limit), None);
    assert_eq!(value(&c.pids_limit), None);
    assert_eq!(c.devices[0].value, "/dev/fuse");
    assert_eq!(c.mounts.len(), 1);
    let m = &c.mounts[0];
    assert_eq!(
        (m.kind, m.source.as_deref(), m.read_only),
        (MountKind::Bind, Some("/var/run/docker.sock"), true)
    );
    assert_eq!(value(&c.restart).unwrap().policy, "no");
    assert_eq!(value(&c.user).as_deref(), Some("app"));
    assert_eq!(value(&c.healthcheck), None);
    // Locations of the second object are further down the same file.
    assert!(list[1].loc.line > c.loc.line);
    assert_eq!(&text[list[1].loc.span.clone()], "\"/dgfx-hardened\"");
}

#[test]
fn publish_all_and_whole_cpus() {
    let (text, list) = containers("publish-all.json");
    let c = &list[0];
    assert_eq!(value(&c.cpu_limit).as_deref(), Some("2"));
    let restart = value(&c.restart).unwrap();
    assert_eq!(
        (restart.policy.as_str(), restart.max_retries),
        ("unless-stopped", None)
    );
    let ports: Vec<_> = c
        .ports
        .iter()
        .map(|p| {
            (
                p.host_ip.as_deref(),
                p.host_port,
                p.container_port,
                p.protocol.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            (Some("127.0.0.1"), Some(9090), Some(9090), "udp"),
            (None, None, Some(8080), "tcp"),
        ]
    );
    assert_eq!(&text[c.ports[1].loc.span.clone()], "true");
}

#[test]
fn hand_written_objects_and_fallbacks() {
    let text = r#"{"Id": "0123456789abcdef", "HostConfig": {"Binds": ["/:/host:ro"],
        "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/s",
                    "BindOptions": {"Propagation": "rshared"}}],
        "PidsLimit": -1, "Memory": 0, "CpuShares": 512, "RestartPolicy": {"Name": ""},
        "SecurityOpt": ["seccomp:unconfined", "no-new-privileges:true"]},
     "AppArmorProfile": "docker-default",
     "Config": {"Env": ["A=\u00e9x", "B=="], "User": ""}}"#;
    let workload = load("x.inspect.json", text).unwrap();
    let c = &workload.containers[0];
    assert_eq!(c.name, "0123456789ab");
    assert_eq!(c.mounts.len(), 2);
    assert_eq!(c.mounts[0].source.as_deref(), Some("/"));
    assert!(c.mounts[0].read_only);
    assert_eq!(c.mounts[1].propagation.as_deref(), Some("rshared"));
    assert_eq!(value(&c.pids_limit), None);
    assert_eq!(value(&c.memory_limit), None);
    assert_eq!(value(&c.cpu_limit).as_deref(), Some("512"));
    assert_eq!(value(&c.restart).unwrap().policy, "no");
    assert_eq!(value(&c.seccomp).as_deref(), Some("unconfined"));
    assert_eq!(value(&c.no_new_privileges), Some(true));
    assert_eq!(value(&c.apparmor).as_deref(), Some("docker-default"));
    assert_eq!(value(&c.user), None);
    // An escaped value cannot be mapped byte for byte: the whole string is the location.
    assert_eq!(c.env[0].value.as_deref(), Some("éx"));
    assert_eq!(&text[c.env[0].value_loc.span.clone()], "\"A=\\u00e9x\"");
    assert_eq!(c.env[1].value.as_deref(), Some("="));
    assert_eq!(&text[c.env[1].value_loc.span.clone()], "=");

    assert!(load("empty.json", "").unwrap().containers.is_empty());
    assert!(load("none.json", "[]").unwrap().containers.is_empty());
}

#[test]
fn other_json_is_an_error_with_a_position() {
    for bad in [
        "\"hello\"",
        "[1]",
        "{\"Images\": []}",
        "[{\"Id\": \"a\"},\n {\"x\": 1}]",
    ] {
        let err = load("bad.json", bad).unwrap_err();
        assert_eq!(err.file, "bad.json");
        assert!(err.message.contains("container-inspect"), "{bad}: {err}");
    }
    let err = load("bad.json", "[{\"Id\": \"a\"},\n {\"x\": 1}]").unwrap_err();
    assert_eq!((err.line, err.column), (2, 2));
    let err = load("broken.json", "{\"Id\": [1, 2}").unwrap_err();
    assert!(err.line >= 1 && err.column >= 1, "{err}");
}

#[test]
fn host_facts_from_info() {
    // SecurityOptions as this machine's 20.10 engine reports them, then with userns-remap.
    let plain = r#"{"ServerVersion": "20.10.24+dfsg1", "SecurityOptions": ["name=seccomp,profile=default"]}"#;
    assert!(!host_facts(plain).userns_remap);
    let remapped =
        r#"{"SecurityOptions": ["name=apparmor", "name=seccomp,profile=default", "name=userns"]}"#;
    assert!(host_facts(remapped).userns_remap);
    assert!(!host_facts("{not json").userns_remap);
    assert!(!host_facts("").userns_remap);
    assert_eq!(
        host_facts(r#"{"CgroupVersion": "1"}"#).cgroup_version,
        Some(1)
    );
    assert_eq!(host_facts(plain).cgroup_version, None);
}
