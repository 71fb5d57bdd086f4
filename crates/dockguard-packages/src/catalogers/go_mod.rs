//! Go modules from `go.mod`: the main module's requirements.
//!
//! `require` directives (single lines and `( … )` blocks) give `module/path v1.2.3`; indirect
//! requirements (`// indirect`) are kept, as syft and Trivy do. `replace` directives are then
//! applied: `old [version] => new version` reports the replacement's path and version in place
//! of the requirement (only for the replaced version when one is given); a replacement by a
//! local directory (`=> ../fork`) is dropped, since it is source in the tree and has no module
//! version. `exclude` directives remove the excluded versions. The main module (`module`) is
//! not reported. Versions are kept as written (`v1.2.3`, pseudo-versions, `+incompatible`).
//! `go.mod` files inside Go's module cache (`pkg/mod/`) are not read: they are the
//! dependencies' own manifests.

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct GoMod;

impl Cataloger for GoMod {
    fn name(&self) -> &'static str {
        "go-mod"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "go.mod" && !path.starts_with("pkg/mod/") && !path.contains("/pkg/mod/")
    }

    fn max_size(&self) -> u64 {
        8 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let text = String::from_utf8_lossy(content);
        let mut main_module: Option<String> = None;
        // (path, version)
        let mut requires: Vec<(String, String)> = Vec::new();
        // (old path, old version, new path, new version)
        let mut replaces: Vec<(String, Option<String>, String, Option<String>)> = Vec::new();
        let mut excludes: Vec<(String, String)> = Vec::new();
        let mut block: Option<String> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let code = strip_comment(raw).trim();
            if code.is_empty() {
                continue;
            }
            let (verb, args) = match &block {
                Some(verb) => {
                    if code == ")" {
                        block = None;
                        continue;
                    }
                    (verb.clone(), code)
                }
                None => {
                    let (verb, rest) = code
                        .split_once(|c: char| c.is_whitespace() || c == '(')
                        .map(|(v, _)| (v, code.get(v.len()..).unwrap_or("")))
                        .unwrap_or((code, ""));
                    let rest = rest.trim();
                    if rest == "(" {
                        block = Some(verb.to_string());
                        continue;
                    }
                    if let Some(inner) = rest.strip_prefix('(') {
                        // `require ( a v1 )` on one line
                        let inner = inner.trim();
                        let inner = inner.strip_suffix(')').unwrap_or(inner);
                        (verb.to_string(), inner.trim())
                    } else {
                        (verb.to_string(), rest)
                    }
                }
            };
            let words = split_words(args);
            match verb.as_str() {
                "module" => main_module = words.first().cloned(),
                "require" => match words.as_slice() {
                    [m, v] if v.starts_with('v') => requires.push((m.clone(), v.clone())),
                    _ => parsed.warn(path, Some(line_no), "malformed require directive"),
                },
                "exclude" => match words.as_slice() {
                    [m, v] => excludes.push((m.clone(), v.clone())),
                    _ => parsed.warn(path, Some(line_no), "malformed exclude directive"),
                },
                "replace" => {
                    let Some(arrow) = words.iter().position(|w| w == "=>") else {
                        parsed.warn(path, Some(line_no), "replace directive without `=>`");
                        continue;
                    };
                    let (old, new) = words.split_at(arrow);
                    let new = new.get(1..).unwrap_or(&[]);
                    match (old, new) {
                        ([o], [n]) => replaces.push((o.clone(), None, n.clone(), None)),
                        ([o], [n, nv]) => {
                            replaces.push((o.clone(), None, n.clone(), Some(nv.clone())))
                        }
                        ([o, ov], [n]) => {
                            replaces.push((o.clone(), Some(ov.clone()), n.clone(), None))
                        }
                        ([o, ov], [n, nv]) => replaces.push((
                            o.clone(),
                            Some(ov.clone()),
                            n.clone(),
                            Some(nv.clone()),
                        )),
                        _ => parsed.warn(path, Some(line_no), "malformed replace directive"),
                    }
                }
                // go, toolchain, retract, godebug, tool, ignore: nothing to inventory.
                _ => {}
            }
        }
        if block.is_some() {
            parsed.warn(path, None, "unterminated ( … ) block at end of go.mod");
        }
        for (module, version) in requires {
            if main_module.as_deref() == Some(module.as_str()) {
                continue;
            }
            if excludes.iter().any(|(m, v)| *m == module && *v == version) {
                continue;
            }
            // A replacement of this exact version wins over one of every version.
            let replace = replaces
                .iter()
                .find(|(o, ov, _, _)| *o == module && ov.as_deref() == Some(version.as_str()))
                .or_else(|| {
                    replaces
                        .iter()
                        .find(|(o, ov, _, _)| *o == module && ov.is_none())
                });
            let (name, version) = match replace {
                Some((_, _, new, Some(new_version))) => (new.clone(), new_version.clone()),
                // `=> ./local` (or a malformed module replacement without version)
                Some((_, _, _, None)) => continue,
                None => (module, version),
            };
            if parsed
                .packages
                .iter()
                .any(|p| p.name == name && p.version == version)
            {
                continue;
            }
            parsed
                .packages
                .push(Package::new(Ecosystem::Golang, name, version));
        }
        parsed
    }
}

