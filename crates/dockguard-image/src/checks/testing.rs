//! Helpers for rule tests: images built in memory (layers as tars made with `tar::Builder`).

use dockguard_core::{Config, Finding};

use super::{Rule, analyze};
use crate::config::ImageConfig;
use crate::error::Result;
use crate::source::{ImageManifest, ImageSource, LayerInfo, LayerStream, SourceFormat};
use crate::walk::Limits;

/// One entry of a test layer.
pub enum E<'a> {
    /// Path, content, mode.
    File(&'a str, &'a [u8], u32),
    /// Path, mode.
    Dir(&'a str, u32),
    /// Path, target.
    Symlink(&'a str, &'a str),
}

pub fn layer(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        if let E::Symlink(path, target) = e {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            h.set_mode(0o777);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mtime(0);
            b.append_link(&mut h, path, target).unwrap();
            continue;
        }
        let (kind, path, data, mode) = match e {
            E::File(p, d, m) => (tar::EntryType::Regular, *p, *d, *m),
            E::Dir(p, m) => (tar::EntryType::Directory, *p, &[][..], *m),
            E::Symlink(..) => unreachable!("handled above"),
        };
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        b.append_data(&mut h, path, data).unwrap();
    }
    b.into_inner().unwrap()
}

pub struct Mem {
    manifest: ImageManifest,
    config: ImageConfig,
    layers: Vec<Vec<u8>>,
}

impl Mem {
    /// An image with an empty config and `layers`.
    pub fn new(layers: Vec<Vec<u8>>) -> Mem {
        image("{}", layers)
    }

    pub fn config_mut(&mut self) -> &mut ImageConfig {
        &mut self.config
    }
}

impl ImageSource for Mem {
    fn describe(&self) -> &str {
        "memory"
    }
    fn manifest(&self) -> &ImageManifest {
        &self.manifest
    }
    fn config(&self) -> &ImageConfig {
        &self.config
    }
    fn open_layer(&self, i: usize) -> Result<LayerStream> {
        Ok(LayerStream::Tar(Box::new(std::io::Cursor::new(
            self.layers[i].clone(),
        ))))
    }
}

/// An image with the config `{"config": <container_config>}` and `layers`.
pub fn image(container_config: &str, layers: Vec<Vec<u8>>) -> Mem {
    let config: ImageConfig =
        serde_json::from_str(&format!(r#"{{"config":{container_config}}}"#)).unwrap();
    Mem {
        manifest: ImageManifest {
            format: SourceFormat::DockerArchive,
            names: vec![],
            repo_digests: vec![],
            annotations: Default::default(),
            manifest_digest: None,
            config_digest: None,
            platform: None,
            layers: (0..layers.len())
                .map(|i| LayerInfo {
                    name: format!("mem{i}"),
                    ..LayerInfo::default()
                })
                .collect(),
        },
        config,
        layers,
    }
}

/// The findings of `rule` alone on `image` (named `img`).
pub fn run(rule: &dyn Rule, image: &Mem) -> Vec<Finding> {
    let settings = Config::default();
    let all = analyze(image, "img", &settings, &Limits::default()).unwrap();
    all.findings
        .into_iter()
        .filter(|f| f.code == rule.meta().code)
        .collect()
}

/// The findings of `rule` on an image with this container config and no layers.
pub fn run_config(rule: &dyn Rule, container_config: &str) -> Vec<Finding> {
    run(rule, &image(container_config, vec![layer(&[])]))
}
