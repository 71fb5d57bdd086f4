//! Classifies the executable files of the image from their first bytes: ELF binaries (class,
//! machine, statically or dynamically linked, the program interpreter), `#!` scripts (the
//! interpreter and its argument) or something else. Nothing is executed; at most
//! [`MAX_HEADER_READ`] bytes of a file are read, and the ELF header is parsed by hand with
//! bounds checks everywhere (image content is untrusted).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use serde::Serialize;

use crate::error::Result;
use crate::walk::{Analyzer, Entry, EntryKind, FileTree};

/// Bytes read of one executable. ELF program headers and the interpreter path sit right after
/// the 64-byte ELF header in every linker's output (well under 1 KiB); a `#!` line is at most
/// [`MAX_SHEBANG_LEN`] bytes.
pub const MAX_HEADER_READ: u64 = 4096;

/// The longest `#!` line considered (Linux's `BINPRM_BUF_SIZE` since 5.1).
pub const MAX_SHEBANG_LEN: usize = 256;

/// The longest ELF interpreter path kept (Linux's `PATH_MAX` is far larger, real ones are
/// about 30 bytes).
pub const MAX_INTERPRETER_LEN: usize = 256;

const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
/// `e_phnum` value meaning "the real count is in section header 0" (not followed here).
const PN_XNUM: u16 = 0xffff;

/// What an executable file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExecutableKind {
    Elf(ElfInfo),
    Script(Shebang),
    /// Neither ELF nor `#!`: data with an execute bit, another binary format, a truncated file.
    Other,
}

/// How an ELF file is linked, as told by its program headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Linkage {
    /// No `PT_INTERP`: the kernel runs it directly (static, static-pie, or a shared library).
    Static,
    /// A `PT_INTERP` names the dynamic loader.
    Dynamic,
    /// The program headers lie beyond the bytes read, or are malformed.
    Unknown,
}

/// The ELF header fields that matter for an image inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElfInfo {
    /// 32 or 64.
    pub bits: u8,
    pub little_endian: bool,
    /// `e_type`: 2 executable, 3 shared object or position-independent executable.
    pub elf_type: u16,
    /// `e_machine`.
    pub machine: u16,
    /// A name for `e_machine` (`x86-64`, `aarch64`), when known.
    pub arch: Option<&'static str>,
    pub linkage: Linkage,
    /// The `PT_INTERP` path (`/lib64/ld-linux-x86-64.so.2`), when it lies in the bytes read.
    pub interpreter: Option<String>,
    /// Whether there is a `PT_DYNAMIC` segment (static-pie binaries and shared objects).
    pub has_dynamic: bool,
}

impl ElfInfo {
    /// Whether the loader is musl's (`/lib/ld-musl-x86_64.so.1`).
    pub fn is_musl(&self) -> bool {
        self.interpreter
            .as_deref()
            .is_some_and(|i| i.contains("ld-musl"))
    }
}

/// The `#!` line of a script, split as Linux does: the interpreter up to the first blank, then
/// the rest of the line as one optional argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shebang {
    pub interpreter: String,
    pub argument: Option<String>,
}

impl Shebang {
    /// The program that really runs the script: the interpreter, or for `#!/usr/bin/env
    /// [-S] [NAME=value…] python3 -u` the first word after `env`'s options and assignments
    /// (`python3`). A bare name when it came through `env`, the path otherwise.
    pub fn program(&self) -> &str {
        if base_name(&self.interpreter) == "env"
            && let Some(arg) = &self.argument
            && let Some(word) = arg
                .split_ascii_whitespace()
                .find(|w| !w.starts_with('-') && !w.contains('='))
        {
            return word;
        }
        &self.interpreter
    }
}

/// The last component of a path.
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Classifies a file from its first bytes (any length; a short buffer gives what fits).
pub fn classify(header: &[u8]) -> ExecutableKind {
    if let Some(elf) = parse_elf(header) {
        return ExecutableKind::Elf(elf);
    }
    if let Some(shebang) = parse_shebang(header) {
        return ExecutableKind::Script(shebang);
    }
    ExecutableKind::Other
}

