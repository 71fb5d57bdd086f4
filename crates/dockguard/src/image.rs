//! `dockguard image`: analyse a container image (a `docker save` tar, an OCI layout, a
//! root-filesystem directory or an image of the local Docker engine) with the image rules.
//!
//! Findings on the config are reported at `<image-name>` line 1, findings on files at
//! `<image-name>:/path/in/image` (with the line of the secret for IM301). The image name is
//! the first tag the source gives, else the target as written.

use crate::cli::{ImageArgs, ImageFrom, ImageTargetArgs};
use crate::lint::write_report;
use crate::settings;
use anyhow::{Result, anyhow};
use dockguard_core::Config;
use dockguard_image::analyzers::Facts;
use dockguard_image::checks::Analysis;
use dockguard_image::{
    Analyzer, ImageConfig, ImageManifest, ImageSource, LayerStream, OpenOptions, Platform,
    WalkResult,
};
use dockguard_report::Report;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::time::Duration;

/// How long the engine may take to start an export: Docker 20.10 assembles the whole
/// archive before it sends the first byte.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(600);

/// Runs the command; returns the exit code (0 clean, 1 findings at or above `--fail-on`).
/// Unreadable targets and usage errors are `Err` (exit 2, one line).
pub fn run(args: &ImageArgs) -> Result<i32> {
    let config = settings::load(&args.config, Path::new("."))?;
    let analysis = analyze(&args.image, &config)?;
    if args.inventory {
        return print_inventory(&analysis, &args.output).map(|()| 0);
    }
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

/// `--inventory`: the summary as text, or JSON with `--format json`.
fn print_inventory(analysis: &Analysis, output: &crate::cli::OutputArgs) -> Result<()> {
    let name = analysis.manifest.names.first().cloned().unwrap_or_default();
    let summary = dockguard_image::summary::ImageSummary::new(analysis, &name);
    let text = match output.format {
        dockguard_report::Format::Json => serde_json::to_string_pretty(&summary)? + "\n",
        dockguard_report::Format::Human => summary.to_text(),
        other => anyhow::bail!("--inventory prints text or JSON, not {other:?}"),
    };
    match &output.output {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| anyhow!("{}: cannot write the inventory: {e}", file.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?,
    }
    Ok(())
}

/// Reads and analyses the image `args` names. Errors are one line naming the target.
pub(crate) fn analyze(args: &ImageTargetArgs, config: &Config) -> Result<Analysis> {
    analyze_with(args, config, None).map(|(analysis, _)| analysis)
}

/// [`analyze`], with the package inventory read by the same walk when `packages` is given
/// (`scan`'s VU100); also returns the name the image is reported under.
pub(crate) fn analyze_with(
    args: &ImageTargetArgs,
    config: &Config,
    packages: Option<&mut dockguard_packages::PackageAnalyzer>,
) -> Result<(Analysis, String)> {
    let mut facts = Facts::default();
    let mut analyzers = facts.all_mut();
    if let Some(p) = packages {
        analyzers.push(p);
    }
    let walked = walk_target(args, &mut analyzers)?;
    drop(analyzers);
    let analysis = dockguard_image::checks::conclude(
        walked.manifest,
        walked.config,
        walked.result,
        facts,
        &walked.name,
        config,
    );
    Ok((analysis, walked.name))
}

/// An image read and walked, from whichever source.
pub(crate) struct Walked {
    /// The name to report it under: a tag it has, else the target as written.
    pub name: String,
    pub manifest: ImageManifest,
    pub config: ImageConfig,
    pub result: WalkResult,
}

/// Opens the image `args` names (file, engine or registry, as `--from` says) and walks it once
/// with `analyzers`. Errors are one line naming the target.
pub(crate) fn walk_target(
    args: &ImageTargetArgs,
    analyzers: &mut [&mut dyn Analyzer],
) -> Result<Walked> {
    let mut options = OpenOptions::default();
    if let Some(p) = &args.platform {
        options.platform = Platform::parse(p).ok_or_else(|| {
            anyhow!("--platform {p}: expected OS/ARCH[/VARIANT], e.g. linux/amd64")
        })?;
    }
    let target = &args.target;
    let bar = progress_bar(args.no_progress);
    let walked = match args.from {
        ImageFrom::Auto if Path::new(target).exists() => {
            walk_file(target, analyzers, &options, &bar)
        }
        ImageFrom::File => walk_file(target, analyzers, &options, &bar),
        ImageFrom::Engine => walk_engine(args, analyzers, &options, &bar).map_err(|e| e.into()),
        ImageFrom::Registry => walk_registry(args, analyzers, &options, &bar),
        ImageFrom::Auto => match walk_engine(args, analyzers, &options, &bar) {
            Ok(walked) => Ok(walked),
            Err(EngineError::Unavailable(why)) => walk_registry(args, analyzers, &options, &bar)
                .map_err(|e| anyhow!("{e} (and not from the Docker engine: {why})")),
            Err(EngineError::Failed(e)) => Err(e),
        },
    };
    bar.finish_and_clear();
    walked
}

/// Why an engine image could not be read: the engine does not have it (or does not answer),
/// so another source may; or it failed while reading.
enum EngineError {
    Unavailable(String),
    Failed(anyhow::Error),
}

impl From<EngineError> for anyhow::Error {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Unavailable(why) => anyhow!(why),
            EngineError::Failed(e) => e,
        }
    }
}

