//! `.dockguard.toml`: parsing with positions, validation and merging of several layers.
//!
//! Layers, weakest first: the user-level file, then every `.dockguard.toml` from the repository root
//! down to the scanned path, then command-line flags. A later layer wins for scalars; lists add up,
//! except that a later `enable`/`disable` of a code overrides an earlier opposite choice.

use crate::finding::Severity;
use crate::position::LineIndex;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = ".dockguard.toml";

/// A configuration problem, always tied to a file and a position so users can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The format a required label's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelFormat {
    Text,
    Url,
    Semver,
    Hash,
    Rfc3339,
    Spdx,
    Email,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    trusted_registries: Option<Vec<String>>,
    required_labels: Option<Vec<RawLabel>>,
    exclude: Option<Vec<Spanned<String>>>,
    disable_ignore_pragmas: Option<bool>,
    hadolint_compat: Option<bool>,
    rules: Option<RawRules>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
    vuln: Option<RawVuln>,
}

/// `[vuln]`: settings of `dockguard vuln`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawVuln {
    #[serde(default)]
    ignore: Vec<Spanned<RawVulnIgnore>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVulnIgnore {
    id: Spanned<String>,
    package: Option<Spanned<String>>,
    reason: Spanned<String>,
    expires: Option<Spanned<RawDate>>,
}

/// A date as a TOML date (`2027-01-31`) or a string (`"2027-01-31"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDate {
    Date(toml::value::Datetime),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawLabel {
    Name(String),
    WithFormat {
        name: String,
        format: Option<LabelFormat>,
    },
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    enable: Vec<Spanned<String>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
}

/// A required label and, optionally, the format its value must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredLabel {
    pub name: String,
    pub format: Option<LabelFormat>,
}

/// Findings of `rules` (all rules when empty) are dropped for files matching `paths`.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    /// Directory the globs are relative to (the config file's folder).
    pub base: PathBuf,
    pub globs: GlobSet,
    pub rules: BTreeSet<String>,
}

impl PathIgnore {
    pub fn matches(&self, file: &Path, code: &str) -> bool {
        let relative = file.strip_prefix(&self.base).unwrap_or(file);
        (self.rules.is_empty() || self.rules.contains(code)) && self.globs.is_match(relative)
    }
}

/// A `[vuln]` ignore entry: findings of vulnerability `id` (or one of its aliases), of
/// `package` only when given, are accepted for `reason` until `expires` (`YYYY-MM-DD` as written;
/// `dockguard vuln` parses and checks it).
#[derive(Debug, Clone)]
pub struct VulnIgnore {
    pub id: String,
    pub package: Option<String>,
    pub reason: String,
    pub expires: Option<String>,
    /// Where the entry was written (its message is empty).
    pub origin: ConfigError,
    /// Where its `expires` value was written.
    pub expires_origin: Option<ConfigError>,
}

/// A rule code as written in a config file, kept with its position for validation messages.
#[derive(Debug, Clone)]
pub struct CodeRef {
    pub code: String,
    /// Where it was written (its message is empty).
    pub origin: ConfigError,
}

/// The merged configuration every analyser and the CLI read.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub fail_on: Option<Severity>,
    /// Explicit choices: `true` enabled, `false` disabled. Codes absent keep their default.
    pub rule_choices: BTreeMap<String, bool>,
    pub severity_overrides: BTreeMap<String, Severity>,
    pub ignores: Vec<PathIgnore>,
    pub exclude: Vec<PathIgnore>,
    pub trusted_registries: Vec<String>,
    pub required_labels: Vec<RequiredLabel>,
    pub disable_ignore_pragmas: bool,
    /// hadolint compatibility mode (`hadolint-compat`, `--hadolint-compat`): the Dockerfile
    /// rules mapped to hadolint reproduce hadolint 2.15's findings in the cases where
    /// docs/hadolint-differences.md shows hadolint to be wrong, for users who must match a
    /// hadolint baseline. Off by default.
    pub hadolint_compat: bool,
    /// `[vuln] ignore` entries of every layer, in order.
    pub vuln_ignores: Vec<VulnIgnore>,
    /// Every code mentioned in a file, so the CLI can reject unknown ones with a position.
    pub mentioned_codes: Vec<CodeRef>,
    /// The files that were merged, weakest first.
    pub sources: Vec<PathBuf>,
    /// When set (a `--profile`), only these codes run, unless a rule is enabled explicitly.
    pub only_codes: Option<BTreeSet<String>>,
}

