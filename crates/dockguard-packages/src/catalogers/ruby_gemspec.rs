//! Installed gem specifications (`**/specifications/**/*.gemspec`: `usr/local/bundle/
//! specifications/rake-13.1.0.gemspec`, default gems under `specifications/default/`).
//!
//! These are the Ruby files RubyGems writes, read line by line without evaluating anything:
//! `s.name = "x".freeze`, `s.version = "1.2"`, `s.licenses = ["MIT".freeze]` (or
//! `s.license = "MIT"`), with any receiver name (`spec.name`) and string literals in `"…"`,
//! `'…'`, `%q<…>` (and `{}`, `()`, `[]`) or `%w[…]` form. Without `s.name` / `s.version`, the
//! `# stub: name version platform` comment RubyGems writes first is used. Dependencies: the
//! first string of each `add_runtime_dependency` / `add_dependency` call (development
//! dependencies are not).

use std::collections::HashSet;

use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct Gemspec;

impl Cataloger for Gemspec {
    fn name(&self) -> &'static str {
        "ruby-installed-gemspec"
    }

    fn wants(&self, path: &str) -> bool {
        path.ends_with(".gemspec")
            && (path.starts_with("specifications/") || path.contains("/specifications/"))
    }

    fn max_size(&self) -> u64 {
        4 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let mut parsed = Parsed::default();
        let mut name: Option<String> = None;
        let mut version: Option<String> = None;
        let mut stub: Option<(String, String)> = None;
        let mut licenses: Vec<String> = Vec::new();
        let mut dependencies: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("# stub:") {
                let mut words = rest.split_whitespace();
                if let (Some(n), Some(v)) = (words.next(), words.next()) {
                    stub = Some((n.to_string(), v.to_string()));
                }
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            if let Some((attr, expr)) = assignment(line) {
                let values = literals(expr);
                match attr {
                    "name" if name.is_none() => name = values.into_iter().next(),
                    "version" if version.is_none() => version = values.into_iter().next(),
                    "license" | "licenses" => {
                        for l in values {
                            if !licenses.contains(&l) {
                                licenses.push(l);
                            }
                        }
                    }
                    _ => {}
                }
                continue;
            }
            for call in [".add_runtime_dependency", ".add_dependency"] {
                if let Some((_, args)) = line.split_once(call)
                    && args.starts_with(['(', ' '])
                    && let Some(dep) = literals(args).into_iter().next()
                {
                    if seen.insert(dep.clone()) {
                        dependencies.push(dep);
                    }
                    break;
                }
            }
        }
        let (name, version) = match (name, version, stub) {
            (Some(n), Some(v), _) => (n, v),
            (n, v, Some((sn, sv))) => (n.unwrap_or(sn), v.unwrap_or(sv)),
            _ => {
                parsed.warn(path, None, "no gem name and version found");
                return parsed;
            }
        };
        if name.is_empty() || version.is_empty() {
            parsed.warn(path, None, "empty gem name or version");
            return parsed;
        }
        let mut package = Package::new(Ecosystem::Gem, name, version);
        package.licenses = licenses;
        package.dependencies = dependencies;
        parsed.packages.push(package);
        parsed
    }
}

/// `<receiver>.<attr> = <expr>` → (attr, expr).
fn assignment(line: &str) -> Option<(&str, &str)> {
    let (lhs, rhs) = line.split_once('=')?;
    if rhs.starts_with(['=', '~']) {
        return None;
    }
    let (receiver, attr) = lhs.trim().split_once('.')?;
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (word(receiver) && word(attr)).then_some((attr, rhs.trim()))
}

