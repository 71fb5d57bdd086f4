//! Checking one Dockerfile: parse, run the enabled rules, apply suppressions, build findings.

use crate::model::Model;
use crate::rules::registry::RULES;
use crate::rules::{Ctx, Diagnostic};
use crate::suppress;
use crate::syntax::parse;
use dockguard_core::{Config, Finding, Location, RuleMeta};
use std::path::Path;

/// The findings of one file, and its model for callers that need more (e.g. `--fix`).
pub struct Checked {
    pub findings: Vec<Finding>,
    pub model: Model,
}

/// Options beyond the configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Run ShellCheck on RUN scripts (see [`crate::shellcheck`]).
    pub shellcheck: bool,
}

/// Checks a Dockerfile's text. `file` is the name findings carry; `path` (when the text came
/// from disk) is matched against the configuration's per-path ignores.
pub fn check(file: &str, path: Option<&Path>, text: &str, config: &Config) -> Checked {
    match check_with(file, path, text, config, Options::default()) {
        Ok(checked) => checked,
        Err(_) => unreachable!("only the ShellCheck pass can fail, and it is off"),
    }
}

/// [`check`] with options; fails only when ShellCheck was asked for and could not run.
pub fn check_with(
    file: &str,
    path: Option<&Path>,
    text: &str,
    config: &Config,
    options: Options,
) -> Result<Checked, crate::shellcheck::Error> {
    let model = Model::new(parse(text));
    let ctx = Ctx {
        model: &model,
        config,
    };
    let mut findings: Vec<Finding> = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        if !config.is_enabled(meta.code, meta.default_enabled)
            || path.is_some_and(|p| config.is_path_ignored(p, meta.code))
        {
            continue;
        }
        let mut out = Vec::new();
        rule.check(&ctx, &mut out);
        findings.extend(
            out.into_iter()
                .map(|d| to_finding(file, &model, config, meta, d)),
        );
    }
    if options.shellcheck {
        let sc = crate::shellcheck::run(file, &model)?;
        findings.extend(
            sc.into_iter()
                .filter(|f| !path.is_some_and(|p| config.is_path_ignored(p, &f.code))),
        );
    }

    let suppressions = if config.disable_ignore_pragmas {
        Vec::new()
    } else {
        suppress::collect(&model.df)
    };
    let mut used = vec![false; suppressions.len()];
    findings.retain(|f| {
        let mut keep = true;
        for (i, s) in suppressions.iter().enumerate() {
            let at = f.location.span.start;
            if s.code == f.code && s.covers.start <= at && at < s.covers.end.max(s.covers.start + 1)
            {
                used[i] = true;
                keep = false;
            }
        }
        keep
    });

    let unused_meta = &crate::rules::df001_unused_suppression::UnusedSuppression::META;
    if config.is_enabled(unused_meta.code, unused_meta.default_enabled) {
        for (s, _) in suppressions.iter().zip(&used).filter(|(_, used)| !**used) {
            let judgeable = if s.code.starts_with("SC") {
                options.shellcheck
            } else {
                s.judgeable
            };
            // A code that is switched off in the configuration is not "unused" here.
            let enabled = s.code.starts_with("SC")
                || RULES.iter().any(|r| {
                    r.meta().code == s.code
                        && config.is_enabled(s.code.as_str(), r.meta().default_enabled)
                });
            if !judgeable || !enabled {
                continue;
            }
            let what = if s.written == s.code {
                s.code.clone()
            } else {
                format!("{} ({})", s.written, s.code)
            };
            let d = Diagnostic::new(
                s.comment.clone(),
                format!("suppression of {what} is unused"),
            );
            findings.push(to_finding(file, &model, config, unused_meta, d));
        }
    }

    findings
        .sort_by(|a, b| (a.location.span.start, &a.code).cmp(&(b.location.span.start, &b.code)));
    findings.dedup_by(|a, b| {
        a.code == b.code && a.location.span == b.location.span && a.message == b.message
    });
    Ok(Checked { findings, model })
}

fn to_finding(
    file: &str,
    model: &Model,
    config: &Config,
    meta: &'static RuleMeta,
    d: Diagnostic,
) -> Finding {
    let df = &model.df;
    let (line, column) = df.line_col(d.span.start);
    let (end_line, end_column) = df.line_col(d.span.end);
    meta.finding(
        config,
        d.message,
        Location {
            file: file.to_string(),
            line,
            column,
            end_line,
            end_column,
            span: d.span,
        },
        d.fix,
    )
}

