//! The single table of Dockerfile rules, in code order.

use super::Rule;
use super::*;

pub static RULES: &[&dyn Rule] = &[
    &df000_syntax_error::SyntaxError,
    &df001_unused_suppression::UnusedSuppression,
    // region DF0xx (batch C)
    // endregion DF0xx
    &df100_base_image_latest::BaseImageLatest,
    &df101_base_image_untagged::BaseImageUntagged,
    // region DF1xx (batch A)
    // endregion DF1xx
    &df200_final_stage_root::FinalStageRoot,
    // region DF2xx (batch D)
    // endregion DF2xx
    &df300_secret_arg_env_name::SecretArgEnvName,
    // region DF3xx (batch D)
    // endregion DF3xx
    // region DF4xx (batch B)
    &df402_apt_no_install_recommends::AptNoInstallRecommends,
    // endregion DF4xx
    &df500_json_cmd_entrypoint::JsonCmdEntrypoint,
    // region DF5xx (batch C)
    // endregion DF5xx
    // region DF6xx (batch A)
    // endregion DF6xx
    // region DF7xx (batch D)
    // endregion DF7xx
];

/// Finds a rule by code (case-insensitive).
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_sorted() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in RULES {
            let m = r.meta();
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.code.len() == 5 && m.code.starts_with("DF"), "{}", m.code);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                m.name
            );
        }
        let listed: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        assert_eq!(listed, sorted, "keep RULES in code order");
    }

    #[test]
    fn every_rule_file_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if let Some(code) = name.strip_prefix("df").and_then(|n| n.get(..3)) {
                let code = format!("DF{code}");
                assert!(by_code(&code).is_some(), "{name} is not in RULES");
            }
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for r in RULES {
            let m = r.meta();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(m.doc.contains(section), "{} lacks `{section}`", m.code);
            }
            assert!(!m.references.is_empty(), "{} has no references", m.code);
            assert!(m.remediation().is_some(), "{}", m.code);
        }
    }
}
