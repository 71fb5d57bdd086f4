//! End to end against real registries: Debian's `docker-registry` (distribution 2.8) started
//! on free loopback ports with configs of our own, fed by `docker push` to an instance without
//! auth, and read back through instances sharing its storage with token auth (a token server
//! in the test signs RS256 JWTs with a certificate from the registry's root bundle, made with
//! the `openssl` CLI) and with htpasswd Basic auth. These tests fail, not skip, when
//! `/usr/bin/docker-registry`, `openssl` or the Docker engine is missing: CI installs them.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use dockguard_image::{EntryKind, ImageSource, LayerStream, Limits, OpenOptions, Platform};
use dockguard_registry::digest::Algorithm;
use dockguard_registry::{BlobError, Error, RegistryOptions, RegistrySource, open};
use dockguard_testsupport::registry::{Pushed, Registry, free_port, push};
use dockguard_testsupport::{IMAGE, docker, ensure_image};

const USER: &str = "dg-user";
const PASSWORD: &str = "dg-password";
const REFRESH_TOKEN: &str = "dg-refresh-token";
const SERVICE: &str = "dg-registry";
const ISSUER: &str = "dg-issuer";

// ---------------------------------------------------------------------------------------------
// A registry process of our own.

/// Storage with `dg-busybox:test` pushed as `repo_tag` through an instance without auth.
fn storage_with_busybox(repo_tag: &str) -> (tempfile::TempDir, Registry, Pushed) {
    ensure_image();
    let storage = tempfile::tempdir().unwrap();
    let plain = Registry::start(storage.path(), "");
    let pushed = push(&plain, IMAGE, repo_tag);
    (storage, plain, pushed)
}

fn inspect(image: &str, format: &str) -> serde_json::Value {
    serde_json::from_str(&docker(&["image", "inspect", "--format", format, image])).unwrap()
}

fn open_with(reference: &str, options: &RegistryOptions) -> Result<RegistrySource, Error> {
    open(reference, options, &OpenOptions::default())
}

fn credentials(username: &str, password: &str) -> RegistryOptions {
    RegistryOptions {
        username: Some(username.into()),
        password: Some(password.into()),
        ..RegistryOptions::default()
    }
}

/// Walks the image and checks it is the busybox test image.
fn assert_is_busybox(source: &RegistrySource) {
    let result = dockguard_image::walk(source, &mut [], &Limits::default())
        .unwrap_or_else(|e| panic!("walk of {}: {e}", source.describe()));
    let busybox = result
        .tree
        .get("bin/busybox")
        .expect("bin/busybox in the image");
    assert_eq!(busybox.kind, EntryKind::File);
    assert_eq!(
        busybox.size,
        std::fs::metadata("/bin/busybox").unwrap().len()
    );
    let sh = result.tree.get("bin/sh").expect("bin/sh in the image");
    assert_eq!(
        (sh.kind, sh.link.as_deref()),
        (EntryKind::Symlink, Some("busybox"))
    );
}

