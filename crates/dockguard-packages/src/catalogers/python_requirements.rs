//! pip requirements files (`requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`:
//! any `*requirements*.txt`, syft's glob).
//!
//! Only exactly pinned requirements are packages: `name==version` (or `===`), with the name as
//! written (syft keeps it; duplicates are compared case-insensitively with `-`, `_` and `.`
//! alike, PEP 503). Extras (`name[socks]==1`), environment markers (`; python_version<"3.8"`),
//! trailing options (`--hash=…`), comments and `\` line continuations are stripped. Option lines
//! (`-r other.txt`, `-e .`, `--index-url …`), URLs, paths and direct references (`name @ url`)
//! are not packages, nor are ranges (`name>=1`) or wildcards (`name==1.*`). Requirements files
//! record neither licences nor dependencies.

use std::collections::HashSet;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct PythonRequirements;

/// Warnings reported per file before the rest are only counted.
const MAX_WARNINGS: usize = 20;

impl Cataloger for PythonRequirements {
    fn name(&self) -> &'static str {
        "python-requirements"
    }

    fn wants(&self, path: &str) -> bool {
        let name = file_name(path);
        name.ends_with(".txt") && name.contains("requirements")
    }

    fn max_size(&self) -> u64 {
        8 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let text = String::from_utf8_lossy(content);
        let mut parsed = Parsed::default();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut bad = 0usize;
        for (number, line) in logical_lines(&text) {
            match requirement(&line) {
                Line::Pinned(name, version) => {
                    if seen.insert((normalise(name), version.to_string())) {
                        parsed
                            .packages
                            .push(Package::new(Ecosystem::Pypi, name, version));
                    }
                }
                Line::Other => {}
                Line::Invalid => {
                    bad += 1;
                    if bad <= MAX_WARNINGS {
                        parsed.warn(path, Some(number), "not a requirement line");
                    }
                }
            }
        }
        if bad > MAX_WARNINGS {
            parsed.warn(
                path,
                None,
                format!("{} more lines were not requirements", bad - MAX_WARNINGS),
            );
        }
        parsed
    }
}

/// PEP 503 normalised name, for comparisons only.
fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Lines with `\` continuations joined and comments removed, each with its first line number.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0u32;
    for (i, raw) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if current.is_empty() {
            start = number;
        }
        let line = strip_comment(raw.trim_end_matches('\r'));
        if let Some(head) = line.trim_end().strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let joined = current.trim();
        if !joined.is_empty() {
            out.push((start, joined.to_string()));
        }
        current.clear();
    }
    let rest = current.trim();
    if !rest.is_empty() {
        out.push((start, rest.to_string()));
    }
    out
}

/// A `#` at the start or after whitespace begins a comment (`#egg=` in URLs does not).
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return line.get(..i).unwrap_or("");
        }
        prev_space = c.is_whitespace();
    }
    line
}

enum Line<'a> {
    Pinned(&'a str, &'a str),
    /// An option, URL, path or unpinned requirement.
    Other,
    Invalid,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn requirement(line: &str) -> Line<'_> {
    let line = line.trim();
    if line.starts_with('-')
        || line.starts_with('.')
        || line.starts_with('/')
        || line.contains("://")
        || line.starts_with("git+")
        || line.starts_with("file:")
    {
        return Line::Other;
    }
    // Markers, then per-requirement options (`--hash=…`).
    let line = line.split(';').next().unwrap_or("");
    let line = match line.find(" -").or_else(|| line.find("\t-")) {
        Some(i) => line.get(..i).unwrap_or(""),
        None => line,
    };
    let end = line.find(|c: char| !is_name_char(c)).unwrap_or(line.len());
    let (name, rest) = line.split_at(end);
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Line::Invalid;
    }
    let mut rest = rest.trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let Some((_, after)) = extras.split_once(']') else {
            return Line::Invalid;
        };
        rest = after.trim_start();
    }
    let version = if let Some(v) = rest.strip_prefix("===") {
        v
    } else if let Some(v) = rest.strip_prefix("==") {
        v
    } else if rest.is_empty()
        || rest.starts_with('@')
        || rest.starts_with(['<', '>', '~', '!', '=', '(', ','])
    {
        return Line::Other;
    } else {
        return Line::Invalid;
    };
    let version = version.trim();
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!' | '_' | '-'))
    {
        // `==1.*`, `==1.0,!=1.0.1`: not one version.
        return Line::Other;
    }
    Line::Pinned(name, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &Parsed) -> Vec<(String, String)> {
        p.packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect()
    }

    #[test]
    fn wants_requirement_files() {
        let c = PythonRequirements;
        assert!(c.wants("app/requirements.txt"));
        assert!(c.wants("requirements-dev.txt"));
        assert!(c.wants("app/dev-requirements.txt"));
        assert!(!c.wants("app/requirements.in"));
        assert!(!c.wants("app/notes.txt"));
    }

    #[test]
    fn pinned_requirements() {
        let text = r#"# This file is autogenerated by pip-compile
-r base.txt
-e .
--index-url https://pypi.org/simple
-c constraints.txt
Flask==3.0.2
requests[socks,security]==2.31.0  # via -r requirements.in
importlib-metadata==6.8.0 ; python_version < "3.10"
urllib3 == 2.2.1
certifi==2024.2.2 \
    --hash=sha256:0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f \
    --hash=sha256:dc383c07b76109f368f6106eee2b593b04a011ea4d55f652c6ca24a754d1cdd1
    # via requests
zipp===3.17.0
flask==3.0.2
numpy>=1.26
pandas
scipy==1.*
torch @ https://download.pytorch.org/whl/cpu/torch-2.2.0%2Bcpu-cp311-cp311-linux_x86_64.whl
git+https://github.com/psf/black.git#egg=black
./vendor/mylib
Django==4.2.11;python_version>="3.8"
"#;
        let p = PythonRequirements.parse("app/requirements.txt", text.as_bytes());
        assert_eq!(
            names(&p),
            vec![
                ("Flask".into(), "3.0.2".into()),
                ("requests".into(), "2.31.0".into()),
                ("importlib-metadata".into(), "6.8.0".into()),
                ("urllib3".into(), "2.2.1".into()),
                ("certifi".into(), "2024.2.2".into()),
                ("zipp".into(), "3.17.0".into()),
                ("Django".into(), "4.2.11".into()),
            ]
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert!(p.packages.iter().all(|p| p.ecosystem == Ecosystem::Pypi));
    }

    #[test]
    fn garbage_warns() {
        let mut bytes = b"\xff\xfe\x00garbage ?? line\nok==1.0\n[broken\nreq[extra==1\n".to_vec();
        bytes.extend(
            std::iter::repeat_n(b'%', 10)
                .chain(*b"\n")
                .cycle()
                .take(11 * 50),
        );
        let p = PythonRequirements.parse("requirements.txt", &bytes);
        assert_eq!(names(&p), vec![("ok".into(), "1.0".into())]);
        // 20 line warnings and one summary.
        assert_eq!(p.warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(p.warnings[0].line, Some(1));
        let p = PythonRequirements.parse("requirements.txt", b"flask==\\");
        assert!(p.packages.is_empty());
    }
}
