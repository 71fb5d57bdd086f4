//! The single table of bench checks, in CIS catalogue order (1.1.1 … 7.9, then the community
//! checks).

use super::Check;

pub static CHECKS: &[&Check] = &[];

pub fn by_id(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.id == id)
}
