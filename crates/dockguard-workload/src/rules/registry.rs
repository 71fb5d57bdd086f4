//! The single table of workload rules, in code order.

use super::Rule;
#[allow(unused_imports)]
use super::*;

pub static RULES: &[&dyn Rule] = &[
    // region WL1xx WL5xx (batch N)
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
    &wl500_sensitive_host_path_mounted::SensitiveHostPathMounted,
    &wl501_container_engine_socket_mounted::ContainerEngineSocketMounted,
    &wl502_kubernetes_host_path_volume::KubernetesHostPathVolume,
    &wl503_shared_mount_propagation::SharedMountPropagation,
    &wl504_host_device_exposed::HostDeviceExposed,
    &wl505_port_on_all_interfaces::PortOnAllInterfaces,
    &wl506_privileged_host_port::PrivilegedHostPort,
    &wl507_kubernetes_host_port::KubernetesHostPort,
    &wl508_ssh_port_published::SshPortPublished,
    // endregion
    // region WL2xx WL3xx WL4xx WL6xx (batch S)
    &wl200_runs_as_root::RunsAsRoot,
    &wl201_user_not_set::UserNotSet,
    &wl202_root_group::RootGroup,
    &wl203_privilege_escalation_allowed::PrivilegeEscalationAllowed,
    &wl210_host_user_namespace::HostUserNamespace,
    &wl300_secret_in_environment::SecretInEnvironment,
    &wl301_secret_as_environment_variable::SecretAsEnvironmentVariable,
    &wl302_secret_data_in_manifest::SecretDataInManifest,
    &wl303_service_account_token_automounted::ServiceAccountTokenAutomounted,
    &wl400_image_latest_or_untagged::ImageLatestOrUntagged,
    &wl401_image_not_digest_pinned::ImageNotDigestPinned,
    &wl402_untrusted_registry::UntrustedRegistry,
    &wl600_seccomp_unconfined::SeccompUnconfined,
    &wl601_seccomp_profile_not_set::SeccompProfileNotSet,
    &wl602_apparmor_unconfined::ApparmorUnconfined,
    &wl603_selinux_disabled_or_custom::SelinuxDisabledOrCustom,
    &wl604_writable_root_filesystem::WritableRootFilesystem,
    &wl605_unmasked_proc_paths::UnmaskedProcPaths,
    &wl606_no_healthcheck::NoHealthcheck,
    // endregion
];
