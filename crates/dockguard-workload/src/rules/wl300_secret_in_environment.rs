use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;
use dockguard_dockerfile::rules::common_d::{mask, secret_pattern};
use dockguard_dockerfile::rules::df300_secret_arg_env_name::is_secret_name;

declare_rule! {
    /// ## What it does
    /// Reports environment variables whose literal value (compose `environment:`,
    /// `docker run -e`, Kubernetes `env[].value`) is a credential:
    /// - a value that looks like a known credential whatever the name: AWS access key ids
    ///   (`AKIA…`/`ASIA…`), GitHub (`ghp_`, `gho_`, `github_pat_`), GitLab (`glpat-`), Slack
    ///   (`xoxb-`…), Stripe live keys, Google API keys (`AIza…`), npm tokens, private key
    ///   blocks and JSON Web Tokens;
    /// - a URL with a password in it (`postgres://app:s3cret@db/app`);
    /// - any other literal value of a variable whose name looks like a secret (`PASSWORD`,
    ///   `PASSWD`, `PWD`, `SECRET`, `TOKEN`, `API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`,
    ///   `CREDENTIALS`, `AUTH` as words), placeholders such as `changeme` included.
    ///
    /// Names that point at or describe the secret rather than hold it are not reported
    /// (`*_FILE`, `*_PATH`, `*_URL`, `*_ID`, `*_USER`, `*_NAME`, `*_HOST`, `*_PORT`, …), nor
    /// are values that are or contain references (`${DB_PASSWORD}`, `$(TOKEN)`,
    /// `test-$RANDOM`), paths (`/run/secrets/db`), booleans, plain numbers, placeholders
    /// (`<your-token>`, `******`, `API_KEY_VALUE`) and authentication schemes under an
    /// `*_AUTH` name (`REGISTRY_AUTH=htpasswd`). Variables taken from a Secret, the
    /// host environment or a field reference have no literal value and are not reported.
    /// Messages show only the first four characters of the value.
    ///
    /// ## Why is this bad?
    /// The credential is in the file and in its repository history, readable by everyone who
    /// can read either; it also shows in `docker inspect`, the Kubernetes API and process
    /// listings on the host. A leaked credential must be revoked and rotated.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD: hunter2
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential and take it out of the file. Use compose `secrets:` with the
    /// image's `*_FILE` variable (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`), a
    /// `${VARIABLE}` filled from the deployment environment, or a Kubernetes Secret mounted as a
    /// file.
    pub struct SecretInEnvironment {
        code: "WL300",
        name: "secret-in-environment",
        step: Secrets,
        severity: High,
        summary: "A credential is written into an environment variable",
        references: [Cwe "CWE-798"],
    }
}

/// Last words of names that describe a secret (where it is, whose it is, how it is used)
/// rather than hold it.
const DESCRIBING_WORDS: &[&str] = &[
    "file",
    "path",
    "url",
    "uri",
    "id",
    "user",
    "username",
    "login",
    "email",
    "name",
    "host",
    "port",
    "issuer",
    "audience",
    "realm",
    "region",
    "provider",
    "method",
    "strategy",
    "backend",
    "store",
    "source",
    "header",
    "scheme",
    "prefix",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "lifetime",
    "interval",
    "duration",
    "disabled",
    "hostname",
    "address",
    "addr",
    "domain",
    "language",
    "locale",
    "level",
    "backends",
    "mechanism",
    "mechanisms",
    "scope",
    "scopes",
    "role",
    "roles",
    "group",
    "groups",
];

/// Authentication schemes: `REGISTRY_AUTH=htpasswd` names a method, not a credential.
const AUTH_SCHEMES: &[&str] = &[
    "none",
    "basic",
    "bearer",
    "digest",
    "htpasswd",
    "token",
    "oauth",
    "oauth2",
    "oidc",
    "ldap",
    "saml",
    "jwt",
    "kerberos",
    "ntlm",
    "password",
    "apikey",
    "api_key",
    "tls",
    "mtls",
    "cert",
    "certificate",
    "anonymous",
    "local",
    "internal",
    "header",
    "silent",
];

/// Whether an environment variable name looks like it holds a secret.
pub fn is_secret_env_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.last().is_some_and(|w| DESCRIBING_WORDS.contains(w)) {
        return false;
    }
    // `MYSQL_PWD`, `DB_PWD`; a lone `PWD` is the shell's working directory.
    is_secret_name(name) || (words.len() > 1 && words.contains(&"pwd"))
}

/// The value without one pair of surrounding quotes (compose's list syntax keeps them).
fn unquoted(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.trim();
        }
    }
    v
}

/// Literal values that carry no secret even under a secret-like name: references and
/// values built from variables, paths, booleans, numbers, and placeholders (`<your-token>`,
/// `******`, `xxxxxx`, `API_KEY_VALUE`, the variable's own name).
fn is_not_a_secret(name: &str, value: &str) -> bool {
    let v = unquoted(value);
    let upper_identifier = v.contains('_')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
    let auth_scheme = name
        .to_ascii_lowercase()
        .rsplit(['_', '-', '.'])
        .next()
        .is_some_and(|last| last == "auth")
        && AUTH_SCHEMES.contains(&v.to_ascii_lowercase().as_str());
    v.is_empty()
        || v.contains('$')
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("~/")
        || v.bytes().all(|c| c.is_ascii_digit())
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "nil"
        )
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.len() >= 3 && v.bytes().all(|c| matches!(c, b'*' | b'x' | b'X')))
        || upper_identifier
        || v.eq_ignore_ascii_case(name)
        || auth_scheme
}

