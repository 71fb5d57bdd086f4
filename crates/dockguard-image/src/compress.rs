//! Decompression chosen by magic bytes, and a reader that caps the decompressed size.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// The compression of a layer stream, found by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Detects the compression from the first bytes of a stream: `1f 8b` gzip, `28 b5 2f fd` zstd,
/// anything else uncompressed.
pub fn detect(magic: &[u8]) -> Compression {
    if magic.starts_with(&GZIP_MAGIC) {
        Compression::Gzip
    } else if magic.starts_with(&ZSTD_MAGIC) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Wraps `raw` in the decoder its magic bytes call for.
pub fn decompress<'a>(raw: Box<dyn Read + 'a>) -> io::Result<(Compression, Box<dyn Read + 'a>)> {
    let (compression, reader) = sniff(raw)?;
    Ok((compression, Box::new(Decoder::new(compression, reader))))
}

/// Buffers `raw` and tells its compression from the first bytes.
pub fn sniff<R: Read>(raw: R) -> io::Result<(Compression, BufReader<R>)> {
    let mut reader = BufReader::with_capacity(64 * 1024, raw);
    // Make sure at least four bytes are looked at unless the stream is shorter.
    let compression = detect(reader.fill_buf()?);
    Ok((compression, reader))
}

/// A decoder for one of the compressions, over a buffered stream; `Send` when the stream is.
pub enum Decoder<R: BufRead> {
    Plain(R),
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(Box<ZstdReader<R>>),
}

impl<R: BufRead> Decoder<R> {
    pub fn new(compression: Compression, reader: R) -> Self {
        match compression {
            Compression::None => Decoder::Plain(reader),
            Compression::Gzip => {
                Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(reader)))
            }
            Compression::Zstd => Decoder::Zstd(Box::new(ZstdReader::new(reader))),
        }
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

/// Chunks a read-ahead thread sends at a time, and how many may wait: the memory a
/// decompressing thread can run ahead by.
pub(crate) const READ_AHEAD_CHUNK: usize = 1 << 20;
pub(crate) const READ_AHEAD_CHUNKS: usize = 4;

/// The consuming end of a read-ahead thread: chunks (or the first error) from a channel.
pub(crate) struct ChannelReader {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    current: io::Cursor<Vec<u8>>,
    done: bool,
}

impl ChannelReader {
    pub(crate) fn new(rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>) -> Self {
        ChannelReader {
            rx,
            current: io::Cursor::new(Vec::new()),
            done: false,
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() || self.done {
                return Ok(n);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => self.current = io::Cursor::new(chunk),
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The sender hung up after the last chunk.
                Err(_) => self.done = true,
            }
        }
    }
}

/// Decompresses `reader` on its own thread into chunks for a [`ChannelReader`] until the end,
/// an error, or the reader being dropped.
pub(crate) fn read_ahead<R: Read>(
    mut reader: R,
    tx: std::sync::mpsc::SyncSender<io::Result<Vec<u8>>>,
) {
    loop {
        let mut chunk = vec![0u8; READ_AHEAD_CHUNK];
        let mut filled = 0;
        let mut failed = None;
        while filled < chunk.len() {
            match reader.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let at_end = filled < chunk.len();
        chunk.truncate(filled);
        if filled > 0 && tx.send(Ok(chunk)).is_err() {
            return;
        }
        if let Some(e) = failed {
            let _ = tx.send(Err(e));
            return;
        }
        if at_end {
            return;
        }
    }
}

/// A streaming zstd reader over any number of frames, skippable frames included.
pub struct ZstdReader<R: BufRead> {
    source: R,
    decoder: FrameDecoder,
    in_frame: bool,
}

impl<R: BufRead> ZstdReader<R> {
    pub fn new(source: R) -> Self {
        ZstdReader {
            source,
            decoder: FrameDecoder::new(),
            in_frame: false,
        }
    }
}

impl<R: BufRead> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                if self.decoder.can_collect() > 0 {
                    return self.decoder.read(buf);
                }
                if self.decoder.is_finished() {
                    self.in_frame = false;
                    continue;
                }
                self.decoder
                    .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(io::Error::other)?;
                continue;
            }
            let available = self.source.fill_buf()?;
            if available.is_empty() {
                return Ok(0);
            }
            if available.len() >= 4 {
                let magic =
                    u32::from_le_bytes([available[0], available[1], available[2], available[3]]);
                if (0x184D_2A50..=0x184D_2A5F).contains(&magic) {
                    self.source.consume(4);
                    let mut len = [0u8; 4];
                    self.source.read_exact(&mut len)?;
                    let len = u64::from(u32::from_le_bytes(len));
                    let skipped = io::copy(&mut (&mut self.source).take(len), &mut io::sink())?;
                    if skipped != len {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "truncated zstd skippable frame",
                        ));
                    }
                    continue;
                }
            }
            self.decoder
                .reset(&mut self.source)
                .map_err(io::Error::other)?;
            self.in_frame = true;
        }
    }
}

/// Counts the bytes read through it and fails once more than `limit` have passed.
pub(crate) struct Capped<R> {
    inner: R,
    limit: u64,
    count: Arc<AtomicU64>,
    exceeded: Arc<AtomicBool>,
}

impl<R> Capped<R> {
    pub(crate) fn new(inner: R, limit: u64) -> (Self, Arc<AtomicU64>, Arc<AtomicBool>) {
        let count = Arc::new(AtomicU64::new(0));
        let exceeded = Arc::new(AtomicBool::new(false));
        (
            Capped {
                inner,
                limit,
                count: count.clone(),
                exceeded: exceeded.clone(),
            },
            count,
            exceeded,
        )
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.count.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.limit {
            self.exceeded.store(true, Ordering::Relaxed);
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        Ok(n)
    }
}
