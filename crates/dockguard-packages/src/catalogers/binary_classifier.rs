//! Programs recognised by the version string they carry, for executables that no package
//! database lists (a static busybox copied into a scratch image, a hand-built tool).
//!
//! Any executable ELF file is offered ([`Cataloger::wants_executable`]). Each [`CLASSIFIERS`]
//! entry names a marker the program prints in its `--help` or version banner (`BusyBox v`) and
//! reads the version that follows it; the first entry that matches wins. Packages are of
//! [`Ecosystem::Binary`] (`pkg:generic/busybox@1.35.0`, as syft's binary classifiers report
//! them). A copy that an OS package installed is the OS package's and is dropped with the other
//! OS-owned language packages (the analyzer's ownership step), so a Debian `busybox` is reported
//! once, as the `.deb`.

use super::go_binary::{BINARY_MAX_SIZE, is_elf};
use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct BinaryClassifier;

/// A program recognised by a marker followed by its version.
struct Classifier {
    /// The package name reported.
    name: &'static str,
    /// Bytes found right before the version.
    marker: &'static [u8],
}

/// The programs recognised, most common first.
const CLASSIFIERS: &[Classifier] = &[Classifier {
    name: "busybox",
    marker: b"BusyBox v",
}];

impl Cataloger for BinaryClassifier {
    fn name(&self) -> &'static str {
        "binary-classifier"
    }

    fn wants(&self, _path: &str) -> bool {
        false
    }

    fn wants_executable(&self) -> bool {
        true
    }

    fn max_size(&self) -> u64 {
        BINARY_MAX_SIZE
    }

    fn parse(&self, _path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        if !is_elf(content) {
            return parsed;
        }
        for classifier in CLASSIFIERS {
            let mut rest = content;
            while let Some(at) = memchr::memmem::find(rest, classifier.marker) {
                rest = &rest[at + classifier.marker.len()..];
                if let Some(version) = dotted_version(rest) {
                    parsed
                        .packages
                        .push(Package::new(Ecosystem::Binary, classifier.name, version));
                    return parsed;
                }
            }
        }
        parsed
    }
}

/// `1.35.0` at the start of `bytes`: two to four dot-separated numbers, then no further digit
/// or dot (a format string such as `BusyBox v%s` is not a version).
fn dotted_version(bytes: &[u8]) -> Option<String> {
    let len = bytes
        .iter()
        .take(32)
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    let text = std::str::from_utf8(bytes.get(..len)?).ok()?;
    let parts: Vec<&str> = text.split('.').collect();
    let valid = (2..=4).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty());
    valid.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elf_with(text: &[u8]) -> Vec<u8> {
        let mut bytes = b"\x7fELF\x02\x01\x01\0".to_vec();
        bytes.resize(4096, 0);
        bytes.extend_from_slice(text);
        bytes.resize(8192, 0);
        bytes
    }

    fn found(bytes: &[u8]) -> Vec<String> {
        BinaryClassifier
            .parse("bin/busybox", bytes)
            .packages
            .iter()
            .map(|p| format!("{} {} {}", p.purl(None), p.name, p.version))
            .collect()
    }

    #[test]
    fn busybox_banner() {
        let bytes = elf_with(b"usage: %s\0BusyBox v%s (%s)\0BusyBox v1.35.0 (Debian 1:1.35.0-4+b3) multi-call binary.\0");
        assert_eq!(found(&bytes), ["pkg:generic/busybox@1.35.0 busybox 1.35.0"]);
    }

    /// The host's static busybox (`.ci/run` installs busybox-static), when it is one.
    #[test]
    fn real_busybox() {
        let Ok(bytes) = std::fs::read("/bin/busybox") else {
            panic!("/bin/busybox is missing: .ci/run installs busybox-static");
        };
        let got = found(&bytes);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("pkg:generic/busybox@1."), "{got:?}");
    }

    #[test]
    fn not_elf_no_version_and_hostile() {
        assert!(found(b"#!/bin/sh\necho BusyBox v1.2.3\n").is_empty());
        assert!(found(&elf_with(b"BusyBox v")).is_empty());
        assert!(found(&elf_with(b"BusyBox v1")).is_empty());
        assert!(found(&elf_with(b"BusyBox v1.2.3.4.5.6")).is_empty());
        assert!(found(&elf_with(b"BusyBox v..")).is_empty());
        assert!(found(b"\x7fELF").is_empty());
        // A marker at the very end of the bytes read.
        let mut cut = elf_with(b"");
        cut.extend_from_slice(b"BusyBox v1.3");
        assert_eq!(found(&cut), ["pkg:generic/busybox@1.3 busybox 1.3"]);
    }
}
