//! Composer's record of what is installed in a `vendor` directory:
//! `vendor/composer/installed.json` (any project directory: `app/vendor/composer/installed.json`).
//!
//! Composer 1 writes a top-level array of package objects; Composer 2 an object
//! `{"packages": [...], "dev": bool, "dev-package-names": [...]}`. Each package object is read
//! like an entry of `composer.lock` ([`super::composer_lock`]): `name` (`vendor/pkg`), `version`
//! as written (`v6.4.1`, `2.9.1`, `dev-main`), `license` (an array of SPDX ids, or one string),
//! and the `require` keys that name packages (`vendor/pkg`) as dependencies; platform
//! requirements (`php`, `ext-*`, `lib-*`, `composer-plugin-api`) are not packages.
//!
//! Development packages (listed in `dev-package-names`) are installed in the vendor directory
//! and are kept, as syft does. Entries without a name or version are skipped with a warning;
//! duplicates (same name and version) are reported once.

use std::collections::HashSet;

use serde_json::Value;

use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct ComposerInstalled;

const SUFFIX: &str = "vendor/composer/installed.json";

impl Cataloger for ComposerInstalled {
    fn name(&self) -> &'static str {
        "php-composer-installed"
    }

    fn wants(&self, path: &str) -> bool {
        path == SUFFIX
            || path
                .strip_suffix(SUFFIX)
                .is_some_and(|prefix| prefix.ends_with('/'))
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) =
            super::common::json_document(&mut parsed, path, content, "Composer installed.json")
        else {
            return parsed;
        };
        let entries = match &root {
            Value::Array(list) => list,
            Value::Object(map) => match map.get("packages") {
                Some(Value::Array(list)) => list,
                _ => {
                    parsed.warn(path, None, "no packages array");
                    return parsed;
                }
            },
            _ => {
                parsed.warn(path, None, "neither a package array nor an object");
                return parsed;
            }
        };
        let mut seen = HashSet::new();
        for (i, entry) in entries.iter().enumerate() {
            let name = entry.get("name").and_then(Value::as_str);
            let version = entry.get("version").and_then(Value::as_str);
            let (Some(name), Some(version)) = (name, version) else {
                parsed.warn(path, None, format!("packages[{i}] has no name or version"));
                continue;
            };
            if name.is_empty() || version.is_empty() || !seen.insert((name, version)) {
                continue;
            }
            parsed.packages.push(composer_package(entry, name, version));
        }
        parsed
    }
}

