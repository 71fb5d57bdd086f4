//! Dockerfile analysis for dockguard: a BuildKit-compatible parser, a semantic model (stages,
//! ARG/ENV scoping and expansion, parsed RUN scripts) and the Dockerfile rules.

pub mod check;
pub mod model;
pub mod rules;
pub mod suppress;
pub mod syntax;

pub use check::{Checked, Options, apply_fixes, check, check_with, fix_all};
pub mod shellcheck;
