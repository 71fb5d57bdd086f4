//! Image sources: `docker save` archives, OCI layouts (directory or tar), root filesystems.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::{Descriptor, ImageConfig, IndexOrManifest, Platform, SaveManifest};
use crate::error::{Error, Result};
use crate::store::{DirStore, Store, TarStore, blob_path, read_json};
use crate::walk::Limits;

/// What kind of source an image was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// A `docker save` tar read through its `manifest.json` (legacy layout).
    DockerArchive,
    /// A tar holding an OCI image layout (`index.json`): Docker 25+ `docker save`, containerd
    /// exports, `skopeo copy oci-archive:`.
    OciArchive,
    /// An OCI image layout directory.
    OciDirectory,
    /// A plain root-filesystem directory: one synthetic layer.
    RootfsDirectory,
    /// An image read from a registry (distribution API): manifest, config and layer blobs.
    Registry,
}

/// One layer of an image.
#[derive(Debug, Clone, Default)]
pub struct LayerInfo {
    /// Where the layer lives inside its source (archive member or blob path).
    pub name: String,
    pub media_type: Option<String>,
    /// Digest of the stored (possibly compressed) blob, when known.
    pub digest: Option<String>,
    /// Stored size, when known.
    pub size: Option<u64>,
    /// Digest of the uncompressed layer, from the config's `rootfs.diff_ids`.
    pub diff_id: Option<String>,
}

/// The resolved manifest of one image of a source.
#[derive(Debug, Clone)]
pub struct ImageManifest {
    pub format: SourceFormat,
    /// Tags or reference names the source gives the image.
    pub names: Vec<String>,
    /// `repository@digest` references the image is known by in registries (from the engine
    /// or the registry it was pulled from); empty for files.
    pub repo_digests: Vec<String>,
    /// Annotations of the image manifest and of its index entry (OCI sources), e.g.
    /// `org.opencontainers.image.base.name`.
    pub annotations: std::collections::BTreeMap<String, String>,
    /// Digest of the image manifest, when the source has one.
    pub manifest_digest: Option<String>,
    /// Digest (or archive member name) of the config.
    pub config_digest: Option<String>,
    /// The platform the image was selected for, when the index said.
    pub platform: Option<Platform>,
    pub layers: Vec<LayerInfo>,
}

/// A stream that can also seek: a layer stored in a file.
pub trait SeekRead: Read + std::io::Seek + Send {}

impl<T: Read + std::io::Seek + Send> SeekRead for T {}

/// The contents of one layer.
pub enum LayerStream {
    /// A layer tar, possibly gzip- or zstd-compressed (detected from its first bytes).
    Tar(Box<dyn Read + Send>),
    /// A layer tar stored in a file: when it is not compressed, the content of files no
    /// analyzer reads is skipped by seeking.
    SeekableTar(Box<dyn SeekRead>),
    /// A directory to walk as if it were one layer (symbolic links are not followed).
    Directory(DirLayer),
}

/// A directory read as a layer.
#[derive(Debug, Clone)]
pub struct DirLayer {
    pub root: PathBuf,
    /// A project's directory, not a root filesystem: version-control metadata (`.git`, `.hg`,
    /// `.svn`) and cache directories marked with a `CACHEDIR.TAG` (Cargo's `target/`, pip's and
    /// others' caches) are not entered. What they hold is history and build output, not the
    /// project's packages, and can dwarf the project.
    pub skip_vcs_and_caches: bool,
}

/// An image to analyse: a manifest, a config, and layers opened one at a time, streamed.
pub trait ImageSource: Send + Sync {
    /// The file or directory read, for messages.
    fn describe(&self) -> &str;
    fn manifest(&self) -> &ImageManifest;
    fn config(&self) -> &ImageConfig;
    /// Opens layer `index` (0 = lowest) for one streaming pass.
    fn open_layer(&self, index: usize) -> Result<LayerStream>;
}

/// How to pick the image of a source that holds several.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// The platform to select from multi-platform indexes (default: the host's).
    pub platform: Platform,
    /// A tag or reference name to select when an archive holds several images.
    pub image: Option<String>,
    pub limits: Limits,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            platform: Platform::host(),
            image: None,
            limits: Limits::default(),
        }
    }
}

