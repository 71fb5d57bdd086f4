//! Shared types for every dockguard analyser: findings, the ten steps, severities, rule metadata,
//! source positions and the merged configuration.
//!
//! Library crates never print; they return these values and the CLI decides how to show them.

pub mod config;
pub mod finding;
pub mod position;
pub mod rule;
pub mod step;
pub mod time;

pub use config::{Config, ConfigError};
pub use finding::{Edit, Finding, Fix, Location, RefKind, Reference, Severity};
pub use position::LineIndex;
pub use rule::RuleMeta;
pub use step::Step;
