//! Pipenv lockfiles (`Pipfile.lock`, JSON).
//!
//! The `default` and `develop` objects map package names (as pipenv writes them, lower case) to
//! entries whose `"version": "==1.2.3"` gives the version. Entries without a version (VCS,
//! path or editable requirements) are not packages. No licences or dependencies are recorded.

use std::collections::HashSet;

use serde_json::Value;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct PipfileLock;

impl Cataloger for PipfileLock {
    fn name(&self) -> &'static str {
        "python-pipfile-lock"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "Pipfile.lock"
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) = super::common::json_document(&mut parsed, path, content, "Pipfile.lock")
        else {
            return parsed;
        };
        let sections: Vec<_> = ["default", "develop"]
            .iter()
            .filter_map(|s| root.get(s).and_then(Value::as_object))
            .collect();
        if sections.is_empty() {
            parsed.warn(path, None, "no default or develop section");
        }
        let mut seen = HashSet::new();
        for section in sections {
            for (name, entry) in section {
                let Some(version) = entry.get("version").and_then(Value::as_str) else {
                    continue;
                };
                let version = version
                    .trim()
                    .trim_start_matches("===")
                    .trim_start_matches("==");
                if version.is_empty() {
                    parsed.warn(path, None, format!("{name}: empty version"));
                    continue;
                }
                if !seen.insert((name.as_str(), version)) {
                    continue;
                }
                parsed
                    .packages
                    .push(Package::new(Ecosystem::Pypi, name.as_str(), version));
            }
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "_meta": {
        "hash": {"sha256": "b8c2e1580c53e383cfe4254c1f16560b855d984fde8b2beb3bf6ee8fc2fe5a22"},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.11"},
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]
    },
    "default": {
        "certifi": {
            "hashes": ["sha256:0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f"],
            "index": "pypi",
            "markers": "python_version >= '3.6'",
            "version": "==2024.2.2"
        },
        "requests": {"hashes": [], "index": "pypi", "version": "==2.31.0"},
        "mylib": {"editable": true, "path": "./mylib"},
        "black": {"git": "https://github.com/psf/black.git", "ref": "abc"}
    },
    "develop": {
        "pytest": {"hashes": [], "version": "==8.1.1"},
        "certifi": {"version": "==2024.2.2"}
    }
}"#;

    #[test]
    fn default_and_develop() {
        let c = PipfileLock;
        assert!(c.wants("app/Pipfile.lock"));
        assert!(!c.wants("app/Pipfile"));
        let p = c.parse("app/Pipfile.lock", LOCK.as_bytes());
        let mut got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("certifi", "2024.2.2"),
                ("pytest", "8.1.1"),
                ("requests", "2.31.0")
            ]
        );
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn garbage_warns() {
        let p = PipfileLock.parse(
            "Pipfile.lock",
            b"{\"default\": {\"x\": {\"version\": \"==1\"",
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(1));
        let p = PipfileLock.parse("Pipfile.lock", b"[1, 2]");
        assert_eq!(p.warnings.len(), 1);
        let p = PipfileLock.parse("Pipfile.lock", b"\xff\xfe");
        assert_eq!(p.warnings.len(), 1);
        let p = PipfileLock.parse(
            "Pipfile.lock",
            br#"{"default": {"x": {"version": "=="}, "y": 3}}"#,
        );
        assert_eq!(p.warnings.len(), 1);
        let deep = "[".repeat(100_000);
        let p = PipfileLock.parse("Pipfile.lock", deep.as_bytes());
        assert_eq!(p.warnings.len(), 1);
    }
}
