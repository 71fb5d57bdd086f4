//! Images read from a one-way stream of a `docker save` tar, such as the Engine API's
//! `GET /images/{name}/get`: one pass, nothing spooled to disk.
//!
//! Layers come before the documents that order them (`manifest.json` and `index.json` sort
//! after the layer directories and blobs), so every layer is walked as it arrives into a slot
//! of a [`LayerReader`]; small JSON members are kept in memory; at the end of the stream the
//! manifest is resolved exactly as for a tar file and the slots are applied in image order.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Cursor, Read};

use crate::compress::{Compression, detect};
use crate::config::ImageConfig;
use crate::error::{Error, Result};
use crate::source::{ImageManifest, OpenOptions, StoredImage};
use crate::store::{Store, member_name};
use crate::walk::{Analyzer, LayerReader, WalkResult};

/// What a streamed archive held, walked.
pub struct StreamedImage {
    pub manifest: ImageManifest,
    pub config: ImageConfig,
    pub result: WalkResult,
}

/// Bytes of one tar header block: enough to tell a layer from a JSON document.
const SNIFF: usize = 512;

/// Reads a `docker save` tar (legacy or OCI layout inside) from `reader` in one pass, walking
/// its layers with `analyzers`. `label` names the stream in messages.
pub fn read_archive_stream(
    reader: impl Read,
    label: &str,
    analyzers: &mut [&mut dyn Analyzer],
    options: &OpenOptions,
) -> Result<StreamedImage> {
    let limits = &options.limits;
    let archive_err = |source| Error::Archive {
        archive: label.to_string(),
        source,
    };
    let mut layers = LayerReader::new(limits);
    let mut docs: HashMap<String, Vec<u8>> = HashMap::new();
    let mut kept_bytes = 0u64;
    let max_kept = limits.max_json_bytes.saturating_mul(4);
    let mut slots: HashMap<String, usize> = HashMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let mut archive = tar::Archive::new(reader);
    let mut count = 0usize;
    for entry in archive.entries().map_err(archive_err)? {
        let mut entry = entry.map_err(archive_err)?;
        count += 1;
        if count > limits.max_entries {
            return Err(format_err(
                label,
                "the archive",
                format!("more than {} members", limits.max_entries),
            ));
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(name) = member_name(&raw) else {
            continue;
        };
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            if let Some(target) = entry.link_name_bytes() {
                let target = String::from_utf8_lossy(&target).into_owned();
                let full = match name.rsplit_once('/') {
                    Some((dir, _)) if kind.is_symlink() && !target.starts_with('/') => {
                        format!("{dir}/{target}")
                    }
                    _ => target,
                };
                if let Some(full) = member_name(&full) {
                    links.push((name, full));
                }
            }
            continue;
        }
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            continue;
        }
        let size = entry.size();
        let mut head = Vec::with_capacity(SNIFF);
        (&mut entry)
            .take(SNIFF as u64)
            .read_to_end(&mut head)
            .map_err(|source| Error::Io {
                path: format!("{label}: {name}"),
                source,
            })?;
        if name.ends_with("layer.tar") || looks_like_layer(&head) {
            let content: Box<dyn Read + '_> = Box::new(Cursor::new(head).chain(&mut entry));
            let slot = layers.read_tar(&name, content, analyzers)?;
            slots.insert(name, slot);
        } else if head
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['))
            && size <= limits.max_json_bytes
        {
            kept_bytes += size;
            if kept_bytes > max_kept {
                return Err(format_err(
                    label,
                    &name,
                    format!("more than {max_kept} bytes of JSON documents"),
                ));
            }
            let mut data = head;
            entry.read_to_end(&mut data).map_err(|source| Error::Io {
                path: format!("{label}: {name}"),
                source,
            })?;
            docs.insert(name, data);
        }
    }
    // Links name members already seen (docker save links a repeated layer to its first copy).
    for _ in 0..8 {
        let before = links.len();
        links.retain(|(name, target)| {
            if let Some(&slot) = slots.get(target) {
                slots.insert(name.clone(), slot);
                false
            } else if let Some(doc) = docs.get(target).cloned() {
                docs.insert(name.clone(), doc);
                false
            } else {
                true
            }
        });
        if links.len() == before {
            break;
        }
    }
    let store = MemStore {
        label: label.to_string(),
        layers: slots.keys().cloned().collect(),
        docs,
    };
    let image = if store.contains("index.json") {
        StoredImage::from_oci(Box::new(store), crate::SourceFormat::OciArchive, options)?
    } else if store.contains("manifest.json") {
        StoredImage::from_docker_save(Box::new(store), options)?
    } else {
        return Err(format_err(
            label,
            "the archive",
            "neither index.json nor manifest.json: not an image archive".into(),
        ));
    };
    let (manifest, config) = image.into_parts();
    let mut order = Vec::with_capacity(manifest.layers.len());
    for layer in &manifest.layers {
        match slots.get(&layer.name) {
            Some(&slot) => order.push(slot),
            None => {
                return Err(Error::Missing {
                    container: label.to_string(),
                    file: layer.name.clone(),
                });
            }
        }
    }
    let result = layers.finish(&order, analyzers)?;
    Ok(StreamedImage {
        manifest,
        config,
        result,
    })
}

/// Whether the first bytes of a member are a layer: compressed, a tar header (`ustar` magic
/// at offset 257) or the zero blocks of an empty tar.
fn looks_like_layer(head: &[u8]) -> bool {
    if detect(head) != Compression::None {
        return true;
    }
    head.len() == SNIFF && (head[257..262] == *b"ustar" || head.iter().all(|&b| b == 0))
}

fn format_err(label: &str, file: &str, message: String) -> Error {
    Error::Format {
        container: label.to_string(),
        file: file.to_string(),
        message,
    }
}

/// The documents of a streamed archive, kept in memory, and the names of its layers (read
/// already, so not openable).
struct MemStore {
    label: String,
    docs: HashMap<String, Vec<u8>>,
    layers: BTreeSet<String>,
}

impl Store for MemStore {
    fn container(&self) -> &str {
        &self.label
    }

    fn contains(&self, name: &str) -> bool {
        self.docs.contains_key(name) || self.layers.contains(name)
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send>> {
        match self.docs.get(name) {
            Some(data) => Ok(Box::new(Cursor::new(data.clone()))),
            None if self.layers.contains(name) => Err(Error::Io {
                path: format!("{}: {name}", self.label),
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a layer where a JSON document was expected",
                ),
            }),
            None => Err(Error::Missing {
                container: self.label.clone(),
                file: name.to_string(),
            }),
        }
    }
}
