//! Dockerfile rules: one file per rule, each declared with [`declare_rule!`] and listed once in
//! [`registry::RULES`].
//!
//! Code ranges: `DF0xx` file and syntax, `DF1xx` base images and provenance, `DF2xx` users and
//! permissions, `DF3xx` secrets, `DF4xx` package managers, `DF5xx` instruction correctness,
//! `DF6xx` downloads and TLS verification, `DF7xx` image minimality and runtime behaviour.

pub mod hadolint_compat;
pub mod helpers;
pub mod registry;

use crate::model::{Command, Model};
use crate::syntax::{Instruction, Span};
use dockguard_core::{Config, Edit, Fix, RuleMeta};

/// One problem a rule found, before it becomes a [`dockguard_core::Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, description: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix {
            description: description.into(),
            edits,
        });
        self
    }
}

/// What a rule sees: the model of one file and the configuration.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
}

impl<'a> Ctx<'a> {
    pub fn text(&self) -> &'a str {
        &self.model.df.text
    }

    /// Top-level instructions with their indices.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> {
        self.model.df.instructions.iter().enumerate()
    }

    /// Instructions as they run: ONBUILD triggers are replaced by the instruction they wrap.
    pub fn effective_instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> {
        self.instructions().map(|(i, inst)| (i, inst.effective()))
    }

    /// Every command of every RUN (ONBUILD RUN included), with the instruction index.
    pub fn commands(&self) -> impl Iterator<Item = (usize, &'a Command)> {
        self.model.all_commands()
    }
}

/// A Dockerfile rule.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>);
}

/// Declares a rule struct and its `META` from a doc comment and a field list. The doc comment
/// is the rule's documentation (What it does / Why is this bad? / Example / Fix).
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            step: $step:ident,
            severity: $sev:ident,
            summary: $summary:literal,
            references: [$($rk:ident $rid:literal),* $(,)?],
            $(fixable: $fixable:literal,)?
            $(default_enabled: $enabled:literal,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;
        impl $name {
            pub const META: dockguard_core::RuleMeta = dockguard_core::RuleMeta {
                code: $code,
                name: $rname,
                step: dockguard_core::Step::$step,
                severity: dockguard_core::Severity::$sev,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                references: &[$(dockguard_core::Reference::new(dockguard_core::RefKind::$rk, $rid)),*],
                fixable: false $(|| $fixable)?,
                default_enabled: true $(&& $enabled)?,
            };
        }
    };
}

