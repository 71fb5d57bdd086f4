//! A small blocking client for the Docker Engine API over a Unix socket.
//!
//! No async runtime: every request opens a [`UnixStream`], sends one HTTP/1.1 `GET` with
//! `Connection: close` and reads the whole answer, with read and write timeouts and a cap on
//! the body size. [`Engine::connect`] picks the socket from `--host` / `DOCKER_HOST` and
//! negotiates the API version (`GET /_ping`, then every path is prefixed with
//! `/v<min(server, 1.43)>`). Nothing here prints.

mod http;

pub use http::BodyReader;

use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The socket used when neither `--host` nor `DOCKER_HOST` names one.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";
/// Newest API version this client asks for.
pub const MAX_API_VERSION: (u32, u32) = (1, 43);
/// Assumed when `/_ping` has no `API-Version` header (engines older than that header).
pub const FALLBACK_API_VERSION: (u32, u32) = (1, 24);
/// Read and write timeout of each request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response body accepted.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "unsupported Docker host `{0}`: only unix:// sockets are supported (tcp://, ssh:// and other transports are not supported yet)"
    )]
    UnsupportedHost(String),
    #[error("invalid Docker host `{host}`: {reason}")]
    InvalidHost { host: String, reason: &'static str },
    #[error("cannot connect to the Docker engine at {socket}: {cause}")]
    Connect { socket: String, cause: io::Error },
    #[error("the Docker engine at {socket} did not answer {path} within {timeout:?}")]
    Timeout {
        socket: String,
        path: String,
        timeout: Duration,
    },
    #[error("talking to the Docker engine at {socket} failed ({path}): {cause}")]
    Io {
        socket: String,
        path: String,
        cause: io::Error,
    },
    #[error("the Docker engine at {socket} sent a malformed response to {path}: {detail}")]
    Protocol {
        socket: String,
        path: String,
        detail: String,
    },
    #[error("the Docker engine at {socket} sent more than {limit} bytes for {path}")]
    BodyTooLarge {
        socket: String,
        path: String,
        limit: usize,
    },
    #[error("the Docker engine at {socket} answered {path} with {status}: {message}")]
    Api {
        socket: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("the Docker engine at {socket} sent invalid JSON for {path}: {cause}")]
    Json {
        socket: String,
        path: String,
        cause: serde_json::Error,
    },
}

impl Error {
    /// The engine answered 404 (a container removed between listing and inspecting it).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api { status: 404, .. })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A JSON answer: parsed, and the body exactly as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub value: serde_json::Value,
    pub text: String,
}

/// What `GET /_ping` said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ping {
    /// The `API-Version` header, when sent.
    pub api_version: Option<String>,
    pub body: String,
}

/// One entry of `GET /containers/json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSummary {
    pub id: String,
    /// First name, without the leading `/`; empty when the engine listed none.
    pub name: String,
    pub image: String,
    /// `created`, `running`, `exited`, …
    pub state: String,
}

impl ContainerSummary {
    /// Reads the entries of a `GET /containers/json` answer; entries without an `Id` are skipped.
    pub fn list(value: &serde_json::Value) -> Vec<ContainerSummary> {
        let text = |v: &serde_json::Value, key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        value
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|c| {
                let id = c.get("Id")?.as_str()?.to_string();
                let name = c
                    .get("Names")
                    .and_then(|n| n.get(0))
                    .and_then(serde_json::Value::as_str)
                    .map(|n| n.trim_start_matches('/').to_string())
                    .unwrap_or_default();
                Some(ContainerSummary {
                    id,
                    name,
                    image: text(c, "Image"),
                    state: text(c, "State"),
                })
            })
            .collect()
    }
}

/// Reads a Docker host string; only `unix:///path` is supported.
pub fn parse_host(host: &str) -> Result<PathBuf> {
    let host = host.trim();
    if let Some(path) = host.strip_prefix("unix://") {
        if path.is_empty() {
            return Err(Error::InvalidHost {
                host: host.to_string(),
                reason: "no socket path after unix://",
            });
        }
        return Ok(PathBuf::from(path));
    }
    if host.contains("://") {
        return Err(Error::UnsupportedHost(host.to_string()));
    }
    Err(Error::InvalidHost {
        host: host.to_string(),
        reason: "expected unix:///path/to/docker.sock",
    })
}

