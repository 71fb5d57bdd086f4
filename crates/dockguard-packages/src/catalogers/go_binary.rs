//! Go executables: the build information the Go linker embeds in every binary built in module
//! mode (what `go version -m` prints).
//!
//! Any executable regular file is offered ([`Cataloger::wants_executable`]); files that are not
//! ELF give nothing. The build info header (`\xff Go buildinf:`, 32 bytes, 16-aligned) is taken
//! from the `.go.buildinfo` section, or searched for in the whole file when the section headers
//! are missing, stripped or past the bytes read. Go >= 1.18 (flags bit 2) stores the Go version
//! and the module info inline after the header as varint-prefixed strings; older binaries store
//! two pointers to Go string headers, resolved through the section table (skipped silently when
//! that cannot be done). The module info is tab-separated lines, as `runtime/debug.BuildInfo`:
//! `path` (main package), `mod` (main module path, version, sum), `dep` (module, version, sum)
//! and `=>` (replacement of the line before: path, version, sum); `build` settings are ignored.
//!
//! Output, as syft and Trivy: a `stdlib` package with the toolchain version as Go writes it
//! (`go1.22.3`); the main module, with `(devel)` as its version when the build recorded no
//! release (a local build: syft writes the same; Trivy leaves the version empty); every `dep`, replaced by its `=>` replacement when it has one. Replacements by a local
//! directory (`../lib`, no version) name no module release and are left out. No licences or
//! dependency edges are recorded in a binary.

use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct GoBinary;

/// The build info header magic.
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Module info is wrapped in these 16-byte sentinels (Go >= 1.13's `modinfo`).
const SENTINEL_LEN: usize = 16;

impl Cataloger for GoBinary {
    fn name(&self) -> &'static str {
        "go-binary"
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
        let sections = elf_sections(content).unwrap_or_default();
        let Some(start) = find_buildinfo(content, &sections) else {
            return parsed;
        };
        let Some(header) = content.get(start..start.saturating_add(32)) else {
            parsed.warn(path, None, "Go build info header is truncated");
            return parsed;
        };
        let ptr_size = usize::from(header[14]);
        let flags = header[15];
        let strings = if flags & 2 != 0 {
            inline_strings(&content[start + 32..])
        } else {
            // Before Go 1.18: two pointers to string headers. Not resolvable → nothing, quietly.
            match pointer_strings(content, &sections, header, ptr_size, flags & 1 != 0) {
                Some(s) => Ok(s),
                None => return parsed,
            }
        };
        let (version, modinfo) = match strings {
            Ok(s) => s,
            Err(e) => {
                parsed.warn(path, None, format!("Go build info: {e}"));
                return parsed;
            }
        };
        let version = String::from_utf8_lossy(version);
        let version = version.split_whitespace().next().unwrap_or("");
        if version.is_empty() {
            return parsed;
        }
        parsed
            .packages
            .push(Package::new(Ecosystem::Golang, "stdlib", version));
        let mut modinfo = modinfo;
        if modinfo.len() > 2 * SENTINEL_LEN && modinfo[modinfo.len() - 17] == b'\n' {
            modinfo = &modinfo[SENTINEL_LEN..modinfo.len() - SENTINEL_LEN];
        }
        parse_modinfo(&String::from_utf8_lossy(modinfo), &mut parsed.packages);
        parsed
    }
}

/// Bytes read of an executable by the binary catalogers: build info can be anywhere in it.
pub const BINARY_MAX_SIZE: u64 = 256 << 20;

/// The offset of the build info header: the `.go.buildinfo` section when it starts with the
/// magic, else the first occurrence of the magic anywhere.
fn find_buildinfo(data: &[u8], sections: &[Section]) -> Option<usize> {
    if let Some(s) = sections.iter().find(|s| s.name == b".go.buildinfo")
        && let Some(bytes) = section_data(data, s)
        && bytes.starts_with(MAGIC)
    {
        return usize::try_from(s.offset).ok();
    }
    // The Go linker always writes the section: a binary whose section table was read whole and
    // lacks it is no Go binary (most executables of an image), and is not searched.
    let table_read = !sections.is_empty()
        && sections
            .iter()
            .filter(|s| !s.nobits)
            .all(|s| section_data(data, s).is_some());
    if table_read {
        return None;
    }
    memchr::memmem::find(data, MAGIC)
}

