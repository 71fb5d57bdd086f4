//! What `dockguard image --inventory` shows: where the image comes from (step 2) and how
//! minimal it is (step 9), as data and as text.

use std::fmt::Write as _;

use serde::Serialize;

use crate::checks::Analysis;
use crate::minimal::{Inventory, ProgramKind, inventory};
use crate::trust::{BaseImage, image_references};

/// The summary of one analysed image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageSummary {
    /// The image's name in reports.
    pub name: String,
    /// Repository digests and names it is known by.
    pub references: Vec<String>,
    pub manifest_digest: Option<String>,
    pub platform: Option<String>,
    pub base: BaseImage,
    pub inventory: Inventory,
}

impl ImageSummary {
    pub fn new(analysis: &Analysis, name: &str) -> ImageSummary {
        let platform = analysis
            .manifest
            .platform
            .as_ref()
            .map(|p| p.to_string())
            .or_else(|| {
                let c = &analysis.config;
                c.os.as_ref()
                    .zip(c.architecture.as_ref())
                    .map(|(os, arch)| match &c.variant {
                        Some(v) => format!("{os}/{arch}/{v}"),
                        None => format!("{os}/{arch}"),
                    })
            });
        ImageSummary {
            name: name.to_string(),
            references: image_references(&analysis.manifest),
            manifest_digest: analysis.manifest.manifest_digest.clone(),
            platform,
            base: BaseImage::identify(
                &analysis.manifest,
                &analysis.config,
                &analysis.facts.files,
                &analysis.result.tree,
            ),
            inventory: inventory(analysis),
        }
    }

    /// A plain-text report, one fact per line.
    pub fn to_text(&self) -> String {
        let inv = &self.inventory;
        let mut out = String::new();
        let _ = writeln!(out, "Image        {}", self.name);
        if let Some(p) = &self.platform {
            let _ = writeln!(out, "Platform     {p}");
        }
        for r in &self.references {
            let _ = writeln!(out, "Reference    {r}");
        }
        let base = match (&self.base.name, &self.base.evidence) {
            (Some(n), Some(e)) => format!("{n} (from {e})"),
            (Some(n), None) => n.clone(),
            (None, _) => "unidentified".to_string(),
        };
        let _ = writeln!(out, "Base image   {base}");
        if let Some(v) = self.base.vendor {
            let _ = writeln!(out, "Vendor       {v}");
        }
        let _ = writeln!(
            out,
            "Size         {} in the final image, {} shipped in {} layers, {} wasted",
            bytes(inv.final_bytes),
            bytes(inv.shipped_bytes),
            inv.layers.len(),
            bytes(inv.wasted_bytes)
        );
        for l in &inv.layers {
            let _ = writeln!(
                out,
                "  layer {:<4} {:>10} added, {:>10} wasted",
                l.index,
                bytes(l.added_bytes),
                bytes(l.wasted_bytes)
            );
        }
        if let Some(e) = &inv.entrypoint {
            let kind = match &e.kind {
                ProgramKind::StaticElf => "static ELF".to_string(),
                ProgramKind::DynamicElf { interpreter } => format!(
                    "dynamic ELF{}",
                    interpreter
                        .as_ref()
                        .map(|i| format!(" ({i})"))
                        .unwrap_or_default()
                ),
                ProgramKind::UnknownElf => "ELF".to_string(),
                ProgramKind::Script { interpreter, .. } => format!("script for {interpreter}"),
                ProgramKind::Other => "not a program".to_string(),
                ProgramKind::NotFound => "not in the image".to_string(),
            };
            let _ = writeln!(
                out,
                "Entrypoint   {} → {} ({kind})",
                e.argv.join(" "),
                e.path.as_deref().unwrap_or(&e.program)
            );
        } else {
            let _ = writeln!(out, "Entrypoint   none");
        }
        let list = |tools: &[crate::minimal::Tool]| -> String {
            if tools.is_empty() {
                "none".to_string()
            } else {
                tools
                    .iter()
                    .map(|t| t.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(out, "Shells       {}", list(&inv.shells));
        let _ = writeln!(out, "Pkg managers {}", list(&inv.package_managers));
        let _ = writeln!(out, "Interpreters {}", list(&inv.interpreters));
        let _ = writeln!(
            out,
            "Setuid/gid   {}",
            if inv.setuid_files.is_empty() {
                "none".to_string()
            } else {
                inv.setuid_files.join(", ")
            }
        );
        let x = &inv.executables;
        let _ = writeln!(
            out,
            "Executables  {} programs ({} static ELF, {} dynamic ELF, {} scripts), {} beyond what the entrypoint needs",
            x.programs(),
            x.static_elf,
            x.dynamic_elf,
            x.scripts,
            inv.extra_executables
        );
        let _ = writeln!(out, "Distroless   score {}/100", inv.score);
        if let Some(r) = &inv.recommendation {
            let _ = writeln!(out, "Recommended  {r}");
        }
        out
    }
}

/// `1.5 MiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer};
    use crate::walk::Limits;

    #[test]
    fn summary_of_a_small_image() {
        let img = image(
            r#"{"Entrypoint":["/bin/sh","-c","echo hi"],"Env":["PATH=/bin"]}"#,
            vec![
                layer(&[
                    E::File("bin/busybox", b"\x7fELF", 0o755),
                    E::Symlink("bin/sh", "busybox"),
                    E::File("tmp/big", &[b'x'; 3000], 0o644),
                ]),
                layer(&[E::File(".wh.tmp", b"", 0o644)]),
            ],
        );
        let analysis = crate::checks::analyze(
            &img,
            "demo:1",
            &dockguard_core::Config::default(),
            &Limits::default(),
        )
        .unwrap();
        let summary = ImageSummary::new(&analysis, "demo:1");
        assert_eq!(summary.base.name.as_deref(), Some("busybox"));
        assert_eq!(summary.inventory.wasted_bytes, 3000);
        let text = summary.to_text();
        assert!(
            text.contains("Base image   busybox (from /bin/busybox)"),
            "{text}"
        );
        assert!(text.contains("/bin/sh → /bin/busybox"), "{text}");
        assert!(text.contains("2.9 KiB wasted"), "{text}");
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["inventory"]["wasted_bytes"], 3000);
        assert_eq!(json["base"]["found_by"], "busybox");
    }

    #[test]
    fn byte_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(200 << 20), "200.0 MiB");
    }
}
