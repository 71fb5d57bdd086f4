//! The single table of workload rules, in code order.

use super::Rule;
#[allow(unused_imports)]
use super::*;

pub static RULES: &[&dyn Rule] = &[
    // region WL1xx WL5xx (batch N)
    // endregion
    // region WL2xx WL3xx WL4xx WL6xx (batch S)
    // endregion
];