/// Where the Docker CLI would look for its engine, read from the process environment.
#[derive(Debug, Clone, Default)]
pub struct HostEnv {
    /// `DOCKER_HOST`.
    pub docker_host: Option<String>,
    /// `DOCKER_CONTEXT`.
    pub docker_context: Option<String>,
    /// `DOCKER_CONFIG`, else `$HOME/.docker`: holds `config.json` (`currentContext`) and
    /// `contexts/meta/*/meta.json`.
    pub config_dir: Option<PathBuf>,
    /// `XDG_RUNTIME_DIR`, where a rootless daemon puts its socket.
    pub runtime_dir: Option<PathBuf>,
}

impl HostEnv {
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        HostEnv {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            config_dir: var("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|h| Path::new(&h).join(".docker"))),
            runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
        }
    }
}

/// The socket to use, as the Docker CLI chooses it: `flag` (`--host`), else `DOCKER_HOST`,
/// else the Docker context (`DOCKER_CONTEXT`, else `currentContext` of `config.json`), else
/// [`DEFAULT_HOST`] when that socket exists, else a rootless daemon's
/// `$XDG_RUNTIME_DIR/docker.sock` when that one exists, else [`DEFAULT_HOST`]. Empty values
/// count as unset.
pub fn resolve_host(flag: Option<&str>) -> Result<PathBuf> {
    resolve_host_in(&HostEnv::from_process(), flag)
}

/// [`resolve_host`] with an explicit environment.
pub fn resolve_host_in(env: &HostEnv, flag: Option<&str>) -> Result<PathBuf> {
    if let Some(host) = flag.filter(|h| !h.trim().is_empty()) {
        return parse_host(host);
    }
    if let Some(host) = &env.docker_host {
        return parse_host(host);
    }
    if let Some(host) = context_host(env)? {
        return parse_host(&host);
    }
    let default = parse_host(DEFAULT_HOST)?;
    if !default.exists()
        && let Some(rootless) = env.runtime_dir.as_ref().map(|d| d.join("docker.sock"))
        && rootless.exists()
    {
        return Ok(rootless);
    }
    Ok(default)
}

/// The `docker` endpoint of the current Docker context, if one other than `default` is chosen.
fn context_host(env: &HostEnv) -> Result<Option<String>> {
    let Some(config_dir) = &env.config_dir else {
        return Ok(None);
    };
    let name = match &env.docker_context {
        Some(name) => Some(name.clone()),
        None => std::fs::read(config_dir.join("config.json"))
            .ok()
            .and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok())
            .and_then(|c| c.get("currentContext")?.as_str().map(str::to_string))
            .filter(|n| !n.is_empty()),
    };
    let Some(name) = name.filter(|n| n != "default") else {
        return Ok(None);
    };
    // Context folders are named by a hash of the name; reading each meta.json avoids
    // depending on the hash.
    let meta_dir = config_dir.join("contexts").join("meta");
    for entry in std::fs::read_dir(&meta_dir).into_iter().flatten().flatten() {
        let Ok(raw) = std::fs::read(entry.path().join("meta.json")) else {
            continue;
        };
        let Ok(meta) = serde_json::from_slice::<serde_json::Value>(&raw) else {
            continue;
        };
        if meta.get("Name").and_then(serde_json::Value::as_str) == Some(name.as_str()) {
            return match meta
                .pointer("/Endpoints/docker/Host")
                .and_then(serde_json::Value::as_str)
            {
                Some(host) => Ok(Some(host.to_string())),
                None => Err(Error::InvalidHost {
                    host: format!("context {name}"),
                    reason: "the context has no docker endpoint",
                }),
            };
        }
    }
    Err(Error::InvalidHost {
        host: format!("context {name}"),
        reason: "no such Docker context in the Docker configuration folder",
    })
}

/// A Docker engine reached through a Unix socket.
#[derive(Debug, Clone)]
pub struct Engine {
    socket: PathBuf,
    /// `/v1.41` once negotiated; empty before (the engine then uses its newest version).
    prefix: String,
    timeout: Duration,
    body_limit: usize,
}

