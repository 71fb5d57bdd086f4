//! Bundler lockfiles (`Gemfile.lock`).
//!
//! In the `GEM` section (and `GIT`, `PATH` and `PLUGIN SOURCE`, as syft reads them), the lines
//! after `  specs:` indented by four spaces are gems, `name (version)`; lines indented by six
//! spaces under a gem are its dependencies (`name (~> 1.4)` or `name`). A platform suffix is
//! not part of the version: `nokogiri (1.16.0-x86_64-linux)` is nokogiri 1.16.0 (RubyGems
//! versions contain no `-`); the same gem locked for several platforms is one package.
//! Lockfiles record no licences.

use std::collections::{HashMap, HashSet};

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct GemfileLock;

const SECTIONS: &[&str] = &["GEM", "GIT", "PATH", "PLUGIN SOURCE"];

/// Malformed lines reported per file before the rest are only counted.
const MAX_WARNINGS: usize = 20;

impl Cataloger for GemfileLock {
    fn name(&self) -> &'static str {
        "ruby-gemfile-lock"
    }

    fn wants(&self, path: &str) -> bool {
        matches!(file_name(path), "Gemfile.lock" | "gems.locked")
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let mut parsed = Parsed::default();
        // (name, version) → index in parsed.packages.
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        let mut deps_seen: HashSet<(usize, String)> = HashSet::new();
        let mut in_section = false;
        let mut in_specs = false;
        let mut current: Option<usize> = None;
        let mut bad = 0usize;
        for (i, line) in text.lines().enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let indent = line.len() - line.trim_start_matches(' ').len();
            if indent == 0 {
                in_section = SECTIONS.contains(&line.trim_end());
                in_specs = false;
                current = None;
                continue;
            }
            if !in_section {
                continue;
            }
            if indent == 2 {
                in_specs = line.trim_end() == "  specs:";
                current = None;
                continue;
            }
            if !in_specs {
                continue;
            }
            let entry = name_and_version(line.trim());
            match (indent, entry) {
                (4, Some((name, Some(version)))) => {
                    let version = version.split('-').next().unwrap_or(version);
                    let key = (name.to_string(), version.to_string());
                    let at = *index.entry(key).or_insert_with(|| {
                        parsed
                            .packages
                            .push(Package::new(Ecosystem::Gem, name, version));
                        parsed.packages.len() - 1
                    });
                    current = Some(at);
                }
                (6, Some((name, _))) => {
                    if let Some(at) = current
                        && deps_seen.insert((at, name.to_string()))
                        && let Some(p) = parsed.packages.get_mut(at)
                    {
                        p.dependencies.push(name.to_string());
                    }
                }
                _ => {
                    bad += 1;
                    if bad <= MAX_WARNINGS {
                        parsed.warn(path, Some(number), "not a `name (version)` spec line");
                    }
                }
            }
        }
        if bad > MAX_WARNINGS {
            parsed.warn(
                path,
                None,
                format!("{} more malformed spec lines", bad - MAX_WARNINGS),
            );
        }
        parsed
    }
}

/// `name (version)` or `name`; the name is one word.
fn name_and_version(s: &str) -> Option<(&str, Option<&str>)> {
    let (name, rest) = match s.split_once(' ') {
        Some((n, r)) => (n, Some(r.trim())),
        None => (s, None),
    };
    let name = name.trim_end_matches('!');
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return None;
    }
    match rest {
        None => Some((name, None)),
        Some(r) => {
            let v = r.strip_prefix('(')?.strip_suffix(')')?.trim();
            (!v.is_empty()).then_some((name, Some(v)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "GIT
  remote: https://github.com/rails/sprockets.git
  revision: 2cb8f4c3e9a5b9a6d7c1f0e3a0b2c1d4e5f60718
  branch: main
  specs:
    sprockets (4.2.1)
      concurrent-ruby (~> 1.0)
      rack (>= 2.2.4, < 4)

GEM
  remote: https://rubygems.org/
  specs:
    actionpack (7.1.3)
      nokogiri (>= 1.8.5)
      rack (>= 2.2.4)
    concurrent-ruby (1.2.3)
    mini_portile2 (2.8.5)
    nokogiri (1.16.0-aarch64-linux)
      racc (~> 1.4)
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    rack (3.0.9)
    racc (1.7.3)

PLATFORMS
  aarch64-linux
  x86_64-linux

DEPENDENCIES
  actionpack (~> 7.1)
  nokogiri
  sprockets!

BUNDLED WITH
   2.5.3
";

    #[test]
    fn gems_and_dependencies() {
        let c = GemfileLock;
        assert!(c.wants("app/Gemfile.lock"));
        assert!(!c.wants("app/Gemfile"));
        let p = c.parse("app/Gemfile.lock", LOCK.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("sprockets", "4.2.1"),
                ("actionpack", "7.1.3"),
                ("concurrent-ruby", "1.2.3"),
                ("mini_portile2", "2.8.5"),
                ("nokogiri", "1.16.0"),
                ("rack", "3.0.9"),
                ("racc", "1.7.3"),
            ]
        );
        assert_eq!(p.packages[0].dependencies, vec!["concurrent-ruby", "rack"]);
        assert_eq!(p.packages[1].dependencies, vec!["nokogiri", "rack"]);
        assert_eq!(p.packages[4].dependencies, vec!["racc"]);
        assert!(p.packages.iter().all(|p| p.ecosystem == Ecosystem::Gem));
    }

    #[test]
    fn garbage_warns() {
        let text = "GEM\r\n  specs:\r\n    rack (3.0.9)\r\n    broken (\r\n    ??? (1)\r\n    rake (13\r\n\x00\x01";
        let p = GemfileLock.parse("Gemfile.lock", text.as_bytes());
        let got: Vec<_> = p.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(got, vec!["rack"]);
        assert_eq!(p.warnings.len(), 3);
        let many = format!("GEM\n  specs:\n{}", "    ((((\n".repeat(500));
        let p = GemfileLock.parse("Gemfile.lock", many.as_bytes());
        assert_eq!(p.warnings.len(), MAX_WARNINGS + 1);
        let p = GemfileLock.parse("Gemfile.lock", b"\xff\xfe\xfd");
        assert!(p.packages.is_empty());
    }
}
