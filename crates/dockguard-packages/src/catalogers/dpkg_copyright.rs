//! Licences of Debian packages: `usr/share/doc/<package>/copyright`, the only place a Debian
//! package records them (the status database has no licence field).
//!
//! - Machine-readable files (DEP-5: the first paragraph has a `Format:` field, or the older
//!   draft's `Format-Specification:`): the first line of the `License:` field of the header
//!   paragraph and of every `Files:` paragraph. Stand-alone `License:` paragraphs only hold
//!   licence texts for names already used, so they are read only when the header and `Files:`
//!   paragraphs name none. An expression is split at `or` / `and` (`GPL-3+ and BSD-4-clause-UC`
//!   gives `GPL-3+` and `BSD-4-clause-UC`); an exception stays with its licence (`GPL-2+ with
//!   Autoconf-data exception`). Names are kept as written (`GPL-2+`, `BSD-3-clause`).
//! - Free-form files (anything else): `License:` lines, split the same way but kept only when
//!   every part is a short name (`License: Redistribution and use in source…` starts prose, as
//!   in python3.11's file), and every reference to `/usr/share/common-licenses/<NAME>`
//!   (`GPL-2`, `LGPL-2.1`, `Apache-2.0`; a trailing `.` or quote is not part of the name).
//!
//! Licences are deduplicated (exact text) in first-seen order, so the licence of `Files: *`
//! comes first. syft sorts them and Trivy keeps first-seen order; both also add the
//! `common-licenses` file names found in the licence texts of DEP-5 files (`GPL-3` next to
//! `GPL-3+`), which this cataloger does not: the `License:` fields are the package's own words.
//!
//! The file is separate from the package's status stanza, so this cataloger returns
//! licence-only placeholder packages (ecosystem Deb, the name from the directory, version
//! [`PLACEHOLDER_VERSION`], [`Package::licenses`] filled; no package when no licence is found).
//! After the walk [`merge_copyright_licenses`] adds their licences to the dpkg packages of the
//! same name (every arch; `status` and distroless `status.d` alike) and drops the placeholders,
//! also those whose package is not installed. The copyright file is not added to the package's
//! locations (it is where the licence was found, not the package).

use std::collections::HashMap;

use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct DpkgCopyright;

const DOC_DIR: &str = "usr/share/doc/";
/// The version of the licence-only placeholders: parentheses are not allowed in Debian
/// versions, so no installed package has it (and the file lists of
/// [`super::dpkg_files::is_file_list`], with an empty version, are told apart too).
pub const PLACEHOLDER_VERSION: &str = "(copyright)";
/// Licences kept per file; more are dropped with a warning.
const MAX_LICENSES: usize = 64;
/// Longest licence name kept, in bytes (longer ones are prose, not a name).
const MAX_NAME: usize = 128;
const COMMON_LICENSES: &str = "/usr/share/common-licenses/";

impl Cataloger for DpkgCopyright {
    fn name(&self) -> &'static str {
        "dpkg-copyright"
    }

    fn wants(&self, path: &str) -> bool {
        path.strip_prefix(DOC_DIR)
            .and_then(|rest| rest.strip_suffix("/copyright"))
            .is_some_and(|name| !name.is_empty() && !name.contains('/'))
    }

    /// Most copyright files are a few KiB; some are over 1 MiB (long lists of files and
    /// licence texts). The licence names come early, so what fits in 1 MiB is parsed.
    fn max_size(&self) -> u64 {
        1 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let name = path
            .strip_prefix(DOC_DIR)
            .and_then(|rest| rest.strip_suffix("/copyright"))
            .unwrap_or("");
        if name.is_empty() || name.contains('/') {
            parsed.warn(path, None, "no package name in this path");
            return parsed;
        }
        let text = String::from_utf8_lossy(content);
        let mut licenses = Licenses::default();
        if is_dep5(&text) {
            read_dep5(&text, &mut licenses);
        } else {
            read_free_form(&text, &mut licenses);
        }
        if licenses.dropped > 0 {
            parsed.warn(
                path,
                None,
                format!(
                    "more than {MAX_LICENSES} licences; {} dropped",
                    licenses.dropped
                ),
            );
        }
        if !licenses.list.is_empty() {
            let mut p = Package::new(Ecosystem::Deb, name, PLACEHOLDER_VERSION);
            p.licenses = licenses.list;
            parsed.packages.push(p);
        }
        parsed
    }
}

/// Licences found so far: deduplicated, first-seen order, capped.
#[derive(Default)]
struct Licenses {
    list: Vec<String>,
    dropped: usize,
}

