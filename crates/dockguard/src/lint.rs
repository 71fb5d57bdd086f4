//! `dockguard lint` and `dockguard scan`: gather files, check them in parallel, fix, report.

use crate::cli::{ConfigArgs, LintArgs, OutputArgs};
use crate::{discover, settings};
use anyhow::{Context, Result};
use dockguard_core::{Config, Finding, Severity};
use dockguard_report::{HumanOptions, Report};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Files larger than this are refused: no real Dockerfile, compose file or manifest comes
/// close, and it bounds memory.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

pub const DEFAULT_FAIL_ON: Severity = Severity::Low;

enum Input {
    Stdin,
    /// A file, and whether the user named it (named files are always checked; walked files
    /// only when they turn out to be a Dockerfile or a workload description).
    File(PathBuf, bool),
}

/// Which analyser a file goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Analyser {
    Dockerfile,
    Workload(dockguard_workload::FileKind),
}

struct Outcome {
    name: String,
    text: String,
    analyser: Analyser,
    findings: Vec<Finding>,
    /// Seccomp profile files the workload names (linted once after every file is read).
    profiles: Vec<dockguard_workload::seccomp::ProfileUse>,
    /// Profiles named but not readable (missing, outside the project): input errors.
    profile_errors: Vec<String>,
}

fn is_known_name(input: &Input) -> bool {
    let Input::File(path, _) = input else {
        return true;
    };
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| discover::is_dockerfile_name(n) || discover::is_workload_candidate(n))
}

/// Picks the analyser: Dockerfile names first, then workload kinds by name and content; a
/// named file that is neither is read as a Dockerfile.
fn analyser_for(name: &str, text: &str, named: bool) -> Option<Analyser> {
    let file_name = Path::new(name)
        .file_name()
        .map_or(name.to_string(), |n| n.to_string_lossy().into_owned());
    if discover::is_dockerfile_name(&file_name) {
        return Some(Analyser::Dockerfile);
    }
    match dockguard_workload::check::classify(&file_name, name, text) {
        Some(kind) => Some(Analyser::Workload(kind)),
        None if named => Some(Analyser::Dockerfile),
        None => None,
    }
}

/// What `lint` or `scan` decided, for the exit code.
pub struct RunResult {
    pub failing: bool,
    pub input_errors: usize,
}

pub fn lint(args: &LintArgs) -> Result<RunResult> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    run(
        &paths,
        &args.output,
        &args.config,
        args.shellcheck,
        Mode::from(args),
        &args.stdin_filename,
        &RunExtras {
            hadolint_compat: args.hadolint_compat,
            ..RunExtras::default()
        },
    )
}

pub fn scan(args: &crate::cli::ScanArgs) -> Result<RunResult> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !path.is_dir() {
        anyhow::bail!(
            "{}: not a directory (scan takes a project directory; use `lint` for files)",
            path.display()
        );
    }
    let extras = RunExtras {
        secrets_root: Some(path.clone()),
        images: args.image.clone(),
        hadolint_compat: args.hadolint_compat,
        vuln_db: Some(args.db.clone()),
    };
    run(
        &[path],
        &args.output,
        &args.config,
        args.shellcheck,
        Mode::Report,
        "-",
        &extras,
    )
}

/// What a command adds to the common run: `scan`'s extra analysers, and the
/// `--hadolint-compat` flag of `lint` and `scan`.
#[derive(Default)]
struct RunExtras {
    /// Run the secrets scanner (SE100) on every file under this directory.
    secrets_root: Option<PathBuf>,
    /// Images to analyse too.
    images: Vec<String>,
    /// `--hadolint-compat`: turns on the config's `hadolint_compat` (it never turns it off).
    hadolint_compat: bool,
    /// Match the project's packages (the `secrets_root` directory) against this advisory
    /// database (VU100), when it exists.
    vuln_db: Option<crate::cli::DbDirArgs>,
}

