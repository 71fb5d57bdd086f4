//! The layer walker: applies layers in order into a file tree, with whiteouts, per-layer
//! statistics and analyzers that see the content of the files they ask for.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::Ordering;

use crate::compress::{
    Capped, ChannelReader, Compression, Decoder, READ_AHEAD_CHUNKS, read_ahead, sniff,
};
use crate::error::{Error, Result};
use crate::source::{ImageSource, LayerStream};

/// Bounds on the work done for one image.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Entries over all layers (and members of an outer archive).
    pub max_entries: usize,
    /// Decompressed bytes of one layer.
    pub max_layer_bytes: u64,
    /// Bytes of one path.
    pub max_path_len: usize,
    /// Components of one path.
    pub max_path_depth: usize,
    /// Bytes of one file shown to analyzers.
    pub max_file_read: u64,
    /// Bytes of one JSON document (manifest, index, config).
    pub max_json_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1_000_000,
            max_layer_bytes: 64 << 30,
            max_path_len: 4096,
            max_path_depth: 256,
            // Binaries are read whole for their build info (Go, cargo-auditable); analyzers
            // that need less stop early, and a file several want is pulled only as far as
            // the furthest reader.
            max_file_read: 256 << 20,
            max_json_bytes: 16 << 20,
        }
    }
}

/// The type of a file-tree entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    Char,
    Block,
    Fifo,
}

/// One path of the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    /// Permission bits, setuid/setgid/sticky included (`0o7777`).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// Content size of regular files; 0 for everything else.
    pub size: u64,
    /// Symlink target as stored (not resolved), or the normalised hardlink target.
    pub link: Option<String>,
    /// The layer that last wrote this entry.
    pub layer: usize,
}

impl Entry {
    pub fn is_setuid(&self) -> bool {
        self.mode & 0o4000 != 0
    }

    pub fn is_setgid(&self) -> bool {
        self.mode & 0o2000 != 0
    }
}

/// The final file tree: normalised relative paths (`etc/passwd`) → entries.
#[derive(Debug, Clone, Default)]
pub struct FileTree {
    entries: BTreeMap<String, Entry>,
}

/// How many symbolic links [`FileTree::resolve`] follows before giving up.
pub const MAX_SYMLINK_HOPS: usize = 40;

impl FileTree {
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path.trim_start_matches('/'))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Resolves symbolic links in `path` inside the image root only: absolute targets start
    /// again at the root, `..` stops at the root. Returns the normalised path (which may not
    /// exist), or `None` after [`MAX_SYMLINK_HOPS`] links (a loop).
    pub fn resolve(&self, path: &str) -> Option<String> {
        let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
        let mut out: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(c) = pending.pop() {
            match c.as_str() {
                "" | "." => continue,
                ".." => {
                    out.pop();
                    continue;
                }
                _ => {}
            }
            out.push(c);
            let current = out.join("/");
            if let Some(Entry {
                kind: EntryKind::Symlink,
                link: Some(target),
                ..
            }) = self.entries.get(&current)
            {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return None;
                }
                out.pop();
                if target.starts_with('/') {
                    out.clear();
                }
                pending.extend(target.split('/').rev().map(str::to_string));
            }
        }
        Some(out.join("/"))
    }

    /// Removes `path` and everything under it; calls `gone` for each removed entry.
    fn remove_tree(&mut self, path: &str, gone: &mut impl FnMut(&Entry)) {
        if let Some(e) = self.entries.remove(path) {
            gone(&e);
        }
        self.remove_children(path, gone);
    }

    fn remove_children(&mut self, path: &str, gone: &mut impl FnMut(&Entry)) {
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        let keys: Vec<String> = self
            .entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            if let Some(e) = self.entries.remove(&k) {
                gone(&e);
            }
        }
    }
}

/// Statistics of one layer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerStats {
    pub index: usize,
    pub compression: Option<Compression>,
    /// Entries of the layer (whiteouts included).
    pub entries: u64,
    /// Bytes of regular-file content the layer adds.
    pub added_bytes: u64,
    /// Bytes of this layer's files that later layers (or later entries of the same layer)
    /// overwrite or delete: shipped but invisible in the final image.
    pub wasted_bytes: u64,
    pub whiteouts: u64,
    pub opaque_dirs: u64,
    /// Bytes of the decompressed layer tar.
    pub decompressed_bytes: u64,
}

