//! Rendering a [`BenchReport`]: docker-bench-security's console view (section headers,
//! coloured `[PASS]`/`[WARN]`/`[INFO]`/`[NOTE]` lines, details, remediation, score) and its JSON
//! log (`-f dbs-json`). Writers only: the CLI decides where the bytes go.

use crate::snapshot::Snapshot;
use crate::{BenchReport, CheckResult, Verdict};
use dockguard_engine::Engine;
use serde_json::Value;
use std::io::Write;
use std::path::Path;

/// The CIS Docker Benchmark version the checks follow, as docker-bench-security states it.
pub const CIS_VERSION: &str = "1.6.0";

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

pub struct ConsoleView {
    pub color: bool,
    /// Detail lines under each check (`--concise` drops them).
    pub details: bool,
    /// Section B with the remediation of every check that did not pass (`-p`).
    pub remediation: bool,
}

/// What the banner says about the run.
pub struct Header {
    engine: String,
    root: String,
    containers: String,
    started: String,
    modes: Vec<&'static str>,
}

impl Header {
    pub fn new(
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

pub fn write_console(
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
pub enum Json {
    Str(String),
    Int(i64),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    pub fn write(&self, out: &mut Vec<u8>, indent: usize) -> std::io::Result<()> {
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
pub fn dbs_json(report: &BenchReport, start: u64, end: u64, remediation: bool) -> Json {
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

/// `2026-11-28T19:06:06+00:00` for a Unix time (UTC).
pub fn rfc3339(epoch: u64) -> String {
    let (y, mo, d, h, mi, s) = dockguard_core::time::civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Check;
    use crate::checks::Outcome;
    use dockguard_core::{RuleMeta, Severity, Step};

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

    fn never(_: &crate::Ctx) -> Outcome {
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
    fn sections_of_ids() {
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
