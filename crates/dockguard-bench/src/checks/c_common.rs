//! Helpers shared by the checks of sections 4 to 7 and the community checks: the `bench_check!`
//! declaration macro, findings grouped by container, swarm state, and test fixtures.

use super::{Ctx, Outcome, containers_violating};
use crate::result::Verdict;
use crate::snapshot::ContainerRecord;
use dockguard_core::{Finding, Location};
use dockguard_workload::ContainerSettings;
use serde_json::Value;

/// Declares `pub static $name: Check` with its `RuleMeta` built by
/// `dockguard_dockerfile::declare_rule!` from the doc comment and the fields given.
macro_rules! bench_check {
    (
        $(#[doc = $doc:literal])*
        pub static $static:ident {
            id: $id:literal,
            scored: $scored:literal,
            eval: $eval:path,
            code: $code:literal,
            name: $rname:literal,
            step: $step:ident,
            severity: $sev:ident,
            summary: $summary:literal,
            references: [$($rk:ident $rid:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $static: $crate::checks::Check = {
            dockguard_dockerfile::declare_rule! {
                $(#[doc = $doc])*
                struct Meta {
                    code: $code,
                    name: $rname,
                    step: $step,
                    severity: $sev,
                    summary: $summary,
                    references: [$($rk $rid),*],
                }
            }
            $crate::checks::Check {
                id: $id,
                scored: $scored,
                meta: Meta::META,
                eval: $eval,
            }
        };
    };
}
pub(crate) use bench_check;

/// A manual check: the operator must look (`NOTE`).
pub(crate) fn manual(_ctx: &Ctx) -> Outcome {
    Outcome::note()
}

/// The settings the workload crate read from a container's inspect JSON.
pub(crate) fn settings(record: &ContainerRecord) -> Option<&ContainerSettings> {
    record.workload.containers.first()
}

/// The findings of the workload rules `codes` on every container, through
/// [`containers_violating`] (one rule, every source).
pub(crate) fn rule_findings(ctx: &Ctx, codes: &[&str]) -> Vec<Finding> {
    containers_violating(ctx, codes, "").findings
}

/// Findings about containers as a check's answer: `WARN` with `label: <containers>` (in the
/// snapshot's order) when there is any, `PASS` when there is none, `INFO` without containers.
pub(crate) fn container_outcome(ctx: &Ctx, findings: Vec<Finding>, label: &str) -> Outcome {
    if ctx.snapshot.containers.is_empty() {
        return Outcome::info("No containers");
    }
    let items: Vec<String> = ctx
        .snapshot
        .containers
        .iter()
        .filter(|c| findings.iter().any(|f| f.location.file == c.source))
        .map(|c| c.name.clone())
        .collect();
    if findings.is_empty() {
        return Outcome::pass();
    }
    Outcome {
        verdict: Verdict::Warn,
        details: Some(format!("{label}: {}", items.join(" "))),
        items,
        findings,
    }
}

/// Adds the SC1xx findings of the containers' inline custom seccomp profiles (the engine keeps
/// the JSON of `--security-opt seccomp=<file>`) to `outcome`: `WARN` with each finding's code
/// and message in the details when a profile has a finding above `info`; unchanged otherwise
/// (Docker's default profile, or no custom profile). An inline profile that does not parse is
/// reported the same way.
pub(crate) fn with_inline_seccomp(ctx: &Ctx, mut outcome: Outcome) -> Outcome {
    let mut lines = Vec::new();
    let mut findings = Vec::new();
    let mut items = Vec::new();
    for c in &ctx.snapshot.containers {
        let (found, errors) = dockguard_workload::seccomp::inline_findings(&c.workload, ctx.config);
        let found: Vec<Finding> = found
            .into_iter()
            .filter(|f| f.severity > dockguard_core::Severity::Info)
            .collect();
        if found.is_empty() && errors.is_empty() {
            continue;
        }
        items.push(c.name.clone());
        lines.extend(found.iter().map(|f| format!("{} {}", f.code, f.message)));
        lines.extend(errors);
        findings.extend(found);
    }
    if lines.is_empty() {
        return outcome;
    }
    let weak = format!(
        "Custom seccomp profiles with weaknesses: {}",
        lines.join("; ")
    );
    outcome.details = Some(match outcome.details.take() {
        Some(d) if outcome.verdict == Verdict::Warn => format!("{d}; {weak}"),
        _ => weak,
    });
    outcome.verdict = Verdict::Warn;
    for item in items {
        if !outcome.items.contains(&item) {
            outcome.items.push(item);
        }
    }
    outcome.findings.extend(findings);
    outcome
}

/// A list check that docker-bench-security reports as `INFO` (manual checks): the same
/// details and items, no findings (findings are what a `WARN` stands on).
pub(crate) fn as_info(outcome: Outcome) -> Outcome {
    match outcome.verdict {
        Verdict::Warn => Outcome {
            verdict: Verdict::Info,
            findings: Vec::new(),
            ..outcome
        },
        _ => outcome,
    }
}

/// Two locations name the same place of the same file.
pub(crate) fn same_place(a: &Location, b: &Location) -> bool {
    a.file == b.file && a.span == b.span
}

/// A location in a container's inspect JSON for findings the bench makes itself.
pub(crate) fn container_location(record: &ContainerRecord) -> Location {
    settings(record).map_or_else(|| super::host_location(&record.source), |s| s.loc.clone())
}

/// `/info` `Swarm.LocalNodeState`: `inactive`, `pending`, `active`, `error`, `locked`; empty
/// when the daemon does not say.
pub(crate) fn swarm_state<'a>(ctx: &'a Ctx) -> &'a str {
    ctx.snapshot
        .info
        .pointer("/Swarm/LocalNodeState")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Swarm mode is on (docker-bench-security's `Swarm: active`).
pub(crate) fn swarm_active(ctx: &Ctx) -> bool {
    swarm_state(ctx) == "active"
}

/// What every section 7 check answers when swarm mode is off, as docker-bench-security does.
pub(crate) fn swarm_not_enabled() -> Outcome {
    Outcome::pass().with_details("Swarm mode not enabled")
}

/// An image's name for messages: its first tag, else its short id.
pub(crate) fn image_name(tags: &[String], id: &str) -> String {
    tags.iter()
        .find(|t| t.as_str() != "<none>:<none>")
        .cloned()
        .unwrap_or_else(|| {
            let id = id.trim_start_matches("sha256:");
            id.get(..12).unwrap_or(id).to_string()
        })
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::checks::{Check, Ctx, Outcome};
    use crate::facts::HostFacts;
    use crate::result::Verdict;
    use crate::snapshot::{ContainerRecord, Snapshot};
    use serde_json::Value;

    /// A container fixture captured from the daemon (`tests/data/containers/<name>.json`).
    pub fn container(name: &str) -> ContainerRecord {
        let path = format!(
            "{}/tests/data/containers/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("fixture");
        let inspect: Value = serde_json::from_str(&text).expect("fixture JSON");
        let id = inspect["Id"].as_str().unwrap_or(name).to_string();
        ContainerRecord::new(&id, inspect)
    }

    /// A fixture with its inspect JSON changed by `edit` (for cases the daemon here cannot
    /// produce, such as an AppArmor profile).
    pub fn container_with(name: &str, edit: impl FnOnce(&mut Value)) -> ContainerRecord {
        let mut inspect = container(name).inspect;
        edit(&mut inspect);
        let id = inspect["Id"].as_str().unwrap_or(name).to_string();
        ContainerRecord::new(&id, inspect)
    }

    /// A JSON fixture of the bench's test data.
    pub fn data(path: &str) -> Value {
        let path = format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
    }

    pub fn snapshot(info: Value, containers: Vec<ContainerRecord>) -> Snapshot {
        Snapshot {
            info,
            containers,
            ..Snapshot::default()
        }
    }

    pub fn run(check: &Check, snapshot: &Snapshot) -> Outcome {
        run_with(check, snapshot, &HostFacts::default())
    }

    pub fn run_with(check: &Check, snapshot: &Snapshot, facts: &HostFacts) -> Outcome {
        let config = dockguard_core::Config::default();
        let options = crate::Options::default();
        let ctx = Ctx::new(snapshot, facts, &config, &options);
        (check.eval)(&ctx)
    }

    /// Asserts the verdict and, for `WARN`/`INFO` lists, the items.
    #[track_caller]
    pub fn assert_outcome(outcome: &Outcome, verdict: Verdict, items: &[&str]) {
        assert_eq!(outcome.verdict, verdict, "{outcome:?}");
        let got: Vec<&str> = outcome.items.iter().map(String::as_str).collect();
        assert_eq!(got, items, "{outcome:?}");
        if verdict == Verdict::Warn {
            assert!(!outcome.findings.is_empty(), "a WARN has findings");
        } else {
            assert!(outcome.findings.is_empty(), "only a WARN has findings");
        }
    }

    /// Every fixture container, stopped and running.
    pub fn fleet() -> Vec<ContainerRecord> {
        [
            "default",
            "hardened",
            "caps",
            "cap-all",
            "privileged",
            "hostns",
            "mounts",
            "ports",
            "secopt",
            "root00",
            "misc",
            "running",
        ]
        .iter()
        .map(|n| container(n))
        .collect()
    }

    pub fn no_info() -> Value {
        serde_json::json!({"SecurityOptions": ["name=seccomp,profile=default"], "Swarm": {"LocalNodeState": "inactive"}})
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::registry::CHECKS;

    /// docker-bench-security's scoring of sections 4 to 7 and the community checks.
    const UNSCORED: &[&str] = &[
        "4.2", "4.3", "4.4", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "5.18", "5.19", "5.23",
        "5.24", "5.28", "5.30", "6.1", "6.2", "7.4", "7.6", "7.7", "7.8", "7.9",
    ];

    fn code_of(id: &str) -> String {
        if let Some(n) = id.strip_prefix("C.5.3.") {
            return format!("HB95{n}");
        }
        if id == "C.2" {
            return "HB902".to_string();
        }
        let (section, n) = id.split_once('.').expect("section.number");
        format!("HB{section}{:02}", n.parse::<u32>().expect("number"))
    }

    #[test]
    fn batch_c_catalogue() {
        let ours: Vec<_> = CHECKS
            .iter()
            .filter(|c| {
                ["4.", "5.", "6.", "7.", "C."]
                    .iter()
                    .any(|p| c.id.starts_with(p))
            })
            .collect();
        let mut expected: Vec<String> = Vec::new();
        for (section, count) in [(4, 12), (5, 32), (6, 2), (7, 9)] {
            expected.extend((1..=count).map(|n| format!("{section}.{n}")));
        }
        expected.push("C.2".to_string());
        expected.extend((1..=4).map(|n| format!("C.5.3.{n}")));
        let ids: Vec<&str> = ours.iter().map(|c| c.id).collect();
        assert_eq!(ids, expected);
        for check in ours {
            let meta = &check.meta;
            assert_eq!(meta.code, code_of(check.id), "{}", check.id);
            assert_eq!(check.scored, !UNSCORED.contains(&check.id), "{}", check.id);
            assert!(
                meta.summary.ends_with("(Automated)") || meta.summary.ends_with("(Manual)"),
                "{}",
                check.id
            );
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(meta.doc.contains(section), "{} lacks {section}", check.id);
            }
            assert!(meta.remediation().is_some(), "{}", check.id);
            let remediation = meta.remediation().unwrap_or_default();
            assert!(
                !remediation.contains("docker-bench-security"),
                "{}",
                check.id
            );
            assert!(!meta.references.is_empty(), "{}", check.id);
        }
    }
}