/// Opens `path`: a directory with `oci-layout` or `index.json` is an OCI layout, any other
/// directory a root filesystem, and a file a tar archive (`docker save` or OCI layout).
pub fn open(path: &Path, options: &OpenOptions) -> Result<Box<dyn ImageSource>> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    if meta.is_dir() {
        if path.join("oci-layout").is_file() || path.join("index.json").is_file() {
            Ok(Box::new(open_oci_dir(path, options)?))
        } else if is_root_filesystem(path) {
            Ok(Box::new(RootfsSource::new(path)))
        } else {
            Ok(Box::new(RootfsSource::project(path)))
        }
    } else {
        Ok(Box::new(open_archive(path, options)?))
    }
}

/// Opens a tar archive: an OCI layout when it has `index.json`, else a legacy `docker save`
/// through `manifest.json`.
pub fn open_archive(path: &Path, options: &OpenOptions) -> Result<StoredImage> {
    let store = TarStore::index(path, options.limits.max_entries)?;
    if store.contains("index.json") {
        StoredImage::from_oci(Box::new(store), SourceFormat::OciArchive, options)
    } else if store.contains("manifest.json") {
        StoredImage::from_docker_save(Box::new(store), options)
    } else {
        Err(Error::Format {
            container: path.display().to_string(),
            file: String::new(),
            message: "neither index.json nor manifest.json: not an image archive".into(),
        })
    }
}

/// Opens an OCI image layout directory.
pub fn open_oci_dir(path: &Path, options: &OpenOptions) -> Result<StoredImage> {
    StoredImage::from_oci(
        Box::new(DirStore::new(path)),
        SourceFormat::OciDirectory,
        options,
    )
}

/// An image whose files are in an archive or a layout directory.
pub struct StoredImage {
    store: Box<dyn Store>,
    manifest: ImageManifest,
    config: ImageConfig,
}

const INDEX_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
const NAME_ANNOTATIONS: [&str; 2] = [
    "io.containerd.image.name",
    "org.opencontainers.image.ref.name",
];

fn format_err(store: &dyn Store, file: &str, message: String) -> Error {
    Error::Format {
        container: store.container().to_string(),
        file: file.to_string(),
        message,
    }
}

fn name_matches(wanted: &str, names: &[String]) -> bool {
    names.iter().any(|n| {
        n == wanted
            || wanted
                .strip_suffix(n.as_str())
                .is_some_and(|p| p.ends_with(':'))
            || (!wanted.contains(':') && n == &format!("{wanted}:latest"))
    })
}