/// Parses `#!interpreter [argument]`; `None` when the bytes do not start with `#!` or name no
/// interpreter.
pub fn parse_shebang(header: &[u8]) -> Option<Shebang> {
    let rest = header.strip_prefix(b"#!")?;
    let rest = &rest[..rest.len().min(MAX_SHEBANG_LEN)];
    let line = match rest.iter().position(|&b| b == b'\n') {
        Some(end) => &rest[..end],
        None => rest,
    };
    let line = String::from_utf8_lossy(line);
    let line = line.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\r');
    let (interpreter, argument) = match line.find([' ', '\t']) {
        Some(at) => (&line[..at], line[at..].trim_matches([' ', '\t'])),
        None => (line, ""),
    };
    if interpreter.is_empty() || interpreter.contains('\0') {
        return None;
    }
    Some(Shebang {
        interpreter: interpreter.to_string(),
        argument: (!argument.is_empty()).then(|| argument.to_string()),
    })
}

/// Reads integers of one byte order from a buffer, `None` past its end.
#[derive(Clone, Copy)]
struct Bytes<'a> {
    data: &'a [u8],
    little: bool,
}

impl Bytes<'_> {
    fn array<const N: usize>(&self, at: u64) -> Option<[u8; N]> {
        let at = usize::try_from(at).ok()?;
        let end = at.checked_add(N)?;
        self.data.get(at..end)?.try_into().ok()
    }

    fn u16(&self, at: u64) -> Option<u16> {
        let b = self.array::<2>(at)?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: u64) -> Option<u32> {
        let b = self.array::<4>(at)?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn u64(&self, at: u64) -> Option<u64> {
        let b = self.array::<8>(at)?;
        Some(if self.little {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        })
    }
}

/// Parses the ELF header and program headers found in `header`. `None` when it is not ELF
/// (bad magic, class or byte order, or shorter than the ELF header); a header whose program
/// headers are cut off or malformed gives [`Linkage::Unknown`] unless a `PT_INTERP` was seen.
pub fn parse_elf(header: &[u8]) -> Option<ElfInfo> {
    if !header.starts_with(b"\x7fELF") {
        return None;
    }
    let bits: u8 = match header.get(4)? {
        1 => 32,
        2 => 64,
        _ => return None,
    };
    let little = match header.get(5)? {
        1 => true,
        2 => false,
        _ => return None,
    };
    let b = Bytes {
        data: header,
        little,
    };
    let elf_type = b.u16(16)?;
    let machine = b.u16(18)?;
    // e_phoff, e_phentsize, e_phnum; the minimum entry size covers the fields read.
    let (phoff, phentsize, phnum, min_entry) = if bits == 64 {
        (b.u64(32)?, b.u16(54)?, b.u16(56)?, 56)
    } else {
        (u64::from(b.u32(28)?), b.u16(42)?, b.u16(44)?, 32)
    };
    let mut info = ElfInfo {
        bits,
        little_endian: little,
        elf_type,
        machine,
        arch: arch_name(machine),
        linkage: Linkage::Static,
        interpreter: None,
        has_dynamic: false,
    };
    if phnum == PN_XNUM || (phnum > 0 && (phoff == 0 || phentsize < min_entry)) {
        info.linkage = Linkage::Unknown;
        return Some(info);
    }
    let mut complete = true;
    for i in 0..u64::from(phnum) {
        let Some(at) = u64::from(phentsize)
            .checked_mul(i)
            .and_then(|o| o.checked_add(phoff))
        else {
            complete = false;
            break;
        };
        let Some(p_type) = b.u32(at) else {
            complete = false;
            break;
        };
        let segment = if bits == 64 {
            b.u64(at + 8).zip(b.u64(at + 32))
        } else {
            b.u32(at + 4)
                .zip(b.u32(at + 16))
                .map(|(o, s)| (u64::from(o), u64::from(s)))
        };
        let Some((offset, file_size)) = segment else {
            complete = false;
            break;
        };
        match p_type {
            PT_INTERP => {
                info.linkage = Linkage::Dynamic;
                info.interpreter = interpreter_at(header, offset, file_size);
            }
            PT_DYNAMIC => info.has_dynamic = true,
            _ => {}
        }
    }
    if !complete && info.linkage != Linkage::Dynamic {
        info.linkage = Linkage::Unknown;
    }
    Some(info)
}

/// The NUL-terminated interpreter path at `offset`, when it lies in the bytes read.
fn interpreter_at(header: &[u8], offset: u64, size: u64) -> Option<String> {
    let start = usize::try_from(offset).ok()?;
    let len = usize::try_from(size).ok()?.min(MAX_INTERPRETER_LEN);
    let bytes = header.get(start..start.checked_add(len)?)?;
    let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    let path = String::from_utf8_lossy(&bytes[..end]).into_owned();
    (!path.is_empty()).then_some(path)
}

