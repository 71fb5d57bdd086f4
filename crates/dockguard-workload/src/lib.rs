//! Workload configuration analysis: one [`model::ContainerSettings`] filled from Docker Compose
//! files, Kubernetes manifests, `docker run` lines in scripts, and Engine inspect JSON, and one
//! rule set that runs on it whatever the source.

pub mod check;
pub mod locate;
pub mod model;
pub mod rules;
pub mod seccomp;
pub mod sources;
pub mod yaml;

pub use check::{FileKind, HostFacts, LoadError, check, load};
pub use model::{ContainerSettings, Workload};
