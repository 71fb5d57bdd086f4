//! Credentials as the Docker CLI finds them, and `WWW-Authenticate` challenges.
//!
//! Order, as `docker pull` does it: explicit user name and password; else Docker's
//! `config.json` (in `DOCKER_CONFIG`, else `~/.docker`): a `credHelpers` entry for the
//! registry, else the global `credsStore`, run as `docker-credential-<name> get` with the
//! server address on standard input (the documented helper protocol: the helper is a program
//! the user configured, never image content); else the `auths` entry (`auth` = base64
//! `user:password`, `identitytoken`, `registrytoken`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::reference::{DOCKER_HUB_AUTH_KEY, Reference};

/// Credentials for one registry. `Debug` does not show secrets.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and a password (or access token): sent to the token service with Basic
    /// auth, or to the registry itself when it asks for Basic auth.
    Basic { username: String, password: String },
    /// An OAuth2 refresh token (`identitytoken` of `config.json`, or a helper's `<token>`
    /// user), exchanged at the token service for an access token.
    IdentityToken {
        username: Option<String>,
        token: String,
    },
    /// A bearer token sent to the registry as it is (`registrytoken` of `config.json`).
    RegistryToken(String),
}

impl Credentials {
    /// Who the credentials are, for messages: never the secret.
    pub fn describe(&self) -> String {
        match self {
            Credentials::Basic { username, .. } => format!("user {username}"),
            Credentials::IdentityToken {
                username: Some(u), ..
            } => format!("the identity token of user {u}"),
            Credentials::IdentityToken { username: None, .. } => "an identity token".into(),
            Credentials::RegistryToken(_) => "a registry token".into(),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({})", self.describe())
    }
}

/// Where credentials come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct CredentialSources {
    pub username: Option<String>,
    pub password: Option<String>,
    /// The folder holding `config.json`.
    pub docker_config_dir: Option<PathBuf>,
    /// A `PATH`-like list of folders for `docker-credential-*` helpers (`None`: `PATH`).
    pub helper_path: Option<OsString>,
}

/// The parts of Docker's `config.json` that hold credentials.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfigFile {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

/// What a credential helper prints for `get`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
}

/// `config.json` is small; anything bigger is not one.
const MAX_CONFIG_BYTES: u64 = 8 << 20;

impl CredentialSources {
    /// The credentials for `reference`'s registry, `None` for anonymous access.
    pub fn lookup(&self, reference: &Reference) -> Result<Option<Credentials>> {
        if let Some(username) = &self.username {
            return Ok(Some(Credentials::Basic {
                username: username.clone(),
                password: self.password.clone().unwrap_or_default(),
            }));
        }
        if self.password.is_some() {
            return Err(Error::Unauthorized {
                reference: reference.original.clone(),
                message: "a password was given without a user name".into(),
            });
        }
        let Some(dir) = &self.docker_config_dir else {
            return Ok(None);
        };
        let path = dir.join("config.json");
        let Some(config) = read_config(&path)? else {
            return Ok(None);
        };
        let keys = lookup_keys(reference);
        let helper = keys
            .iter()
            .find_map(|k| config.cred_helpers.get(*k))
            .or(config.creds_store.as_ref())
            .filter(|h| !h.is_empty());
        if let Some(helper) = helper
            && let Some(found) = self.run_helper(helper, reference)?
        {
            return Ok(Some(found));
        }
        let entry = config.auths.iter().find_map(|(key, entry)| {
            let host = key_hostname(key);
            keys.iter()
                .any(|k| key_hostname(k) == host)
                .then_some(entry)
        });
        match entry {
            Some(entry) => entry_credentials(entry, &path),
            None => Ok(None),
        }
    }

