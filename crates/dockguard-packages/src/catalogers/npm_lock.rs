//! npm packages from `package-lock.json` and `npm-shrinkwrap.json` (lockfile versions 1 to 3).
//!
//! - v2 and v3: the `packages` map, keyed by install path (`node_modules/a/node_modules/@s/b`).
//!   The name is the entry's `name` (set for aliases) or the part after the last
//!   `node_modules/`; `version`, `license` (a string) and the names of `dependencies` and
//!   `optionalDependencies` are read. The root entry (`""`), links (`link: true`, workspace
//!   symlinks; their target is the workspace member) and entries outside `node_modules/`
//!   (workspace members, the project's own code) are skipped.
//! - v1: the nested `dependencies` tree; name is the key, `version` as written, dependencies
//!   are the names in `requires`. An alias (`"version": "npm:real@1.0.0"`) is reported as the
//!   real package.
//!
//! Dev dependencies are included. A package installed at several paths is reported once per
//! name and version. Lockfiles inside `node_modules/` (shipped by dependencies, never used for
//! the install) and npm's hidden `node_modules/.package-lock.json` are not read.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct NpmLock;

impl Cataloger for NpmLock {
    fn name(&self) -> &'static str {
        "npm-lock"
    }

    fn wants(&self, path: &str) -> bool {
        matches!(file_name(path), "package-lock.json" | "npm-shrinkwrap.json")
            && super::common::outside_node_modules(path)
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) = super::common::json_document(&mut parsed, path, content, "npm lockfile")
        else {
            return parsed;
        };
        let Some(root) = root.as_object() else {
            parsed.warn(path, None, "npm lockfile is not a JSON object");
            return parsed;
        };
        let mut out = Collected::default();
        if let Some(packages) = root.get("packages").and_then(Value::as_object) {
            read_packages(path, packages, &mut out, &mut parsed);
        } else if let Some(deps) = root.get("dependencies").and_then(Value::as_object) {
            read_v1(path, deps, &mut out, &mut parsed);
        } else if root.get("lockfileVersion").is_none() {
            parsed.warn(path, None, "no lockfileVersion, packages or dependencies");
        }
        parsed.packages = out.packages;
        parsed
    }
}

/// Packages seen so far, one per name and version.
#[derive(Default)]
struct Collected {
    packages: Vec<Package>,
    index: HashMap<(String, String), usize>,
}

impl Collected {
    fn add(&mut self, p: Package) {
        let key = (p.name.clone(), p.version.clone());
        match self.index.get(&key).and_then(|&i| self.packages.get_mut(i)) {
            Some(seen) => {
                for d in p.dependencies {
                    if !seen.dependencies.contains(&d) {
                        seen.dependencies.push(d);
                    }
                }
                for l in p.licenses {
                    if !seen.licenses.contains(&l) {
                        seen.licenses.push(l);
                    }
                }
            }
            None => {
                self.index.insert(key, self.packages.len());
                self.packages.push(p);
            }
        }
    }
}

fn read_packages(
    path: &str,
    packages: &Map<String, Value>,
    out: &mut Collected,
    parsed: &mut Parsed,
) {
    for (key, entry) in packages {
        let Some(at) = key.rfind("node_modules/") else {
            continue; // the root ("") and workspace members
        };
        let Some(entry) = entry.as_object() else {
            parsed.warn(path, None, format!("packages[{key:?}] is not an object"));
            continue;
        };
        if entry.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let name = entry
            .get("name")
            .and_then(Value::as_str)
            .or_else(|| key.get(at + "node_modules/".len()..))
            .unwrap_or_default();
        let Some(version) = entry.get("version").and_then(Value::as_str) else {
            parsed.warn(path, None, format!("packages[{key:?}] has no version"));
            continue;
        };
        if name.is_empty() {
            parsed.warn(path, None, format!("packages[{key:?}] has no name"));
            continue;
        }
        let mut p = Package::new(Ecosystem::Npm, name, version);
        if let Some(l) = entry.get("license").and_then(Value::as_str)
            && !l.is_empty()
        {
            p.licenses.push(l.to_string());
        }
        for field in ["dependencies", "optionalDependencies"] {
            if let Some(deps) = entry.get(field).and_then(Value::as_object) {
                for d in deps.keys() {
                    if !p.dependencies.contains(d) {
                        p.dependencies.push(d.clone());
                    }
                }
            }
        }
        out.add(p);
    }
}