/// Reads layer `index` to its end, which verifies its size and digest.
fn read_layer(source: &RegistrySource, index: usize) -> io::Result<u64> {
    match source.open_layer(index).map_err(io::Error::other)? {
        LayerStream::Tar(mut reader) => io::copy(&mut reader, &mut io::sink()),
        LayerStream::SeekableTar(_) | LayerStream::Directory(_) => {
            panic!("a registry layer is a one-way blob stream")
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A token server that signs JWTs as registry 2.8 expects them.

/// A key and self-signed certificate (the registry's `rootcertbundle`), made with `openssl`.
struct SigningKey {
    dir: tempfile::TempDir,
    /// The certificate, DER in standard base64, for the JWT header's `x5c`.
    x5c: String,
}

impl SigningKey {
    fn generate() -> SigningKey {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=dockguard test token issuer"])
            .arg("-keyout")
            .arg(dir.path().join("key.pem"))
            .arg("-out")
            .arg(dir.path().join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the openssl CLI is needed to make the token signing certificate");
        assert!(status.success(), "openssl req failed");
        let der = Command::new("openssl")
            .args(["x509", "-outform", "der", "-in"])
            .arg(dir.path().join("cert.pem"))
            .output()
            .expect("openssl x509");
        assert!(der.status.success(), "openssl x509 failed");
        SigningKey {
            x5c: STANDARD.encode(der.stdout),
            dir,
        }
    }

    fn cert_path(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256), exactly what `openssl dgst -sign` makes.
    fn sign(&self, data: &[u8]) -> Vec<u8> {
        let mut child = Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(self.dir.path().join("key.pem"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("openssl dgst");
        child.stdin.take().unwrap().write_all(data).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "openssl dgst -sign failed");
        out.stdout
    }

    /// A JWT for `subject` granting `actions` on `repository`.
    fn token(&self, subject: &str, repository: &str, actions: &[&str]) -> String {
        let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]});
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let access = if actions.is_empty() {
            serde_json::json!([])
        } else {
            serde_json::json!([{"type": "repository", "name": repository, "actions": actions}])
        };
        let claims = serde_json::json!({
            "iss": ISSUER, "sub": subject, "aud": SERVICE,
            "exp": now + 300, "nbf": now - 10, "iat": now - 10,
            "jti": format!("dg-{now}-{}", rand_suffix()), "access": access,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = URL_SAFE_NO_PAD.encode(self.sign(signing_input.as_bytes()));
        format!("{signing_input}.{signature}")
    }
}

fn rand_suffix() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// One HTTP request as a test server saw it.
#[derive(Debug, Clone)]
struct HttpRequest {
    method: String,
    /// Path and query.
    target: String,
    /// Lowercase names.
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl HttpRequest {
    /// Query parameters, plus form fields of a POST body.
    fn params(&self) -> BTreeMap<String, String> {
        let mut params = parse_form(self.target.split_once('?').map_or("", |(_, q)| q));
        if self.method == "POST" {
            params.extend(parse_form(&String::from_utf8_lossy(&self.body)));
        }
        params
    }

    /// The user name and password of a Basic `Authorization` header.
    fn basic(&self) -> Option<(String, String)> {
        let encoded = self.headers.get("authorization")?.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some((user.to_string(), password.to_string()))
    }
}

type Handler = dyn Fn(&HttpRequest) -> (&'static str, Vec<u8>) + Send + Sync;

/// A one-request-per-connection HTTP/1.1 server on a loopback address, answering with
/// `handler` (status line text, JSON or binary body) and logging every request. Stopped when
/// dropped.
struct HttpServer {
    port: u16,
    ip: &'static str,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<HttpRequest>>>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    fn start(ip: &'static str, handler: Box<Handler>) -> HttpServer {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop_flag, log) = (stop.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    // One bad request must not stop the server.
                    let _ = serve_one(stream, handler.as_ref(), &log);
                }
            }
        });
        HttpServer {
            port,
            ip,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}:{}{path}", self.ip, self.port)
    }

    fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((self.ip, self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve_one(
    stream: TcpStream,
    handler: &Handler,
    log: &Mutex<Vec<HttpRequest>>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 16)];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let request = HttpRequest {
        method: parts.next().unwrap_or_default().to_string(),
        target: parts.next().unwrap_or_default().to_string(),
        headers,
        body,
    };
    log.lock().unwrap().push(request.clone());
    let (status, body) = handler(&request);
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => out.push(b),
                    Err(_) => out.extend_from_slice(&bytes[i..i + 3]),
                }
                i += 3;
                continue;
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_form(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The registry's token service: Basic `USER:PASSWORD` or the refresh token `REFRESH_TOKEN`
/// earn pull access to the requested repository, no credentials a token without access,
/// wrong ones a 401.
fn token_server(key: Arc<SigningKey>) -> HttpServer {
    HttpServer::start(
        "127.0.0.1",
        Box::new(move |request| {
            let params = request.params();
            let refresh = request.method == "POST"
                && params.get("grant_type").map(String::as_str) == Some("refresh_token");
            let subject = if refresh {
                (params.get("refresh_token").map(String::as_str) == Some(REFRESH_TOKEN))
                    .then_some(USER)
            } else {
                match request.basic() {
                    Some((u, p)) => (u == USER && p == PASSWORD).then_some(USER),
                    None => Some(""), // anonymous
                }
            };
            let Some(subject) = subject else {
                let body = serde_json::json!({"details": "incorrect username or password"});
                return ("401 Unauthorized", body.to_string().into_bytes());
            };
            let scope = params.get("scope").cloned().unwrap_or_default();
            let mut fields = scope.splitn(3, ':');
            let (kind, repository, actions) = (
                fields.next().unwrap_or_default(),
                fields.next().unwrap_or_default(),
                fields.next().unwrap_or_default(),
            );
            let granted: Vec<&str> = if subject.is_empty() || kind != "repository" {
                Vec::new()
            } else {
                actions.split(',').filter(|a| *a == "pull").collect()
            };
            let token = key.token(subject, repository, &granted);
            let answer = if refresh {
                serde_json::json!({"access_token": token, "expires_in": 300})
            } else {
                serde_json::json!({"token": token, "expires_in": 300})
            };
            ("200 OK", answer.to_string().into_bytes())
        }),
    )
}

/// Serves the files of `storage` at their paths, as the storage host a registry redirects
/// blob downloads to.
fn storage_server(ip: &'static str, storage: PathBuf) -> HttpServer {
    HttpServer::start(
        ip,
        Box::new(move |request| {
            let path = request.target.split('?').next().unwrap_or_default();
            if request.method != "GET" || path.split('/').any(|c| c == "..") {
                return ("400 Bad Request", Vec::new());
            }
            match std::fs::read(storage.join(path.trim_start_matches('/'))) {
                Ok(bytes) => ("200 OK", bytes),
                Err(_) => ("404 Not Found", Vec::new()),
            }
        }),
    )
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn reads_a_pushed_image_as_docker_inspect_describes_it() {
    let (_storage, registry, _pushed) = storage_with_busybox("dg/busybox:test");
    let reference = format!("{}/dg/busybox:test", registry.host());
    let source = open_with(&reference, &RegistryOptions::default())
        .unwrap_or_else(|e| panic!("{e}\n{}", registry.log()));

    let repo = format!("{}/dg/busybox", registry.host());
    let repo_digests = inspect(IMAGE, "{{json .RepoDigests}}");
    let pushed_digest = repo_digests
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .find(|d| d.starts_with(&format!("{repo}@")))
        .unwrap_or_else(|| panic!("no repo digest for {repo} in {repo_digests}"))
        .to_string();
    let manifest = source.manifest();
    assert_eq!(manifest.names, vec![reference.clone()]);
    assert_eq!(manifest.repo_digests, vec![pushed_digest.clone()]);
    assert_eq!(
        manifest.manifest_digest.as_deref(),
        pushed_digest.split_once('@').map(|(_, d)| d)
    );
    assert_eq!(source.describe(), reference);

    let diff_ids: Vec<String> =
        serde_json::from_value(inspect(IMAGE, "{{json .RootFS.Layers}}")).unwrap();
    let config = source.config();
    assert_eq!(config.rootfs.as_ref().unwrap().diff_ids, diff_ids);
    assert_eq!(
        config.architecture.as_deref(),
        inspect(IMAGE, "{{json .Architecture}}").as_str()
    );
    assert_eq!(
        config.os.as_deref(),
        inspect(IMAGE, "{{json .Os}}").as_str()
    );
    assert_eq!(manifest.layers.len(), diff_ids.len());
    for (layer, diff_id) in manifest.layers.iter().zip(&diff_ids) {
        assert_eq!(layer.diff_id.as_ref(), Some(diff_id));
        assert!(layer.digest.as_deref().unwrap().starts_with("sha256:"));
        assert!(layer.media_type.as_deref().unwrap().contains("tar"));
        assert!(layer.size.unwrap() > 0);
    }
    assert!(
        manifest
            .config_digest
            .as_deref()
            .unwrap()
            .starts_with("sha256:")
    );

    assert_is_busybox(&source);
    // Read to the end, each layer is checked against its size and digest.
    assert_eq!(
        read_layer(&source, 0).unwrap(),
        manifest.layers[0].size.unwrap()
    );
    assert!(matches!(
        source.open_layer(manifest.layers.len()),
        Err(dockguard_image::Error::Missing { .. })
    ));

    // By digest: the same image.
    let by_digest = open_with(&pushed_digest, &RegistryOptions::default()).unwrap();
    assert_eq!(by_digest.manifest().config_digest, manifest.config_digest);
    assert_eq!(
        by_digest.manifest().repo_digests,
        vec![pushed_digest.clone()]
    );
}

#[test]
fn unknown_tags_repositories_and_unreachable_registries_are_clear_errors() {
    let (_storage, registry, _pushed) = storage_with_busybox("dg/busybox:test");
    let options = RegistryOptions::default();

    let unknown_tag = format!("{}/dg/busybox:nope", registry.host());
    let err = open_with(&unknown_tag, &options)
        .err()
        .expect("unknown tag");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{unknown_tag}: manifest nope not found")),
        "{message}"
    );
    assert!(message.contains("MANIFEST_UNKNOWN"), "{message}");
    assert!(!message.contains('\n'));

    let unknown_repo = format!("{}/dg/nothing:test", registry.host());
    let err = open_with(&unknown_repo, &options)
        .err()
        .expect("unknown repository");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "{unknown_repo}: manifest test not found in {}/dg/nothing",
            registry.host()
        )),
        "{err}"
    );

    let nobody = format!("127.0.0.1:{}/dg/busybox:test", free_port());
    let err = open_with(&nobody, &options).err().expect("nothing listens");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("{nobody}: cannot reach the registry"))
            && err.to_string().ends_with("connection refused"),
        "{err}"
    );

    let err = open_with("127.0.0.1:1/UPPER:case", &options).err().unwrap();
    assert!(matches!(err, Error::InvalidReference { .. }), "{err:?}");

    // A digest the repository does not have.
    let wrong = format!("{}/dg/busybox@sha256:{}", registry.host(), "0".repeat(64));
    let err = open_with(&wrong, &options).err().unwrap();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[test]
