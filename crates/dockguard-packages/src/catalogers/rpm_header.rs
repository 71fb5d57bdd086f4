//! The RPM header blob that every rpmdb backend stores per installed package (SQLite's
//! `Packages.blob`, Berkeley DB `Packages` values, NDB `Packages.db` blobs): the header without
//! its 8-byte magic, as rpm's `headerExport` writes it.
//!
//! Layout, all big-endian: index count `il` (u32), data size `dl` (u32), `il` index entries of
//! 16 bytes (tag u32, type u32, offset u32, count u32), then the `dl`-byte data store that the
//! offsets point into. The first entry is usually the immutable region tag (63), which is not
//! needed here: entries are looked up by tag, the first one of a tag wins.
//!
//! Tags read: NAME (1000), VERSION (1001), RELEASE (1002), EPOCH (1003), LICENSE (1014), ARCH
//! (1022), SOURCERPM (1044), and the file list: BASENAMES (1117), DIRNAMES (1118), DIRINDEXES
//! (1116) — or OLDFILENAMES (1027) for headers of rpm < 4.
//!
//! - Version: `[epoch:]version-release`, the epoch written whenever the header records one (as
//!   syft does; `0:` included), so that `Package::purl` gives the `epoch` qualifier.
//! - Source: SOURCERPM `openssl-3.0.7-27.el9.src.rpm` → `source_name` `openssl`,
//!   `source_version` `3.0.7-27.el9` (with the binary package's epoch, as Trivy does: a source
//!   rpm file name has none).
//! - Licence: LICENSE as written (an SPDX expression on recent Fedora and RHEL, an rpm licence
//!   tag such as `GPLv2+` before).
//! - `gpg-pubkey` pseudo-packages (imported signing keys) are left out, as syft and Trivy do.
//!
//! Every header is untrusted: counts are bounded by the data store, offsets must fall inside it,
//! strings must end with a NUL inside it; a malformed header is an error (the backend warns and
//! goes on with the next record), a malformed file list is a warning and an empty list.

use super::Parsed;
use crate::model::{Ecosystem, Package};

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_LICENSE: u32 = 1014;
const TAG_ARCH: u32 = 1022;
const TAG_OLDFILENAMES: u32 = 1027;
const TAG_SOURCERPM: u32 = 1044;
const TAG_DIRINDEXES: u32 = 1116;
const TAG_BASENAMES: u32 = 1117;
const TAG_DIRNAMES: u32 = 1118;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits (`hdrchkTags`, `hdrchkData`): at most 0xffff entries, 256 MiB of data.
const MAX_ENTRIES: usize = 0xffff;
const MAX_DATA: usize = 256 << 20;

/// One index entry.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: usize,
}

/// A header whose index was checked against the blob.
pub(crate) struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    /// Checks the counts and reads the index of `blob`.
    pub(crate) fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return Err(format!("header of {} bytes is truncated", blob.len()));
        };
        let (il, dl) = (il as usize, dl as usize);
        if il == 0 || il > MAX_ENTRIES {
            return Err(format!("header has {il} index entries"));
        }
        if dl > MAX_DATA {
            return Err(format!("header data size {dl} is too large"));
        }
        // il ≤ 0xffff and dl ≤ 256 MiB: no overflow on any platform with 32-bit usize or more.
        let data_start = 8 + il * 16;
        let end = data_start + dl;
        if end > blob.len() {
            return Err(format!(
                "header says {il} entries and {dl} data bytes, but has {} bytes",
                blob.len()
            ));
        }
        let data = blob.get(data_start..end).unwrap_or_default();
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + i * 16;
            let (Some(tag), Some(ty), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return Err("header index is truncated".into());
            };
            entries.push(Entry {
                tag,
                ty,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().find(|e| e.tag == tag).copied()
    }

    /// The strings of a STRING, I18NSTRING or STRING_ARRAY entry: `count` NUL-terminated strings
    /// from `offset`, all inside the data store (the count is bounded by the bytes left, each
    /// string taking one at least).
    fn strings(&self, tag: u32) -> Result<Option<Vec<String>>, String> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        let count = match e.ty {
            TYPE_STRING => 1,
            TYPE_STRING_ARRAY | TYPE_I18NSTRING => e.count,
            ty => return Err(format!("tag {tag} has type {ty}, not a string")),
        };
        let Some(mut rest) = self.data.get(e.offset..) else {
            return Err(format!("tag {tag} points outside the header data"));
        };
        if count > rest.len() {
            return Err(format!(
                "tag {tag} has {count} strings in {} bytes",
                rest.len()
            ));
        }
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let Some(nul) = rest.iter().position(|&b| b == 0) else {
                return Err(format!("tag {tag} has a string without its end"));
            };
            out.push(String::from_utf8_lossy(&rest[..nul]).into_owned());
            rest = &rest[nul + 1..];
        }
        Ok(Some(out))
    }

    /// The first string of a string entry.
    fn string(&self, tag: u32) -> Result<Option<String>, String> {
        Ok(self.strings(tag)?.and_then(|v| v.into_iter().next()))
    }

    /// The values of an INT32 entry.
    fn int32s(&self, tag: u32) -> Result<Option<Vec<u32>>, String> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        if e.ty != TYPE_INT32 {
            return Err(format!("tag {tag} has type {}, not INT32", e.ty));
        }
        let bytes = e
            .count
            .checked_mul(4)
            .and_then(|n| e.offset.checked_add(n).map(|end| (e.offset, end)))
            .and_then(|(start, end)| self.data.get(start..end))
            .ok_or_else(|| format!("tag {tag} points outside the header data"))?;
        Ok(Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ))
    }
}