/// Names of the common `e_machine` values.
pub fn arch_name(machine: u16) -> Option<&'static str> {
    Some(match machine {
        2 => "sparc",
        3 => "x86",
        8 => "mips",
        20 => "ppc",
        21 => "ppc64",
        22 => "s390",
        40 => "arm",
        43 => "sparcv9",
        62 => "x86-64",
        183 => "aarch64",
        243 => "riscv",
        258 => "loongarch",
        _ => return None,
    })
}

/// An [`Analyzer`] that classifies every regular file with an execute bit ([`classify`]) and,
/// after the walk, keeps the classification of the copies the final image shows.
#[derive(Default)]
pub struct Executables {
    /// Every copy read: (path, layer) → kind.
    copies: HashMap<(String, usize), ExecutableKind>,
    /// After the walk: path of a final regular file → kind.
    visible: BTreeMap<String, ExecutableKind>,
    buffer: Vec<u8>,
}

impl Executables {
    /// The kind of the final file at `path` (normalised or with a leading `/`; no links are
    /// followed), if it is executable.
    pub fn get(&self, path: &str) -> Option<&ExecutableKind> {
        self.visible.get(path.trim_start_matches('/'))
    }

    /// Every executable regular file of the final image, by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ExecutableKind)> {
        self.visible.iter().map(|(p, k)| (p.as_str(), k))
    }

    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// Test helper and source of files found outside the walk: sets a final classification.
    pub fn insert(&mut self, path: &str, kind: ExecutableKind) {
        self.visible
            .insert(path.trim_start_matches('/').to_string(), kind);
    }
}

impl Analyzer for Executables {
    fn required(&self, _path: &str, entry: &Entry) -> bool {
        entry.kind == EntryKind::File && entry.mode & 0o111 != 0
    }

    fn analyze(
        &mut self,
        path: &str,
        _entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        super::read_capped(path, content, MAX_HEADER_READ, &mut self.buffer)?;
        self.copies
            .insert((path.to_string(), layer), classify(&self.buffer));
        Ok(())
    }

    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        super::relabel_copies(&mut self.copies, map);
    }

    fn finish(&mut self, tree: &FileTree) -> Result<()> {
        for ((path, layer), kind) in std::mem::take(&mut self.copies) {
            let shown = tree.get(&path).is_some_and(|e| {
                e.kind == EntryKind::File && e.layer == layer && e.mode & 0o111 != 0
            });
            if shown {
                self.visible.insert(path, kind);
            }
        }
        self.buffer = Vec::new();
        Ok(())
    }
}

