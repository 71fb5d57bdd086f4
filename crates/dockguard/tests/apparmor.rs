//! `dockguard apparmor generate|policy` end to end: profiles from a hand-written recording and a
//! policy file are compiled by the real `apparmor_parser -Q -K` (Debian package `apparmor`;
//! these tests fail without it), bad inputs exit 2 naming file:line:column.

use assert_cmd::Command;

fn dockguard(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("dockguard")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

use dockguard_testsupport::apparmor::assert_compiles;

const RECORDING: &str = r#"{
  "version": 1,
  "arch": "x86_64",
  "syscalls": {"0": 12, "257": 5, "59": 2},
  "files": {
    "/etc/nginx/nginx.conf": {"read": true},
    "/usr/sbin/nginx": {"read": true, "exec": true},
    "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0": {"read": true, "map_exec": true},
    "/var/log/nginx/access.log": {"write": true},
    "/var/cache/nginx/": {"read": true, "dir": true},
    "/proc/17/status": {"read": true},
    "/srv/my site/index.html": {"read": true}
  },
  "capabilities": ["CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID"],
  "sockets": [{"family": "inet", "kind": "stream"}, {"family": "inet6", "kind": "stream"}],
  "bound_ports": [80],
  "tasks": 3,
  "exit": {"code": 0}
}
"#;

#[test]
fn a_recording_becomes_a_profile_the_parser_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("nginx.json");
    std::fs::write(&rec, RECORDING).unwrap();
    let out = dockguard(&["apparmor", "generate", "--recording", rec.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profile = String::from_utf8(out.stdout).unwrap();
    for line in [
        "profile dockguard-nginx flags=(attach_disconnected,mediate_deleted) {",
        "  capability net_bind_service,",
        "  network inet6 stream,",
        "  /etc/nginx/nginx.conf r,",
        "  /proc/@{pid}/status r,",
        "  /usr/lib/x86_64-linux-gnu/libpcre2-8.so.0 rm,",
        "  /usr/sbin/nginx rix,",
        "  /var/cache/nginx/ r,",
        "  /var/log/nginx/access.log rwk,",
        "  \"/srv/my site/index.html\" r,",
        "  deny mount,",
    ] {
        assert!(
            profile.lines().any(|l| l == line),
            "missing {line:?}:\n{profile}"
        );
    }
    let file = dir.path().join("out.profile");
    std::fs::write(&file, &profile).unwrap();
    assert_compiles(&file);
}

#[test]
fn a_policy_file_becomes_a_profile_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path().join("web.toml");
    std::fs::write(
        &pol,
        "name = \"web\"\nread_only = [\"/etc/web/**\"]\nwritable = [\"/var/lib/web/**\"]\n\
         denied = [\"/etc/shadow\"]\nexecutables = [\"/usr/bin/web\"]\n\
         capabilities = [\"net_bind_service\"]\nnetwork = [\"tcp\", \"udp\"]\n",
    )
    .unwrap();
    let out_file = dir.path().join("web.profile");
    let out = dockguard(&[
        "apparmor",
        "generate",
        "--policy",
        pol.to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let profile = std::fs::read_to_string(&out_file).unwrap();
    assert!(profile.contains("\nprofile web flags="));
    assert!(profile.contains("\n  deny /etc/shadow rwklmx,\n"));
    assert_compiles(&out_file);
    // Only the profile is left in the directory (no temporary file), readable by all.
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["web.profile", "web.toml"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&out_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    // --name overrides the policy's name.
    let out = dockguard(&[
        "apparmor",
        "generate",
        "--policy",
        pol.to_str().unwrap(),
        "--name",
        "web2",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\nprofile web2 flags="));
}

#[test]
fn the_policy_a_recording_implies_can_be_edited_and_generated() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.json");
    std::fs::write(&rec, RECORDING).unwrap();
    let pol = dir.path().join("rec.toml");
    let out = dockguard(&[
        "apparmor",
        "policy",
        "--recording",
        rec.to_str().unwrap(),
        "-o",
        pol.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&pol).unwrap();
    assert!(text.contains("name = \"dockguard-rec\"\n"), "{text}");
    assert!(
        text.contains("    \"/var/log/nginx/access.log\",\n"),
        "{text}"
    );
    // The user edits it: one more denied path.
    std::fs::write(
        &pol,
        text.replace("denied = []", "denied = [\"/etc/nginx/secret.key\"]"),
    )
    .unwrap();
    let profile = dir.path().join("rec.profile");
    let out = dockguard(&[
        "apparmor",
        "generate",
        "--policy",
        pol.to_str().unwrap(),
        "-o",
        profile.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&profile).unwrap();
    assert!(
        text.contains("\n  deny /etc/nginx/secret.key rwklmx,\n"),
        "{text}"
    );
    assert!(text.contains("\n  /usr/sbin/nginx rix,\n"), "{text}");
    assert_compiles(&profile);
}

#[test]
fn bad_inputs_exit_2_with_file_line_and_column_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("never.profile");
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "rec.json",
            "{\n  \"version\": 1,\n  \"files\": [\n",
            "--recording",
            ":3:",
        ),
        (
            "type.json",
            "{\n  \"version\": 1,\n  \"arch\": 7\n}\n",
            "--recording",
            ":3:11: ",
        ),
        (
            "quote.toml",
            "name = \"x\"\nwritable = [\"/ok\", \"/a\\\"b\"]\n",
            "--policy",
            ":2:20: ",
        ),
        (
            "key.toml",
            "name = \"x\"\nreadonly = [\"/x\"]\n",
            "--policy",
            ":2:1: ",
        ),
        (
            "cap.toml",
            "capabilities = [\"CAP_GODMODE\"]\n",
            "--policy",
            ":1:17: ",
        ),
    ];
    for (name, text, flag, position) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, text).unwrap();
        let out = dockguard(&[
            "apparmor",
            "generate",
            flag,
            input.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{}{position}", input.display())),
            "{name}: {stderr}"
        );
        assert!(!out_file.exists(), "{name}");
    }
    let version = dir.path().join("v2.json");
    std::fs::write(
        &version,
        RECORDING.replace("\"version\": 1", "\"version\": 2"),
    )
    .unwrap();
    let out = dockguard(&[
        "apparmor",
        "generate",
        "--recording",
        version.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("format version 2"));

    let rec = dir.path().join("ok.json");
    std::fs::write(&rec, RECORDING).unwrap();
    for args in [
        vec!["--recording", rec.to_str().unwrap(), "--name", "bad name"],
        vec![
            "--recording",
            rec.to_str().unwrap(),
            "--policy",
            rec.to_str().unwrap(),
        ],
        vec![],
        vec!["--recording", "/nonexistent/rec.json"],
    ] {
        let mut full = vec!["apparmor", "generate"];
        full.extend(args.iter().copied());
        let out = dockguard(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