impl StoredImage {
    pub(crate) fn from_docker_save(
        store: Box<dyn Store>,
        options: &OpenOptions,
    ) -> Result<StoredImage> {
        let limit = options.limits.max_json_bytes;
        let images: Vec<SaveManifest> = read_json(store.as_ref(), "manifest.json", limit)?;
        let chosen: Vec<&SaveManifest> = match &options.image {
            Some(want) => images
                .iter()
                .filter(|m| name_matches(want, &m.repo_tags))
                .collect(),
            None => images.iter().collect(),
        };
        let image = match chosen.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::NoImage {
                    container: store.container().to_string(),
                    message: match &options.image {
                        Some(w) => format!("no image tagged {w} in manifest.json"),
                        None => "manifest.json lists no image".into(),
                    },
                });
            }
            many => {
                return Err(Error::NoImage {
                    container: store.container().to_string(),
                    message: format!(
                        "manifest.json lists {} images: choose one by tag",
                        many.len()
                    ),
                });
            }
        };
        let config_name = crate::store::member_name(&image.config).ok_or_else(|| {
            format_err(
                store.as_ref(),
                "manifest.json",
                format!("bad config path {}", image.config),
            )
        })?;
        let config: ImageConfig = read_json(store.as_ref(), &config_name, limit)?;
        let mut layers = Vec::new();
        for (i, raw) in image.layers.iter().enumerate() {
            let name = crate::store::member_name(raw).ok_or_else(|| {
                format_err(
                    store.as_ref(),
                    "manifest.json",
                    format!("bad layer path {raw}"),
                )
            })?;
            let digest = name
                .strip_prefix("blobs/")
                .and_then(|rest| rest.split_once('/'))
                .map(|(alg, hex)| format!("{alg}:{hex}"));
            layers.push(LayerInfo {
                name,
                media_type: None,
                digest,
                size: None,
                diff_id: diff_id(&config, i),
            });
        }
        Ok(StoredImage {
            manifest: ImageManifest {
                format: SourceFormat::DockerArchive,
                names: image.repo_tags.clone(),
                repo_digests: Vec::new(),
                annotations: Default::default(),
                manifest_digest: None,
                config_digest: Some(config_name),
                platform: None,
                layers,
            },
            config,
            store,
        })
    }

    pub(crate) fn from_oci(
        store: Box<dyn Store>,
        format: SourceFormat,
        options: &OpenOptions,
    ) -> Result<StoredImage> {
        let limit = options.limits.max_json_bytes;
        let index: IndexOrManifest = read_json(store.as_ref(), "index.json", limit)?;
        if index.schema_version != 2 {
            return Err(format_err(
                store.as_ref(),
                "index.json",
                format!("unsupported schemaVersion {}", index.schema_version),
            ));
        }
        let top = index
            .manifests
            .ok_or_else(|| format_err(store.as_ref(), "index.json", "no manifests array".into()))?;
        let top: Vec<Descriptor> = match &options.image {
            Some(want) => top
                .into_iter()
                .filter(|d| {
                    let names: Vec<String> = NAME_ANNOTATIONS
                        .iter()
                        .filter_map(|k| d.annotations.get(*k).cloned())
                        .collect();
                    name_matches(want, &names)
                })
                .collect(),
            None => top,
        };
        // Walk nested indexes down to image manifests for the platform.
        let mut leaves: Vec<(Descriptor, IndexOrManifest, Vec<String>)> = Vec::new();
        let mut pending: Vec<(Descriptor, usize, Vec<String>)> = top
            .into_iter()
            .rev()
            .map(|d| {
                let names = NAME_ANNOTATIONS
                    .iter()
                    .filter_map(|k| d.annotations.get(*k).cloned())
                    .collect();
                (d, 0, names)
            })
            .collect();
        while let Some((desc, depth, names)) = pending.pop() {
            if desc
                .platform
                .as_ref()
                .is_some_and(|p| !options.platform.matches(p))
            {
                continue;
            }
            let Some(path) = blob_path(&desc.digest) else {
                return Err(format_err(
                    store.as_ref(),
                    "index.json",
                    format!("malformed digest {}", desc.digest),
                ));
            };
            if !store.contains(&path) {
                // Exports often carry only some platforms' blobs.
                continue;
            }
            let doc: IndexOrManifest = read_json(store.as_ref(), &path, limit)?;
            let is_index = INDEX_TYPES.contains(&desc.media_type.as_str())
                || doc
                    .media_type
                    .as_deref()
                    .is_some_and(|m| INDEX_TYPES.contains(&m))
                || doc.manifests.is_some() && doc.layers.is_none();
            if is_index {
                if depth >= 8 {
                    return Err(format_err(
                        store.as_ref(),
                        &path,
                        "indexes nested too deep".into(),
                    ));
                }
                for child in doc.manifests.iter().flatten().rev() {
                    pending.push((child.clone(), depth + 1, names.clone()));
                }
            } else {
                leaves.push((desc, doc, names));
            }
        }
        leaves.dedup_by(|a, b| a.0.digest == b.0.digest);
        let (desc, doc, names) = match leaves.len() {
            1 => leaves.remove(0),
            0 => {
                return Err(Error::NoImage {
                    container: store.container().to_string(),
                    message: format!(
                        "no image manifest for platform {}{}",
                        options.platform,
                        options
                            .image
                            .as_ref()
                            .map(|i| format!(" named {i}"))
                            .unwrap_or_default()
                    ),
                });
            }
            n => {
                return Err(Error::NoImage {
                    container: store.container().to_string(),
                    message: format!(
                        "index.json has {n} images for the platform: choose one by name"
                    ),
                });
            }
        };
        let manifest_path = blob_path(&desc.digest).unwrap_or_default();
        let config_desc = doc.config.ok_or_else(|| {
            format_err(
                store.as_ref(),
                &manifest_path,
                "manifest without config".into(),
            )
        })?;
        let config_path = blob_path(&config_desc.digest).ok_or_else(|| {
            format_err(
                store.as_ref(),
                &manifest_path,
                format!("malformed digest {}", config_desc.digest),
            )
        })?;
        let config: ImageConfig = read_json(store.as_ref(), &config_path, limit)?;
        // The manifest's own annotations win over its index entry's.
        let mut annotations = desc.annotations.clone();
        annotations.extend(doc.annotations.clone());
        let mut layers = Vec::new();
        for (i, layer) in doc.layers.unwrap_or_default().into_iter().enumerate() {
            let name = blob_path(&layer.digest).ok_or_else(|| {
                format_err(
                    store.as_ref(),
                    &manifest_path,
                    format!("malformed digest {}", layer.digest),
                )
            })?;
            layers.push(LayerInfo {
                name,
                media_type: Some(layer.media_type),
                digest: Some(layer.digest),
                size: Some(layer.size),
                diff_id: diff_id(&config, i),
            });
        }
        Ok(StoredImage {
            manifest: ImageManifest {
                format,
                names,
                repo_digests: Vec::new(),
                annotations,
                manifest_digest: Some(desc.digest),
                config_digest: Some(config_desc.digest),
                platform: desc.platform,
                layers,
            },
            config,
            store,
        })
    }
}

