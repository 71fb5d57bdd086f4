//! A small blocking client for the registry API (Docker Registry HTTP API v2 / OCI
//! distribution spec): ping, manifests, blobs, with Docker's authentication.
//!
//! It is built on `ureq` 3 rather than `oci-client`: dockguard is synchronous throughout and
//! streams each layer once through the walker, so a blocking `impl Read` body is what it
//! needs; `oci-client` is async (tokio + reqwest), which would bring a runtime and its
//! dependency tree into a CLI that otherwise has none, and hands layers out as async streams
//! that would have to be bridged back. `ureq` is small, follows redirects without forwarding
//! `Authorization` to another host, and verifies TLS with the system's roots (as Docker does).

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use ureq::config::RedirectAuthHeaders;
use ureq::http::{Response, StatusCode};
use ureq::tls::{RootCerts, TlsConfig};
use ureq::{Agent, Body};

use crate::auth::{Challenge, CredentialSources, Credentials};
use crate::digest::{Algorithm, BlobError, Digest, VerifyingReader};
use crate::error::{Error, Result};
use crate::reference::Reference;

/// Media types of image indexes (multi-platform images).
pub(crate) const INDEX_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
/// Media types of image manifests.
pub(crate) const MANIFEST_TYPES: [&str; 2] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];

/// Token service answers and registry error bodies are small.
const MAX_SMALL_BODY: u64 = 1 << 20;

/// How to reach a registry and whom to be there.
#[derive(Clone)]
pub struct RegistryOptions {
    /// A user name (for `--username`): with [`password`](Self::password) it takes the place
    /// of anything in Docker's configuration.
    pub username: Option<String>,
    /// The password or access token (for `--password-stdin`).
    pub password: Option<String>,
    /// Speak plain HTTP to this registry even though it is not on the loopback interface
    /// (`localhost`, `127.0.0.0/8` and `::1` always get plain HTTP, as Docker's default
    /// insecure registries).
    pub plain_http: bool,
    /// Docker's configuration folder, whose `config.json` holds credentials and helper
    /// settings; `None` reads no Docker configuration.
    pub docker_config_dir: Option<PathBuf>,
    /// Where to look for `docker-credential-*` helpers, a `PATH`-like list; `None` uses
    /// `PATH`.
    pub helper_path: Option<OsString>,
    /// Limit for connecting, for the answer to a request, and for each read of a body.
    pub timeout: Duration,
}

impl Default for RegistryOptions {
    /// Anonymous, HTTPS except on loopback, no Docker configuration, 60 s timeouts.
    fn default() -> Self {
        RegistryOptions {
            username: None,
            password: None,
            plain_http: false,
            docker_config_dir: None,
            helper_path: None,
            timeout: Duration::from_secs(60),
        }
    }
}

impl RegistryOptions {
    /// The defaults plus Docker's configuration folder as the Docker CLI finds it:
    /// `DOCKER_CONFIG`, else `$HOME/.docker`.
    pub fn from_env() -> Self {
        RegistryOptions {
            docker_config_dir: dockguard_engine::HostEnv::from_process().config_dir,
            ..RegistryOptions::default()
        }
    }
}

impl std::fmt::Debug for RegistryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryOptions")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("plain_http", &self.plain_http)
            .field("docker_config_dir", &self.docker_config_dir)
            .field("helper_path", &self.helper_path)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A manifest or index as fetched: its bytes, the media type the registry said, and its
/// verified digest.
pub(crate) struct FetchedManifest {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub digest: Digest,
}

/// What credentials were found, looked up once, on the registry's first challenge.
enum Lookup {
    NotYet,
    Done(Option<Credentials>),
}

