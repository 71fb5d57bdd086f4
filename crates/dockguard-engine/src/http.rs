//! Just enough HTTP/1.1 for the Engine API: one request per connection, `Connection: close`,
//! bodies framed by `Content-Length`, `Transfer-Encoding: chunked` or the end of the stream.

use std::io::{self, BufRead, BufReader, Read, Write};

/// Largest status line plus headers accepted (the engine sends well under 1 KiB).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most headers accepted in one response.
const MAX_HEADERS: usize = 64;
/// Longest chunk-size or trailer line accepted.
const MAX_LINE_BYTES: u64 = 4096;

pub(crate) struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that name (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
pub(crate) enum HttpError {
    Io(io::Error),
    Malformed(String),
    TooLarge,
}

impl From<io::Error> for HttpError {
    fn from(e: io::Error) -> Self {
        HttpError::Io(e)
    }
}

fn malformed(detail: impl Into<String>) -> HttpError {
    HttpError::Malformed(detail.into())
}

/// Sends `GET path` and reads the whole response; bodies longer than `limit` are refused.
pub(crate) fn get<S: Read + Write>(
    stream: &mut S,
    path: &str,
    limit: usize,
) -> Result<Response, HttpError> {
    request(stream, "GET", path, None, limit)
}

/// Sends `METHOD path` with an optional JSON body and reads the whole response; bodies longer
/// than `limit` are refused.
pub(crate) fn request<S: Read + Write>(
    stream: &mut S,
    method: &str,
    path: &str,
    json: Option<&[u8]>,
    limit: usize,
) -> Result<Response, HttpError> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: dockguard/{}\r\nAccept: application/json\r\nConnection: close\r\n",
        env!("CARGO_PKG_VERSION")
    );
    match json {
        Some(body) => head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )),
        // POST and DELETE without a body still say so, as the engine's proxies expect.
        None if method != "GET" => head.push_str("Content-Length: 0\r\n\r\n"),
        None => head.push_str("\r\n"),
    }
    stream.write_all(head.as_bytes())?;
    if let Some(body) = json {
        stream.write_all(body)?;
    }
    stream.flush()?;
    read_response(stream, limit)
}

/// Sends `GET path` and returns the status, headers and a reader of the body that decodes its
/// framing as it goes: for bodies too large to hold (an image export).
pub(crate) fn get_streaming<S: Read + Write>(
    mut stream: S,
    path: &str,
) -> Result<(Response, BodyReader<S>), HttpError> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: dockguard/{}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream.write_all(request.as_bytes())?;
    stream.flush()?;
    let (head, rest) = read_head(&mut stream)?;
    let body = BufReader::new(io::Cursor::new(rest).chain(stream));
    let framing = if matches!(head.status, 100..=199 | 204 | 304) {
        Framing::Length(0)
    } else if head
        .header("Transfer-Encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        Framing::Chunked {
            left: 0,
            done: false,
        }
    } else if let Some(len) = head.header("Content-Length") {
        Framing::Length(
            len.parse()
                .map_err(|_| malformed(format!("bad Content-Length `{len}`")))?,
        )
    } else {
        Framing::UntilClose
    };
    Ok((head, BodyReader { body, framing }))
}

enum Framing {
    /// Bytes left in the body.
    Length(u64),
    /// Bytes left in the current chunk.
    Chunked {
        left: u64,
        done: bool,
    },
    UntilClose,
}

/// A response body read as a stream.
pub struct BodyReader<S> {
    body: BufReader<io::Chain<io::Cursor<Vec<u8>>, S>>,
    framing: Framing,
}

impl<S> std::fmt::Debug for BodyReader<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BodyReader")
    }
}

fn to_io(e: HttpError) -> io::Error {
    match e {
        HttpError::Io(e) => e,
        HttpError::Malformed(detail) => io::Error::new(io::ErrorKind::InvalidData, detail),
        HttpError::TooLarge => io::Error::new(io::ErrorKind::InvalidData, "body too large"),
    }
}

