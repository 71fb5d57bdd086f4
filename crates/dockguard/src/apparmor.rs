//! `dockguard apparmor generate|policy`: AppArmor profiles from a recording or a declarative
//! policy (issue 8; see docs/apparmor.md).

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use dockguard_apparmor::{FORMAT_VERSION, Policy, Trace};

#[derive(Debug, Args)]
pub struct ApparmorArgs {
    #[command(subcommand)]
    pub command: ApparmorCommand,
}

/// Where a policy comes from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// A recording (JSON) written by `dockguard seccomp record --recording FILE`.
    #[arg(long, value_name = "FILE")]
    pub recording: Option<PathBuf>,
    /// A policy file (TOML): read_only, writable, denied, executables, mapped, capabilities,
    /// network (see docs/apparmor.md).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ApparmorCommand {
    /// Write an AppArmor profile from a recording or a policy file; load it with
    /// `apparmor_parser -r -W FILE`, use it with `docker run --security-opt apparmor=NAME`.
    Generate {
        #[command(flatten)]
        source: Source,
        /// The profile's name [default: the policy's `name`, else dockguard-<file stem>].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Write the profile here (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the policy (TOML) a recording implies, to edit and pass to `generate --policy`.
    Policy {
        /// A recording (JSON) written by `dockguard seccomp record --recording FILE`.
        #[arg(long, value_name = "FILE")]
        recording: PathBuf,
        /// The profile's name [default: dockguard-<file stem>].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Write the policy here (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Largest recording or policy file read.
const MAX_INPUT: u64 = 64 << 20;

pub fn run(args: &ApparmorArgs) -> Result<i32> {
    match &args.command {
        ApparmorCommand::Generate {
            source,
            name,
            output,
        } => {
            let (path, policy) = match (&source.recording, &source.policy) {
                (Some(rec), _) => (rec, Policy::from_trace(&read_recording(rec)?, None)),
                (None, Some(pol)) => {
                    let text = String::from_utf8(read_bounded(pol)?)
                        .map_err(|_| anyhow!("{}: not UTF-8 text", pol.display()))?;
                    (pol, Policy::parse(&pol.display().to_string(), &text)?)
                }
                (None, None) => bail!("give --recording FILE or --policy FILE"),
            };
            let policy = named(policy, name.as_deref(), path)?;
            let profile = dockguard_apparmor::render(&policy)
                .map_err(|e| anyhow!("{}: {e}", path.display()))?;
            emit(output.as_deref(), &profile)?;
            Ok(0)
        }
        ApparmorCommand::Policy {
            recording,
            name,
            output,
        } => {
            let policy = Policy::from_trace(&read_recording(recording)?, None);
            let policy = named(policy, name.as_deref(), recording)?;
            emit(output.as_deref(), &policy.to_toml())?;
            Ok(0)
        }
    }
}

/// Sets the profile name: `--name`, else the policy's own, else `dockguard-<file stem>`.
fn named(mut policy: Policy, name: Option<&str>, path: &Path) -> Result<Policy> {
    if let Some(name) = name {
        dockguard_apparmor::check_name(name).map_err(|m| anyhow!("--name: {m}"))?;
        policy.name = Some(name.to_string());
    } else if policy.name.is_none() {
        policy.name = Some(default_name(path));
    }
    Ok(policy)
}

/// `dockguard-<file stem>`, with characters a profile name cannot hold replaced by `-`.
fn default_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(54)
        .collect();
    if clean.is_empty() {
        "dockguard-profile".to_string()
    } else {
        format!("dockguard-{clean}")
    }
}

/// A file's bytes, refusing more than [`MAX_INPUT`].
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > MAX_INPUT {
        bail!("{}: larger than {} MiB", path.display(), MAX_INPUT >> 20);
    }
    Ok(bytes)
}

/// A recording, with serde_json's line:column on errors.
fn read_recording(path: &Path) -> Result<Trace> {
    let bytes = read_bounded(path)?;
    let trace: Trace = serde_json::from_slice(&bytes).map_err(|e| {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        anyhow!(
            "{}:{}:{}: not a dockguard recording: {message}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if trace.version != FORMAT_VERSION {
        bail!(
            "{}: recording format version {}, this dockguard reads version {FORMAT_VERSION}",
            path.display(),
            trace.version
        );
    }
    Ok(trace)
}

/// Writes `text` to `output` through a temporary file in the same directory renamed over it
/// (a reader never sees half a profile), or to standard output.
fn emit(output: Option<&Path>, text: &str) -> Result<()> {
    let Some(path) = output else {
        outln!("{}", text.trim_end());
        return Ok(());
    };
    crate::seccomp::write_atomically(path, text.as_bytes())
}