/// SC1xx findings of the seccomp profiles of a project: JSON files with a `defaultAction` and
/// `syscalls` near their start (up to 4 MiB); the texts of those with findings go to `sources`.
/// A file that looks like a profile but does not parse is reported as an input error.
/// Profiles in `linted` (canonical paths) were linted already because a workload names them.
fn project_seccomp_profiles(
    files: &[PathBuf],
    linted: &std::collections::BTreeSet<PathBuf>,
    config: &Config,
    sources: &mut BTreeMap<String, String>,
) -> (Vec<Finding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= 4 << 20);
        if path.extension().is_none_or(|e| e != "json") || !small {
            continue;
        }
        if path.canonicalize().is_ok_and(|p| linted.contains(&p)) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // The first 4 KiB (the whole text when that cuts a character) name the default action.
        let head = text.get(..4096).unwrap_or(&text);
        if !(head.contains("\"defaultAction\"") && text.contains("\"syscalls\"")) {
            continue;
        }
        let name = display_name(path);
        match dockguard_seccomp::parse_str(&name, &text) {
            Ok(profile) => {
                let found = dockguard_seccomp::lint(&profile, config);
                if !found.is_empty() {
                    sources.insert(name, text);
                }
                findings.extend(found);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    (findings, errors)
}

/// The project root a walked or named file belongs to: the directory argument it was found
/// under, else (a named file) its own directory. Workload-named profiles may not leave it.
fn project_root(paths: &[PathBuf], file: &Path) -> PathBuf {
    paths
        .iter()
        .find(|p| p.is_dir() && file.starts_with(p))
        .cloned()
        .or_else(|| {
            file.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Lints each seccomp profile file the workloads name once, its findings located in the
/// profile (named as the project walk would name it) and naming every workload that uses it.
/// Returns the findings, the canonical paths linted (so that `scan`'s walk skips them) and
/// the input errors (profiles named but unreadable or broken).
fn workload_seccomp_profiles(
    outcomes: &[Outcome],
    paths: &[PathBuf],
    config: &Config,
    sources: &mut BTreeMap<String, String>,
) -> (
    Vec<Finding>,
    std::collections::BTreeSet<PathBuf>,
    Vec<String>,
) {
    let mut users: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    let mut errors = Vec::new();
    for o in outcomes {
        errors.extend(o.profile_errors.iter().cloned());
        for u in &o.profiles {
            users
                .entry(u.path.clone())
                .or_default()
                .push(u.user.clone());
        }
    }
    let roots: Vec<(PathBuf, PathBuf)> = paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| Some((p.canonicalize().ok()?, p.clone())))
        .collect();
    let mut findings = Vec::new();
    for (path, users) in &users {
        let name = roots
            .iter()
            .find_map(|(canonical, given)| {
                let rel = path.strip_prefix(canonical).ok()?;
                Some(display_name(&given.join(rel)))
            })
            .unwrap_or_else(|| {
                let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
                cwd.ok()
                    .and_then(|d| path.strip_prefix(d).ok().map(Path::to_path_buf))
                    .map_or_else(|| display_name(path), |rel| display_name(&rel))
            });
        match dockguard_workload::seccomp::lint_profile(path, &name, users, config) {
            Ok((found, text)) => {
                if !found.is_empty() {
                    sources.insert(name, text);
                }
                findings.extend(found);
            }
            Err(e) => errors.push(e),
        }
    }
    (findings, users.into_keys().collect(), errors)
}

/// The advisory database for VU100, `None` (after a note saying how to get one) when there is
/// none: scanning goes on without step 6's vulnerabilities.
fn vuln_store(db: &crate::cli::DbDirArgs) -> Result<Option<dockguard_vuln::store::Store>, String> {
    let dir = crate::vuln::db_dir(db).map_err(|e| e.to_string())?;
    match dockguard_vuln::store::Store::open(&dir) {
        Ok(store) => Ok(Some(store)),
        Err(dockguard_vuln::store::StoreError::Missing(path)) => {
            eprintln!(
                "dockguard: note: no advisory database at {}: packages not checked for \
                 vulnerabilities (step 6); get one with `dockguard db update` or `dockguard db \
                 import <osv-export.zip>`",
                path.display()
            );
            Ok(None)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// VU100 findings of an inventory, each located by `locate` (the package's path → the file
/// reported).
fn vulnerabilities(
    store: &dockguard_vuln::store::Store,
    inventory: &dockguard_packages::Inventory,
    config: &Config,
    locate: &dyn Fn(&str) -> String,
) -> Result<Vec<Finding>, String> {
    let mut report =
        dockguard_vuln::matcher::match_inventory(store, inventory).map_err(|e| e.to_string())?;
    // The configuration's `[vuln] ignore` entries hold here too (expired ones are reported
    // by `dockguard vuln`).
    let rules = crate::vuln::ignore_rules_of(config).map_err(|e| e.to_string())?;
    report.findings = dockguard_vuln::ignore::apply(
        &rules,
        std::mem::take(&mut report.findings),
        inventory,
        dockguard_vuln::ignore::Date::today(),
    )
    .kept;
    Ok(dockguard_vuln::rule::findings(
        &report, inventory, config, locate,
    ))
}

/// VU100 findings of the packages of the project at `root`.
fn project_vulnerabilities(
    root: &Path,
    store: &dockguard_vuln::store::Store,
    config: &Config,
) -> Result<Vec<Finding>, String> {
    let inventory = dockguard_packages::inventory_of(
        &dockguard_image::RootfsSource::project(root),
        &dockguard_image::Limits::default(),
    )
    .map_err(|e| format!("{}: {e}", root.display()))?;
    let label = display_name(root);
    let locate = |path: &str| {
        if label.is_empty() || label == "." {
            path.to_string()
        } else {
            format!("{}/{path}", label.trim_end_matches('/'))
        }
    };
    vulnerabilities(store, &inventory, config, &locate)
}

/// SE100 findings of the project's `files`, except where an analyser of the file already
/// reported a secret on the same line. Adds the texts of files with findings to `sources`.
fn project_secrets(
    files: &[PathBuf],
    config: &Config,
    reported: &[Finding],
    sources: &mut BTreeMap<String, String>,
) -> Vec<Finding> {
    let scanner = dockguard_secrets::Scanner::new();
    let per_file: Vec<(String, Vec<u8>, Vec<Finding>)> = files
        .par_iter()
        .filter_map(|path| {
            // Unreadable files (sockets, permissions) are not worth failing the scan.
            let bytes = std::fs::read(path).ok()?;
            let name = display_name(path);
            let found = dockguard_secrets::project::check_file(&scanner, &name, &bytes, config);
            (!found.is_empty()).then_some((name, bytes, found))
        })
        .collect();
    let mut out = Vec::new();
    for (name, bytes, found) in per_file {
        for f in found {
            let duplicate = reported.iter().any(|r| {
                r.step == dockguard_core::Step::Secrets
                    && r.location.file == f.location.file
                    && r.location.line <= f.location.line
                    && f.location.line <= r.location.end_line.max(r.location.line)
            });
            if !duplicate {
                out.push(f);
            }
        }
        if out.iter().any(|f| f.location.file == name) {
            sources
                .entry(name)
                .or_insert_with(|| String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Report,
    Fix,
    Diff,
}

impl From<&LintArgs> for Mode {
    fn from(args: &LintArgs) -> Self {
        if args.fix {
            Mode::Fix
        } else if args.diff {
            Mode::Diff
        } else {
            Mode::Report
        }
    }
}

fn run(
    paths: &[PathBuf],
    output: &OutputArgs,
    config_args: &ConfigArgs,
    shellcheck: bool,
    mode: Mode,
    stdin_name: &str,
    extras: &RunExtras,
) -> Result<RunResult> {
    let mut config = settings::load(
        config_args,
        paths
            .first()
            .map(PathBuf::as_path)
            .unwrap_or(Path::new(".")),
    )?;
    config.hadolint_compat |= extras.hadolint_compat;
    if shellcheck {
        dockguard_dockerfile::shellcheck::available().context("--shellcheck")?;
    }
    let mut inputs = Vec::new();
    let mut input_errors = 0;
    for path in paths {
        if path == Path::new("-") {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            match discover::walk(path, &config) {
                Ok(files) => inputs.extend(files.into_iter().map(|f| Input::File(f, false))),
                Err(e) => {
                    eprintln!("dockguard: error: {}: {e}", path.display());
                    input_errors += 1;
                }
            }
        } else if path.exists() {
            inputs.push(Input::File(path.clone(), true));
        } else {
            eprintln!(
                "dockguard: error: {}: no such file or directory",
                path.display()
            );
            input_errors += 1;
        }
    }

    let results: Vec<Result<Option<Outcome>, String>> = inputs
        .par_iter()
        .map(|input| {
            let named = !matches!(input, Input::File(_, false));
            let (name, path, text) = match read_input(input, stdin_name) {
                Ok(read) => read,
                // A walked executable that is not text is not a script: not our business.
                Err(_) if !named && !is_known_name(input) => return Ok(None),
                Err(e) => return Err(e),
            };
            let Some(analyser) = analyser_for(&name, &text, named) else {
                return Ok(None);
            };
            if let Analyser::Workload(kind) = analyser {
                let workload = dockguard_workload::load(&name, path.as_deref(), &text, kind)
                    .map_err(|e| e.to_string())?;
                let mut findings = dockguard_workload::check(&workload, &config, None);
                let (inline, mut profile_errors) =
                    dockguard_workload::seccomp::inline_findings(&workload, &config);
                findings.extend(inline);
                let mut profiles = Vec::new();
                if let Some(file) = path.as_deref() {
                    let root = project_root(paths, file);
                    match dockguard_workload::seccomp::Resolver::new(&root) {
                        Ok(resolver) => {
                            let (uses, errors) = dockguard_workload::seccomp::profile_uses(
                                &workload, file, &resolver,
                            );
                            profiles = uses;
                            profile_errors.extend(errors.iter().map(ToString::to_string));
                        }
                        Err(e) => profile_errors.push(format!("{}: {e}", root.display())),
                    }
                }
                return Ok(Some(Outcome {
                    name,
                    text,
                    analyser,
                    findings,
                    profiles,
                    profile_errors,
                }));
            }
            let text = if mode == Mode::Fix && path.is_some() {
                fix_file(
                    path.as_deref().unwrap_or(Path::new("")),
                    &name,
                    text,
                    &config,
                )?
            } else {
                text
            };
            let options = dockguard_dockerfile::Options { shellcheck };
            let findings =
                dockguard_dockerfile::check_with(&name, path.as_deref(), &text, &config, options)
                    .map_err(|e| format!("{name}: {e}"))?
                    .findings;
            Ok(Some(Outcome {
                name,
                text,
                analyser,
                findings,
                profiles: Vec::new(),
                profile_errors: Vec::new(),
            }))
        })
        .collect();

    let mut outcomes = Vec::new();
    for r in results {
        match r {
            Ok(Some(o)) => outcomes.push(o),
            Ok(None) => {}
            Err(message) => {
                eprintln!("dockguard: error: {message}");
                input_errors += 1;
            }
        }
    }

    if mode == Mode::Diff {
        let mut any = false;
        let mut out = std::io::stdout().lock();
        for o in outcomes
            .iter()
            .filter(|o| o.analyser == Analyser::Dockerfile)
        {
            let (fixed, _) = dockguard_dockerfile::fix_all(&o.name, &o.text, &config, 10);
            if fixed != o.text {
                any = true;
                let diff = similar::TextDiff::from_lines(&o.text, &fixed);
                write!(
                    out,
                    "{}",
                    diff.unified_diff()
                        .header(&format!("a/{}", o.name), &format!("b/{}", o.name))
                )?;
            }
        }
        return Ok(RunResult {
            failing: any,
            input_errors,
        });
    }

    let fail_on = output.fail_on.or(config.fail_on).unwrap_or(DEFAULT_FAIL_ON);
    let mut findings: Vec<Finding> = outcomes
        .iter()
        .flat_map(|o| o.findings.iter().cloned())
        .collect();
    let mut sources: BTreeMap<String, String> = outcomes
        .iter()
        .map(|o| (o.name.clone(), o.text.clone()))
        .collect();
    let mut files_scanned = outcomes.len();
    // Seccomp profiles the workloads name: each linted once, whoever names it.
    let (found, linted, errors) =
        workload_seccomp_profiles(&outcomes, paths, &config, &mut sources);
    findings.extend(found);
    for e in errors {
        eprintln!("dockguard: error: {e}");
        input_errors += 1;
    }
    if let Some(root) = &extras.secrets_root {
        // One walk of the project for the secrets scanner and the seccomp profiles.
        match discover::walk_all(root, &config, dockguard_secrets::MAX_FILE_SIZE as u64) {
            Ok(files) => {
                let found = project_secrets(&files, &config, &findings, &mut sources);
                findings.extend(found);
                let (found, errors) =
                    project_seccomp_profiles(&files, &linted, &config, &mut sources);
                findings.extend(found);
                for e in errors {
                    eprintln!("dockguard: error: {e}");
                    input_errors += 1;
                }
            }
            Err(e) => {
                eprintln!("dockguard: error: {}: {e}", root.display());
                input_errors += 1;
            }
        }
    }
    let store = match &extras.vuln_db {
        Some(db) if config.is_enabled("VU100", true) => match vuln_store(db) {
            Ok(store) => store,
            Err(message) => {
                eprintln!("dockguard: error: {message}");
                input_errors += 1;
                None
            }
        },
        _ => None,
    };
    if let (Some(root), Some(store)) = (&extras.secrets_root, &store) {
        match project_vulnerabilities(root, store, &config) {
            Ok(found) => findings.extend(found),
            Err(message) => {
                eprintln!("dockguard: error: {message}");
                input_errors += 1;
            }
        }
    }
    for target in &extras.images {
        let args = crate::cli::ImageTargetArgs {
            target: target.clone(),
            from: crate::cli::ImageFrom::Auto,
            host: None,
            platform: None,
            no_progress: false,
            username: None,
            password_stdin: false,
            plain_http: false,
        };
        let mut packages = dockguard_packages::PackageAnalyzer::default();
        let wanted = store.is_some().then_some(&mut packages);
        match crate::image::analyze_with(&args, &config, wanted) {
            Ok((analysis, name)) => {
                findings.extend(analysis.findings);
                files_scanned += 1;
                if let Some(store) = &store {
                    let locate = |path: &str| format!("{name}:/{path}");
                    match vulnerabilities(store, &packages.inventory, &config, &locate) {
                        Ok(found) => findings.extend(found),
                        Err(message) => {
                            eprintln!("dockguard: error: {message}");
                            input_errors += 1;
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("dockguard: error: {e}");
                input_errors += 1;
            }
        }
    }
    sort_findings(&mut findings);
    let rules: Vec<dockguard_core::RuleMeta> =
        crate::registry::all_rules().into_iter().copied().collect();
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &findings,
        files_scanned,
        rules: &rules,
        sources: &sources,
        fail_on,
    };
    write_report(&report, output)?;
    let failing = findings.iter().any(|f| f.severity >= fail_on);
    Ok(RunResult {
        failing,
        input_errors,
    })
}

fn read_input(
    input: &Input,
    stdin_name: &str,
) -> Result<(String, Option<PathBuf>, String), String> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("{stdin_name}: cannot read standard input: {e}"))?;
            let text = decode(stdin_name, bytes)?;
            Ok((stdin_name.to_string(), None, text))
        }
        Input::File(path, _) => {
            let name = display_name(path);
            let meta = std::fs::metadata(path).map_err(|e| format!("{name}: {e}"))?;
            if meta.len() > MAX_FILE_BYTES {
                return Err(format!(
                    "{name}: file is {} bytes, larger than the {MAX_FILE_BYTES}-byte limit",
                    meta.len()
                ));
            }
            let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
            let text = decode(&name, bytes)?;
            Ok((
                name,
                Some(std::path::absolute(path).unwrap_or_else(|_| path.clone())),
                text,
            ))
        }
    }
}

fn decode(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{name}: input larger than the {MAX_FILE_BYTES}-byte limit"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        let column = offset
            - bytes[..offset]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        format!("{name}:{line}:{column}: not valid UTF-8 (byte offset {offset})")
    })
}

fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Fixes a file in place (atomically: temp file in the same folder, then rename) and returns
/// the new text.
fn fix_file(path: &Path, name: &str, text: String, config: &Config) -> Result<String, String> {
    let (fixed, applied) = dockguard_dockerfile::fix_all(name, &text, config, 10);
    if applied == 0 || fixed == text {
        return Ok(text);
    }
    let cannot = |e: &dyn std::fmt::Display| format!("{name}: cannot write the fixed file: {e}");
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockguard-fix-")
        .tempfile_in(dir)
        .map_err(|e| cannot(&e))?;
    tmp.write_all(fixed.as_bytes()).map_err(|e| cannot(&e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(path).map_err(|e| cannot(&e.error))?;
    Ok(fixed)
}

/// Report order: file, line, column, code.
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.location.file,
            a.location.line,
            a.location.column,
            &a.code,
        )
            .cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
                &b.code,
            ))
    });
}

pub(crate) fn write_report(report: &Report, output: &OutputArgs) -> Result<()> {
    let to_terminal = output.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal
        && !output.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let human = HumanOptions {
        color,
        show_source: !output.concise,
    };
    match &output.output {
        Some(file) => {
            let mut buf = Vec::new();
            dockguard_report::write_report(output.format, report, &human, &mut buf)?;
            std::fs::write(file, buf)
                .with_context(|| format!("{}: cannot write report", file.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            dockguard_report::write_report(output.format, report, &human, &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}
