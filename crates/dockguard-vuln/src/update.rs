//! `dockguard db update`: downloads the OSV exports of the configured ecosystems
//! (`{base}/{Ecosystem}/all.zip`, from the OSV bucket or a mirror with the same layout) and
//! imports them into the store.
//!
//! - **Streamed**: each export goes to `dir/downloads/<Ecosystem>/all.zip.part` through a 64 KiB
//!   buffer, never into memory; more than [`Options::max_bytes`] is refused.
//! - **Conditional**: the `ETag` and `Last-Modified` of the last download are kept in
//!   `downloads/<Ecosystem>/meta.json` and sent back as `If-None-Match` / `If-Modified-Since`;
//!   a 304 downloads nothing.
//! - **Resumable**: an interrupted download leaves its `.part` and the validator of the object
//!   it is from (`all.zip.part.json`); the next update asks for the rest with
//!   `Range: bytes=N-` and `If-Range` (a strong `ETag`, else `Last-Modified`). A 206 appends; a
//!   200 (the object changed) starts over.
//! - **Verified**: the whole file's MD5 against Cloud Storage's `x-goog-hash: md5=…` when sent
//!   (its `crc32c` is not checked: no CRC32C implementation in the workspace, and MD5 is sent for
//!   every non-composite object, which the OSV exports are), the SHA-256 against an
//!   `all.zip.sha256` sidecar when the server has one (a mirror may add it; `sha256sum` format or
//!   a bare hex digest), the length against `Content-Length`/`Content-Range`, and that the file
//!   opens as a zip. A mismatch discards the download and names the URL.
//! - **Atomic**: only verified files are renamed to `all.zip`; then every configured
//!   ecosystem's `all.zip` is imported in one [`store::import`], which builds a copy and renames
//!   it over `osv.db`. When any ecosystem failed, nothing is imported: the database stays as it
//!   was and the next update retries (verified downloads are kept; a 304 for them still leads to
//!   their import, because `downloads/state.json` records which file of each ecosystem the
//!   database holds, by SHA-256).
//! - **Checked time**: `downloads/state.json` also keeps the time of the last complete check,
//!   so that an update that found nothing new still counts as fresh ([`last_check`]; `dockguard
//!   db status` reads it).
//! - **Transport**: HTTPS (certificates checked by the platform verifier, redirects kept on
//!   HTTPS); plain `http://` only for a loopback host (`localhost`, `127.0.0.0/8`, `[::1]` — the
//!   rule the registry client uses) or with [`Options::allow_http`]. Connect timeout 15 s, 60 s
//!   per read (a stalled transfer fails; a slow one does not). One update at a time per
//!   directory (a lock on `downloads/.lock`).
//!
//! A 404 (or 410) for an ecosystem is a warning ([`Outcome::Missing`]): a mirror need not carry
//! every ecosystem. The bucket has one export per ecosystem (`Debian`, not `Debian:12`); names
//! are percent-encoded into the URL all the same.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use ureq::Agent;
use ureq::http::{Response, StatusCode};
use ureq::tls::{RootCerts, TlsConfig};

use crate::store::{self, ImportReport, Source, StoreError};

/// The OSV bucket.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// The ecosystems updated when none are named: those dockguard's inventories produce.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "PyPI",
    "npm",
    "crates.io",
    "Go",
    "Maven",
    "RubyGems",
    "NuGet",
    "Packagist",
    "Debian",
    "Alpine",
    "Ubuntu",
];
/// The folder under the database directory that keeps the downloads.
pub const DOWNLOADS: &str = "downloads";
const ZIP: &str = "all.zip";
const PART: &str = "all.zip.part";
const PART_META: &str = "all.zip.part.json";
const META: &str = "meta.json";
const STATE: &str = "state.json";
/// A sidecar digest is a line, not a file to stream.
const MAX_SIDECAR_BYTES: u64 = 4096;

/// How to update.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest export accepted, in bytes (default 2 GiB).
    pub max_bytes: u64,
    /// Plain `http://` to a host that is not loopback.
    pub allow_http: bool,
    pub connect_timeout: Duration,
    /// Longest wait for the answer and for each read of the body.
    pub read_timeout: Duration,
    /// The time recorded, seconds since the epoch (`None`: now).
    pub now: Option<i64>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_bytes: 2 << 30,
            allow_http: false,
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(60),
            now: None,
        }
    }
}

