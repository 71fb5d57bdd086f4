//! `dockguard seccomp lint|compare|diff|record`: custom seccomp profiles (step 7).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use dockguard_report::Report;
use dockguard_seccomp::{Context, SetDiff};
use serde_json::json;

use std::io::Write;

use crate::cli::{DiffFormat, RecordArgs, SeccompArgs, SeccompCommand, SeccompContextArgs};

pub fn run(args: &SeccompArgs) -> Result<i32> {
    match &args.command {
        SeccompCommand::Lint {
            paths,
            output,
            config,
        } => lint(paths, output, config),
        SeccompCommand::Compare { profile, context } => {
            let ctx = context_of(context)?;
            let p = read(profile)?;
            let d = dockguard_seccomp::compare(&p.profile, &ctx);
            let counts = [&dockguard_seccomp::docker_default().profile, &p.profile]
                .map(|p| dockguard_seccomp::effective(p, &ctx).allowed.len());
            print(
                &d,
                counts,
                "Docker's default profile",
                &profile.display().to_string(),
                context,
            )?;
            Ok(i32::from(!d.added.is_empty() || !d.widened.is_empty()))
        }
        SeccompCommand::Diff { a, b, context } => {
            let ctx = context_of(context)?;
            let (pa, pb) = (read(a)?, read(b)?);
            let d = dockguard_seccomp::diff(&pa.profile, &pb.profile, &ctx);
            let counts = [&pa.profile, &pb.profile]
                .map(|p| dockguard_seccomp::effective(p, &ctx).allowed.len());
            print(
                &d,
                counts,
                &a.display().to_string(),
                &b.display().to_string(),
                context,
            )?;
            Ok(i32::from(!d.is_empty()))
        }
        SeccompCommand::Record(args) => record(args),
    }
}

/// The static recorder `record --image` mounts into containers (see build.rs); empty when
/// this build could not make it, with the reason in `RECORDER_MISSING`.
static RECORDER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dockguard-recorder"));
const RECORDER_MISSING: &str =
    include_str!(concat!(env!("OUT_DIR"), "/dockguard-recorder.missing"));

/// `seccomp record`: exit 0 when the command succeeded, 1 when it failed (the profile is still
/// written), 2 when it could not be run or timed out.
fn record(args: &RecordArgs) -> Result<i32> {
    use dockguard_seccomp::record::{RecordError, Recording};
    let merged = args.merge.as_deref().map(read).transpose()?;
    let timeout = args.timeout.map(std::time::Duration::from_secs);
    let trace = match &args.image {
        Some(image) => {
            use dockguard_trace::container::{ContainerError, ContainerRun, record_in_container};
            if RECORDER.is_empty() {
                return Err(anyhow!(
                    "this dockguard was built without the static recorder that --image needs: {RECORDER_MISSING}"
                ));
            }
            let engine = dockguard_engine::Engine::connect(args.host.as_deref())?;
            let run = ContainerRun {
                image: image.clone(),
                command: args.command.clone(),
                user: args.user.clone(),
                network: args.network.clone(),
                env: args.env.clone(),
                timeout,
            };
            match record_in_container(&engine, RECORDER, &run) {
                Ok(done) => {
                    // The command's own output, as `docker run` would show it.
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(&done.stdout);
                    let _ = err.write_all(&done.stderr);
                    done.trace
                }
                Err(e @ (ContainerError::Recorder(_) | ContainerError::NoCommand(_))) => {
                    eprintln!("dockguard: error: {e}");
                    return Ok(2);
                }
                Err(e) => return Err(anyhow!("{e}")),
            }
        }
        None => match dockguard_trace::record(&args.command, timeout) {
            Ok(t) => t,
            Err(e @ (RecordError::Exec { .. } | RecordError::Timeout { .. })) => {
                eprintln!("dockguard: error: {e}");
                return Ok(2);
            }
            Err(e) => return Err(anyhow!("{e}")),
        },
    };
    if let Some(path) = &args.recording {
        let json = serde_json::to_string_pretty(&trace)?;
        write_atomically(path, json.as_bytes())?;
    }
    let rec =
        Recording::from_trace(trace).ok_or_else(|| anyhow!("{}", RecordError::Unsupported))?;
    let mut names = rec.names();
    if let Some(m) = &merged {
        names.extend(dockguard_seccomp::generate::allowed_names(m));
    }
    let text = dockguard_seccomp::generate::generate(names.iter().map(String::as_str));
    let allowed = dockguard_seccomp::parse_str("recorded", &text)
        .map(|p| {
            dockguard_seccomp::effective(&p.profile, &Context::default())
                .allowed
                .len()
        })
        .map_err(|e| anyhow!("{e}"))?;
    let docker = dockguard_seccomp::effective(
        &dockguard_seccomp::docker_default().profile,
        &Context::default(),
    )
    .allowed
    .len();
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => outln!("{}", text.trim_end()),
    }
    eprintln!(
        "recorded {} distinct syscalls over {} processes/threads; profile allows {allowed} \
         (Docker's default allows {docker})",
        rec.counts.len(),
        rec.tasks
    );
    if !rec.unknown.is_empty() {
        eprintln!(
            "dockguard: warning: syscall numbers outside the x86_64 table (32-bit calls?) were \
             not added: {:?}",
            rec.unknown.keys().collect::<Vec<_>>()
        );
    }
    if rec.exit.success() {
        Ok(0)
    } else {
        eprintln!("dockguard: the command ended with {}", rec.exit);
        Ok(1)
    }
}