/// Something odd about an entry that was skipped or neutralised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub layer: usize,
    /// The raw path (lossily decoded).
    pub path: String,
    pub kind: AnomalyKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnomalyKind {
    /// A `..` component: the entry is skipped.
    ParentTraversal,
    /// Longer than [`Limits::max_path_len`]: skipped.
    PathTooLong,
    /// Deeper than [`Limits::max_path_depth`]: skipped.
    PathTooDeep,
    /// A hardlink whose target climbs out of the root: skipped.
    HardlinkEscape,
    /// A whiteout naming nothing (`.wh.`), skipped.
    BadWhiteout,
    /// A tar entry type that is not a file system object (e.g. a global PAX header): skipped.
    UnsupportedType(u8),
}

/// The outcome of a walk.
#[derive(Debug, Clone, Default)]
pub struct WalkResult {
    pub tree: FileTree,
    pub layers: Vec<LayerStats>,
    pub anomalies: Vec<Anomaly>,
}

impl WalkResult {
    /// Bytes of all layers' files that the final image does not show.
    pub fn wasted_bytes(&self) -> u64 {
        self.layers.iter().map(|l| l.wasted_bytes).sum()
    }
}

/// A content analyzer, registered with the walker in the style of Trivy's analyzers: a cheap
/// `required` filter, then `analyze` with a stream of the file's content.
pub trait Analyzer {
    /// Whether the analyzer wants the content of this regular file (asked for every regular
    /// file of every layer, deleted later or not).
    fn required(&self, path: &str, entry: &Entry) -> bool;
    /// Called with at most [`Limits::max_file_read`] bytes of the file as it is in `layer`.
    fn analyze(
        &mut self,
        path: &str,
        entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()>;
    /// Renumbers the layers the analyzer recorded: `map(provisional)` is the layer's place in
    /// the image, `None` for a layer the image does not use (forget what came from it). Called
    /// before [`Analyzer::finish`] by walks that meet layers out of order (an engine export
    /// streams layers before the manifest that orders them); an identity map otherwise.
    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>);
    /// Called once with the final tree after all layers.
    fn finish(&mut self, _tree: &FileTree) -> Result<()> {
        Ok(())
    }
}

/// Normalises a layer path: no leading `/` or `./`, no `.` or empty components.
pub fn normalize_path(raw: &[u8], limits: &Limits) -> std::result::Result<String, AnomalyKind> {
    if raw.len() > limits.max_path_len {
        return Err(AnomalyKind::PathTooLong);
    }
    let text = String::from_utf8_lossy(raw);
    let mut parts: Vec<&str> = Vec::new();
    for c in text.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(AnomalyKind::ParentTraversal),
            c => parts.push(c),
        }
    }
    if parts.len() > limits.max_path_depth {
        return Err(AnomalyKind::PathTooDeep);
    }
    Ok(parts.join("/"))
}

/// Walks every layer of `source` in order with `analyzers`.
pub fn walk(
    source: &dyn ImageSource,
    analyzers: &mut [&mut dyn Analyzer],
    limits: &Limits,
) -> Result<WalkResult> {
    let mut reader = LayerReader::new(limits);
    let count = source.manifest().layers.len();
    for index in 0..count {
        let name = source.manifest().layers[index].name.clone();
        match source.open_layer(index)? {
            LayerStream::Tar(raw) => reader.read_tar_threaded(&name, raw, analyzers)?,
            LayerStream::SeekableTar(raw) => reader.read_tar_seekable(&name, raw, analyzers)?,
            LayerStream::Directory(dir) => reader.read_dir(&name, &dir, analyzers)?,
        };
    }
    let order: Vec<usize> = (0..count).collect();
    reader.finish(&order, analyzers)
}