/// What happened to one ecosystem.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A new export, `bytes` long; `resumed_from` bytes of it were already there.
    Downloaded {
        bytes: u64,
        resumed_from: u64,
        seconds: f64,
    },
    /// The export is the one already downloaded (304).
    NotModified,
    /// The server has no export for it (404/410): a warning.
    Missing { status: u16 },
    /// The download failed or did not verify; the database was not changed.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EcosystemResult {
    pub ecosystem: String,
    pub url: String,
    pub outcome: Outcome,
}

/// What an update did.
#[derive(Debug, Clone)]
pub struct UpdateReport {
    pub ecosystems: Vec<EcosystemResult>,
    /// The import, when one was needed and nothing failed.
    pub import: Option<ImportReport>,
    pub import_seconds: f64,
}

impl UpdateReport {
    /// Whether some ecosystem failed (then nothing was imported).
    pub fn failed(&self) -> bool {
        self.ecosystems
            .iter()
            .any(|e| matches!(e.outcome, Outcome::Failed(_)))
    }
}

#[derive(Debug)]
pub enum UpdateError {
    /// The mirror URL or an ecosystem name is not usable.
    Invalid(String),
    /// Another update holds the directory.
    Busy(PathBuf),
    Io(PathBuf, std::io::Error),
    Store(StoreError),
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpdateError::Invalid(why) => f.write_str(why),
            UpdateError::Busy(p) => write!(
                f,
                "another update of {} is running",
                p.parent().and_then(Path::parent).unwrap_or(p).display()
            ),
            UpdateError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            UpdateError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for UpdateError {}

/// What is kept about an ecosystem's current `all.zip`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    size: u64,
    sha256: String,
    fetched_at: i64,
}

/// The object an `all.zip.part` is the beginning of.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct PartMeta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    total: Option<u64>,
    /// Cloud Storage's MD5 of the whole object (base64), when it sent one.
    md5: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    /// The last update that checked every ecosystem without a failure.
    checked_at: Option<i64>,
    /// Ecosystem → SHA-256 of the `all.zip` the database was last built from.
    #[serde(default)]
    imported: BTreeMap<String, String>,
}

/// The time of the last complete update check of the database in `dir`, seconds since the
/// epoch; `None` when it was never updated from a bucket.
pub fn last_check(dir: &Path) -> Option<i64> {
    read_json::<State>(&dir.join(DOWNLOADS).join(STATE)).and_then(|s| s.checked_at)
}

