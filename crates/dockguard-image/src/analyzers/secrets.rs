//! The secret analyzer: the `dockguard-secrets` scanner on every layer's text files.

use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use dockguard_secrets::Scanner;

use crate::error::Result;
use crate::walk::{Analyzer, Entry, EntryKind, FileTree};

/// Regular files larger than this are not scanned for secrets.
pub const MAX_SECRET_SCAN_SIZE: u64 = dockguard_secrets::MAX_FILE_SIZE as u64;

/// A secret found in a file of one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSecret {
    /// Normalised path in the image (`etc/key.pem`).
    pub path: String,
    /// The layer (0 = lowest) whose copy of the file holds the secret.
    pub layer: usize,
    /// 1-based line of the match.
    pub line: u32,
    pub column: u32,
    /// The secret rule's title ("AWS access key id").
    pub title: String,
    /// The match with most of it masked.
    pub masked: String,
    /// Whether this layer's copy of the file is the one the final image shows; `false` when a
    /// later layer deletes or overwrites it (the secret is still shipped in `layer`).
    pub visible: bool,
}

/// An [`Analyzer`] that runs the `dockguard-secrets` scanner on regular files of every layer
/// up to [`MAX_SECRET_SCAN_SIZE`] bytes. Binary files are recognised from their first bytes and
/// not read further (except the kinds the scanner reads through their strings). The scanning
/// itself runs on worker threads, one per core, while the walker goes on reading the layer:
/// files are handed over in batches of about [`BATCH_BYTES`], at most [`QUEUED_BATCHES`]
/// batches wait, and the workers hand their buffers back for reuse.
pub struct SecretAnalyzer {
    scanner: Arc<Scanner>,
    pub secrets: Vec<LayerSecret>,
    pool: Option<Pool>,
    batch: Vec<Job>,
    batch_bytes: usize,
}

/// Batches handed to the workers and not yet taken: with [`BATCH_BYTES`] and
/// [`MAX_SECRET_SCAN_SIZE`] it bounds how far the walk runs ahead of the scanning.
pub const QUEUED_BATCHES: usize = 4;
/// A batch is sent once it holds this many bytes (or [`BATCH_FILES`] files): small files are
/// not worth a thread hand-over each.
pub const BATCH_BYTES: usize = 256 * 1024;
pub const BATCH_FILES: usize = 256;
/// Buffers kept for reuse, and the largest capacity worth keeping.
const RECYCLED_BUFFERS: usize = 16;
const RECYCLED_CAPACITY: usize = 256 * 1024;

struct Job {
    path: String,
    layer: usize,
    content: Vec<u8>,
}

struct Pool {
    jobs: Option<SyncSender<Vec<Job>>>,
    /// Emptied buffers coming back from the workers.
    recycled: Receiver<Vec<u8>>,
    workers: Vec<JoinHandle<Vec<LayerSecret>>>,
}

impl Default for SecretAnalyzer {
    fn default() -> Self {
        SecretAnalyzer {
            scanner: Arc::new(Scanner::new()),
            secrets: Vec::new(),
            pool: None,
            batch: Vec::new(),
            batch_bytes: 0,
        }
    }
}

fn scan_file(scanner: &Scanner, job: &Job, out: &mut Vec<LayerSecret>) {
    for m in scanner.scan(&job.path, &job.content) {
        out.push(LayerSecret {
            path: job.path.clone(),
            layer: job.layer,
            line: m.line,
            column: m.column,
            title: m.rule.title.to_string(),
            masked: m.masked,
            visible: true,
        });
    }
}

impl SecretAnalyzer {
    /// The compiled scanner, for rules that scan other text (config values).
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// Whether scanning runs on worker threads (more than one core).
    fn threaded() -> bool {
        cores() > 1
    }

    /// An empty buffer, recycled from the workers when one came back.
    fn buffer(&mut self) -> Vec<u8> {
        self.pool
            .as_ref()
            .and_then(|p| p.recycled.try_recv().ok())
            .unwrap_or_default()
    }

    /// Queues `job` for the workers (starting them on first use); scans it here on a machine
    /// with one core.
    fn submit(&mut self, job: Job) {
        if !Self::threaded() {
            scan_file(&self.scanner, &job, &mut self.secrets);
            return;
        }
        self.batch_bytes += job.content.len();
        self.batch.push(job);
        if self.batch_bytes >= BATCH_BYTES || self.batch.len() >= BATCH_FILES {
            self.send_batch();
        }
    }

