//! Helpers for end-to-end tests against the real Docker engine: run the `docker` CLI, build the
//! one-binary test image, remove containers when a test ends. Tests that use them fail, rather
//! than skip, when no engine answers: CI installs and starts one.

use std::process::Command;

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

/// Imports [`IMAGE`] unless present (no registry is reachable here, so nothing is pulled).
pub fn ensure_image() {
    let present = Command::new("docker")
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
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -C '{}' -c . | docker import - {IMAGE}",
            dir.path().display()
        ))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("sh");
    assert!(status.success(), "docker import of {IMAGE} failed");
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