    /// Runs `docker-credential-<helper> get`; `None` when the helper has nothing stored.
    fn run_helper(&self, helper: &str, reference: &Reference) -> Result<Option<Credentials>> {
        let helper_error = |message: String| Error::CredentialHelper {
            reference: reference.original.clone(),
            helper: helper.to_string(),
            message,
        };
        if !helper
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(helper_error("not a valid helper name".into()));
        }
        let program = format!("docker-credential-{helper}");
        let program: PathBuf = match &self.helper_path {
            Some(dirs) => std::env::split_paths(dirs)
                .map(|d| d.join(&program))
                .find(|p| p.is_file())
                .ok_or_else(|| helper_error(format!("{program} not found")))?,
            None => PathBuf::from(&program),
        };
        let mut child = Command::new(&program)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| helper_error(format!("cannot run {}: {e}", program.display())))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading is judged by its exit status below.
            let _ = stdin.write_all(reference.auth_key().as_bytes());
        }
        // The helper is the user's own program: its output is read whole (both pipes at once,
        // so that neither can fill up and block it).
        let output = child
            .wait_with_output()
            .map_err(|e| helper_error(e.to_string()))?;
        let (status, stdout, stderr) = (output.status, output.stdout, output.stderr);
        if !status.success() {
            let said = String::from_utf8_lossy(if stdout.is_empty() { &stderr } else { &stdout })
                .trim()
                .to_string();
            if said.contains("credentials not found") {
                return Ok(None);
            }
            let first_line = said.lines().next().unwrap_or_default();
            return Err(helper_error(format!("get failed ({status}): {first_line}")));
        }
        let answer: HelperAnswer = serde_json::from_slice(&stdout)
            .map_err(|e| helper_error(format!("unreadable answer: {e}")))?;
        if answer.secret.is_empty() {
            return Ok(None);
        }
        Ok(Some(if answer.username == "<token>" {
            Credentials::IdentityToken {
                username: None,
                token: answer.secret,
            }
        } else {
            Credentials::Basic {
                username: answer.username,
                password: answer.secret,
            }
        }))
    }
}

fn read_config(path: &Path) -> Result<Option<DockerConfigFile>> {
    let config_error = |message: String| Error::DockerConfig {
        path: path.display().to_string(),
        message,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(config_error(e.to_string())),
    };
    let mut raw = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| config_error(e.to_string()))?;
    if raw.len() as u64 > MAX_CONFIG_BYTES {
        return Err(config_error("larger than 8 MiB".into()));
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&raw)
        .map(Some)
        .map_err(|e| config_error(format!("invalid JSON: {e}")))
}

/// The keys a registry's credentials may be stored under.
fn lookup_keys(reference: &Reference) -> Vec<&str> {
    if reference.is_docker_hub() {
        vec![
            DOCKER_HUB_AUTH_KEY,
            "index.docker.io",
            "docker.io",
            "registry-1.docker.io",
        ]
    } else {
        vec![reference.registry.as_str()]
    }
}

/// `https://host:port/v1/` → `host:port`, as Docker matches `auths` keys.
fn key_hostname(key: &str) -> &str {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    rest.split('/').next().unwrap_or(rest)
}

fn entry_credentials(entry: &AuthEntry, path: &Path) -> Result<Option<Credentials>> {
    let (mut username, mut password) = (entry.username.clone(), entry.password.clone());
    if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(auth.trim()))
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok());
        let Some((user, pass)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
            return Err(Error::DockerConfig {
                path: path.display().to_string(),
                message: "an `auth` entry is not base64 of user:password".into(),
            });
        };
        username = Some(user.to_string());
        password = Some(pass.to_string());
    }
    if let Some(token) = entry.identitytoken.clone().filter(|t| !t.is_empty()) {
        return Ok(Some(Credentials::IdentityToken { username, token }));
    }
    if let Some(token) = entry.registrytoken.clone().filter(|t| !t.is_empty()) {
        return Ok(Some(Credentials::RegistryToken(token)));
    }
    Ok(match (username, password) {
        (Some(username), Some(password)) if !username.is_empty() => {
            Some(Credentials::Basic { username, password })
        }
        _ => None,
    })
}