fn multi_platform_index_resolves_to_the_requested_platform() {
    let (_storage, registry, _amd64) = storage_with_busybox("dg/multi:amd64");
    // A second, different image for "arm64": one marker file.
    let other = format!("dg-registry-other:{}", registry.port());
    let content = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(content.path().join("etc")).unwrap();
    std::fs::write(content.path().join("etc/arm-marker"), "arm64\n").unwrap();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -C '{}' -c . | docker import - {other}",
            content.path().display()
        ))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "docker import failed");
    let _other_tag = Pushed {
        target: other.clone(),
    };
    let _arm64 = push(&registry, &other, "dg/multi:arm64");

    // Build and PUT an OCI index over the two manifests (and an attestation-like entry).
    let agent = ureq::Agent::new_with_defaults();
    let descriptor = |tag: &str| {
        let mut response = agent
            .get(format!("http://{}/v2/dg/multi/manifests/{tag}", registry.host()))
            .header(
                "Accept",
                "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
            )
            .call()
            .unwrap();
        let media_type = response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let digest = response
            .headers()
            .get("docker-content-digest")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let size = response.body_mut().read_to_vec().unwrap().len();
        (media_type, digest, size)
    };
    let (amd_type, amd_digest, amd_size) = descriptor("amd64");
    let (arm_type, arm_digest, arm_size) = descriptor("arm64");
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": amd_type, "digest": amd_digest, "size": amd_size,
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": arm_type, "digest": arm_digest, "size": arm_size,
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"},
             "annotations": {"org.opencontainers.image.base.name": "example/base:arm"}},
            {"mediaType": amd_type, "digest": amd_digest, "size": amd_size,
             "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
        ]
    })
    .to_string();
    let put = agent
        .put(format!(
            "http://{}/v2/dg/multi/manifests/latest",
            registry.host()
        ))
        .header("Content-Type", "application/vnd.oci.image.index.v1+json")
        .send(index.as_bytes())
        .unwrap_or_else(|e| panic!("PUT index: {e}\n{}", registry.log()));
    assert_eq!(put.status().as_u16(), 201, "{}", registry.log());
    let index_digest =
        dockguard_registry::Digest::of(Algorithm::Sha256, index.as_bytes()).to_string();

    let reference = format!("{}/dg/multi", registry.host());
    let with_platform = |platform: &str| OpenOptions {
        platform: Platform::parse(platform).unwrap(),
        ..OpenOptions::default()
    };
    let arm = open(
        &reference,
        &RegistryOptions::default(),
        &with_platform("linux/arm64"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let manifest = arm.manifest();
    assert_eq!(
        manifest.manifest_digest.as_deref(),
        Some(arm_digest.as_str())
    );
    assert_eq!(manifest.platform, Platform::parse("linux/arm64/v8"));
    assert_eq!(
        manifest
            .annotations
            .get("org.opencontainers.image.base.name")
            .map(String::as_str),
        Some("example/base:arm")
    );
    assert_eq!(
        manifest.repo_digests,
        vec![
            format!("{reference}@{index_digest}"),
            format!("{reference}@{arm_digest}")
        ]
    );
    let tree = dockguard_image::walk(&arm, &mut [], &Limits::default())
        .unwrap()
        .tree;
    assert!(tree.get("etc/arm-marker").is_some());
    assert!(tree.get("bin/busybox").is_none());

    let amd = open(
        &reference,
        &RegistryOptions::default(),
        &with_platform("linux/amd64"),
    )
    .unwrap();
    assert_eq!(
        amd.manifest().manifest_digest.as_deref(),
        Some(amd_digest.as_str())
    );
    assert_is_busybox(&amd);

    let err = open(
        &reference,
        &RegistryOptions::default(),
        &with_platform("linux/s390x"),
    )
    .err()
    .unwrap();
    assert!(matches!(err, Error::Format { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{reference}: manifest latest: no image for platform linux/s390x in the index (it has linux/amd64, linux/arm64/v8)"
        )
    );
}

/// Writes `config.json` into a fresh Docker configuration folder.
fn docker_config(json: &serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), json.to_string()).unwrap();
    dir
}

