//! npm packages from `yarn.lock`: Yarn classic (v1, its own format) and Yarn berry (v2+, YAML).
//!
//! Both formats are blocks whose unindented header lists the requested specs,
//! (`"@babel/core@^7.0.0", "@babel/core@^7.12.3":` in v1, `"@babel/core@npm:^7.0.0,
//! @babel/core@npm:^7.12.3":` in berry) followed by indented fields; one line reader handles
//! both. The name is the first spec up to its `@` (the `@` of a scope excluded); an alias
//! `alias@npm:real@^1` is reported as `real`, the package installed, as npm's lockfile and
//! `node_modules/alias/package.json` name it. The version is the
//! `version` field (`version "1.2.3"` or `version: 1.2.3`); dependencies are the names listed
//! under `dependencies` and `optionalDependencies`. Berry's `__metadata` block and local
//! entries (`workspace:`, `link:` and `portal:` specs: the project's own directories) are
//! skipped. A name and version seen twice (berry's `patch:` entries repeat the patched
//! package) is reported once. Lockfiles inside `node_modules/` are not read.

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct YarnLock;

/// Problems reported per file at most; the rest are counted in one last warning.
const MAX_WARNINGS: usize = 20;

impl Cataloger for YarnLock {
    fn name(&self) -> &'static str {
        "yarn-lock"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "yarn.lock" && super::common::outside_node_modules(path)
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let mut reader = Reader {
            path,
            parsed: Parsed::default(),
            current: None,
            in_deps: false,
            problems: 0,
        };
        for (i, line) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            reader.line(line.trim_end(), line_no);
        }
        reader.finish_entry();
        if reader.problems > MAX_WARNINGS {
            let more = reader.problems - MAX_WARNINGS;
            reader.parsed.warn(
                path,
                None,
                format!("{more} more malformed lines not reported"),
            );
        }
        reader.parsed
    }
}

struct Entry {
    name: String,
    version: Option<String>,
    dependencies: Vec<String>,
    /// `__metadata` or a local (workspace) entry.
    skip: bool,
    line: u32,
}

struct Reader<'a> {
    path: &'a str,
    parsed: Parsed,
    current: Option<Entry>,
    in_deps: bool,
    problems: usize,
}

impl Reader<'_> {
    fn problem(&mut self, line: u32, message: &str) {
        self.problems += 1;
        if self.problems <= MAX_WARNINGS {
            self.parsed.warn(self.path, Some(line), message);
        }
    }

    fn line(&mut self, line: &str, line_no: u32) {
        if line.trim().is_empty() || line.starts_with('#') {
            return;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim();
        if indent == 0 {
            self.finish_entry();
            self.header(body, line_no);
            return;
        }
        let Some(entry) = self.current.as_mut() else {
            self.problem(line_no, "indented line outside any entry");
            return;
        };
        if entry.skip {
            return;
        }
        if indent <= 2 {
            let (key, value) = split_field(body);
            self.in_deps =
                matches!(key, "dependencies" | "optionalDependencies") && value.is_empty();
            if key == "version" {
                let v = unquote(value);
                if !v.is_empty() {
                    entry.version = Some(v.to_string());
                }
            }
        } else if self.in_deps {
            let (name, _) = split_field(body);
            let name = unquote(name);
            if !name.is_empty() && !entry.dependencies.iter().any(|d| d == name) {
                entry.dependencies.push(name.to_string());
            }
        }
    }

    fn header(&mut self, body: &str, line_no: u32) {
        self.in_deps = false;
        let Some(specs) = body.strip_suffix(':') else {
            self.problem(line_no, "unindented line is not an entry header");
            // Skip the fields that follow, they belong to no known package.
            self.current = Some(Entry {
                name: String::new(),
                version: None,
                dependencies: Vec::new(),
                skip: true,
                line: line_no,
            });
            return;
        };
        if unquote(specs) == "__metadata" {
            self.current = Some(Entry {
                name: String::new(),
                version: None,
                dependencies: Vec::new(),
                skip: true,
                line: line_no,
            });
            return;
        }
        let first = specs
            .split(',')
            .map(|s| s.trim().trim_matches('"').trim())
            .find(|s| !s.is_empty())
            .unwrap_or("");
        let Some((name, range)) = split_spec(first) else {
            self.problem(line_no, "entry header without a package@range spec");
            self.current = Some(Entry {
                name: String::new(),
                version: None,
                dependencies: Vec::new(),
                skip: true,
                line: line_no,
            });
            return;
        };
        // An alias (`string-width-cjs@npm:string-width@^4.2.0`) installs the real package.
        let name = range
            .strip_prefix("npm:")
            .and_then(split_spec)
            .map_or(name, |(real, _)| real);
        let local = ["workspace:", "link:", "portal:"]
            .iter()
            .any(|p| range.starts_with(p));
        self.current = Some(Entry {
            name: name.to_string(),
            version: None,
            dependencies: Vec::new(),
            skip: local,
            line: line_no,
        });
    }

    fn finish_entry(&mut self) {
        let Some(entry) = self.current.take() else {
            return;
        };
        if entry.skip {
            return;
        }
        let Some(version) = entry.version else {
            self.problem(entry.line, "entry without a version");
            return;
        };
        if let Some(seen) = self
            .parsed
            .packages
            .iter_mut()
            .find(|p| p.name == entry.name && p.version == version)
        {
            for d in entry.dependencies {
                if !seen.dependencies.contains(&d) {
                    seen.dependencies.push(d);
                }
            }
            return;
        }
        let mut p = Package::new(Ecosystem::Npm, entry.name, version);
        p.dependencies = entry.dependencies;
        self.parsed.packages.push(p);
    }
}

