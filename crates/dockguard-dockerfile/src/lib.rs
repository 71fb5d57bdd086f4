//! Dockerfile analysis for dockguard: a BuildKit-compatible parser, a semantic model (stages,
//! ARG/ENV scoping and expansion, parsed RUN scripts) and the Dockerfile rules.

pub mod check;
pub mod model;
pub mod rules;
pub mod suppress;
pub mod syntax;

pub use check::{Checked, apply_fixes, check, fix_all};