impl Config {
    /// Parses one file's text and merges it over `self`.
    pub fn merge_file(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let index = LineIndex::new(text);
        let error_at = |offset: usize, message: String| {
            let (line, column) = index.line_col(text, offset);
            ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            error_at(offset, e.message().trim().to_string())
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();

        if let Some(fail_on) = raw.fail_on {
            let severity = fail_on
                .get_ref()
                .parse::<Severity>()
                .map_err(|m| error_at(fail_on.span().start, m))?;
            self.fail_on = Some(severity);
        }
        if let Some(rules) = raw.rules {
            for (codes, enabled) in [(rules.enable, true), (rules.disable, false)] {
                for code in codes {
                    let origin = error_at(code.span().start, String::new());
                    let code = code.into_inner().to_ascii_uppercase();
                    self.mentioned_codes.push(CodeRef {
                        code: code.clone(),
                        origin,
                    });
                    self.rule_choices.insert(code, enabled);
                }
            }
            for (code, severity) in rules.severity {
                let parsed = severity
                    .get_ref()
                    .parse::<Severity>()
                    .map_err(|m| error_at(severity.span().start, m))?;
                let origin = error_at(severity.span().start, String::new());
                let code = code.to_ascii_uppercase();
                self.mentioned_codes.push(CodeRef {
                    code: code.clone(),
                    origin,
                });
                self.severity_overrides.insert(code, parsed);
            }
        }
        for ignore in raw.ignore {
            let globs = build_globs(&ignore.paths, &error_at)?;
            let mut rules = BTreeSet::new();
            for code in ignore.rules {
                let origin = error_at(code.span().start, String::new());
                let code = code.into_inner().to_ascii_uppercase();
                self.mentioned_codes.push(CodeRef {
                    code: code.clone(),
                    origin,
                });
                rules.insert(code);
            }
            self.ignores.push(PathIgnore {
                base: base.clone(),
                globs,
                rules,
            });
        }
        if let Some(exclude) = raw.exclude {
            let globs = build_globs(&exclude, &error_at)?;
            self.exclude.push(PathIgnore {
                base: base.clone(),
                globs,
                rules: BTreeSet::new(),
            });
        }
        if let Some(registries) = raw.trusted_registries {
            self.trusted_registries.extend(registries);
        }
        if let Some(labels) = raw.required_labels {
            for label in labels {
                let label = match label {
                    RawLabel::Name(name) => RequiredLabel { name, format: None },
                    RawLabel::WithFormat { name, format } => RequiredLabel { name, format },
                };
                self.required_labels.retain(|l| l.name != label.name);
                self.required_labels.push(label);
            }
        }
        if let Some(vuln) = raw.vuln {
            for entry in vuln.ignore {
                let origin = error_at(entry.span().start, String::new());
                let entry = entry.into_inner();
                for (field, value) in [("id", &entry.id), ("reason", &entry.reason)] {
                    if value.get_ref().trim().is_empty() {
                        return Err(error_at(
                            value.span().start,
                            format!("`{field}` of a [vuln] ignore entry must not be empty"),
                        ));
                    }
                }
                let (expires, expires_origin) = match entry.expires {
                    Some(date) => {
                        let at = error_at(date.span().start, String::new());
                        let text = match date.into_inner() {
                            RawDate::Date(d) => d.to_string(),
                            RawDate::Text(t) => t,
                        };
                        (Some(text), Some(at))
                    }
                    None => (None, None),
                };
                self.vuln_ignores.push(VulnIgnore {
                    id: entry.id.into_inner().trim().to_string(),
                    package: entry
                        .package
                        .map(|p| p.into_inner().trim().to_string())
                        .filter(|p| !p.is_empty()),
                    reason: entry.reason.into_inner().trim().to_string(),
                    expires,
                    origin,
                    expires_origin,
                });
            }
        }
        if let Some(disable) = raw.disable_ignore_pragmas {
            self.disable_ignore_pragmas = disable;
        }
        if let Some(compat) = raw.hadolint_compat {
            self.hadolint_compat = compat;
        }
        self.sources.push(path.to_path_buf());
        Ok(())
    }

    /// Reads and merges a file from disk. The path is made absolute so per-path ignores compare
    /// with the absolute paths of scanned files whatever the working directory.
    pub fn merge_path(&mut self, path: &Path) -> Result<(), ConfigError> {
        let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read configuration: {e}"),
        })?;
        self.merge_file(path, &text)
    }

    /// Whether a rule runs, given its default.
    pub fn is_enabled(&self, code: &str, default_enabled: bool) -> bool {
        if let Some(choice) = self.rule_choices.get(code) {
            return *choice;
        }
        match &self.only_codes {
            Some(only) => only.contains(code),
            None => default_enabled,
        }
    }

    /// Whether a finding of `code` in `file` is dropped by a per-path ignore.
    pub fn is_path_ignored(&self, file: &Path, code: &str) -> bool {
        self.ignores.iter().any(|i| i.matches(file, code))
    }

    /// Whether a file is excluded from discovery altogether.
    pub fn is_excluded(&self, file: &Path) -> bool {
        self.exclude.iter().any(|i| i.matches(file, ""))
    }
}

