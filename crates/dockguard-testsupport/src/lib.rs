//! Helpers for end-to-end tests against the real Docker engine: run the `docker` CLI, build the
//! one-binary test image, remove containers when a test ends. Tests that use them fail, rather
//! than skip, when no engine answers: CI installs and starts one.

pub mod apparmor;
pub mod http;
mod oci;
pub mod registry;
pub mod schemas;
pub use oci::oci_layout_from_docker_save;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Command as Process, Stdio};
use std::time::{Duration, Instant};

/// The test image: the host's static busybox plus an `sh` link, made with `docker import`.
pub const IMAGE: &str = "dg-busybox:test";

/// Runs the docker CLI and returns its trimmed standard output; panics when it fails.
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the docker CLI: {e}"));
    assert!(
        out.status.success(),
        "docker {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Imports [`IMAGE`] into the default engine unless present (no registry is reachable here, so
/// nothing is pulled).
pub fn ensure_image() {
    ensure_image_in(None);
}

/// Removes the named containers (and their anonymous volumes) when dropped, passed or not.
pub struct Containers(pub Vec<String>);

impl Drop for Containers {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("docker")
                .args(["rm", "-f", "-v", name])
                .output();
        }
    }
}

/// A dockerd of our own: its socket, data root, exec root and pidfile in a temporary folder,
/// in a network namespace of its own so that its bridge and iptables chains never touch the
/// host's (dockerd resets the DOCKER chains at start, and `--bridge none` deletes docker0).
/// Stopped and cleaned up when dropped.
pub struct SecondDaemon {
    child: Child,
    dir: tempfile::TempDir,
}

impl SecondDaemon {
    pub fn start(daemon_json: &str) -> SecondDaemon {
        let dir = tempfile::Builder::new().prefix("dgb").tempdir().unwrap();
        // A userns-remap daemon's remapped root must be able to traverse to its data root.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let config = dir.path().join("daemon.json");
        std::fs::write(&config, daemon_json).unwrap();
        std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        let log = std::fs::File::create(dir.path().join("dockerd.log")).unwrap();
        let path = |name: &str| dir.path().join(name).display().to_string();
        let child = Process::new("unshare")
            .args(["--net", "--fork", "--kill-child", "dockerd"])
            .args(["--config-file", &path("daemon.json")])
            .args(["-H", &format!("unix://{}", path("d.sock"))])
            .args(["--data-root", &path("data")])
            .args(["--exec-root", &path("exec")])
            .args(["--pidfile", &path("dockerd.pid")])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("unshare and dockerd (util-linux, docker.io) are needed");
        let mut daemon = SecondDaemon { child, dir };
        let host = daemon.host();
        let log = daemon.dir.path().join("dockerd.log");
        wait_for_engine(&host, &mut daemon.child, "the second dockerd", &log);
        daemon
    }

    pub fn host(&self) -> String {
        format!("unix://{}", self.dir.path().join("d.sock").display())
    }

    pub fn data_root(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("dockerd.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for SecondDaemon {
    fn drop(&mut self) {
        // SIGTERM to dockerd itself (unshare does not pass it on), SIGKILL to unshare if it does
        // not stop (which kills dockerd too: --kill-child).
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("dockerd.pid")) {
            let _ = Process::new("kill").args(["-TERM", pid.trim()]).status();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // dockerd makes its data root a mount point; unmount it if it is still there.
        let data = self.data_root();
        if mounted(&data) {
            let _ = Process::new("umount").arg("-l").arg(&data).status();
        }
    }
}

fn mounted(path: &Path) -> bool {
    let target = path.display().to_string();
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .any(|l| l.split(' ').nth(4) == Some(target.as_str()))
}

/// Runs the docker CLI against the engine at `host` (`unix://…`); panics when it fails.
pub fn docker_on(host: &str, args: &[&str]) -> String {
    let mut all = vec!["-H", host];
    all.extend_from_slice(args);
    docker(&all)
}

/// Imports [`IMAGE`] into the engine at `host` unless present.
pub fn ensure_image_on(host: &str) {
    ensure_image_in(Some(host));
}

/// Imports [`IMAGE`] into the engine at `host` (the default one when `None`) unless present.
fn ensure_image_in(host: Option<&str>) {
    let host_args: Vec<&str> = host.map_or(Vec::new(), |h| vec!["-H", h]);
    let present = Command::new("docker")
        .args(&host_args)
        .args(["image", "inspect", IMAGE])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin folder");
    std::fs::copy("/bin/busybox", bin.join("busybox"))
        .expect("/bin/busybox (Debian busybox-static) is needed to build the test image");
    std::os::unix::fs::symlink("busybox", bin.join("sh")).expect("sh link");
    let host_flag = host.map_or(String::new(), |h| format!("-H '{h}' "));
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -C '{}' -c . | docker {host_flag}import - {IMAGE}",
            dir.path().display()
        ))
        .stdout(Stdio::null())
        .status()
        .expect("sh");
    assert!(status.success(), "docker import of {IMAGE} failed");
}

/// Waits until the engine at `host` answers `docker version`; panics with the end of `log` when
/// `child` (the process that runs it) exits first or 60 s pass.
pub fn wait_for_engine(host: &str, child: &mut Child, what: &str, log: &Path) {
    let tail = || {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answers = Command::new("docker")
            .args(["-H", host, "version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if answers {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited ({status}):\n{}", tail());
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not answer within 60 s:\n{}",
            tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The package-inventory acceptance images, built by `bench/sbom-images.sh` into `dir` (tars
/// and the package tools' truth files) once per process; the script keeps tars already there.
/// Panics when the script fails (it needs root, docker, debootstrap, a Debian mirror and PyPI).
pub fn sbom_images(dir: &Path) -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/sbom-images.sh");
            let out = Command::new("bash")
                .arg(&script)
                .arg(dir)
                .output()
                .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
            assert!(
                out.status.success(),
                "bench/sbom-images.sh failed (it needs root, docker, debootstrap, a Debian mirror \
                 and PyPI):\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            dir.to_path_buf()
        })
        .clone()
}