/// Reads layers one by one into numbered slots, in whatever order they arrive, and applies
/// them in image order at the end. A source that knows its layer order up front reads slot
/// `i` as layer `i`; a stream that names the order last (an engine export puts
/// `manifest.json` after the layers) reads in arrival order and maps slots to layers in
/// [`LayerReader::finish`].
pub struct LayerReader<'l> {
    state: State<'l>,
    pendings: Vec<Pending>,
}

impl<'l> LayerReader<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        LayerReader {
            state: State {
                result: WalkResult::default(),
                limits,
                total_entries: 0,
                buffer: Vec::new(),
            },
            pendings: Vec::new(),
        }
    }

    /// Slots read so far.
    pub fn slots(&self) -> usize {
        self.pendings.len()
    }

    fn open_slot(&mut self) -> usize {
        let slot = self.pendings.len();
        self.state.result.layers.push(LayerStats {
            index: slot,
            ..LayerStats::default()
        });
        self.pendings.push(Pending::default());
        slot
    }

    /// Reads a layer tar (compressed or not) into a new slot; analyzers see its files with the
    /// slot as their layer. Returns the slot.
    pub fn read_tar<'r>(
        &mut self,
        name: &str,
        raw: Box<dyn Read + 'r>,
        analyzers: &mut [&mut dyn Analyzer],
    ) -> Result<usize> {
        let slot = self.open_slot();
        let mut pending = Pending::default();
        self.state
            .read_tar(slot, name, raw, analyzers, &mut pending)?;
        self.pendings[slot] = pending;
        Ok(slot)
    }

    /// [`LayerReader::read_tar`] for a stream that can move to another thread: a compressed
    /// layer is decompressed on a read-ahead thread while this one reads the tar and runs the
    /// analyzers (a gzip layer costs about as much to inflate as to analyse).
    pub fn read_tar_threaded<'r>(
        &mut self,
        name: &str,
        raw: Box<dyn Read + Send + 'r>,
        analyzers: &mut [&mut dyn Analyzer],
    ) -> Result<usize> {
        let slot = self.open_slot();
        let layer_err = |source| Error::Layer {
            layer: slot,
            name: name.to_string(),
            source,
        };
        let (compression, buffered) = sniff(raw).map_err(layer_err)?;
        let mut pending = Pending::default();
        if compression == Compression::None {
            self.state.read_decompressed(
                slot,
                name,
                compression,
                Box::new(buffered),
                analyzers,
                &mut pending,
            )?;
        } else {
            let (tx, rx) = std::sync::mpsc::sync_channel(READ_AHEAD_CHUNKS);
            std::thread::scope(|scope| {
                scope.spawn(move || read_ahead(Decoder::new(compression, buffered), tx));
                // Dropping the reader (on success or error) stops the thread at its next send.
                self.state.read_decompressed(
                    slot,
                    name,
                    compression,
                    Box::new(ChannelReader::new(rx)),
                    analyzers,
                    &mut pending,
                )
            })?;
        }
        self.pendings[slot] = pending;
        Ok(slot)
    }

    /// A layer tar stored in a file: an uncompressed one is read with seeks over the content of
    /// files no analyzer reads; a compressed one as [`LayerReader::read_tar_threaded`].
    pub fn read_tar_seekable(
        &mut self,
        name: &str,
        raw: Box<dyn crate::source::SeekRead>,
        analyzers: &mut [&mut dyn Analyzer],
    ) -> Result<usize> {
        let mut buffered = SkipBuf::new(raw);
        let compression = {
            use io::BufRead;
            let slot = self.pendings.len();
            crate::compress::detect(buffered.fill_buf().map_err(|source| Error::Layer {
                layer: slot,
                name: name.to_string(),
                source,
            })?)
        };
        if compression != Compression::None {
            return self.read_tar_threaded(name, Box::new(buffered), analyzers);
        }
        let slot = self.open_slot();
        let mut pending = Pending::default();
        self.state
            .read_seekable(slot, name, buffered, analyzers, &mut pending)?;
        self.pendings[slot] = pending;
        Ok(slot)
    }

    /// Reads a directory as one layer into a new slot (symbolic links are not followed).
    pub fn read_dir(
        &mut self,
        _name: &str,
        dir: &crate::source::DirLayer,
        analyzers: &mut [&mut dyn Analyzer],
    ) -> Result<usize> {
        let slot = self.open_slot();
        let mut pending = Pending::default();
        self.state.read_dir(slot, dir, analyzers, &mut pending)?;
        self.pendings[slot] = pending;
        Ok(slot)
    }

    /// Applies the slots in image order (`order[i]` is the slot of layer `i`; a slot may come
    /// twice when an image repeats a layer, slots not named are dropped), renumbers what the
    /// analyzers recorded and lets them finish.
    pub fn finish(
        mut self,
        order: &[usize],
        analyzers: &mut [&mut dyn Analyzer],
    ) -> Result<WalkResult> {
        let identity = order.iter().copied().eq(0..self.pendings.len());
        let mut stats = Vec::with_capacity(order.len());
        for (index, &slot) in order.iter().enumerate() {
            let Some(slot_stats) = self.state.result.layers.get(slot) else {
                return Err(Error::Missing {
                    container: "layer order".into(),
                    file: format!("slot {slot}"),
                });
            };
            stats.push(LayerStats {
                index,
                // Shipped-but-hidden bytes are counted again while applying.
                wasted_bytes: 0,
                ..slot_stats.clone()
            });
        }
        self.state.result.layers = stats;
        for (index, &slot) in order.iter().enumerate() {
            let pending = if order[index + 1..].contains(&slot) {
                self.pendings[slot].clone()
            } else {
                std::mem::take(&mut self.pendings[slot])
            };
            self.state.apply(index, pending);
        }
        if !identity {
            // A repeated slot maps to its last place: that copy is the one the image shows.
            let map = |slot: usize| order.iter().rposition(|&s| s == slot);
            for a in analyzers.iter_mut() {
                a.relabel_layers(&map);
            }
        }
        for a in analyzers.iter_mut() {
            a.finish(&self.state.result.tree)?;
        }
        Ok(self.state.result)
    }
}