/// A client for one repository of one registry.
pub(crate) struct Client {
    agent: Agent,
    /// `scheme://host[:port]`.
    base: String,
    reference: Reference,
    sources: CredentialSources,
    credentials: Mutex<Lookup>,
    /// The `Authorization` header value earned by the last authentication.
    authorization: Mutex<Option<String>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

impl Client {
    pub fn new(reference: Reference, options: &RegistryOptions) -> Client {
        let plain = options.plain_http || reference.is_loopback();
        let base = format!(
            "{}://{}",
            if plain { "http" } else { "https" },
            reference.endpoint_host()
        );
        let timeout = Some(options.timeout);
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(10)
            // Registries send blob downloads to storage hosts: the registry's credentials
            // must not follow them there.
            .redirect_auth_headers(RedirectAuthHeaders::SameHost)
            .user_agent(format!("dockguard/{}", env!("CARGO_PKG_VERSION")))
            .timeout_connect(timeout)
            .timeout_recv_response(timeout)
            .timeout_per_read(timeout)
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .into();
        Client {
            agent,
            base,
            reference,
            sources: CredentialSources {
                username: options.username.clone(),
                password: options.password.clone(),
                docker_config_dir: options.docker_config_dir.clone(),
                helper_path: options.helper_path.clone(),
            },
            credentials: Mutex::new(Lookup::NotYet),
            authorization: Mutex::new(None),
        }
    }

    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// `GET /v2/`: checks that a registry answers, and authenticates up front when it asks.
    pub fn ping(&self) -> Result<()> {
        let url = format!("{}/v2/", self.base);
        let response = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| self.transport_error(e))?;
        match response.status() {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => self.authenticate(&response),
            status => Err(Error::Http {
                reference: self.reference.original.clone(),
                what: format!("{url} does not answer as a registry API"),
                status: status.as_u16(),
                message: String::new(),
            }),
        }
    }

    /// Fetches a manifest or index by tag or digest, at most `limit` bytes, and verifies its
    /// digest: against the digest asked for, or against the registry's `Docker-Content-Digest`.
    pub fn manifest(&self, reference: &str, limit: u64) -> Result<FetchedManifest> {
        let path = format!("/v2/{}/manifests/{reference}", self.reference.repository);
        let accept = [INDEX_TYPES, MANIFEST_TYPES].concat().join(", ");
        let what = format!("manifest {reference}");
        let response = self.get(&path, Some(&accept), &what)?;
        let content_type = header(&response, "content-type")
            .map(|t| t.split(';').next().unwrap_or_default().trim().to_string());
        let claimed = header(&response, "docker-content-digest");
        let bytes = self.read_limited(response, limit, &what)?;
        let expected = match Digest::parse(reference) {
            Ok(asked) => Some(asked),
            Err(_) => claimed.and_then(|c| Digest::parse(&c).ok()),
        };
        let digest = match expected {
            Some(expected) => {
                let actual = Digest::of(expected.algorithm(), &bytes);
                if actual != expected {
                    return Err(Error::DigestMismatch {
                        reference: self.reference.original.clone(),
                        what,
                        expected: expected.to_string(),
                        actual: actual.to_string(),
                    });
                }
                actual
            }
            None => Digest::of(Algorithm::Sha256, &bytes),
        };
        Ok(FetchedManifest {
            bytes,
            content_type,
            digest,
        })
    }