/// Walks a source with random access, its layers counted on the progress bar.
fn walk_source(
    source: &dyn ImageSource,
    name: String,
    analyzers: &mut [&mut dyn Analyzer],
    options: &OpenOptions,
    bar: &ProgressBar,
) -> dockguard_image::Result<Walked> {
    let counted = Counted {
        inner: source,
        bar: bar.clone(),
    };
    let result = dockguard_image::walk(&counted, analyzers, &options.limits)?;
    Ok(Walked {
        name,
        manifest: source.manifest().clone(),
        config: source.config().clone(),
        result,
    })
}

fn walk_registry(
    args: &ImageTargetArgs,
    analyzers: &mut [&mut dyn Analyzer],
    options: &OpenOptions,
    bar: &ProgressBar,
) -> Result<Walked> {
    let target = &args.target;
    let mut registry = dockguard_registry::RegistryOptions::from_env();
    registry.plain_http = args.plain_http;
    if let Some(user) = &args.username {
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .map_err(|e| anyhow!("--password-stdin: {e}"))?;
        registry.username = Some(user.clone());
        registry.password = Some(password.trim_end_matches(['\n', '\r']).to_string());
    }
    let source = dockguard_registry::open(target, &registry, options)
        .map_err(|e| anyhow!("cannot read image {target} from its registry: {e}"))?;
    if let Some(total) = source.manifest().layers.iter().map(|l| l.size).sum() {
        bar.set_length(total);
    }
    walk_source(&source, target.clone(), analyzers, options, bar)
        .map_err(|e| anyhow!("cannot read image {target} from its registry: {e}"))
}

fn walk_file(
    target: &str,
    analyzers: &mut [&mut dyn Analyzer],
    options: &OpenOptions,
    bar: &ProgressBar,
) -> Result<Walked> {
    // The library's errors already name the file and their cause: one line, no chain.
    let source = dockguard_image::open(Path::new(target), options)
        .map_err(|e| anyhow!("cannot read image {target}: {e}"))?;
    let name = source
        .manifest()
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| target.to_string());
    let total = source
        .manifest()
        .layers
        .iter()
        .map(|l| l.size)
        .sum::<Option<u64>>()
        .or_else(|| std::fs::metadata(target).ok().map(|m| m.len()));
    if let Some(total) = total {
        bar.set_length(total);
    }
    walk_source(source.as_ref(), name, analyzers, options, bar)
        .map_err(|e| anyhow!("cannot read image {target}: {e}"))
}

fn walk_engine(
    args: &ImageTargetArgs,
    analyzers: &mut [&mut dyn Analyzer],
    options: &OpenOptions,
    bar: &ProgressBar,
) -> Result<Walked, EngineError> {
    let target = &args.target;
    let engine = dockguard_engine::Engine::connect(args.host.as_deref())
        .map_err(|e| {
            EngineError::Unavailable(format!(
                "{target}: not a file, and the Docker engine is not usable: {e}"
            ))
        })?
        .with_timeout(EXPORT_TIMEOUT);
    let inspect = engine.inspect_image(target).map_err(|e| {
        if e.is_not_found() {
            EngineError::Unavailable(format!(
                "{target}: no such file, and no such image in the Docker engine"
            ))
        } else {
            EngineError::Unavailable(format!(
                "cannot read image {target} from the Docker engine: {e}"
            ))
        }
    })?;
    let strings = |key: &str| -> Vec<String> {
        inspect.value[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let repo_tags = strings("RepoTags");
    let repo_digests = strings("RepoDigests");
    // Name the image as the user did when that is one of its tags, else by its first tag.
    let name = if repo_tags.iter().any(|t| t == target) || repo_tags.is_empty() {
        target.clone()
    } else {
        repo_tags[0].clone()
    };
    if let Some(size) = inspect.value["Size"].as_u64() {
        bar.set_length(size);
    }
    let export = engine.export_image(target).map_err(|e| {
        EngineError::Failed(anyhow!(
            "cannot export image {target} from the Docker engine: {e}"
        ))
    })?;
    let label = format!("docker-engine:{target}");
    let streamed = dockguard_image::stream::read_archive_stream(
        bar.wrap_read(export),
        &label,
        analyzers,
        options,
    )
    .map_err(|e| {
        EngineError::Failed(anyhow!(
            "cannot read image {target} from the Docker engine: {e}"
        ))
    })?;
    let mut manifest = streamed.manifest;
    if manifest.names.is_empty() {
        manifest.names = repo_tags;
    }
    manifest.repo_digests = repo_digests;
    Ok(Walked {
        name,
        manifest,
        config: streamed.config,
        result: streamed.result,
    })
}

/// A progress bar of bytes read on standard error, hidden unless that is a terminal.
fn progress_bar(disabled: bool) -> ProgressBar {
    if disabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} reading image {bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// An image source whose layer streams advance a progress bar.
struct Counted<'a> {
    inner: &'a dyn ImageSource,
    bar: ProgressBar,
}

impl ImageSource for Counted<'_> {
    fn describe(&self) -> &str {
        self.inner.describe()
    }

    fn manifest(&self) -> &dockguard_image::ImageManifest {
        self.inner.manifest()
    }

    fn config(&self) -> &dockguard_image::ImageConfig {
        self.inner.config()
    }

    fn open_layer(&self, index: usize) -> dockguard_image::Result<LayerStream> {
        Ok(match self.inner.open_layer(index)? {
            LayerStream::Tar(raw) => {
                let raw: Box<dyn Read + Send> = Box::new(self.bar.wrap_read(raw));
                LayerStream::Tar(raw)
            }
            LayerStream::SeekableTar(raw) => {
                let raw: Box<dyn dockguard_image::SeekRead> = Box::new(self.bar.wrap_read(raw));
                LayerStream::SeekableTar(raw)
            }
            dir => dir,
        })
    }
}
