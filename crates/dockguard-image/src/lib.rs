//! Reading container images safely and in one streaming pass.
//!
//! - [`source`]: image sources behind [`ImageSource`]: `docker save` archives (legacy,
//!   Docker 25+ OCI, containerd exports), OCI layouts as directories or tars with platform
//!   selection, and plain root-filesystem directories. Archives are indexed once and their
//!   layers read by seeking; nothing is extracted.
//! - [`walk`]: the layer walker: compression found by magic bytes, whiteouts and opaque
//!   directories, per-layer statistics, analyzers that stream the files they need, and bounds
//!   ([`Limits`]) on entries, decompressed bytes and paths.
//! - [`checks`]: the image rules (`IM…`) on the config, the final tree and the secrets found
//!   in every layer's files.

pub mod analyzers;
pub mod checks;
pub mod compress;
pub mod config;
pub mod error;
pub mod minimal;
pub mod source;
mod store;
pub mod stream;
pub mod summary;
pub mod trust;
pub mod walk;

pub use compress::Compression;
pub use config::{ContainerConfig, Healthcheck, History, ImageConfig, Platform, RootFs};
pub use error::{Error, Result};
pub use source::{
    DirLayer, ImageManifest, ImageSource, LayerInfo, LayerStream, OpenOptions, RootfsSource,
    SeekRead, SourceFormat, StoredImage, is_root_filesystem, open, open_archive, open_oci_dir,
};
pub use walk::{
    Analyzer, Anomaly, AnomalyKind, Entry, EntryKind, FileTree, LayerReader, LayerStats, Limits,
    WalkResult, normalize_path, walk,
};

#[cfg(test)]
mod tests;