/// Downloads the exports of `ecosystems` from `base_url` into `dir/downloads` and, when any is
/// new (or the database is missing or out of step with the downloads), imports them all into
/// `dir/osv.db`. `progress` is called as each ecosystem is done.
pub fn update(
    dir: &Path,
    base_url: &str,
    ecosystems: &[String],
    options: &Options,
    progress: &mut dyn FnMut(&EcosystemResult),
) -> Result<UpdateReport, UpdateError> {
    let base = check_base_url(base_url, options.allow_http)?;
    for e in ecosystems {
        check_ecosystem(e)?;
    }
    let now = options.now.unwrap_or_else(now);
    let downloads = dir.join(DOWNLOADS);
    std::fs::create_dir_all(&downloads).map_err(|e| UpdateError::Io(downloads.clone(), e))?;
    let lock_path = downloads.join(".lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| UpdateError::Io(lock_path.clone(), e))?;
    lock.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => UpdateError::Busy(lock_path.clone()),
        std::fs::TryLockError::Error(e) => UpdateError::Io(lock_path.clone(), e),
    })?;

    let agent = agent(base.starts_with("https://"), options);
    let mut results = Vec::new();
    for ecosystem in ecosystems {
        let url = format!("{base}/{}/{ZIP}", encode_segment(ecosystem));
        let edir = downloads.join(ecosystem);
        let outcome = std::fs::create_dir_all(&edir)
            .map_err(|e| format!("{}: {e}", edir.display()))
            .and_then(|()| fetch(&agent, &url, &edir, options, now))
            .unwrap_or_else(Outcome::Failed);
        let result = EcosystemResult {
            ecosystem: ecosystem.clone(),
            url,
            outcome,
        };
        progress(&result);
        results.push(result);
    }

    let mut report = UpdateReport {
        ecosystems: results,
        import: None,
        import_seconds: 0.0,
    };
    if report.failed() {
        return Ok(report);
    }
    let state_path = downloads.join(STATE);
    let mut state = read_json::<State>(&state_path).unwrap_or_default();
    // Every configured ecosystem the server has, with the file its meta describes.
    let mut sources = Vec::new();
    let mut digests = BTreeMap::new();
    for r in &report.ecosystems {
        if matches!(r.outcome, Outcome::Missing { .. }) {
            continue;
        }
        let edir = downloads.join(&r.ecosystem);
        if let Some(meta) = read_json::<Meta>(&edir.join(META))
            && edir.join(ZIP).is_file()
        {
            sources.push(Source::Zip(edir.join(ZIP)));
            digests.insert(r.ecosystem.clone(), meta.sha256);
        }
    }
    let in_step = digests
        .iter()
        .all(|(e, d)| state.imported.get(e) == Some(d));
    if !sources.is_empty() && (!in_step || !dir.join(store::FILE_NAME).is_file()) {
        let started = Instant::now();
        let import = store::import(dir, &sources, now).map_err(UpdateError::Store)?;
        report.import_seconds = started.elapsed().as_secs_f64();
        report.import = Some(import);
        state.imported.extend(digests);
    }
    state.checked_at = Some(now);
    write_json(&state_path, &state)?;
    drop(lock);
    Ok(report)
}

