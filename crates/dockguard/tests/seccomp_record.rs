//! `dockguard seccomp record` end to end: record a busybox script on the host, then run the
//! same script in a container under the generated profile (real Docker engine), and check that
//! a syscall the script never made is refused.

use assert_cmd::Command;
use dockguard_testsupport::{IMAGE, ensure_image};

/// Run with its working directory as `$0`: a temporary one on the host, `/` in the container
/// (the test image has no /tmp).
const SCRIPT: &str = "cd \"$0\" && ls / > x && cp x y && cat y > /dev/null";

fn docker_run(profile: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new("docker")
        .args(["run", "--rm", "--security-opt"])
        .arg(format!("seccomp={profile}"))
        .arg(IMAGE)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn recorded_profile_runs_the_script_in_a_container_and_refuses_the_rest() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.json").display().to_string();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["seccomp", "record", "-o", &profile, "--timeout", "60", "--"])
        .args(["/bin/busybox", "sh", "-c", SCRIPT])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("processes/threads; profile allows"),
        "{stderr}"
    );

    let p = dockguard_seccomp::parse_file(std::path::Path::new(&profile)).unwrap();
    let allowed = dockguard_seccomp::generate::allowed_names(&p);
    // Measured: about 60 (the script's ~30 plus runc's minimum), against Docker's 367.
    assert!(
        allowed.len() < 367,
        "the recorded profile allows {} syscalls, Docker's default 367",
        allowed.len()
    );
    assert!(!allowed.contains("unshare"));

    let ok = docker_run(&profile, &["sh", "-c", SCRIPT, "/"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let denied = docker_run(&profile, &["/bin/busybox", "unshare", "-U", "true"]);
    let err = String::from_utf8_lossy(&denied.stderr);
    assert!(!denied.status.success(), "unshare was allowed: {err}");
    assert!(err.contains("Operation not permitted"), "{err}");
}

#[test]
fn failing_command_still_writes_a_profile_and_missing_command_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.json");
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["seccomp", "record", "-o"])
        .arg(&profile)
        .args(["--", "/bin/busybox", "false"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exit status 1"));
    // --merge: the union with the first profile.
    let merged = dir.path().join("m.json");
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["seccomp", "record", "--merge"])
        .arg(&profile)
        .arg("-o")
        .arg(&merged)
        .args(["--", "/bin/busybox", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let a = dockguard_seccomp::generate::allowed_names(
        &dockguard_seccomp::parse_file(&profile).unwrap(),
    );
    let m = dockguard_seccomp::generate::allowed_names(
        &dockguard_seccomp::parse_file(&merged).unwrap(),
    );
    assert!(a.is_subset(&m));
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["seccomp", "record", "--", "dockguard-no-such-command"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot execute"));
}
