//! Installed Python distributions: wheel metadata `*.dist-info/METADATA`, egg metadata
//! `*.egg-info/PKG-INFO`, `*.egg/EGG-INFO/PKG-INFO` and single-file `*.egg-info`.
//!
//! The file is RFC 822 headers then a body (the long description), which is not read: parsing
//! stops at the first blank line. `Name:` and `Version:` make the package (name as written,
//! `PyYAML`). Licences: `License-Expression:` (PEP 639) when present, else `License:` when it is
//! a short value rather than the licence text or `UNKNOWN`, else the last part of each
//! `Classifier: License :: … :: MIT License` (syft and Trivy read the same three). Dependencies:
//! the names of `Requires-Dist:` entries that are not behind an `extra == …` marker.
//! Metadata of packages an OS package installed is dropped later by the analyzer.

use std::collections::HashSet;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct PythonMetadata;

/// Header lines that are not `Key: value` reported before the rest are only counted.
const MAX_WARNINGS: usize = 10;

impl Cataloger for PythonMetadata {
    fn name(&self) -> &'static str {
        "python-installed-metadata"
    }

    fn wants(&self, path: &str) -> bool {
        let name = file_name(path);
        let parent = path
            .strip_suffix(name)
            .map(|p| p.trim_end_matches('/'))
            .map(file_name)
            .unwrap_or("");
        match name {
            "METADATA" => parent.ends_with(".dist-info"),
            "PKG-INFO" => parent.ends_with(".egg-info") || parent == "EGG-INFO",
            _ => name.ends_with(".egg-info"),
        }
    }

    fn max_size(&self) -> u64 {
        // Headers come first; long descriptions are skipped.
        4 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let mut parsed = Parsed::default();
        let headers = headers(path, &text, &mut parsed);
        let get = |key: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let (Some(name), Some(version)) = (get("Name"), get("Version")) else {
            parsed.warn(path, None, "no Name and Version headers");
            return parsed;
        };
        let mut package = Package::new(Ecosystem::Pypi, name, version);
        if let Some(expr) = get("License-Expression") {
            package.licenses.push(expr.to_string());
        } else if let Some(license) = get("License")
            .filter(|l| !l.contains('\n') && l.len() <= 100 && !l.eq_ignore_ascii_case("UNKNOWN"))
        {
            package.licenses.push(license.to_string());
        } else {
            let mut seen = HashSet::new();
            for (_, value) in headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
            {
                let mut parts = value.split("::").map(str::trim);
                if parts.next() != Some("License") {
                    continue;
                }
                if let Some(last) = parts.last().filter(|l| !l.is_empty())
                    && last != "OSI Approved"
                    && seen.insert(last)
                {
                    package.licenses.push(last.to_string());
                }
            }
        }
        let mut seen = HashSet::new();
        for (_, value) in headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Requires-Dist"))
        {
            let (spec, marker) = value.split_once(';').unwrap_or((value, ""));
            if marker.contains("extra") {
                continue;
            }
            let spec = spec.trim();
            let end = spec
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
                .unwrap_or(spec.len());
            let dep = spec.get(..end).unwrap_or("");
            if !dep.is_empty() && seen.insert(dep) {
                package.dependencies.push(dep.to_string());
            }
        }
        parsed.packages.push(package);
        parsed
    }
}

