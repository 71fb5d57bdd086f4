//! Workload rules: one file per rule, declared with `dockguard_dockerfile::declare_rule!` and
//! listed once in [`registry::RULES`]. Every rule is a function of [`crate::model`] values, so it
//! runs the same on compose, Kubernetes, `docker run` and live containers.
//!
//! Code ranges: `WL1xx` namespaces, privileges and cgroups (step 1), `WL2xx` users and user
//! namespaces (steps 4, 5), `WL3xx` secrets (step 10), `WL4xx` images (step 2), `WL5xx` host
//! mounts, devices and ports, `WL6xx` security profiles and hardening (step 7).

pub mod helpers;
pub mod registry;
#[cfg(test)]
pub mod testing;

// One module per rule, in code order within each region.
pub mod wl100_privileged_container;
pub mod wl101_dangerous_capability_added;
pub mod wl102_capabilities_not_dropped;
pub mod wl103_host_pid_namespace;
pub mod wl104_host_ipc_namespace;
pub mod wl105_host_network_namespace;
pub mod wl106_host_uts_namespace;
pub mod wl107_shared_container_namespace;
pub mod wl108_no_memory_limit;
pub mod wl109_no_cpu_limit;
pub mod wl110_no_pids_limit;
pub mod wl111_oom_killer_disabled;
pub mod wl112_host_cgroup_namespace;
pub mod wl113_custom_cgroup_parent;
pub mod wl114_unsafe_sysctl;
pub mod wl115_restart_without_retry_cap;
pub mod wl200_runs_as_root;
pub mod wl201_user_not_set;
pub mod wl202_root_group;
pub mod wl203_privilege_escalation_allowed;
pub mod wl210_host_user_namespace;
pub mod wl300_secret_in_environment;
pub mod wl301_secret_as_environment_variable;
pub mod wl302_secret_data_in_manifest;
pub mod wl303_service_account_token_automounted;
pub mod wl304_secret_in_config;
pub mod wl400_image_latest_or_untagged;
pub mod wl401_image_not_digest_pinned;
pub mod wl402_untrusted_registry;
pub mod wl500_sensitive_host_path_mounted;
pub mod wl501_container_engine_socket_mounted;
pub mod wl502_kubernetes_host_path_volume;
pub mod wl503_shared_mount_propagation;
pub mod wl504_host_device_exposed;
pub mod wl505_port_on_all_interfaces;
pub mod wl506_privileged_host_port;
pub mod wl507_kubernetes_host_port;
pub mod wl508_ssh_port_published;
pub mod wl600_seccomp_unconfined;
pub mod wl601_seccomp_profile_not_set;
pub mod wl602_apparmor_unconfined;
pub mod wl603_selinux_disabled_or_custom;
pub mod wl604_writable_root_filesystem;
pub mod wl605_unmasked_proc_paths;
pub mod wl606_no_healthcheck;

use crate::check::HostFacts;
use crate::model::{ContainerSettings, Workload};
use dockguard_core::{Config, Location, RuleMeta};

/// One problem a rule found, before it becomes a [`dockguard_core::Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub loc: Location,
    pub message: String,
}

impl Diagnostic {
    pub fn new(loc: &Location, message: impl Into<String>) -> Self {
        Diagnostic {
            loc: loc.clone(),
            message: message.into(),
        }
    }
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub workload: &'a Workload,
    pub config: &'a Config,
    /// Facts about the Docker host, when known (live containers).
    pub host: Option<&'a HostFacts>,
}

impl<'a> Ctx<'a> {
    pub fn containers(&self) -> impl Iterator<Item = &'a ContainerSettings> {
        self.workload.containers.iter()
    }
}

/// A workload rule.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>);
}

/// `what` for messages: "service `web`", "container `app` of Deployment/web".
pub fn subject(c: &ContainerSettings) -> String {
    match c.source {
        crate::model::SourceKind::Compose => format!("service `{}`", c.name),
        crate::model::SourceKind::Kubernetes => format!("container {}", c.name),
        crate::model::SourceKind::DockerRun => format!("`docker run` of {}", c.name),
        crate::model::SourceKind::Engine => format!("container `{}`", c.name),
    }
}
