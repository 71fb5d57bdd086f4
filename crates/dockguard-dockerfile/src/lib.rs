//! Dockerfile analysis for dockguard: a BuildKit-compatible parser, a semantic model (stages,
//! ARG/ENV scoping and expansion, parsed RUN scripts) and the Dockerfile rules.

pub mod model;
pub mod rules;
pub mod syntax;
