//! Fixture tests for workload rules: `fixtures/<CODE>/<name>.<kind>.<ext>` files with
//! `# expect: CODE` comments above each line the rule must report; `good*` files expect none.
//! Kinds by name: `*.compose.yaml`, `*.k8s.yaml`, `*.sh`, `Makefile*`/`*.mk`, `*.workflow.yml`,
//! `*.inspect.json`.

use super::Rule;
use crate::check::{FileKind, HostFacts};
use dockguard_core::Config;
use std::path::{Path, PathBuf};

fn fixture_dir(code: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(code)
}

/// The kind a fixture file name declares.
pub fn fixture_kind(name: &str) -> Option<FileKind> {
    if name.ends_with(".compose.yaml") || name.ends_with(".compose.yml") {
        Some(FileKind::Compose)
    } else if name.ends_with(".k8s.yaml") || name.ends_with(".k8s.yml") {
        Some(FileKind::Kubernetes)
    } else if name.ends_with(".sh") {
        Some(FileKind::ShellScript)
    } else if name.starts_with("Makefile") || name.ends_with(".mk") {
        Some(FileKind::Makefile)
    } else if name.ends_with(".workflow.yml") || name.ends_with(".workflow.yaml") {
        Some(FileKind::Workflow)
    } else if name.ends_with(".inspect.json") {
        Some(FileKind::Inspect)
    } else {
        None
    }
}

/// Lines a rule reports in a fixture (1-based, sorted), with the host facts `userns-remap`
/// fixtures ask for (`# host: userns-remap`).
pub fn reported_lines(rule: &dyn Rule, name: &str, text: &str) -> Vec<u32> {
    reported_lines_with(rule, name, text, &Config::default())
}

/// [`reported_lines`] with a configuration.
pub fn reported_lines_with(rule: &dyn Rule, name: &str, text: &str, config: &Config) -> Vec<u32> {
    let kind = fixture_kind(name).unwrap_or_else(|| panic!("{name}: unknown fixture kind"));
    let workload = crate::check::load(name, None, text, kind)
        .unwrap_or_else(|e| panic!("{name}: fixture does not load: {e}"));
    let host = HostFacts {
        userns_remap: text.contains("# host: userns-remap"),
        cgroup_version: text.contains("# host: cgroup-v1").then_some(1),
    };
    let ctx = super::Ctx {
        workload: &workload,
        config,
        host: Some(&host),
    };
    let mut out = Vec::new();
    rule.check(&ctx, &mut out);
    let mut lines: Vec<u32> = out.iter().map(|d| d.loc.line).collect();
    lines.sort_unstable();
    lines
}

pub fn check_fixtures(rule: &dyn Rule) {
    check_fixtures_with(rule, &Config::default());
}

/// [`check_fixtures`] with a configuration (for rules that need one to report anything).
pub fn check_fixtures_with(rule: &dyn Rule, config: &Config) {
    let code = rule.meta().code;
    let dir = fixture_dir(code);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{code}: missing fixture folder {}: {e}", dir.display()))
        .map(|e| e.expect("readable fixture dir").path())
        .collect();
    entries.sort();
    let (mut saw_good, mut saw_expect) = (false, false);
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        let expected = expected_lines(&text, code);
        if name.starts_with("good") {
            saw_good = true;
            assert!(
                expected.is_empty(),
                "{name}: a good fixture must not expect reports"
            );
        }
        saw_expect |= !expected.is_empty();
        let got = reported_lines_with(rule, &name, &text, config);
        assert_eq!(
            got, expected,
            "{code} {name}: reported lines differ from `# expect` markers"
        );
    }
    assert!(saw_good, "{code}: needs a good* fixture");
    assert!(
        saw_expect,
        "{code}: needs a fixture with at least one `# expect: {code}`"
    );
}

/// Lines following `# expect: CODE` comments (the next line that is not blank or a comment).
fn expected_lines(text: &str, code: &str) -> Vec<u32> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix("# expect:") else {
            continue;
        };
        let count = rest.split(',').filter(|c| c.trim() == code).count();
        if count == 0 {
            continue;
        }
        let target = lines[i + 1..]
            .iter()
            .position(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
            .map(|p| (i + 1 + p + 1) as u32)
            .expect("a line after the expect marker");
        out.extend(std::iter::repeat_n(target, count));
    }
    out.sort_unstable();
    out
}
