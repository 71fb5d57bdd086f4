use super::*;
use crate::model::user_is_root;

fn load_str(text: &str) -> Workload {
    load("compose.yaml", None, text).unwrap()
}

#[test]
fn service_fields_with_positions() {
    let text = "\
services:
  web:
    image: nginx:1.27
    user: \"0:0\"
    privileged: true
    cap_add: [SYS_ADMIN]
    cap_drop:
      - ALL
    pid: host
    network_mode: \"service:db\"
    read_only: yes
    security_opt:
      - no-new-privileges:true
      - seccomp=unconfined
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - type: bind
        source: /etc
        target: /host/etc
        read_only: true
        bind:
          propagation: rshared
      - data:/data
    ports:
      - \"8080:80\"
      - target: 22
        published: 2222
        host_ip: 127.0.0.1
    environment:
      DB_PASSWORD: hunter2
      PLAIN:
    secrets: [db_pw]
    sysctls:
      - net.ipv4.ip_forward=1
    restart: on-failure:3
    healthcheck:
      disable: true
    deploy:
      resources:
        limits: {cpus: '0.5', memory: 256M, pids: 100}
";
    let w = load_str(text);
    let c = &w.containers[0];
    assert_eq!(c.name, "web");
    assert_eq!((c.loc.line, c.loc.column), (2, 3));
    assert_eq!(c.image.as_ref().unwrap().value, "nginx:1.27");
    assert!(user_is_root(&c.user.as_ref().unwrap().value));
    assert_eq!(c.privileged.as_ref().unwrap().loc.line, 5);
    assert_eq!(c.cap_add[0].value, "SYS_ADMIN");
    assert_eq!(c.cap_drop[0].loc.line, 8);
    assert_eq!(c.pid.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(
        c.network.as_ref().unwrap().value,
        Namespace::Container("db".into())
    );
    assert!(c.read_only_rootfs.as_ref().unwrap().value);
    assert!(c.no_new_privileges.as_ref().unwrap().value);
    assert_eq!(c.seccomp.as_ref().unwrap().value, "unconfined");
    assert_eq!(c.mounts.len(), 3);
    assert_eq!(c.mounts[1].propagation.as_deref(), Some("rshared"));
    assert!(c.mounts[1].read_only);
    assert_eq!(c.mounts[1].loc.line, 17);
    assert_eq!(c.mounts[2].kind, MountKind::Volume);
    assert_eq!(c.ports[1].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(c.ports[1].host_port, Some(2222));
    assert_eq!(c.env[0].value.as_deref(), Some("hunter2"));
    assert_eq!(c.env[0].value_loc.line, 30);
    assert_eq!(c.env[1].value, None);
    assert_eq!(c.secrets[0].value, "db_pw");
    assert_eq!(c.sysctls[0].0.value, "net.ipv4.ip_forward");
    assert_eq!(c.restart.as_ref().unwrap().value.max_retries, Some(3));
    assert!(c.healthcheck.as_ref().unwrap().value.disabled);
    assert_eq!(c.memory_limit.as_ref().unwrap().value, "256M");
    assert_eq!(c.cpu_limit.as_ref().unwrap().value, "0.5");
    assert_eq!(c.pids_limit.as_ref().unwrap().value, 100);
}

#[test]
fn interpolation() {
    let env: HashMap<String, String> = [
        ("A".to_string(), "x".to_string()),
        ("E".to_string(), String::new()),
    ]
    .into();
    assert_eq!(substitute("${A}-$A-$$A", &env), "x-x-$A");
    assert_eq!(substitute("${B:-def}", &env), "def");
    assert_eq!(substitute("${E:-def}|${E-def}", &env), "def|");
    assert_eq!(substitute("${A:+yes}${B:+no}", &env), "yes");
    assert_eq!(substitute("${B:?must be set}", &env), "");
    assert_eq!(substitute("${B:-${A}}", &env), "x");
    assert_eq!(substitute("cost $5", &env), "cost $5");
}

#[test]
fn dotenv_extends_and_include() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "TAG=1.2\nexport PRIV=true # comment\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("base.yml"),
        "services:\n  common:\n    cap_add: [NET_ADMIN]\n    user: root\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.yaml"),
        "services:\n  cache:\n    image: redis\n    pid: host\n",
    )
    .unwrap();
    let main = "\
include:
  - other.yaml