impl StoredImage {
    /// The resolved manifest and config, without the store.
    pub(crate) fn into_parts(self) -> (ImageManifest, ImageConfig) {
        (self.manifest, self.config)
    }
}

fn diff_id(config: &ImageConfig, i: usize) -> Option<String> {
    config
        .rootfs
        .as_ref()
        .and_then(|r| r.diff_ids.get(i).cloned())
}

impl ImageSource for StoredImage {
    fn describe(&self) -> &str {
        self.store.container()
    }

    fn manifest(&self) -> &ImageManifest {
        &self.manifest
    }

    fn config(&self) -> &ImageConfig {
        &self.config
    }

    fn open_layer(&self, index: usize) -> Result<LayerStream> {
        let layer = self
            .manifest
            .layers
            .get(index)
            .ok_or_else(|| Error::Missing {
                container: self.store.container().to_string(),
                file: format!("layer {index}"),
            })?;
        match self.store.open_seekable(&layer.name)? {
            Some(seekable) => Ok(LayerStream::SeekableTar(seekable)),
            None => Ok(LayerStream::Tar(self.store.open(&layer.name)?)),
        }
    }
}

/// A root-filesystem directory: no config, one layer that is the directory itself.
pub struct RootfsSource {
    root: PathBuf,
    skip_vcs_and_caches: bool,
    label: String,
    manifest: ImageManifest,
    config: ImageConfig,
}

impl RootfsSource {
    pub fn new(root: &Path) -> RootfsSource {
        RootfsSource {
            root: root.to_path_buf(),
            skip_vcs_and_caches: false,
            label: root.display().to_string(),
            manifest: ImageManifest {
                format: SourceFormat::RootfsDirectory,
                names: Vec::new(),
                repo_digests: Vec::new(),
                annotations: Default::default(),
                manifest_digest: None,
                config_digest: None,
                platform: None,
                layers: vec![LayerInfo {
                    name: root.display().to_string(),
                    ..LayerInfo::default()
                }],
            },
            config: ImageConfig::default(),
        }
    }

    /// A project's directory: read like a root filesystem, but without its version-control
    /// metadata and cache directories (see [`DirLayer::skip_vcs_and_caches`]).
    pub fn project(root: &Path) -> RootfsSource {
        RootfsSource {
            skip_vcs_and_caches: true,
            ..RootfsSource::new(root)
        }
    }
}

/// Whether a directory holds an operating system's tree (`etc/` beside `usr/` or `bin/`), as an
/// unpacked image does, rather than a project's files.
pub fn is_root_filesystem(path: &Path) -> bool {
    path.join("etc").is_dir() && (path.join("usr").is_dir() || path.join("bin").is_dir())
}

impl ImageSource for RootfsSource {
    fn describe(&self) -> &str {
        &self.label
    }

    fn manifest(&self) -> &ImageManifest {
        &self.manifest
    }

    fn config(&self) -> &ImageConfig {
        &self.config
    }

    fn open_layer(&self, index: usize) -> Result<LayerStream> {
        if index != 0 {
            return Err(Error::Missing {
                container: self.label.clone(),
                file: format!("layer {index}"),
            });
        }
        Ok(LayerStream::Directory(DirLayer {
            root: self.root.clone(),
            skip_vcs_and_caches: self.skip_vcs_and_caches,
        }))
    }
}
