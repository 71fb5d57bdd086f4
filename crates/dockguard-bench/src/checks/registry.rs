//! The single table of bench checks, in CIS catalogue order (1.1.1 … 7.9, then the community
//! checks).

use super::Check;
#[allow(unused_imports)]
use super::*;

pub static CHECKS: &[&Check] = &[
    // region sections 1 and 3 (batch H)
    // endregion
    // region section 2 (batch D)
    // endregion
    // region sections 4, 5, 6, 7 and community (batch C)
    // endregion
];

pub fn by_id(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.id == id)
}