impl Engine {
    /// An engine at `socket`, not contacted yet and with no API version chosen.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Engine {
            socket: socket.into(),
            prefix: String::new(),
            timeout: DEFAULT_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Resolves the host ([`resolve_host`]) and negotiates the API version.
    pub fn connect(host: Option<&str>) -> Result<Self> {
        let mut engine = Engine::new(resolve_host(host)?);
        engine.negotiate()?;
        Ok(engine)
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The negotiated version (`1.41`), if any.
    pub fn api_version(&self) -> Option<&str> {
        self.prefix.strip_prefix("/v")
    }

    /// Pings the engine and picks min(its API version, [`MAX_API_VERSION`]); returns it.
    pub fn negotiate(&mut self) -> Result<String> {
        let ping = self.ping()?;
        let server = ping
            .api_version
            .as_deref()
            .and_then(parse_version)
            .unwrap_or(FALLBACK_API_VERSION);
        let (major, minor) = server.min(MAX_API_VERSION);
        let version = format!("{major}.{minor}");
        self.prefix = format!("/v{version}");
        Ok(version)
    }

    /// `GET /_ping` (unversioned, as the Docker CLI does).
    pub fn ping(&self) -> Result<Ping> {
        let path = "/_ping";
        let response = self.send(path)?;
        let body = String::from_utf8_lossy(&response.body).into_owned();
        if response.status != 200 {
            return Err(self.api_error(path, response.status, &response.reason, &body));
        }
        Ok(Ping {
            api_version: response.header("API-Version").map(str::to_string),
            body,
        })
    }

    /// `GET /version`.
    pub fn version(&self) -> Result<Json> {
        self.get_json("/version")
    }

    /// `GET /info`.
    pub fn info(&self) -> Result<Json> {
        self.get_json("/info")
    }

    /// `GET /containers/json`: running containers, or every container with `all`.
    pub fn containers(&self, all: bool) -> Result<Json> {
        self.get_json(if all {
            "/containers/json?all=1"
        } else {
            "/containers/json"
        })
    }

    /// `GET /containers/{id}/json`; `id` may be a name or an id prefix.
    pub fn inspect_container(&self, id: &str) -> Result<Json> {
        self.get_json(&format!("/containers/{}/json", encode_segment(id)))
    }

    /// `GET /images/{name}/json`: the image's config, `RepoTags`, `RepoDigests`, `Size`.
    pub fn inspect_image(&self, name: &str) -> Result<Json> {
        self.get_json(&format!("/images/{}/json", encode_segment(name)))
    }

    /// `GET` of an API path (without the version prefix), expecting a 2xx JSON answer.
    pub fn get_json(&self, path: &str) -> Result<Json> {
        let full = format!("{}{path}", self.prefix);
        let response = self.send(&full)?;
        let text = String::from_utf8(response.body).map_err(|_| Error::Protocol {
            socket: self.socket_name(),
            path: full.clone(),
            detail: "body is not UTF-8".into(),
        })?;
        if !(200..300).contains(&response.status) {
            return Err(self.api_error(&full, response.status, &response.reason, &text));
        }
        let value = serde_json::from_str(&text).map_err(|cause| Error::Json {
            socket: self.socket_name(),
            path: full.clone(),
            cause,
        })?;
        Ok(Json { value, text })
    }

    /// Streams `GET /images/{name}/get`: the image as a `docker save` tar, read as it arrives
    /// (nothing buffered beyond the reader's own buffer, no temporary copy). Errors of the
    /// engine (an unknown image) come back before any byte of the body.
    pub fn export_image(&self, name: &str) -> Result<http::BodyReader<UnixStream>> {
        let path = format!("{}/images/{}/get", self.prefix, encode_segment(name));
        let stream = self.connect_stream(&path)?;
        let (head, mut body) =
            http::get_streaming(stream, &path).map_err(|e| self.http_error(&path, e))?;
        if !(200..300).contains(&head.status) {
            let mut text = String::new();
            let _ = Read::take(&mut body, 64 * 1024).read_to_string(&mut text);
            return Err(self.api_error(&path, head.status, &head.reason, &text));
        }
        Ok(body)
    }

    /// `POST /containers/create`: a container from `config` (the Engine API's create body);
    /// returns its id.
    pub fn create_container(&self, config: &serde_json::Value) -> Result<String> {
        let created = self.send_json("POST", "/containers/create", Some(config))?;
        created
            .value
            .get("Id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| Error::Protocol {
                socket: self.socket_name(),
                path: "/containers/create".into(),
                detail: "the answer has no Id".into(),
            })
    }

