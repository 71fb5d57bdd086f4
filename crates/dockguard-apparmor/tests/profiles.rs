//! Rendered profiles are compiled by the real `apparmor_parser -Q -K` (parse and compile, no
//! kernel load, no cache), which must be installed (Debian package `apparmor`): these tests
//! fail, not skip, without it. Hostile policies are refused before the parser sees them.

use std::collections::{BTreeMap, BTreeSet};

use dockguard_apparmor::{Policy, render};
use dockguard_trace::model::{Exit, FORMAT_VERSION, FileAccess, Socket, Trace};

use dockguard_testsupport::apparmor::compile;

fn assert_compiles(profile: &str) {
    if let Err(e) = compile(profile) {
        panic!("apparmor_parser refused the profile:\n{e}\n{profile}");
    }
}

const EXAMPLE: &str = r#"
name = "web"
read_only = ["/etc/web/**", "/usr/share/zoneinfo/**", "/srv/my site/", "@{PROC}/@{pid}/status"]
writable = ["/var/lib/web/**", "/tmp/**"]
denied = ["/etc/shadow"]
executables = ["/usr/bin/web", "/bin/sh"]
mapped = ["/opt/web/lib/*.so"]
capabilities = ["NET_BIND_SERVICE", "cap_setuid", "chown"]
network = ["tcp", "udp", "unix", "icmp", "netlink raw"]
"#;

#[test]
fn a_policy_file_renders_a_profile_the_parser_compiles() {
    let policy = Policy::parse("web.toml", EXAMPLE).unwrap();
    let profile = render(&policy).unwrap();
    assert_compiles(&profile);
    for expected in [
        "#include <tunables/global>",
        "profile web flags=(attach_disconnected,mediate_deleted) {",
        "  #include <abstractions/base>",
        "  capability chown,",
        "  capability net_bind_service,",
        "  capability setuid,",
        "  network inet stream,",
        "  network inet6 dgram,",
        "  network inet icmp,",
        "  network netlink raw,",
        "  network unix,",
        "  /bin/sh rix,",
        "  /etc/web/** r,",
        "  \"/srv/my site/\" r,",
        "  /var/lib/web/** rwk,",
        "  /opt/web/lib/*.so rm,",
        "  deny /etc/shadow rwklmx,",
        "  deny mount,",
        "  deny @{PROC}/sysrq-trigger rwklx,",
        "  deny @{sys}/firmware/** rwklx,",
        "  ptrace (trace,read,tracedby,readby) peer=web,",
        "  signal (send,receive) peer=web,",
    ] {
        assert!(
            profile.lines().any(|l| l.starts_with(expected)),
            "missing {expected:?} in\n{profile}"
        );
    }
    // Deterministic: sorted, and the same text every time.
    assert_eq!(profile, render(&policy).unwrap());
    let files: Vec<&str> = profile
        .lines()
        .skip_while(|l| *l != "  # Files.")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let mut sorted = files.clone();
    sorted.sort_by_key(|l| l.trim().trim_start_matches('"').to_string());
    assert_eq!(files.len(), 9, "{files:?}");
    assert_eq!(files, sorted);
}

fn trace(files: &[(&str, FileAccess)]) -> Trace {
    Trace {
        version: FORMAT_VERSION,
        arch: "x86_64".into(),
        syscalls: BTreeMap::new(),
        files: files.iter().map(|(p, a)| (p.to_string(), *a)).collect(),
        capabilities: ["CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_BOGUS"]
            .map(String::from)
            .into(),
        sockets: [("inet", "stream"), ("unix", "dgram"), ("af99", "stream")]
            .map(|(f, k)| Socket {
                family: f.into(),
                kind: k.into(),
            })
            .into(),
        bound_ports: BTreeSet::from([80]),
        tasks: 3,
        exit: Exit::Code(0),
        unreadable_paths: 0,
    }
}

const R: FileAccess = FileAccess {
    read: true,
    write: false,
    map_exec: false,
    exec: false,
    dir: false,
};

fn with(f: impl FnOnce(&mut FileAccess)) -> FileAccess {
    let mut a = R;
    f(&mut a);
    a
}

