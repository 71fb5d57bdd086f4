//! An OCI image layout made from a legacy `docker save` tar, so that end-to-end tests can read
//! the same engine-built image as an OCI layout (Docker 20.10 cannot write one).

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// `a/../b/./c` → `b/c`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

fn blob(out: &Path, data: &[u8]) -> (String, usize) {
    let hex = format!("{:x}", Sha256::digest(data));
    let dir = out.join("blobs/sha256");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&hex), data).unwrap();
    (format!("sha256:{hex}"), data.len())
}

/// Writes an OCI image layout of the single image of `save_tar` into `out`: uncompressed
/// layer blobs, the config, a manifest and an `index.json` naming the image `ref_name`.
pub fn oci_layout_from_docker_save(save_tar: &Path, out: &Path, ref_name: &str) {
    let mut members: HashMap<String, Vec<u8>> = HashMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let mut archive = tar::Archive::new(std::fs::File::open(save_tar).unwrap());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        if entry.header().entry_type().is_symlink() {
            let target = entry.link_name().unwrap().unwrap().display().to_string();
            let dir = name.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            links.push((name, normalise(&format!("{dir}/{target}"))));
            continue;
        }
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        members.insert(name, data);
    }
    for (name, target) in links {
        if let Some(data) = members.get(&target).cloned() {
            members.insert(name, data);
        }
    }
    let manifest: serde_json::Value = serde_json::from_slice(&members["manifest.json"]).unwrap();
    let image = &manifest[0];
    let config = &members[image["Config"].as_str().unwrap()];
    let (config_digest, config_size) = blob(out, config);
    let layers: Vec<serde_json::Value> = image["Layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let (digest, size) = blob(out, &members[l.as_str().unwrap()]);
            serde_json::json!({
                "mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": digest,
                "size": size,
            })
        })
        .collect();
    let image_manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config_size,
        },
        "layers": layers,
    });
    let (manifest_digest, manifest_size) =
        blob(out, serde_json::to_vec(&image_manifest).unwrap().as_slice());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": manifest_size,
            "annotations": {"org.opencontainers.image.ref.name": ref_name},
        }],
    });
    std::fs::write(out.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(out.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}