    /// `POST /containers/{id}/start`.
    pub fn start_container(&self, id: &str) -> Result<()> {
        let path = format!("/containers/{}/start", encode_segment(id));
        self.send_json("POST", &path, None).map(|_| ())
    }

    /// `POST /containers/{id}/wait`: blocks until the container stops (up to this engine's
    /// timeout) and returns its exit status.
    pub fn wait_container(&self, id: &str) -> Result<i64> {
        let path = format!("/containers/{}/wait", encode_segment(id));
        let answer = self.send_json("POST", &path, None)?;
        answer
            .value
            .get("StatusCode")
            .and_then(|v| v.as_i64())
            .ok_or_else(|| Error::Protocol {
                socket: self.socket_name(),
                path,
                detail: "the answer has no StatusCode".into(),
            })
    }

    /// `DELETE /containers/{id}?force=1&v=1`: stops it if it runs, removes it and its
    /// anonymous volumes.
    pub fn remove_container(&self, id: &str) -> Result<()> {
        let path = format!("/containers/{}?force=1&v=1", encode_segment(id));
        self.send_json("DELETE", &path, None).map(|_| ())
    }

    /// `GET /containers/{id}/logs` of a container without a TTY: its standard output and
    /// error, taken apart from the engine's multiplexed stream (8-byte frame headers).
    pub fn container_logs(&self, id: &str) -> Result<(Vec<u8>, Vec<u8>)> {
        let path = format!(
            "{}/containers/{}/logs?stdout=1&stderr=1",
            self.prefix,
            encode_segment(id)
        );
        let response = self.send(&path)?;
        if !(200..300).contains(&response.status) {
            let text = String::from_utf8_lossy(&response.body).into_owned();
            return Err(self.api_error(&path, response.status, &response.reason, &text));
        }
        Ok(demultiplex(&response.body))
    }

    /// `GET /exec/{id}/json`: an exec instance's `ProcessConfig` (user, tty, privileged,
    /// entrypoint, arguments), `ContainerID`, `Running`, `Pid`.
    pub fn inspect_exec(&self, id: &str) -> Result<Json> {
        self.get_json(&format!("/exec/{}/json", encode_segment(id)))
    }

    /// Streams `GET /events?filters=…` (`filters` is the Engine API's filter map, e.g.
    /// `{"type":["container"]}`; `since`, seconds since the Unix epoch, replays older events
    /// first — to resume a broken stream): a reader of the engine's JSON lines, one event per line, and
    /// a second handle on the same connection. The stream never times out while idle; to end
    /// it from another thread, `shutdown` the handle (the reader then sees the end of the
    /// body or an error). Errors of the engine come back before any byte of the body.
    pub fn events(
        &self,
        filters: &serde_json::Value,
        since: Option<i64>,
    ) -> Result<(http::BodyReader<UnixStream>, UnixStream)> {
        let mut path = format!(
            "{}/events?filters={}",
            self.prefix,
            encode_segment(&filters.to_string())
        );
        if let Some(since) = since {
            path.push_str(&format!("&since={since}"));
        }
        let stream = self.connect_stream(&path)?;
        let io_error = |cause| Error::Io {
            socket: self.socket_name(),
            path: path.clone(),
            cause,
        };
        let handle = stream.try_clone().map_err(io_error)?;
        let (head, mut body) =
            http::get_streaming(stream, &path).map_err(|e| self.http_error(&path, e))?;
        if !(200..300).contains(&head.status) {
            let mut text = String::new();
            let _ = Read::take(&mut body, 64 * 1024).read_to_string(&mut text);
            return Err(self.api_error(&path, head.status, &head.reason, &text));
        }
        // Events may be minutes apart: no read timeout once the head has arrived.
        handle.set_read_timeout(None).map_err(io_error)?;
        Ok((body, handle))
    }

