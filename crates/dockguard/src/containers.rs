//! `dockguard containers`: inspect the containers of a live Docker engine and run the workload
//! rules on their real settings.
//!
//! Each container is reported as the file `docker://<name>` whose text is its inspect JSON,
//! pretty-printed, so findings point at (and snippets show) the JSON value that caused them.
//! A custom seccomp profile, which the engine keeps inline in `HostConfig.SecurityOpt`, is
//! linted with the SC1xx rules and its findings reported at that option.

use crate::cli::ContainersArgs;
use crate::lint::write_report;
use crate::settings;
use anyhow::Result;
use dockguard_core::Finding;
use dockguard_engine::{ContainerSummary, Engine};
use dockguard_report::Report;
use std::collections::BTreeMap;
use std::path::Path;

/// Runs the command; returns the exit code (0 clean, 1 findings at or above `--fail-on`,
/// 2 when a container could not be read). Engine and usage errors are `Err` (exit 2).
pub fn run(args: &ContainersArgs) -> Result<i32> {
    let config = settings::load(&args.config, Path::new("."))?;
    let engine = Engine::connect(args.host.as_deref())?;
    let host = dockguard_workload::sources::engine::host_facts(&engine.info()?.text);
    let list = ContainerSummary::list(&engine.containers(args.all)?.value);

    let mut sources = BTreeMap::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut input_errors = 0;
    let mut scanned = 0;
    for summary in &list {
        let inspect = match engine.inspect_container(&summary.id) {
            Ok(inspect) => inspect,
            // Removed since it was listed: nothing left to check.
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        };
        let name = inspect
            .value
            .get("Name")
            .and_then(serde_json::Value::as_str)
            .map(|n| n.trim_start_matches('/'))
            .filter(|n| !n.is_empty())
            .map_or_else(|| short_id(&summary.id).to_string(), str::to_string);
        let file = format!("docker://{name}");
        let mut text = serde_json::to_string_pretty(&inspect.value)?;
        text.push('\n');
        scanned += 1;
        match dockguard_workload::sources::engine::load(&file, &text) {
            Ok(workload) => {
                findings.extend(dockguard_workload::check(&workload, &config, Some(&host)));
                // Custom profiles are stored inline (`seccomp=<json>`): the SC lint, at the
                // container's option.
                let (found, errors) =
                    dockguard_workload::seccomp::inline_findings(&workload, &config);
                findings.extend(found);
                for e in errors {
                    eprintln!("dockguard: error: {e}");
                    input_errors += 1;
                }
            }
            Err(e) => {
                eprintln!("dockguard: error: {e}");
                input_errors += 1;
            }
        }
        sources.insert(file, text);
    }

    crate::lint::sort_findings(&mut findings);
    let fail_on = args
        .output
        .fail_on
        .or(config.fail_on)
        .unwrap_or(crate::lint::DEFAULT_FAIL_ON);
    let rules: Vec<dockguard_core::RuleMeta> = dockguard_workload::rules::registry::RULES
        .iter()
        .map(|r| *r.meta())
        .chain(dockguard_seccomp::rule_metas().into_iter().copied())
        .collect();
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &findings,
        files_scanned: scanned,
        rules: &rules,
        sources: &sources,
        fail_on,
    };
    write_report(&report, &args.output)?;
    Ok(if input_errors > 0 {
        2
    } else if findings.iter().any(|f| f.severity >= fail_on) {
        1
    } else {
        0
    })
}

fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