#[test]
fn a_recording_becomes_a_least_privilege_policy_that_compiles() {
    let t = trace(&[
        ("/etc/ld.so.cache", R),
        (
            "/usr/lib/x86_64-linux-gnu/libssl.so.3",
            with(|a| a.map_exec = true),
        ),
        ("/usr/bin/python3.11", with(|a| a.exec = true)),
        ("/app/run.sh", with(|a| a.exec = true)),
        ("/app/", with(|a| a.dir = true)),
        ("/", with(|a| a.dir = true)),
        ("/proc/4242/status", R),
        ("/proc/self/maps", R),
        ("/proc/4242/task/4243/comm", with(|a| a.write = true)),
        ("/dev/pts/3", with(|a| a.write = true)),
        ("/sys/devices/system/cpu/cpu7/online", R),
        ("/tmp/tmpa8Zx1q/data.db", with(|a| a.write = true)),
        (
            "/tmp/tmpa8Zx1q",
            with(|a| {
                a.dir = true;
                a.write = true;
            }),
        ),
        ("/var/tmp/only-read", R),
        ("/var/lib/app/state", with(|a| a.write = true)),
    ]);
    let policy = Policy::from_trace(&t, Some("rec"));
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        policy.read_only,
        set(&[
            "/",
            "/app/",
            "/etc/ld.so.cache",
            "/proc/@{pid}/maps",
            "/proc/@{pid}/status",
            "/sys/devices/system/cpu/cpu[0-9]*/online",
            "/var/tmp/only-read",
        ])
    );
    assert_eq!(
        policy.writable,
        set(&[
            "/dev/pts/[0-9]*",
            "/proc/@{pid}/task/@{tid}/comm",
            "/tmp/**",
            "/var/lib/app/state",
        ])
    );
    assert_eq!(
        policy.mapped,
        set(&["/usr/lib/x86_64-linux-gnu/libssl.so.3"])
    );
    assert_eq!(
        policy.executables,
        set(&["/app/run.sh", "/usr/bin/python3.11"])
    );
    assert_eq!(
        policy.capabilities,
        set(&["CAP_CHOWN", "CAP_NET_BIND_SERVICE"])
    );
    assert_eq!(policy.network, set(&["all", "inet stream", "unix dgram"]));

    let profile = render(&policy).unwrap();
    assert_compiles(&profile);
    assert!(profile.contains("\n  /usr/lib/x86_64-linux-gnu/libssl.so.3 rm,\n"));
    assert!(profile.contains("\n  /app/run.sh rix,\n"));
    assert!(profile.contains("\n  network,\n"));
    // Nothing recorded here conflicts with the hardening rules.
    assert!(!profile.contains("left out"), "{profile}");

    // The TOML form reads back as the same policy.
    let text = policy.to_toml();
    assert_eq!(Policy::parse("rec.toml", &text).unwrap(), policy, "{text}");
}

#[test]
fn recorded_names_with_special_characters_still_compile_and_match() {
    let names = [
        "/data/a \"quoted\" name",
        "/data/new\nline",
        "/data/glob*?[x]{a,b}^",
        "/data/back\\slash",
        "/data/comma,hash#",
        "/data/été.txt",
        "/data/@{HOME}",
    ];
    let files: Vec<(&str, FileAccess)> = names.iter().map(|n| (*n, R)).collect();
    let policy = Policy::from_trace(&trace(&files), Some("odd"));
    assert!(policy.read_only.contains("/data/a ?quoted? name"));
    assert!(policy.read_only.contains("/data/new?line"));
    assert!(policy.read_only.contains("/data/glob???x??a,b??"));
    assert!(policy.read_only.contains("/data/@?HOME?"));
    let profile = render(&policy).unwrap();
    assert_compiles(&profile);
    assert!(profile.contains("\n  \"/data/comma,hash#\" r,\n"));
}

#[test]
fn a_recorded_write_the_hardening_would_deny_leaves_that_rule_out() {
    let t = trace(&[
        ("/proc/sys/net/ipv4/ip_forward", with(|a| a.write = true)),
        ("/proc/sys/kernel/hostname", R),
    ]);
    let profile = render(&Policy::from_trace(&t, Some("fwd"))).unwrap();
    assert_compiles(&profile);
    assert!(profile.contains(
        "  # left out, the policy allows /proc/sys/net/ipv4/ip_forward: deny @{PROC}/sys/** wkl,"
    ));
    assert!(!profile.contains("\n  deny @{PROC}/sys/** wkl,"));
    // A read does not conflict with a write-only rule; the others stay.
    assert!(profile.contains("\n  deny @{PROC}/sysrq-trigger rwklx,"));
    assert!(profile.contains("\n  deny @{sys}/** wkl,"));
}