/// The string literals of a Ruby expression, in order.
fn literals(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut s = String::new();
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                s.push(e);
                            }
                        }
                        _ if d == c => break,
                        _ => s.push(d),
                    }
                }
                out.push(s);
            }
            '%' => {
                let kind = chars.next_if(|k| matches!(k, 'q' | 'Q' | 'w' | 'W'));
                let Some(open) = chars.next_if(|o| matches!(o, '<' | '{' | '(' | '[')) else {
                    continue;
                };
                let close = match open {
                    '<' => '>',
                    '{' => '}',
                    '(' => ')',
                    _ => ']',
                };
                let body: String = chars.by_ref().take_while(|d| *d != close).collect();
                if matches!(kind, Some('w' | 'W')) {
                    out.extend(body.split_whitespace().map(str::to_string));
                } else {
                    out.push(body);
                }
            }
            '#' => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOKOGIRI: &str = r#"# -*- encoding: utf-8 -*-
# stub: nokogiri 1.16.0 x86_64-linux lib

Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = "1.16.0".freeze
  s.platform = "x86_64-linux".freeze

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://github.com/sparklemotion/nokogiri/issues", "rubygems_mfa_required" => "true" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Mike Dalessio".freeze, "Aaron Patterson".freeze]
  s.date = "2023-12-27"
  s.licenses = ["MIT".freeze]
  s.rubygems_version = "3.5.3".freeze
  s.summary = "Nokogiri (\u92F8) makes it easy and painless to work with XML and HTML from Ruby.".freeze

  s.installed_by_version = "3.5.3".freeze if s.respond_to? :installed_by_version

  s.specification_version = 4

  s.add_runtime_dependency(%q<racc>.freeze, ["~> 1.4".freeze])
  s.add_development_dependency(%q<rake>.freeze, [">= 0"])
end
"#;

    #[test]
    fn installed_gemspec() {
        let c = Gemspec;
        assert!(c.wants("usr/local/bundle/specifications/nokogiri-1.16.0-x86_64-linux.gemspec"));
        assert!(c.wants("usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"));
        assert!(!c.wants("app/nokogiri.gemspec"));
        let p = c.parse(
            "usr/local/bundle/specifications/nokogiri-1.16.0-x86_64-linux.gemspec",
            NOKOGIRI.as_bytes(),
        );
        assert!(p.warnings.is_empty());
        let pkg = &p.packages[0];
        assert_eq!(
            (pkg.name.as_str(), pkg.version.as_str()),
            ("nokogiri", "1.16.0")
        );
        assert_eq!(pkg.licenses, vec!["MIT"]);
        assert_eq!(pkg.dependencies, vec!["racc"]);
        assert_eq!(pkg.ecosystem, Ecosystem::Gem);
    }

    #[test]
    fn older_forms() {
        let text = "# stub: rake 13.0.6 ruby lib\nGem::Specification.new do |spec|\n  spec.name = 'rake'\n  spec.version = '13.0.6'\n  spec.license = 'MIT'\n  spec.licenses = %w[MIT Ruby]\n  if s.respond_to? :specification_version then\n    s.add_runtime_dependency(%q<minitest>, [\">= 5\"])\n  else\n    s.add_dependency(%q<minitest>, [\">= 5\"])\n    s.add_dependency \"json\"\n  end\nend\n";
        let p = Gemspec.parse("specifications/rake-13.0.6.gemspec", text.as_bytes());
        let pkg = &p.packages[0];
        assert_eq!(
            (pkg.name.as_str(), pkg.version.as_str()),
            ("rake", "13.0.6")
        );
        assert_eq!(pkg.licenses, vec!["MIT", "Ruby"]);
        assert_eq!(pkg.dependencies, vec!["minitest", "json"]);
        // Only the stub comment.
        let p = Gemspec.parse(
            "specifications/x.gemspec",
            b"# stub: bundler 2.5.3 ruby lib\n",
        );
        assert_eq!(p.packages[0].version, "2.5.3");
    }

    #[test]
    fn garbage_warns() {
        let p = Gemspec.parse(
            "specifications/x.gemspec",
            b"\xff\xfe\x00 s.name = \"unterminated",
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = Gemspec.parse(
            "specifications/x.gemspec",
            b"s.name = %q<\ns.version = %\ns.licenses = [\"",
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = Gemspec.parse(
            "specifications/x.gemspec",
            b"s.name = \"\"\ns.version = \"1\"",
        );
        assert_eq!(p.warnings.len(), 1);
    }
}
