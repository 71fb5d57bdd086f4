//! Image rules (`IM…`): one file per rule, declared with `dockguard_dockerfile::declare_rule!`
//! and listed once in [`registry::RULES`]. Every rule is a function of an [`ImageCtx`]: the
//! image config, the walked file tree and the secrets found in every layer's files.
//!
//! Code ranges: `IM2xx` users and health (steps 4, 7), `IM3xx` secrets (step 10), `IM5xx`
//! ports and volumes, `IM7xx` file permissions of the final tree.

pub mod registry;

pub mod history;

pub mod im200_image_runs_as_root;
pub mod im201_no_healthcheck;
pub mod im300_secret_in_image_env;
pub mod im301_secret_in_layer_file;
pub mod im500_ssh_port_exposed;
pub mod im501_volume_on_system_path;
pub mod im700_setuid_setgid_file;
pub mod im701_world_writable_without_sticky;

use std::io::Read;

use dockguard_core::{Config, Finding, Location, RuleMeta};

use crate::config::ImageConfig;
use crate::error::Result;
use crate::source::ImageSource;
use crate::walk::{Analyzer, Entry, EntryKind, FileTree, Limits, WalkResult, walk};

/// Regular files larger than this are not scanned for secrets.
pub const MAX_SECRET_SCAN_SIZE: u64 = 1 << 20;

/// A secret found in a file of one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSecret {
    /// Normalised path in the image (`etc/key.pem`).
    pub path: String,
    /// The layer (0 = lowest) whose copy of the file holds the secret.
    pub layer: usize,
    /// 1-based line of the match.
    pub line: u32,
    pub column: u32,
    /// The secret rule's title ("AWS access key id").
    pub title: String,
    /// The match with most of it masked.
    pub masked: String,
    /// Whether this layer's copy of the file is the one the final image shows; `false` when a
    /// later layer deletes or overwrites it (the secret is still shipped in `layer`).
    pub visible: bool,
}

/// An [`Analyzer`] that runs the `dockguard-secrets` scanner on regular files of every layer
/// up to [`MAX_SECRET_SCAN_SIZE`] bytes (the scanner itself skips binary files).
pub struct SecretAnalyzer {
    scanner: dockguard_secrets::Scanner,
    pub secrets: Vec<LayerSecret>,
    buffer: Vec<u8>,
}

impl Default for SecretAnalyzer {
    fn default() -> Self {
        SecretAnalyzer {
            scanner: dockguard_secrets::Scanner::new(),
            secrets: Vec::new(),
            buffer: Vec::new(),
        }
    }
}

impl Analyzer for SecretAnalyzer {
    fn required(&self, _path: &str, entry: &Entry) -> bool {
        entry.kind == EntryKind::File && entry.size > 0 && entry.size <= MAX_SECRET_SCAN_SIZE
    }

    fn analyze(
        &mut self,
        path: &str,
        _entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        self.buffer.clear();
        content
            .take(MAX_SECRET_SCAN_SIZE)
            .read_to_end(&mut self.buffer)
            .map_err(|source| crate::error::Error::Io {
                path: path.to_string(),
                source,
            })?;
        for m in self.scanner.scan(path, &self.buffer) {
            self.secrets.push(LayerSecret {
                path: path.to_string(),
                layer,
                line: m.line,
                column: m.column,
                title: m.rule.title.to_string(),
                masked: m.masked,
                visible: true,
            });
        }
        Ok(())
    }

    fn finish(&mut self, tree: &FileTree) -> Result<()> {
        for s in &mut self.secrets {
            s.visible = tree
                .get(&s.path)
                .is_some_and(|e| e.kind == EntryKind::File && e.layer == s.layer);
        }
        Ok(())
    }
}

/// What a rule sees.
pub struct ImageCtx<'a> {
    pub config: &'a ImageConfig,
    pub result: &'a WalkResult,
    pub secrets: &'a [LayerSecret],
    /// The image's name in reports (a tag, or the file read).
    pub name: &'a str,
    pub settings: &'a Config,
}

impl ImageCtx<'_> {
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

/// An analysed image: what the walk found and the findings of the rules.
pub struct Analysis {
    pub result: WalkResult,
    pub secrets: Vec<LayerSecret>,
    pub findings: Vec<Finding>,
}

/// Walks `source` with the secret analyzer and runs every enabled rule, then the Dockerfile
/// rules on the image's history ([`history::check`]).
pub fn analyze(
    source: &dyn ImageSource,
    name: &str,
    settings: &Config,
    limits: &Limits,
) -> Result<Analysis> {
    let mut secrets = SecretAnalyzer::default();
    let result = walk(source, &mut [&mut secrets], limits)?;
    let ctx = ImageCtx {
        config: source.config(),
        result: &result,
        secrets: &secrets.secrets,
        name,
        settings,
    };
    let mut findings = check(&ctx);
    findings.extend(history::check(&ctx));
    Ok(Analysis {
        result,
        secrets: secrets.secrets,
        findings,
    })
}

/// The path of a tree entry as shown in messages: `/etc/passwd`.
pub(crate) fn shown(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

#[cfg(test)]
pub(crate) mod testing;