#[test]
fn token_auth_with_explicit_and_configured_credentials() {
    let (storage, _plain, _pushed) = storage_with_busybox("dg/private:test");
    let key = Arc::new(SigningKey::generate());
    let tokens = token_server(key.clone());
    let registry = Registry::start(
        storage.path(),
        &format!(
            "auth:\n  token:\n    realm: {}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {}\n",
            tokens.url("/token"),
            key.cert_path().display()
        ),
    );
    let host = registry.host();
    let reference = format!("{host}/dg/private:test");

    // Explicit user name and password.
    let source = open_with(&reference, &credentials(USER, PASSWORD))
        .unwrap_or_else(|e| panic!("{e}\n{}", registry.log()));
    assert_is_busybox(&source);
    let asked = tokens.requests();
    assert!(
        asked.iter().any(|r| r.method == "GET"
            && r.basic().is_some_and(|(user, _)| user == USER)
            && r.params().get("service").map(String::as_str) == Some(SERVICE)
            && r.params().get("scope").map(String::as_str) == Some("repository:dg/private:pull")),
        "{asked:?}"
    );

    // A wrong password: the token service refuses it.
    let err = open_with(&reference, &credentials(USER, "wrong"))
        .err()
        .unwrap();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "{reference}: unauthorized: the token service {} refused user {USER} (HTTP 401)",
            tokens.url("/token")
        )),
        "{err}"
    );

    // No credentials: an anonymous token without access, then the registry's 401.
    let err = open_with(&reference, &RegistryOptions::default())
        .err()
        .unwrap();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("(no credentials found for {host})")),
        "{err}"
    );

    // From a Docker configuration folder: `auths` with base64 user:password …
    let config = docker_config(&serde_json::json!({
        "auths": {format!("http://{host}/v2/"): {"auth": STANDARD.encode(format!("{USER}:{PASSWORD}"))}}
    }));
    let from_config = RegistryOptions {
        docker_config_dir: Some(config.path().to_path_buf()),
        ..RegistryOptions::default()
    };
    assert_is_busybox(&open_with(&reference, &from_config).unwrap());

    // … an identity token, exchanged with the refresh-token grant …
    let config = docker_config(&serde_json::json!({
        "auths": {host.clone(): {"auth": STANDARD.encode(format!("{USER}:")), "identitytoken": REFRESH_TOKEN}}
    }));
    let with_identity = RegistryOptions {
        docker_config_dir: Some(config.path().to_path_buf()),
        ..RegistryOptions::default()
    };
    assert!(open_with(&reference, &with_identity).is_ok());
    assert!(
        tokens.requests().iter().any(|r| r.method == "POST"
            && r.params().get("grant_type").map(String::as_str) == Some("refresh_token")),
        "{:?}",
        tokens.requests()
    );

    // … and a credential helper named in `credHelpers`, given the server on standard input.
    let helpers = tempfile::tempdir().unwrap();
    let helper = helpers.path().join("docker-credential-dgtest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = '{host}' ] || exit 1\n\
             printf '{{\"ServerURL\":\"%s\",\"Username\":\"{USER}\",\"Secret\":\"{PASSWORD}\"}}' \"$server\"\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &helper,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
    )
    .unwrap();
    let config = docker_config(&serde_json::json!({
        "credsStore": "dg-absent-store",
        "credHelpers": {host.clone(): "dgtest"}
    }));
    let with_helper = RegistryOptions {
        docker_config_dir: Some(config.path().to_path_buf()),
        helper_path: Some(helpers.path().as_os_str().to_owned()),
        ..RegistryOptions::default()
    };
    assert_is_busybox(&open_with(&reference, &with_helper).unwrap());
}

