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
// region WL1xx WL5xx (batch N)
// endregion
// region WL2xx WL3xx WL4xx WL6xx (batch S)
// endregion

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
