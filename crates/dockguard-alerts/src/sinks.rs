//! Where alerts go: any writer (standard output, a file opened for appending) as Falco's text
//! lines or JSON lines, the local syslog, an HTTP webhook (falcosidekick's input is Falco's
//! JSON alert POSTed to `/`). A sink that fails reports the error; the watch goes on.

use crate::Alert;
use std::io::Write;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Falco's two output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

pub trait Sink {
    fn send(&mut self, alert: &Alert) -> Result<(), String>;
    /// A name for error messages (`stdout`, the file, the URL).
    fn name(&self) -> String;
}

/// Lines to a writer, flushed after each alert.
pub struct WriterSink<W: Write> {
    writer: W,
    format: Format,
    name: String,
}

impl<W: Write> WriterSink<W> {
    pub fn new(writer: W, format: Format, name: impl Into<String>) -> Self {
        WriterSink {
            writer,
            format,
            name: name.into(),
        }
    }
}

impl<W: Write> Sink for WriterSink<W> {
    fn send(&mut self, alert: &Alert) -> Result<(), String> {
        let line = match self.format {
            Format::Text => alert.text(),
            Format::Json => alert.json(),
        };
        writeln!(self.writer, "{line}")
            .and_then(|()| self.writer.flush())
            .map_err(|e| e.to_string())
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// Appends to `path` (created 0600 if missing: alerts name processes and files).
pub fn file_sink(path: &Path, format: Format) -> Result<WriterSink<std::fs::File>, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(WriterSink::new(file, format, path.display().to_string()))
}

/// RFC 3164 messages to the local syslog socket (`/dev/log`), facility `daemon`, severity
/// from the alert's priority; the message is Falco's text output.
pub struct SyslogSink {
    socket: UnixDatagram,
    path: PathBuf,
    tag: String,
}

impl SyslogSink {
    pub const DEFAULT_SOCKET: &str = "/dev/log";

    pub fn connect(path: &Path) -> Result<Self, String> {
        let socket =
            UnixDatagram::unbound().map_err(|e| format!("cannot make a socket for syslog: {e}"))?;
        socket
            .connect(path)
            .map_err(|e| format!("cannot reach syslog at {}: {e}", path.display()))?;
        // A syslog daemon that stops reading must not stop the watch: a full queue fails
        // the send (counted as a sink error) after a moment.
        socket
            .set_write_timeout(Some(Duration::from_millis(200)))
            .map_err(|e| format!("syslog socket: {e}"))?;
        Ok(SyslogSink {
            socket,
            path: path.to_path_buf(),
            tag: format!("dockguard[{}]", std::process::id()),
        })
    }

    /// Syslog severity of a Falco priority (they share their names and order).
    pub fn severity(priority: &str) -> u8 {
        match priority.to_ascii_lowercase().as_str() {
            "emergency" => 0,
            "alert" => 1,
            "critical" => 2,
            "error" => 3,
            "warning" => 4,
            "notice" => 5,
            "informational" | "info" => 6,
            _ => 7,
        }
    }
}

/// Facility `daemon` (3).
const FACILITY_DAEMON: u8 = 3;

impl Sink for SyslogSink {
    fn send(&mut self, alert: &Alert) -> Result<(), String> {
        let pri = u32::from(FACILITY_DAEMON) * 8 + u32::from(Self::severity(&alert.priority));
        let message = format!("<{pri}>{}: {} {}", self.tag, alert.priority, alert.output);
        self.socket
            .send(message.as_bytes())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn name(&self) -> String {
        format!("syslog {}", self.path.display())
    }
}

/// POSTs each alert's JSON to a URL (falcosidekick, any HTTP collector). 5 s timeouts; a
/// failure is reported, never retried (the next alert is tried afresh).
pub struct WebhookSink {
    agent: ureq::Agent,
    url: String,
}

impl WebhookSink {
    pub fn new(url: &str) -> Result<Self, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("webhook URL `{url}` is not http:// or https://"));
        }
        let timeout = Some(Duration::from_secs(5));
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(timeout)
            .timeout_global(timeout)
            .user_agent(format!("dockguard/{}", env!("CARGO_PKG_VERSION")))
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .into();
        Ok(WebhookSink {
            agent,
            url: url.to_string(),
        })
    }
}

impl Sink for WebhookSink {
    fn send(&mut self, alert: &Alert) -> Result<(), String> {
        let response = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/json")
            .send(alert.json())
            .map_err(|e| e.to_string())?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("answered {status}"))
        }
    }

    fn name(&self) -> String {
        self.url.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::alert;
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpListener;

    #[test]
    fn writer_and_file_sinks_write_lines() {
        let mut buf = Vec::new();
        WriterSink::new(&mut buf, Format::Json, "buf")
            .send(&alert("r", 1, "sh"))
            .unwrap();
        let line = String::from_utf8(buf).unwrap();
        assert!(
            line.ends_with("}\n") && line.contains("\"rule\":\"r\""),
            "{line}"
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.log");
        for i in 0..2 {
            file_sink(&path, Format::Text)
                .unwrap()
                .send(&alert("r", i, "sh"))
                .unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "appended: {text}");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(file_sink(&dir.path().join("no/such/dir"), Format::Text).is_err());
    }

    #[test]
    fn syslog_sink_sends_rfc3164() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let server = UnixDatagram::bind(&path).unwrap();
        let mut sink = SyslogSink::connect(&path).unwrap();
        let mut a = alert("r", 1, "sh");
        a.priority = "Warning".into();
        sink.send(&a).unwrap();
        let mut buf = [0u8; 512];
        let n = server.recv(&mut buf).unwrap();
        let msg = String::from_utf8_lossy(&buf[..n]);
        // daemon (3) * 8 + warning (4) = 28.
        assert!(msg.starts_with("<28>dockguard["), "{msg}");
        assert!(msg.ends_with("]: Warning shell sh pid=1"), "{msg}");
        assert!(SyslogSink::connect(&dir.path().join("none")).is_err());
        // Nobody reads: once the queue is full, sends fail instead of blocking.
        let start = std::time::Instant::now();
        let failed = (0..2000).find(|_| sink.send(&a).is_err());
        assert!(failed.is_some());
        assert!(start.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn webhook_sink_posts_json_and_reports_failures() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let mut bodies = Vec::new();
            for status in ["200 OK", "500 Internal Server Error"] {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0u8; length];
                reader.read_exact(&mut body).unwrap();
                bodies.push((request_line, String::from_utf8(body).unwrap()));
                let mut stream = reader.into_inner();
                write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").unwrap();
            }
            bodies
        });
        let mut sink = WebhookSink::new(&format!("http://127.0.0.1:{port}/")).unwrap();
        sink.send(&alert("r", 1, "sh")).unwrap();
        let err = sink.send(&alert("r", 2, "sh")).unwrap_err();
        assert!(err.contains("500"), "{err}");
        let bodies = server.join().unwrap();
        assert!(
            bodies[0].0.starts_with("POST / HTTP/1.1"),
            "{}",
            bodies[0].0
        );
        let v: serde_json::Value = serde_json::from_str(&bodies[0].1).unwrap();
        assert_eq!(v["rule"], "r");
        assert_eq!(v["output_fields"]["proc.pid"], 1);
        assert!(WebhookSink::new("ftp://x").is_err());
        // Nothing listens there: an error, quickly.
        let closed = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let mut gone = WebhookSink::new(&format!("http://127.0.0.1:{port}/")).unwrap();
        assert!(gone.send(&alert("r", 3, "sh")).is_err());
    }
}
