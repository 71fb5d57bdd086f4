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

/// Lists, copies and serves a file with busybox httpd, fetches it with wget, and prints it.
const SERVE: &str = "mkdir -p /srv && cd /srv && ls / > index && cp index copy.txt && \
     (httpd -f -p 127.0.0.1:8080 -h /srv & echo $! > pid) && sleep 0.5 && \
     wget -q -O - http://127.0.0.1:8080/copy.txt; status=$?; kill $(cat pid); exit $status";

fn docker_run_image(image: &str, seccomp: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new("docker");
    cmd.args(["run", "--rm"]);
    if let Some(p) = seccomp {
        cmd.args(["--security-opt", &format!("seccomp={p}")]);
    }
    cmd.arg(image).args(args).output().unwrap()
}

fn record_image(image: &str, dir: &std::path::Path, command: &[&str]) -> (String, String) {
    let profile = dir.join("p.json").display().to_string();
    let recording = dir.join("rec.json").display().to_string();
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args(["seccomp", "record", "--image", image, "--timeout", "120"])
        .args(["-o", &profile, "--recording", &recording, "--"])
        .args(command)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("processes/threads; profile allows")
            && stderr.contains("(Docker's default allows"),
        "the count is reported: {stderr}"
    );
    (profile, recording)
}

/// The image-recording tests run one at a time, so that each can check that it left no
/// recording container behind.
static ENGINE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn leftover_recording_containers() -> String {
    dockguard_testsupport::docker(&["ps", "-a", "-q", "--filter", "label=dockguard.record"])
}

#[test]
fn image_recording_serves_a_file_under_its_profile_and_refuses_the_rest() {
    let _one_at_a_time = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let (profile, recording) = record_image(IMAGE, dir.path(), &["sh", "-c", SERVE]);

    // What the recorder saw inside the container.
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&recording).unwrap()).unwrap();
    let files = &trace["files"];
    assert_eq!(files["/"]["read"], true, "ls /: {files}");
    assert_eq!(files["/srv/copy.txt"]["write"], true, "cp: {files}");
    assert_eq!(
        files["/srv/copy.txt"]["read"], true,
        "httpd read it: {files}"
    );
    assert_eq!(files["/bin/busybox"]["exec"], true, "{files}");
    assert!(
        trace["bound_ports"]
            .as_array()
            .unwrap()
            .contains(&8080.into()),
        "{}",
        trace["bound_ports"]
    );
    assert!(
        trace["sockets"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"family": "inet", "kind": "stream"})),
        "{}",
        trace["sockets"]
    );
    assert!(trace["tasks"].as_u64().unwrap() >= 6, "{}", trace["tasks"]);

    // The same recording as an AppArmor profile, compiled by the real parser.
    let apparmor = dir.path().join("serve.apparmor");
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args([
            "apparmor",
            "generate",
            "--name",
            "dg-serve",
            "--recording",
            &recording,
        ])
        .arg("-o")
        .arg(&apparmor)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dockguard_testsupport::apparmor::assert_compiles(&apparmor);
    let text = std::fs::read_to_string(&apparmor).unwrap();
    let rule = |path: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(&format!("{path} ")))
            .unwrap_or_else(|| panic!("no rule for {path}:\n{text}"))
            .to_string()
    };
    assert!(rule("/srv/copy.txt").contains('w'), "{text}");
    assert!(rule("/bin/busybox").contains("ix"), "{text}");
    assert!(text.contains("network inet stream,"), "{text}");

    let allowed = dockguard_seccomp::generate::allowed_names(
        &dockguard_seccomp::parse_file(std::path::Path::new(&profile)).unwrap(),
    );
    assert!(allowed.len() < 120, "{} allowed", allowed.len());
    assert!(allowed.contains("bind") && allowed.contains("accept4") || allowed.contains("accept"));

    // The same workload succeeds under the profile and serves the listing.
    let ok = docker_run_image(IMAGE, Some(&profile), &["sh", "-c", SERVE]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success() && stdout.contains("bin"),
        "{stdout} {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // Syscalls never recorded are refused: unshare (which Docker's default refuses too) and
    // getpriority/setpriority (which Docker's default allows: the refusal is the recorded
    // profile's).
    let denied = docker_run_image(
        IMAGE,
        Some(&profile),
        &["/bin/busybox", "unshare", "-U", "true"],
    );
    let err = String::from_utf8_lossy(&denied.stderr);
    assert!(
        !denied.status.success() && err.contains("Operation not permitted"),
        "{err}"
    );
    assert!(!allowed.contains("setpriority") && !allowed.contains("getpriority"));
    let renice = ["/bin/busybox", "renice", "-n", "1", "-p", "1"];
    let nice_default = docker_run_image(IMAGE, None, &renice);
    assert!(
        nice_default.status.success(),
        "renice runs under Docker's default"
    );
    let nice = docker_run_image(IMAGE, Some(&profile), &renice);
    let err = String::from_utf8_lossy(&nice.stderr);
    assert!(
        !nice.status.success() && err.contains("Operation not permitted"),
        "{err}"
    );
    assert_eq!(
        leftover_recording_containers(),
        "",
        "containers left behind"
    );
}

