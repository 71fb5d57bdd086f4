//! The NDB rpm database, `Packages.db` (rpm's own format, the default on SUSE: SLES 15,
//! openSUSE Leap 15 and Tumbleweed before its move to SQLite), in `var/lib/rpm/` or
//! `usr/lib/sysimage/rpm/`.
//!
//! Little-endian throughout, in 16-byte blocks (rpm's `lib/backend/ndb/rpmpkg.c`):
//!
//! - a 32-byte header: magic `RpmP`, format version 0, generation, number of 4 KiB slot pages;
//! - the slot pages (the header takes the first two slots of page 0): 16-byte slots, magic
//!   `Slot`, package index (0 = free slot), block offset, block count;
//! - at block offset × 16, a blob: magic `BlbS`, package index, checksum, length, then the rpm
//!   header blob ([`super::rpm_header`]) of that length.
//!
//! The package index is the record number in warnings. The blob checksum is not verified (a
//! malformed header is caught by the header parser's own bounds checks).

use super::rpm_header::add_header;
use super::{Cataloger, Parsed};

pub struct RpmNdb;

const FILES: &[&str] = &[
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages.db",
];

const SLOT_PAGE: usize = 4096;
const SLOT: usize = 16;
const BLOCK: usize = 16;
/// rpm's own bound on slot pages is far lower; this one keeps a hostile count cheap.
const MAX_SLOT_PAGES: usize = 4096;

impl Cataloger for RpmNdb {
    fn name(&self) -> &'static str {
        "rpmdb-ndb"
    }

    fn wants(&self, path: &str) -> bool {
        FILES.contains(&path)
    }

    fn max_size(&self) -> u64 {
        512 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        if let Err(e) = read(path, content, &mut parsed) {
            parsed.warn(path, None, format!("rpm NDB database not read: {e}"));
        }
        parsed
    }
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn read(path: &str, content: &[u8], parsed: &mut Parsed) -> Result<(), String> {
    if !content.starts_with(b"RpmP") {
        return Err("not an NDB database".into());
    }
    if le32(content, 4) != Some(0) {
        return Err("unknown NDB format version".into());
    }
    let pages = le32(content, 12).ok_or("header truncated")? as usize;
    if pages == 0 || pages > MAX_SLOT_PAGES {
        return Err(format!("{pages} slot pages"));
    }
    let slots_end = pages * SLOT_PAGE;
    if slots_end > content.len() {
        parsed.warn(
            path,
            None,
            format!(
                "{pages} slot pages but the file has {} bytes",
                content.len()
            ),
        );
    }
    let slots_end = slots_end.min(content.len());
    for at in (2 * SLOT..slots_end).step_by(SLOT) {
        let slot = content.get(at..at + SLOT).unwrap_or_default();
        if slot.len() < SLOT {
            break;
        }
        if !slot.starts_with(b"Slot") {
            parsed.warn(
                path,
                None,
                format!("bad slot at byte {at}; the rest is not read"),
            );
            break;
        }
        let (Some(pkg), Some(blk)) = (le32(slot, 4), le32(slot, 8)) else {
            break;
        };
        if pkg == 0 {
            continue;
        }
        match blob(content, pkg, blk as usize) {
            Ok(b) => add_header(parsed, path, pkg, b),
            Err(e) => parsed.warn(path, Some(pkg), e),
        }
    }
    Ok(())
}

/// The header blob of package `pkg` at block `blk`.
fn blob(content: &[u8], pkg: u32, blk: usize) -> Result<&[u8], String> {
    let start = blk
        .checked_mul(BLOCK)
        .filter(|s| *s < content.len())
        .ok_or_else(|| format!("blob block {blk} is outside the file"))?;
    let head = content
        .get(start..start + 16)
        .ok_or("blob header is truncated")?;
    if !head.starts_with(b"BlbS") {
        return Err(format!("no blob at block {blk}"));
    }
    if le32(head, 4) != Some(pkg) {
        return Err(format!("blob at block {blk} is not package {pkg}'s"));
    }
    let len = le32(head, 12).unwrap_or(0) as usize;
    content
        .get(start + 16..)
        .and_then(|rest| rest.get(..len))
        .ok_or_else(|| format!("blob of {len} bytes runs past the end of the file"))
}

