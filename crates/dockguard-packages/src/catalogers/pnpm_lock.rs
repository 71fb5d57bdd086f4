//! npm packages from `pnpm-lock.yaml` (lockfile versions 5, 6 and 9).
//!
//! A line reader of the generated YAML (block style, two-space indentation) reads the
//! `packages:` map. Its keys name the package: `/name/1.2.3` and `/@scope/name/1.2.3_peer@1`
//! in v5, `/name@1.2.3(peer@1)` in v6, `name@1.2.3` in v9 (quoted when scoped); the peer
//! suffix (`_…` in v5, `(…)` since v6) is dropped. An entry's own `name:` and `version:` fields
//! (written for git, tarball and directory dependencies) take precedence over the key; an
//! entry whose version is still not a version (`https://…`, `file:…`, `link:…`) is skipped,
//! like one with no version. Dependencies are the names under `dependencies:` and
//! `optionalDependencies:` of the entry, and in v9 of its `snapshots:` entries. The
//! `importers:` section (the project's own packages) is not read. A package listed under
//! several peer suffixes is reported once. Lockfiles inside `node_modules/` are not read.

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct PnpmLock;

/// Problems reported per file at most; the rest are counted in one last warning.
const MAX_WARNINGS: usize = 20;

impl Cataloger for PnpmLock {
    fn name(&self) -> &'static str {
        "pnpm-lock"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "pnpm-lock.yaml" && super::common::outside_node_modules(path)
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let mut r = Reader {
            path,
            parsed: Parsed::default(),
            major: None,
            section: Section::Other,
            current: None,
            in_deps: false,
            problems: 0,
        };
        for (i, line) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            r.line(line.trim_end(), line_no);
        }
        r.finish_entry();
        if r.problems > MAX_WARNINGS {
            let more = r.problems - MAX_WARNINGS;
            r.parsed.warn(
                path,
                None,
                format!("{more} more malformed entries not reported"),
            );
        }
        r.parsed
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Section {
    Packages,
    Snapshots,
    Other,
}

struct Entry {
    key: String,
    name: Option<String>,
    version: Option<String>,
    dependencies: Vec<String>,
    section: Section,
    line: u32,
}

struct Reader<'a> {
    path: &'a str,
    parsed: Parsed,
    /// Major lockfile version (5, 6, 9), once `lockfileVersion` was read.
    major: Option<u32>,
    section: Section,
    current: Option<Entry>,
    in_deps: bool,
    problems: usize,
}

impl Reader<'_> {
    fn problem(&mut self, line: u32, message: String) {
        self.problems += 1;
        if self.problems <= MAX_WARNINGS {
            self.parsed.warn(self.path, Some(line), message);
        }
    }

    fn line(&mut self, line: &str, line_no: u32) {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            return;
        }
        let indent = line.len() - body.len();
        let (key, value) = split_field(body);
        if indent == 0 {
            self.finish_entry();
            self.section = match key {
                "packages" => Section::Packages,
                "snapshots" => Section::Snapshots,
                _ => Section::Other,
            };
            if key == "lockfileVersion" {
                self.major = unquote(value)
                    .split('.')
                    .next()
                    .and_then(|m| m.parse().ok());
                if self.major.is_none() {
                    self.problem(line_no, format!("unknown lockfileVersion {value:?}"));
                }
            }
            return;
        }
        if self.section == Section::Other {
            return;
        }
        if indent == 2 {
            self.finish_entry();
            self.in_deps = false;
            // `key:` with fields below, or `key: {}` (an empty v9 snapshot).
            if key.is_empty() || !(value.is_empty() || value.starts_with('{')) {
                self.problem(line_no, "package entry without `key:`".to_string());
                return;
            }
            self.current = Some(Entry {
                key: key.to_string(),
                name: None,
                version: None,
                dependencies: Vec::new(),
                section: self.section,
                line: line_no,
            });
            return;
        }
        let Some(entry) = self.current.as_mut() else {
            return;
        };
        if indent == 4 {
            self.in_deps =
                matches!(key, "dependencies" | "optionalDependencies") && value.is_empty();
            let value = unquote(value);
            match key {
                "name" if !value.is_empty() => entry.name = Some(value.to_string()),
                "version" if !value.is_empty() => entry.version = Some(value.to_string()),
                _ => {}
            }
        } else if indent == 6
            && self.in_deps
            && !key.is_empty()
            && !entry.dependencies.iter().any(|d| d == key)
        {
            entry.dependencies.push(key.to_string());
        }
    }

    fn finish_entry(&mut self) {
        let Some(entry) = self.current.take() else {
            return;
        };
        let from_key = parse_key(&entry.key, self.major);
        let name = entry
            .name
            .clone()
            .or_else(|| from_key.as_ref().map(|(n, _)| n.to_string()));
        let version = entry
            .version
            .clone()
            .or_else(|| from_key.as_ref().map(|(_, v)| v.to_string()));
        let (Some(name), Some(version)) = (name, version) else {
            self.problem(
                entry.line,
                format!("no package name and version in {:?}", entry.key),
            );
            return;
        };
        // Non-registry sources (`https://…`, `file:…`, `link:…`) have no version to report.
        if !version.starts_with(|c: char| c.is_ascii_digit()) {
            return;
        }
        let existing = self
            .parsed
            .packages
            .iter_mut()
            .find(|p| p.name == name && p.version == version);
        match (existing, entry.section) {
            (Some(seen), _) => {
                for d in entry.dependencies {
                    if !seen.dependencies.contains(&d) {
                        seen.dependencies.push(d);
                    }
                }
            }
            (None, Section::Packages) => {
                let mut p = Package::new(Ecosystem::Npm, name, version);
                p.dependencies = entry.dependencies;
                self.parsed.packages.push(p);
            }
            // A snapshot of a package not listed: nothing to add dependencies to.
            (None, _) => {}
        }
    }
}

