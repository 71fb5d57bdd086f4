//! The files Debian packages own: `var/lib/dpkg/info/<package>[:<arch>].list` (one absolute
//! path per line, directories included, `/.` for the root) and, in distroless images,
//! `var/lib/dpkg/status.d/<package>.md5sums` (`<md5>  <relative path>` lines).
//!
//! These files are separate from the stanzas of [`super::dpkg_status`], so this cataloger
//! returns file-list-only packages: ecosystem Deb, the name (and the arch of a
//! `<package>:<arch>.list`) from the file name, an empty version and [`Package::files`]
//! filled. After the walk, [`merge_file_lists`] gives their files to the real packages of the
//! same name (and arch, when the list names one) and drops them; a list whose package is not
//! in the status database is dropped with nothing merged.

use super::dpkg_status::warn_capped;
use super::dpkg_status_d::STATUS_D_DIR;
use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct DpkgFiles;

const INFO_DIR: &str = "var/lib/dpkg/info/";

impl Cataloger for DpkgFiles {
    fn name(&self) -> &'static str {
        "dpkg-files"
    }

    fn wants(&self, path: &str) -> bool {
        let in_dir = |dir: &str, ext: &str| {
            path.strip_prefix(dir)
                .and_then(|name| name.strip_suffix(ext))
                .is_some_and(|stem| !stem.is_empty() && !stem.contains('/'))
        };
        in_dir(INFO_DIR, ".list") || in_dir(STATUS_D_DIR, ".md5sums")
    }

    fn max_size(&self) -> u64 {
        16 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let base = file_name(path);
        let (stem, md5sums) = match base.strip_suffix(".md5sums") {
            Some(stem) => (stem, true),
            None => (base.strip_suffix(".list").unwrap_or(base), false),
        };
        let (name, arch) = match stem.split_once(':') {
            Some((n, a)) => (n, Some(a).filter(|a| !a.is_empty())),
            None => (stem, None),
        };
        if name.is_empty() {
            parsed.warn(path, None, "no package name in this file name");
            return parsed;
        }
        let mut p = Package::new(Ecosystem::Deb, name, "");
        p.arch = arch.map(str::to_string);
        let text = String::from_utf8_lossy(content);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let file = if md5sums {
                match line.split_once(char::is_whitespace) {
                    Some((sum, file))
                        if !sum.is_empty() && sum.bytes().all(|b| b.is_ascii_hexdigit()) =>
                    {
                        file.trim_start_matches([' ', '*'])
                    }
                    _ if line.trim().is_empty() => continue,
                    _ => {
                        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
                        warn_capped(
                            &mut parsed,
                            path,
                            Some(number),
                            "line is not `<md5>  <path>`",
                        );
                        continue;
                    }
                }
            } else {
                line
            };
            let file = file.trim_start_matches('/');
            if !file.is_empty() && file != "." {
                p.files.push(file.to_string());
            }
        }
        parsed.packages.push(p);
        parsed
    }
}

/// Whether `p` is a file list of this cataloger rather than an installed package (a real dpkg
/// package always has a version: the status parsers drop stanzas without one).
pub fn is_file_list(p: &Package) -> bool {
    p.ecosystem == Ecosystem::Deb && p.version.is_empty()
}