services:
  app:
    image: app:${TAG}
    privileged: ${PRIV}
    extends:
      file: base.yml
      service: common
    user: \"1000\"
  worker:
    extends: app
    cap_add: [SYS_PTRACE]
";
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, main).unwrap();
    let w = load("compose.yaml", Some(&path), main).unwrap();
    let names: Vec<&str> = w.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["cache", "app", "worker"]);
    let cache = &w.containers[0];
    assert!(cache.loc.file.ends_with("other.yaml"), "{}", cache.loc.file);
    assert_eq!(cache.pid.as_ref().unwrap().loc.line, 4);
    let app = &w.containers[1];
    assert_eq!(app.image.as_ref().unwrap().value, "app:1.2");
    assert!(app.is_privileged());
    assert_eq!(app.user.as_ref().unwrap().value, "1000");
    assert_eq!(app.cap_add[0].value, "NET_ADMIN");
    assert!(app.cap_add[0].loc.file.ends_with("base.yml"));
    let worker = &w.containers[2];
    let caps: Vec<&str> = worker.cap_add.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(caps, ["NET_ADMIN", "SYS_PTRACE"]);
    assert!(worker.is_privileged());
}

#[test]
fn bad_files_name_their_position() {
    let err = load(
        "c.yaml",
        None,
        "services:\n  a:\n    image: x\n  a:\n    image: y\n",
    )
    .unwrap_err();
    assert_eq!((err.line, err.column), (4, 3));
    assert!(err.to_string().starts_with("c.yaml:4:3:"), "{err}");
    let err = load("c.yaml", None, "- a\n- b\n").unwrap_err();
    assert!(err.message.contains("mapping"), "{err}");
    let err = load("c.yaml", None, "services:\n  a:\n    extends: nope\n").unwrap_err();
    assert_eq!(err.line, 3);
    let err = load(
        "c.yaml",
        None,
        "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
    )
    .unwrap_err();
    assert!(err.message.contains("cycle"), "{err}");
}

#[test]
fn include_cycles_and_missing_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), "include: [compose.yaml]\n").unwrap();
    let main = "include: [a.yaml]\nservices: {}\n";
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, main).unwrap();
    let err = load("compose.yaml", Some(&path), main).unwrap_err();
    assert!(err.message.contains("includes itself"), "{err}");
    let main = "include: [missing.yaml]\n";
    let err = load("compose.yaml", Some(&path), main).unwrap_err();
    assert_eq!((err.line, err.column), (1, 11));
}

#[test]
fn environment_references_are_not_literal_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "PW=from-dotenv\n").unwrap();
    let main = "services:\n  a:\n    build: .\n    image: me/a:latest\n    environment:\n      - ONE=${PW}\n      - TWO=${PW:-dev-default}\n    \n  b:\n    image: b:1\n    environment:\n      THREE: ${PW:-}\n      FOUR: pre-$PW\n";
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, main).unwrap();
    let w = load("compose.yaml", Some(&path), main).unwrap();
    let a = &w.containers[0];
    assert!(a.image.is_none(), "a built image is not pulled");
    assert_eq!(a.env[0].value, None);
    assert_eq!(a.env[1].value.as_deref(), Some("from-dotenv"));
    let b = &w.containers[1];
    assert_eq!(b.image.as_ref().unwrap().value, "b:1");
    assert_eq!(b.env[0].value, None);
    assert_eq!(b.env[1].value.as_deref(), Some("pre-from-dotenv"));
}
