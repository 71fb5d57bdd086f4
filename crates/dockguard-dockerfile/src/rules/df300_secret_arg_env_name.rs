use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `ARG` and `ENV` names that look like secrets (`PASSWORD`, `API_KEY`, `GITHUB_TOKEN`,
    /// `AWS_SECRET_ACCESS_KEY`, …). Names are split on `_`, `-` and `.`; a name is secret-like when
    /// one of its words is a secret word and none is an allow-listed word such as `PUBLIC`, `FILE`,
    /// `PATH`, `IDS` or `VERSION` (so `GPG_KEY` fingerprints, `OPENSSL_PGP_KEY_IDS` and `*_FILE`
    /// pointers pass). A variable whose value is an absolute path (`DOCKER_CREDENTIAL_GCR_CONFIG=
    /// /kaniko/.config/gcr.json`) points at a file and is not reported either.
    ///
    /// Differences from hadolint (DL3064): hadolint matches the substrings `password`, `secret`,
    /// `token`, `private`, `username`, `api_key` and `client_key` anywhere in the name, so it
    /// reports `USERNAME=vscode` and `MINIO_SECRET_KEY_FILE=secret_key`; user names are not
    /// secrets and `*_FILE` variables name a file. It misses `AUTH`, `CREDENTIALS` and `KEY` words
    /// (`NPM_AUTH`, `SIGNING_KEY`). In hadolint compatibility mode (`hadolint-compat`) every name
    /// with one of hadolint's substrings is reported too, whatever its words and value.
    ///
    /// ## Why is this bad?
    /// `ARG` values are recorded in the image history (`docker history`), `ENV` values in the image
    /// config, for anyone who can pull the image. Both also leak into build logs and caches.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci
    /// ```
    ///
    /// ## Fix
    /// Pass secrets with BuildKit secret mounts, which never reach the image:
    /// `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci`, built with
    /// `docker build --secret id=npm_token,env=NPM_TOKEN .`.
    pub struct SecretArgEnvName {
        code: "DF300",
        name: "secret-in-arg-or-env-name",
        step: Secrets,
        severity: High,
        summary: "ARG or ENV name looks like a secret",
        references: [Hadolint "DL3064", Buildkit "SecretsUsedInArgOrEnv", Trivy "DS-0031", Dockle "CIS-DI-0010", Cis "4.10", Cwe "CWE-522"],
    }
}

const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "passwd",
    "pword",
    "pass",
    "secret",
    "token",
    "pat",
    "privatekey",
    "accesskey",
    "secretkey",
];

const ALLOWED_WORDS: &[&str] = &[
    "public",
    "file",
    "path",
    "version",
    "dir",
    "url",
    "id",
    "ids",
    "name",
    "size",
    "type",
    "len",
    "length",
    "file",
    "gpg",
    "fingerprint",
    "server",
    "host",
    "endpoint",
    "mode",
    "format",
    "algorithm",
    "keyring",
    "keyserver",
    "kind",
    "enabled",
    "required",
    "policy",
];

/// Whether a variable name looks like it carries a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let secret = words.iter().any(|w| SECRET_WORDS.contains(w))
        || lower.contains("password")
        || lower.contains("secret")
        || lower.contains("api_key")
        || lower.contains("apikey")
        || lower.contains("private_key");
    secret && !words.iter().any(|w| ALLOWED_WORDS.contains(w))
}

/// hadolint compatibility: reproduces hadolint's DL3064 substring test, which reports user names
/// (`USERNAME`) and `*_FILE` pointers (`MINIO_SECRET_KEY_FILE`) too; see
/// docs/hadolint-differences.md#compatibility-mode. hadolint's list of exact well-known names
/// (`TRAVIS_OS_NAME`, …) is not reproduced.
fn is_hadolint_suspicious_name(name: &str) -> bool {
    const HADOLINT_SUBSTRINGS: &[&str] = &[
        "api_key",
        "client_key",
        "password",
        "private",
        "secret",
        "token",
        "username",
    ];
    let lower = name.to_ascii_lowercase();
    HADOLINT_SUBSTRINGS.iter().any(|s| lower.contains(s))
}

impl Rule for SecretArgEnvName {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (pairs, what) = match (&inst.args, inst.kind) {
                (Args::Arg { pairs }, _) => (pairs, "ARG"),
                (Args::KeyValues { pairs, .. }, Kind::Env) => (pairs, "ENV"),
                _ => continue,
            };
            for pair in pairs {
                let as_hadolint =
                    ctx.config.hadolint_compat && is_hadolint_suspicious_name(&pair.key);
                if !as_hadolint {
                    if !is_secret_name(&pair.key) {
                        continue;
                    }
                    // A path names where the secret is, it is not the secret.
                    let value = pair.value.as_deref().unwrap_or("");
                    let value = ctx.model.expand(idx, value).value;
                    if value.starts_with('/') && !value.contains(char::is_whitespace) {
                        continue;
                    }
                }
                out.push(Diagnostic::new(
                    pair.key_span.clone(),
                    format!(
                        "{what} `{}` looks like a secret; it is stored in the image, use `RUN --mount=type=secret` instead",
                        pair.key
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&SecretArgEnvName);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM debian:12
ARG USERNAME=vscode
ENV MINIO_SECRET_KEY_FILE=secret_key
ARG PASSWORD_FILE=/run/secrets/db
ARG GITHUB_TOKEN
ARG NPM_AUTH
ARG USER_UID=1000
ONBUILD ARG DEPLOY_USERNAME
";
        let (default, compat) = testing::lines_default_and_compat(&SecretArgEnvName, text);
        assert_eq!(default, [5, 6]);
        // hadolint's substrings are added; our own findings stay.
        assert_eq!(compat, [2, 3, 4, 5, 6, 8]);
    }

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "api-key",
            "NPM_AUTH",
            "MYSECRET",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "GPG_KEY",
            "PASSWORD_FILE",
            "PUBLIC_KEY",
            "TOKEN_URL",
            "NODE_VERSION",
            "KEYBOARD",
            "PATH",
            "OPENSSL_PGP_KEY_IDS",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }
}
