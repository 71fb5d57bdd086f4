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
pub mod render;
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
    let ctx = Ctx::new(snapshot, facts, config, options);
    let mut selected: Vec<&'static Check> = checks::registry::CHECKS
        .iter()
        .copied()
        .filter(|c| options.selects(c.id) && config.is_enabled(c.meta.code, c.meta.default_enabled))
        .collect();
    selected.sort_by_key(|c| catalogue_order(c.id));
    let results = selected
        .into_iter()
        .map(|check| CheckResult::new(check, (check.eval)(&ctx)))
        .collect();
    BenchReport::new(results)
}

/// Sort key of a CIS id: numeric parts in order (`1.1.10` after `1.1.9`); community checks
/// (`C.5.3.1`) after section 7.
pub fn catalogue_order(id: &str) -> Vec<u32> {
    id.split('.')
        .map(|part| {
            if part == "C" {
                99
            } else {
                part.parse().unwrap_or(u32::MAX)
            }
        })
        .collect()
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

    #[test]
    fn catalogue_order_is_numeric() {
        let mut ids = vec!["3.1", "1.1.10", "C.5.3.1", "2.2", "1.1.9", "7.1", "2.10"];
        ids.sort_by_key(|id| catalogue_order(id));
        assert_eq!(
            ids,
            ["1.1.9", "1.1.10", "2.2", "2.10", "3.1", "7.1", "C.5.3.1"]
        );
    }
}
