//! The semantic model of a Dockerfile: stages, ARG/ENV scopes, expanded values, parsed scripts.

pub mod expand;
pub mod shell;
