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
use dockguard_image::checks::Analysis;
use dockguard_image::{ImageSource, LayerStream, OpenOptions, Platform};
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
    let mut options = OpenOptions::default();
    if let Some(p) = &args.platform {
        options.platform = Platform::parse(p).ok_or_else(|| {
            anyhow!("--platform {p}: expected OS/ARCH[/VARIANT], e.g. linux/amd64")
        })?;
    }
    let target = &args.target;
    let bar = progress_bar(args.no_progress);
    let analysis = match args.from {
        ImageFrom::Auto if Path::new(target).exists() => {
            analyze_file(target, config, &options, &bar)
        }
        ImageFrom::File => analyze_file(target, config, &options, &bar),
        ImageFrom::Engine => analyze_engine(args, config, &options, &bar).map_err(|e| e.into()),
        ImageFrom::Registry => analyze_registry(args, config, &options, &bar),
        ImageFrom::Auto => match analyze_engine(args, config, &options, &bar) {
            Ok(analysis) => Ok(analysis),
            Err(EngineError::Unavailable(why)) => analyze_registry(args, config, &options, &bar)
                .map_err(|e| anyhow!("{e} (and not from the Docker engine: {why})")),
            Err(EngineError::Failed(e)) => Err(e),
        },
    };
    bar.finish_and_clear();
    analysis
}

/// Why an engine image could not be analysed: the engine does not have it (or does not
/// answer), so another source may; or it failed while reading.
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

fn analyze_registry(
    args: &ImageTargetArgs,
    config: &Config,
    options: &OpenOptions,
    bar: &ProgressBar,
) -> Result<Analysis> {
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
    let total = source.manifest().layers.iter().map(|l| l.size).sum();
    if let Some(total) = total {
        bar.set_length(total);
    }
    let counted = Counted {
        inner: &source,
        bar: bar.clone(),
    };
    dockguard_image::checks::analyze(&counted, target, config, &options.limits)
        .map_err(|e| anyhow!("cannot read image {target} from its registry: {e}"))
}

fn analyze_file(
    target: &str,
    config: &Config,
    options: &OpenOptions,
    bar: &ProgressBar,
) -> Result<Analysis> {
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
    let counted = Counted {
        inner: source.as_ref(),
        bar: bar.clone(),
    };
    dockguard_image::checks::analyze(&counted, &name, config, &options.limits)
        .map_err(|e| anyhow!("cannot read image {target}: {e}"))
}

fn analyze_engine(
    args: &ImageTargetArgs,
    config: &Config,
    options: &OpenOptions,
    bar: &ProgressBar,
) -> Result<Analysis, EngineError> {
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
    dockguard_image::checks::analyze_stream(
        bar.wrap_read(export),
        &label,
        &name,
        config,
        options,
        |manifest| {
            if manifest.names.is_empty() {
                manifest.names = repo_tags;
            }
            manifest.repo_digests = repo_digests;
        },
    )
    .map_err(|e| {
        EngineError::Failed(anyhow!(
            "cannot read image {target} from the Docker engine: {e}"
        ))
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
