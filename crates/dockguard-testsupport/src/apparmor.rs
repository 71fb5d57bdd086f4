//! The real AppArmor parser for tests of generated profiles: `apparmor_parser -Q -K` compiles
//! a profile without loading it (the kernel here has AppArmor disabled). Tests fail, never
//! skip, when the Debian package `apparmor` is missing.

use std::path::{Path, PathBuf};

/// `apparmor_parser` from PATH, `/usr/sbin` or `/sbin`; panics when there is none.
pub fn parser() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin".into(), "/sbin".into()]);
    dirs.into_iter()
        .map(|d| d.join("apparmor_parser"))
        .find(|p| p.is_file())
        .expect("apparmor_parser is required for these tests (Debian/Ubuntu package `apparmor`)")
}

/// `apparmor_parser -Q -K` on a profile file: Ok, or the parser's error output.
pub fn compile_file(file: &Path) -> Result<(), String> {
    let out = std::process::Command::new(parser())
        .args(["-Q", "-K"])
        .arg(file)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// [`compile_file`] of a profile's text (written to a temporary file).
pub fn compile(profile: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("profile");
    std::fs::write(&file, profile).unwrap();
    compile_file(&file)
}

/// Panics with the parser's message and the profile when `apparmor_parser -Q -K` refuses it.
pub fn assert_compiles(file: &Path) {
    if let Err(e) = compile_file(file) {
        panic!(
            "apparmor_parser refused {}:\n{e}\n{}",
            file.display(),
            std::fs::read_to_string(file).unwrap_or_default()
        );
    }
}
