//! Composer lockfiles (`composer.lock`, JSON).
//!
//! The `packages` and `packages-dev` arrays hold one object per package: `name` (`vendor/pkg`)
//! and `version` as written (`v6.4.3`, `2.9.1`, `dev-main`: syft keeps them), `license` (an
//! array of SPDX ids, or a single string), and `require`, whose keys that name packages
//! (`vendor/pkg`) are its dependencies; platform requirements (`php`, `ext-json`,
//! `composer-plugin-api`) are not.

use std::collections::HashSet;

use serde_json::Value;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct ComposerLock;

impl Cataloger for ComposerLock {
    fn name(&self) -> &'static str {
        "php-composer-lock"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "composer.lock"
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) = super::common::json_document(&mut parsed, path, content, "composer.lock")
        else {
            return parsed;
        };
        let sections: Vec<(&str, &Vec<Value>)> = ["packages", "packages-dev"]
            .into_iter()
            .filter_map(|s| root.get(s).and_then(Value::as_array).map(|a| (s, a)))
            .collect();
        if sections.is_empty() {
            parsed.warn(path, None, "no packages array");
        }
        let mut seen = HashSet::new();
        for (section, entries) in sections {
            for (i, entry) in entries.iter().enumerate() {
                let name = entry.get("name").and_then(Value::as_str);
                let version = entry.get("version").and_then(Value::as_str);
                let (Some(name), Some(version)) = (name, version) else {
                    parsed.warn(path, None, format!("{section}[{i}] has no name or version"));
                    continue;
                };
                if name.is_empty() || version.is_empty() || !seen.insert((name, version)) {
                    continue;
                }
                let mut package = Package::new(Ecosystem::Composer, name, version);
                match entry.get("license") {
                    Some(Value::Array(list)) => {
                        package.licenses = list
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect();
                    }
                    Some(Value::String(l)) => package.licenses.push(l.clone()),
                    _ => {}
                }
                if let Some(require) = entry.get("require").and_then(Value::as_object) {
                    package.dependencies = require
                        .keys()
                        .filter(|k| k.contains('/'))
                        .cloned()
                        .collect();
                }
                parsed.packages.push(package);
            }
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "b6b1c3cd6b2a6d9b9c1d1e0a4f7a6e35",
    "packages": [
        {
            "name": "monolog/monolog",
            "version": "2.9.1",
            "source": {"type": "git", "url": "https://github.com/Seldaek/monolog.git", "reference": "f259e2b15fb95494c83f52d3caad003bbf5ffaa1"},
            "require": {"php": ">=7.2", "psr/log": "^1.0.1 || ^2.0 || ^3.0"},
            "provide": {"psr/log-implementation": "1.0.0 || 2.0.0 || 3.0.0"},
            "type": "library",
            "license": ["MIT"],
            "time": "2023-02-06T13:44:46+00:00"
        },
        {
            "name": "psr/log",
            "version": "3.0.0",
            "require": {"php": ">=8.0.0"},
            "license": ["MIT"]
        },
        {
            "name": "symfony/console",
            "version": "v6.4.3",
            "require": {"php": ">=8.1", "ext-mbstring": "*", "symfony/polyfill-mbstring": "~1.0"},
            "license": "MIT"
        },
        {"name": "broken/entry"}
    ],
    "packages-dev": [
        {"name": "phpunit/phpunit", "version": "10.5.10", "license": ["BSD-3-Clause"]}
    ],
    "aliases": [],
    "minimum-stability": "stable"
}"#;

    #[test]
    fn packages_and_dev_packages() {
        let c = ComposerLock;
        assert!(c.wants("var/www/composer.lock"));
        assert!(!c.wants("var/www/composer.json"));
        let p = c.parse("var/www/composer.lock", LOCK.as_bytes());
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("monolog/monolog", "2.9.1"),
                ("psr/log", "3.0.0"),
                ("symfony/console", "v6.4.3"),
                ("phpunit/phpunit", "10.5.10"),
            ]
        );
        assert_eq!(p.packages[0].dependencies, vec!["psr/log"]);
        assert_eq!(p.packages[0].licenses, vec!["MIT"]);
        assert_eq!(p.packages[2].licenses, vec!["MIT"]);
        assert_eq!(
            p.packages[2].dependencies,
            vec!["symfony/polyfill-mbstring"]
        );
        assert_eq!(p.packages[3].licenses, vec!["BSD-3-Clause"]);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(
            p.packages[0].purl(None),
            "pkg:composer/monolog/monolog@2.9.1"
        );
    }

    #[test]
    fn garbage_warns() {
        let p = ComposerLock.parse("composer.lock", b"{\n\"packages\": [\n{\"name\": ");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(3));
        let p = ComposerLock.parse("composer.lock", b"\"just a string\"");
        assert_eq!(p.warnings.len(), 1);
        let p = ComposerLock.parse(
            "composer.lock",
            br#"{"packages": [1, null, {"name": 2, "version": []}]}"#,
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 3);
    }
}