/// The password of a URL's user information (`scheme://user:password@host`), when it is a
/// literal.
fn url_password(value: &str) -> Option<&str> {
    let (_, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty() && !password.starts_with('$')).then_some(password)
}

/// What makes `value` (stored under `name`) a secret written in plain text, as a phrase for a
/// message ("contains an AWS access key id (`AKIA…`)"), or `None`.
pub fn describe_secret(name: &str, value: &str) -> Option<String> {
    if let Some(kind) = secret_pattern(value) {
        Some(format!("contains {kind} (`{}`)", mask(value.trim())))
    } else if let Some(password) = url_password(value) {
        Some(format!("has a password in its URL (`{}`)", mask(password)))
    } else if is_secret_env_name(name) && !is_not_a_secret(name, value) {
        Some(format!(
            "has a hardcoded value (`{}`)",
            mask(unquoted(value))
        ))
    } else {
        None
    }
}

impl Rule for SecretInEnvironment {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for env in &c.env {
                if env.from_secret {
                    continue;
                }
                let Some(value) = env.value.as_deref() else {
                    continue;
                };
                let Some(what) = describe_secret(&env.name, value) else {
                    continue;
                };
                let message = format!(
                    "environment variable `{}` of {} {what}",
                    env.name,
                    subject(c)
                );
                out.push(Diagnostic::new(
                    &env.value_loc,
                    format!("{message}; anyone who can read this file or inspect the container can read it"),
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
        testing::check_fixtures(&SecretInEnvironment);
    }

    #[test]
    fn names() {
        for n in [
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "DB_PASSWD",
            "MYSQL_PWD",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "STRIPE_API_KEY",
            "NPM_AUTH",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON",
            "JWT_SECRET",
        ] {
            assert!(is_secret_env_name(n), "{n}");
        }
        for n in [
            "POSTGRES_PASSWORD_FILE",
            "PASSWORD_PATH",
            "AUTH_URL",
            "CLIENT_ID",
            "AUTH_USER",
            "SECRET_NAME",
            "AUTH_HOST",
            "AUTH_PORT",
            "AUTH_PROVIDER",
            "TOKEN_TTL",
            "PWD",
            "PUBLIC_KEY",
            "POSTGRES_USER",
            "KEYCLOAK_REALM",
            "SECRET_LOCAL_HOSTNAME",
            "SECRET_FORCED_LANGUAGE",
            "AIRFLOW__API__AUTH_BACKENDS",
        ] {
            assert!(!is_secret_env_name(n), "{n}");
        }
    }

    #[test]
    fn placeholder_values() {
        for (name, value) in [
            ("HF_TOKEN", "<your-token>"),
            ("WIREGUARD_PRIVATE_KEY", "'<PRIVKEY>'"),
            ("PGADMIN_DEFAULT_PASSWORD", "******"),
            ("OBJECTSTORE_S3_SECRET", "xxxxxx"),
            ("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL"),
            ("HF_TOKEN", "HF_TOKEN"),
            ("REGISTRY_AUTH", "htpasswd"),
            ("NEXTCLOUD_ADMIN_PASSWORD", "test-$RANDOM-password"),
            ("DB_PASSWORD", "\"\""),
        ] {
            assert!(is_not_a_secret(name, value), "{name}={value}");
        }
        for (name, value) in [
            ("DB_PASSWORD", "changeme"),
            ("DB_PASSWORD", "\"admin\""),
            ("NPM_AUTH", "dXNlcjpwYXNz"),
            ("MYSQL_ROOT_PASSWORD", "ROOTPW"),
            ("SECRET_KEY", "PleaseChangeMeToSecureValue"),
        ] {
            assert!(!is_not_a_secret(name, value), "{name}={value}");
        }
    }

    #[test]
    fn url_passwords() {
        assert_eq!(
            url_password("postgres://app:s3cret@db:5432/app"),
            Some("s3cret")
        );
        assert_eq!(url_password("redis://:pw@cache:6379/0"), Some("pw"));
        assert_eq!(url_password("postgres://app@db/app"), None);
        assert_eq!(url_password("postgres://app:@db/app"), None);
        assert_eq!(url_password("postgres://app:$(DB_PASSWORD)@db/app"), None);
        assert_eq!(url_password("https://example.com/a@b:c"), None);
        assert_eq!(url_password("not a url"), None);
    }

    #[test]
    fn messages_mask_the_value() {
        let text = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2\n";
        let workload =
            crate::check::load("c.compose.yaml", None, text, crate::FileKind::Compose).unwrap();
        let config = dockguard_core::Config::default();
        let ctx = Ctx {
            workload: &workload,
            config: &config,
            host: None,
        };
        let mut out = Vec::new();
        SecretInEnvironment.check(&ctx, &mut out);
        assert_eq!(
            out[0].message,
            "environment variable `POSTGRES_PASSWORD` of service `db` has a hardcoded value (`hunt…`); anyone who can read this file or inspect the container can read it"
        );
    }
}