#[cfg(test)]
mod tests {
    use super::super::rpm_header::build::{Value, blob as header, openssl_libs};
    use super::*;

    /// An NDB file as rpm lays it out: one slot page, blobs after it.
    fn ndb(headers: &[(u32, Vec<u8>)]) -> Vec<u8> {
        let mut out = vec![0u8; SLOT_PAGE];
        out[..4].copy_from_slice(b"RpmP");
        out[12..16].copy_from_slice(&1u32.to_le_bytes());
        for s in (2 * SLOT..SLOT_PAGE).step_by(SLOT) {
            out[s..s + 4].copy_from_slice(b"Slot");
        }
        for (i, (pkg, h)) in headers.iter().enumerate() {
            let blk = out.len() / BLOCK;
            let s = (2 + i) * SLOT;
            out[s + 4..s + 8].copy_from_slice(&pkg.to_le_bytes());
            out[s + 8..s + 12].copy_from_slice(&(blk as u32).to_le_bytes());
            let cnt = (16 + h.len() + 16).div_ceil(BLOCK) as u32;
            out[s + 12..s + 16].copy_from_slice(&cnt.to_le_bytes());
            out.extend_from_slice(b"BlbS");
            out.extend_from_slice(&pkg.to_le_bytes());
            out.extend_from_slice(&0x1234u32.to_le_bytes());
            out.extend_from_slice(&(h.len() as u32).to_le_bytes());
            out.extend_from_slice(h);
            out.resize(blk * BLOCK + cnt as usize * BLOCK, 0);
        }
        out
    }

    fn two() -> Vec<u8> {
        let zlib = header(&[
            (1000, Value::Str("libz1")),
            (1001, Value::Str("1.2.13")),
            (1002, Value::Str("150500.4.3.1")),
            (1022, Value::Str("x86_64")),
            (1044, Value::Str("zlib-1.2.13-150500.4.3.1.src.rpm")),
            (1014, Value::Str("Zlib")),
        ]);
        ndb(&[(1, openssl_libs()), (7, zlib)])
    }

    #[test]
    fn reads_ndb() {
        assert!(RpmNdb.wants("usr/lib/sysimage/rpm/Packages.db"));
        let p = RpmNdb.parse("var/lib/rpm/Packages.db", &two());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let names: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("openssl-libs", "1:3.0.7-27.el9"),
                ("libz1", "1.2.13-150500.4.3.1")
            ]
        );
        assert_eq!(p.packages[1].source_name.as_deref(), Some("zlib"));
    }

    #[test]
    fn garbage_and_truncated() {
        let p = RpmNdb.parse("var/lib/rpm/Packages.db", b"garbage");
        assert_eq!((p.packages.len(), p.warnings.len()), (0, 1));
        let good = two();
        for n in (0..good.len()).step_by(13) {
            let _ = RpmNdb.parse("var/lib/rpm/Packages.db", &good[..n]);
        }
        // Slot pointing past the end, wrong package index, huge blob length, huge page count.
        for (at, v) in [(40, u32::MAX), (36, 9), (40, 1), (12, u32::MAX), (12, 1000)] {
            let mut bad = good.clone();
            bad[at..at + 4].copy_from_slice(&v.to_le_bytes());
            let p = RpmNdb.parse("var/lib/rpm/Packages.db", &bad);
            assert!(!p.warnings.is_empty());
        }
        let mut bad = good.clone();
        bad[SLOT_PAGE + 12..SLOT_PAGE + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        let p = RpmNdb.parse("var/lib/rpm/Packages.db", &bad);
        assert_eq!((p.packages.len(), p.warnings.len()), (1, 1));
    }
}