/// Moves the files of the file-list-only packages into the dpkg packages of the same name
/// (and arch, when the list names one), then drops the file lists.
pub fn merge_file_lists(packages: &mut Vec<Package>) {
    if !packages.iter().any(is_file_list) {
        return;
    }
    let (lists, mut real): (Vec<Package>, Vec<Package>) =
        std::mem::take(packages).into_iter().partition(is_file_list);
    let mut by_name: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, p) in real.iter().enumerate() {
        if p.ecosystem == Ecosystem::Deb {
            by_name.entry(p.name.as_str()).or_default().push(i);
        }
    }
    let mut targets: Vec<(usize, usize)> = Vec::new();
    for (l, list) in lists.iter().enumerate() {
        for &i in by_name.get(list.name.as_str()).into_iter().flatten() {
            if list.arch.is_none() || list.arch == real.get(i).and_then(|p| p.arch.clone()) {
                targets.push((l, i));
            }
        }
    }
    for (l, i) in targets {
        if let (Some(list), Some(p)) = (lists.get(l), real.get_mut(i)) {
            p.files.extend(list.files.iter().cloned());
        }
    }
    *packages = real;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_md5sums() {
        assert!(DpkgFiles.wants("var/lib/dpkg/info/libssl3:amd64.list"));
        assert!(DpkgFiles.wants("var/lib/dpkg/info/base-files.list"));
        assert!(DpkgFiles.wants("var/lib/dpkg/status.d/libssl3.md5sums"));
        assert!(!DpkgFiles.wants("var/lib/dpkg/info/base-files.md5sums"));
        assert!(!DpkgFiles.wants("var/lib/dpkg/info/.list"));
        assert!(!DpkgFiles.wants("var/lib/dpkg/status.d/libssl3"));

        let p = DpkgFiles.parse(
            "var/lib/dpkg/info/libssl3:amd64.list",
            b"/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n",
        );
        assert!(p.warnings.is_empty());
        let list = &p.packages[0];
        assert!(is_file_list(list));
        assert_eq!(
            (list.name.as_str(), list.arch.as_deref()),
            ("libssl3", Some("amd64"))
        );
        assert_eq!(list.files.len(), 4);
        assert_eq!(list.files[3], "usr/lib/x86_64-linux-gnu/libssl.so.3");

        let p = DpkgFiles.parse(
            "var/lib/dpkg/status.d/libssl3.md5sums",
            b"0c8d2b4c2f4b7f2b05e2bdb4d2b1a3b7  usr/lib/x86_64-linux-gnu/libssl.so.3\n\
              5b2f4b7a1c9e0f3d8a6b4c2e1f0a9b8c  usr/share/doc/libssl3/changelog.Debian.gz\n",
        );
        assert!(p.warnings.is_empty());
        assert_eq!(p.packages[0].name, "libssl3");
        assert_eq!(p.packages[0].arch, None);
        assert_eq!(
            p.packages[0].files[0],
            "usr/lib/x86_64-linux-gnu/libssl.so.3"
        );
    }

    #[test]
    fn merge() {
        let mut libc_amd64 = Package::new(Ecosystem::Deb, "libc6", "2.36-9+deb12u8");
        libc_amd64.arch = Some("amd64".into());
        let mut libc_i386 = libc_amd64.clone();
        libc_i386.arch = Some("i386".into());
        let mut tz = Package::new(Ecosystem::Deb, "tzdata", "2024a-0+deb12u1");
        tz.arch = Some("all".into());
        let list = |name: &str, arch: Option<&str>, file: &str| {
            let mut p = Package::new(Ecosystem::Deb, name, "");
            p.arch = arch.map(str::to_string);
            p.files.push(file.into());
            p
        };
        let mut packages = vec![
            list("libc6", Some("i386"), "usr/lib/i386-linux-gnu/libc.so.6"),
            libc_amd64,
            libc_i386,
            tz,
            list("tzdata", None, "usr/share/zoneinfo/UTC"),
            list("libc6", Some("amd64"), "usr/lib/x86_64-linux-gnu/libc.so.6"),
            list("removed", None, "usr/bin/removed"),
            Package::new(Ecosystem::Pypi, "requests", "2.31.0"),
        ];
        merge_file_lists(&mut packages);
        let got: Vec<(&str, Option<&str>, Vec<&str>)> = packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.arch.as_deref(),
                    p.files.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "libc6",
                    Some("amd64"),
                    vec!["usr/lib/x86_64-linux-gnu/libc.so.6"]
                ),
                (
                    "libc6",
                    Some("i386"),
                    vec!["usr/lib/i386-linux-gnu/libc.so.6"]
                ),
                ("tzdata", Some("all"), vec!["usr/share/zoneinfo/UTC"]),
                ("requests", None, vec![]),
            ]
        );
    }

    /// Through the analyzer: a root filesystem with a status database and file lists.
    #[test]
    fn merged_by_the_analyzer() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let write = |path: &str, text: &str| {
            let full = dir.path().join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
            }
            std::fs::write(&full, text).unwrap_or_else(|e| panic!("write {path}: {e}"));
        };
        write(
            "var/lib/dpkg/status",
            "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n\
             Multi-Arch: same\nSource: openssl\nVersion: 3.0.15-1~deb12u1\n\n\
             Package: tzdata\nStatus: install ok installed\nArchitecture: all\n\
             Version: 2024a-0+deb12u1\n\n\
             Package: openssl\nStatus: deinstall ok config-files\nArchitecture: amd64\n\
             Version: 3.0.15-1~deb12u1\n",
        );
        write(
            "var/lib/dpkg/info/libssl3:amd64.list",
            "/.\n/usr\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n",
        );
        write("var/lib/dpkg/info/tzdata.list", "/usr/share/zoneinfo/UTC\n");
        write("var/lib/dpkg/info/openssl.list", "/usr/bin/openssl\n");
        let inventory = crate::inventory_of(
            &dockguard_image::RootfsSource::new(dir.path()),
            &dockguard_image::Limits::default(),
        )
        .unwrap_or_else(|e| panic!("inventory: {e}"));
        assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
        let got: Vec<(&str, &str, Vec<&str>)> = inventory
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.files.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "libssl3",
                    "3.0.15-1~deb12u1",
                    vec!["usr", "usr/lib/x86_64-linux-gnu/libssl.so.3"]
                ),
                ("tzdata", "2024a-0+deb12u1", vec!["usr/share/zoneinfo/UTC"]),
            ]
        );
        assert_eq!(inventory.packages[0].locations.len(), 1);
        assert_eq!(
            inventory.packages[0].locations[0].path,
            "var/lib/dpkg/status"
        );
    }

    #[test]
    fn garbage() {
        let p = DpkgFiles.parse("var/lib/dpkg/info/x.list", b"\xff\xfe\0\0/usr/bin/x\n\n");
        assert_eq!(p.packages.len(), 1);
        let p = DpkgFiles.parse(
            "var/lib/dpkg/status.d/x.md5sums",
            b"not a checksum line\n\n",
        );
        assert_eq!(p.warnings.len(), 1);
        assert!(p.packages[0].files.is_empty());
        let p = DpkgFiles.parse("var/lib/dpkg/info/:amd64.list", b"/usr\n");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
    }
}