/// A Python one-liner HTTP server answering one request from a client thread of the same
/// process: threads and sockets, recorded in the debootstrapped Debian acceptance image.
const PYTHON_SERVER: &str = "import functools, http.server, threading, urllib.request\n\
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory='/etc')\n\
s = http.server.HTTPServer(('127.0.0.1', 0), h)\n\
t = threading.Thread(target=s.handle_request); t.start()\n\
r = urllib.request.urlopen('http://127.0.0.1:%d/os-release' % s.server_port)\n\
print(r.status, r.read().decode().splitlines()[0]); t.join()";

#[test]
fn image_recording_of_a_threaded_python_server() {
    let _one_at_a_time = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    let images = dockguard_testsupport::sbom_images(
        &std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sbom-images"),
    );
    // The tar may have been built by an earlier run against another engine state.
    dockguard_testsupport::docker(&[
        "load",
        "-q",
        "-i",
        &images.join("debian-pip.tar").display().to_string(),
    ]);
    let image = "dg-sbom-debian-pip:test";
    let dir = tempfile::tempdir().unwrap();
    let (profile, recording) = record_image(image, dir.path(), &["python3", "-c", PYTHON_SERVER]);
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&recording).unwrap()).unwrap();
    assert!(
        trace["tasks"].as_u64().unwrap() >= 2,
        "the server thread: {}",
        trace["tasks"]
    );
    // /etc/os-release is a symlink: the recorder names the file the kernel opened.
    assert_eq!(
        trace["files"]["/usr/lib/os-release"]["read"], true,
        "{}",
        trace["files"]
    );
    let allowed = dockguard_seccomp::generate::allowed_names(
        &dockguard_seccomp::parse_file(std::path::Path::new(&profile)).unwrap(),
    );
    assert!(allowed.len() < 150, "{} allowed", allowed.len());

    let ok = docker_run_image(image, Some(&profile), &["python3", "-c", PYTHON_SERVER]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success() && stdout.starts_with("200 PRETTY_NAME=\"Debian"),
        "{stdout} {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let nice = "import os; os.nice(1)";
    assert!(
        docker_run_image(image, None, &["python3", "-c", nice])
            .status
            .success()
    );
    let denied = docker_run_image(image, Some(&profile), &["python3", "-c", nice]);
    let err = String::from_utf8_lossy(&denied.stderr);
    assert!(
        !denied.status.success() && err.contains("Operation not permitted"),
        "{err}"
    );
    assert_eq!(
        leftover_recording_containers(),
        "",
        "containers left behind"
    );
}

#[test]
fn image_recording_errors_exit_2_and_leave_nothing() {
    let _one_at_a_time = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    ensure_image();
    let run = |args: &[&str]| {
        Command::cargo_bin("dockguard")
            .unwrap()
            .args(["seccomp", "record"])
            .args(args)
            .output()
            .unwrap()
    };
    let missing = run(&["--image", IMAGE, "--", "dockguard-no-such-command"]);
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{err}");
    assert!(
        err.contains("in the container: cannot execute dockguard-no-such-command"),
        "{err}"
    );
    // The test image has neither entrypoint nor command: one must be given.
    let no_command = run(&["--image", IMAGE]);
    let err = String::from_utf8_lossy(&no_command.stderr);
    assert_eq!(no_command.status.code(), Some(2), "{err}");
    assert!(err.contains("has no entrypoint or command"), "{err}");
    let unknown = run(&["--image", "dg-no-such-image:none", "--", "true"]);
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(2), "{err}");
    assert!(err.contains("dg-no-such-image"), "{err}");
    let start = std::time::Instant::now();
    let forever = run(&[
        "--image",
        IMAGE,
        "--timeout",
        "1",
        "--",
        "/bin/busybox",
        "sleep",
        "600",
    ]);
    let err = String::from_utf8_lossy(&forever.stderr);
    assert_eq!(forever.status.code(), Some(2), "{err}");
    assert!(err.contains("ran longer than 1 s"), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(
        leftover_recording_containers(),
        "",
        "containers left behind"
    );
}

#[test]
fn image_recording_as_a_non_root_user() {
    let _one_at_a_time = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.json");
    let out = Command::cargo_bin("dockguard")
        .unwrap()
        .args([
            "seccomp",
            "record",
            "--image",
            IMAGE,
            "--user",
            "65534:65534",
            "-o",
        ])
        .arg(&profile)
        .args(["--", "/bin/busybox", "id", "-u"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The command's own output is shown: it ran as that user.
    assert!(stderr.lines().any(|l| l == "65534"), "{stderr}");
    let p = dockguard_seccomp::parse_file(&profile).unwrap();
    assert!(dockguard_seccomp::generate::allowed_names(&p).contains("execve"));
    assert_eq!(
        leftover_recording_containers(),
        "",
        "containers left behind"
    );
}