/// The line without its `//` comment (outside quoted strings).
fn strip_comment(line: &str) -> &str {
    let mut in_quote: Option<char> = None;
    let bytes = line.as_bytes();
    for (i, c) in line.char_indices() {
        match in_quote {
            Some(q) if c == q => in_quote = None,
            Some(_) => {}
            None if c == '"' || c == '`' => in_quote = Some(c),
            None if c == '/' && bytes.get(i + 1) == Some(&b'/') => {
                return line.get(..i).unwrap_or(line);
            }
            None => {}
        }
    }
    line
}

/// Whitespace-separated words, `"quoted"` and `` `raw` `` strings unquoted.
fn split_words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| {
            w.strip_prefix('"')
                .and_then(|w| w.strip_suffix('"'))
                .or_else(|| w.strip_prefix('`').and_then(|w| w.strip_suffix('`')))
                .unwrap_or(w)
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_MOD: &str = r#"module github.com/example/service

go 1.22.0

toolchain go1.22.5

require (
	github.com/gin-gonic/gin v1.10.0
	github.com/google/uuid v1.6.0
	golang.org/x/net v0.25.0 // indirect
	github.com/old/lib v1.0.0
	github.com/local/fork v0.3.0
	github.com/pinned/only v1.1.0
	github.com/example/service v0.0.0
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

require github.com/pkg/errors v0.9.1

require (
	github.com/sirupsen/logrus v1.9.3
)

exclude github.com/google/uuid v1.6.0

replace github.com/old/lib => github.com/new/lib v1.2.0

replace (
	github.com/local/fork => ../fork
	github.com/pinned/only v1.0.0 => github.com/other/only v1.0.1
)

retract [v1.0.0, v1.0.5] // bad releases
"#;

    #[test]
    fn requirements_with_replace_and_exclude() {
        assert!(GoMod.wants("src/app/go.mod"));
        assert!(GoMod.wants("go.mod"));
        assert!(!GoMod.wants("root/go/pkg/mod/github.com/pkg/errors@v0.9.1/go.mod"));
        assert!(!GoMod.wants("go.sum"));
        let p = GoMod.parse("go.mod", GO_MOD.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("github.com/gin-gonic/gin", "v1.10.0"),
                ("golang.org/x/net", "v0.25.0"),
                ("github.com/new/lib", "v1.2.0"),
                ("github.com/pinned/only", "v1.1.0"),
                ("gopkg.in/yaml.v3", "v3.0.1"),
                ("github.com/pkg/errors", "v0.9.1"),
                ("github.com/sirupsen/logrus", "v1.9.3"),
            ]
        );
        assert!(p.packages.iter().all(|p| p.ecosystem == Ecosystem::Golang));
    }

    #[test]
    fn quoted_paths_and_one_line_blocks() {
        let p = GoMod.parse(
            "go.mod",
            b"module \"example.com/m\"\nrequire ( \"example.com/a\" v1.0.0 )\nrequire example.com/b v2.0.0+incompatible // a // comment\n",
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("example.com/a", "v1.0.0"),
                ("example.com/b", "v2.0.0+incompatible")
            ]
        );
    }

    #[test]
    fn garbage() {
        let p = GoMod.parse(
            "go.mod",
            b"module x\nrequire (\n\tgood.example/a v1.0.0\n\tbroken\n\xff\xfe only\nreplace a b c d e\n",
        );
        assert_eq!(p.packages.len(), 1);
        assert!(p.warnings.len() >= 2, "{:?}", p.warnings);
        let p = GoMod.parse("go.mod", b"replace x v1 =>\nrequire\n((((\n");
        assert!(p.packages.is_empty());
        assert!(!p.warnings.is_empty());
    }
}
