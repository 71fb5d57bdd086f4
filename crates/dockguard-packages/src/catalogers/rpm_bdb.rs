//! The Berkeley DB rpm database, `var/lib/rpm/Packages` (rpm < 4.16: RHEL ≤ 8, CentOS 7 and
//! 8, Amazon Linux 2, older Fedora and SUSE), read without libdb.
//!
//! `Packages` is a Berkeley DB *hash* database: key = package instance number (4 bytes, in
//! the database's byte order), value = one rpm header blob ([`super::rpm_header`]). The file is
//! a sequence of pages of one size:
//!
//! - page 0, the hash metadata page: magic 0x061561 at byte 12 (read both ways round, which
//!   gives the database's byte order), page size at 20, encryption algorithm at 24, page type
//!   (8) at 25, last page number at 32;
//! - every page starts with a 26-byte header: next page number at 16, entry count at 20,
//!   `hf_offset` at 22 (on overflow pages: the bytes of data on the page), page type at 25;
//! - hash pages (type 13, or 2 for the old unsorted ones) hold an array of 2-byte item offsets
//!   after the header, key and value items alternating; an item's first byte is its kind:
//!   1 = the bytes follow on the page, 3 = off-page (page number at byte 4, total length at 8)
//!   for values too large for a page, which every header blob but the smallest is;
//! - overflow pages (type 7) chain the off-page value by their next page number.
//!
//! Every hash page is read in file order (as Trivy's go-rpmdb does), so neither the buckets
//! nor the hash function are needed. Key 0 holds rpm's next instance number, not a package.
//! Bounds: page numbers and item offsets are checked against the file, an overflow chain is
//! followed for at most as many pages as the file has and never past its stated length.

use super::rpm_header::add_header;
use super::{Cataloger, Parsed};

pub struct RpmBdb;

const FILES: &[&str] = &["var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages"];

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

impl Cataloger for RpmBdb {
    fn name(&self) -> &'static str {
        "rpmdb-bdb"
    }

    fn wants(&self, path: &str) -> bool {
        FILES.contains(&path)
    }

    fn max_size(&self) -> u64 {
        512 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        match Db::open(content) {
            Ok(db) => db.read(path, &mut parsed),
            Err(e) => parsed.warn(path, None, format!("rpm Berkeley DB not read: {e}")),
        }
        parsed
    }
}

struct Db<'a> {
    content: &'a [u8],
    big_endian: bool,
    page_size: usize,
    pages: usize,
}