/// An `auth` section for Basic auth with `USER:PASSWORD` in an htpasswd file in `dir`.
fn htpasswd_auth(dir: &Path) -> String {
    let htpasswd = dir.join("htpasswd");
    let hash = bcrypt::hash(PASSWORD, 5).unwrap();
    std::fs::write(&htpasswd, format!("{USER}:{hash}\n")).unwrap();
    format!(
        "auth:\n  htpasswd:\n    realm: dg-basic\n    path: {}\n",
        htpasswd.display()
    )
}

#[test]
fn basic_auth_with_htpasswd() {
    let (storage, _plain, _pushed) = storage_with_busybox("dg/basic:test");
    let auth_dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(storage.path(), &htpasswd_auth(auth_dir.path()));
    let reference = format!("{}/dg/basic:test", registry.host());

    let source = open_with(&reference, &credentials(USER, PASSWORD))
        .unwrap_or_else(|e| panic!("{e}\n{}", registry.log()));
    assert_is_busybox(&source);

    let err = open_with(&reference, &credentials(USER, "wrong"))
        .err()
        .unwrap();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("user {USER} was not accepted")),
        "{err}"
    );

    let err = open_with(&reference, &RegistryOptions::default())
        .err()
        .unwrap();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(
        err.to_string().ends_with(&format!(
            "the registry asks for a user name and password; none found for {}",
            registry.host()
        )),
        "{err}"
    );
}

