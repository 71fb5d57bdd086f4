//! Installed npm packages: the `package.json` at the top of each package directory under a
//! `node_modules/` directory (`node_modules/express/package.json`,
//! `usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json`).
//!
//! `name` and `version` are read (a file without both is skipped silently, as syft and Trivy
//! do); licences come from `license` (an SPDX string, or the legacy `{"type": …}` object) or the
//! legacy `licenses` array; dependencies are the names in `dependencies`. Other `package.json`
//! files deeper in a package (`node_modules/x/dist/esm/package.json`, often only
//! `{"type": "module"}`) and projects' own manifests are not read. Packages installed by the
//! OS package manager (`usr/lib/node_modules/npm` from Debian's `npm`) are dropped by the
//! analyzer when the OS package lists the file.

use serde_json::Value;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct NodePackage;

impl Cataloger for NodePackage {
    fn name(&self) -> &'static str {
        "node-package"
    }

    fn wants(&self, path: &str) -> bool {
        if file_name(path) != "package.json" {
            return false;
        }
        let rest = match path.rfind("/node_modules/") {
            Some(i) => path.get(i + "/node_modules/".len()..),
            None => path.strip_prefix("node_modules/"),
        };
        let Some(rest) = rest else {
            return false;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            [name, "package.json"] => !name.starts_with('@') && !name.starts_with('.'),
            [scope, name, "package.json"] => scope.starts_with('@') && !name.starts_with('.'),
            _ => false,
        }
    }

    fn max_size(&self) -> u64 {
        4 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) = super::common::json_document(&mut parsed, path, content, "package.json")
        else {
            return parsed;
        };
        let name = root.get("name").and_then(Value::as_str).map(str::trim);
        let version = root.get("version").and_then(Value::as_str).map(str::trim);
        let (Some(name), Some(version)) = (name, version) else {
            return parsed;
        };
        if name.is_empty() || version.is_empty() {
            return parsed;
        }
        let mut p = Package::new(Ecosystem::Npm, name, version);
        let mut add_license = |l: Option<&str>| {
            if let Some(l) = l.map(str::trim).filter(|l| !l.is_empty())
                && !p.licenses.iter().any(|x| x == l)
            {
                p.licenses.push(l.to_string());
            }
        };
        match root.get("license") {
            Some(Value::String(s)) => add_license(Some(s)),
            Some(obj @ Value::Object(_)) => add_license(obj.get("type").and_then(Value::as_str)),
            _ => {}
        }
        if let Some(list) = root.get("licenses").and_then(Value::as_array) {
            for l in list {
                match l {
                    Value::String(s) => add_license(Some(s)),
                    other => add_license(other.get("type").and_then(Value::as_str)),
                }
            }
        }
        if let Some(deps) = root.get("dependencies").and_then(Value::as_object) {
            p.dependencies = deps.keys().cloned().collect();
        }
        parsed.packages.push(p);
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_paths() {
        for yes in [
            "node_modules/express/package.json",
            "app/node_modules/@types/node/package.json",
            "usr/lib/node_modules/npm/package.json",
            "usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json",
            "app/node_modules/a/node_modules/b/package.json",
        ] {
            assert!(NodePackage.wants(yes), "{yes}");
        }
        for no in [
            "app/package.json",
            "package.json",
            "app/node_modules/express/lib/package.json",
            "app/node_modules/@types/package.json",
            "app/node_modules/.bin/package.json",
            "app/node_modules/express/package.json.bak",
            "app/my_node_modules/x/package.json",
        ] {
            assert!(!NodePackage.wants(no), "{no}");
        }
    }

    #[test]
    fn installed_package() {
        let text = br#"{
  "name": "@types/node",
  "version": "20.12.7",
  "description": "TypeScript definitions for node",
  "homepage": "https://github.com/DefinitelyTyped/DefinitelyTyped/tree/master/types/node",
  "license": "MIT",
  "main": "",
  "types": "index.d.ts",
  "dependencies": {
    "undici-types": "~5.26.4"
  },
  "typesPublisherContentHash": "4e1e1d6e5a3e8d4c9f9b1a8c1f5d6a4e7e6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d",
  "typeScriptVersion": "4.7"
}"#;
        let p = NodePackage.parse("app/node_modules/@types/node/package.json", text);
        assert!(p.warnings.is_empty());
        assert_eq!(p.packages.len(), 1);
        let pkg = &p.packages[0];
        assert_eq!(
            (pkg.name.as_str(), pkg.version.as_str()),
            ("@types/node", "20.12.7")
        );
        assert_eq!(pkg.ecosystem, Ecosystem::Npm);
        assert_eq!(pkg.licenses, ["MIT"]);
        assert_eq!(pkg.dependencies, ["undici-types"]);
    }

    #[test]
    fn legacy_licences() {
        let p = NodePackage.parse(
            "node_modules/old/package.json",
            br#"{"name": "old", "version": "0.1.0", "license": {"type": "BSD-3-Clause", "url": "x"}}"#,
        );
        assert_eq!(p.packages[0].licenses, ["BSD-3-Clause"]);
        let p = NodePackage.parse(
            "node_modules/older/package.json",
            br#"{"name": "older", "version": "0.0.1", "licenses": [{"type": "MIT"}, {"type": "GPL-2.0"}, "MIT"]}"#,
        );
        assert_eq!(p.packages[0].licenses, ["MIT", "GPL-2.0"]);
    }

    #[test]
    fn garbage() {
        let p = NodePackage.parse("node_modules/x/package.json", b"{\"name\": \"x\",\n\xff");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(2));
        // No name or version: not a package, not a problem.
        for text in [
            &br#"{"type": "module"}"#[..],
            br#"{"name": "x"}"#,
            br#"{"name": 3, "version": "1.0.0"}"#,
            br#"{"name": "", "version": "1.0.0"}"#,
            b"[]",
            b"null",
        ] {
            let p = NodePackage.parse("node_modules/x/package.json", text);
            assert!(p.packages.is_empty() && p.warnings.is_empty());
        }
        let p = NodePackage.parse(
            "node_modules/x/package.json",
            br#"{"name": "x", "version": "1.0.0", "license": 7, "licenses": {"a": 1}, "dependencies": []}"#,
        );
        assert_eq!(p.packages.len(), 1);
        assert!(p.packages[0].licenses.is_empty());
    }
}