/// Downloads one export from `url` (an `all.zip` of the OSV bucket or a mirror, for
/// `dockguard db import URL`) into `dir/downloads/url-<digest of the URL>/`, with the checks
/// of [`update`] (streamed, size-capped, resumed, MD5/`.sha256` verified, opened as a zip);
/// returns the zip's path for [`crate::store::import`].
pub fn download(dir: &Path, url: &str, options: &Options) -> Result<PathBuf, UpdateError> {
    let url = check_base_url(url, options.allow_http)?;
    let digest = {
        use sha2::Digest;
        hex(&sha2::Sha256::digest(url.as_bytes())[..8])
    };
    let edir = dir.join(DOWNLOADS).join(format!("url-{digest}"));
    std::fs::create_dir_all(&edir).map_err(|e| UpdateError::Io(edir.clone(), e))?;
    let agent = agent(url.starts_with("https://"), options);
    let now = options.now.unwrap_or_else(now);
    match fetch(&agent, &url, &edir, options, now) {
        Ok(Outcome::Downloaded { .. } | Outcome::NotModified) => Ok(edir.join(ZIP)),
        Ok(Outcome::Missing { status }) => Err(UpdateError::Invalid(format!(
            "{url}: HTTP {status}: no such export"
        ))),
        Ok(Outcome::Failed(why)) | Err(why) => Err(UpdateError::Invalid(why)),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn agent(https: bool, options: &Options) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .https_only(https)
        .max_redirects(5)
        .user_agent(format!("dockguard/{}", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(options.connect_timeout))
        .timeout_recv_response(Some(options.read_timeout))
        .timeout_per_read(Some(options.read_timeout))
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into()
}

/// Downloads one export into `edir` (see the module documentation); an `Err` is the message
/// of [`Outcome::Failed`].
fn fetch(
    agent: &Agent,
    url: &str,
    edir: &Path,
    options: &Options,
    now: i64,
) -> Result<Outcome, String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let (zip, part, part_meta_path) = (edir.join(ZIP), edir.join(PART), edir.join(PART_META));
    let meta = read_json::<Meta>(&edir.join(META))
        .filter(|m| m.url == url && std::fs::metadata(&zip).is_ok_and(|z| z.len() == m.size));
    let discard_part = || {
        let _ = std::fs::remove_file(&part);
        let _ = std::fs::remove_file(&part_meta_path);
    };
    let started = Instant::now();
    let mut may_resume = true;
    loop {
        // Resume only a part of a known object, with a validator If-Range can carry.
        let held = std::fs::metadata(&part).map_or(0, |m| m.len());
        let part_meta = read_json::<PartMeta>(&part_meta_path).filter(|p| p.url == url);
        let resume = match (&part_meta, may_resume && held > 0) {
            (Some(p), true) => p
                .etag
                .clone()
                .filter(|e| !e.starts_with("W/"))
                .or_else(|| p.last_modified.clone())
                .map(|validator| (held, validator)),
            _ => None,
        };
        if resume.is_none() {
            discard_part();
        }
        let mut request = agent.get(url);
        if let Some(m) = &meta {
            if let Some(etag) = &m.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(lm) = &m.last_modified {
                request = request.header("If-Modified-Since", lm);
            }
        }
        if let Some((from, validator)) = &resume {
            request = request
                .header("Range", &format!("bytes={from}-"))
                .header("If-Range", validator);
        }
        let response = request.call().map_err(|e| format!("{url}: {e}"))?;
        let status = response.status();
        match status {
            StatusCode::NOT_MODIFIED if meta.is_some() => {
                discard_part();
                return Ok(Outcome::NotModified);
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => {
                discard_part();
                return Ok(Outcome::Missing {
                    status: status.as_u16(),
                });
            }
            StatusCode::RANGE_NOT_SATISFIABLE if resume.is_some() && may_resume => {
                may_resume = false;
                continue;
            }
            StatusCode::OK | StatusCode::PARTIAL_CONTENT => {}
            other => return Err(format!("{url}: HTTP {}", other.as_u16())),
        }
        let md5 = goog_md5(&response);
        let (from, total, current) = if status == StatusCode::PARTIAL_CONTENT {
            let Some((from, _)) = resume else {
                return Err(format!("{url}: 206 to a request without a range"));
            };
            let (start, total) = header(&response, "content-range")
                .and_then(|r| content_range(&r))
                .ok_or_else(|| format!("{url}: 206 without a usable Content-Range"))?;
            if start != from {
                discard_part();
                return Err(format!(
                    "{url}: asked for bytes from {from}, the server sent them from {start}"
                ));
            }
            let mut current = part_meta.unwrap_or_default();
            if md5.is_some() {
                current.md5 = md5;
            }
            (from, total.or(current.total), current)
        } else {
            let total = header(&response, "content-length").and_then(|l| l.parse().ok());
            let current = PartMeta {
                url: url.to_string(),
                etag: header(&response, "etag"),
                last_modified: header(&response, "last-modified"),
                total,
                md5,
            };
            (0, total, current)
        };
        if let Some(total) = total
            && total > options.max_bytes
        {
            discard_part();
            return Err(format!(
                "{url}: {total} bytes, over the limit of {} bytes",
                options.max_bytes
            ));
        }
        write_json(&part_meta_path, &current).map_err(|e| e.to_string())?;
        let got =
            stream(response, &part, from, options.max_bytes).map_err(|e| format!("{url}: {e}"))?;
        // Verify the whole file.
        let size = from + got;
        if let Some(total) = total
            && size != total
        {
            discard_part();
            return Err(format!(
                "{url}: {size} bytes received where {total} were announced; download discarded"
            ));
        }
        let (sha256, md5) = digests(&part).map_err(|e| io(&part, e))?;
        let bad = |what: String| {
            discard_part();
            Err(format!("{url}: {what}; download discarded"))
        };
        if let Some(expected) = &current.md5
            && let Ok(expected_bytes) = base64::engine::general_purpose::STANDARD.decode(expected)
            && expected_bytes != md5
        {
            return bad(format!(
                "MD5 mismatch (x-goog-hash md5={expected}, received {})",
                base64::engine::general_purpose::STANDARD.encode(md5)
            ));
        }
        match sidecar(agent, &format!("{url}.sha256")) {
            Ok(Some(expected)) if expected != sha256 => {
                return bad(format!(
                    "SHA-256 mismatch ({url}.sha256 says {expected}, received {sha256})"
                ));
            }
            Ok(_) => {}
            Err(e) => return bad(e),
        }
        if let Err(e) = std::fs::File::open(&part)
            .map_err(|e| e.to_string())
            .and_then(|f| {
                zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| e.to_string())
            })
        {
            return bad(format!("not a zip archive ({e})"));
        }
        std::fs::rename(&part, &zip).map_err(|e| io(&zip, e))?;
        let _ = std::fs::remove_file(&part_meta_path);
        let meta = Meta {
            url: url.to_string(),
            etag: current.etag,
            last_modified: current.last_modified,
            size,
            sha256,
            fetched_at: now,
        };
        write_json(&edir.join(META), &meta).map_err(|e| e.to_string())?;
        return Ok(Outcome::Downloaded {
            bytes: size,
            resumed_from: from,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
}

/// Streams the body to `part` (appended from `from`, which must be its length); returns the
/// bytes received. A failure part-way keeps what arrived, for the next update to resume.
fn stream(response: Response<ureq::Body>, part: &Path, from: u64, max: u64) -> Result<u64, String> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(from > 0)
        .write(true)
        .truncate(from == 0)
        .open(part)
        .map_err(|e| format!("{}: {e}", part.display()))?;
    let mut reader = response.into_body().into_reader();
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = file.sync_all();
                return Err(format!(
                    "interrupted after {} bytes ({e}); the next update resumes it",
                    from + got
                ));
            }
        };
        got += n as u64;
        if from + got > max {
            drop(file);
            let _ = std::fs::remove_file(part);
            return Err(format!("larger than the limit of {max} bytes"));
        }
        file.write_all(&buf[..n])
            .map_err(|e| format!("{}: {e}", part.display()))?;
    }
    file.sync_all()
        .map_err(|e| format!("{}: {e}", part.display()))?;
    Ok(got)
}