/// The v1 tree; `serde_json` limits nesting to 128 levels, which bounds the recursion.
fn read_v1(path: &str, deps: &Map<String, Value>, out: &mut Collected, parsed: &mut Parsed) {
    for (name, entry) in deps {
        let Some(entry) = entry.as_object() else {
            parsed.warn(
                path,
                None,
                format!("dependencies[{name:?}] is not an object"),
            );
            continue;
        };
        match entry.get("version").and_then(Value::as_str) {
            Some(version) => {
                let (name, version) = match version.strip_prefix("npm:").and_then(|alias| {
                    alias
                        .get(1..)
                        .and_then(|r| r.find('@'))
                        .map(|i| (alias, i + 1))
                }) {
                    Some((alias, i)) => (
                        alias.get(..i).unwrap_or(name),
                        alias.get(i + 1..).unwrap_or(version),
                    ),
                    None => (name.as_str(), version),
                };
                let mut p = Package::new(Ecosystem::Npm, name, version);
                if let Some(requires) = entry.get("requires").and_then(Value::as_object) {
                    p.dependencies = requires.keys().cloned().collect();
                }
                out.add(p);
            }
            None => parsed.warn(path, None, format!("dependencies[{name:?}] has no version")),
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            read_v1(path, nested, out, parsed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = r#"{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "web",
      "version": "1.0.0",
      "workspaces": ["packages/*"],
      "dependencies": { "express": "^4.19.2", "@types/node": "^20.0.0" },
      "devDependencies": { "typescript": "^5.4.0" }
    },
    "node_modules/@types/node": {
      "version": "20.12.7",
      "resolved": "https://registry.npmjs.org/@types/node/-/node-20.12.7.tgz",
      "integrity": "sha512-wq0cICSkRLVaf3UGLMGItu/PtdY7oaXaI/RVU+xliKVOtRna3PRY57ZDfztpDL0n11vfymMUnXv8QwYCO7L1wg==",
      "license": "MIT",
      "dependencies": { "undici-types": "~5.26.4" }
    },
    "node_modules/express": {
      "version": "4.19.2",
      "license": "MIT",
      "dependencies": { "debug": "2.6.9", "qs": "6.11.0" }
    },
    "node_modules/debug": {
      "version": "4.3.4",
      "license": "MIT",
      "dependencies": { "ms": "2.1.2" }
    },
    "node_modules/express/node_modules/debug": {
      "version": "2.6.9",
      "license": "MIT",
      "dependencies": { "ms": "2.0.0" }
    },
    "node_modules/express/node_modules/ms": { "version": "2.0.0", "license": "MIT" },
    "node_modules/send/node_modules/ms": { "version": "2.0.0", "license": "MIT" },
    "node_modules/string-width-cjs": {
      "name": "string-width",
      "version": "4.2.3",
      "license": "MIT"
    },
    "node_modules/typescript": { "version": "5.4.5", "dev": true, "license": "Apache-2.0" },
    "node_modules/ui": { "resolved": "packages/ui", "link": true },
    "packages/ui": { "name": "ui", "version": "0.0.1" }
  }
}"#;

    const V1: &str = r#"{
  "name": "legacy",
  "version": "0.1.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "accepts": {
      "version": "1.3.8",
      "resolved": "https://registry.npmjs.org/accepts/-/accepts-1.3.8.tgz",
      "requires": { "mime-types": "~2.1.34", "negotiator": "0.6.3" }
    },
    "body-parser": {
      "version": "1.20.2",
      "requires": { "debug": "2.6.9" },
      "dependencies": {
        "debug": { "version": "2.6.9", "requires": { "ms": "2.0.0" } }
      }
    },
    "debug": { "version": "4.3.4", "dev": true },
    "my-lodash": { "version": "npm:lodash@4.17.21" },
    "my-types": { "version": "npm:@types/node@20.1.0" }
  }
}"#;

    /// Sorted: JSON objects may or may not keep their order (serde_json's `preserve_order`).
    fn pairs(p: &Parsed) -> Vec<(&str, &str)> {
        let mut v: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        v.sort();
        v
    }

    fn find<'a>(p: &'a Parsed, name: &str, version: &str) -> &'a Package {
        p.packages
            .iter()
            .find(|p| p.name == name && p.version == version)
            .unwrap()
    }

    #[test]
    fn v3_packages_map() {
        assert!(NpmLock.wants("app/package-lock.json"));
        assert!(NpmLock.wants("npm-shrinkwrap.json"));
        assert!(!NpmLock.wants("app/node_modules/.package-lock.json"));
        assert!(!NpmLock.wants("app/node_modules/foo/npm-shrinkwrap.json"));
        let p = NpmLock.parse("package-lock.json", V3.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@types/node", "20.12.7"),
                ("debug", "2.6.9"),
                ("debug", "4.3.4"),
                ("express", "4.19.2"),
                ("ms", "2.0.0"),
                ("string-width", "4.2.3"),
                ("typescript", "5.4.5"),
            ]
        );
        let types = find(&p, "@types/node", "20.12.7");
        assert_eq!(types.licenses, ["MIT"]);
        assert_eq!(types.purl(None), "pkg:npm/%40types/node@20.12.7");
        let mut deps = find(&p, "express", "4.19.2").dependencies.clone();
        deps.sort();
        assert_eq!(deps, ["debug", "qs"]);
    }

    #[test]
    fn v1_dependency_tree() {
        let p = NpmLock.parse("package-lock.json", V1.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@types/node", "20.1.0"),
                ("accepts", "1.3.8"),
                ("body-parser", "1.20.2"),
                ("debug", "2.6.9"),
                ("debug", "4.3.4"),
                ("lodash", "4.17.21"),
            ]
        );
        let mut deps = find(&p, "accepts", "1.3.8").dependencies.clone();
        deps.sort();
        assert_eq!(deps, ["mime-types", "negotiator"]);
    }

    /// One project (`fixtures/npm-lock/package.json`: express, @types/node, an alias and a dev
    /// dependency) locked by npm 10 (v3), pnpm 9 and yarn 1: the three catalogers agree.
    #[test]
    fn same_project_three_lockfiles() {
        use super::super::{pnpm_lock::PnpmLock, yarn_lock::YarnLock};
        let npm = NpmLock.parse(
            "package-lock.json",
            include_bytes!("../../fixtures/npm-lock/package-lock.json"),
        );
        let pnpm = PnpmLock.parse(
            "pnpm-lock.yaml",
            include_bytes!("../../fixtures/pnpm-lock/pnpm-lock.yaml"),
        );
        let yarn = YarnLock.parse(
            "yarn.lock",
            include_bytes!("../../fixtures/yarn-lock/yarn.lock"),
        );
        for p in [&npm, &pnpm, &yarn] {
            assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        }
        assert_eq!(npm.packages.len(), 79);
        assert!(pairs(&npm).contains(&("string-width", "4.2.3")));
        assert!(pairs(&npm).contains(&("typescript", "5.4.5")));
        assert_eq!(pairs(&npm), pairs(&pnpm));
        assert_eq!(pairs(&npm), pairs(&yarn));
        let mut deps = find(&pnpm, "express", "4.19.2").dependencies.clone();
        deps.sort();
        let mut npm_deps = find(&npm, "express", "4.19.2").dependencies.clone();
        npm_deps.sort();
        assert_eq!(deps, npm_deps);
        assert_eq!(deps.len(), 31);
    }

    #[test]
    fn garbage() {
        let p = NpmLock.parse(
            "package-lock.json",
            b"{\n \"lockfileVersion\": 3,\n \"packages\": {\xff",
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].line.is_some());
        let p = NpmLock.parse("package-lock.json", &V3.as_bytes()[..V3.len() / 2]);
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = NpmLock.parse(
            "package-lock.json",
            br#"{"packages": {"node_modules/a": 3, "node_modules/b": {}, "node_modules/c": {"version": "1.0.0", "dependencies": [1]}}}"#,
        );
        assert_eq!(pairs(&p), [("c", "1.0.0")]);
        assert_eq!(p.warnings.len(), 2);
        let p = NpmLock.parse("package-lock.json", b"[1, 2]");
        assert_eq!(p.warnings.len(), 1);
        let p = NpmLock.parse(
            "package-lock.json",
            br#"{"dependencies": {"x": "y", "z": {}}}"#,
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 2);
        // deep nesting is refused by serde_json, not a stack overflow
        let deep = "[".repeat(100_000);
        assert_eq!(
            NpmLock
                .parse("package-lock.json", deep.as_bytes())
                .warnings
                .len(),
            1
        );
    }
}