/// `name@range` → (`name`, `range`); the `@` of a scope is not the separator.
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    let name = spec.get(..at)?;
    let range = spec.get(at + 1..)?;
    (!name.is_empty()).then_some((name, range))
}

/// A field line: `key "value"`, `key value` (v1) or `key: value`, `"key": value` (berry).
fn split_field(body: &str) -> (&str, &str) {
    if let Some(rest) = body.strip_prefix('"')
        && let Some(end) = rest.find('"')
    {
        let key = rest.get(..end).unwrap_or("");
        let value = rest.get(end + 1..).unwrap_or("");
        let value = value.strip_prefix(':').unwrap_or(value);
        return (key, value.trim());
    }
    let end = body
        .find(|c: char| c == ':' || c.is_whitespace())
        .unwrap_or(body.len());
    let key = body.get(..end).unwrap_or(body);
    let value = body.get(end..).unwrap_or("");
    let value = value.strip_prefix(':').unwrap_or(value);
    (key, value.trim())
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658"
  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==
  dependencies:
    "@babel/highlight" "^7.12.13"

"@babel/highlight@^7.12.13":
  version "7.13.10"
  resolved "https://registry.yarnpkg.com/@babel/highlight/-/highlight-7.13.10.tgz"
  dependencies:
    "@babel/helper-validator-identifier" "^7.12.11"
    chalk "^2.0.0"
    js-tokens "^4.0.0"

js-tokens@^4.0.0:
  version "4.0.0"
  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz"

lodash@^4.17.20, lodash@^4.17.21:
  version "4.17.21"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz"
  optionalDependencies:
    fsevents "~2.3.2"

"string-width-cjs@npm:string-width@^4.2.0":
  version "4.2.3"
"#;

    const BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@babel/code-frame@npm:^7.0.0, @babel/code-frame@npm:^7.10.4":
  version: 7.24.2
  resolution: "@babel/code-frame@npm:7.24.2"
  dependencies:
    "@babel/highlight": "npm:^7.24.2"
    picocolors: "npm:^1.0.0"
  checksum: 10c0/d1d4cba89475ab6aab7a88242e1fd73b15ecb9f30c109b69752956434d10a26a52cbd37727c4eca104b6d45227bd1dfce39a6a6f4a14c9b2f07f871e968cf406
  languageName: node
  linkType: hard

"my-app@workspace:.":
  version: 0.0.0-use.local
  resolution: "my-app@workspace:."
  dependencies:
    react: "npm:^18.2.0"
  languageName: unknown
  linkType: soft

"react@npm:^18.2.0":
  version: 18.3.1
  resolution: "react@npm:18.3.1"
  dependencies:
    loose-envify: "npm:^1.1.0"
  peerDependencies:
    nothing: "*"
  languageName: node
  linkType: hard

"string-width-cjs@npm:string-width@^4.2.0":
  version: 4.2.3
  resolution: "string-width@npm:4.2.3"
  languageName: node
  linkType: hard

"resolve@npm:^1.22.4":
  version: 1.22.8
  resolution: "resolve@npm:1.22.8"
  languageName: node
  linkType: hard

"resolve@patch:resolve@npm%3A^1.22.4#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard
"#;

    fn pairs(p: &Parsed) -> Vec<(&str, &str)> {
        p.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    #[test]
    fn classic() {
        assert!(YarnLock.wants("app/yarn.lock"));
        assert!(!YarnLock.wants("app/node_modules/x/yarn.lock"));
        let p = YarnLock.parse("yarn.lock", V1.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@babel/code-frame", "7.12.13"),
                ("@babel/highlight", "7.13.10"),
                ("js-tokens", "4.0.0"),
                ("lodash", "4.17.21"),
                ("string-width", "4.2.3"),
            ]
        );
        assert_eq!(p.packages[0].dependencies, ["@babel/highlight"]);
        assert_eq!(
            p.packages[1].dependencies,
            ["@babel/helper-validator-identifier", "chalk", "js-tokens"]
        );
        assert_eq!(p.packages[3].dependencies, ["fsevents"]);
        assert_eq!(p.packages[0].ecosystem, Ecosystem::Npm);
    }

    #[test]
    fn berry() {
        let p = YarnLock.parse("yarn.lock", BERRY.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@babel/code-frame", "7.24.2"),
                ("react", "18.3.1"),
                ("string-width", "4.2.3"),
                ("resolve", "1.22.8"),
            ]
        );
        assert_eq!(
            p.packages[0].dependencies,
            ["@babel/highlight", "picocolors"]
        );
        assert_eq!(p.packages[1].dependencies, ["loose-envify"]);
    }

    #[test]
    fn garbage() {
        let p = YarnLock.parse(
            "yarn.lock",
            b"  orphan\nnot a header\n  version \"1\"\nnoversion@^1:\n  resolved \"x\"\n\"@scope\":\n\xff\xfe:\nok@^1:\n  version \"1.0.0\"\n",
        );
        assert_eq!(pairs(&p), [("ok", "1.0.0")]);
        assert_eq!(p.warnings.len(), 5, "{:?}", p.warnings);
        let truncated = &V1[..V1.find("js-tokens@").unwrap() + 5];
        let p = YarnLock.parse("yarn.lock", truncated.as_bytes());
        assert_eq!(p.packages.len(), 2);
        assert_eq!(p.warnings.len(), 1);
        let junk = "x\n".repeat(1000);
        let p = YarnLock.parse("yarn.lock", junk.as_bytes());
        assert_eq!(p.warnings.len(), MAX_WARNINGS + 1);
    }
}