/// Go >= 1.18: version and module info as two varint-length-prefixed strings.
fn inline_strings(mut rest: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let mut next = || -> Result<&[u8], String> {
        let (len, used) = uvarint(rest).ok_or("bad string length")?;
        let body = rest.get(used..).ok_or("truncated")?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= body.len())
            .ok_or_else(|| format!("string length {len} past the end of the file"))?;
        let (s, after) = body.split_at(len);
        rest = after;
        Ok(s)
    };
    let version = next()?;
    let modinfo = next()?;
    Ok((version, modinfo))
}

/// An unsigned LEB128 varint (at most 10 bytes) and the bytes it used.
fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in data.iter().take(10).enumerate() {
        let bits = u64::from(b & 0x7f);
        if i == 9 && b > 1 {
            return None; // overflows 64 bits
        }
        value |= bits << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Before Go 1.18: the header holds two pointers to Go string headers `{data, len}`.
fn pointer_strings<'a>(
    data: &'a [u8],
    sections: &[Section],
    header: &[u8],
    ptr_size: usize,
    big: bool,
) -> Option<(&'a [u8], &'a [u8])> {
    if ptr_size != 4 && ptr_size != 8 {
        return None;
    }
    let read_ptr = |bytes: &[u8]| -> Option<u64> {
        let b = bytes.get(..ptr_size)?;
        Some(if ptr_size == 8 {
            let a: [u8; 8] = b.try_into().ok()?;
            if big {
                u64::from_be_bytes(a)
            } else {
                u64::from_le_bytes(a)
            }
        } else {
            let a: [u8; 4] = b.try_into().ok()?;
            u64::from(if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            })
        })
    };
    let at = |addr: u64, len: u64| -> Option<&'a [u8]> {
        let s = sections
            .iter()
            .find(|s| !s.nobits && s.addr != 0 && addr >= s.addr && addr - s.addr < s.size)?;
        let off = s.offset.checked_add(addr - s.addr)?;
        let end = off.checked_add(len)?;
        data.get(usize::try_from(off).ok()?..usize::try_from(end).ok()?)
    };
    let string = |ptr: u64| -> Option<&'a [u8]> {
        let hdr = at(ptr, 2 * ptr_size as u64)?;
        let p = read_ptr(hdr)?;
        let len = read_ptr(hdr.get(ptr_size..)?)?;
        if len == 0 {
            return Some(&[]);
        }
        at(p, len)
    };
    let version = string(read_ptr(header.get(16..)?)?)?;
    let modinfo = string(read_ptr(header.get(16 + ptr_size..)?)?)?;
    Some((version, modinfo))
}

/// The packages of the module info lines (after the stdlib package already pushed).
fn parse_modinfo(text: &str, out: &mut Vec<Package>) {
    // The module of the last `mod`/`dep` line, replaced by a following `=>` line.
    let mut pending: Option<(bool, String, String)> = None;
    let flush = |pending: &mut Option<(bool, String, String)>, out: &mut Vec<Package>| {
        if let Some((is_main, name, version)) = pending.take() {
            let local = name.starts_with('.') || name.starts_with('/');
            // A main module built from a checkout records `(devel)`, or nothing before Go 1.18.
            let version = if is_main && version.is_empty() {
                "(devel)".to_string()
            } else {
                version
            };
            if !(name.is_empty() || local || version.is_empty()) {
                out.push(Package::new(Ecosystem::Golang, name, version));
            }
        }
    };
    for line in text.lines() {
        let mut fields = line.split('\t');
        let key = fields.next().unwrap_or("");
        let name = fields.next().unwrap_or("").to_string();
        let version = fields.next().unwrap_or("").to_string();
        match key {
            "mod" | "dep" => {
                flush(&mut pending, out);
                pending = Some((key == "mod", name, version));
            }
            "=>" => {
                if let Some((is_main, _, _)) = pending.take() {
                    pending = Some((is_main, name, version));
                }
            }
            _ => {}
        }
    }
    flush(&mut pending, out);
}

/// Whether the bytes start with the ELF magic.
pub(crate) fn is_elf(data: &[u8]) -> bool {
    data.starts_with(b"\x7fELF")
}

/// One ELF section header.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub name: Vec<u8>,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
    /// `SHT_NOBITS` (`.bss`): no bytes in the file.
    pub nobits: bool,
}

