//! `dockguard bench`: the host bench. Fetches the engine's state once, reads the host's files,
//! runs the CIS Docker Benchmark checks of `dockguard-bench` and prints them in
//! docker-bench-security's console view (`-f human`), its JSON log (`-f dbs-json`) or, for
//! every other format, as findings through the common reporters.

use crate::cli::{BenchArgs, OutputArgs};
use crate::lint::write_report;
use crate::settings;
use anyhow::{Context, Result, bail};
use dockguard_bench::checks::registry::CHECKS;
use dockguard_bench::facts::HostFacts;
use dockguard_bench::snapshot::{ContainerFilter, Snapshot};
use dockguard_bench::{BenchReport, CheckResult, Verdict};
use dockguard_core::{Finding, RuleMeta};
use dockguard_engine::Engine;
use dockguard_report::{Format, Report};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The CIS Docker Benchmark version the checks follow, as docker-bench-security states it.
const CIS_VERSION: &str = "1.6.0";

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
// Sections

/// The section a check belongs to, as docker-bench-security's JSON log numbers them.
fn section_of(id: &str) -> &str {
    let first = id.split('.').next().unwrap_or(id);
    if first.eq_ignore_ascii_case("C") {
        "99"
    } else {
        first
    }
}

/// docker-bench-security's section titles.
fn section_title(section: &str) -> &'static str {
    match section {
        "1" => "Host Configuration",
        "2" => "Docker daemon configuration",
        "3" => "Docker daemon configuration files",
        "4" => "Container Images and Build File",
        "5" => "Container Runtime",
        "6" => "Docker Security Operations",
        "7" => "Docker Swarm Configuration",
        "8" => "Docker Enterprise Configuration",
        "99" => "Community contributed checks",
        _ => "Other checks",
    }
}

/// Sub-section headers the console view prints before their first check (1.1, 1.2).
fn subsection_of(id: &str) -> Option<(&'static str, &'static str)> {
    if id.starts_with("1.1.") {
        Some(("1.1", "Linux Hosts Specific Configuration"))
    } else if id.starts_with("1.2.") {
        Some(("1.2", "General Configuration"))
    } else {
        None
    }
}

/// The results grouped by section, in catalogue order.
fn sections(report: &BenchReport) -> Vec<(&str, Vec<&CheckResult>)> {
    let mut out: Vec<(&str, Vec<&CheckResult>)> = Vec::new();
    for result in &report.results {
        let section = section_of(result.check.id);
        match out.last_mut() {
            Some((s, list)) if *s == section => list.push(result),
            _ => out.push((section, vec![result])),
        }
    }
    out
}

/// A check's remediation on one line: its doc's `## Fix` section (up to the next heading, also
/// when the doc's lines are indented), code fences dropped and whitespace folded.
fn remediation_line(result: &CheckResult) -> Option<String> {
    let text = result.check.meta.remediation()?;
    let line = text
        .lines()
        .take_while(|l| !l.trim_start().starts_with("## "))
        .filter(|l| !l.trim_start().starts_with("```"))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ");
    (!line.is_empty()).then_some(line)
}

// ---------------------------------------------------------------------------------------------
// Console view

struct ConsoleView {
    color: bool,
    /// Detail lines under each check (`--concise` drops them).
    details: bool,
    /// Section B with the remediation of every check that did not pass (`-p`).
    remediation: bool,
}

/// What the banner says about the run.
struct Header {
    engine: String,
    root: String,
    containers: String,
    started: String,
    modes: Vec<&'static str>,
}

impl Header {
    fn new(
        engine: &Engine,
        snapshot: &Snapshot,
        root: &Path,
        running_only: bool,
        start: u64,
    ) -> Self {
        let version = snapshot
            .version
            .get("Version")
            .and_then(Value::as_str)
            .unwrap_or("unknown version");
        let mut modes = Vec::new();
        if snapshot.rootless() {
            modes.push("rootless");
        }
        if snapshot.userns_remap() {
            modes.push("userns-remap");
        }
        let running = snapshot.containers.iter().filter(|c| c.running).count();
        Header {
            engine: format!("Docker {version} at unix://{}", engine.socket().display()),
            root: root.display().to_string(),
            containers: if running_only {
                format!("{running} running (stopped ones left out)")
            } else {
                format!(
                    "{} ({running} running, {} stopped)",
                    snapshot.containers.len(),
                    snapshot.containers.len() - running
                )
            },
            started: rfc3339(start),
            modes,
        }
    }
}

struct Paint {
    color: bool,
}