// One module per rule, in code order within each region.
pub mod df000_syntax_error;
pub mod df001_unused_suppression;
// region DF0xx (batch C)
pub mod common_c;
pub mod df002_unknown_flag;
pub mod df003_empty_continuation_line;
pub mod df004_invalid_json_run;
pub mod df005_inconsistent_instruction_casing;
pub mod df006_from_as_casing;
pub mod df007_stage_name_casing;
pub mod df008_legacy_env_format;
pub mod df009_maintainer_deprecated;
// endregion DF0xx
pub mod df100_base_image_latest;
pub mod df101_base_image_untagged;
// region DF1xx (batch A)
pub mod common_a;
pub mod df102_base_image_not_digest_pinned;
pub mod df103_untrusted_registry;
pub mod df104_from_platform_constant;
pub mod df105_redundant_target_platform;
pub mod df106_undefined_arg_in_from;
pub mod df107_invalid_default_arg_in_from;
// endregion DF1xx
pub mod df200_final_stage_root;
// region DF2xx (batch D)
pub mod common_d;
pub mod df201_sudo_used;
pub mod df202_world_writable_permissions;
pub mod df203_useradd_without_l;
pub mod df204_user_not_numeric;
pub mod df205_chpasswd_used;
pub mod df206_run_security_insecure;
pub mod df207_run_network_host;
pub mod df208_final_stage_no_user;
// endregion DF2xx
pub mod df300_secret_arg_env_name;
// region DF3xx (batch D)
pub mod df301_secret_value_in_arg_env;
pub mod df302_secret_file_copied;
pub mod df303_secret_arg_used_in_run;
pub mod df304_secret_in_run_command;
// endregion DF3xx
// region DF4xx (batch B)
pub mod common_b;
pub mod df400_apt_get_version_not_pinned;
pub mod df401_apt_get_missing_yes;
pub mod df402_apt_no_install_recommends;
pub mod df403_apt_lists_not_removed;
pub mod df404_apt_instead_of_apt_get;
pub mod df405_apt_get_upgrade;
pub mod df406_package_update_alone;
pub mod df407_pip_version_not_pinned;
pub mod df408_pip_no_cache_dir;
pub mod df409_npm_version_not_pinned;
pub mod df410_apk_version_not_pinned;
pub mod df411_apk_no_cache;
pub mod df412_gem_version_not_pinned;
pub mod df413_yum_missing_yes;
pub mod df414_yum_clean_missing;
pub mod df415_yum_version_not_pinned;
pub mod df416_zypper_missing_yes;
pub mod df417_zypper_dist_upgrade;
pub mod df418_zypper_clean_missing;
pub mod df419_zypper_version_not_pinned;
pub mod df420_dnf_missing_yes;
pub mod df421_dnf_clean_missing;
pub mod df422_dnf_version_not_pinned;
pub mod df423_yarn_cache_not_cleaned;
pub mod df424_go_install_without_version;
// endregion DF4xx
pub mod df500_json_cmd_entrypoint;
// region DF5xx (batch C)
pub mod df501_workdir_relative;
pub mod df502_copy_dest_not_directory;
pub mod df503_copy_from_unknown_stage;
pub mod df504_copy_from_own_stage;
pub mod df505_duplicate_stage_name;
pub mod df506_expose_invalid_port;
pub mod df507_expose_proto_casing;
pub mod df508_multiple_healthcheck;
pub mod df509_multiple_cmd;
pub mod df510_multiple_entrypoint;
pub mod df512_env_self_reference;
pub mod df513_copy_relative_dest_without_workdir;
pub mod df514_invalid_label_key;
pub mod df515_required_label_missing;
pub mod df516_label_value_format;
pub mod df517_reserved_stage_name;
pub mod df518_copy_entire_stage_root;
pub mod df519_undefined_variable;
pub mod df520_add_instead_of_copy;
pub mod df521_healthcheck_missing;
pub mod df522_workdir_system_dir;
// endregion DF5xx
// region DF6xx (batch A)
pub mod df600_pipe_to_shell;
pub mod df601_add_url_without_checksum;
pub mod df602_curl_insecure;
pub mod df603_wget_no_check_certificate;
pub mod df604_pip_trusted_host;
pub mod df605_python_https_verify_disabled;
pub mod df606_node_tls_reject_unauthorized;
pub mod df607_apk_allow_untrusted;
pub mod df608_apt_allow_unauthenticated;
pub mod df609_apt_force_yes;
pub mod df610_package_gpg_check_disabled;
pub mod df611_rpm_signature_check_disabled;
pub mod df612_npm_strict_ssl_disabled;
pub mod df613_git_ssl_verify_disabled;
pub mod df614_yum_sslverify_disabled;
// endregion DF6xx
// region DF7xx (batch D)
pub mod df700_ssh_exposed_or_installed;
pub mod df701_pipefail_missing;
pub mod df702_cd_instead_of_workdir;
pub mod df703_pointless_command;
pub mod df704_wget_and_curl;
pub mod df705_ln_bin_sh;
pub mod df706_wget_without_progress;
pub mod df707_consecutive_run;
pub mod df708_static_binary_on_full_os;
pub mod df709_archive_copied_then_extracted;
pub mod df710_volume_sensitive_path;
// endregion DF7xx

#[cfg(test)]
pub(crate) mod testing;
