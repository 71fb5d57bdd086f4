//! Rust executables built with `cargo auditable`: the dependency tree embedded in the ELF
//! section `.dep-v0`.
//!
//! Any executable regular file is offered ([`Cataloger::wants_executable`]); files that are not
//! ELF, or have no `.dep-v0` section (or whose section table is past the bytes read), give
//! nothing. The section is zlib-compressed JSON (decompressed to at most 8 MiB, cargo-auditable's
//! own limit): `{"packages": [{"name", "version", "source", "kind", "dependencies": [index],
//! "root"}]}`. As syft and Trivy, only `runtime` packages are reported (`kind` absent means
//! runtime; `build` dependencies are not in the binary), each as a Cargo package; dependencies
//! are the names of the runtime packages its `dependencies` indices point to. No licences are
//! recorded.

use std::io::Read;

use serde::Deserialize;

use super::go_binary::{BINARY_MAX_SIZE, elf_sections, is_elf, section_data};
use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct RustAudit;

/// Decompressed bytes of the dependency JSON read at most.
const MAX_JSON: u64 = 8 << 20;

#[derive(Deserialize)]
struct Audit {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
}

impl AuditPackage {
    fn is_runtime(&self) -> bool {
        self.kind.as_deref().is_none_or(|k| k == "runtime")
    }
}

impl Cataloger for RustAudit {
    fn name(&self) -> &'static str {
        "rust-audit-binary"
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

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        if !is_elf(content) {
            return parsed;
        }
        let Ok(sections) = elf_sections(content) else {
            return parsed;
        };
        let Some(section) = sections.iter().find(|s| s.name == b".dep-v0") else {
            return parsed;
        };
        let Some(compressed) = section_data(content, section) else {
            parsed.warn(path, None, ".dep-v0 section is past the end of the file");
            return parsed;
        };
        let mut json = Vec::new();
        let decoded = flate2::read::ZlibDecoder::new(compressed)
            .take(MAX_JSON + 1)
            .read_to_end(&mut json);
        if let Err(e) = decoded {
            parsed.warn(path, None, format!(".dep-v0 is not valid zlib data: {e}"));
            return parsed;
        }
        if json.len() as u64 > MAX_JSON {
            parsed.warn(path, None, ".dep-v0 decompresses to more than 8 MiB");
            return parsed;
        }
        let audit: Audit = match serde_json::from_slice(&json) {
            Ok(a) => a,
            Err(e) => {
                parsed.warn(path, None, format!(".dep-v0 JSON: {e}"));
                return parsed;
            }
        };
        for p in audit.packages.iter().filter(|p| p.is_runtime()) {
            let mut pkg = Package::new(Ecosystem::Cargo, &p.name, &p.version);
            let mut deps: Vec<String> = p
                .dependencies
                .iter()
                .filter_map(|&i| audit.packages.get(i))
                .filter(|d| d.is_runtime())
                .map(|d| d.name.clone())
                .collect();
            deps.sort();
            deps.dedup();
            pkg.dependencies = deps;
            parsed.packages.push(pkg);
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::catalogers::go_binary::tests::tiny_elf;

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    /// As `cargo auditable build` writes it for a binary depending on `serde_json` (and a
    /// build dependency `cc`).
    const AUDIT_JSON: &str = r#"{"packages":[
        {"name":"itoa","version":"1.0.11","source":"crates.io"},
        {"name":"myapp","version":"0.1.0","source":"local","dependencies":[3,4],"root":true},
        {"name":"ryu","version":"1.0.18","source":"crates.io"},
        {"name":"serde_json","version":"1.0.128","source":"crates.io","dependencies":[0,2,5]},
        {"name":"cc","version":"1.1.21","source":"crates.io","kind":"build"},
        {"name":"serde","version":"1.0.210","source":"crates.io","kind":"runtime","dependencies":[99]}
    ]}"#;

    #[test]
    fn reads_dep_v0() {
        let elf = tiny_elf(&[
            (".text", b"\xc3"),
            (".dep-v0", &zlib(AUDIT_JSON.as_bytes())),
        ]);
        let p = RustAudit.parse("usr/local/bin/myapp", &elf);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| format!("{} {} {:?}", p.name, p.version, p.dependencies))
            .collect();
        assert_eq!(
            got,
            [
                "itoa 1.0.11 []",
                "myapp 0.1.0 [\"serde_json\"]",
                "ryu 1.0.18 []",
                "serde_json 1.0.128 [\"itoa\", \"ryu\", \"serde\"]",
                "serde 1.0.210 []",
            ]
        );
        assert_eq!(p.packages[0].purl(None), "pkg:cargo/itoa@1.0.11");
    }

    #[test]
    fn hostile_inputs() {
        assert!(
            RustAudit
                .parse("bin/sh", b"#!/bin/sh\n")
                .packages
                .is_empty()
        );
        let plain = tiny_elf(&[(".text", b"\xc3")]);
        let p = RustAudit.parse("bin/x", &plain);
        assert!(p.packages.is_empty() && p.warnings.is_empty());
        // Not zlib.
        let p = RustAudit.parse("bin/x", &tiny_elf(&[(".dep-v0", b"not zlib at all")]));
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        // Truncated zlib stream.
        let z = zlib(AUDIT_JSON.as_bytes());
        let p = RustAudit.parse("bin/x", &tiny_elf(&[(".dep-v0", &z[..z.len() / 2])]));
        assert_eq!(p.warnings.len(), 1);
        // Bad JSON.
        let p = RustAudit.parse("bin/x", &tiny_elf(&[(".dep-v0", &zlib(b"{\"packages\":"))]));
        assert_eq!(p.warnings.len(), 1);
        // A zlib bomb: stops at the limit.
        let bomb = zlib(&vec![b' '; (MAX_JSON + 10) as usize]);
        let p = RustAudit.parse("bin/x", &tiny_elf(&[(".dep-v0", &bomb)]));
        assert_eq!(p.warnings.len(), 1);
        // Section pointing past the end of the file.
        let mut elf = tiny_elf(&[(".dep-v0", &z)]);
        let shoff = u64::from_le_bytes(elf[0x28..0x30].try_into().unwrap()) as usize;
        elf[shoff + 64 + 32..shoff + 64 + 40].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(RustAudit.parse("bin/x", &elf).warnings.len(), 1);
        // Every prefix: no panic.
        let elf = tiny_elf(&[(".dep-v0", &z)]);
        for n in 0..elf.len() {
            let _ = RustAudit.parse("bin/x", &elf[..n]);
        }
    }
}