/// One `WWW-Authenticate` challenge: its scheme (lowercase) and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub scheme: String,
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    /// Parses `Bearer realm="…",service="…",scope="repository:a/b:pull"` (quoted values may
    /// hold commas and backslash escapes).
    pub fn parse(header: &str) -> Option<Challenge> {
        let header = header.trim();
        let (scheme, mut rest) = match header.split_once(char::is_whitespace) {
            Some((s, r)) => (s, r),
            None => (header, ""),
        };
        if scheme.is_empty() {
            return None;
        }
        let mut params = BTreeMap::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
            let Some(eq) = rest.find('=') else { break };
            let key = rest[..eq].trim().to_ascii_lowercase();
            rest = rest[eq + 1..].trim_start();
            let value;
            if let Some(quoted) = rest.strip_prefix('"') {
                let mut text = String::new();
                let mut chars = quoted.char_indices();
                let mut end = quoted.len();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, next)) = chars.next() {
                                text.push(next);
                            }
                        }
                        '"' => {
                            end = i + 1;
                            break;
                        }
                        c => text.push(c),
                    }
                }
                value = text;
                rest = &quoted[end.min(quoted.len())..];
            } else {
                let end = rest.find(',').unwrap_or(rest.len());
                value = rest[..end].trim().to_string();
                rest = &rest[end..];
            }
            if !key.is_empty() {
                params.insert(key, value);
            }
        }
        Some(Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Reference {
        Reference::parse(text).unwrap()
    }

    fn sources(dir: &Path) -> CredentialSources {
        CredentialSources {
            docker_config_dir: Some(dir.to_path_buf()),
            ..CredentialSources::default()
        }
    }

    #[test]
    fn parses_challenges() {
        let c = Challenge::parse(
            r#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push""#,
        )
        .unwrap();
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.params["realm"], "https://auth.example.com/token");
        assert_eq!(c.params["service"], "registry.example.com");
        assert_eq!(c.params["scope"], "repository:team/app:pull,push");
        let c = Challenge::parse(r#"Basic realm="say \"hi\"", charset=UTF-8"#).unwrap();
        assert_eq!(c.scheme, "basic");
        assert_eq!(c.params["realm"], r#"say "hi""#);
        assert_eq!(c.params["charset"], "UTF-8");
        assert_eq!(Challenge::parse("Basic").unwrap().params.len(), 0);
        assert!(Challenge::parse("  ").is_none());
        // Unterminated quotes end the value at the end of the header.
        let c = Challenge::parse(r#"Bearer realm="http://x"#).unwrap();
        assert_eq!(c.params["realm"], "http://x");
    }

    #[test]
    fn reads_auths_entries() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("alice:s3cr:et");
        std::fs::write(
            dir.path().join("config.json"),
            format!(
                r#"{{"auths": {{
                    "https://registry.example.com/v1/": {{"auth": "{auth}"}},
                    "https://index.docker.io/v1/": {{"identitytoken": "refresh-me", "auth": "{auth}"}},
                    "tokens.example.com": {{"registrytoken": "bearer-token"}},
                    "empty.example.com": {{}}
                }}}}"#
            ),
        )
        .unwrap();
        let s = sources(dir.path());
        assert_eq!(
            s.lookup(&reference("registry.example.com/team/app:1"))
                .unwrap(),
            Some(Credentials::Basic {
                username: "alice".into(),
                password: "s3cr:et".into()
            })
        );
        assert_eq!(
            s.lookup(&reference("alpine")).unwrap(),
            Some(Credentials::IdentityToken {
                username: Some("alice".into()),
                token: "refresh-me".into()
            })
        );
        assert_eq!(
            s.lookup(&reference("tokens.example.com/a")).unwrap(),
            Some(Credentials::RegistryToken("bearer-token".into()))
        );
        assert_eq!(s.lookup(&reference("empty.example.com/a")).unwrap(), None);
        assert_eq!(s.lookup(&reference("other.example.com/a")).unwrap(), None);
        // A port is part of the key.
        assert_eq!(
            s.lookup(&reference("registry.example.com:5000/a")).unwrap(),
            None
        );
    }

    #[test]
    fn explicit_credentials_win_and_missing_config_is_anonymous() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = sources(dir.path());
        assert_eq!(
            s.lookup(&reference("registry.example.com/a")).unwrap(),
            None
        );
        s.password = Some("pw".into());
        assert!(matches!(
            s.lookup(&reference("registry.example.com/a")),
            Err(Error::Unauthorized { .. })
        ));
        s.username = Some("bob".into());
        assert_eq!(
            s.lookup(&reference("registry.example.com/a")).unwrap(),
            Some(Credentials::Basic {
                username: "bob".into(),
                password: "pw".into()
            })
        );
        assert!(!format!("{:?}", s.lookup(&reference("a.io/b")).unwrap()).contains("pw"));
    }

    #[test]
    fn bad_config_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
        let err = sources(dir.path())
            .lookup(&reference("registry.example.com/a"))
            .unwrap_err();
        assert!(
            err.to_string().contains("config.json: invalid JSON"),
            "{err}"
        );
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths": {"registry.example.com": {"auth": "!!!"}}}"#,
        )
        .unwrap();
        let err = sources(dir.path())
            .lookup(&reference("registry.example.com/a"))
            .unwrap_err();
        assert!(err.to_string().contains("not base64"), "{err}");
    }

    /// A helper script that answers like `docker-credential-pass` would.
    fn write_helper(dir: &Path, name: &str, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn runs_credential_helpers() {
        let dir = tempfile::tempdir().unwrap();
        let bin = tempfile::tempdir().unwrap();
        // Echoes the server address it was given as the user name.
        write_helper(
            bin.path(),
            "dgtest",
            r#"[ "$1" = get ] || exit 3; read server; printf '{"ServerURL":"%s","Username":"%s","Secret":"pw"}' "$server" "$server""#,
        );
        write_helper(
            bin.path(),
            "dgtoken",
            r#"read server; printf '{"Username":"<token>","Secret":"refresh"}'"#,
        );
        write_helper(
            bin.path(),
            "dgnone",
            "echo 'credentials not found in native keychain'; exit 1",
        );
        write_helper(bin.path(), "dgbroken", "echo 'keychain locked' >&2; exit 2");
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"credsStore": "dgtest",
                "credHelpers": {"tok.example.com": "dgtoken", "none.example.com": "dgnone",
                                "broken.example.com": "dgbroken", "gone.example.com": "dgmissing"},
                "auths": {"none.example.com": {"auth": "dXNlcjpwYXNz"}}}"#,
        )
        .unwrap();
        let mut s = sources(dir.path());
        s.helper_path = Some(bin.path().as_os_str().to_owned());
        assert_eq!(
            s.lookup(&reference("registry.example.com:5000/a")).unwrap(),
            Some(Credentials::Basic {
                username: "registry.example.com:5000".into(),
                password: "pw".into()
            })
        );
        assert_eq!(
            s.lookup(&reference("busybox")).unwrap(),
            Some(Credentials::Basic {
                username: DOCKER_HUB_AUTH_KEY.into(),
                password: "pw".into()
            })
        );
        assert_eq!(
            s.lookup(&reference("tok.example.com/a")).unwrap(),
            Some(Credentials::IdentityToken {
                username: None,
                token: "refresh".into()
            })
        );
        // Nothing in the helper: the auths entry is used.
        assert_eq!(
            s.lookup(&reference("none.example.com/a")).unwrap(),
            Some(Credentials::Basic {
                username: "user".into(),
                password: "pass".into()
            })
        );
        let err = s.lookup(&reference("broken.example.com/a")).unwrap_err();
        assert!(
            err.to_string().contains(
                "docker-credential-dgbroken: get failed (exit status: 2): keychain locked"
            ),
            "{err}"
        );
        let err = s.lookup(&reference("gone.example.com/a")).unwrap_err();
        assert!(
            err.to_string()
                .contains("docker-credential-dgmissing not found"),
            "{err}"
        );
    }
}
