//! Adapters that fill [`crate::model::ContainerSettings`] from each kind of source.

pub mod common;
pub mod compose;
pub mod kubernetes;