impl Licenses {
    fn add(&mut self, name: &str) {
        let name = name.trim().trim_end_matches(['.', ',', ';']).trim();
        if name.is_empty() || name.len() > MAX_NAME || name.eq_ignore_ascii_case("none") {
            return;
        }
        if self.list.iter().any(|l| l == name) {
            return;
        }
        if self.list.len() >= MAX_LICENSES {
            self.dropped += 1;
            return;
        }
        self.list.push(name.to_string());
    }

    /// Adds each licence of a DEP-5 expression (`A or B`, `A and B, with X exception`). With
    /// `strict` (free-form files, where `License:` often starts a sentence), the expression
    /// is ignored unless every part is a short name (one word, or `<name> with … exception`).
    fn add_expression(&mut self, expression: &str, strict: bool) {
        let mut parts: Vec<String> = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for word in expression.split_whitespace() {
            let bare = word.trim_matches(['(', ')', ',']);
            if bare.eq_ignore_ascii_case("or")
                || bare.eq_ignore_ascii_case("and")
                || bare.eq_ignore_ascii_case("and/or")
            {
                parts.push(current.join(" "));
                current.clear();
            } else if !bare.is_empty() {
                current.push(bare);
            }
        }
        parts.push(current.join(" "));
        if strict && !parts.iter().all(|p| is_short_name(p)) {
            return;
        }
        for p in &parts {
            self.add(p);
        }
    }
}

/// Whether `part` of a `License:` value is a short name: one word, or one word followed by
/// `with … exception` (empty parts, from `A or`, are allowed and skipped).
fn is_short_name(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    match words.as_slice() {
        [] | [_] => true,
        [_, with, .., last] => {
            with.eq_ignore_ascii_case("with") && last.eq_ignore_ascii_case("exception")
        }
        _ => false,
    }
}

/// The value of field `name` if `line` starts it (field names are case-insensitive).
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let (key, value) = line.split_once(':')?;
    key.eq_ignore_ascii_case(name).then_some(value.trim())
}

/// Whether the first field of the file is `Format:` (DEP-5 1.0) or `Format-Specification:`
/// (its drafts).
fn is_dep5(text: &str) -> bool {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| {
            field(l, "Format")
                .or(field(l, "Format-Specification"))
                .is_some()
        })
}

fn read_dep5(text: &str, licenses: &mut Licenses) {
    // Per paragraph: whether it is the header or has `Files:`, and its `License:` first line.
    let mut paragraphs: Vec<(bool, Option<&str>)> = Vec::new();
    let mut current: Option<(bool, Option<&str>)> = None;
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            paragraphs.extend(current.take());
            continue;
        }
        let first = paragraphs.is_empty();
        let entry = current.get_or_insert((first, None));
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if field(line, "Files").is_some() {
            entry.0 = true;
        } else if let Some(value) = field(line, "License")
            && entry.1.is_none()
        {
            entry.1 = Some(value);
        }
    }
    paragraphs.extend(current);
    for (_, license) in paragraphs.iter().filter(|(main, _)| *main) {
        if let Some(l) = license {
            licenses.add_expression(l, false);
        }
    }
    if licenses.list.is_empty() {
        for (_, license) in &paragraphs {
            if let Some(l) = license {
                licenses.add_expression(l, false);
            }
        }
    }
}

fn read_free_form(text: &str, licenses: &mut Licenses) {
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        if let Some(value) = field(line, "License") {
            licenses.add_expression(value, true);
        }
        let mut rest = line;
        while let Some(at) = rest.find(COMMON_LICENSES) {
            let after = rest.get(at + COMMON_LICENSES.len()..).unwrap_or("");
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-')))
                .unwrap_or(after.len());
            let name = after
                .get(..end)
                .unwrap_or("")
                .trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '+'));
            licenses.add(name);
            rest = after;
        }
    }
}

/// Whether `p` is a licence-only placeholder of this cataloger.
pub fn is_copyright_placeholder(p: &Package) -> bool {
    p.ecosystem == Ecosystem::Deb && p.version == PLACEHOLDER_VERSION
}