/// What one layer does, applied to the tree once the layer is read (whiteouts only hide lower
/// layers, whatever their order inside the layer).
#[derive(Default, Clone)]
struct Pending {
    opaque: Vec<String>,
    whiteouts: Vec<String>,
    added: Vec<(String, Entry)>,
}

struct State<'l> {
    result: WalkResult,
    limits: &'l Limits,
    total_entries: usize,
    buffer: Vec<u8>,
}

fn tar_kind(t: tar::EntryType) -> Option<EntryKind> {
    use tar::EntryType as T;
    Some(match t {
        T::Regular | T::Continuous => EntryKind::File,
        T::Directory => EntryKind::Dir,
        T::Symlink => EntryKind::Symlink,
        T::Link => EntryKind::Hardlink,
        T::Char => EntryKind::Char,
        T::Block => EntryKind::Block,
        T::Fifo => EntryKind::Fifo,
        _ => return None,
    })
}

impl State<'_> {
    fn count_entry(&mut self, layer: usize) -> Result<()> {
        self.total_entries += 1;
        self.result.layers[layer].entries += 1;
        if self.total_entries > self.limits.max_entries {
            return Err(Error::TooManyEntries {
                layer,
                limit: self.limits.max_entries,
            });
        }
        Ok(())
    }

    fn anomaly(&mut self, layer: usize, raw: &[u8], kind: AnomalyKind) {
        let mut path = String::from_utf8_lossy(raw).into_owned();
        if path.len() > 512 {
            let mut end = 512;
            while !path.is_char_boundary(end) {
                end -= 1;
            }
            path.truncate(end);
        }
        self.result.anomalies.push(Anomaly { layer, path, kind });
    }

    fn read_tar(
        &mut self,
        layer: usize,
        name: &str,
        raw: Box<dyn Read + '_>,
        analyzers: &mut [&mut dyn Analyzer],
        pending: &mut Pending,
    ) -> Result<()> {
        let (compression, buffered) = sniff(raw).map_err(|source| Error::Layer {
            layer,
            name: name.to_string(),
            source,
        })?;
        let stream = Box::new(Decoder::new(compression, buffered));
        self.read_decompressed(layer, name, compression, stream, analyzers, pending)
    }

    /// Reads a layer tar from its decompressed stream.
    fn read_decompressed(
        &mut self,
        layer: usize,
        name: &str,
        compression: Compression,
        stream: Box<dyn Read + '_>,
        analyzers: &mut [&mut dyn Analyzer],
        pending: &mut Pending,
    ) -> Result<()> {
        let limit = self.limits.max_layer_bytes;
        self.result.layers[layer].compression = Some(compression);
        // The cap is on decompressed bytes (a gzip bomb stops here).
        let (capped, count, exceeded) = Capped::new(stream, limit);
        let layer_err = |source: io::Error| {
            if exceeded.load(Ordering::Relaxed) {
                Error::LayerTooLarge {
                    layer,
                    name: name.to_string(),
                    limit,
                }
            } else {
                Error::Layer {
                    layer,
                    name: name.to_string(),
                    source,
                }
            }
        };
        let mut archive = tar::Archive::new(capped);
        let entries = archive.entries().map_err(layer_err)?;
        self.read_entries(layer, entries, &layer_err, analyzers, pending)?;
        // Read past the end-of-archive blocks to the end of the stream, so that readers that
        // verify a digest at EOF (registry blobs) get to check it; bounded by the same cap.
        io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(layer_err)?;
        self.result.layers[layer].decompressed_bytes = count.load(Ordering::Relaxed);
        Ok(())
    }

    /// Reads a seekable, uncompressed layer tar: the content of files no analyzer reads is
    /// skipped by seeking instead of being read.
    fn read_seekable<R: Read + io::Seek>(
        &mut self,
        layer: usize,
        name: &str,
        stream: R,
        analyzers: &mut [&mut dyn Analyzer],
        pending: &mut Pending,
    ) -> Result<()> {
        self.result.layers[layer].compression = Some(Compression::None);
        let layer_err = |source: io::Error| Error::Layer {
            layer,
            name: name.to_string(),
            source,
        };
        let mut archive = tar::Archive::new(stream);
        let entries = archive.entries_with_seek().map_err(layer_err)?;
        self.read_entries(layer, entries, &layer_err, analyzers, pending)?;
        let mut stream = archive.into_inner();
        let end = stream.seek(io::SeekFrom::End(0)).map_err(layer_err)?;
        self.result.layers[layer].decompressed_bytes = end;
        Ok(())
    }

    /// The entries of one layer tar into `pending`, files shown to the analyzers.
    fn read_entries<R: Read>(
        &mut self,
        layer: usize,
        entries: tar::Entries<'_, R>,
        layer_err: &dyn Fn(io::Error) -> Error,
        analyzers: &mut [&mut dyn Analyzer],
        pending: &mut Pending,
    ) -> Result<()> {
        for entry in entries {
            let mut entry = entry.map_err(layer_err)?;
            self.count_entry(layer)?;
            let raw_path = entry.path_bytes().into_owned();
            let path = match normalize_path(&raw_path, self.limits) {
                Ok(p) => p,
                Err(kind) => {
                    self.anomaly(layer, &raw_path, kind);
                    continue;
                }
            };
            if path.is_empty() {
                continue; // the root itself
            }
            let (parent, base) = match path.rsplit_once('/') {
                Some((p, b)) => (p, b),
                None => ("", path.as_str()),
            };
            if base == ".wh..wh..opq" {
                pending.opaque.push(parent.to_string());
                self.result.layers[layer].opaque_dirs += 1;
                continue;
            }
            if let Some(hidden) = base.strip_prefix(".wh.") {
                if hidden.is_empty() {
                    self.anomaly(layer, &raw_path, AnomalyKind::BadWhiteout);
                } else {
                    let target = if parent.is_empty() {
                        hidden.to_string()
                    } else {
                        format!("{parent}/{hidden}")
                    };
                    pending.whiteouts.push(target);
                    self.result.layers[layer].whiteouts += 1;
                }
                continue;
            }
            let header = entry.header();
            let type_byte = header.entry_type();
            let Some(kind) = tar_kind(type_byte) else {
                self.anomaly(
                    layer,
                    &raw_path,
                    AnomalyKind::UnsupportedType(type_byte.as_byte()),
                );
                continue;
            };
            let mut link = entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned());
            if kind == EntryKind::Hardlink {
                let target = link
                    .as_deref()
                    .map(|l| normalize_path(l.as_bytes(), self.limits));
                match target {
                    Some(Ok(t)) if !t.is_empty() => link = Some(t),
                    _ => {
                        self.anomaly(layer, &raw_path, AnomalyKind::HardlinkEscape);
                        continue;
                    }
                }
            }
            let record = Entry {
                kind,
                mode: header.mode().map_err(layer_err)? & 0o7777,
                uid: header.uid().map_err(layer_err)?,
                gid: header.gid().map_err(layer_err)?,
                size: if kind == EntryKind::File {
                    entry.size()
                } else {
                    0
                },
                link: if matches!(kind, EntryKind::Symlink | EntryKind::Hardlink) {
                    link
                } else {
                    None
                },
                layer,
            };
            if kind == EntryKind::File {
                self.result.layers[layer].added_bytes += record.size;
                self.feed(&path, &record, layer, &mut entry, analyzers)
                    .map_err(|e| match e {
                        Error::Io { source, .. } => layer_err(source),
                        other => other,
                    })?;
            }
            pending.added.push((path, record));
        }
        Ok(())
    }

    /// Shows a file's content to the analyzers that require it: streamed to a single one,
    /// buffered (up to the cap) for several.
    fn feed(
        &mut self,
        path: &str,
        entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
        analyzers: &mut [&mut dyn Analyzer],
    ) -> Result<()> {
        let wanted: Vec<usize> = analyzers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.required(path, entry))
            .map(|(i, _)| i)
            .collect();
        let cap = self.limits.max_file_read;
        let io_err = |source| Error::Io {
            path: path.to_string(),
            source,
        };
        match wanted.as_slice() {
            [] => Ok(()),
            [one] => {
                let mut limited = LatchErr::new(content.take(cap));
                let outcome = analyzers[*one].analyze(path, entry, layer, &mut limited);
                if let Some(e) = limited.error.take() {
                    return Err(io_err(e));
                }
                outcome
            }
            many => {
                // Each analyzer reads from the start; the content is pulled only as far as the
                // analyzer that reads furthest (an ELF header reader stops after a few KiB).
                self.buffer.clear();
                let mut source = LatchErr::new(content.take(cap));
                for i in many {
                    let mut replay = Replay {
                        source: &mut source,
                        buffer: &mut self.buffer,
                        pos: 0,
                    };
                    analyzers[*i].analyze(path, entry, layer, &mut replay)?;
                }
                if let Some(e) = source.error.take() {
                    return Err(io_err(e));
                }
                Ok(())
            }
        }
    }

    fn read_dir(
        &mut self,
        layer: usize,
        layer_dir: &crate::source::DirLayer,
        analyzers: &mut [&mut dyn Analyzer],
        pending: &mut Pending,
    ) -> Result<()> {
        let root = layer_dir.root.as_path();
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let io_err = |path: &Path, source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let mut seen_inodes: HashMap<(u64, u64), String> = HashMap::new();
        let mut stack: Vec<(std::path::PathBuf, String, usize)> =
            vec![(root.to_path_buf(), String::new(), 0)];
        while let Some((dir, rel_dir, depth)) = stack.pop() {
            let mut children: Vec<_> = std::fs::read_dir(&dir)
                .map_err(|e| io_err(&dir, e))?
                .collect::<io::Result<Vec<_>>>()
                .map_err(|e| io_err(&dir, e))?;
            children.sort_by_key(|c| c.file_name());
            for child in children {
                self.count_entry(layer)?;
                let name = child.file_name().to_string_lossy().into_owned();
                let rel = if rel_dir.is_empty() {
                    name
                } else {
                    format!("{rel_dir}/{name}")
                };
                if rel.len() > self.limits.max_path_len {
                    self.anomaly(layer, rel.as_bytes(), AnomalyKind::PathTooLong);
                    continue;
                }
                if depth + 1 > self.limits.max_path_depth {
                    self.anomaly(layer, rel.as_bytes(), AnomalyKind::PathTooDeep);
                    continue;
                }
                let path = child.path();
                let meta = std::fs::symlink_metadata(&path).map_err(|e| io_err(&path, e))?;
                let ft = meta.file_type();
                let mut kind = if ft.is_dir() {
                    EntryKind::Dir
                } else if ft.is_symlink() {
                    EntryKind::Symlink
                } else if ft.is_file() {
                    EntryKind::File
                } else if ft.is_char_device() {
                    EntryKind::Char
                } else if ft.is_block_device() {
                    EntryKind::Block
                } else if ft.is_fifo() {
                    EntryKind::Fifo
                } else {
                    self.anomaly(layer, rel.as_bytes(), AnomalyKind::UnsupportedType(0));
                    continue;
                };
                let mut link = None;
                if kind == EntryKind::Symlink {
                    let target = std::fs::read_link(&path).map_err(|e| io_err(&path, e))?;
                    link = Some(target.to_string_lossy().into_owned());
                } else if kind == EntryKind::File && meta.nlink() > 1 {
                    let key = (meta.dev(), meta.ino());
                    if let Some(first) = seen_inodes.get(&key) {
                        kind = EntryKind::Hardlink;
                        link = Some(first.clone());
                    } else {
                        seen_inodes.insert(key, rel.clone());
                    }
                }
                let record = Entry {
                    kind,
                    mode: meta.mode() & 0o7777,
                    uid: u64::from(meta.uid()),
                    gid: u64::from(meta.gid()),
                    size: if kind == EntryKind::File {
                        meta.len()
                    } else {
                        0
                    },
                    link,
                    layer,
                };
                if kind == EntryKind::File {
                    self.result.layers[layer].added_bytes += record.size;
                    let wanted = analyzers.iter().any(|a| a.required(&rel, &record));
                    if wanted {
                        let file = File::open(&path).map_err(|e| io_err(&path, e))?;
                        // The path may have been swapped for a link since: check it is the same file.
                        let opened = file.metadata().map_err(|e| io_err(&path, e))?;
                        if opened.is_file()
                            && opened.ino() == meta.ino()
                            && opened.dev() == meta.dev()
                        {
                            let mut reader = io::BufReader::new(file);
                            self.feed(&rel, &record, layer, &mut reader, analyzers)?;
                        }
                    }
                }
                let skipped = kind == EntryKind::Dir
                    && layer_dir.skip_vcs_and_caches
                    && (matches!(child.file_name().to_str(), Some(".git" | ".hg" | ".svn"))
                        || path.join("CACHEDIR.TAG").is_file());
                if kind == EntryKind::Dir && !skipped {
                    stack.push((path, rel.clone(), depth + 1));
                }
                pending.added.push((rel, record));
            }
        }
        Ok(())
    }

    /// Applies one layer: opaque directories and whiteouts hide lower content, then the
    /// layer's entries are written in order.
    fn apply(&mut self, layer: usize, pending: Pending) {
        let WalkResult { tree, layers, .. } = &mut self.result;
        let mut gone = |e: &Entry| {
            if e.kind == EntryKind::File {
                layers[e.layer].wasted_bytes += e.size;
            }
        };
        for dir in &pending.opaque {
            tree.remove_children(dir, &mut gone);
        }
        for path in &pending.whiteouts {
            tree.remove_tree(path, &mut gone);
        }
        for (path, mut entry) in pending.added {
            entry.layer = layer;
            // Parents: create missing directories, replace non-directories.
            let mut end = 0;
            while let Some(pos) = path[end..].find('/') {
                let parent = &path[..end + pos];
                match tree.entries.get(parent) {
                    Some(e) if e.kind == EntryKind::Dir => {}
                    Some(_) => {
                        tree.remove_tree(parent, &mut gone);
                        tree.entries.insert(parent.to_string(), implicit_dir(layer));
                    }
                    None => {
                        tree.entries.insert(parent.to_string(), implicit_dir(layer));
                    }
                }
                end += pos + 1;
            }
            match tree.entries.get(&path) {
                Some(old) if old.kind == EntryKind::Dir && entry.kind == EntryKind::Dir => {}
                Some(old) if old.kind == EntryKind::Dir => tree.remove_tree(&path, &mut gone),
                Some(_) => {
                    if let Some(old) = tree.entries.remove(&path) {
                        gone(&old);
                    }
                }
                None => {}
            }
            tree.entries.insert(path, entry);
        }
    }
}