fn build_globs(
    patterns: &[Spanned<String>],
    error_at: &dyn Fn(usize, String) -> ConfigError,
) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern.get_ref())
            .map_err(|e| error_at(pattern.span().start, format!("invalid glob: {e}")))?;
        builder.add(glob);
        // `dir` also means everything below it, as in .gitignore.
        if !pattern.get_ref().ends_with("/**")
            && let Ok(glob) = Glob::new(&format!("{}/**", pattern.get_ref().trim_end_matches('/')))
        {
            builder.add(glob);
        }
    }
    builder
        .build()
        .map_err(|e| error_at(0, format!("invalid glob set: {e}")))
}

/// The `.dockguard.toml` files that apply to `start`, from the repository root (the nearest
/// ancestor holding `.git`, else the filesystem root) down to `start`.
pub fn discover(start: &Path) -> Vec<PathBuf> {
    let start = if start.is_file() {
        start.parent().unwrap_or(start)
    } else {
        start
    };
    let mut found = Vec::new();
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            found.push(candidate);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    found.reverse();
    found
}

/// The user-level configuration file, if one exists.
pub fn user_config_path() -> Option<PathBuf> {
    let dir = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let path = dir.join("dockguard").join("config.toml");
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let mut config = Config::default();
        let text = r#"
fail-on = "high"
trusted-registries = ["docker.io", "*.gcr.io"]
required-labels = ["maintainer", { name = "org.opencontainers.image.source", format = "url" }]
exclude = ["vendor"]
disable-ignore-pragmas = true
hadolint-compat = true

[rules]
disable = ["df012"]
enable = ["DF070"]
severity = { DF001 = "critical" }

[[ignore]]
paths = ["legacy/**"]
rules = ["DF020"]
"#;
        config
            .merge_file(Path::new("/repo/.dockguard.toml"), text)
            .unwrap();
        assert_eq!(config.fail_on, Some(Severity::High));
        assert!(!config.is_enabled("DF012", true));
        assert!(config.is_enabled("DF070", false));
        assert_eq!(config.severity_overrides["DF001"], Severity::Critical);
        assert!(config.is_path_ignored(Path::new("/repo/legacy/a/Dockerfile"), "DF020"));
        assert!(!config.is_path_ignored(Path::new("/repo/legacy/a/Dockerfile"), "DF021"));
        assert!(!config.is_path_ignored(Path::new("/repo/app/Dockerfile"), "DF020"));
        assert!(config.is_excluded(Path::new("/repo/vendor/x/Dockerfile")));
        assert_eq!(config.required_labels[1].format, Some(LabelFormat::Url));
        assert!(config.disable_ignore_pragmas);
        assert!(config.hadolint_compat);
        assert_eq!(config.mentioned_codes.len(), 4);
    }

    #[test]
    fn vuln_ignore_entries() {
        let mut config = Config::default();
        let text = r#"
[vuln]
ignore = [
  { id = "CVE-2023-43804", package = "urllib3", reason = "no redirects followed", expires = 2027-01-31 },
  { id = "GHSA-xxxx", reason = "accepted", expires = "2020-01-01" },
]
"#;
        config
            .merge_file(Path::new("/r/.dockguard.toml"), text)
            .unwrap();
        let [a, b] = config.vuln_ignores.as_slice() else {
            panic!("{:?}", config.vuln_ignores)
        };
        assert_eq!(
            (a.id.as_str(), a.package.as_deref(), a.expires.as_deref()),
            ("CVE-2023-43804", Some("urllib3"), Some("2027-01-31"))
        );
        assert_eq!((a.origin.line, b.origin.line), (4, 5));
        assert_eq!(b.expires.as_deref(), Some("2020-01-01"));
        assert_eq!(b.expires_origin.as_ref().unwrap().line, 5);
        assert_eq!(b.package, None);
        // A later layer adds entries; [[vuln.ignore]] is the same table.
        config
            .merge_file(
                Path::new("b.toml"),
                "[[vuln.ignore]]\nid = \"X\"\nreason = \"r\"\n",
            )
            .unwrap();
        assert_eq!(config.vuln_ignores.len(), 3);
        let err = config
            .merge_file(Path::new("c.toml"), "[[vuln.ignore]]\nid = \"X\"\n")
            .unwrap_err();
        assert!(err.message.contains("reason"), "{err}");
        let err = config
            .merge_file(
                Path::new("d.toml"),
                "[[vuln.ignore]]\nid = \"X\"\nreason = \"  \"\n",
            )
            .unwrap_err();
        assert_eq!((err.line, err.column), (3, 10), "{err}");
        let err = config
            .merge_file(
                Path::new("e.toml"),
                "[[vuln.ignore]]\nid = \"X\"\nreason = \"r\"\nwhy = 1\n",
            )
            .unwrap_err();
        assert!(err.message.contains("why"), "{err}");
    }

    #[test]
    fn hadolint_compat_is_off_by_default_and_the_last_layer_wins() {
        let mut config = Config::default();
        assert!(!config.hadolint_compat);
        config
            .merge_file(Path::new("a.toml"), "hadolint-compat = true\n")
            .unwrap();
        assert!(config.hadolint_compat);
        // A layer that does not mention the key keeps the earlier choice.
        config
            .merge_file(Path::new("b.toml"), "fail-on = \"high\"\n")
            .unwrap();
        assert!(config.hadolint_compat);
        config
            .merge_file(Path::new("c.toml"), "hadolint-compat = false\n")
            .unwrap();
        assert!(!config.hadolint_compat);
        let err = config
            .merge_file(Path::new("d.toml"), "hadolint-compat = \"yes\"\n")
            .unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn later_layers_win() {
        let mut config = Config::default();
        config
            .merge_file(
                Path::new("a.toml"),
                "fail-on = \"low\"\n[rules]\ndisable = [\"DF1\"]\n",
            )
            .unwrap();
        config
            .merge_file(
                Path::new("b.toml"),
                "fail-on = \"high\"\n[rules]\nenable = [\"DF1\"]\n",
            )
            .unwrap();
        assert_eq!(config.fail_on, Some(Severity::High));
        assert!(config.is_enabled("DF1", false));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let mut config = Config::default();
        let err = config
            .merge_file(Path::new("x/.dockguard.toml"), "\n\nfail-on = \"fatal\"\n")
            .unwrap_err();
        assert_eq!((err.line, err.column), (3, 11));
        assert!(
            err.to_string()
                .starts_with("x/.dockguard.toml:3:11: unknown severity")
        );

        let err = config
            .merge_file(Path::new("c.toml"), "[rules]\nbogus = 1\n")
            .unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("bogus"), "{err}");

        let err = config
            .merge_file(Path::new("d.toml"), "fail-on = [\n")
            .unwrap_err();
        assert_eq!(err.path, Path::new("d.toml"));
    }

    #[test]
    fn discovery_stops_at_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("svc/api")).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        std::fs::write(root.join(FILE_NAME), "").unwrap();
        std::fs::write(root.join("svc/api").join(FILE_NAME), "").unwrap();
        let found = discover(&root.join("svc/api"));
        assert_eq!(
            found,
            vec![root.join(FILE_NAME), root.join("svc/api").join(FILE_NAME)]
        );
    }
}
