//! Runs the SC1xx rules on a parsed profile.

use crate::profile::SeccompProfile;
use crate::rules::{Hit, RULES};
use dockguard_core::{Config, Finding, RuleMeta};

/// The rules' metadata, in code order (for `dockguard rules` / `explain`).
pub fn rule_metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).collect()
}

/// The findings of every enabled rule, ordered by position then code. Invalid JSON or a wrong
/// shape never gets here: [`crate::parse_file`] returns it as a `file:line:col` error.
pub fn lint(profile: &SeccompProfile, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        if !config.is_enabled(meta.code, meta.default_enabled) {
            continue;
        }
        let mut hits: Vec<Hit> = Vec::new();
        rule.check(profile, &mut hits);
        findings.extend(
            hits.into_iter()
                .map(|h| meta.finding(config, h.message, profile.location(h.span), None)),
        );
    }
    findings
        .sort_by(|a, b| (a.location.span.start, &a.code).cmp(&(b.location.span.start, &b.code)));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::parse_file;
    use std::collections::BTreeSet;

    #[test]
    fn docker_default_has_no_findings() {
        // The shared copy too, when it is there (it is what the crate's data/ copy came from).
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/schemas/seccomp/default.json");
        if shared.exists() {
            let p = parse_file(&shared).unwrap();
            assert_eq!(
                p.source,
                crate::DOCKER_DEFAULT,
                "data/default.json is out of date"
            );
        }
        let findings = lint(crate::docker_default(), &Config::default());
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn every_rule_fires_on_the_fixtures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut codes = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let p = parse_file(&path).unwrap();
                for f in lint(&p, &Config::default()) {
                    assert!(f.location.file.ends_with(".json"));
                    assert!(f.location.line >= 1);
                    codes.insert(f.code.to_string());
                }
            }
        }
        let all: BTreeSet<String> = rule_metas().iter().map(|m| m.code.to_string()).collect();
        assert_eq!(codes, all);
    }

    #[test]
    fn findings_carry_rule_metadata_and_respect_config() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let p = parse_file(&dir.join("allow-by-default.json")).unwrap();
        let findings = lint(&p, &Config::default());
        let sc100 = findings.iter().find(|f| f.code == "SC100").unwrap();
        assert_eq!(sc100.step, dockguard_core::Step::RuntimeDefence);
        assert_eq!((sc100.location.line, sc100.location.column), (2, 3));
        assert!(
            sc100
                .remediation
                .as_deref()
                .unwrap()
                .contains("SCMP_ACT_ERRNO")
        );
        let mut config = Config::default();
        config.rule_choices.insert("SC100".into(), false);
        assert!(lint(&p, &config).iter().all(|f| f.code != "SC100"));
    }
}