fn implicit_dir(layer: usize) -> Entry {
    Entry {
        kind: EntryKind::Dir,
        mode: 0o755,
        uid: 0,
        gid: 0,
        size: 0,
        link: None,
        layer,
    }
}

/// A buffered reader whose forward seeks within [`SkipBuf::SEEK_MIN`] bytes are served by
/// reading on: a tar seeks over every file it skips, and a seek (which drops the buffer)
/// costs more than reading a small file; only large files are really seeked over.
struct SkipBuf<R> {
    inner: R,
    /// Where `inner` is: bytes read from it, or where it was seeked to.
    inner_pos: u64,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
}

impl<R: Read + io::Seek> SkipBuf<R> {
    const CAPACITY: usize = 64 * 1024;
    const SEEK_MIN: u64 = 256 * 1024;

    fn new(inner: R) -> Self {
        SkipBuf {
            inner,
            inner_pos: 0,
            buf: vec![0; Self::CAPACITY].into_boxed_slice(),
            pos: 0,
            filled: 0,
        }
    }
}

impl<R: Read> io::BufRead for SkipBuf<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.filled {
            self.filled = self.inner.read(&mut self.buf)?;
            self.inner_pos += self.filled as u64;
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.filled);
    }
}

impl<R: Read> Read for SkipBuf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // Large reads bypass the buffer once it is empty.
        if self.pos >= self.filled && out.len() >= self.buf.len() {
            let n = self.inner.read(out)?;
            self.inner_pos += n as u64;
            return Ok(n);
        }
        let available = io::BufRead::fill_buf(self)?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R: Read + io::Seek> io::Seek for SkipBuf<R> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        if let io::SeekFrom::Current(ahead) = to
            && let Ok(mut ahead) = u64::try_from(ahead)
            && ahead < Self::SEEK_MIN
        {
            while ahead > 0 {
                let available = io::BufRead::fill_buf(self)?.len() as u64;
                if available == 0 {
                    break;
                }
                let step = available.min(ahead);
                self.pos += step as usize;
                ahead -= step;
            }
            return Ok(self.inner_pos - (self.filled - self.pos) as u64);
        }
        let target = match to {
            io::SeekFrom::Current(d) => {
                // Relative to what the caller has read, not to what the buffer has.
                let buffered = (self.filled - self.pos) as i64;
                io::SeekFrom::Current(d - buffered)
            }
            other => other,
        };
        self.pos = 0;
        self.filled = 0;
        self.inner_pos = self.inner.seek(target)?;
        Ok(self.inner_pos)
    }
}

/// One pass over a stream shared by several readers in turn: each reads from the start, bytes
/// already pulled are served from `buffer`, the rest are pulled (and kept) as needed.
struct Replay<'a, R> {
    source: &'a mut R,
    buffer: &'a mut Vec<u8>,
    pos: usize,
}

impl<R: Read> Read for Replay<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buffer.len() {
            let start = self.buffer.len();
            self.buffer.resize(start + out.len().max(8 * 1024), 0);
            let n = self.source.read(&mut self.buffer[start..]);
            self.buffer.truncate(start + *n.as_ref().unwrap_or(&0));
            n?;
        }
        let n = (self.buffer.len() - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.buffer[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Keeps the first read error of a stream so that an analyzer that swallows it cannot hide a
/// truncated layer.
struct LatchErr<R> {
    inner: R,
    error: Option<io::Error>,
}

impl<R> LatchErr<R> {
    fn new(inner: R) -> Self {
        LatchErr { inner, error: None }
    }
}

impl<R: Read> Read for LatchErr<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => {
                let copy = io::Error::new(e.kind(), e.to_string());
                self.error.get_or_insert(e);
                Err(copy)
            }
        }
    }
}