/// The SHA-256 (hex) and MD5 of a file, in one pass.
fn digests(path: &Path) -> std::io::Result<(String, [u8; 16])> {
    let mut file = std::fs::File::open(path)?;
    let mut sha = sha2::Sha256::new();
    let mut md5 = md5::Md5::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        md5.update(&buf[..n]);
    }
    Ok((hex(&sha.finalize()), md5.finalize().into()))
}

/// The digest a `.sha256` sidecar gives, `None` when the server has none (404, 403, 410).
fn sidecar(agent: &Agent, url: &str) -> Result<Option<String>, String> {
    let response = agent.get(url).call().map_err(|e| format!("{url}: {e}"))?;
    match response.status() {
        StatusCode::OK => {}
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::GONE => return Ok(None),
        other => return Err(format!("{url}: HTTP {}", other.as_u16())),
    }
    let mut text = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_SIDECAR_BYTES)
        .read_to_end(&mut text)
        .map_err(|e| format!("{url}: {e}"))?;
    parse_sidecar(&String::from_utf8_lossy(&text))
        .map(Some)
        .ok_or_else(|| format!("{url}: not a SHA-256 digest"))
}

/// The hex digest of a `sha256sum` line or a bare digest, lower-cased.
fn parse_sidecar(text: &str) -> Option<String> {
    let token = text.split_whitespace().next()?;
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token.to_ascii_lowercase())
}

/// The `md5=` value of the `x-goog-hash` headers (there may be several, and each may list
/// several hashes).
fn goog_md5(response: &Response<ureq::Body>) -> Option<String> {
    response
        .headers()
        .get_all("x-goog-hash")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|h| h.trim().strip_prefix("md5=").map(str::to_string))
}

/// `bytes START-END/TOTAL` → (START, TOTAL unless `*`).
fn content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, _) = range.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()))
}

