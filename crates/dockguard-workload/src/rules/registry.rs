//! The single table of workload rules, in code order.

use super::Rule;

pub static RULES: &[&dyn Rule] = &[];