/// `Key: value` headers up to the first blank line; continuation lines (leading whitespace)
/// are joined to the previous value with `\n`.
fn headers(path: &str, text: &str, parsed: &mut Parsed) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut bad = 0usize;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
                continue;
            }
        } else if let Some((key, value)) = line.split_once(':')
            && !key.is_empty()
            && !key.contains(char::is_whitespace)
        {
            out.push((key.to_string(), value.trim().to_string()));
            continue;
        }
        bad += 1;
        if bad <= MAX_WARNINGS {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            parsed.warn(path, Some(number), "not a metadata header");
        }
    }
    if bad > MAX_WARNINGS {
        parsed.warn(
            path,
            None,
            format!("{} more lines were not headers", bad - MAX_WARNINGS),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYYAML: &str = "Metadata-Version: 2.1
Name: PyYAML
Version: 6.0.1
Summary: YAML parser and emitter for Python
Home-page: https://pyyaml.org/
Author: Kirill Simonov
License: MIT
Platform: Any
Classifier: Development Status :: 5 - Production/Stable
Classifier: License :: OSI Approved :: MIT License
Classifier: Programming Language :: Python :: 3
Requires-Python: >=3.6
License-File: LICENSE

YAML is a data serialization format designed for human readability
License: not-a-header
";

    #[test]
    fn wants_metadata_files() {
        let c = PythonMetadata;
        assert!(c.wants("usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA"));
        assert!(c.wants("usr/local/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO"));
        assert!(c.wants("usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info"));
        assert!(c.wants("opt/x/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO"));
        assert!(!c.wants("app/METADATA"));
        assert!(!c.wants("app/src/PKG-INFO"));
        assert!(!c.wants("usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/RECORD"));
    }

    #[test]
    fn wheel_metadata() {
        let p = PythonMetadata.parse(
            "usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA",
            PYYAML.as_bytes(),
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let pkg = &p.packages[0];
        assert_eq!(
            (pkg.name.as_str(), pkg.version.as_str()),
            ("PyYAML", "6.0.1")
        );
        assert_eq!(pkg.licenses, vec!["MIT"]);
        assert_eq!(pkg.ecosystem, Ecosystem::Pypi);
    }

    #[test]
    fn licence_sources_and_dependencies() {
        let text = "Metadata-Version: 2.4\r\nName: requests\r\nVersion: 2.32.3\r\nLicense-Expression: Apache-2.0\r\nLicense: Apache 2.0\r\nRequires-Dist: charset-normalizer<4,>=2\r\nRequires-Dist: idna (<4,>=2.5)\r\nRequires-Dist: urllib3<3,>=1.21.1\r\nRequires-Dist: PySocks!=1.5.7,>=1.5.6; extra == \"socks\"\r\nRequires-Dist: certifi>=2017.4.17 ; python_version >= \"3\"\r\n\r\nbody\r\n";
        let p = PythonMetadata.parse("x/requests-2.32.3.dist-info/METADATA", text.as_bytes());
        let pkg = &p.packages[0];
        assert_eq!(pkg.licenses, vec!["Apache-2.0"]);
        assert_eq!(
            pkg.dependencies,
            vec!["charset-normalizer", "idna", "urllib3", "certifi"]
        );
        // Licence text in License: falls back to the classifiers.
        let text = "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: Copyright (c) 2010-2020 Benjamin Peterson\n        Permission is hereby granted, free of charge\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: BSD License\n";
        let p = PythonMetadata.parse("x/six-1.16.0.egg-info/PKG-INFO", text.as_bytes());
        assert_eq!(p.packages[0].licenses, vec!["MIT License", "BSD License"]);
        let text = "Name: x\nVersion: 1\nLicense: UNKNOWN\n";
        let p = PythonMetadata.parse("x.egg-info", text.as_bytes());
        assert!(p.packages[0].licenses.is_empty());
    }

    #[test]
    fn garbage_warns() {
        let p = PythonMetadata.parse("a.dist-info/METADATA", b"\xff\xfe garbage\n\x00\x01\n");
        assert!(p.packages.is_empty());
        assert!(!p.warnings.is_empty());
        let p = PythonMetadata.parse("a.dist-info/METADATA", b"Name: truncated\nVers");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 2);
        let p = PythonMetadata.parse("a.dist-info/METADATA", b"");
        assert!(p.packages.is_empty());
        let many = "junk line\n".repeat(1000);
        let p = PythonMetadata.parse("a.dist-info/METADATA", many.as_bytes());
        assert_eq!(p.warnings.len(), MAX_WARNINGS + 2);
    }
}
