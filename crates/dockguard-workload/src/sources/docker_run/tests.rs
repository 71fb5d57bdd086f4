use super::*;
use crate::model::Port;
use dockguard_core::Location;
use dockguard_dockerfile::syntax::{split_words, unquote};

/// Splits a command line into shell words (quotes removed) with their spans.
fn words(line: &str) -> Vec<ArgWord> {
    split_words(line, '\\')
        .into_iter()
        .map(|r| ArgWord::new(unquote(&line[r.clone()], '\\'), r))
        .collect()
}

fn run(line: &str) -> Option<ContainerSettings> {
    parse(&words(line), &Locator::new("t.sh", line))
}

fn must(line: &str) -> ContainerSettings {
    run(line).unwrap_or_else(|| panic!("not a docker run: {line}"))
}

fn text<'a>(line: &'a str, loc: &Location) -> &'a str {
    &line[loc.span.clone()]
}

#[test]
fn long_flags_with_separate_and_inline_values() {
    let line = "docker run --name web --cap-add=SYS_ADMIN --cap-add NET_ADMIN,SYS_TIME \
                --privileged --read-only=false -m 512m --memory-swap=1g nginx:1.25";
    let s = must(line);
    assert_eq!(s.source, SourceKind::DockerRun);
    assert_eq!(s.name, "web");
    assert_eq!(text(line, &s.loc), "docker run");
    let image = s.image.as_ref().unwrap();
    assert_eq!(
        (image.value.as_str(), text(line, &image.loc)),
        ("nginx:1.25", "nginx:1.25")
    );
    let caps: Vec<(&str, &str)> = s
        .cap_add
        .iter()
        .map(|c| (c.value.as_str(), text(line, &c.loc)))
        .collect();
    // Docker does not split comma lists of capabilities.
    assert_eq!(
        caps,
        [
            ("SYS_ADMIN", "SYS_ADMIN"),
            ("NET_ADMIN,SYS_TIME", "NET_ADMIN,SYS_TIME")
        ]
    );
    let privileged = s.privileged.as_ref().unwrap();
    assert!(privileged.value);
    assert_eq!(text(line, &privileged.loc), "--privileged");
    let read_only = s.read_only_rootfs.as_ref().unwrap();
    assert!(!read_only.value);
    assert_eq!(text(line, &read_only.loc), "--read-only=false");
    let memory = s.memory_limit.as_ref().unwrap();
    assert_eq!(
        (memory.value.as_str(), text(line, &memory.loc)),
        ("512m", "512m")
    );
}

#[test]
fn short_flag_clusters() {
    let line = "docker run -itd -p8080:80 -dp 127.0.0.1:2222:22 -e=A=b -eFOO=bar -v/x:/y \
                -h myhost -u=1000 img";
    let s = must(line);
    assert_eq!(s.image.as_ref().unwrap().value, "img");
    let ports: Vec<(Option<u32>, Option<u32>, &str)> = s
        .ports
        .iter()
        .map(|p: &Port| (p.host_port, p.container_port, text(line, &p.loc)))
        .collect();
    assert_eq!(
        ports,
        [
            (Some(8080), Some(80), "8080:80"),
            (Some(2222), Some(22), "127.0.0.1:2222:22")
        ]
    );
    assert_eq!(s.ports[1].host_ip.as_deref(), Some("127.0.0.1"));
    let env: Vec<(&str, Option<&str>, &str, &str)> = s
        .env
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.value.as_deref(),
                text(line, &e.loc),
                text(line, &e.value_loc),
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            ("A", Some("b"), "A=b", "b"),
            ("FOO", Some("bar"), "FOO=bar", "bar")
        ]
    );
    assert_eq!(s.mounts.len(), 1);
    assert_eq!(s.mounts[0].kind, MountKind::Bind);
    assert_eq!(text(line, &s.mounts[0].loc), "/x:/y");
    let user = s.user.as_ref().unwrap();
    assert_eq!(
        (user.value.as_str(), text(line, &user.loc)),
        ("1000", "1000")
    );
}

