//! The single table of workload rules, in code order.

use super::Rule;
use super::*;

pub static RULES: &[&dyn Rule] = &[
    &wl100_privileged_container::PrivilegedContainer,
    &wl101_dangerous_capability_added::DangerousCapabilityAdded,
    &wl102_capabilities_not_dropped::CapabilitiesNotDropped,
    &wl103_host_pid_namespace::HostPidNamespace,
    &wl104_host_ipc_namespace::HostIpcNamespace,
    &wl105_host_network_namespace::HostNetworkNamespace,
    &wl106_host_uts_namespace::HostUtsNamespace,
    &wl107_shared_container_namespace::SharedContainerNamespace,
    &wl108_no_memory_limit::NoMemoryLimit,
    &wl109_no_cpu_limit::NoCpuLimit,
    &wl110_no_pids_limit::NoPidsLimit,
    &wl111_oom_killer_disabled::OomKillerDisabled,
    &wl112_host_cgroup_namespace::HostCgroupNamespace,
    &wl113_custom_cgroup_parent::CustomCgroupParent,
    &wl114_unsafe_sysctl::UnsafeSysctl,
    &wl115_restart_without_retry_cap::RestartWithoutRetryCap,
    &wl200_runs_as_root::RunsAsRoot,
    &wl201_user_not_set::UserNotSet,
    &wl202_root_group::RootGroup,
    &wl203_privilege_escalation_allowed::PrivilegeEscalationAllowed,
    &wl210_host_user_namespace::HostUserNamespace,
    &wl300_secret_in_environment::SecretInEnvironment,
    &wl301_secret_as_environment_variable::SecretAsEnvironmentVariable,
    &wl302_secret_data_in_manifest::SecretDataInManifest,
    &wl303_service_account_token_automounted::ServiceAccountTokenAutomounted,
    &wl304_secret_in_config::SecretInConfig,
    &wl400_image_latest_or_untagged::ImageLatestOrUntagged,
    &wl401_image_not_digest_pinned::ImageNotDigestPinned,
    &wl402_untrusted_registry::UntrustedRegistry,
    &wl500_sensitive_host_path_mounted::SensitiveHostPathMounted,
    &wl501_container_engine_socket_mounted::ContainerEngineSocketMounted,
    &wl502_kubernetes_host_path_volume::KubernetesHostPathVolume,
    &wl503_shared_mount_propagation::SharedMountPropagation,
    &wl504_host_device_exposed::HostDeviceExposed,
    &wl505_port_on_all_interfaces::PortOnAllInterfaces,
    &wl506_privileged_host_port::PrivilegedHostPort,
    &wl507_kubernetes_host_port::KubernetesHostPort,
    &wl508_ssh_port_published::SshPortPublished,
    &wl600_seccomp_unconfined::SeccompUnconfined,
    &wl601_seccomp_profile_not_set::SeccompProfileNotSet,
    &wl602_apparmor_unconfined::ApparmorUnconfined,
    &wl603_selinux_disabled_or_custom::SelinuxDisabledOrCustom,
    &wl604_writable_root_filesystem::WritableRootFilesystem,
    &wl605_unmasked_proc_paths::UnmaskedProcPaths,
    &wl606_no_healthcheck::NoHealthcheck,
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
            dockguard_core::rule::registry_problems(RULES.iter().map(|r| r.meta()), "WL");
        assert!(problems.is_empty(), "{problems:#?}");
        for rule in RULES {
            assert!(by_code(rule.meta().code).is_some());
        }
    }
}
