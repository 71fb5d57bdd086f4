//! Builds `dockguard-recorder` (crate dockguard-trace) statically linked, to be embedded in the
//! `dockguard` binary and mounted into containers by `dockguard seccomp record --image`: it
//! must run in any image, with or without a libc.
//!
//! The recorder is built by a nested `cargo rustc … -- -C target-feature=+crt-static` into its
//! own target directory under OUT_DIR (the outer build holds the lock of the main one); only
//! the final link of that one binary is static. Where that cannot be done (another target, no
//! static libc), the embedded recorder is empty and `record --image` explains why.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=../dockguard-trace/src");
    println!("cargo:rerun-if-changed=../dockguard-trace/Cargo.toml");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dest = out_dir.join("dockguard-recorder");
    let reason_file = out_dir.join("dockguard-recorder.missing");
    match build(&out_dir) {
        Ok(binary) => {
            std::fs::copy(&binary, &dest).expect("copy the recorder into OUT_DIR");
            let _ = std::fs::write(&reason_file, "");
        }
        Err(reason) => {
            println!("cargo:warning=no static recorder for `seccomp record --image`: {reason}");
            std::fs::write(&dest, b"").expect("write OUT_DIR");
            std::fs::write(&reason_file, reason).expect("write OUT_DIR");
        }
    }
}

fn build(out_dir: &Path) -> Result<PathBuf, String> {
    let target = std::env::var("TARGET").unwrap_or_default();
    if !(target.starts_with("x86_64-") && target.contains("-linux-")) {
        return Err(format!(
            "the recorder traces x86_64 Linux only (target {target})"
        ));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    let target_dir = out_dir.join("recorder-target");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&manifest_dir)
        .args(["rustc", "--offline", "-p", "dockguard-trace", "--bin"])
        .arg("dockguard-recorder")
        .args(["--target", &target, "--target-dir"])
        .arg(&target_dir)
        .args(["--profile", if release { "release" } else { "dev" }])
        .args([
            "--",
            "-C",
            "target-feature=+crt-static",
            "-C",
            "strip=debuginfo",
        ]);
    // The outer build's settings are for the outer build.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(format!(
            "the nested build failed: {}",
            last.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ));
    }
    let binary = target_dir
        .join(&target)
        .join(if release { "release" } else { "debug" })
        .join("dockguard-recorder");
    binary
        .is_file()
        .then_some(binary.clone())
        .ok_or_else(|| format!("{} was not built", binary.display()))
}