#[test]
fn the_parser_check_is_real_a_broken_rendering_is_refused() {
    let profile = render(&Policy::parse("p.toml", EXAMPLE).unwrap()).unwrap();
    let broken = profile.replace("/etc/web/** r,", "/etc/we\"b/** r,");
    assert_ne!(broken, profile);
    assert!(compile(&broken).is_err());
    assert!(compile(&profile.replace("  deny mount,\n", "  deny mount\n")).is_err());
}

#[test]
fn hostile_policies_are_refused_before_the_parser() {
    for bad in [
        "/etc/a\"b",
        "/etc/a\nb",
        "/etc/a\0b",
        "/etc/a\\",
        "etc/relative",
        "/etc/{a,b",
        "/etc/a}",
        "/etc/[ab",
        "/etc/[^]",
        "/etc/[a-]",
        "/etc/[a-b-c]",
        "/etc/[x@{pid}]",
        "/etc/{a}",
        "@{NOPE}/x",
    ] {
        let policy = Policy {
            read_only: BTreeSet::from([bad.to_string()]),
            ..Policy::default()
        };
        let err = render(&policy).expect_err(bad);
        assert!(err.to_string().starts_with("read_only path"), "{err}");
    }
    let named = Policy {
        name: Some("x { /** rwx, }".into()),
        ..Policy::default()
    };
    assert!(
        render(&named)
            .unwrap_err()
            .to_string()
            .contains("invalid profile name")
    );
    let cap = Policy {
        capabilities: BTreeSet::from(["CAP_EVERYTHING".into()]),
        ..Policy::default()
    };
    assert!(render(&cap).is_err());
}

#[test]
fn policy_file_errors_name_file_line_and_column() {
    for (text, line, column, message) in [
        ("read_only = [\"/etc/a\\\"b\"]", 1, 14, "contains '\"'"),
        (
            "\nwritable = [\n  \"/x\",\n  \"/a\\nb\",\n]",
            4,
            3,
            "control character",
        ),
        ("read_only = [\"/a\\u0000b\"]", 1, 14, "control character"),
        ("executables = [\"bin/sh\"]", 1, 16, "not absolute"),
        (
            "capabilities = [\"CAP_CHOWN\", \"CAP_NOPE\"]",
            1,
            30,
            "unknown capability",
        ),
        (
            "network = [\"tcp\", \"quic\"]",
            1,
            19,
            "unknown network entry",
        ),
        (
            "name = \"web\"\nread-only = [\"/x\"]",
            2,
            1,
            "unknown field",
        ),
        ("name = \"bad name\"", 1, 8, "invalid profile name"),
        ("denied = [\"@{HOM}/x\"]", 1, 11, "unknown variable"),
        ("read_only = \"/etc\"", 1, 13, "invalid type"),
        ("read_only = [\"/etc\"", 1, 20, ""),
    ] {
        let err = Policy::parse("p.toml", text).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.column),
            ("p.toml", line, column),
            "{text:?}: {err}"
        );
        assert!(err.message.contains(message), "{text:?}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("p.toml:{line}:{column}: "))
        );
    }
}

/// Pseudo-random path patterns over the characters that matter to the profile syntax: every
/// one the validator accepts must compile, so the validator is never weaker than the parser.
#[test]
fn every_path_the_validator_accepts_compiles() {
    const PIECES: &[&str] = &[
        "/", "/", "/", "a", "b", "{", "}", ",", "[", "]", "^", "[^", "[@{pid}]", "[a-", "-z]",
        "[--", "-", "*", "**", "?", "@", "@{pid}", "@{PROC}", "!", "#", "$", "%", "&", "'", "(",
        ")", "+", ";", ":", "<", "=", ">", "|", "~", " ", "é", ".", "..", "x y", "`", "0-9",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut accepted = BTreeSet::new();
    let mut refused = 0;
    while accepted.len() < 400 {
        let len = 1 + next(8);
        let mut p = String::from("/");
        for _ in 0..len {
            p.push_str(PIECES[next(PIECES.len())]);
        }
        match dockguard_apparmor::check_path(&p) {
            Ok(()) => {
                accepted.insert(p);
            }
            Err(_) => refused += 1,
        }
    }
    assert!(refused > 0);
    // In chunks, so that a refusal names the culprit quickly.
    let all: Vec<String> = accepted.into_iter().collect();
    for chunk in all.chunks(50) {
        let policy = Policy {
            name: Some("fuzz".into()),
            read_only: chunk.iter().cloned().collect(),
            ..Policy::default()
        };
        assert_compiles(&render(&policy).unwrap());
    }
}
