//! The host bench (`dockguard bench`): the CIS Docker Benchmark v1.6.0 checks as
//! docker-bench-security numbers them, evaluated on data fetched once — an [`snapshot::Snapshot`]
//! of the engine (info, version, every container with its inspect JSON, images, networks, swarm)
//! and [`facts::HostFacts`] read from the host (daemon.json, the dockerd command line, systemd
//! units, file owners and modes, audit rules, mounts, groups) — with no `docker` subprocess and
//! no `docker exec`. Container checks (CIS 4.1 and section 5) run the workload rules on the
//! containers' settings, so a setting means the same here as in a compose file.
//!
//! Nothing here prints: [`run`] returns a [`result::BenchReport`]; the CLI renders it.

pub mod checks;
pub mod facts;
pub mod result;
pub mod snapshot;

pub use checks::{Check, Ctx, Outcome};
pub use result::{BenchReport, CheckResult, Verdict};

/// Which checks run and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Check ids or section prefixes to run (`2`, `5.4`, `1.1`); empty = all.
    pub include: Vec<String>,
    /// Check ids or section prefixes to skip.
    pub exclude: Vec<String>,
    /// Users trusted to be in the `docker` group (CIS 1.1.2); empty = report the members (INFO).
    pub trusted_users: Vec<String>,
}

impl Options {
    /// Whether check `id` is selected: included (or no include list) and not excluded. A
    /// prefix selects the section: `1.1` selects `1.1.3` but not `1.10`.
    pub fn selects(&self, id: &str) -> bool {
        let matches = |pattern: &String| {
            let pattern = pattern.trim_end_matches('.');
            id == pattern || id.starts_with(&format!("{pattern}."))
        };
        (self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }
}

/// Evaluates every selected check, in catalogue order.
pub fn run(
    snapshot: &snapshot::Snapshot,
    facts: &facts::HostFacts,
    config: &dockguard_core::Config,
    options: &Options,
) -> BenchReport {
    let ctx = Ctx {
        snapshot,
        facts,
        config,
        options,
    };
    let mut results = Vec::new();
    for check in checks::registry::CHECKS {
        if !options.selects(check.id) {
            continue;
        }
        let outcome = (check.eval)(&ctx);
        results.push(CheckResult::new(check, outcome));
    }
    BenchReport::new(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_by_id_and_section() {
        let options = Options {
            include: vec!["1.1".into(), "5".into()],
            exclude: vec!["5.7".into()],
            ..Options::default()
        };
        assert!(options.selects("1.1.3"));
        assert!(!options.selects("1.10"));
        assert!(!options.selects("1.2.1"));
        assert!(options.selects("5.4"));
        assert!(!options.selects("5.7"));
        assert!(Options::default().selects("7.1"));
    }
}
