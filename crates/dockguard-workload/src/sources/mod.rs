//! Adapters that fill [`crate::model::ContainerSettings`] from each kind of source.

pub mod common;
pub mod compose;
pub mod docker_run;
pub mod engine;
pub mod kubernetes;
pub mod scripts;
