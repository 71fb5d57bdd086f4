//! A small HTTP/1.1 file server on loopback, for tests of downloads against a real socket: it
//! serves the files under a folder (an OSV bucket layout, `<Ecosystem>/all.zip`) with what a
//! storage bucket sends — `ETag`, `Last-Modified`, `Accept-Ranges`, `Content-Length`, optional
//! `x-goog-hash: md5=…` — and honours `If-None-Match`/`If-Modified-Since` (304), `Range:
//! bytes=N-[M]` with `If-Range` (206, or 200 when the validator no longer matches, 416 past
//! the end). Every request is logged with the status answered. Faults on demand: cut a
//! response off after N body bytes, or flip a byte of the body while the headers still
//! describe the real file. One request per connection (`Connection: close`), one thread each.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::Engine as _;
use md5::Digest as _;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The status answered.
    pub status: u16,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    /// Path → body bytes to send before closing the connection (once).
    cuts: HashMap<String, u64>,
    /// Paths whose next body has one byte flipped.
    corrupt: Vec<String>,
    goog_hash: bool,
}

struct Shared {
    root: PathBuf,
    stop: AtomicBool,
    state: Mutex<State>,
}

/// The server; stops when dropped.
pub struct FileServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl FileServer {
    /// Serves `root` on 127.0.0.1, on a free port.
    pub fn serve(root: &Path) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            root: root.to_path_buf(),
            stop: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        });
        let for_thread = shared.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if for_thread.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = for_thread.clone();
                std::thread::spawn(move || {
                    let _ = handle(&shared, stream);
                });
            }
        });
        FileServer {
            addr,
            shared,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.state.lock().unwrap().requests.clone()
    }

    /// Forgets the requests so far.
    pub fn clear_requests(&self) {
        self.shared.state.lock().unwrap().requests.clear();
    }

    /// The next answer with a body for `path` (as requested, e.g. `/PyPI/all.zip`) sends only
    /// `after` bytes of it and closes the connection.
    pub fn cut_next(&self, path: &str, after: u64) {
        self.shared
            .state
            .lock()
            .unwrap()
            .cuts
            .insert(path.to_string(), after);
    }

    /// The next answer with a body for `path` has one byte changed (headers unchanged).
    pub fn corrupt_next(&self, path: &str) {
        self.shared
            .state
            .lock()
            .unwrap()
            .corrupt
            .push(path.to_string());
    }

    /// Whether answers carry `x-goog-hash: md5=<base64>` of the file, as Cloud Storage sends.
    pub fn set_goog_hash(&self, on: bool) {
        self.shared.state.lock().unwrap().goog_hash = on;
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn handle(shared: &Shared, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(());
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut request = Request {
        method,
        path: target,
        headers,
        status: 0,
    };
    let mut out = stream;
    let answer = answer(shared, &request);
    request.status = answer.status;
    let (cut, corrupt) = {
        let mut state = shared.state.lock().unwrap();
        state.requests.push(request.clone());
        let with_body = request.method == "GET" && !answer.body.is_empty();
        let cut = if with_body {
            state.cuts.remove(&request.path)
        } else {
            None
        };
        let corrupt = with_body
            && match state.corrupt.iter().position(|p| *p == request.path) {
                Some(i) => {
                    state.corrupt.remove(i);
                    true
                }
                None => false,
            };
        (cut, corrupt)
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        answer.status,
        reason(answer.status),
        answer.body.len()
    );
    for (n, v) in &answer.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if request.method != "HEAD" {
        let mut body = answer.body;
        if corrupt {
            let i = body.len() / 2;
            body[i] ^= 0x55;
        }
        let end = cut.map_or(body.len(), |c| (c as usize).min(body.len()));
        out.write_all(&body[..end])?;
    }
    out.flush()?;
    out.shutdown(std::net::Shutdown::Both)
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn answer(shared: &Shared, request: &Request) -> Answer {
    let plain = |status: u16| Answer {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: format!("{status} {}\n", reason(status)).into_bytes(),
    };
    if request.method != "GET" && request.method != "HEAD" {
        return plain(405);
    }
    let Some(path) = local_path(&shared.root, &request.path) else {
        return plain(404);
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return plain(404);
    };
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64);
    let etag = {
        use sha2::Digest as _;
        let d = sha2::Sha256::digest(&bytes);
        let hex: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("\"{hex}\"")
    };
    let last_modified = http_date(modified);
    let mut headers = vec![
        ("ETag".to_string(), etag.clone()),
        ("Last-Modified".to_string(), last_modified.clone()),
        ("Accept-Ranges".to_string(), "bytes".to_string()),
        (
            "Content-Type".to_string(),
            "application/octet-stream".to_string(),
        ),
    ];
    if shared.state.lock().unwrap().goog_hash {
        let md5 = md5::Md5::digest(&bytes);
        headers.push((
            "x-goog-hash".to_string(),
            "crc32c=AAAAAA==".to_string(), // not checked by anyone; GCS sends both
        ));
        headers.push((
            "x-goog-hash".to_string(),
            format!(
                "md5={}",
                base64::engine::general_purpose::STANDARD.encode(md5)
            ),
        ));
    }
    let not_modified = match request.header("if-none-match") {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => request.header("if-modified-since") == Some(last_modified.as_str()),
    };
    if not_modified {
        headers.retain(|(n, _)| n != "Content-Type");
        return Answer {
            status: 304,
            headers,
            body: Vec::new(),
        };
    }
    let range_applies = request
        .header("if-range")
        .is_none_or(|v| v == etag || v == last_modified);
    if let Some(range) = request.header("range").filter(|_| range_applies) {
        let len = bytes.len() as u64;
        let parsed = range.strip_prefix("bytes=").and_then(|r| {
            let (a, b) = r.split_once('-')?;
            let start: u64 = a.trim().parse().ok()?;
            let end: u64 = if b.trim().is_empty() {
                len.saturating_sub(1)
            } else {
                b.trim().parse::<u64>().ok()?.min(len.saturating_sub(1))
            };
            Some((start, end))
        });
        match parsed {
            Some((start, end)) if start < len && start <= end => {
                headers.push((
                    "Content-Range".to_string(),
                    format!("bytes {start}-{end}/{len}"),
                ));
                return Answer {
                    status: 206,
                    headers,
                    body: bytes[start as usize..=end as usize].to_vec(),
                };
            }
            Some(_) => {
                let mut a = plain(416);
                a.headers
                    .push(("Content-Range".to_string(), format!("bytes */{len}")));
                return a;
            }
            None => {}
        }
    }
    Answer {
        status: 200,
        headers,
        body: bytes,
    }
}

/// The file a request path names under `root`: percent-decoded, no `..`, no query.
fn local_path(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let rel = PathBuf::from(String::from_utf8(decoded).ok()?.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = root.join(rel);
    full.is_file().then_some(full)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        304 => "Not Modified",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        _ => "Unknown",
    }
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for seconds since the epoch.
pub fn http_date(secs: i64) -> String {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates() {
        assert_eq!(
            super::http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(1_709_251_200),
            "Fri, 01 Mar 2024 00:00:00 GMT"
        );
    }

    #[test]
    fn paths_stay_under_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("Debian:12")).unwrap();
        std::fs::write(dir.path().join("Debian:12/all.zip"), b"x").unwrap();
        assert!(super::local_path(dir.path(), "/Debian%3A12/all.zip").is_some());
        assert!(super::local_path(dir.path(), "/../etc/passwd").is_none());
        assert!(super::local_path(dir.path(), "/%2e%2e/x").is_none());
        assert!(super::local_path(dir.path(), "/Debian%3A12").is_none());
    }
}