impl Paint {
    fn label(&self, verdict: Verdict) -> String {
        let code = match verdict {
            Verdict::Pass => "1;32",
            Verdict::Warn => "1;31",
            Verdict::Info => "1;34",
            Verdict::Note => "1;33",
        };
        self.wrap(code, &format!("[{}]", verdict.as_str()))
    }

    fn yellow(&self, text: &str) -> String {
        self.wrap("1;33", text)
    }

    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

const RULE_LINE: &str = "# --------------------------------------------------------------------------------------------";

fn write_console(
    report: &BenchReport,
    header: &Header,
    view: &ConsoleView,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let paint = Paint { color: view.color };
    let info = paint.label(Verdict::Info);
    let mut banner = vec![
        RULE_LINE.to_string(),
        format!("# dockguard bench v{}", env!("CARGO_PKG_VERSION")),
        "#".to_string(),
        format!(
            "# The CIS Docker Benchmark {CIS_VERSION} checks, as docker-bench-security numbers and scores them."
        ),
        format!("# Engine: {}", header.engine),
    ];
    if !header.modes.is_empty() {
        banner.push(format!("# Daemon mode: {}", header.modes.join(", ")));
    }
    banner.push(format!("# Host files under: {}", header.root));
    banner.push(format!("# Containers: {}", header.containers));
    banner.push(RULE_LINE.to_string());
    writeln!(out, "{}\n", paint.yellow(&banner.join("\n")))?;
    writeln!(out, "Initializing {}\n", header.started)?;
    writeln!(out, "\n{}", paint.yellow("Section A - Check results"))?;

    for (section, results) in sections(report) {
        writeln!(out, "\n{info} {section} - {}", section_title(section))?;
        let mut subsection = None;
        for result in results {
            if let Some(sub) = subsection_of(result.check.id)
                && subsection != Some(sub.0)
            {
                subsection = Some(sub.0);
                writeln!(out, "{info} {} - {}", sub.0, sub.1)?;
            }
            let label = paint.label(result.verdict);
            writeln!(
                out,
                "{label} {} - {}",
                result.check.id,
                result.check.title()
            )?;
            if view.details {
                for line in detail_lines(result) {
                    writeln!(out, "{label}      * {line}")?;
                }
            }
        }
    }

    if view.remediation {
        let mut any = false;
        let mut body = String::new();
        for (section, results) in sections(report) {
            let lines: Vec<String> = results
                .iter()
                .filter(|r| r.verdict != Verdict::Pass)
                .filter_map(|r| remediation_line(r).map(|m| format!("{info} {} - {m}", r.check.id)))
                .collect();
            if lines.is_empty() {
                continue;
            }
            if any {
                body.push('\n');
            }
            any = true;
            body.push_str(&format!("\n{info} {section} - {}", section_title(section)));
            for line in lines {
                body.push('\n');
                body.push_str(&line);
            }
        }
        if any {
            writeln!(
                out,
                "\n\n{}",
                paint.yellow("Section B - Remediation measures")
            )?;
            writeln!(out, "{body}")?;
        }
    }

    writeln!(out, "\n\n{}\n", paint.yellow("Section C - Score"))?;
    writeln!(out, "{info} Checks: {}", report.checks)?;
    writeln!(out, "{info} Score: {}", report.score)?;
    writeln!(
        out,
        "{info} PASS: {}  WARN: {}  INFO: {}  NOTE: {}\n",
        report.count(Verdict::Pass),
        report.count(Verdict::Warn),
        report.count(Verdict::Info),
        report.count(Verdict::Note)
    )?;
    Ok(())
}

/// The indented lines under a check: one per item, labelled like docker-bench-security
/// (`Running as root: web`), or the details as one line.
fn detail_lines(result: &CheckResult) -> Vec<String> {
    let details = result.details.as_deref().map(str::trim).unwrap_or("");
    if result.items.is_empty() {
        return if details.is_empty() {
            Vec::new()
        } else {
            vec![details.to_string()]
        };
    }
    let joined = result.items.join(" ");
    let label = details
        .strip_suffix(joined.as_str())
        .map(|l| l.trim_end().trim_end_matches(':').trim_end())
        .filter(|l| !l.is_empty());
    match label {
        Some(label) => result
            .items
            .iter()
            .map(|item| format!("{label}: {item}"))
            .collect(),
        None => {
            let mut lines = Vec::new();
            if !details.is_empty() {
                lines.push(details.to_string());
            }
            lines.extend(result.items.iter().cloned());
            lines
        }
    }
}

// ---------------------------------------------------------------------------------------------
// docker-bench-security's JSON log

/// A JSON value whose object keys keep their order (docker-bench-security's key order).
enum Json {
    Str(String),
    Int(i64),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    fn write(&self, out: &mut Vec<u8>, indent: usize) -> std::io::Result<()> {
        let pad = |n: usize| "  ".repeat(n);
        match self {
            Json::Str(s) => serde_json::to_writer(&mut *out, s)?,
            Json::Int(n) => write!(out, "{n}")?,
            Json::Arr(items) if items.is_empty() => out.extend_from_slice(b"[]"),
            Json::Arr(items) => {
                out.extend_from_slice(b"[\n");
                for (i, item) in items.iter().enumerate() {
                    out.extend_from_slice(pad(indent + 1).as_bytes());
                    item.write(out, indent + 1)?;
                    out.extend_from_slice(if i + 1 < items.len() { b",\n" } else { b"\n" });
                }
                write!(out, "{}]", pad(indent))?;
            }
            Json::Obj(fields) if fields.is_empty() => out.extend_from_slice(b"{}"),
            Json::Obj(fields) => {
                out.extend_from_slice(b"{\n");
                for (i, (key, value)) in fields.iter().enumerate() {
                    write!(out, "{}", pad(indent + 1))?;
                    serde_json::to_writer(&mut *out, key)?;
                    out.extend_from_slice(b": ");
                    value.write(out, indent + 1)?;
                    out.extend_from_slice(if i + 1 < fields.len() { b",\n" } else { b"\n" });
                }
                write!(out, "{}}}", pad(indent))?;
            }
        }
        Ok(())
    }
}

/// The report in docker-bench-security's JSON log shape: sections with their results, the
/// number of checks and the score. `remediation` (with `-p`, on results other than PASS) as
/// docker-bench-security writes it.
fn dbs_json(report: &BenchReport, start: u64, end: u64, remediation: bool) -> Json {
    let tests = sections(report)
        .into_iter()
        .map(|(section, results)| {
            let results = results
                .into_iter()
                .map(|r| {
                    let mut fields = vec![
                        ("id", Json::Str(r.check.id.to_string())),
                        ("desc", Json::Str(r.check.title().to_string())),
                        ("result", Json::Str(r.verdict.as_str().to_string())),
                    ];
                    if let Some(details) = &r.details {
                        fields.push(("details", Json::Str(details.clone())));
                    }
                    if !r.items.is_empty() {
                        let items = r.items.iter().map(|i| Json::Str(i.clone())).collect();
                        fields.push(("items", Json::Arr(items)));
                    }
                    if remediation
                        && r.verdict != Verdict::Pass
                        && let Some(text) = remediation_line(r)
                    {
                        fields.push(("remediation", Json::Str(text)));
                    }
                    Json::Obj(fields)
                })
                .collect();
            Json::Obj(vec![
                ("id", Json::Str(section.to_string())),
                ("desc", Json::Str(section_title(section).to_string())),
                ("results", Json::Arr(results)),
            ])
        })
        .collect();
    let epoch = |t: u64| Json::Int(i64::try_from(t).unwrap_or(i64::MAX));
    Json::Obj(vec![
        (
            "dockerbenchsecurity",
            Json::Str(env!("CARGO_PKG_VERSION").to_string()),
        ),
        ("start", epoch(start)),
        ("tests", Json::Arr(tests)),
        (
            "checks",
            Json::Int(i64::try_from(report.checks).unwrap_or(i64::MAX)),
        ),
        ("score", Json::Int(report.score)),
        ("end", epoch(end)),
    ])
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

/// `2026-11-28T19:06:06+00:00` for a Unix time (UTC).
fn rfc3339(epoch: u64) -> String {
    let days = i64::try_from(epoch / 86_400).unwrap_or(0);
    let secs = epoch % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockguard_bench::Check;
    use dockguard_bench::checks::Outcome;
    use dockguard_core::{Severity, Step};

    macro_rules! check {
        ($name:ident, $id:literal, $code:literal, $scored:literal, $title:literal) => {
            static $name: Check = Check {
                id: $id,
                scored: $scored,
                meta: RuleMeta {
                    code: $code,
                    name: "test-check",
                    step: Step::HostBench,
                    severity: Severity::Medium,
                    summary: $title,
                    doc: " ## What it does\n x\n ## Fix\n Run `dockerd --icc=false`\n or set it:\n ```json\n {\"icc\": false}\n ```\n ## Compared with docker-bench-security\n y",
                    references: &[],
                    fixable: false,
                    default_enabled: true,
                },
                eval: never,
            };
        };
    }

    fn never(_: &dockguard_bench::Ctx) -> Outcome {
        Outcome::pass()
    }

    check!(
        C111,
        "1.1.1",
        "HB1101",
        true,
        "Ensure a separate partition for containers has been created (Automated)"
    );
    check!(
        C121,
        "1.2.1",
        "HB1201",
        false,
        "Ensure the container host has been Hardened (Manual)"
    );
    check!(
        C22,
        "2.2",
        "HB202",
        true,
        "Ensure network traffic is restricted between containers on the default bridge (Scored)"
    );
    check!(
        C41,
        "4.1",
        "HB401",
        true,
        "Ensure that a user for the container has been created (Automated)"
    );
    check!(
        C5331,
        "C.5.3.1",
        "HB951",
        true,
        "Ensure that CAP_DAC_READ_SEARCH \"quoted\" is disabled\\"
    );

    fn result(
        check: &'static Check,
        verdict: Verdict,
        details: Option<&str>,
        items: &[&str],
    ) -> CheckResult {
        CheckResult {
            check,
            verdict,
            details: details.map(str::to_string),
            items: items.iter().map(|i| (*i).to_string()).collect(),
            findings: Vec::new(),
        }
    }

    fn sample() -> BenchReport {
        BenchReport::new(vec![
            result(&C111, Verdict::Warn, None, &[]),
            result(&C121, Verdict::Note, None, &[]),
            result(&C22, Verdict::Pass, None, &[]),
            result(
                &C41,
                Verdict::Warn,
                Some("Running as root: web db"),
                &["web", "db"],
            ),
            result(&C5331, Verdict::Info, Some("No containers"), &[]),
        ])
    }

    fn header() -> Header {
        Header {
            engine: "Docker 20.10.24 at unix:///var/run/docker.sock".into(),
            root: "/".into(),
            containers: "2 (2 running, 0 stopped)".into(),
            started: rfc3339(0),
            modes: vec!["rootless"],
        }
    }

    fn console(view: &ConsoleView) -> String {
        let mut buf = Vec::new();
        write_console(&sample(), &header(), view, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn console_view_is_docker_bench_securitys() {
        let text = console(&ConsoleView {
            color: false,
            details: true,
            remediation: false,
        });
        let lines: Vec<&str> = text.lines().collect();
        let at = |needle: &str| {
            lines
                .iter()
                .position(|l| *l == needle)
                .unwrap_or_else(|| panic!("missing line {needle:?} in\n{text}"))
        };
        assert!(text.contains("# Daemon mode: rootless"));
        assert!(text.contains("Initializing 1970-01-01T00:00:00+00:00"));
        let a = at("Section A - Check results");
        let s1 = at("[INFO] 1 - Host Configuration");
        let s11 = at("[INFO] 1.1 - Linux Hosts Specific Configuration");
        let c111 = at(
            "[WARN] 1.1.1 - Ensure a separate partition for containers has been created (Automated)",
        );
        let s12 = at("[INFO] 1.2 - General Configuration");
        let c121 = at("[NOTE] 1.2.1 - Ensure the container host has been Hardened (Manual)");
        let s2 = at("[INFO] 2 - Docker daemon configuration");
        at(
            "[PASS] 2.2 - Ensure network traffic is restricted between containers on the default bridge (Scored)",
        );
        let s4 = at("[INFO] 4 - Container Images and Build File");
        let c41 =
            at("[WARN] 4.1 - Ensure that a user for the container has been created (Automated)");
        assert_eq!(lines[c41 + 1], "[WARN]      * Running as root: web");
        assert_eq!(lines[c41 + 2], "[WARN]      * Running as root: db");
        let s99 = at("[INFO] 99 - Community contributed checks");
        let c = at("[INFO] C.5.3.1 - Ensure that CAP_DAC_READ_SEARCH \"quoted\" is disabled\\");
        assert_eq!(lines[c + 1], "[INFO]      * No containers");
        let score = at("Section C - Score");
        at("[INFO] Checks: 5");
        // scored WARN 1.1.1 and 4.1, scored PASS 2.2; NOTE and INFO count 0.
        at("[INFO] Score: -1");
        assert!(a < s1 && s1 < s11 && s11 < c111 && c111 < s12 && s12 < c121 && c121 < s2);
        assert!(s2 < s4 && s4 < c41 && c41 < s99 && s99 < c && c < score);
        assert_eq!(lines[s1 - 1], "", "a blank line before each section");
        assert!(!text.contains("Section B"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn console_view_colours_remediation_and_concise() {
        let text = console(&ConsoleView {
            color: true,
            details: false,
            remediation: true,
        });
        assert!(text.contains("\x1b[1;32m[PASS]\x1b[0m 2.2 - "));
        assert!(text.contains("\x1b[1;31m[WARN]\x1b[0m 4.1 - "));
        assert!(text.contains("\x1b[1;34m[INFO]\x1b[0m C.5.3.1 - "));
        assert!(text.contains("\x1b[1;33m[NOTE]\x1b[0m 1.2.1 - "));
        assert!(text.contains("\x1b[1;33mSection A - Check results\x1b[0m"));
        assert!(
            !text.contains("Running as root"),
            "--concise drops detail lines"
        );
        let b = text.find("Section B - Remediation measures").unwrap();
        let remediation = &text[b..text.find("Section C").unwrap()];
        let info = "\x1b[1;34m[INFO]\x1b[0m";
        assert!(remediation.contains(&format!(
            "{info} 1 - Host Configuration\n{info} 1.1.1 - Run `dockerd --icc=false` or set it: {{\"icc\": false}}\n{info} 1.2.1 - Run"
        )));
        // PASS checks have no remediation.
        assert!(!remediation.contains("2.2 - "));
        assert!(remediation.contains(&format!("\n\n{info} 4 - Container Images and Build File\n")));
    }

    #[test]
    fn dbs_json_has_docker_bench_securitys_shape() {
        let mut buf = Vec::new();
        dbs_json(&sample(), 100, 105, true)
            .write(&mut buf, 0)
            .unwrap();
        let text = String::from_utf8(buf).unwrap();
        // Key order as docker-bench-security writes it.
        let order: Vec<usize> = [
            "\"dockerbenchsecurity\"",
            "\"start\"",
            "\"tests\"",
            "\"checks\"",
            "\"score\"",
            "\"end\"",
        ]
        .iter()
        .map(|k| text.rfind(k).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["dockerbenchsecurity"], env!("CARGO_PKG_VERSION"));
        assert_eq!(json["start"], 100);
        assert_eq!(json["end"], 105);
        assert_eq!(json["checks"], 5);
        assert_eq!(json["score"], -1);
        let tests = json["tests"].as_array().unwrap();
        let ids: Vec<&str> = tests.iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["1", "2", "4", "99"]);
        assert_eq!(tests[0]["desc"], "Host Configuration");
        assert_eq!(tests[3]["desc"], "Community contributed checks");
        let r41 = &tests[2]["results"][0];
        assert_eq!(r41["id"], "4.1");
        assert_eq!(r41["result"], "WARN");
        assert_eq!(r41["details"], "Running as root: web db");
        assert_eq!(r41["items"], serde_json::json!(["web", "db"]));
        assert_eq!(
            r41["remediation"],
            "Run `dockerd --icc=false` or set it: {\"icc\": false}"
        );
        let r22 = &tests[1]["results"][0];
        assert_eq!(r22["result"], "PASS");
        assert!(r22.get("details").is_none() && r22.get("items").is_none());
        assert!(r22.get("remediation").is_none(), "no remediation on PASS");
        // Quotes and backslashes are escaped.
        assert_eq!(
            tests[3]["results"][0]["desc"],
            "Ensure that CAP_DAC_READ_SEARCH \"quoted\" is disabled\\"
        );
        // Without -p there is no remediation at all.
        let mut buf = Vec::new();
        dbs_json(&sample(), 1, 2, false).write(&mut buf, 0).unwrap();
        assert!(!String::from_utf8(buf).unwrap().contains("remediation"));
    }

    #[test]
    fn dbs_json_of_nothing_is_valid() {
        let mut buf = Vec::new();
        dbs_json(&BenchReport::new(Vec::new()), 1, 2, false)
            .write(&mut buf, 0)
            .unwrap();
        let json: Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(json["tests"], serde_json::json!([]));
        assert_eq!(json["checks"], 0);
    }

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
        assert_eq!(section_of("C.5.3.2"), "99");
        assert_eq!(section_of("5.31"), "5");
        assert_eq!(section_of("1.1.18"), "1");
    }

    #[test]
    fn detail_lines_per_item_or_whole() {
        let r = result(
            &C41,
            Verdict::Warn,
            Some("Running as root: web db"),
            &["web", "db"],
        );
        assert_eq!(
            detail_lines(&r),
            ["Running as root: web", "Running as root: db"]
        );
        let r = result(&C41, Verdict::Info, Some("Users: alice"), &[]);
        assert_eq!(detail_lines(&r), ["Users: alice"]);
        let r = result(
            &C41,
            Verdict::Warn,
            Some("Some files are wrong"),
            &["/a", "/b"],
        );
        assert_eq!(detail_lines(&r), ["Some files are wrong", "/a", "/b"]);
        let r = result(&C41, Verdict::Pass, None, &[]);
        assert!(detail_lines(&r).is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00+00:00");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40+00:00");
    }
}
