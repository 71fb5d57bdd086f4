//! The single table of image rules, in code order.

use super::Rule;
use super::*;

pub static RULES: &[&dyn Rule] = &[
    &im200_image_runs_as_root::ImageRunsAsRoot,
    &im201_no_healthcheck::NoHealthcheck,
    &im300_secret_in_image_env::SecretInImageEnv,
    &im301_secret_in_layer_file::SecretInLayerFile,
    &im500_ssh_port_exposed::SshPortExposed,
    &im501_volume_on_system_path::VolumeOnSystemPath,
    &im700_setuid_setgid_file::SetuidSetgidFile,
    &im701_world_writable_without_sticky::WorldWritableWithoutSticky,
];

pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ordered_and_documented() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "RULES must be in code order, each code once");
        for rule in RULES {
            let m = rule.meta();
            assert!(m.code.starts_with("IM") && m.code.len() == 5, "{}", m.code);
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(m.doc.contains(section), "{}: doc lacks {section}", m.code);
            }
            assert!(!m.references.is_empty(), "{}: no references", m.code);
            assert!(by_code(m.code).is_some());
        }
    }
}