#[test]
fn blob_redirects_to_another_host_do_not_carry_credentials() {
    let (storage, _plain, _pushed) = storage_with_busybox("dg/redirect:test");
    // Another loopback address is another host.
    let blobs = storage_server("127.0.0.2", storage.path().to_path_buf());
    let auth_dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(
        storage.path(),
        &format!(
            "{}middleware:\n  storage:\n    - name: redirect\n      options:\n        baseurl: {}\n",
            htpasswd_auth(auth_dir.path()),
            blobs.url("")
        ),
    );
    let reference = format!("{}/dg/redirect:test", registry.host());
    let source = open_with(&reference, &credentials(USER, PASSWORD))
        .unwrap_or_else(|e| panic!("{e}\n{}", registry.log()));
    assert_is_busybox(&source);
    let served = blobs.requests();
    // The config and the layer, both fetched from the storage host …
    assert!(served.len() >= 2, "{served:?}");
    assert!(
        served.iter().all(|r| r.target.contains("/blobs/sha256/")),
        "{served:?}"
    );
    // … without the registry's Basic credentials.
    assert!(
        served
            .iter()
            .all(|r| !r.headers.contains_key("authorization")),
        "{served:?}"
    );
}

/// The file the registry keeps a blob in.
fn blob_file(storage: &Path, digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap();
    storage.join(format!(
        "docker/registry/v2/blobs/sha256/{}/{hex}/data",
        &hex[..2]
    ))
}

fn flip_byte(path: &Path, offset: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = (offset as usize).min(bytes.len() - 1);
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn corrupted_blobs_fail_digest_verification() {
    let (storage, registry, _pushed) = storage_with_busybox("dg/corrupt:test");
    let reference = format!("{}/dg/corrupt:test", registry.host());
    let options = RegistryOptions::default();
    let good = open_with(&reference, &options).unwrap();
    let config_digest = good.manifest().config_digest.clone().unwrap();
    let layer = good.manifest().layers[0].clone();

    // A config with one bit changed (same length, so the registry serves it as it is).
    let config_file = blob_file(storage.path(), &config_digest);
    let original = std::fs::read(&config_file).unwrap();
    flip_byte(&config_file, 10);
    let err = open_with(&reference, &options)
        .err()
        .expect("corrupt config");
    assert!(
        matches!(&err, Error::DigestMismatch { expected, .. } if *expected == config_digest),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "{reference}: config {config_digest}: digest mismatch"
        )),
        "{err}"
    );
    std::fs::write(&config_file, original).unwrap();

    // A layer with one bit changed near its end: the stream fails when read to the end.
    let layer_file = blob_file(storage.path(), layer.digest.as_deref().unwrap());
    flip_byte(&layer_file, layer.size.unwrap() - 3);
    let source = open_with(&reference, &options).unwrap();
    let err = read_layer(&source, 0).expect_err("corrupt layer");
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<BlobError>());
    assert!(
        matches!(inner, Some(BlobError::DigestMismatch { expected, .. })
            if Some(expected.to_string()) == layer.digest),
        "{err:?}"
    );
}