fn header(response: &Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A path segment: bytes other than unreserved ones percent-encoded (`Debian:12` →
/// `Debian%3A12`, `crates.io` unchanged).
fn encode_segment(segment: &str) -> String {
    let mut out = String::new();
    for &b in segment.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An ecosystem name becomes a folder name: no separators, no dot files, no control bytes.
fn check_ecosystem(name: &str) -> Result<(), UpdateError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(UpdateError::Invalid(format!(
            "{name:?} is not an ecosystem name"
        )))
    }
}

/// The base URL without its trailing slash; plain HTTP only to loopback or when allowed.
fn check_base_url(url: &str, allow_http: bool) -> Result<String, UpdateError> {
    let invalid = |why: &str| Err(UpdateError::Invalid(format!("mirror URL {url:?}: {why}")));
    let base = url.trim().trim_end_matches('/');
    let (scheme, rest) = match base.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => return invalid("not an http(s) URL"),
    };
    if base.contains(['?', '#']) || base.chars().any(char::is_whitespace) {
        return invalid("a query, fragment or space has no place in it");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    if host.is_empty() {
        return invalid("no host");
    }
    match scheme.as_str() {
        "https" => Ok(base.to_string()),
        "http" if allow_http || is_loopback_host(host) => Ok(base.to_string()),
        "http" => invalid(
            "plain HTTP is only used for loopback hosts; use https, or allow plain HTTP explicitly",
        ),
        _ => invalid("not an http(s) URL"),
    }
}

/// Whether `host[:port]` names the local machine: `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback_host(host_port: &str) -> bool {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    host.parse::<Ipv6Addr>()
        .is_ok_and(|v6| IpAddr::V6(v6).is_loopback())
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes `value` beside `path` and renames it into place.
fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), UpdateError> {
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(value).expect("plain data serialises");
    std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| UpdateError::Io(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("https://osv-vulnerabilities.storage.googleapis.com/", false).unwrap(),
            DEFAULT_BASE_URL
        );
        assert!(check_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(check_base_url("http://localhost/osv/", false).is_ok());
        assert!(check_base_url("http://[::1]:80", false).is_ok());
        assert!(check_base_url("http://mirror.example/osv", false).is_err());
        assert!(check_base_url("http://mirror.example/osv", true).is_ok());
        assert!(check_base_url("http://127.0.0.1.example/osv", false).is_err());
        assert!(check_base_url("http://localhost@mirror.example/", false).is_err());
        assert!(check_base_url("ftp://x/", true).is_err());
        assert!(check_base_url("mirror.example", true).is_err());
        assert!(check_base_url("https://x/?a=b", true).is_err());
        assert!(check_base_url("https:///x", true).is_err());
    }

    #[test]
    fn ecosystem_names() {
        for ok in ["PyPI", "crates.io", "Debian:12", "Red Hat", "GIT"] {
            assert!(check_ecosystem(ok).is_ok(), "{ok}");
        }
        for bad in ["", "..", ".x", "a/b", "a\\b", "a\nb", &"x".repeat(65)] {
            assert!(check_ecosystem(bad).is_err(), "{bad:?}");
        }
        assert_eq!(encode_segment("crates.io"), "crates.io");
        assert_eq!(encode_segment("Debian:12"), "Debian%3A12");
        assert_eq!(encode_segment("Red Hat"), "Red%20Hat");
    }

    #[test]
    fn headers_and_sidecars() {
        assert_eq!(content_range("bytes 100-199/200"), Some((100, Some(200))));
        assert_eq!(content_range("bytes 100-199/*"), Some((100, None)));
        assert_eq!(content_range("bytes */200"), None);
        assert_eq!(content_range("items 1-2/3"), None);
        let d = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        assert_eq!(parse_sidecar(d).unwrap(), d.to_ascii_lowercase());
        assert_eq!(
            parse_sidecar(&format!("{d}  all.zip\n")).unwrap(),
            d.to_ascii_lowercase()
        );
        assert_eq!(parse_sidecar("abc"), None);
        assert_eq!(parse_sidecar(""), None);
        assert_eq!(parse_sidecar(&"g".repeat(64)), None);
        let response = Response::builder()
            .header("x-goog-hash", "crc32c=n03x6A==")
            .header("x-goog-hash", "md5=Ojk9c3dhfxgoKVVHYwFbHQ==")
            .body(ureq::Body::builder().data(""))
            .unwrap();
        assert_eq!(
            goog_md5(&response).as_deref(),
            Some("Ojk9c3dhfxgoKVVHYwFbHQ==")
        );
        let combined = Response::builder()
            .header("x-goog-hash", "crc32c=n03x6A==, md5=AAAA")
            .body(ureq::Body::builder().data(""))
            .unwrap();
        assert_eq!(goog_md5(&combined).as_deref(), Some("AAAA"));
    }
}