/// Applies the fixes of `findings` that do not overlap each other; returns the new text and how
/// many fixes were applied. Callers re-check and repeat to reach a fixed point.
pub fn apply_fixes(text: &str, findings: &[Finding]) -> (String, usize) {
    let mut fixes: Vec<&dockguard_core::Fix> =
        findings.iter().filter_map(|f| f.fix.as_ref()).collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min().unwrap_or(0));
    let mut taken: Vec<&dockguard_core::Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.span.start < t.span.end.max(t.span.start + 1)
                    && t.span.start < e.span.end.max(e.span.start + 1)
            })
        });
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        if overlaps || !in_bounds {
            continue;
        }
        taken.extend(fix.edits.iter());
        applied += 1;
    }
    taken.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in taken {
        out.replace_range(e.span.clone(), &e.replacement);
    }
    (out, applied)
}

/// Fixes a text to a fixed point (at most `max_passes` rounds); returns the text and the number
/// of fixes applied.
pub fn fix_all(file: &str, text: &str, config: &Config, max_passes: usize) -> (String, usize) {
    let mut current = text.to_string();
    let mut total = 0;
    for _ in 0..max_passes {
        let checked = check(file, None, &current, config);
        let (next, applied) = apply_fixes(&current, &checked.findings);
        if applied == 0 {
            break;
        }
        total += applied;
        current = next;
    }
    (current, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str, config: &Config) -> Vec<String> {
        check("Dockerfile", None, text, config)
            .findings
            .into_iter()
            .map(|f| format!("{}:{}", f.code, f.location.line))
            .collect()
    }

    #[test]
    fn suppressions_line_stage_global_and_hadolint() {
        let config = Config::default();
        let base = "FROM debian:12\nRUN apt-get install -y curl\nUSER app\n";
        assert!(
            codes(base, &config)
                .iter()
                .any(|c| c.starts_with("DF402:2"))
        );
        let ours = "FROM debian:12\n# dockguard ignore=DF402 -- vendored\nRUN apt-get install -y curl\nUSER app\n";
        assert!(!codes(ours, &config).iter().any(|c| c.starts_with("DF402")));
        let theirs =
            "FROM debian:12\n# hadolint ignore=DL3015\nRUN apt-get install -y curl\nUSER app\n";
        assert!(
            !codes(theirs, &config)
                .iter()
                .any(|c| c.starts_with("DF402"))
        );
        let global = "# hadolint global ignore=DL3015\nFROM debian:12\nRUN apt-get install -y curl\nUSER app\n";
        assert!(
            !codes(global, &config)
                .iter()
                .any(|c| c.starts_with("DF402"))
        );
        let stage = "FROM debian:12 AS a\nRUN apt-get install -y curl\n# dockguard stage ignore=DF402\nFROM debian:12\nRUN apt-get install -y curl\nUSER app\n";
        let got = codes(stage, &config);
        assert!(
            got.contains(&"DF402:2".to_string()) && !got.contains(&"DF402:5".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn unused_suppressions_are_reported() {
        let config = Config::default();
        let text = "FROM debian:12\n# dockguard ignore=DF402,DF200\nRUN apt-get install -y --no-install-recommends curl\nUSER app\n";
        let got = check("Dockerfile", None, text, &config).findings;
        let unused: Vec<&str> = got
            .iter()
            .filter(|f| f.code == "DF001")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            unused,
            [
                "suppression of DF402 is unused",
                "suppression of DF200 is unused"
            ]
        );
        let strict = Config {
            disable_ignore_pragmas: true,
            ..Config::default()
        };
        let text =
            "FROM debian:12\n# dockguard ignore=DF402\nRUN apt-get install -y curl\nUSER app\n";
        assert!(codes(text, &strict).iter().any(|c| c.starts_with("DF402")));
    }

    #[test]
    fn configuration_switches_and_overrides() {
        let mut config = Config::default();
        config.rule_choices.insert("DF402".into(), false);
        config
            .severity_overrides
            .insert("DF208".into(), dockguard_core::Severity::Critical);
        let found = check(
            "Dockerfile",
            None,
            "FROM debian:12\nRUN apt-get install -y curl\n",
            &config,
        )
        .findings;
        assert!(!found.iter().any(|f| f.code == "DF402"));
        let root = found.iter().find(|f| f.code == "DF208").unwrap();
        assert_eq!(root.severity, dockguard_core::Severity::Critical);
        assert_eq!((root.location.line, root.location.column), (1, 1));
        assert!(root.remediation.is_some());
    }

    #[test]
    fn fixes_reach_a_fixed_point_with_fewer_findings() {
        let config = Config::default();
        let text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCMD nginx -g daemon\nUSER app\n";
        let before = check("Dockerfile", None, text, &config).findings.len();
        let (fixed, applied) = fix_all("Dockerfile", text, &config, 10);
        assert!(applied >= 2, "{fixed}");
        let after = check("Dockerfile", None, &fixed, &config);
        assert!(after.model.df.errors.is_empty());
        assert!(after.findings.len() < before);
        assert!(fixed.contains("install --no-install-recommends -y curl"));
        assert!(fixed.contains("CMD [\"nginx\", \"-g\", \"daemon\"]"));
    }
}