    fn send_batch(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        let pool = self.pool.get_or_insert_with(|| start_pool(&self.scanner));
        if let Some(tx) = &pool.jobs
            && let Err(returned) = tx.send(batch)
        {
            // Every worker is gone (a panic in the scanner): scan here.
            for job in &returned.0 {
                scan_file(&self.scanner, job, &mut self.secrets);
            }
        }
    }

    /// Waits for the workers and collects what they found, in a stable order.
    fn drain(&mut self) {
        self.send_batch();
        if let Some(mut pool) = self.pool.take() {
            pool.jobs = None;
            for worker in pool.workers {
                if let Ok(found) = worker.join() {
                    self.secrets.extend(found);
                }
            }
        }
        self.secrets.sort_by(|a, b| {
            (a.layer, &a.path, a.line, a.column).cmp(&(b.layer, &b.path, b.line, b.column))
        });
    }
}

/// The cores this process may use, asked once (the answer reads cgroup files).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// One worker per core, taking batches from a shared queue.
fn start_pool(scanner: &Arc<Scanner>) -> Pool {
    let cores = cores();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Job>>(QUEUED_BATCHES);
    let (back, recycled) = std::sync::mpsc::sync_channel::<Vec<u8>>(RECYCLED_BUFFERS);
    let rx = Arc::new(Mutex::new(rx));
    let workers = (0..cores)
        .map(|_| {
            let rx = Arc::clone(&rx);
            let back = back.clone();
            let scanner = Arc::clone(scanner);
            std::thread::spawn(move || {
                let mut found = Vec::new();
                loop {
                    // The lock is held only while waiting for the next batch.
                    let batch = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(batch) = batch else { break };
                    for job in batch {
                        scan_file(&scanner, &job, &mut found);
                        let mut buffer = job.content;
                        // Only ordinary buffers come back: a rare 10 MiB one is freed.
                        if buffer.capacity() <= RECYCLED_CAPACITY {
                            buffer.clear();
                            let _ = back.try_send(buffer);
                        }
                    }
                }
                found
            })
        })
        .collect();
    Pool {
        jobs: Some(tx),
        recycled,
        workers,
    }
}

impl Drop for SecretAnalyzer {
    fn drop(&mut self) {
        self.drain();
    }
}

impl Analyzer for SecretAnalyzer {
    fn required(&self, _path: &str, entry: &Entry) -> bool {
        entry.kind == EntryKind::File && entry.size > 0 && entry.size <= MAX_SECRET_SCAN_SIZE
    }

    fn analyze(
        &mut self,
        path: &str,
        entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        let io_err = |source| crate::error::Error::Io {
            path: path.to_string(),
            source,
        };
        let mut data = self.buffer();
        data.reserve(entry.size.min(MAX_SECRET_SCAN_SIZE) as usize);
        content
            .take(dockguard_secrets::BINARY_SNIFF_LEN as u64)
            .read_to_end(&mut data)
            .map_err(io_err)?;
        // A NUL byte is the cheap, common sign of a binary file: it is not read further. The
        // full judgement (control bytes) is the scanner's, on a worker.
        let binary = memchr::memchr(0, &data).is_some();
        if binary
            && !dockguard_secrets::STRINGS_OF_BINARY_EXTENSIONS
                .iter()
                .any(|ext| path.ends_with(ext))
        {
            return Ok(());
        }
        content
            .take(MAX_SECRET_SCAN_SIZE - data.len() as u64)
            .read_to_end(&mut data)
            .map_err(io_err)?;
        self.submit(Job {
            path: path.to_string(),
            layer,
            content: data,
        });
        Ok(())
    }

    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        self.drain();
        self.secrets.retain_mut(|s| match map(s.layer) {
            Some(layer) => {
                s.layer = layer;
                true
            }
            None => false,
        });
    }

    fn finish(&mut self, tree: &FileTree) -> Result<()> {
        self.drain();
        for s in &mut self.secrets {
            s.visible = tree
                .get(&s.path)
                .is_some_and(|e| e.kind == EntryKind::File && e.layer == s.layer);
        }
        Ok(())
    }
}
