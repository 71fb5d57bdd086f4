//! Vulnerability matching (step 6): OSV advisories against the package inventory, with each
//! ecosystem's own version ordering ([`version`]), kept in a local store ([`store`]).

pub mod ecosystem;
pub mod formats;
pub mod ignore;
pub mod matcher;
pub mod osv;
pub mod range;
pub mod rule;
pub mod severity;
pub mod store;
pub mod update;
pub mod version;
pub mod vex;
