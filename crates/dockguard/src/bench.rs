//! `dockguard bench`: the host bench. Fetches the engine's state once, reads the host's files,
//! runs the CIS Docker Benchmark checks of `dockguard-bench` and prints them in
//! docker-bench-security's console view (`-f human`), its JSON log (`-f dbs-json`) or, for
//! every other format, as findings through the common reporters.

use crate::cli::{BenchArgs, OutputArgs};
use crate::lint::write_report;
use crate::settings;
use anyhow::{Context, Result, bail};
use dockguard_bench::BenchReport;
use dockguard_bench::checks::registry::CHECKS;
use dockguard_bench::facts::HostFacts;
use dockguard_bench::render::{ConsoleView, Header, dbs_json, write_console};
use dockguard_bench::snapshot::{ContainerFilter, Snapshot};
use dockguard_core::{Finding, RuleMeta};
use dockguard_engine::Engine;
use dockguard_report::{Format, Report};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Runs the command; returns the exit code (0 clean, 1 findings at or above `--fail-on`).
/// Engine and usage errors are `Err` (exit 2).
pub fn run(args: &BenchArgs) -> Result<i32> {
    let config = settings::load(&args.config, Path::new("."))?;
    let options = dockguard_bench::Options {
        include: selection(&args.check, "--check")?,
        exclude: selection(&args.exclude, "--exclude")?,
        trusted_users: args.trusted_user.clone(),
    };
    let root = args.root.clone().unwrap_or_else(default_root);
    if !root.is_dir() {
        bail!("--root {}: not a directory", root.display());
    }
    let filter = ContainerFilter {
        running_only: args.running_only,
        include: args.include_container.clone(),
        exclude: args.exclude_container.clone(),
        labels: args.label.clone(),
    };

    let start = epoch_now();
    let engine = Engine::connect(args.host.as_deref())?;
    let snapshot = Snapshot::collect(&engine, &filter)?;
    let facts = gather_facts(&root, &snapshot.info);
    let report = dockguard_bench::run(&snapshot, &facts, &config, &options);
    let end = epoch_now();

    let fail_on = args
        .output
        .fail_on
        .or(config.fail_on)
        .unwrap_or(crate::lint::DEFAULT_FAIL_ON);
    let findings = sorted_findings(&report);
    match args.output.format {
        Format::Human => {
            let view = ConsoleView {
                color: use_color(&args.output),
                details: !args.output.concise,
                remediation: args.remediation,
            };
            let header = Header::new(&engine, &snapshot, &root, args.running_only, start);
            let mut buf = Vec::new();
            write_console(&report, &header, &view, &mut buf)?;
            emit(&buf, &args.output)?;
        }
        Format::DbsJson => {
            let json = dbs_json(&report, start, end, args.remediation);
            let mut buf = Vec::new();
            json.write(&mut buf, 0)?;
            buf.push(b'\n');
            emit(&buf, &args.output)?;
        }
        _ => {
            let sources: BTreeMap<String, String> = snapshot
                .containers
                .iter()
                .map(|c| (c.source.clone(), c.text.clone()))
                .collect();
            let rules = rule_metas();
            let common = Report {
                tool_version: env!("CARGO_PKG_VERSION"),
                findings: &findings,
                files_scanned: snapshot.containers.len() + 1,
                rules: &rules,
                sources: &sources,
                fail_on,
            };
            write_report(&common, &args.output)?;
        }
    }
    Ok(i32::from(findings.iter().any(|f| f.severity >= fail_on)))
}

/// The host facts for `root`.
fn gather_facts(root: &Path, info: &Value) -> HostFacts {
    HostFacts::gather(root, info)
}

/// `/host` when dockguard runs in a container that has the host's filesystem there, else `/`.
fn default_root() -> PathBuf {
    let in_container =
        Path::new("/.dockerenv").exists() || Path::new("/run/.containerenv").exists();
    if in_container && Path::new("/host").is_dir() {
        PathBuf::from("/host")
    } else {
        PathBuf::from("/")
    }
}

fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

// ---------------------------------------------------------------------------------------------
// Selection and configuration

