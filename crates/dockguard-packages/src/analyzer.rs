//! The catalogers run during an image walk: each layer's copy of a catalogued file is parsed as
//! it streams by, and the copies the final image shows make the inventory.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use dockguard_image::{Analyzer, Entry, EntryKind, FileTree, ImageSource, Limits};

use crate::catalogers::{CATALOGERS, Parsed};
use crate::model::{Inventory, Location, Warning};

/// Release files in the order they are trusted to name the distribution.
const DISTRO_FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/debian_version",
];

/// Runs every cataloger of [`CATALOGERS`] on the files it wants.
#[derive(Default)]
pub struct PackageAnalyzer {
    /// (path, layer) → what the catalogers read from that copy.
    found: HashMap<(String, usize), Parsed>,
    /// The inventory, after [`Analyzer::finish`].
    pub inventory: Inventory,
}

impl Analyzer for PackageAnalyzer {
    fn required(&self, path: &str, entry: &Entry) -> bool {
        entry.kind == EntryKind::File
            && (CATALOGERS.iter().any(|c| c.wants(path))
                // Binaries live anywhere: executables go to the catalogers that read them.
                || (is_executable(entry) && CATALOGERS.iter().any(|c| c.wants_executable())))
    }

    fn analyze(
        &mut self,
        path: &str,
        entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> dockguard_image::Result<()> {
        // Path-wanting catalogers, and for executables also those that read any executable.
        let executable = is_executable(entry);
        let wanting: Vec<_> = CATALOGERS
            .iter()
            .filter(|c| c.wants(path) || (executable && c.wants_executable()))
            .collect();
        let cap = wanting.iter().map(|c| c.max_size()).max().unwrap_or(0);
        let mut data = Vec::new();
        content
            .take(cap)
            .read_to_end(&mut data)
            .map_err(|source| dockguard_image::Error::Io {
                path: path.to_string(),
                source,
            })?;
        let mut parsed = Parsed::default();
        // An executable taken only for the binary catalogers is worth a warning only when it
        // is ELF (a long script or other binary holds nothing they read).
        let by_path = CATALOGERS.iter().any(|c| c.wants(path));
        if entry.size > data.len() as u64 && (by_path || data.starts_with(b"\x7fELF")) {
            parsed.warn(
                path,
                None,
                format!(
                    "only the first {} bytes of {} were read",
                    data.len(),
                    entry.size
                ),
            );
        }
        for cataloger in wanting {
            let more = cataloger.parse(path, &data);
            parsed.packages.extend(more.packages);
            parsed.distro = parsed.distro.or(more.distro);
            parsed.warnings.extend(more.warnings);
        }
        for p in &mut parsed.packages {
            if p.locations.is_empty() {
                p.locations.push(Location {
                    path: path.to_string(),
                    layer: Some(layer),
                    layer_digest: None,
                });
            }
            for l in &mut p.locations {
                l.layer = Some(layer);
            }
        }
        for w in &mut parsed.warnings {
            w.layer = Some(layer);
        }
        self.found.insert((path.to_string(), layer), parsed);
        Ok(())
    }

    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        self.found = std::mem::take(&mut self.found)
            .into_iter()
            .filter_map(|((path, layer), mut parsed)| {
                let new = map(layer)?;
                for p in &mut parsed.packages {
                    for l in &mut p.locations {
                        l.layer = l.layer.and_then(map);
                    }
                }
                for w in &mut parsed.warnings {
                    w.layer = Some(new);
                }
                Some(((path, new), parsed))
            })
            .collect();
    }

    fn finish(&mut self, tree: &FileTree) -> dockguard_image::Result<()> {
        let mut visible: Vec<(String, Parsed)> = std::mem::take(&mut self.found)
            .into_iter()
            .filter(|((path, layer), _)| {
                tree.get(path)
                    .is_some_and(|e| e.kind == EntryKind::File && e.layer == *layer)
            })
            .map(|((path, _), parsed)| (path, parsed))
            .collect();
        visible.sort_by(|a, b| a.0.cmp(&b.0));
        let mut inventory = Inventory::default();
        for file in DISTRO_FILES {
            if let Some((_, parsed)) = visible.iter().find(|(p, _)| p == file)
                && let Some(d) = &parsed.distro
            {
                inventory.distro = Some(d.clone());
                break;
            }
        }
        let mut warnings: Vec<Warning> = Vec::new();
        for (_, parsed) in visible {
            inventory.packages.extend(parsed.packages);
            warnings.extend(parsed.warnings);
        }
        // dpkg file lists: the file-list-only packages of `var/lib/dpkg/info/*.list` give their
        // files to the status packages of the same name and arch, then go.
        crate::catalogers::dpkg_files::merge_file_lists(&mut inventory.packages);
        crate::catalogers::dpkg_copyright::merge_copyright_licenses(&mut inventory.packages);
        drop_os_owned(&mut inventory);
        inventory.packages.sort_by(|a, b| {
            (a.ecosystem, &a.name, &a.version, &a.locations).cmp(&(
                b.ecosystem,
                &b.name,
                &b.version,
                &b.locations,
            ))
        });
        inventory.warnings = warnings;
        self.inventory = inventory;
        Ok(())
    }
}

/// A regular file with an execute bit, offered to [`crate::catalogers::Cataloger::wants_executable`].
fn is_executable(entry: &Entry) -> bool {
    entry.kind == EntryKind::File && entry.mode & 0o111 != 0
}

/// Language packages found in files an OS package installed are the OS package's (syft and
/// Trivy do the same): `python3-yaml`'s `PyYAML-*.dist-info` is not reported as PyPI `PyYAML`.
fn drop_os_owned(inventory: &mut Inventory) {
    let owned: BTreeSet<&str> = inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem.is_os())
        .flat_map(|p| p.files.iter().map(|f| f.trim_start_matches('/')))
        .collect();
    if owned.is_empty() {
        return;
    }
    let keep: Vec<bool> = inventory
        .packages
        .iter()
        .map(|p| {
            p.ecosystem.is_os() || !p.locations.iter().any(|l| owned.contains(l.path.as_str()))
        })
        .collect();
    let mut keep = keep.into_iter();
    inventory.packages.retain(|_| keep.next().unwrap_or(true));
}

/// The inventory of an image (or a root-filesystem or project directory through
/// [`dockguard_image::RootfsSource`]): one walk with [`PackageAnalyzer`], layer digests filled
/// in from the manifest.
pub fn inventory_of(
    source: &dyn ImageSource,
    limits: &Limits,
) -> dockguard_image::Result<Inventory> {
    let mut analyzer = PackageAnalyzer::default();
    dockguard_image::walk(source, &mut [&mut analyzer], limits)?;
    let mut inventory = analyzer.inventory;
    fill_layer_digests(&mut inventory, source.manifest());
    Ok(inventory)
}

/// Sets each location's layer digest (the diff id, else the stored blob's digest) from the
/// image's manifest.
pub fn fill_layer_digests(inventory: &mut Inventory, manifest: &dockguard_image::ImageManifest) {
    for p in &mut inventory.packages {
        for l in &mut p.locations {
            l.layer_digest = l
                .layer
                .and_then(|i| manifest.layers.get(i))
                .and_then(|info| info.diff_id.clone().or_else(|| info.digest.clone()));
        }
    }
}
