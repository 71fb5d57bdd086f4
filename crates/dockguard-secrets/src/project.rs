//! SE100: the scanner run on the files of a project directory (`dockguard scan`), so that a
//! credential committed next to the Dockerfile is found before it is copied into an image.

use dockguard_core::{Config, Finding, Location, RefKind, Reference, RuleMeta, Step};

use crate::{MAX_FILE_SIZE, Scanner};

/// The rule of secrets found in project files.
pub const SECRET_IN_PROJECT_FILE: RuleMeta = RuleMeta {
    code: "SE100",
    name: "secret-in-project-file",
    step: Step::Secrets,
    severity: dockguard_core::Severity::High,
    summary: "A project file holds a secret",
    doc: "## What it does\n\
Runs the secrets scanner (keyword prefilter, then the rule's regex, then entropy and \
placeholder filters) on every text file of the project that `.gitignore` does not exclude, \
up to 10 MiB each, binary files skipped: private keys, cloud credentials (AWS, GCP, Azure), \
tokens (GitHub, GitLab, Slack, Stripe, Docker Hub, npm, PyPI …), JWTs, `.docker/config.json` \
auths and password assignments.\n\
\n\
## Why is this bad?\n\
A secret in the build context ends up in an image as soon as a `COPY . .` takes it, and in \
every clone of the repository already. Secrets in Dockerfiles, compose files and scripts are \
reported by their own rules; this rule covers every other file.\n\
\n\
## Example\n\
```sh\n\
# deploy/.env\n\
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT\n\
```\n\
\n\
## Fix\n\
Remove the secret from the repository (and its history), rotate it, and pass it at build \
time with `RUN --mount=type=secret` or at run time as a mounted secret (Docker or Kubernetes \
secrets). Keep local credential files out of the build context with `.dockerignore`.\n",
    references: &[
        Reference::new(RefKind::Cis, "4.10"),
        Reference::new(RefKind::Cwe, "CWE-798"),
        Reference::new(RefKind::Cwe, "CWE-312"),
    ],
    fixable: false,
    default_enabled: true,
};

/// The SE100 findings of one project file (`name` as reported). Files the scanner skips
/// (binary, larger than [`MAX_FILE_SIZE`]) give none.
pub fn check_file(scanner: &Scanner, name: &str, content: &[u8], config: &Config) -> Vec<Finding> {
    if content.len() > MAX_FILE_SIZE {
        return Vec::new();
    }
    let meta = &SECRET_IN_PROJECT_FILE;
    if !config.is_enabled(meta.code, meta.default_enabled) {
        return Vec::new();
    }
    scanner
        .scan(name, content)
        .into_iter()
        .map(|m| {
            let end_line = m.line;
            let location = Location {
                file: name.to_string(),
                line: m.line,
                column: m.column,
                end_line,
                end_column: m.column + m.masked.chars().count().saturating_sub(1) as u32,
                span: m.span.clone(),
            };
            meta.finding(
                config,
                format!("{} (`{}`)", m.rule.title, m.masked),
                location,
                None,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_secrets_with_position_and_mask() {
        let scanner = Scanner::new();
        let text = b"# settings\nAWS_ACCESS_KEY_ID=AKIAZ7VRSQ3TQ4M2XW5N\n";
        let f = check_file(&scanner, "deploy/.env", text, &Config::default());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].code, "SE100");
        assert_eq!(f[0].location.file, "deploy/.env");
        assert_eq!(f[0].location.line, 2);
        assert_eq!(f[0].location.column, 19);
        assert!(
            !f[0].message.contains("AKIAZ7VRSQ3TQ4M2XW5N"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn placeholders_binaries_and_disabled_rule_give_nothing() {
        let scanner = Scanner::new();
        let config = Config::default();
        assert!(
            check_file(
                &scanner,
                "a",
                b"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
                &config
            )
            .is_empty()
        );
        assert!(check_file(&scanner, "b", b"\0\0AKIAZ7VRSQ3TQ4M2XW5N\0", &config).is_empty());
        let mut off = Config::default();
        off.rule_choices.insert("SE100".into(), false);
        assert!(check_file(&scanner, "c", b"AKIAZ7VRSQ3TQ4M2XW5N\n", &off).is_empty());
    }

    #[test]
    fn rule_doc_has_every_heading() {
        for h in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix",
        ] {
            assert!(SECRET_IN_PROJECT_FILE.doc.contains(h), "{h}");
        }
    }
}