/// docker-bench-security's group names and the sections they stand for.
const GROUPS: &[(&str, &[&str])] = &[
    ("cis", &["1", "2", "3", "4", "5", "6", "7"]),
    ("all", &["1", "2", "3", "4", "5", "6", "7", "8", "C"]),
    ("host_configuration", &["1"]),
    ("linux_hosts_specific_configuration", &["1.1"]),
    ("host_general_configuration", &["1.2"]),
    ("docker_daemon_configuration", &["2"]),
    ("docker_daemon_files", &["3"]),
    ("container_images", &["4"]),
    ("container_runtime", &["5"]),
    ("docker_security_operations", &["6"]),
    ("docker_swarm_configuration", &["7"]),
    ("docker_enterprise_configuration", &["8"]),
    ("community", &["C"]),
    ("community_checks", &["C"]),
];

/// Reads `--check`/`--exclude` values: ids and sections (`5.4`, `2`, `99` or `C` for the
/// community checks) and docker-bench-security's names (`check_5_4`, `container_runtime`).
/// A value that selects no check is an error, so typos do not silently run everything.
fn selection(values: &[String], flag: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for value in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let lower = value.to_ascii_lowercase();
        let patterns: Vec<String> =
            if let Some((_, sections)) = GROUPS.iter().find(|(name, _)| *name == lower) {
                sections.iter().map(|s| (*s).to_string()).collect()
            } else {
                vec![normalise_id(&lower)]
            };
        let probe = dockguard_bench::Options {
            include: patterns.clone(),
            ..Default::default()
        };
        if !CHECKS.iter().any(|c| probe.selects(c.id)) {
            bail!(
                "{flag} `{value}`: no such check or section (ids like 2.14 or 5, or docker-bench-security names like check_2_14 or container_runtime)"
            );
        }
        out.extend(patterns);
    }
    Ok(out)
}

/// `check_5_4` → `5.4`, `check_c_5_3_1` → `C.5.3.1`, `99` → `C`, `c.5.3.1` → `C.5.3.1`.
fn normalise_id(lower: &str) -> String {
    let id = lower
        .strip_prefix("check_")
        .map_or_else(|| lower.to_string(), |rest| rest.replace('_', "."));
    let id = id.trim_end_matches('.');
    if id == "99" {
        return "C".into();
    }
    match id.strip_prefix('c') {
        Some(rest) if rest.is_empty() || rest.starts_with('.') => format!("C{rest}"),
        _ => id.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Common reporters

/// The findings of every failed check, each once (two checks may share a workload rule),
/// sorted by file, line, column and code.
fn sorted_findings(report: &BenchReport) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut findings: Vec<Finding> = report
        .findings()
        .into_iter()
        .filter(|f| {
            seen.insert((
                f.code.to_string(),
                f.location.file.clone(),
                f.location.line,
                f.location.column,
                f.message.clone(),
            ))
        })
        .collect();
    crate::lint::sort_findings(&mut findings);
    findings
}

/// Every rule a bench finding can come from: the checks and the workload rules they run.
fn rule_metas() -> Vec<RuleMeta> {
    let mut seen = BTreeSet::new();
    CHECKS
        .iter()
        .map(|c| c.meta)
        .chain(
            dockguard_workload::rules::registry::RULES
                .iter()
                .map(|r| *r.meta()),
        )
        .filter(|m| seen.insert(m.code))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Output

fn use_color(output: &OutputArgs) -> bool {
    output.output.is_none()
        && std::io::stdout().is_terminal()
        && !output.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn emit(bytes: &[u8], output: &OutputArgs) -> Result<()> {
    match &output.output {
        Some(file) => std::fs::write(file, bytes)
            .with_context(|| format!("{}: cannot write report", file.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_docker_bench_security_names() {
        assert_eq!(normalise_id("check_5_4"), "5.4");
        assert_eq!(normalise_id("check_c_5_3_1"), "C.5.3.1");
        assert_eq!(normalise_id("c.5.3.1"), "C.5.3.1");
        assert_eq!(normalise_id("99"), "C");
        assert_eq!(normalise_id("c"), "C");
        assert_eq!(normalise_id("2.14"), "2.14");
        assert_eq!(normalise_id("1.1."), "1.1");
        assert_eq!(normalise_id("check_2"), "2");
        let runtime = GROUPS
            .iter()
            .find(|(n, _)| *n == "container_runtime")
            .unwrap();
        assert_eq!(runtime.1, ["5"]);
    }
}