/// Builders of ELF images for tests.
#[cfg(test)]
pub(crate) mod elf {
    /// A minimal little-endian ELF64 x86-64 executable: header, program headers (a `PT_LOAD`,
    /// and a `PT_INTERP` with `interpreter` when given), then the interpreter string.
    pub fn elf64(interpreter: Option<&str>) -> Vec<u8> {
        let phnum: u16 = if interpreter.is_some() { 2 } else { 1 };
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2; // 64-bit
        out[5] = 1; // little endian
        out[6] = 1; // version
        out[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        out[18..20].copy_from_slice(&62u16.to_le_bytes()); // x86-64
        out[20..24].copy_from_slice(&1u32.to_le_bytes());
        out[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        out[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
        out[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        out[56..58].copy_from_slice(&phnum.to_le_bytes());
        let interp_at = 64 + 56 * u64::from(phnum);
        let mut phdr = |p_type: u32, offset: u64, size: u64| {
            let mut h = vec![0u8; 56];
            h[..4].copy_from_slice(&p_type.to_le_bytes());
            h[8..16].copy_from_slice(&offset.to_le_bytes());
            h[32..40].copy_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&h);
        };
        phdr(1, 0, 0); // PT_LOAD
        if let Some(i) = interpreter {
            phdr(3, interp_at, i.len() as u64 + 1);
        }
        if let Some(i) = interpreter {
            out.extend_from_slice(i.as_bytes());
            out.push(0);
        }
        out
    }

    /// A minimal big-endian ELF32 (MIPS) executable with one `PT_INTERP`.
    pub fn elf32_be(interpreter: &str) -> Vec<u8> {
        let mut out = vec![0u8; 52];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 1; // 32-bit
        out[5] = 2; // big endian
        out[6] = 1;
        out[16..18].copy_from_slice(&2u16.to_be_bytes());
        out[18..20].copy_from_slice(&8u16.to_be_bytes()); // MIPS
        out[28..32].copy_from_slice(&52u32.to_be_bytes()); // e_phoff
        out[42..44].copy_from_slice(&32u16.to_be_bytes()); // e_phentsize
        out[44..46].copy_from_slice(&1u16.to_be_bytes());
        let mut h = vec![0u8; 32];
        h[..4].copy_from_slice(&3u32.to_be_bytes());
        h[4..8].copy_from_slice(&84u32.to_be_bytes()); // p_offset
        h[16..20].copy_from_slice(&(interpreter.len() as u32 + 1).to_be_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(interpreter.as_bytes());
        out.push(0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::elf::{elf32_be, elf64};
    use super::*;
    use crate::checks::testing::{E, image, layer};
    use crate::walk::{Limits, walk};

    fn elf_of(bytes: &[u8]) -> ElfInfo {
        match classify(bytes) {
            ExecutableKind::Elf(e) => e,
            other => panic!("not ELF: {other:?}"),
        }
    }

    #[test]
    fn static_and_dynamic_elf() {
        let s = elf_of(&elf64(None));
        assert_eq!((s.bits, s.machine, s.arch), (64, 62, Some("x86-64")));
        assert!(s.little_endian);
        assert_eq!(s.linkage, Linkage::Static);
        assert_eq!(s.interpreter, None);

        let d = elf_of(&elf64(Some("/lib64/ld-linux-x86-64.so.2")));
        assert_eq!(d.linkage, Linkage::Dynamic);
        assert_eq!(
            d.interpreter.as_deref(),
            Some("/lib64/ld-linux-x86-64.so.2")
        );
        assert!(!d.is_musl());
        assert!(elf_of(&elf64(Some("/lib/ld-musl-aarch64.so.1"))).is_musl());

        let m = elf_of(&elf32_be("/lib/ld.so.1"));
        assert_eq!((m.bits, m.little_endian, m.arch), (32, false, Some("mips")));
        assert_eq!(m.linkage, Linkage::Dynamic);
        assert_eq!(m.interpreter.as_deref(), Some("/lib/ld.so.1"));
    }

    #[test]
    fn truncated_headers_never_panic() {
        let full = elf64(Some("/lib64/ld-linux-x86-64.so.2"));
        for len in 0..=full.len() {
            let _ = classify(&full[..len]);
        }
        // Shorter than the ELF header: not classified as ELF.
        assert_eq!(classify(&full[..40]), ExecutableKind::Other);
        // Program headers cut off before the PT_INTERP entry: unknown linkage.
        let cut = elf_of(&full[..64 + 56 + 10]);
        assert_eq!(cut.linkage, Linkage::Unknown);
        // PT_INTERP read but its string cut off: dynamic, interpreter unknown.
        let cut = elf_of(&full[..64 + 2 * 56 + 3]);
        assert_eq!(cut.linkage, Linkage::Dynamic);
        assert_eq!(cut.interpreter, None);
        let static_bin = elf64(None);
        for len in 0..=static_bin.len() {
            let _ = classify(&static_bin[..len]);
        }
    }

    #[test]
    fn hostile_headers() {
        let base = elf64(Some("/lib/ld"));
        // Program header offset near u64::MAX, huge entry size and count.
        let mut h = base.clone();
        h[32..40].copy_from_slice(&(u64::MAX - 3).to_le_bytes());
        assert_eq!(elf_of(&h).linkage, Linkage::Unknown);
        let mut h = base.clone();
        h[54..56].copy_from_slice(&u16::MAX.to_le_bytes());
        h[56..58].copy_from_slice(&(u16::MAX - 1).to_le_bytes());
        assert_eq!(elf_of(&h).linkage, Linkage::Unknown);
        // Entry size too small for the fields read.
        let mut h = base.clone();
        h[54..56].copy_from_slice(&4u16.to_le_bytes());
        assert_eq!(elf_of(&h).linkage, Linkage::Unknown);
        // PN_XNUM.
        let mut h = base.clone();
        h[56..58].copy_from_slice(&PN_XNUM.to_le_bytes());
        assert_eq!(elf_of(&h).linkage, Linkage::Unknown);
        // PT_INTERP pointing far away or with a huge size: dynamic, no interpreter.
        let mut h = base.clone();
        let interp = 64 + 56;
        h[interp + 8..interp + 16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(elf_of(&h).interpreter, None);
        let mut h = base.clone();
        h[interp + 32..interp + 40].copy_from_slice(&u64::MAX.to_le_bytes());
        // Size capped: reads up to the end of what fits, or nothing.
        let _ = elf_of(&h);
        // Bad class or byte order: not ELF.
        let mut h = base.clone();
        h[4] = 7;
        assert_eq!(classify(&h), ExecutableKind::Other);
        let mut h = base;
        h[5] = 0;
        assert_eq!(classify(&h), ExecutableKind::Other);
        // Garbage after the magic.
        let mut garbage = b"\x7fELF".to_vec();
        garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
        garbage[4] = 2;
        garbage[5] = 1;
        let _ = classify(&garbage);
    }

    #[test]
    fn shebangs() {
        let s = parse_shebang(b"#!/bin/sh\necho hi\n").unwrap();
        assert_eq!(
            (s.interpreter.as_str(), s.argument.as_deref()),
            ("/bin/sh", None)
        );
        assert_eq!(s.program(), "/bin/sh");
        let s = parse_shebang(b"#! /usr/bin/env  python3 \r\nprint(1)").unwrap();
        assert_eq!(s.interpreter, "/usr/bin/env");
        assert_eq!(s.argument.as_deref(), Some("python3"));
        assert_eq!(s.program(), "python3");
        let s = parse_shebang(b"#!/usr/bin/env -S PYTHONUNBUFFERED=1 python3 -u\n").unwrap();
        assert_eq!(
            s.argument.as_deref(),
            Some("-S PYTHONUNBUFFERED=1 python3 -u")
        );
        assert_eq!(s.program(), "python3");
        let s = parse_shebang(b"#!/usr/bin/perl -w\n").unwrap();
        assert_eq!(s.argument.as_deref(), Some("-w"));
        assert_eq!(s.program(), "/usr/bin/perl");
        assert_eq!(parse_shebang(b"#!\n"), None);
        assert_eq!(parse_shebang(b"#!   \n"), None);
        assert_eq!(parse_shebang(b"echo hi"), None);
        // An endless line is cut at MAX_SHEBANG_LEN.
        let mut long = b"#!/bin/".to_vec();
        long.extend(std::iter::repeat_n(b'x', 10_000));
        let s = parse_shebang(&long).unwrap();
        assert!(s.interpreter.len() <= MAX_SHEBANG_LEN);
        assert_eq!(classify(b"MZ\x90\x00"), ExecutableKind::Other);
    }

    #[test]
    fn keeps_only_the_final_executable_copies() {
        let server = elf64(None);
        let tool = elf64(Some("/lib/ld-musl-x86_64.so.1"));
        let mut big_script = b"#!/bin/bash\n".to_vec();
        big_script.extend(std::iter::repeat_n(b'#', 100_000));
        let l0 = layer(&[
            E::File("app/server", b"#!/bin/sh\nexec old\n", 0o755),
            E::File("usr/bin/tool", &tool, 0o755),
            E::File("usr/bin/gone", &tool, 0o755),
            E::File("etc/data", &tool, 0o644),
            E::File("usr/bin/big", &big_script, 0o755),
            E::File("usr/bin/chmodded", &tool, 0o755),
        ]);
        let l1 = layer(&[
            E::File("app/server", &server, 0o755),
            E::File("usr/bin/.wh.gone", b"", 0o644),
            E::File("usr/bin/chmodded", &tool, 0o644),
        ]);
        let img = image("{}", vec![l0, l1]);
        let mut ex = Executables::default();
        walk(&img, &mut [&mut ex], &Limits::default()).unwrap();
        let paths: Vec<&str> = ex.iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["app/server", "usr/bin/big", "usr/bin/tool"]);
        assert!(matches!(
            ex.get("/app/server"),
            Some(ExecutableKind::Elf(ElfInfo {
                linkage: Linkage::Static,
                ..
            }))
        ));
        assert!(matches!(
            ex.get("usr/bin/tool"),
            Some(ExecutableKind::Elf(e)) if e.is_musl()
        ));
        assert!(matches!(
            ex.get("usr/bin/big"),
            Some(ExecutableKind::Script(s)) if s.interpreter == "/bin/bash"
        ));
    }

    #[test]
    fn relabel_forgets_unused_layers() {
        let mut ex = Executables::default();
        ex.analyze("a", &dummy(), 0, &mut &b"#!/bin/sh\n"[..])
            .unwrap();
        ex.analyze("b", &dummy(), 1, &mut &b"#!/bin/sh\n"[..])
            .unwrap();
        ex.relabel_layers(&|l| (l == 1).then_some(0));
        assert_eq!(ex.copies.len(), 1);
        assert!(ex.copies.contains_key(&("b".to_string(), 0)));
    }

    fn dummy() -> Entry {
        Entry {
            kind: EntryKind::File,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: 10,
            link: None,
            layer: 0,
        }
    }
}