/// The package of one header blob, and problems that did not stop it being read.
pub(crate) fn package_of(blob: &[u8]) -> Result<(Package, Vec<String>), String> {
    let h = Header::parse(blob)?;
    let name = h
        .string(TAG_NAME)?
        .filter(|n| !n.is_empty())
        .ok_or("header has no NAME")?;
    let version = h.string(TAG_VERSION)?.unwrap_or_default();
    let release = h.string(TAG_RELEASE)?.unwrap_or_default();
    let epoch = h.int32s(TAG_EPOCH)?.and_then(|v| v.first().copied());
    let mut evr = String::new();
    if let Some(e) = epoch {
        evr.push_str(&format!("{e}:"));
    }
    evr.push_str(&version);
    if !release.is_empty() {
        evr.push('-');
        evr.push_str(&release);
    }
    let mut pkg = Package::new(Ecosystem::Rpm, name, evr);
    pkg.arch = h.string(TAG_ARCH)?.filter(|a| !a.is_empty());
    if let Some(license) = h.string(TAG_LICENSE)?.filter(|l| !l.is_empty()) {
        pkg.licenses.push(license);
    }
    if let Some(srpm) = h.string(TAG_SOURCERPM)?
        && let Some((sname, sver)) = split_source_rpm(&srpm)
    {
        pkg.source_name = Some(sname.to_string());
        pkg.source_version = Some(match epoch {
            Some(e) => format!("{e}:{sver}"),
            None => sver.to_string(),
        });
    }
    let mut problems = Vec::new();
    match files(&h) {
        Ok(files) => pkg.files = files,
        Err(e) => problems.push(format!("{}: file list not read: {e}", pkg.name)),
    }
    Ok((pkg, problems))
}

/// `openssl-3.0.7-27.el9.src.rpm` → (`openssl`, `3.0.7-27.el9`).
pub(crate) fn split_source_rpm(file: &str) -> Option<(&str, &str)> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))
        .or_else(|| file.strip_suffix(".rpm"))?;
    let (rest, _release) = stem.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    if name.is_empty() {
        return None;
    }
    Some((name, &stem[name.len() + 1..]))
}

/// Paths (no leading `/`) of the files the header lists.
fn files(h: &Header) -> Result<Vec<String>, String> {
    let strip = |p: &str| p.trim_start_matches('/').to_string();
    let Some(basenames) = h.strings(TAG_BASENAMES)? else {
        return Ok(h
            .strings(TAG_OLDFILENAMES)?
            .unwrap_or_default()
            .iter()
            .map(|p| strip(p))
            .collect());
    };
    let dirnames = h.strings(TAG_DIRNAMES)?.unwrap_or_default();
    let indexes = h.int32s(TAG_DIRINDEXES)?.unwrap_or_default();
    if indexes.len() != basenames.len() {
        return Err(format!(
            "{} base names but {} directory indexes",
            basenames.len(),
            indexes.len()
        ));
    }
    basenames
        .iter()
        .zip(indexes)
        .map(|(base, i)| {
            let dir = dirnames
                .get(i as usize)
                .ok_or_else(|| format!("directory index {i} out of range"))?;
            Ok(strip(&format!("{dir}{base}")))
        })
        .collect()
}

