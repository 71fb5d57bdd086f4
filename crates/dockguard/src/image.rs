//! `dockguard image`: analyse a container image (a `docker save` tar, an OCI layout or a
//! root-filesystem directory) with the image rules.
//!
//! Findings on the config are reported at `<image-name>` line 1, findings on files at
//! `<image-name>:/path/in/image` (with the line of the secret for IM301). The image name is
//! the first tag the source gives, else the target as written.

use crate::cli::ImageArgs;
use crate::lint::write_report;
use crate::settings;
use anyhow::{Result, anyhow};
use dockguard_image::{OpenOptions, Platform};
use dockguard_report::Report;
use std::collections::BTreeMap;
use std::path::Path;

/// Runs the command; returns the exit code (0 clean, 1 findings at or above `--fail-on`).
/// Unreadable targets and usage errors are `Err` (exit 2, one line).
pub fn run(args: &ImageArgs) -> Result<i32> {
    let config = settings::load(&args.config, Path::new("."))?;
    let mut options = OpenOptions::default();
    if let Some(p) = &args.platform {
        options.platform = Platform::parse(p).ok_or_else(|| {
            anyhow!("--platform {p}: expected OS/ARCH[/VARIANT], e.g. linux/amd64")
        })?;
    }
    let target = args.target.display().to_string();
    // The library's errors already name the file and their cause: one line, no chain.
    let source = dockguard_image::open(&args.target, &options)
        .map_err(|e| anyhow!("cannot read image {target}: {e}"))?;
    let name = source
        .manifest()
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| target.clone());
    let analysis =
        dockguard_image::checks::analyze(source.as_ref(), &name, &config, &options.limits)
            .map_err(|e| anyhow!("cannot read image {target}: {e}"))?;
    let mut findings = analysis.findings;
    crate::lint::sort_findings(&mut findings);

    let fail_on = args
        .output
        .fail_on
        .or(config.fail_on)
        .unwrap_or(crate::lint::DEFAULT_FAIL_ON);
    let rules: Vec<dockguard_core::RuleMeta> = dockguard_image::checks::registry::RULES
        .iter()
        .map(|r| *r.meta())
        .collect();
    let sources = BTreeMap::new();
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &findings,
        files_scanned: 1,
        rules: &rules,
        sources: &sources,
        fail_on,
    };
    write_report(&report, &args.output)?;
    Ok(if findings.iter().any(|f| f.severity >= fail_on) {
        1
    } else {
        0
    })
}
