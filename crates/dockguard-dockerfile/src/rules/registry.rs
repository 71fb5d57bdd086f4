//! The single table of Dockerfile rules, in code order.

use super::Rule;
use super::*;

pub static RULES: &[&dyn Rule] = &[
    &df000_syntax_error::SyntaxError,
    &df001_unused_suppression::UnusedSuppression,
    // region DF0xx (batch C)
    &df002_unknown_flag::UnknownFlag,
    &df003_empty_continuation_line::EmptyContinuationLine,
    &df004_invalid_json_run::InvalidJsonRun,
    &df005_inconsistent_instruction_casing::InconsistentInstructionCasing,
    &df006_from_as_casing::FromAsCasing,
    &df007_stage_name_casing::StageNameCasing,
    &df008_legacy_env_format::LegacyEnvFormat,
    &df009_maintainer_deprecated::MaintainerDeprecated,
    // endregion DF0xx
    &df100_base_image_latest::BaseImageLatest,
    &df101_base_image_untagged::BaseImageUntagged,
    // region DF1xx (batch A)
    &df102_base_image_not_digest_pinned::BaseImageNotDigestPinned,
    &df103_untrusted_registry::UntrustedRegistry,
    &df104_from_platform_constant::FromPlatformConstant,
    &df105_redundant_target_platform::RedundantTargetPlatform,
    &df106_undefined_arg_in_from::UndefinedArgInFrom,
    &df107_invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    // endregion DF1xx
    &df200_final_stage_root::FinalStageRoot,
    // region DF2xx (batch D)
    &df201_sudo_used::SudoUsed,
    &df202_world_writable_permissions::WorldWritablePermissions,
    &df203_useradd_without_l::UseraddWithoutL,
    &df204_user_not_numeric::UserNotNumeric,
    &df205_chpasswd_used::ChpasswdUsed,
    &df206_run_security_insecure::RunSecurityInsecure,
    &df207_run_network_host::RunNetworkHost,
    &df208_final_stage_no_user::FinalStageNoUser,
    // endregion DF2xx
    &df300_secret_arg_env_name::SecretArgEnvName,
    // region DF3xx (batch D)
    &df301_secret_value_in_arg_env::SecretValueInArgEnv,
    &df302_secret_file_copied::SecretFileCopied,
    &df303_secret_arg_used_in_run::SecretArgUsedInRun,
    &df304_secret_in_run_command::SecretInRunCommand,
    // endregion DF3xx
    // region DF4xx (batch B)
    &df400_apt_get_version_not_pinned::AptGetVersionNotPinned,
    &df401_apt_get_missing_yes::AptGetMissingYes,
    &df402_apt_no_install_recommends::AptNoInstallRecommends,
    &df403_apt_lists_not_removed::AptListsNotRemoved,
    &df404_apt_instead_of_apt_get::AptInsteadOfAptGet,
    &df405_apt_get_upgrade::AptGetUpgrade,
    &df406_package_update_alone::PackageUpdateAlone,
    &df407_pip_version_not_pinned::PipVersionNotPinned,
    &df408_pip_no_cache_dir::PipNoCacheDir,
    &df409_npm_version_not_pinned::NpmVersionNotPinned,
    &df410_apk_version_not_pinned::ApkVersionNotPinned,
    &df411_apk_no_cache::ApkNoCache,
    &df412_gem_version_not_pinned::GemVersionNotPinned,
    &df413_yum_missing_yes::YumMissingYes,
    &df414_yum_clean_missing::YumCleanMissing,
    &df415_yum_version_not_pinned::YumVersionNotPinned,
    &df416_zypper_missing_yes::ZypperMissingYes,
    &df417_zypper_dist_upgrade::ZypperDistUpgrade,
    &df418_zypper_clean_missing::ZypperCleanMissing,
    &df419_zypper_version_not_pinned::ZypperVersionNotPinned,
    &df420_dnf_missing_yes::DnfMissingYes,
    &df421_dnf_clean_missing::DnfCleanMissing,
    &df422_dnf_version_not_pinned::DnfVersionNotPinned,
    &df423_yarn_cache_not_cleaned::YarnCacheNotCleaned,
    &df424_go_install_without_version::GoInstallWithoutVersion,
    // endregion DF4xx
    &df500_json_cmd_entrypoint::JsonCmdEntrypoint,
    // region DF5xx (batch C)
    &df501_workdir_relative::WorkdirRelative,
    &df502_copy_dest_not_directory::CopyDestNotDirectory,
    &df503_copy_from_unknown_stage::CopyFromUnknownStage,
    &df504_copy_from_own_stage::CopyFromOwnStage,
    &df505_duplicate_stage_name::DuplicateStageName,
    &df506_expose_invalid_port::ExposeInvalidPort,
    &df507_expose_proto_casing::ExposeProtoCasing,
    &df508_multiple_healthcheck::MultipleHealthcheck,
    &df509_multiple_cmd::MultipleCmd,
    &df510_multiple_entrypoint::MultipleEntrypoint,
    &df512_env_self_reference::EnvSelfReference,
    &df513_copy_relative_dest_without_workdir::CopyRelativeDestWithoutWorkdir,
    &df514_invalid_label_key::InvalidLabelKey,
    &df515_required_label_missing::RequiredLabelMissing,
    &df516_label_value_format::LabelValueFormat,
    &df517_reserved_stage_name::ReservedStageName,
    &df518_copy_entire_stage_root::CopyEntireStageRoot,
    &df519_undefined_variable::UndefinedVariable,
    &df520_add_instead_of_copy::AddInsteadOfCopy,
    &df521_healthcheck_missing::HealthcheckMissing,
    &df522_workdir_system_dir::WorkdirSystemDir,
    // endregion DF5xx
    // region DF6xx (batch A)
    &df600_pipe_to_shell::PipeToShell,
    &df601_add_url_without_checksum::AddUrlWithoutChecksum,
    &df602_curl_insecure::CurlInsecure,
    &df603_wget_no_check_certificate::WgetNoCheckCertificate,
    &df604_pip_trusted_host::PipTrustedHost,
    &df605_python_https_verify_disabled::PythonHttpsVerifyDisabled,
    &df606_node_tls_reject_unauthorized::NodeTlsRejectUnauthorized,
    &df607_apk_allow_untrusted::ApkAllowUntrusted,
    &df608_apt_allow_unauthenticated::AptAllowUnauthenticated,
    &df609_apt_force_yes::AptForceYes,
    &df610_package_gpg_check_disabled::PackageGpgCheckDisabled,
    &df611_rpm_signature_check_disabled::RpmSignatureCheckDisabled,
    &df612_npm_strict_ssl_disabled::NpmStrictSslDisabled,
    &df613_git_ssl_verify_disabled::GitSslVerifyDisabled,
    &df614_yum_sslverify_disabled::YumSslverifyDisabled,
    // endregion DF6xx
    // region DF7xx (batch D)
    &df700_ssh_exposed_or_installed::SshExposedOrInstalled,
    &df701_pipefail_missing::PipefailMissing,
    &df702_cd_instead_of_workdir::CdInsteadOfWorkdir,
    &df703_pointless_command::PointlessCommand,
    &df704_wget_and_curl::WgetAndCurl,
    &df705_ln_bin_sh::LnBinSh,
    &df706_wget_without_progress::WgetWithoutProgress,
    &df707_consecutive_run::ConsecutiveRun,
    &df708_static_binary_on_full_os::StaticBinaryOnFullOs,
    &df709_archive_copied_then_extracted::ArchiveCopiedThenExtracted,
    &df710_volume_sensitive_path::VolumeSensitivePath,
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