/// The package of one Composer package object (of `installed.json` or `composer.lock`).
fn composer_package(entry: &Value, name: &str, version: &str) -> Package {
    let mut package = Package::new(Ecosystem::Composer, name, version);
    match entry.get("license") {
        Some(Value::Array(list)) => {
            package.licenses = list
                .iter()
                .filter_map(Value::as_str)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
        }
        Some(Value::String(l)) if !l.is_empty() => package.licenses.push(l.clone()),
        _ => {}
    }
    if let Some(require) = entry.get("require").and_then(Value::as_object) {
        package.dependencies = require
            .keys()
            .filter(|k| k.contains('/'))
            .cloned()
            .collect();
    }
    package
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Composer 2 (abridged from a Laravel application's vendor directory).
    const V2: &str = r#"{
    "packages": [
        {
            "name": "monolog/monolog",
            "version": "3.5.0",
            "version_normalized": "3.5.0.0",
            "source": {"type": "git", "url": "https://github.com/Seldaek/monolog.git", "reference": "c915e2634718dbc8a4a15c61b0e62e7a44e14448"},
            "require": {"php": ">=8.1", "psr/log": "^2.0 || ^3.0"},
            "provide": {"psr/log-implementation": "3.0.0"},
            "time": "2023-10-27T15:32:31+00:00",
            "type": "library",
            "installation-source": "dist",
            "license": ["MIT"],
            "install-path": "../monolog/monolog"
        },
        {
            "name": "psr/log",
            "version": "3.0.0",
            "require": {"php": ">=8.0.0"},
            "license": ["MIT"],
            "install-path": "../psr/log"
        },
        {
            "name": "symfony/console",
            "version": "v6.4.1",
            "require": {"php": ">=8.1", "ext-mbstring": "*", "symfony/deprecation-contracts": "^2.5|^3", "symfony/polyfill-mbstring": "~1.0"},
            "license": "MIT",
            "install-path": "../symfony/console"
        },
        {
            "name": "phpunit/phpunit",
            "version": "10.5.3",
            "require": {"php": ">=8.1", "ext-dom": "*", "sebastian/diff": "^5.0"},
            "license": ["BSD-3-Clause"],
            "install-path": "../phpunit/phpunit"
        },
        {"name": "broken/entry", "install-path": "../broken/entry"}
    ],
    "dev": true,
    "dev-package-names": ["phpunit/phpunit"]
}"#;

    /// Composer 1: a top-level array.
    const V1: &str = r#"[
    {
        "name": "guzzlehttp/guzzle",
        "version": "6.5.5",
        "version_normalized": "6.5.5.0",
        "require": {"ext-json": "*", "guzzlehttp/promises": "^1.0", "guzzlehttp/psr7": "^1.6.1", "php": ">=5.5", "symfony/polyfill-intl-idn": "^1.17.0"},
        "type": "library",
        "installation-source": "dist",
        "license": ["MIT"]
    },
    {
        "name": "guzzlehttp/promises",
        "version": "1.4.0",
        "require": {"php": ">=5.5"},
        "license": ["MIT"]
    }
]"#;

    fn summary(p: &Parsed) -> Vec<(&str, &str, Vec<&str>, Vec<&str>)> {
        p.packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.licenses.iter().map(String::as_str).collect(),
                    p.dependencies.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn wants() {
        let c = ComposerInstalled;
        assert!(c.wants("vendor/composer/installed.json"));
        assert!(c.wants("app/vendor/composer/installed.json"));
        assert!(c.wants("var/www/html/vendor/composer/installed.json"));
        assert!(!c.wants("app/myvendor/composer/installed.json"));
        assert!(!c.wants("app/vendor/composer/installed.php"));
        assert!(!c.wants("app/composer.lock"));
    }

    #[test]
    fn composer_2() {
        let p = ComposerInstalled.parse("app/vendor/composer/installed.json", V2.as_bytes());
        assert_eq!(
            summary(&p),
            [
                ("monolog/monolog", "3.5.0", vec!["MIT"], vec!["psr/log"]),
                ("psr/log", "3.0.0", vec!["MIT"], vec![]),
                (
                    "symfony/console",
                    "v6.4.1",
                    vec!["MIT"],
                    vec!["symfony/deprecation-contracts", "symfony/polyfill-mbstring"]
                ),
                (
                    "phpunit/phpunit",
                    "10.5.3",
                    vec!["BSD-3-Clause"],
                    vec!["sebastian/diff"]
                ),
            ]
        );
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(
            p.packages[2].purl(None),
            "pkg:composer/symfony/console@v6.4.1"
        );
    }

    #[test]
    fn composer_1() {
        let p = ComposerInstalled.parse("vendor/composer/installed.json", V1.as_bytes());
        assert!(p.warnings.is_empty());
        assert_eq!(
            summary(&p),
            [
                (
                    "guzzlehttp/guzzle",
                    "6.5.5",
                    vec!["MIT"],
                    vec![
                        "guzzlehttp/promises",
                        "guzzlehttp/psr7",
                        "symfony/polyfill-intl-idn"
                    ]
                ),
                ("guzzlehttp/promises", "1.4.0", vec!["MIT"], vec![]),
            ]
        );
    }

    #[test]
    fn garbage() {
        let c = ComposerInstalled;
        let path = "vendor/composer/installed.json";
        let p = c.parse(path, &V2.as_bytes()[..300]);
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].line.is_some());
        let p = c.parse(path, b"\xff\xfe\0");
        assert_eq!(p.warnings.len(), 1);
        let p = c.parse(path, b"42");
        assert_eq!(p.warnings.len(), 1);
        let p = c.parse(path, br#"{"packages": {"a": 1}}"#);
        assert_eq!(p.warnings.len(), 1);
        let p = c.parse(
            path,
            br#"[1, null, {"name": 2, "version": []}, {"name": "a/b", "version": "1", "license": [1, ""], "require": []}, {"name": "a/b", "version": "1"}]"#,
        );
        assert_eq!(p.warnings.len(), 3);
        assert_eq!(summary(&p), [("a/b", "1", vec![], vec![])]);
    }
}