/// Writes `path` (mode 0644, like `fs::write`: profiles are read by whoever runs the
/// container) through a temporary file in the same directory, so that a failure leaves the
/// previous file (or none) rather than a partial one. Used for profiles, recordings and
/// AppArmor output.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    use std::os::unix::fs::PermissionsExt;
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .and_then(|()| {
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
        })
        .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

fn read(path: &Path) -> Result<dockguard_seccomp::SeccompProfile> {
    dockguard_seccomp::parse_file(path).map_err(|e| anyhow!("{e}"))
}

fn context_of(args: &SeccompContextArgs) -> Result<Context> {
    let mut ctx = Context {
        arch: args.arch.clone(),
        ..Context::default()
    };
    if !args.caps.is_empty() {
        ctx.caps = args
            .caps
            .iter()
            .map(|c| {
                let c = c.to_ascii_uppercase();
                if c.starts_with("CAP_") {
                    c
                } else {
                    format!("CAP_{c}")
                }
            })
            .collect();
    }
    if let Some(k) = &args.kernel {
        ctx.kernel = Some(
            dockguard_seccomp::profile::parse_kernel(k)
                .ok_or_else(|| anyhow!("--kernel {k}: expected MAJOR.MINOR, e.g. 6.1"))?,
        );
    }
    Ok(ctx)
}

/// The diff from `a` to `b` (which allow `counts` syscalls), as a table or JSON on standard
/// output.
fn print(
    d: &SetDiff,
    counts: [usize; 2],
    a: &str,
    b: &str,
    args: &SeccompContextArgs,
) -> Result<()> {
    match args.format {
        DiffFormat::Json => {
            let change =
                |c: &dockguard_seccomp::diff::Change| json!({"syscall": c.name, "risk": c.risk});
            let doc = json!({
                "from": a,
                "to": b,
                "allowed": {"from": counts[0], "to": counts[1]},
                "arch": args.arch,
                "added": d.added.iter().map(change).collect::<Vec<_>>(),
                "widened": d.widened.iter().map(change).collect::<Vec<_>>(),
                "removed": d.removed,
                "narrowed": d.narrowed,
            });
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        DiffFormat::Table => {
            outln!(
                "{b} compared with {a} ({}): {} syscalls allowed, {} by {a}",
                args.arch,
                counts[1],
                counts[0]
            );
            for (title, list) in [
                ("allowed only by", &d.added),
                ("allowed for all arguments only by", &d.widened),
            ] {
                if list.is_empty() {
                    continue;
                }
                outln!("  {title} {b} ({}):", list.len());
                for c in list {
                    match c.risk {
                        Some(risk) => outln!("    + {:<22} {risk}", c.name),
                        None => outln!("    + {}", c.name),
                    }
                }
            }
            for (title, list) in [
                ("not allowed by", &d.removed),
                ("allowed only for some arguments by", &d.narrowed),
            ] {
                if !list.is_empty() {
                    outln!("  {title} {b} ({}): {}", list.len(), list.join(" "));
                }
            }
            if d.is_empty() {
                outln!("  the same syscalls");
            }
        }
    }
    Ok(())
}

fn lint(
    paths: &[PathBuf],
    output: &crate::cli::OutputArgs,
    config_args: &crate::cli::ConfigArgs,
) -> Result<i32> {
    let config = crate::settings::load(
        config_args,
        paths
            .first()
            .map(PathBuf::as_path)
            .unwrap_or(Path::new(".")),
    )?;
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();
    let mut input_errors = 0;
    for path in paths {
        match dockguard_seccomp::parse_file(path) {
            Ok(profile) => {
                findings.extend(dockguard_seccomp::lint(&profile, &config));
                if let Ok(text) = std::fs::read_to_string(path) {
                    sources.insert(path.display().to_string(), text);
                }
            }
            Err(e) => {
                eprintln!("dockguard: error: {e}");
                input_errors += 1;
            }
        }
    }
    crate::lint::sort_findings(&mut findings);
    let fail_on = output
        .fail_on
        .or(config.fail_on)
        .unwrap_or(crate::lint::DEFAULT_FAIL_ON);
    let rules: Vec<dockguard_core::RuleMeta> = dockguard_seccomp::rule_metas()
        .into_iter()
        .copied()
        .collect();
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &findings,
        files_scanned: paths.len() - input_errors,
        rules: &rules,
        sources: &sources,
        fail_on,
    };
    crate::lint::write_report(&report, output)?;
    Ok(if input_errors > 0 {
        2
    } else {
        i32::from(findings.iter().any(|f| f.severity >= fail_on))
    })
}
