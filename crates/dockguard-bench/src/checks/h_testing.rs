//! Test helpers of the section 1 and 3 checks (batch H).

use super::{Check, Ctx, Outcome};
use crate::Options;
use crate::facts::HostFacts;
use crate::snapshot::Snapshot;

/// Evaluates one check on a hand-built snapshot and host facts, default configuration.
pub fn run(check: &Check, snapshot: &Snapshot, facts: &HostFacts, options: &Options) -> Outcome {
    let config = dockguard_core::Config::default();
    let ctx = Ctx::new(snapshot, facts, &config, options);
    (check.eval)(&ctx)
}

/// The facts of a host whose files are below `root`.
pub fn facts_at(root: &std::path::Path) -> HostFacts {
    HostFacts {
        root: root.to_path_buf(),
        ..HostFacts::default()
    }
}

/// Every check of sections 1 and 3: registered once in CIS order, with the code the id gives,
/// a DBS-style title, a doc with every section and a remediation of its own.
#[test]
fn batch_h_catalogue() {
    let ours: Vec<&Check> = super::registry::CHECKS
        .iter()
        .copied()
        .filter(|c| c.id.starts_with("1.") || c.id.starts_with("3."))
        .collect();
    let mut expected: Vec<String> = (1..=18).map(|n| format!("1.1.{n}")).collect();
    expected.extend(["1.2.1".to_string(), "1.2.2".to_string()]);
    expected.extend((1..=24).map(|n| format!("3.{n}")));
    let ids: Vec<&str> = ours.iter().map(|c| c.id).collect();
    assert_eq!(ids, expected);
    for check in ours {
        let meta = &check.meta;
        let parts: Vec<u32> = check
            .id
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let code = match parts.as_slice() {
            [1, a, b] => format!("HB1{a}{b:02}"),
            [3, n] => format!("HB3{n:02}"),
            _ => unreachable!(),
        };
        assert_eq!(meta.code, code, "{}", check.id);
        assert_eq!(check.scored, !check.id.starts_with("1.2"), "{}", check.id);
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
        let remediation = meta.remediation().unwrap_or_default();
        assert!(!remediation.is_empty(), "{}", check.id);
        assert!(
            !remediation.contains("docker-bench-security"),
            "{}",
            check.id
        );
        assert_eq!(meta.step, dockguard_core::Step::HostBench, "{}", check.id);
        assert!(
            meta.references
                .iter()
                .any(|r| r.kind == dockguard_core::RefKind::Cis && r.id == check.id),
            "{}",
            check.id
        );
    }
}