/// Adds the package of header `blob` (record `record` of the database at `path`) to `parsed`,
/// or a warning.
pub(crate) fn add_header(parsed: &mut Parsed, path: &str, record: u32, blob: &[u8]) {
    match package_of(blob) {
        Ok((pkg, problems)) => {
            for p in problems {
                parsed.warn(path, Some(record), p);
            }
            if pkg.name != "gpg-pubkey" {
                parsed.packages.push(pkg);
            }
        }
        Err(e) => parsed.warn(path, Some(record), format!("rpm header not read: {e}")),
    }
}

/// Builders of header blobs, for the tests of every backend.
#[cfg(test)]
pub(crate) mod build {
    /// A value of a header entry.
    pub enum Value<'a> {
        Str(&'a str),
        Strs(&'a [&'a str]),
        Ints(&'a [u32]),
    }

    /// A header blob with `entries` (tag, value), data laid out in order.
    pub fn blob(entries: &[(u32, Value)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data: Vec<u8> = Vec::new();
        for (tag, v) in entries {
            let (ty, count) = match v {
                Value::Str(s) => {
                    let off = data.len();
                    data.extend_from_slice(s.as_bytes());
                    data.push(0);
                    (6u32, (off, 1usize))
                }
                Value::Strs(ss) => {
                    let off = data.len();
                    for s in *ss {
                        data.extend_from_slice(s.as_bytes());
                        data.push(0);
                    }
                    (8, (off, ss.len()))
                }
                Value::Ints(is) => {
                    while !data.len().is_multiple_of(4) {
                        data.push(0);
                    }
                    let off = data.len();
                    for i in *is {
                        data.extend_from_slice(&i.to_be_bytes());
                    }
                    (4, (off, is.len()))
                }
            };
            index.push((*tag, ty, count.0 as u32, count.1 as u32));
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(index.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        for (tag, ty, off, count) in index {
            for v in [tag, ty, off, count] {
                out.extend_from_slice(&v.to_be_bytes());
            }
        }
        out.extend_from_slice(&data);
        out
    }

    /// The packages of the database fixtures (`fixtures/rpm/`): rpm 4.18 installed three
    /// rpms built for them with `--justdb`.
    pub fn check_fixture_packages(packages: &[crate::model::Package]) {
        let mut ps: Vec<_> = packages.iter().collect();
        ps.sort_by(|a, b| a.name.cmp(&b.name));
        let names: Vec<_> = ps
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.arch.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("dg-hello", "2:1.2.3-4.el9", "x86_64"),
                ("dg-tools", "0.9-1", "noarch"),
                ("dg-tools-libs", "0.9-1", "noarch"),
            ]
        );
        let hello = ps[0];
        assert_eq!(hello.licenses, ["MIT AND (Apache-2.0 OR BSD-3-Clause)"]);
        assert_eq!(hello.source_name.as_deref(), Some("dg-hello"));
        assert_eq!(hello.source_version.as_deref(), Some("2:1.2.3-4.el9"));
        assert_eq!(
            hello.files,
            [
                "etc/dg-hello.conf",
                "usr/bin/dg-hello",
                "usr/lib/python3.9/site-packages/foo-1.0.dist-info",
                "usr/lib/python3.9/site-packages/foo-1.0.dist-info/METADATA",
            ]
        );
        assert_eq!(ps[1].files.len(), 41);
        assert!(ps[1].files.contains(
            &"usr/share/dg-tools/file-with-a-rather-long-name-number-40.txt".to_string()
        ));
        let libs = ps[2];
        assert_eq!(libs.source_name.as_deref(), Some("dg-tools"));
        assert_eq!(libs.source_version.as_deref(), Some("0.9-1"));
        assert_eq!(libs.licenses, ["LGPL-2.1-only"]);
        assert_eq!(libs.files, ["usr/lib64/libdg.so.1"]);
    }

    /// A typical header: openssl-libs from RHEL 9.
    pub fn openssl_libs() -> Vec<u8> {
        blob(&[
            (1000, Value::Str("openssl-libs")),
            (1001, Value::Str("3.0.7")),
            (1002, Value::Str("27.el9")),
            (1003, Value::Ints(&[1])),
            (1014, Value::Str("Apache-2.0")),
            (1022, Value::Str("x86_64")),
            (1044, Value::Str("openssl-3.0.7-27.el9.src.rpm")),
            (
                1117,
                Value::Strs(&["libcrypto.so.3", "libssl.so.3", "openssl.cnf"]),
            ),
            (1118, Value::Strs(&["/usr/lib64/", "/etc/pki/tls/"])),
            (1116, Value::Ints(&[0, 0, 1])),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::build::{Value, blob, openssl_libs};
    use super::*;

    #[test]
    fn reads_a_header() {
        let (p, problems) = package_of(&openssl_libs()).unwrap();
        assert!(problems.is_empty());
        assert_eq!(p.name, "openssl-libs");
        assert_eq!(p.version, "1:3.0.7-27.el9");
        assert_eq!(p.arch.as_deref(), Some("x86_64"));
        assert_eq!(p.licenses, ["Apache-2.0"]);
        assert_eq!(p.source_name.as_deref(), Some("openssl"));
        assert_eq!(p.source_version.as_deref(), Some("1:3.0.7-27.el9"));
        assert_eq!(
            p.files,
            [
                "usr/lib64/libcrypto.so.3",
                "usr/lib64/libssl.so.3",
                "etc/pki/tls/openssl.cnf"
            ]
        );
        assert_eq!(
            p.purl(None),
            "pkg:rpm/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl"
        );
    }

    #[test]
    fn no_epoch_old_file_names() {
        let b = blob(&[
            (1000, Value::Str("bash")),
            (1001, Value::Str("4.2.46")),
            (1002, Value::Str("34.el7")),
            (1044, Value::Str("bash-4.2.46-34.el7.src.rpm")),
            (1027, Value::Strs(&["/bin/bash", "/etc/skel/.bashrc"])),
        ]);
        let (p, _) = package_of(&b).unwrap();
        assert_eq!(p.version, "4.2.46-34.el7");
        assert_eq!(p.source_version.as_deref(), Some("4.2.46-34.el7"));
        assert_eq!(p.files, ["bin/bash", "etc/skel/.bashrc"]);
        assert_eq!(p.arch, None);
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(
            split_source_rpm("openssl-3.0.7-27.el9.src.rpm"),
            Some(("openssl", "3.0.7-27.el9"))
        );
        assert_eq!(
            split_source_rpm("python3.11-pip-22.3.1-4.el9.src.rpm"),
            Some(("python3.11-pip", "22.3.1-4.el9"))
        );
        assert_eq!(split_source_rpm("(none)"), None);
        assert_eq!(split_source_rpm("x-1.src.rpm"), None);
        assert_eq!(split_source_rpm("-1-2.src.rpm"), None);
    }

    #[test]
    fn gpg_pubkey_is_left_out() {
        let b = blob(&[
            (1000, Value::Str("gpg-pubkey")),
            (1001, Value::Str("fd431d51")),
            (1002, Value::Str("4ae0493b")),
        ]);
        let mut parsed = Parsed::default();
        add_header(&mut parsed, "var/lib/rpm/rpmdb.sqlite", 1, &b);
        assert!(parsed.packages.is_empty() && parsed.warnings.is_empty());
    }

    #[test]
    fn hostile_headers() {
        let good = openssl_libs();
        // Truncated at every length: an error or a package, never a panic.
        for n in 0..good.len() {
            let _ = package_of(&good[..n]);
        }
        assert!(package_of(&good[..good.len() - 1]).is_err());
        // Huge counts.
        let mut b = good.clone();
        b[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(package_of(&b).is_err());
        let mut b = good.clone();
        b[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(package_of(&b).is_err());
        // Every index field of every entry set to huge values, one at a time.
        let il = u32::from_be_bytes([good[0], good[1], good[2], good[3]]) as usize;
        for entry in 0..il {
            for field in 1..4 {
                for v in [u32::MAX, 0x7fff_ffff, 0x1000, 17] {
                    let mut b = good.clone();
                    let at = 8 + entry * 16 + field * 4;
                    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
                    let _ = package_of(&b);
                }
            }
        }
        // NAME pointing outside the data store.
        let mut b = good.clone();
        b[16..20].copy_from_slice(&0xffff_fff0u32.to_be_bytes());
        assert!(package_of(&b).is_err());
        // A string without its NUL: the last byte of the store.
        let b = blob(&[(1000, Value::Str("x"))]);
        let mut cut = b.clone();
        cut.pop();
        cut[7] -= 1;
        assert!(package_of(&cut).unwrap_err().contains("without its end"));
        // A directory index out of range: the package, a warning, no files.
        let b = blob(&[
            (1000, Value::Str("x")),
            (1117, Value::Strs(&["a"])),
            (1118, Value::Strs(&["/"])),
            (1116, Value::Ints(&[7])),
        ]);
        let mut parsed = Parsed::default();
        add_header(&mut parsed, "p", 3, &b);
        assert_eq!(parsed.packages.len(), 1);
        assert!(parsed.packages[0].files.is_empty());
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(3));
        // Garbage.
        let mut parsed = Parsed::default();
        add_header(&mut parsed, "p", 1, b"\x00\x00\x00\x01garbage!");
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.warnings.len(), 1);
    }
}
