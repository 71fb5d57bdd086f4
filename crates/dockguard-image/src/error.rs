//! The crate's error type.

use std::io;

/// Everything that can go wrong while reading an image.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory of the host could not be read.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The outer archive is not a readable tar file.
    #[error("{archive}: not a readable tar archive: {source}")]
    Archive {
        archive: String,
        #[source]
        source: io::Error,
    },
    /// A JSON document of the image does not parse or does not have the expected shape.
    #[error("{file} (in {container}): invalid JSON: {source}")]
    Json {
        container: String,
        file: String,
        #[source]
        source: serde_json::Error,
    },
    /// A document of the image is well-formed but unusable.
    #[error("{file} (in {container}): {message}")]
    Format {
        container: String,
        file: String,
        message: String,
    },
    /// A file the image refers to is absent.
    #[error("{file}: not found in {container}")]
    Missing { container: String, file: String },
    /// No image of the source matches the selection.
    #[error("{container}: {message}")]
    NoImage { container: String, message: String },
    /// A layer could not be read: truncated or corrupt tar, bad compressed stream, I/O error.
    #[error("layer {layer} ({name}): {source}")]
    Layer {
        layer: usize,
        name: String,
        #[source]
        source: io::Error,
    },
    /// A layer decompresses to more bytes than [`crate::Limits::max_layer_bytes`].
    #[error("layer {layer} ({name}): decompressed size exceeds the limit of {limit} bytes")]
    LayerTooLarge {
        layer: usize,
        name: String,
        limit: u64,
    },
    /// The image has more entries than [`crate::Limits::max_entries`].
    #[error("layer {layer}: more than {limit} entries in the image")]
    TooManyEntries { layer: usize, limit: usize },
    /// An analyzer failed.
    #[error("analyzer: {0}")]
    Analyzer(String),
}

/// Short for `std::result::Result<T, dockguard_image::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