impl<S: Read> Read for BodyReader<S> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        match &mut self.framing {
            Framing::UntilClose => self.body.read(out),
            Framing::Length(left) => {
                if *left == 0 {
                    return Ok(0);
                }
                let want = out.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                let n = self.body.read(&mut out[..want])?;
                if n == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the connection closed before the end of the body",
                    ));
                }
                *left -= n as u64;
                Ok(n)
            }
            Framing::Chunked { left, done } => {
                if *done {
                    return Ok(0);
                }
                if *left == 0 {
                    let line = read_line(&mut self.body).map_err(to_io)?;
                    let size_text = line.split(';').next().unwrap_or("").trim();
                    let size = u64::from_str_radix(size_text, 16).map_err(|_| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("bad chunk size `{size_text}`"),
                        )
                    })?;
                    if size == 0 {
                        while !read_line(&mut self.body).map_err(to_io)?.is_empty() {}
                        *done = true;
                        return Ok(0);
                    }
                    *left = size;
                }
                let want = out.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                let n = self.body.read(&mut out[..want])?;
                if n == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the connection closed in the middle of a chunked body",
                    ));
                }
                *left -= n as u64;
                if *left == 0 && !read_line(&mut self.body).map_err(to_io)?.is_empty() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "chunk data longer than its size",
                    ));
                }
                Ok(n)
            }
        }
    }
}

/// Reads the status line and headers; returns them and the bytes read past them.
fn read_head<R: Read>(stream: &mut R) -> Result<(Response, Vec<u8>), HttpError> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let (status, reason, headers, head_len) = loop {
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut slots);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = parsed.code.ok_or_else(|| malformed("no status code"))?;
                let reason = parsed.reason.unwrap_or("").to_string();
                let headers = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).trim().to_string(),
                        )
                    })
                    .collect::<Vec<_>>();
                break (status, reason, headers, len);
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD_BYTES {
                    return Err(malformed(format!(
                        "response headers longer than {MAX_HEAD_BYTES} bytes"
                    )));
                }
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err(malformed(if buf.is_empty() {
                        "the connection closed without a response".to_string()
                    } else {
                        "the connection closed in the middle of the response headers".to_string()
                    }));
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) => return Err(malformed(format!("bad status line or header: {e}"))),
        }
    };
    let rest = buf.split_off(head_len);
    Ok((
        Response {
            status,
            reason,
            headers,
            body: Vec::new(),
        },
        rest,
    ))
}

fn read_response<R: Read>(stream: &mut R, limit: usize) -> Result<Response, HttpError> {
    let (mut response, rest) = read_head(stream)?;
    let status = response.status;
    let mut body = BufReader::new(io::Cursor::new(rest).chain(stream));
    let chunked = response
        .header("Transfer-Encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let no_body = matches!(status, 100..=199 | 204 | 304);
    response.body = if no_body {
        Vec::new()
    } else if chunked {
        read_chunked(&mut body, limit)?
    } else if let Some(len) = response.header("Content-Length") {
        let len: u64 = len
            .parse()
            .map_err(|_| malformed(format!("bad Content-Length `{len}`")))?;
        read_exact_len(&mut body, len, limit)?
    } else {
        read_to_end_bounded(&mut body, limit)?
    };
    Ok(response)
}

fn read_exact_len<R: Read>(r: &mut R, len: u64, limit: usize) -> Result<Vec<u8>, HttpError> {
    if len > limit as u64 {
        return Err(HttpError::TooLarge);
    }
    let mut body = Vec::new();
    r.take(len).read_to_end(&mut body)?;
    if (body.len() as u64) < len {
        return Err(malformed(format!(
            "the connection closed after {} of {len} body bytes",
            body.len()
        )));
    }
    Ok(body)
}

fn read_to_end_bounded<R: Read>(r: &mut R, limit: usize) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    r.take(limit as u64 + 1).read_to_end(&mut body)?;
    if body.len() > limit {
        return Err(HttpError::TooLarge);
    }
    Ok(body)
}

