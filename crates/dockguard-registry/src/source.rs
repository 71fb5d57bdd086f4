//! [`RegistrySource`]: an image read from a registry, behind [`dockguard_image::ImageSource`].

use std::collections::BTreeMap;
use std::io;

use dockguard_image::{
    ImageConfig, ImageManifest, ImageSource, LayerInfo, LayerStream, OpenOptions, Platform,
    SourceFormat,
};
use serde::Deserialize;

use crate::client::{Client, FetchedManifest, INDEX_TYPES, MANIFEST_TYPES, RegistryOptions};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::reference::Reference;

/// Media types of image configurations; other configs are artifacts, not images.
const CONFIG_TYPES: [&str; 2] = [
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
];
/// Docker's schema 1 manifests (signed or not): long deprecated, no config blob.
const SCHEMA1_TYPES: [&str; 2] = [
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
];
/// How many indexes may nest before the image manifest.
const MAX_INDEX_DEPTH: usize = 4;

/// An OCI content descriptor.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    media_type: String,
    digest: String,
    size: u64,
    #[serde(default)]
    platform: Option<Platform>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

/// An image index or manifest (OCI or Docker).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    schema_version: u32,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

/// An image read from a registry: the manifest and config are fetched and verified when it
/// is opened, each layer blob is streamed (and its digest verified when read to the end) when
/// the walker opens it.
pub struct RegistrySource {
    client: Client,
    manifest: ImageManifest,
    config: ImageConfig,
    /// Digest and size of each layer blob, in manifest order.
    blobs: Vec<(Digest, u64)>,
}

/// Opens `reference` (`[registry/]repository[:tag][@digest]`, Docker Hub by default):
/// pings the registry, authenticates as it asks, resolves a multi-platform index to
/// `image_options.platform`, and fetches the manifest and the config (bounded by
/// `image_options.limits.max_json_bytes`, digests verified). Layers are fetched later, one
/// stream at a time, by [`ImageSource::open_layer`].
pub fn open(
    reference: &str,
    options: &RegistryOptions,
    image_options: &OpenOptions,
) -> Result<RegistrySource> {
    let reference = Reference::parse(reference)?;
    let client = Client::new(reference, options);
    client.ping()?;
    RegistrySource::resolve(client, image_options)
}

impl RegistrySource {
    fn resolve(client: Client, options: &OpenOptions) -> Result<RegistrySource> {
        let limit = options.limits.max_json_bytes;
        let reference = client.reference().clone();
        let format_error = |what: &str, message: String| Error::Format {
            reference: reference.original.clone(),
            what: what.to_string(),
            message,
        };
        let mut wanted = reference.manifest_reference();
        let mut entry: Option<Descriptor> = None;
        let mut depth = 0;
        // The digest the reference resolved to first: the index of a multi-platform image.
        let mut top_digest: Option<Digest> = None;
        let (fetched, document) = loop {
            let fetched = client.manifest(&wanted, limit)?;
            top_digest.get_or_insert_with(|| fetched.digest.clone());
            let what = format!("manifest {wanted}");
            if let Some(entry) = &entry
                && entry.size != fetched.bytes.len() as u64
            {
                return Err(format_error(
                    &what,
                    format!(
                        "{} bytes where the index says {}",
                        fetched.bytes.len(),
                        entry.size
                    ),
                ));
            }
            let document: Document = serde_json::from_slice(&fetched.bytes)
                .map_err(|e| format_error(&what, format!("invalid JSON: {e}")))?;
            let media_type = document
                .media_type
                .clone()
                .or_else(|| fetched.content_type.clone())
                .unwrap_or_default();
            if document.schema_version == 1 || SCHEMA1_TYPES.contains(&media_type.as_str()) {
                return Err(format_error(
                    &what,
                    "Docker image manifest schema 1 is not supported (re-push the image with a \
                     current client)"
                        .into(),
                ));
            }
            if document.schema_version != 2 {
                return Err(format_error(
                    &what,
                    format!("unsupported schemaVersion {}", document.schema_version),
                ));
            }
            let is_index = INDEX_TYPES.contains(&media_type.as_str())
                || (!MANIFEST_TYPES.contains(&media_type.as_str())
                    && document.manifests.is_some()
                    && document.config.is_none());
            if !is_index {
                break (fetched, document);
            }
            if depth >= MAX_INDEX_DEPTH {
                return Err(format_error(&what, "indexes nested too deep".into()));
            }
            depth += 1;
            let chosen = choose_platform(document.manifests.unwrap_or_default(), &options.platform)
                .map_err(|message| format_error(&what, message))?;
            let digest =
                Digest::parse(&chosen.digest).map_err(|message| format_error(&what, message))?;
            wanted = digest.to_string();
            entry = Some(chosen);
        };
        let manifest_what = format!("manifest {wanted}");
        let config_descriptor = document.config.ok_or_else(|| {
            format_error(&manifest_what, "an image manifest without config".into())
        })?;
        if !CONFIG_TYPES.contains(&config_descriptor.media_type.as_str()) {
            return Err(format_error(
                &manifest_what,
                format!(
                    "not a container image: its config has media type {:?}",
                    config_descriptor.media_type
                ),
            ));
        }
        let config_digest = Digest::parse(&config_descriptor.digest)
            .map_err(|message| format_error(&manifest_what, message))?;
        let config_what = format!("config {config_digest}");
        let config_bytes =
            client.blob_bytes(&config_digest, config_descriptor.size, limit, &config_what)?;
        let config: ImageConfig = serde_json::from_slice(&config_bytes)
            .map_err(|e| format_error(&config_what, format!("invalid JSON: {e}")))?;

        let diff_ids = config
            .rootfs
            .as_ref()
            .map(|r| r.diff_ids.clone())
            .unwrap_or_default();
        let mut layers = Vec::new();
        let mut blobs = Vec::new();
        for (i, layer) in document.layers.unwrap_or_default().into_iter().enumerate() {
            let digest = Digest::parse(&layer.digest)
                .map_err(|message| format_error(&manifest_what, format!("layer {i}: {message}")))?;
            layers.push(LayerInfo {
                name: digest.to_string(),
                media_type: Some(layer.media_type),
                digest: Some(digest.to_string()),
                size: Some(layer.size),
                diff_id: diff_ids.get(i).cloned(),
            });
            blobs.push((digest, layer.size));
        }
        // The manifest's own annotations win over its index entry's.
        let mut annotations = entry
            .as_ref()
            .and_then(|e| e.annotations.clone())
            .unwrap_or_default();
        annotations.extend(document.annotations.unwrap_or_default());
        let FetchedManifest { digest, .. } = fetched;
        // As `docker inspect` has it: the digest pulled by (the index's for a multi-platform
        // image), then the platform manifest's when it differs; either pins this image.
        let repository = reference.familiar_repository();
        let mut repo_digests: Vec<String> = top_digest
            .iter()
            .chain(std::iter::once(&digest))
            .map(|d| format!("{repository}@{d}"))
            .collect();
        repo_digests.dedup();
        let manifest = ImageManifest {
            format: SourceFormat::Registry,
            names: vec![reference.original.clone()],
            repo_digests,
            annotations,
            manifest_digest: Some(digest.to_string()),
            config_digest: Some(config_digest.to_string()),
            platform: entry.and_then(|e| e.platform),
            layers,
        };
        Ok(RegistrySource {
            client,
            manifest,
            config,
            blobs,
        })
    }