/// Name and version of a `packages:` key, peer suffixes dropped.
fn parse_key(key: &str, major: Option<u32>) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next().unwrap_or(key);
    match major {
        Some(m) if m < 6 => slash_form(key),
        Some(_) => at_form(key),
        None => at_form(key).or_else(|| slash_form(key)),
    }
}

/// `name@1.2.3`, `@scope/name@1.2.3`.
fn at_form(key: &str) -> Option<(&str, &str)> {
    let at = key.get(1..)?.find('@')? + 1;
    let name = key.get(..at)?;
    let version = key.get(at + 1..)?;
    (valid_name(name) && !version.is_empty()).then_some((name, version))
}

/// An npm name: `name` or `@scope/name`, no other `/`.
fn valid_name(name: &str) -> bool {
    let slashes = name.bytes().filter(|&b| b == b'/').count();
    let expected = usize::from(name.starts_with('@'));
    !name.is_empty() && slashes == expected && !name.ends_with('/')
}

/// `name/1.2.3_peer@1`, `@scope/name/1.2.3_@scope+peer@1`.
fn slash_form(key: &str) -> Option<(&str, &str)> {
    let skip = usize::from(key.starts_with('@'));
    let mut slashes = key.match_indices('/').map(|(i, _)| i);
    let sep = slashes.nth(skip)?;
    let name = key.get(..sep)?;
    let rest = key.get(sep + 1..)?;
    let version = rest.split('_').next().unwrap_or(rest);
    (valid_name(name) && !version.is_empty() && !version.contains('/')).then_some((name, version))
}

