//! Custom seccomp profiles (step 7, runtime defence): a bounded parser for Docker/OCI seccomp
//! profile JSON that keeps source positions ([`profile`]), lint rules SC100–SC106
//! ([`lint`], [`rules`]), and the effective allowed-syscall set of a profile with diffs
//! against another profile or Docker's default ([`diff`]).

pub mod dangerous;
pub mod diff;
pub mod generate;
pub mod lint;
pub mod names;
pub mod profile;
pub mod record;
pub mod rules;

pub use diff::{Context, SetDiff, compare, diff, effective};
pub use lint::{lint, rule_metas};
pub use profile::{ParseError, SeccompProfile, parse_file, parse_str};

use std::sync::OnceLock;

/// Docker's default seccomp profile (moby/profiles, Apache-2.0), as shipped in `data/`.
pub const DOCKER_DEFAULT: &str = include_str!("../data/default.json");

/// Docker's default profile, parsed once.
pub fn docker_default() -> &'static SeccompProfile {
    static PARSED: OnceLock<SeccompProfile> = OnceLock::new();
    PARSED.get_or_init(|| {
        parse_str("docker-default.json", DOCKER_DEFAULT)
            .expect("the embedded Docker default profile parses")
    })
}
