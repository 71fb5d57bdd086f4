//! Image rules (`IM…`): one file per rule, declared with `dockguard_dockerfile::declare_rule!`
//! and listed once in [`registry::RULES`]. Every rule is a function of an [`ImageCtx`]: the
//! image config, the walked file tree and the secrets found in every layer's files.
//!
//! Code ranges: `IM2xx` users and health (steps 4, 7), `IM3xx` secrets (step 10), `IM5xx`
//! ports and volumes, `IM7xx` file permissions of the final tree.

pub mod registry;

pub mod history;

// region: trust (IM1xx)
pub mod im100_base_image_unidentified;
pub mod im101_base_image_not_pinned;
pub mod im102_image_from_untrusted_registry;
pub mod im103_relies_on_docker_content_trust;
// endregion
pub mod im200_image_runs_as_root;
pub mod im201_no_healthcheck;
pub mod im300_secret_in_image_env;
pub mod im301_secret_in_layer_file;
pub mod im500_ssh_port_exposed;
pub mod im501_volume_on_system_path;
pub mod im700_setuid_setgid_file;
pub mod im701_world_writable_without_sticky;
// region: accounts and leftovers (IM702…)
pub mod accounts;
pub mod im702_empty_password_account;
pub mod im703_duplicate_uid_gid;
pub mod im704_credential_file_left_in_image;
pub mod im705_build_files_left_in_image;
// endregion
// region: minimality (IM9xx)
pub mod im900_shell_in_final_image;
pub mod im901_package_manager_in_final_image;
pub mod im902_full_os_for_static_binary;
pub mod im903_wasted_layer_bytes;
// endregion

use dockguard_core::{Config, Finding, Location, RuleMeta};

use crate::analyzers::{Facts, LayerSecret};
use crate::config::ImageConfig;
use crate::error::Result;
use crate::source::{ImageManifest, ImageSource};
use crate::walk::{Limits, WalkResult, walk};

/// What a rule sees.
pub struct ImageCtx<'a> {
    pub config: &'a ImageConfig,
    /// Where the image came from: names, digests, layers.
    pub manifest: &'a ImageManifest,
    pub result: &'a WalkResult,
    /// What the content analyzers gathered during the walk.
    pub facts: &'a Facts,
    /// The image's name in reports (a tag, or the file read).
    pub name: &'a str,
    pub settings: &'a Config,
    /// Computed once for every rule that needs them.
    inventory: std::cell::OnceCell<crate::minimal::Inventory>,
    base_image: std::cell::OnceCell<crate::trust::BaseImage>,
}

impl ImageCtx<'_> {
    /// The minimality inventory (step 9), computed on first use.
    pub fn inventory(&self) -> &crate::minimal::Inventory {
        self.inventory
            .get_or_init(|| crate::minimal::Inventory::new(self.config, self.result, self.facts))
    }

    /// The base image (step 2), identified on first use.
    pub fn base_image(&self) -> &crate::trust::BaseImage {
        self.base_image.get_or_init(|| {
            crate::trust::BaseImage::identify(
                self.manifest,
                self.config,
                &self.facts.files,
                &self.result.tree,
            )
        })
    }

    /// Secrets found in every layer's files.
    pub fn secrets(&self) -> &[LayerSecret] {
        &self.facts.secrets.secrets
    }

    /// The location of a config finding: `<image-name>` line 1.
    pub fn config_location(&self) -> Location {
        location(self.name.to_string(), 1, 1)
    }

    /// The location of a finding on a file: `<image-name>:/path/in/image`.
    pub fn file_location(&self, path: &str, line: u32, column: u32) -> Location {
        location(
            format!("{}:/{}", self.name, path.trim_start_matches('/')),
            line.max(1),
            column.max(1),
        )
    }

    /// A finding of `meta` with the configured severity.
    pub fn finding(&self, meta: &'static RuleMeta, message: String, loc: Location) -> Finding {
        meta.finding(self.settings, message, loc, None)
    }
}

fn location(file: String, line: u32, column: u32) -> Location {
    Location {
        file,
        line,
        column,
        end_line: line,
        end_column: column,
        span: 0..0,
    }
}

/// An image rule.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>);
}

/// Runs every enabled rule on a walked image.
pub fn check(ctx: &ImageCtx) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in registry::RULES {
        let meta = rule.meta();
        if ctx.settings.is_enabled(meta.code, meta.default_enabled) {
            rule.check(ctx, &mut out);
        }
    }
    out
}

/// An analysed image: what the walk and the analyzers found, and the findings of the rules.
pub struct Analysis {
    pub manifest: ImageManifest,
    pub config: ImageConfig,
    pub result: WalkResult,
    pub facts: Facts,
    pub findings: Vec<Finding>,
}

impl Analysis {
    /// Secrets found in every layer's files.
    pub fn secrets(&self) -> &[LayerSecret] {
        &self.facts.secrets.secrets
    }
}

/// Walks `source` with every analyzer of [`Facts`] and runs the rules ([`conclude`]).
pub fn analyze(
    source: &dyn ImageSource,
    name: &str,
    settings: &Config,
    limits: &Limits,
) -> Result<Analysis> {
    let mut facts = Facts::default();
    let result = walk(source, &mut facts.all_mut(), limits)?;
    Ok(conclude(
        source.manifest().clone(),
        source.config().clone(),
        result,
        facts,
        name,
        settings,
    ))
}

/// Reads a `docker save` tar from a one-way stream (an engine export) with every analyzer of
/// [`Facts`]; `adjust` completes the manifest with what the stream does not carry (the
/// engine's repo digests), then the rules run ([`conclude`]).
pub fn analyze_stream(
    reader: impl std::io::Read,
    label: &str,
    name: &str,
    settings: &Config,
    options: &crate::source::OpenOptions,
    adjust: impl FnOnce(&mut ImageManifest),
) -> Result<Analysis> {
    let mut facts = Facts::default();
    let streamed =
        crate::stream::read_archive_stream(reader, label, &mut facts.all_mut(), options)?;
    let mut manifest = streamed.manifest;
    adjust(&mut manifest);
    Ok(conclude(
        manifest,
        streamed.config,
        streamed.result,
        facts,
        name,
        settings,
    ))
}

/// Runs every enabled rule on a walked image, then the Dockerfile rules on its history
/// ([`history::check`]).
pub fn conclude(
    manifest: ImageManifest,
    config: ImageConfig,
    result: WalkResult,
    facts: Facts,
    name: &str,
    settings: &Config,
) -> Analysis {
    let ctx = ImageCtx {
        config: &config,
        manifest: &manifest,
        result: &result,
        facts: &facts,
        name,
        settings,
        inventory: Default::default(),
        base_image: Default::default(),
    };
    let mut findings = check(&ctx);
    findings.extend(history::check(&ctx));
    Analysis {
        manifest,
        config,
        result,
        facts,
        findings,
    }
}

/// The path of a tree entry as shown in messages: `/etc/passwd`.
pub(crate) fn shown(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

#[cfg(test)]
pub(crate) mod testing;
