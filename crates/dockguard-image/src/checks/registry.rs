//! The single table of image rules, in code order.

use super::Rule;
use super::*;

pub static RULES: &[&dyn Rule] = &[
    // region: trust (IM1xx)
    &im100_base_image_unidentified::BaseImageUnidentified,
    &im101_base_image_not_pinned::BaseImageNotPinned,
    &im102_image_from_untrusted_registry::ImageFromUntrustedRegistry,
    &im103_relies_on_docker_content_trust::ReliesOnDockerContentTrust,
    // endregion
    &im200_image_runs_as_root::ImageRunsAsRoot,
    &im201_no_healthcheck::NoHealthcheck,
    &im300_secret_in_image_env::SecretInImageEnv,
    &im301_secret_in_layer_file::SecretInLayerFile,
    &im500_ssh_port_exposed::SshPortExposed,
    &im501_volume_on_system_path::VolumeOnSystemPath,
    &im700_setuid_setgid_file::SetuidSetgidFile,
    &im701_world_writable_without_sticky::WorldWritableWithoutSticky,
    // region: accounts and leftovers (IM702…)
    &im702_empty_password_account::EmptyPasswordAccount,
    &im703_duplicate_uid_gid::DuplicateUidGid,
    &im704_credential_file_left_in_image::CredentialFileLeftInImage,
    &im705_build_files_left_in_image::BuildFilesLeftInImage,
    // endregion
    // region: minimality (IM9xx)
    &im900_shell_in_final_image::ShellInFinalImage,
    &im901_package_manager_in_final_image::PackageManagerInFinalImage,
    &im902_full_os_for_static_binary::FullOsForStaticBinary,
    &im903_wasted_layer_bytes::WastedLayerBytes,
    // endregion
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
        let problems =
            dockguard_core::rule::registry_problems(RULES.iter().map(|r| r.meta()), "IM");
        assert!(problems.is_empty(), "{problems:#?}");
        for rule in RULES {
            assert!(by_code(rule.meta().code).is_some());
        }
    }
}