/// `key: value` with the key unquoted; for a key alone, the value is empty.
fn split_field(body: &str) -> (&str, &str) {
    for quote in ['\'', '"'] {
        if let Some(rest) = body.strip_prefix(quote)
            && let Some(end) = rest.find(quote)
        {
            let key = rest.get(..end).unwrap_or("");
            let value = rest.get(end + 1..).unwrap_or("");
            let value = value.strip_prefix(':').unwrap_or(value);
            return (key, value.trim());
        }
    }
    // Keys contain `:` only when quoted, so the first `: ` or final `:` ends an unquoted key.
    match body.find(": ") {
        Some(i) => (
            body.get(..i).unwrap_or(""),
            body.get(i + 2..).unwrap_or("").trim(),
        ),
        None => (body.strip_suffix(':').unwrap_or(body), ""),
    }
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V5: &str = r#"lockfileVersion: 5.4

specifiers:
  react: ^18.2.0
  styled-jsx: 5.0.7

dependencies:
  react: 18.2.0
  styled-jsx: 5.0.7_react@18.2.0

packages:

  /@babel/helper-plugin-utils/7.20.2:
    resolution: {integrity: sha512-8RvlJG2mj4huQ4pZ+rU9lqKi9ZKiRmuvGuM2HlWmkmgOhbs6zEAw6IEiJ5cQqGbDzGZOhwuOQNtZMi/ENLjZoQ==}
    engines: {node: '>=6.9.0'}
    dev: true

  /@babel/plugin-syntax-jsx/7.18.6_@babel+core@7.20.5:
    resolution: {integrity: sha512-6mmljtAedFGTWu2p/8WIORGwy+61PLgOMPOdazc7YoJ9ZCWUyFy3A6CpPkRKLKD1ToAesxX8KGEViAiLo9N+7Q==}
    peerDependencies:
      '@babel/core': ^7.0.0-0
    dependencies:
      '@babel/core': 7.20.5
      '@babel/helper-plugin-utils': 7.20.2
    dev: true

  /js-tokens/4.0.0:
    resolution: {integrity: sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==}
    dev: false

  /styled-jsx/5.0.7_react@18.2.0:
    resolution: {integrity: sha512-b3sUzamS086YLRuvnaDigdAewz1/EFYlHpYBP5mZovKEdQQOIIYq8lApylub3HHZ6xFjV051kkGU7cudJmrXEA==}
    engines: {node: '>= 12.0.0'}
    peerDependencies:
      react: '>= 16.8.0 || 17.x.x || ^18.0.0-0'
    dependencies:
      react: 18.2.0
    dev: false

  github.com/user/repo/0123456789abcdef:
    resolution: {tarball: https://codeload.github.com/user/repo/tar.gz/0123456789abcdef}
    name: forked-lib
    version: 2.1.0
    dev: false
"#;

    const V6: &str = r#"lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  '@tanstack/react-query':
    specifier: ^5.0.0
    version: 5.8.4(react@18.2.0)

packages:

  /@tanstack/query-core@5.8.3:
    resolution: {integrity: sha512-SWFMFtcHfttLYif6pevnnMYnBvxKf3C+MHMH7bevyYfpXpTMsLB9O6nQuBZZK3ObiwE8NH3lJnB+Bl6ZPuhaqA==}
    dev: false

  /@tanstack/react-query@5.8.4(react@18.2.0):
    resolution: {integrity: sha512-CD+AkXzg8J72JrE6ocmuBEJfGzEzu/bzkD6sFXFDDB5yji9N20JofXZlN6n0+CaPJuIHjr4eDLXr3sNmyH2GbQ==}
    peerDependencies:
      react: ^18.0.0
    dependencies:
      '@tanstack/query-core': 5.8.3
      react: 18.2.0
    dev: false

  /@tanstack/react-query@5.8.4(react@18.3.0):
    resolution: {integrity: sha512-CD+AkXzg8J72JrE6ocmuBEJfGzEzu/bzkD6sFXFDDB5yji9N20JofXZlN6n0+CaPJuIHjr4eDLXr3sNmyH2GbQ==}
    dependencies:
      '@tanstack/query-core': 5.8.3
      react: 18.3.0
    dev: false

  /react@18.2.0:
    resolution: {integrity: sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==}
    engines: {node: '>=0.10.0'}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  '@acme/local@file:vendor/acme-local':
    resolution: {directory: vendor/acme-local, type: directory}
    name: '@acme/local'
    version: file:vendor/acme-local
    dev: false
"#;

    const V9: &str = r#"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      express:
        specifier: ^4.19.2
        version: 4.19.2
      ui:
        specifier: workspace:*
        version: link:packages/ui

packages:

  '@types/node@20.12.7':
    resolution: {integrity: sha512-wq0cICSkRLVaf3UGLMGItu/PtdY7oaXaI/RVU+xliKVOtRna3PRY57ZDfztpDL0n11vfymMUnXv8QwYCO7L1wg==}

  express@4.19.2:
    resolution: {integrity: sha512-5T6nhjsT+EOMzuck8JjBHARTHfMht0POzlA60WV2pMD3gyXw2LZnZ+ueGdNxG+0calOJcWKbpFcuzLZ91YWq9Q==}
    engines: {node: '>= 0.10.0'}

  ms@2.0.0:
    resolution: {integrity: sha512-Tpp60P6IUJDTuOq/5Z8cdskzJujfwqfOTkrwIwj7IRISpnkJnT6SyJ4PCPnGMoFjC9ddhal5KVIYtAt97ix05A==}

snapshots:

  '@types/node@20.12.7':
    dependencies:
      undici-types: 5.26.5

  express@4.19.2:
    dependencies:
      ms: 2.0.0
      '@types/node': 20.12.7

  ms@2.0.0: {}
"#;

    fn pairs(p: &Parsed) -> Vec<(&str, &str)> {
        p.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    #[test]
    fn v5() {
        assert!(PnpmLock.wants("app/pnpm-lock.yaml"));
        assert!(!PnpmLock.wants("app/pnpm-lock.yml"));
        let p = PnpmLock.parse("pnpm-lock.yaml", V5.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@babel/helper-plugin-utils", "7.20.2"),
                ("@babel/plugin-syntax-jsx", "7.18.6"),
                ("js-tokens", "4.0.0"),
                ("styled-jsx", "5.0.7"),
                ("forked-lib", "2.1.0"),
            ]
        );
        assert_eq!(
            p.packages[1].dependencies,
            ["@babel/core", "@babel/helper-plugin-utils"]
        );
    }

    #[test]
    fn v6() {
        let p = PnpmLock.parse("pnpm-lock.yaml", V6.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@tanstack/query-core", "5.8.3"),
                ("@tanstack/react-query", "5.8.4"),
                ("react", "18.2.0"),
            ]
        );
        assert_eq!(
            p.packages[1].dependencies,
            ["@tanstack/query-core", "react"]
        );
        assert_eq!(
            p.packages[1].purl(None),
            "pkg:npm/%40tanstack/react-query@5.8.4"
        );
    }

    #[test]
    fn v9() {
        let p = PnpmLock.parse("pnpm-lock.yaml", V9.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            pairs(&p),
            [
                ("@types/node", "20.12.7"),
                ("express", "4.19.2"),
                ("ms", "2.0.0"),
            ]
        );
        assert_eq!(p.packages[0].dependencies, ["undici-types"]);
        assert_eq!(p.packages[1].dependencies, ["ms", "@types/node"]);
    }

    #[test]
    fn keys() {
        assert_eq!(parse_key("/a/1.0.0", Some(5)), Some(("a", "1.0.0")));
        assert_eq!(
            parse_key("string_decoder@1.3.0", Some(9)),
            Some(("string_decoder", "1.3.0"))
        );
        assert_eq!(
            parse_key("/react-dom/18.2.0_react@18.2.0", None),
            Some(("react-dom", "18.2.0"))
        );
        assert_eq!(
            parse_key("/@s/a/1.0.0_@s+b@2.0.0", Some(5)),
            Some(("@s/a", "1.0.0"))
        );
        assert_eq!(
            parse_key("/@s/a@1.0.0(@s/b@2.0.0)(c@3.0.0)", Some(6)),
            Some(("@s/a", "1.0.0"))
        );
        assert_eq!(parse_key("a@1.0.0", None), Some(("a", "1.0.0")));
        assert_eq!(parse_key("/a/1.0.0", None), Some(("a", "1.0.0")));
        assert_eq!(parse_key("/@s", Some(5)), None);
        assert_eq!(parse_key("@", Some(9)), None);
        assert_eq!(parse_key("", None), None);
    }

    #[test]
    fn garbage() {
        let p = PnpmLock.parse(
            "pnpm-lock.yaml",
            b"lockfileVersion: banana\npackages:\n  /nothing-here:\n    dev: true\n  junk line\n  '\xff\xfe':\n  /ok@1.0.0:\n    dev: false\n    dependencies:\n",
        );
        assert_eq!(pairs(&p), [("ok", "1.0.0")]);
        assert_eq!(p.warnings.len(), 4, "{:?}", p.warnings);
        let truncated = &V6[..V6.find("/react@18.2.0").unwrap() + 4];
        let p = PnpmLock.parse("pnpm-lock.yaml", truncated.as_bytes());
        assert_eq!(p.packages.len(), 2);
        let junk = "packages:\n".to_string() + &"  x\n".repeat(1000);
        let p = PnpmLock.parse("pnpm-lock.yaml", junk.as_bytes());
        assert_eq!(p.warnings.len(), MAX_WARNINGS + 1);
    }
}