fn read_line<R: BufRead>(r: &mut R) -> Result<String, HttpError> {
    let mut line = Vec::new();
    r.take(MAX_LINE_BYTES).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(malformed(if line.len() as u64 >= MAX_LINE_BYTES {
            "chunk line too long"
        } else {
            "the connection closed in the middle of a chunked body"
        }));
    }
    let line = String::from_utf8(line).map_err(|_| malformed("chunk line is not UTF-8"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn read_chunked<R: BufRead>(r: &mut R, limit: usize) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(r)?;
        // Chunk extensions (`;name=value`) carry nothing we use.
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size_text, 16)
            .map_err(|_| malformed(format!("bad chunk size `{size_text}`")))?;
        if size == 0 {
            // Trailer fields, up to the empty line.
            while !read_line(r)?.is_empty() {}
            return Ok(body);
        }
        if body.len() as u64 + size > limit as u64 {
            return Err(HttpError::TooLarge);
        }
        let before = body.len();
        r.take(size).read_to_end(&mut body)?;
        if ((body.len() - before) as u64) < size {
            return Err(malformed(
                "the connection closed in the middle of a chunked body",
            ));
        }
        if !read_line(r)?.is_empty() {
            return Err(malformed("chunk data longer than its size"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8], limit: usize) -> Result<Response, HttpError> {
        read_response(&mut io::Cursor::new(raw.to_vec()), limit)
    }

    #[test]
    fn content_length_body() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}trailing",
            100,
        )
        .unwrap();
        assert_eq!((r.status, r.reason.as_str()), (200, "OK"));
        assert_eq!(r.body, b"{}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }

    #[test]
    fn chunked_body_with_extensions_and_trailers() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
            100,
        )
        .unwrap();
        assert_eq!(r.body, b"abc0123456789");
    }

    #[test]
    fn body_until_close() {
        let r = parse(b"HTTP/1.1 200 OK\r\n\r\nhello", 100).unwrap();
        assert_eq!(r.body, b"hello");
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\n\r\nhello", 4),
            Err(HttpError::TooLarge)
        ));
    }

    #[test]
    fn limits_and_malformed_input() {
        assert!(matches!(
            parse(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n",
                4
            ),
            Err(HttpError::TooLarge)
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100),
            Err(HttpError::Malformed(m)) if m.contains("3 of 10")
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 100),
            Err(HttpError::Malformed(_))
        ));
        assert!(matches!(
            parse(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                100
            ),
            Err(HttpError::Malformed(m)) if m.contains("chunk size")
        ));
        assert!(matches!(
            parse(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
                100
            ),
            Err(HttpError::Malformed(_))
        ));
        assert!(matches!(
            parse(b"SSH-2.0-OpenSSH\r\n\r\n", 100),
            Err(HttpError::Malformed(_))
        ));
        assert!(matches!(parse(b"", 100), Err(HttpError::Malformed(m)) if m.contains("without")));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Le", 100),
            Err(HttpError::Malformed(m)) if m.contains("middle")
        ));
        let huge_head = format!(
            "HTTP/1.1 200 OK\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD_BYTES * 2)
        );
        assert!(matches!(
            parse(huge_head.as_bytes(), 100),
            Err(HttpError::Malformed(m)) if m.contains("longer")
        ));
    }

    #[test]
    fn no_content_has_no_body() {
        let r = parse(b"HTTP/1.1 204 No Content\r\n\r\n", 100).unwrap();
        assert!(r.body.is_empty());
    }
}

#[cfg(test)]
mod streaming_tests {
    use super::*;

    /// A fake connection: the request is written into `sent`, the answer read from `answer`.
    struct Fake {
        answer: io::Cursor<Vec<u8>>,
        sent: Vec<u8>,
    }

    impl Read for Fake {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            // One byte at a time: every framing path must cope with short reads.
            let n = buf.len().min(1);
            self.answer.read(&mut buf[..n])
        }
    }

    impl Write for Fake {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.sent.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn stream(answer: &[u8]) -> io::Result<Vec<u8>> {
        let fake = Fake {
            answer: io::Cursor::new(answer.to_vec()),
            sent: Vec::new(),
        };
        let (head, mut body) = get_streaming(fake, "/images/x/get").map_err(to_io)?;
        assert_eq!(head.status, 200);
        let mut out = Vec::new();
        body.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn every_framing_streams() {
        assert_eq!(
            stream(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA").unwrap(),
            b"hello"
        );
        assert_eq!(
            stream(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n")
                .unwrap(),
            b"hello world"
        );
        assert_eq!(
            stream(b"HTTP/1.1 200 OK\r\n\r\nuntil close").unwrap(),
            b"until close"
        );
    }

    #[test]
    fn broken_bodies_are_errors() {
        assert!(stream(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").is_err());
        assert!(stream(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").is_err());
        assert!(
            stream(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"
            )
            .is_err()
        );
        assert!(stream(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").is_err());
    }
}
