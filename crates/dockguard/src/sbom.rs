//! `dockguard sbom`: the package inventory of an image, a root filesystem or a project
//! directory, written as a table, JSON, CycloneDX or SPDX.

use crate::cli::{SbomArgs, SbomFormat};
use anyhow::{Result, anyhow};
use dockguard_packages::PackageAnalyzer;
use dockguard_packages::sbom::{Subject, SubjectKind};
use std::path::Path;

/// Runs the command; returns the exit code (0 written). Unreadable targets are `Err` (exit 2).
pub fn run(args: &SbomArgs) -> Result<i32> {
    let mut packages = PackageAnalyzer::default();
    let walked = crate::image::walk_target(&args.image, &mut [&mut packages])?;
    let mut inventory = packages.inventory;
    dockguard_packages::analyzer::fill_layer_digests(&mut inventory, &walked.manifest);
    for w in &inventory.warnings {
        let at = w.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!("dockguard: warning: /{}{at}: {}", w.path, w.message);
    }
    let target = Path::new(&args.image.target);
    let kind = if target.is_dir()
        && !target.join("index.json").is_file()
        && !target.join("oci-layout").is_file()
    {
        SubjectKind::Directory
    } else {
        SubjectKind::Container
    };
    let subject = Subject {
        name: &walked.name,
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