/// Adds the licences of the placeholders to the dpkg packages of the same name (all archs),
/// after the licences they already have and without duplicates, then drops the placeholders.
pub fn merge_copyright_licenses(packages: &mut Vec<Package>) {
    if !packages.iter().any(is_copyright_placeholder) {
        return;
    }
    let (placeholders, mut real): (Vec<Package>, Vec<Package>) = std::mem::take(packages)
        .into_iter()
        .partition(is_copyright_placeholder);
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in &placeholders {
        by_name
            .entry(p.name.as_str())
            .or_default()
            .extend(p.licenses.iter().map(String::as_str));
    }
    for p in real.iter_mut().filter(|p| p.ecosystem == Ecosystem::Deb) {
        for l in by_name.get(p.name.as_str()).into_iter().flatten() {
            if !p.licenses.iter().any(|have| have == l) {
                p.licenses.push((*l).to_string());
            }
        }
    }
    *packages = real;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/fixtures/dpkg-copyright/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn licenses_of(name: &str) -> Vec<String> {
        let path = format!("usr/share/doc/{name}/copyright");
        let p = DpkgCopyright.parse(&path, &fixture(name));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.packages.len(), 1);
        let package = &p.packages[0];
        assert!(is_copyright_placeholder(package));
        assert_eq!(package.name, name);
        package.licenses.clone()
    }

    #[test]
    fn wants() {
        let c = DpkgCopyright;
        assert!(c.wants("usr/share/doc/libc6/copyright"));
        assert!(!c.wants("usr/share/doc//copyright"));
        assert!(!c.wants("usr/share/doc/libc6/changelog.Debian.gz"));
        assert!(!c.wants(
            "usr/share/doc/ca-certificates/examples/ca-certificates-local/debian/copyright"
        ));
        assert!(!c.wants("usr/local/share/doc/x/copyright"));
    }

    /// DEP-5, with `and` expressions in `Files:` paragraphs and a stand-alone `License:`
    /// paragraph per licence (real file of coreutils 9.1, Debian 12).
    #[test]
    fn dep5_coreutils() {
        assert_eq!(
            licenses_of("coreutils"),
            [
                "GPL-3+",
                "BSD-4-clause-UC",
                "ISC",
                "FSFULLR",
                "GFDL-NIV-1.3"
            ]
        );
    }

    /// DEP-5 with many paragraphs, exceptions and differently-cased stand-alone names (curl).
    #[test]
    fn dep5_curl() {
        assert_eq!(
            licenses_of("curl"),
            [
                "curl",
                "OLDAP-2.8",
                "ISC",
                "GPL-2+ with Autoconf-data exception",
                "GPL-3+ with Autoconf-data exception",
                "GPL-2+ with Libtool exception",
                "BSD-3-clause",
                "BSD-4-Clause-UC",
                "FSFULLR",
                "X11",
            ]
        );
        assert_eq!(
            licenses_of("debianutils"),
            ["GPL-2+", "public-domain", "SMAIL-GPL"]
        );
    }

    /// Free-form (libc6): the `common-licenses` references.
    #[test]
    fn free_form_libc6() {
        assert_eq!(licenses_of("libc6"), ["LGPL-2.1", "GPL-2"]);
    }

    #[test]
    fn inline_forms() {
        let parse = |text: &str| {
            DpkgCopyright
                .parse("usr/share/doc/x/copyright", text.as_bytes())
                .packages
                .first()
                .map(|p| p.licenses.clone())
                .unwrap_or_default()
        };
        // Draft DEP-5 header; header licence; `or`; stand-alone paragraphs ignored.
        assert_eq!(
            parse(
                "Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=135\r\n\
                 License: (GPL-1+ or Artistic), and BSD\r\n\r\n\
                 Files: *\nCopyright: 2000 Someone\nLicense: Expat\n\n\
                 License: Zlib\n text\n"
            ),
            ["GPL-1+", "Artistic", "BSD", "Expat"]
        );
        // Only stand-alone paragraphs: used as the fallback.
        assert_eq!(
            parse(
                "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nLicense: MIT\n text\n"
            ),
            ["MIT"]
        );
        // Free-form with a licence line and quoted references.
        assert_eq!(
            parse(
                "This package was debianized by someone.\nLicense: BSD\n\
                 See \"/usr/share/common-licenses/Apache-2.0\". Also /usr/share/common-licenses/GPL.\n\
                 and /usr/share/common-licenses/ alone.\n"
            ),
            ["BSD", "Apache-2.0", "GPL"]
        );
        // Free-form `License:` lines that start prose are not names (libpython3.11).
        assert_eq!(
            parse(
                "License:\n  text\nLicense: Redistribution and use in source and binary forms, with or without\n\
                 License: By obtaining, using, and/or copying this software and/or its\n\
                 License: PSF-2 or GPL-2+ with Bison exception\n"
            ),
            ["PSF-2", "GPL-2+ with Bison exception"]
        );
        // Nothing recognisable: no placeholder.
        assert!(parse("Copyright 2001 Someone. All rights reserved.\n").is_empty());
    }

    #[test]
    fn garbage() {
        let p = DpkgCopyright.parse("usr/share/doc/x/copyright", b"\xff\xfe\0\0License\n:::\n");
        assert!(p.packages.is_empty());
        let p = DpkgCopyright.parse("usr/share/doc/x/copyright", b"Format: x\nLicense:");
        assert!(p.packages.is_empty());
        let p = DpkgCopyright.parse(
            "usr/share/doc/x/copyright",
            b"Format: x\n\nFiles: *\nLicense: GPL-2+ or",
        );
        assert_eq!(p.packages[0].licenses, ["GPL-2+"]);
        // Truncated real file: what was read still counts.
        let full = fixture("curl");
        let p = DpkgCopyright.parse("usr/share/doc/curl/copyright", &full[..300]);
        assert_eq!(p.packages[0].licenses, ["curl"]);
        // Too many licences: capped with a warning.
        let mut many = String::from("Format: x\n");
        for i in 0..100 {
            many.push_str(&format!("\nFiles: f{i}\nLicense: L-{i}\n"));
        }
        let p = DpkgCopyright.parse("usr/share/doc/x/copyright", many.as_bytes());
        assert_eq!(p.packages[0].licenses.len(), MAX_LICENSES);
        assert_eq!(p.warnings.len(), 1);
        let p = DpkgCopyright.parse("usr/share/doc/copyright", b"License: MIT\n");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn merge() {
        let mut libc_amd64 = Package::new(Ecosystem::Deb, "libc6", "2.36-9+deb12u8");
        libc_amd64.arch = Some("amd64".into());
        let mut libc_i386 = libc_amd64.clone();
        libc_i386.arch = Some("i386".into());
        libc_i386.licenses.push("GPL-2".into());
        let placeholder = |name: &str, licenses: &[&str]| {
            let mut p = Package::new(Ecosystem::Deb, name, PLACEHOLDER_VERSION);
            p.licenses = licenses.iter().map(|l| l.to_string()).collect();
            p
        };
        let mut packages = vec![
            placeholder("libc6", &["LGPL-2.1", "GPL-2"]),
            libc_amd64,
            libc_i386,
            placeholder("removed", &["MIT"]),
            Package::new(Ecosystem::Deb, "tzdata", "2024a-0+deb12u1"),
            Package::new(Ecosystem::Npm, "libc6", "1.0.0"),
        ];
        merge_copyright_licenses(&mut packages);
        let got: Vec<(&str, Vec<&str>)> = packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.licenses.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("libc6", vec!["LGPL-2.1", "GPL-2"]),
                ("libc6", vec!["GPL-2", "LGPL-2.1"]),
                ("tzdata", vec![]),
                ("libc6", vec![]),
            ]
        );
    }

    /// Through the analyzer: a root filesystem with a status database, a file list and
    /// copyright files (one of a package that is not installed).
    #[test]
    fn merged_by_the_analyzer() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let write = |path: &str, bytes: &[u8]| {
            let full = dir.path().join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
            }
            std::fs::write(&full, bytes).unwrap_or_else(|e| panic!("write {path}: {e}"));
        };
        write(
            "var/lib/dpkg/status",
            b"Package: coreutils\nStatus: install ok installed\nArchitecture: amd64\n\
              Version: 9.1-1\n\n\
              Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n\
              Multi-Arch: same\nSource: glibc\nVersion: 2.36-9+deb12u8\n\n\
              Package: tzdata\nStatus: install ok installed\nArchitecture: all\n\
              Version: 2024a-0+deb12u1\n",
        );
        write("var/lib/dpkg/info/coreutils.list", b"/usr/bin/ls\n");
        write("usr/share/doc/coreutils/copyright", &fixture("coreutils"));
        write("usr/share/doc/libc6/copyright", &fixture("libc6"));
        write("usr/share/doc/curl/copyright", &fixture("curl"));
        let inventory = crate::inventory_of(
            &dockguard_image::RootfsSource::new(dir.path()),
            &dockguard_image::Limits::default(),
        )
        .unwrap_or_else(|e| panic!("inventory: {e}"));
        assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
        let got: Vec<(&str, &str, Vec<&str>, usize)> = inventory
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.licenses.iter().map(String::as_str).collect(),
                    p.files.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "coreutils",
                    "9.1-1",
                    vec![
                        "GPL-3+",
                        "BSD-4-clause-UC",
                        "ISC",
                        "FSFULLR",
                        "GFDL-NIV-1.3"
                    ],
                    1
                ),
                ("libc6", "2.36-9+deb12u8", vec!["LGPL-2.1", "GPL-2"], 0),
                ("tzdata", "2024a-0+deb12u1", vec![], 0),
            ]
        );
        assert_eq!(
            inventory.packages[0].locations[0].path,
            "var/lib/dpkg/status"
        );
    }
}