impl<'a> Db<'a> {
    fn open(content: &'a [u8]) -> Result<Self, String> {
        let magic = content
            .get(12..16)
            .ok_or("file too short for a Berkeley DB")?;
        let magic = [magic[0], magic[1], magic[2], magic[3]];
        let big_endian = if u32::from_le_bytes(magic) == HASH_MAGIC {
            false
        } else if u32::from_be_bytes(magic) == HASH_MAGIC {
            true
        } else {
            return Err("not a Berkeley DB hash database".into());
        };
        let mut db = Db {
            content,
            big_endian,
            page_size: 0,
            pages: 0,
        };
        let page_size = db.u32_at(content, 20).unwrap_or(0) as usize;
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("page size {page_size} is not one of Berkeley DB's"));
        }
        if content.get(24).copied().unwrap_or(0) != 0 {
            return Err("the database is encrypted".into());
        }
        if content.get(25).copied() != Some(P_HASHMETA) {
            return Err("page 0 is not a hash metadata page".into());
        }
        let last = db.u32_at(content, 32).unwrap_or(0) as usize;
        db.page_size = page_size;
        db.pages = (content.len() / page_size).min(last.saturating_add(1));
        Ok(db)
    }

    fn u32_at(&self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at.checked_add(4)?)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }

    fn u16_at(&self, b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at.checked_add(2)?)?;
        let a = [s[0], s[1]];
        Some(if self.big_endian {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        })
    }

    fn page(&self, pgno: usize) -> Option<&'a [u8]> {
        if pgno >= self.pages {
            return None;
        }
        let start = pgno.checked_mul(self.page_size)?;
        self.content.get(start..start.checked_add(self.page_size)?)
    }

    fn read(&self, path: &str, parsed: &mut Parsed) {
        for pgno in 1..self.pages {
            let Some(page) = self.page(pgno) else { break };
            let ty = page.get(25).copied().unwrap_or(0);
            if ty != P_HASH && ty != P_HASH_UNSORTED {
                continue;
            }
            if let Err(e) = self.read_hash_page(path, page, parsed) {
                parsed.warn(path, None, format!("hash page {pgno}: {e}"));
            }
        }
    }

    /// Item `i` of a hash page: from its offset to the previous item's (items fill the page
    /// from its end).
    fn item(&self, page: &'a [u8], entries: usize, i: usize) -> Result<&'a [u8], String> {
        let off = |i: usize| {
            self.u16_at(page, PAGE_HEADER + 2 * i)
                .map(usize::from)
                .ok_or("item index outside the page")
        };
        let start = off(i)?;
        let end = if i == 0 { page.len() } else { off(i - 1)? };
        if start < PAGE_HEADER + 2 * entries || start >= end || end > page.len() {
            return Err(format!("item {i} at {start}..{end} is outside the page"));
        }
        Ok(&page[start..end])
    }

    fn read_hash_page(
        &self,
        path: &str,
        page: &'a [u8],
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        let entries = usize::from(self.u16_at(page, 20).unwrap_or(0));
        if PAGE_HEADER + 2 * entries > page.len() {
            return Err(format!("{entries} entries do not fit in the page"));
        }
        for i in (0..entries.saturating_sub(1)).step_by(2) {
            let key = self.item(page, entries, i)?;
            let value = self.item(page, entries, i + 1)?;
            let record = match key {
                [H_KEYDATA, k @ ..] => self.u32_at(k, 0).unwrap_or(0),
                _ => 0,
            };
            if record == 0 {
                continue; // rpm's next instance number, or a key rpm never writes
            }
            match value.first().copied() {
                Some(H_KEYDATA) => add_header(parsed, path, record, &value[1..]),
                Some(H_OFFPAGE) => match self.overflow(value) {
                    Ok(blob) => add_header(parsed, path, record, &blob),
                    Err(e) => parsed.warn(path, Some(record), e),
                },
                kind => parsed.warn(
                    path,
                    Some(record),
                    format!("value of kind {kind:?} is not a package header"),
                ),
            }
        }
        Ok(())
    }

    /// The value an off-page item points to, from its chain of overflow pages.
    fn overflow(&self, item: &[u8]) -> Result<Vec<u8>, String> {
        let (Some(mut pgno), Some(total)) = (self.u32_at(item, 4), self.u32_at(item, 8)) else {
            return Err("off-page item is truncated".into());
        };
        let total = total as usize;
        if total > self.content.len() {
            return Err(format!(
                "off-page value of {total} bytes is longer than the file"
            ));
        }
        let mut out = Vec::with_capacity(total);
        let mut steps = 0;
        while out.len() < total {
            steps += 1;
            let page = self
                .page(pgno as usize)
                .filter(|_| pgno != 0 && steps <= self.pages)
                .ok_or_else(|| format!("overflow chain breaks at page {pgno}"))?;
            if page.get(25).copied() != Some(P_OVERFLOW) {
                return Err(format!("page {pgno} is not an overflow page"));
            }
            let len = usize::from(self.u16_at(page, 22).unwrap_or(0));
            let data = page
                .get(PAGE_HEADER..PAGE_HEADER + len)
                .ok_or_else(|| format!("overflow page {pgno} says {len} bytes"))?;
            let take = data.len().min(total - out.len());
            out.extend_from_slice(&data[..take]);
            pgno = self.u32_at(page, 16).unwrap_or(0);
            if pgno == 0 {
                break;
            }
        }
        if out.len() != total {
            return Err(format!(
                "off-page value has {} of its {total} bytes",
                out.len()
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::rpm_header::build::check_fixture_packages;
    use super::*;

    /// Made by `db_load` (Berkeley DB 5.3) from the header blobs of `rpmdb.sqlite`, keyed by
    /// instance number as rpm keys them, with rpm's key 0: little-endian with 4 KiB pages, and
    /// big-endian with 512-byte pages (long overflow chains).
    const LE: &[u8] = include_bytes!("../../fixtures/rpm/Packages");
    const BE: &[u8] = include_bytes!("../../fixtures/rpm/Packages-be");

    #[test]
    fn reads_berkeley_db_hash() {
        assert!(RpmBdb.wants("var/lib/rpm/Packages"));
        assert!(!RpmBdb.wants("var/lib/rpm/Packages.db"));
        for db in [LE, BE] {
            let p = RpmBdb.parse("var/lib/rpm/Packages", db);
            assert!(p.warnings.is_empty(), "{:?}", p.warnings);
            check_fixture_packages(&p.packages);
        }
    }

    #[test]
    fn garbage_and_truncated() {
        let p = RpmBdb.parse("var/lib/rpm/Packages", b"garbage");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        for db in [LE, BE] {
            for n in (0..db.len()).step_by(97) {
                let p = RpmBdb.parse("var/lib/rpm/Packages", &db[..n]);
                assert!(p.packages.len() <= 3);
            }
            // Every byte of the page headers and item tables flipped, one at a time.
            let page = u32::from_le_bytes([db[20], db[21], db[22], db[23]]);
            let page = if page > 65536 { 512 } else { page as usize };
            for pg in 0..db.len() / page {
                for at in 0..64 {
                    let mut bad = db.to_vec();
                    bad[pg * page + at] ^= 0xff;
                    let _ = RpmBdb.parse("var/lib/rpm/Packages", &bad);
                }
            }
        }
    }

    #[test]
    fn overflow_cycle_stops() {
        // Overflow page 3 of the little-endian fixture made to point to itself.
        let mut bad = LE.to_vec();
        let at = 3 * 4096;
        assert_eq!(bad[at + 25], P_OVERFLOW);
        bad[at + 16..at + 20].copy_from_slice(&3u32.to_le_bytes());
        // Its value is now longer than the chain gives: a warning, the other packages.
        let tlen_short = &mut bad[at + 22..at + 24];
        tlen_short.copy_from_slice(&16u16.to_le_bytes());
        let p = RpmBdb.parse("var/lib/rpm/Packages", &bad);
        assert_eq!(p.packages.len(), 2);
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    }
}
