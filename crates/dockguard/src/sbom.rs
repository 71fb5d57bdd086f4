//! `dockguard sbom`: the package inventory of an image, a root filesystem or a project
//! directory, written as a table, JSON, CycloneDX or SPDX. A CycloneDX or SPDX JSON file as the
//! target is read instead (`dockguard sbom syft.cdx.json -f spdx` converts).

use crate::cli::{ImageFrom, ImageTargetArgs, SbomArgs, SbomFormat};
use anyhow::{Result, anyhow};
use dockguard_packages::PackageAnalyzer;
use dockguard_packages::sbom::{Subject, SubjectKind};
use dockguard_packages::sbom_input::{self, SbomDocument};
use std::io::Read as _;
use std::path::Path;

/// A regular file that starts like a CycloneDX or SPDX JSON document: read it (it is converted
/// instead of an image being walked). Malformed documents are `Err` naming file, line, column.
fn sbom_document(args: &ImageTargetArgs) -> Result<Option<SbomDocument>> {
    if !matches!(args.from, ImageFrom::Auto | ImageFrom::File) {
        return Ok(None);
    }
    let path = Path::new(&args.target);
    let mut head = Vec::new();
    match std::fs::File::open(path) {
        Ok(f) if path.is_file() => {
            // Unreadable: left to the image reader to report.
            if f.take(sbom_input::SNIFF_BYTES as u64)
                .read_to_end(&mut head)
                .is_err()
            {
                return Ok(None);
            }
        }
        _ => return Ok(None),
    }
    if sbom_input::sniff(&head).is_none() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| anyhow!("{}: cannot read: {e}", args.target))?;
    sbom_input::read_document(&args.target, &bytes)
        .map(Some)
        .map_err(|e| anyhow!("{e}"))
}

/// The inventory of a target (image, directory or SBOM document), its name and kind; warnings
/// go to standard error.
pub(crate) fn inventory_of_target(
    args: &ImageTargetArgs,
) -> Result<(dockguard_packages::model::Inventory, String, SubjectKind)> {
    let target = Path::new(&args.target);
    Ok(if let Some(doc) = sbom_document(args)? {
        for w in &doc.inventory.warnings {
            eprintln!("dockguard: warning: {}: {}", w.path, w.message);
        }
        let kind = match doc.subject_type.as_deref() {
            Some("file" | "SOURCE") => SubjectKind::Directory,
            _ => SubjectKind::Container,
        };
        let name = doc.subject_name.unwrap_or_else(|| args.target.clone());
        (doc.inventory, name, kind)
    } else {
        let mut packages = PackageAnalyzer::default();
        let walked = crate::image::walk_target(args, &mut [&mut packages])?;
        let mut inventory = packages.inventory;
        dockguard_packages::analyzer::fill_layer_digests(&mut inventory, &walked.manifest);
        for w in &inventory.warnings {
            let at = w.line.map(|l| format!(":{l}")).unwrap_or_default();
            eprintln!("dockguard: warning: /{}{at}: {}", w.path, w.message);
        }
        let kind = if target.is_dir()
            && !target.join("index.json").is_file()
            && !target.join("oci-layout").is_file()
        {
            SubjectKind::Directory
        } else {
            SubjectKind::Container
        };
        (inventory, walked.name, kind)
    })
}

/// Runs the command; returns the exit code (0 written). Unreadable targets are `Err` (exit 2).
pub fn run(args: &SbomArgs) -> Result<i32> {
    let (inventory, name, kind) = inventory_of_target(&args.image)?;
    let subject = Subject {
        name: &name,
        kind,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let text = match args.format {
        SbomFormat::Table => dockguard_packages::sbom::table(&inventory),
        SbomFormat::Json => serde_json::to_string_pretty(&inventory)? + "\n",
        SbomFormat::Cyclonedx => {
            serde_json::to_string_pretty(&dockguard_packages::sbom::cyclonedx(
                &subject, &inventory,
            ))? + "\n"
        }
        SbomFormat::Spdx => {
            serde_json::to_string_pretty(&dockguard_packages::sbom::spdx(&subject, &inventory))?
                + "\n"
        }
    };
    match &args.output {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| anyhow!("{}: cannot write the SBOM: {e}", file.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?,
    }
    Ok(0)
}
