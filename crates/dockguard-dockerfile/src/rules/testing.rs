//! Fixture-driven rule tests.
//!
//! `fixtures/<CODE>/*.Dockerfile` hold cases. A comment line `# expect: <CODE>[, <CODE>…]` marks
//! that the rule reports the next non-comment line (once per listed code): an instruction, a
//! continuation line, or a heredoc body line, where the finding starts. Every other report fails
//! the test. Fixture files whose name starts with `good` must produce no report at all.

use super::{Ctx, Diagnostic, Rule};
use crate::model::Model;
use crate::syntax::parse;
use dockguard_core::Config;
use std::path::PathBuf;

pub fn run(rule: &dyn Rule, text: &str) -> Vec<Diagnostic> {
    run_with(rule, text, &Config::default())
}

pub fn run_with(rule: &dyn Rule, text: &str, config: &Config) -> Vec<Diagnostic> {
    let model = Model::new(parse(text));
    let ctx = Ctx {
        model: &model,
        config,
    };
    let mut out = Vec::new();
    rule.check(&ctx, &mut out);
    out
}

/// The configuration of hadolint compatibility mode (`hadolint-compat = true`).
pub fn hadolint_compat() -> Config {
    Config {
        hadolint_compat: true,
        ..Config::default()
    }
}

/// Lines reported by the rule by default and in hadolint compatibility mode.
pub fn lines_default_and_compat(rule: &dyn Rule, text: &str) -> (Vec<u32>, Vec<u32>) {
    (
        lines(rule, text),
        lines_with(rule, text, &hadolint_compat()),
    )
}

/// Lines (1-based) reported by the rule.
pub fn lines(rule: &dyn Rule, text: &str) -> Vec<u32> {
    lines_with(rule, text, &Config::default())
}

/// Lines (1-based) reported by the rule under `config`, sorted.
pub fn lines_with(rule: &dyn Rule, text: &str, config: &Config) -> Vec<u32> {
    let df = parse(text);
    let mut lines: Vec<u32> = run_with(rule, text, config)
        .iter()
        .map(|d| df.line_of(d.span.start))
        .collect();
    lines.sort_unstable();
    lines
}

/// Applies every fix the rule offers once and returns the new text.
pub fn fixed(rule: &dyn Rule, text: &str) -> String {
    let diags = run(rule, text);
    let mut edits: Vec<_> = diags
        .into_iter()
        .filter_map(|d| d.fix)
        .flat_map(|f| f.edits)
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    let mut last_start = usize::MAX;
    for e in edits {
        if e.span.end <= last_start {
            out.replace_range(e.span.clone(), &e.replacement);
            last_start = e.span.start;
        }
    }
    out
}

fn fixture_dir(code: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(code)
}

/// Checks every fixture of a rule; fails when a fixture is missing or a report is unexpected.
pub fn check_fixtures(rule: &dyn Rule) {
    let code = rule.meta().code;
    let dir = fixture_dir(code);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{code}: missing fixture folder {}: {e}", dir.display()))
        .map(|e| e.expect("readable fixture dir").path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    entries.sort();
    let (mut saw_good, mut saw_expect) = (false, false);
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        let expected = expected_lines(&text, code);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("good") {
            saw_good = true;
            assert!(
                expected.is_empty(),
                "{name}: a good fixture must not expect reports"
            );
        }
        saw_expect |= !expected.is_empty();
        let got = lines(rule, &text);
        assert_eq!(
            got,
            expected,
            "{code} {name}: reported lines differ from `# expect` markers\n{:#?}",
            run(rule, &text)
        );
    }
    assert!(saw_good, "{code}: needs a good*.Dockerfile fixture");
    assert!(
        saw_expect,
        "{code}: needs a fixture with at least one `# expect: {code}`"
    );
}

/// Lines following `# expect: CODE` comments.
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
            .expect("an instruction after the expect marker");
        out.extend(std::iter::repeat_n(target, count));
    }
    out.sort_unstable();
    out
}