/// The section headers of an ELF file (32 or 64 bits, either byte order), names resolved.
/// Errors when the header or the table is truncated or malformed.
pub(crate) fn elf_sections(data: &[u8]) -> Result<Vec<Section>, String> {
    let class = *data.get(4).ok_or("truncated ELF header")?;
    let big = match data.get(5) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err("unknown ELF byte order".into()),
    };
    let is64 = match class {
        1 => false,
        2 => true,
        _ => return Err("unknown ELF class".into()),
    };
    let u16_at = |off: usize| -> Option<u64> {
        let a: [u8; 2] = data.get(off..off + 2)?.try_into().ok()?;
        Some(u64::from(if big {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        }))
    };
    let u32_at = |off: usize| -> Option<u64> {
        let a: [u8; 4] = data.get(off..off + 4)?.try_into().ok()?;
        Some(u64::from(if big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        }))
    };
    let u64_at = |off: usize| -> Option<u64> {
        let a: [u8; 8] = data.get(off..off + 8)?.try_into().ok()?;
        Some(if big {
            u64::from_be_bytes(a)
        } else {
            u64::from_le_bytes(a)
        })
    };
    let word_at = |off: usize| if is64 { u64_at(off) } else { u32_at(off) };
    let (shoff, shentsize, shnum, shstrndx) = if is64 {
        (word_at(0x28), u16_at(0x3a), u16_at(0x3c), u16_at(0x3e))
    } else {
        (word_at(0x20), u16_at(0x2e), u16_at(0x30), u16_at(0x32))
    };
    let (Some(shoff), Some(shentsize), Some(mut shnum), Some(mut shstrndx)) =
        (shoff, shentsize, shnum, shstrndx)
    else {
        return Err("truncated ELF header".into());
    };
    if shoff == 0 {
        return Ok(Vec::new());
    }
    let min_entsize = if is64 { 64 } else { 40 };
    if shentsize < min_entsize {
        return Err(format!("bad section header size {shentsize}"));
    }
    let header_at = |i: u64| -> Option<usize> {
        usize::try_from(shoff.checked_add(i.checked_mul(shentsize)?)?).ok()
    };
    let raw = |i: u64| -> Option<(u64, u64, u64, u64, u64, u64)> {
        let h = header_at(i)?;
        data.get(h..h.checked_add(usize::try_from(shentsize).ok()?)?)?;
        if is64 {
            Some((
                u32_at(h)?,
                u32_at(h + 4)?,
                u64_at(h + 16)?,
                u64_at(h + 24)?,
                u64_at(h + 32)?,
                u32_at(h + 40)?,
            ))
        } else {
            Some((
                u32_at(h)?,
                u32_at(h + 4)?,
                u32_at(h + 12)?,
                u32_at(h + 16)?,
                u32_at(h + 20)?,
                u32_at(h + 24)?,
            ))
        }
    };
    let first = raw(0).ok_or("section headers past the end of the file")?;
    // Extended numbering: counts too large for the header live in section 0.
    if shnum == 0 {
        shnum = first.4.min(1 << 16);
    }
    if shstrndx == 0xffff {
        shstrndx = first.5;
    }
    let mut headers = Vec::new();
    for i in 0..shnum {
        let (name, ty, addr, offset, size, _) =
            raw(i).ok_or("section headers past the end of the file")?;
        headers.push((name, ty, addr, offset, size));
    }
    let strtab = headers
        .get(usize::try_from(shstrndx).unwrap_or(usize::MAX))
        .and_then(|&(_, _, _, off, size)| {
            let off = usize::try_from(off).ok()?;
            data.get(off..off.checked_add(usize::try_from(size).ok()?)?)
        })
        .unwrap_or(&[]);
    Ok(headers
        .into_iter()
        .map(|(name, ty, addr, offset, size)| {
            let name = usize::try_from(name)
                .ok()
                .and_then(|n| strtab.get(n..))
                .map(|s| s.split(|&b| b == 0).next().unwrap_or(&[]).to_vec())
                .unwrap_or_default();
            Section {
                name,
                addr,
                offset,
                size,
                nobits: ty == 8,
            }
        })
        .collect())
}