    /// A request with an optional JSON body expecting a 2xx answer (JSON or empty).
    fn send_json(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Json> {
        let full = format!("{}{path}", self.prefix);
        let bytes = body.map(|b| serde_json::to_vec(b).expect("a JSON value serialises"));
        let mut stream = self.connect_stream(&full)?;
        let response = http::request(
            &mut stream,
            method,
            &full,
            bytes.as_deref(),
            self.body_limit,
        )
        .map_err(|e| self.http_error(&full, e))?;
        let text = String::from_utf8_lossy(&response.body).into_owned();
        if !(200..300).contains(&response.status) {
            return Err(self.api_error(&full, response.status, &response.reason, &text));
        }
        let value = if text.trim().is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).map_err(|cause| Error::Json {
                socket: self.socket_name(),
                path: full.clone(),
                cause,
            })?
        };
        Ok(Json { value, text })
    }

    fn socket_name(&self) -> String {
        self.socket.display().to_string()
    }

    fn api_error(&self, path: &str, status: u16, reason: &str, body: &str) -> Error {
        // Errors come as `{"message": "..."}`; fall back to the status text.
        let message = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| {
                let body = body.trim();
                if body.is_empty() || body.len() > 200 {
                    reason.to_string()
                } else {
                    body.to_string()
                }
            });
        Error::Api {
            socket: self.socket_name(),
            path: path.to_string(),
            status,
            message,
        }
    }

    /// A connection to the engine with the read and write timeouts set.
    fn connect_stream(&self, path: &str) -> Result<UnixStream> {
        let stream = UnixStream::connect(&self.socket).map_err(|cause| Error::Connect {
            socket: self.socket_name(),
            cause,
        })?;
        let timeout = Some(self.timeout.max(Duration::from_millis(1)));
        for result in [
            stream.set_read_timeout(timeout),
            stream.set_write_timeout(timeout),
        ] {
            result.map_err(|cause| Error::Io {
                socket: self.socket_name(),
                path: path.to_string(),
                cause,
            })?;
        }
        Ok(stream)
    }

    fn send(&self, path: &str) -> Result<http::Response> {
        let mut stream = self.connect_stream(path)?;
        http::get(&mut stream, path, self.body_limit).map_err(|e| self.http_error(path, e))
    }

    fn http_error(&self, path: &str, e: http::HttpError) -> Error {
        match e {
            http::HttpError::Io(cause)
                if matches!(
                    cause.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Error::Timeout {
                    socket: self.socket_name(),
                    path: path.to_string(),
                    timeout: self.timeout,
                }
            }
            http::HttpError::Io(cause) => Error::Io {
                socket: self.socket_name(),
                path: path.to_string(),
                cause,
            },
            http::HttpError::Malformed(detail) => Error::Protocol {
                socket: self.socket_name(),
                path: path.to_string(),
                detail,
            },
            http::HttpError::TooLarge => Error::BodyTooLarge {
                socket: self.socket_name(),
                path: path.to_string(),
                limit: self.body_limit,
            },
        }
    }
}

/// Splits the engine's multiplexed log stream (`[stream, 0, 0, 0, size: u32 BE]` + payload
/// per frame) into standard output and error; a truncated last frame keeps what arrived.
pub fn demultiplex(mut raw: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    while raw.len() >= 8 {
        let size = u32::from_be_bytes([raw[4], raw[5], raw[6], raw[7]]) as usize;
        let payload = &raw[8..(8 + size).min(raw.len())];
        match raw[0] {
            2 => err.extend_from_slice(payload),
            _ => out.extend_from_slice(payload),
        }
        raw = &raw[8 + payload.len()..];
    }
    (out, err)
}

/// `1.41` → (1, 41).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Percent-encodes one path segment (container names are `[a-zA-Z0-9][a-zA-Z0-9_.-]`, but a
/// caller may pass anything).
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