    /// Fetches a whole small blob (the config): exactly `size` bytes, at most `limit`, with
    /// the digest checked.
    pub fn blob_bytes(
        &self,
        digest: &Digest,
        size: u64,
        limit: u64,
        what: &str,
    ) -> Result<Vec<u8>> {
        if size > limit {
            return Err(self.too_large(what, limit));
        }
        let mut reader = self.blob_reader(digest, size, what)?;
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| {
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<BlobError>())
            {
                Some(BlobError::DigestMismatch { expected, actual }) => Error::DigestMismatch {
                    reference: self.reference.original.clone(),
                    what: what.to_string(),
                    expected: expected.to_string(),
                    actual: actual.to_string(),
                },
                Some(other) => Error::Format {
                    reference: self.reference.original.clone(),
                    what: what.to_string(),
                    message: other.to_string(),
                },
                None => self.io_error(what, e),
            }
        })?;
        Ok(bytes)
    }

    /// Opens a blob for streaming; the reader fails at its end unless the bytes have `digest`
    /// and `size`, and as soon as more than `size` bytes arrive.
    pub fn blob_reader(
        &self,
        digest: &Digest,
        size: u64,
        what: &str,
    ) -> Result<VerifyingReader<ureq::BodyReader<'static>>> {
        let path = format!("/v2/{}/blobs/{digest}", self.reference.repository);
        let response = self.get(&path, None, what)?;
        if let Some(length) = content_length(&response)
            && length != size
        {
            return Err(Error::Format {
                reference: self.reference.original.clone(),
                what: what.to_string(),
                message: format!(
                    "the registry sends {length} bytes where the manifest says {size}"
                ),
            });
        }
        Ok(VerifyingReader::new(
            response.into_body().into_reader(),
            digest.clone(),
            size,
        ))
    }

    /// A GET with the current authorization; on 401 authenticates as challenged and tries
    /// once more. Statuses other than success become errors.
    fn get(&self, path: &str, accept: Option<&str>, what: &str) -> Result<Response<Body>> {
        let url = format!("{}{path}", self.base);
        let mut authenticated = false;
        loop {
            let mut request = self.agent.get(&url);
            if let Some(accept) = accept {
                request = request.header("Accept", accept);
            }
            if let Some(authorization) = self.authorization.lock().expect("lock").clone() {
                request = request.header("Authorization", authorization);
            }
            let response = request.call().map_err(|e| self.transport_error(e))?;
            if response.status() == StatusCode::UNAUTHORIZED && !authenticated {
                self.authenticate(&response)?;
                authenticated = true;
                continue;
            }
            if response.status().is_success() {
                return Ok(response);
            }
            return Err(self.status_error(response, what));
        }
    }

    /// The credentials for this registry, looked up once.
    fn credentials(&self) -> Result<Option<Credentials>> {
        let mut lookup = self.credentials.lock().expect("lock");
        if let Lookup::Done(found) = &*lookup {
            return Ok(found.clone());
        }
        let found = self.sources.lookup(&self.reference)?;
        *lookup = Lookup::Done(found.clone());
        Ok(found)
    }

    /// Answers a 401: a token from the token service for a `Bearer` challenge, the
    /// credentials themselves for `Basic`.
    fn authenticate(&self, response: &Response<Body>) -> Result<()> {
        let challenges: Vec<Challenge> = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(Challenge::parse)
            .collect();
        let credentials = self.credentials()?;
        let bearer = challenges.iter().find(|c| c.scheme == "bearer");
        let authorization = if let Some(challenge) = bearer {
            match &credentials {
                Some(Credentials::RegistryToken(token)) => format!("Bearer {token}"),
                _ => format!(
                    "Bearer {}",
                    self.fetch_token(challenge, credentials.as_ref())?
                ),
            }
        } else if challenges.iter().any(|c| c.scheme == "basic") {
            match &credentials {
                Some(Credentials::Basic { username, password }) => {
                    format!("Basic {}", basic(username, password))
                }
                Some(other) => {
                    return Err(self.unauthorized(format!(
                        "the registry asks for a user name and password, and only {} was found",
                        other.describe()
                    )));
                }
                None => {
                    return Err(self.unauthorized(format!(
                        "the registry asks for a user name and password; none found for {}",
                        self.reference.auth_key()
                    )));
                }
            }
        } else {
            return Err(self.unauthorized(
                "the registry answered 401 without a Bearer or Basic challenge".into(),
            ));
        };
        *self.authorization.lock().expect("lock") = Some(authorization);
        Ok(())
    }

    /// The token flow: `GET realm?service=…&scope=…` with Basic credentials when there are
    /// any (anonymous otherwise), or the OAuth2 refresh-token grant for an identity token.
    fn fetch_token(
        &self,
        challenge: &Challenge,
        credentials: Option<&Credentials>,
    ) -> Result<String> {
        let realm = challenge.params.get("realm").cloned().unwrap_or_default();
        if !(realm.starts_with("https://") || realm.starts_with("http://")) {
            return Err(self.unauthorized(format!(
                "the registry's token realm {realm:?} is not an http(s) URL"
            )));
        }
        let scope = challenge
            .params
            .get("scope")
            .cloned()
            .unwrap_or_else(|| format!("repository:{}:pull", self.reference.repository));
        let service = challenge.params.get("service").cloned();
        let sent = match credentials {
            Some(Credentials::IdentityToken { token, .. }) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str()),
                    ("scope", scope.as_str()),
                    ("client_id", "dockguard"),
                ];
                if let Some(service) = &service {
                    form.push(("service", service.as_str()));
                }
                self.agent.post(&realm).send_form(form)
            }
            _ => {
                let mut request = self.agent.get(&realm).query("scope", &scope);
                if let Some(service) = &service {
                    request = request.query("service", service);
                }
                if let Some(Credentials::Basic { username, password }) = credentials {
                    request = request.header(
                        "Authorization",
                        format!("Basic {}", basic(username, password)),
                    );
                }
                request.call()
            }
        };
        let response = sent.map_err(|e| self.transport_error(e))?;
        let who = credentials.map_or("anonymous access".to_string(), Credentials::describe);
        let status = response.status();
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            return Err(self.unauthorized(format!(
                "the token service {realm} refused {who} (HTTP {})",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(Error::Http {
                reference: self.reference.original.clone(),
                what: format!("token service {realm}"),
                status: status.as_u16(),
                message: String::new(),
            });
        }
        let body = self.read_limited(response, MAX_SMALL_BODY, "token service answer")?;
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| Error::Format {
            reference: self.reference.original.clone(),
            what: format!("token service {realm}"),
            message: format!("invalid JSON: {e}"),
        })?;
        answer
            .token
            .or(answer.access_token)
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| Error::Format {
                reference: self.reference.original.clone(),
                what: format!("token service {realm}"),
                message: "the answer has no usable token".into(),
            })
    }

    /// Reads a whole body of at most `limit` bytes.
    fn read_limited(&self, response: Response<Body>, limit: u64, what: &str) -> Result<Vec<u8>> {
        if content_length(&response).is_some_and(|l| l > limit) {
            return Err(self.too_large(what, limit));
        }
        let mut bytes = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_error(what, e))?;
        if bytes.len() as u64 > limit {
            return Err(self.too_large(what, limit));
        }
        Ok(bytes)
    }

    fn too_large(&self, what: &str, limit: u64) -> Error {
        Error::TooLarge {
            reference: self.reference.original.clone(),
            what: what.to_string(),
            limit,
        }
    }

    fn io_error(&self, what: &str, e: std::io::Error) -> Error {
        Error::Connect {
            reference: self.reference.original.clone(),
            registry: self.reference.registry.clone(),
            message: format!("reading {what}: {e}"),
        }
    }

    fn unauthorized(&self, message: String) -> Error {
        Error::Unauthorized {
            reference: self.reference.original.clone(),
            message,
        }
    }

    fn transport_error(&self, e: ureq::Error) -> Error {
        let mut message = match &e {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused".to_string()
            }
            ureq::Error::Io(io) => io.to_string(),
            ureq::Error::HostNotFound => "host not found".to_string(),
            ureq::Error::Timeout(t) => format!("timed out ({t})"),
            other => other.to_string(),
        };
        let tls = matches!(
            e,
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Protocol(_)
        );
        if tls && self.base.starts_with("https://") {
            message.push_str(" (if this registry speaks plain HTTP, allow it explicitly)");
        }
        Error::Connect {
            reference: self.reference.original.clone(),
            registry: self.base.clone(),
            message,
        }
    }

    /// Turns an unsuccessful answer into an error, with the registry's own error message.
    fn status_error(&self, response: Response<Body>, what: &str) -> Error {
        let status = response.status();
        let said = self
            .read_limited(response, MAX_SMALL_BODY, "error answer")
            .ok()
            .and_then(|b| serde_json::from_slice::<ErrorBody>(&b).ok())
            .map(|body| {
                body.errors
                    .iter()
                    .map(|e| match (e.code.is_empty(), e.message.is_empty()) {
                        (false, false) => format!("{} ({})", e.message, e.code),
                        (true, false) => e.message.clone(),
                        _ => e.code.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let said_suffix = if said.is_empty() {
            String::new()
        } else {
            format!(": {said}")
        };
        let reference = self.reference.original.clone();
        let repository = format!("{}/{}", self.reference.registry, self.reference.repository);
        match status {
            StatusCode::UNAUTHORIZED => {
                let hint = match self.credentials() {
                    Ok(Some(c)) => format!("{} was not accepted", c.describe()),
                    Ok(None) => format!("no credentials found for {}", self.reference.auth_key()),
                    Err(e) => e.to_string(),
                };
                Error::Unauthorized {
                    reference,
                    message: format!("{what} of {repository}{said_suffix} ({hint})"),
                }
            }
            StatusCode::FORBIDDEN => Error::Denied {
                reference,
                message: format!("{what} of {repository}{said_suffix}"),
            },
            StatusCode::NOT_FOUND => Error::NotFound {
                reference,
                message: format!("{what} not found in {repository}{said_suffix}"),
            },
            status => Error::Http {
                reference,
                what: format!("{what} of {repository}"),
                status: status.as_u16(),
                message: said,
            },
        }
    }
}

fn basic(username: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
}

fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn content_length(response: &Response<Body>) -> Option<u64> {
    header(response, "content-length").and_then(|l| l.trim().parse().ok())
}