/// The bytes of a section in the file, if they are all there.
pub(crate) fn section_data<'a>(data: &'a [u8], s: &Section) -> Option<&'a [u8]> {
    if s.nobits {
        return None;
    }
    let off = usize::try_from(s.offset).ok()?;
    data.get(off..off.checked_add(usize::try_from(s.size).ok()?)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal little-endian ELF64 file with the given sections (name, bytes) and a
    /// `.shstrtab`; section addresses are `0x400000 + offset`.
    pub(crate) fn tiny_elf(sections: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = 1;
        out[6] = 1;
        let mut shstrtab = vec![0u8];
        let mut placed = Vec::new();
        for (name, bytes) in sections {
            let name_off = shstrtab.len() as u32;
            shstrtab.extend_from_slice(name.as_bytes());
            shstrtab.push(0);
            while !out.len().is_multiple_of(16) {
                out.push(0);
            }
            placed.push((name_off, out.len() as u64, bytes.len() as u64));
            out.extend_from_slice(bytes);
        }
        let strtab_name = shstrtab.len() as u32;
        shstrtab.extend_from_slice(b".shstrtab\0");
        let strtab_off = out.len() as u64;
        out.extend_from_slice(&shstrtab);
        placed.push((strtab_name, strtab_off, shstrtab.len() as u64));
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        let shoff = out.len() as u64;
        out.extend_from_slice(&[0u8; 64]); // SHN_UNDEF
        for (i, (name, off, size)) in placed.iter().enumerate() {
            let mut h = [0u8; 64];
            h[0..4].copy_from_slice(&name.to_le_bytes());
            let ty: u32 = if i + 1 == placed.len() { 3 } else { 1 };
            h[4..8].copy_from_slice(&ty.to_le_bytes());
            h[16..24].copy_from_slice(&(0x40_0000 + off).to_le_bytes());
            h[24..32].copy_from_slice(&off.to_le_bytes());
            h[32..40].copy_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&h);
        }
        out[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        out[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        out[0x3c..0x3e].copy_from_slice(&((placed.len() + 1) as u16).to_le_bytes());
        out[0x3e..0x40].copy_from_slice(&(placed.len() as u16).to_le_bytes());
        out
    }

    fn names(p: &Parsed) -> Vec<String> {
        p.packages
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect()
    }

    const MODINFO: &str = "path\texample.com/hello\n\
        mod\texample.com/hello\t(devel)\t\n\
        dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n\
        dep\tgolang.org/x/text\tv0.3.0\n\
        =>\tgolang.org/x/text\tv0.14.0\th1:abc=\n\
        dep\texample.com/local\tv1.0.0\n\
        =>\t../local\t\t\n\
        build\t-compiler=gc\n";

    fn wrapped_modinfo() -> Vec<u8> {
        let mut m = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
        m.extend_from_slice(MODINFO.as_bytes());
        m.extend_from_slice(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
        m
    }

    fn inline_buildinfo(version: &str, modinfo: &[u8]) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.push(8);
        b.push(2);
        b.resize(32, 0);
        for s in [version.as_bytes(), modinfo] {
            let mut n = s.len();
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    b.push(byte);
                    break;
                }
                b.push(byte | 0x80);
            }
            b.extend_from_slice(s);
        }
        b
    }

    #[test]
    fn go_118_inline_format() {
        let info = inline_buildinfo("go1.22.3", &wrapped_modinfo());
        let elf = tiny_elf(&[(".text", b"\x90\x90"), (".go.buildinfo", &info)]);
        let p = GoBinary.parse("app/server", &elf);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            names(&p),
            [
                "stdlib go1.22.3",
                "example.com/hello (devel)",
                "github.com/pkg/errors v0.9.1",
                "golang.org/x/text v0.14.0",
            ]
        );
        assert_eq!(
            p.packages[2].purl(None),
            "pkg:golang/github.com/pkg/errors@v0.9.1"
        );
        // Section headers cut off: the magic is searched for.
        let cut = &elf[..elf.len() - 100];
        assert_eq!(names(&GoBinary.parse("app/server", cut)).len(), 4);
    }

    #[test]
    fn go_pre_118_pointer_format() {
        // Layout inside `.data` (address 0x400000 + offset): header, then two string headers,
        // then the strings.
        let modinfo = wrapped_modinfo();
        // The first section is placed at offset 64 by `tiny_elf`.
        let base = 0x40_0000u64 + 64;
        let mut data = MAGIC.to_vec();
        data.push(8);
        data.push(0);
        data.extend_from_slice(&(base + 32).to_le_bytes());
        data.extend_from_slice(&(base + 48).to_le_bytes());
        let ver = b"go1.16.15";
        data.extend_from_slice(&(base + 64).to_le_bytes());
        data.extend_from_slice(&(ver.len() as u64).to_le_bytes());
        data.extend_from_slice(&(base + 64 + ver.len() as u64).to_le_bytes());
        data.extend_from_slice(&(modinfo.len() as u64).to_le_bytes());
        data.extend_from_slice(ver);
        data.extend_from_slice(&modinfo);
        let elf = tiny_elf(&[(".go.buildinfo", &data)]);
        let p = GoBinary.parse("bin/old", &elf);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(names(&p)[0], "stdlib go1.16.15");
        assert_eq!(names(&p).len(), 4);
    }

    #[test]
    fn not_go_and_hostile() {
        assert!(
            GoBinary
                .parse("bin/sh", b"#!/bin/sh\necho hi\n")
                .packages
                .is_empty()
        );
        assert!(
            GoBinary
                .parse("bin/x", &tiny_elf(&[(".text", b"ret")]))
                .packages
                .is_empty()
        );
        assert!(GoBinary.parse("bin/x", b"\x7fELF").packages.is_empty());
        // Huge varint length.
        let mut info = MAGIC.to_vec();
        info.extend_from_slice(&[8, 2]);
        info.resize(32, 0);
        info.extend_from_slice(&[0xff; 9]);
        info.push(0x01);
        let p = GoBinary.parse("bin/x", &tiny_elf(&[(".go.buildinfo", &info)]));
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        // Varint overflow, and a length past the end.
        let mut info2 = info[..32].to_vec();
        info2.extend_from_slice(&[0xff; 12]);
        assert_eq!(
            GoBinary
                .parse("bin/x", &tiny_elf(&[(".go.buildinfo", &info2)]))
                .warnings
                .len(),
            1
        );
        let mut info3 = info[..32].to_vec();
        info3.extend_from_slice(&[0xff, 0x7f, b'g']);
        assert_eq!(
            GoBinary
                .parse("bin/x", &tiny_elf(&[(".go.buildinfo", &info3)]))
                .warnings
                .len(),
            1
        );
        // Truncated header (magic at the very end of the file).
        let mut cut = b"\x7fELF\x02\x01\x01".to_vec();
        cut.extend_from_slice(MAGIC);
        assert_eq!(GoBinary.parse("bin/x", &cut).warnings.len(), 1);
        // Every prefix of a valid binary: no panic.
        let elf = tiny_elf(&[(
            ".go.buildinfo",
            &inline_buildinfo("go1.21.0", MODINFO.as_bytes()),
        )]);
        for n in 0..elf.len() {
            let _ = GoBinary.parse("bin/x", &elf[..n]);
        }
        // Garbage section table values.
        let mut bad = elf.clone();
        bad[0x28..0x30].copy_from_slice(&u64::MAX.to_le_bytes());
        let _ = GoBinary.parse("bin/x", &bad);
        assert!(elf_sections(&bad).is_err());
    }

    /// A real binary built by the Go toolchain (see `fixtures/go-binary/README.md`).
    #[test]
    fn real_go_binary() {
        let bytes = include_bytes!("../../fixtures/go-binary/hello");
        let p = GoBinary.parse("usr/local/bin/hello", bytes);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            names(&p),
            [
                "stdlib go1.19.8",
                "example.com/hello (devel)",
                "example.com/greet v1.2.3"
            ]
        );
    }

    /// Through an image walk: an executable at any path is read, a non-executable copy is not.
    #[test]
    fn executables_anywhere_in_a_walk() {
        use std::os::unix::fs::PermissionsExt;
        let bytes = include_bytes!("../../fixtures/go-binary/hello");
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let put = |rel: &str, mode: u32| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        put("opt/app/weird-name", 0o755);
        put("srv/data/not-executable", 0o644);
        std::fs::write(dir.path().join("opt/app/run.sh"), "#!/bin/sh\n").unwrap();
        let inventory = crate::inventory_of(
            &dockguard_image::RootfsSource::new(dir.path()),
            &dockguard_image::Limits::default(),
        )
        .unwrap_or_else(|e| panic!("inventory: {e}"));
        assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
        let got: Vec<_> = inventory
            .packages
            .iter()
            .map(|p| format!("{} {} {}", p.name, p.version, p.locations[0].path))
            .collect();
        assert_eq!(
            got,
            [
                "example.com/greet v1.2.3 opt/app/weird-name",
                "example.com/hello (devel) opt/app/weird-name",
                "stdlib go1.19.8 opt/app/weird-name",
            ]
        );
    }
}