    /// The parsed reference the image was read by.
    pub fn reference(&self) -> &Reference {
        self.client.reference()
    }
}

/// Picks the index entry for `platform`: the first that matches, skipping attestations and
/// other entries with a platform that does not (`unknown/unknown`); an entry without a
/// platform is taken only when it is the only one.
fn choose_platform(
    entries: Vec<Descriptor>,
    platform: &Platform,
) -> std::result::Result<Descriptor, String> {
    if entries.len() == 1 && entries[0].platform.is_none() {
        return Ok(entries.into_iter().next().expect("one entry"));
    }
    let offered: Vec<String> = entries
        .iter()
        .filter_map(|e| e.platform.as_ref())
        .filter(|p| p.os != "unknown")
        .map(ToString::to_string)
        .collect();
    // An exact variant match first (linux/arm/v7 over a variant-less linux/arm).
    let exact = entries
        .iter()
        .position(|e| e.platform.as_ref() == Some(platform));
    let matching = exact.or_else(|| {
        entries
            .iter()
            .position(|e| e.platform.as_ref().is_some_and(|p| platform.matches(p)))
    });
    match matching {
        Some(i) => Ok(entries.into_iter().nth(i).expect("index in range")),
        None if offered.is_empty() => Err(format!("the index has no image for {platform}")),
        None => Err(format!(
            "no image for platform {platform} in the index (it has {})",
            offered.join(", ")
        )),
    }
}

impl ImageSource for RegistrySource {
    fn describe(&self) -> &str {
        &self.client.reference().original
    }

    fn manifest(&self) -> &ImageManifest {
        &self.manifest
    }

    fn config(&self) -> &ImageConfig {
        &self.config
    }

    fn open_layer(&self, index: usize) -> dockguard_image::Result<LayerStream> {
        let Some((digest, size)) = self.blobs.get(index) else {
            return Err(dockguard_image::Error::Missing {
                container: self.describe().to_string(),
                file: format!("layer {index}"),
            });
        };
        let reader = self
            .client
            .blob_reader(digest, *size, &format!("layer {index}"))
            .map_err(|e| dockguard_image::Error::Layer {
                layer: index,
                name: digest.to_string(),
                source: io::Error::other(e),
            })?;
        Ok(LayerStream::Tar(Box::new(reader)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(platform: Option<&str>, digest_byte: &str) -> Descriptor {
        Descriptor {
            media_type: MANIFEST_TYPES[0].to_string(),
            digest: format!("sha256:{}", digest_byte.repeat(64)),
            size: 1,
            platform: platform.map(|p| Platform::parse(p).unwrap()),
            annotations: None,
        }
    }

    #[test]
    fn chooses_the_platform_entry() {
        let entries = vec![
            entry(Some("linux/arm/v6"), "1"),
            entry(Some("linux/arm/v7"), "2"),
            entry(Some("linux/amd64"), "3"),
            entry(Some("unknown/unknown"), "4"),
        ];
        let pick = |p: &str| choose_platform(entries.clone(), &Platform::parse(p).unwrap());
        assert!(pick("linux/amd64").unwrap().digest.ends_with('3'));
        assert!(pick("linux/arm/v7").unwrap().digest.ends_with('2'));
        let err = pick("linux/s390x").unwrap_err();
        assert_eq!(
            err,
            "no image for platform linux/s390x in the index (it has linux/arm/v6, linux/arm/v7, linux/amd64)"
        );
        let only = vec![entry(None, "5")];
        assert!(choose_platform(only, &Platform::parse("linux/amd64").unwrap()).is_ok());
        let err = choose_platform(
            vec![entry(None, "5"), entry(None, "6")],
            &Platform::parse("linux/amd64").unwrap(),
        )
        .unwrap_err();
        assert!(err.contains("no image for linux/amd64"), "{err}");
    }
}