#[test]
fn the_image_ends_the_flags() {
    // The inner `docker run --privileged` is the container's command, not our flags.
    let line = r#"docker run --rm img sh -c "docker run --privileged x" --pid=host"#;
    let s = must(line);
    assert_eq!(s.image.as_ref().unwrap().value, "img");
    assert!(s.privileged.is_none() && s.pid.is_none());
    // `--` ends the flags too.
    let line = "docker run -t -- img --privileged";
    let s = must(line);
    assert_eq!(s.image.as_ref().unwrap().value, "img");
    assert!(s.privileged.is_none());
    // A bare `-` is an argument, not a flag.
    assert_eq!(must("docker run -").image.unwrap().value, "-");
}

#[test]
fn subcommands_and_global_options() {
    let line = "docker -H tcp://10.0.0.1:2375 --context=prod -D --tlsverify container run --pid=host alpine";
    let s = must(line);
    assert_eq!(
        text(line, &s.loc),
        "docker -H tcp://10.0.0.1:2375 --context=prod -D --tlsverify container run"
    );
    assert_eq!(s.pid.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(text(line, &s.pid.as_ref().unwrap().loc), "host");
    // `-l` is the log level before the subcommand, a label after it.
    let s = must("docker -l debug create -l a=b --ipc host busybox");
    assert_eq!(s.ipc.unwrap().value, Namespace::Host);
    assert_eq!(must("/usr/bin/docker container create x").name, "x");
    assert_eq!(must("docker run --name= x").name, "x");
    for line in [
        "docker ps -a",
        "docker exec -it web sh",
        "docker build -t x .",
        "docker container ls",
        "docker run",
        "docker run --name",
        "docker run -v",
        "podman run x",
        "docker -H",
    ] {
        assert!(run(line).is_none(), "{line}");
    }
    assert!(is_run_command(&words("docker container run x")));
    assert!(!is_run_command(&words("docker container exec x")));
}

#[test]
fn unknown_flags_do_not_swallow_the_image() {
    let s = must("docker run --some-new-flag --other=1 -Z img cmd");
    assert_eq!(s.image.unwrap().value, "img");
}

#[test]
fn boolean_values() {
    for (line, expected) in [
        ("docker run --privileged x", Some(true)),
        ("docker run --privileged=true x", Some(true)),
        ("docker run --privileged=1 x", Some(true)),
        ("docker run --privileged=False x", Some(false)),
        ("docker run --privileged=maybe x", None),
    ] {
        assert_eq!(must(line).privileged.map(|p| p.value), expected, "{line}");
    }
    // A boolean flag never takes the next word: `true` is the image here.
    let s = must("docker run --privileged true x");
    assert_eq!(s.image.unwrap().value, "true");
}

#[test]
fn quoted_values_keep_their_quotes_in_spans() {
    let line =
        r#"docker run --cap-add="SYS_ADMIN" --env="A=b c" -e 'K=v' --env=Q="x y" -e HOME img"#;
    let s = must(line);
    assert_eq!(text(line, &s.cap_add[0].loc), r#""SYS_ADMIN""#);
    assert_eq!(s.cap_add[0].value, "SYS_ADMIN");
    let env: Vec<(&str, Option<&str>, &str, &str)> = s
        .env
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.value.as_deref(),
                text(line, &e.loc),
                text(line, &e.value_loc),
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            ("A", Some("b c"), r#""A=b c""#, "b c"),
            ("K", Some("v"), "'K=v'", "v"),
            ("Q", Some("x y"), r#"Q="x y""#, r#""x y""#),
            // From the caller's environment.
            ("HOME", None, "HOME", "HOME"),
        ]
    );
}

#[test]
fn every_mapped_setting() {
    let line = "docker run -c 512 --cpus 1.5 --cpu-quota 50000 --pids-limit 100 --oom-kill-disable \
        --security-opt no-new-privileges --security-opt seccomp=unconfined \
        --mount type=bind,src=/etc,dst=/h,readonly --tmpfs /run:rw,size=64m --device /dev/fuse \
        --sysctl net.ipv4.ip_forward=1 --ulimit nofile=1024:2048 --restart on-failure:3 \
        --health-cmd 'curl -f localhost' --cgroup-parent /custom --net host --network other \
        --userns=host --uts host --cgroupns host --ipc container:db --use-api-socket \
        -v data:/data img";
    let s = must(line);
    let cpu = s.cpu_limit.as_ref().unwrap();
    assert_eq!((cpu.value.as_str(), text(line, &cpu.loc)), ("1.5", "1.5"));
    assert_eq!(s.pids_limit.as_ref().map(|p| p.value), Some(100));
    assert_eq!(
        text(line, &s.oom_kill_disable.as_ref().unwrap().loc),
        "--oom-kill-disable"
    );
    assert_eq!(s.no_new_privileges.as_ref().map(|v| v.value), Some(true));
    let seccomp = s.seccomp.as_ref().unwrap();
    assert_eq!(
        (seccomp.value.as_str(), text(line, &seccomp.loc)),
        ("unconfined", "seccomp=unconfined")
    );
    let kinds: Vec<(MountKind, Option<&str>, &str)> = s
        .mounts
        .iter()
        .map(|m| (m.kind, m.target.as_deref(), text(line, &m.loc)))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                MountKind::Bind,
                Some("/h"),
                "type=bind,src=/etc,dst=/h,readonly"
            ),
            (MountKind::Tmpfs, Some("/run"), "/run:rw,size=64m"),
            (
                MountKind::Bind,
                Some("/var/run/docker.sock"),
                "--use-api-socket"
            ),
            (MountKind::Volume, Some("/data"), "data:/data"),
        ]
    );
    assert!(s.mounts[0].read_only);
    assert_eq!(s.devices[0].value, "/dev/fuse");
    assert_eq!(s.sysctls[0].0.value, "net.ipv4.ip_forward");
    assert_eq!(s.sysctls[0].1.as_deref(), Some("1"));
    assert_eq!(text(line, &s.sysctls[0].0.loc), "net.ipv4.ip_forward=1");
    assert_eq!(s.ulimits[0].value, "nofile");
    let restart = s.restart.as_ref().unwrap();
    assert_eq!(
        (restart.value.policy.as_str(), restart.value.max_retries),
        ("on-failure", Some(3))
    );
    let hc = s.healthcheck.as_ref().unwrap();
    assert!(!hc.value.disabled);
    assert_eq!(text(line, &hc.loc), "'curl -f localhost'");
    assert_eq!(s.cgroup_parent.as_ref().unwrap().value, "/custom");
    // The first network is the mode; `host` wins over others.
    assert_eq!(s.network.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(s.userns.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(s.uts.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(s.cgroupns.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(
        s.ipc.as_ref().unwrap().value,
        Namespace::Container("db".into())
    );

    // Shares alone are the CPU limit; the short `-c` is `--cpu-shares`.
    let s = must("docker run -c 512 -m=1g img");
    assert_eq!(s.cpu_limit.unwrap().value, "512");
    assert_eq!(s.memory_limit.unwrap().value, "1g");
    let s = must("docker run --no-healthcheck --health-cmd true img");
    assert!(s.healthcheck.unwrap().value.disabled);
    let s = must("docker run --pids-limit $LIMIT --name $NAME img");
    assert!(s.pids_limit.is_none());
    assert_eq!(s.name, "$NAME");
}

#[test]
fn positions_are_lines_and_columns() {
    let text = "#!/bin/sh\n  docker run\n    --privileged\n    -p 80:80 nginx\n";
    let s = parse(&words(text).split_off(1), &Locator::new("t.sh", text)).unwrap();
    let p = s.privileged.unwrap().loc;
    assert_eq!((p.line, p.column, p.end_line, p.end_column), (3, 5, 3, 17));
    assert_eq!((s.loc.line, s.loc.column), (2, 3));
    let port = &s.ports[0].loc;
    assert_eq!((port.line, port.column), (4, 8));
}

#[test]
fn value_spans_survive_odd_words() {
    // A span that does not hold the word's text falls back to the whole word.
    let word = ArgWord::new("--name=x", 0..3);
    assert_eq!(value_span("abc", &word, 7), 0..3);
    let word = ArgWord::new("--name=", 0..7);
    assert_eq!(value_span("--name=", &word, 7), 7..7);
    let word = ArgWord::new("-eK=é", 0..6);
    assert_eq!(value_span("-eK=é", &word, 4), 4..6);
}
