//! The checks: one [`Check`] per CIS id, listed once in [`registry::CHECKS`] in catalogue order.
//! A check is a function of the [`Ctx`] (engine snapshot, host facts, configuration) that returns
//! an [`Outcome`]. Checks of containers (4.1, section 5) go through [`containers_violating`],
//! which runs the workload rules, so each setting is judged by one rule whatever its source.

pub mod registry;

// region sections 1 and 3 (batch H)
#[cfg(test)]
mod h_testing;
pub mod s1_audit;
pub mod s1_host;
pub mod s3_files;
// endregion
// region section 2 (batch D)
pub mod s2_01_rootless;
pub mod s2_02_icc;
pub mod s2_03_log_level;
pub mod s2_04_iptables;
pub mod s2_05_insecure_registries;
pub mod s2_06_aufs;
pub mod s2_07_tls;
pub mod s2_08_default_ulimit;
pub mod s2_09_userns;
pub mod s2_10_cgroup_parent;
pub mod s2_11_base_device_size;
pub mod s2_12_authorization_plugin;
pub mod s2_13_remote_logging;
pub mod s2_14_no_new_privileges;
pub mod s2_15_live_restore;
pub mod s2_16_userland_proxy;
pub mod s2_17_seccomp;
pub mod s2_18_experimental;
pub mod s2_common;
// endregion
// region sections 4, 5, 6, 7 and community (batch C)
mod c_common;
pub mod community;
pub mod s4_images;
pub mod s5_confinement;
pub mod s5_mounts_ports;
pub mod s5_namespaces;
pub mod s5_resources;
pub mod s5_runtime;
pub mod s5_sshd;
pub mod s6_operations;
pub mod s7_swarm;
// endregion

use crate::facts::HostFacts;
use crate::result::Verdict;
use crate::snapshot::Snapshot;
use dockguard_core::{Config, Finding, Location, RuleMeta};

/// One CIS Docker Benchmark recommendation.
#[derive(Debug)]
pub struct Check {
    /// The CIS id as docker-bench-security numbers it (`2.14`, `5.31`).
    pub id: &'static str,
    /// Scored checks count in the score (PASS +1, WARN −1); manual ones do not.
    pub scored: bool,
    /// Code (`HB214`), name, step, severity of its findings, title (`summary`), doc, references.
    pub meta: RuleMeta,
    pub eval: fn(&Ctx) -> Outcome,
}

impl Check {
    pub fn title(&self) -> &'static str {
        self.meta.summary
    }
}

/// What a check sees.
pub struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub facts: &'a HostFacts,
    pub config: &'a Config,
    pub options: &'a crate::Options,
    /// Every workload finding of each container (same order as `snapshot.containers`),
    /// computed once for all the container checks.
    container_findings: std::sync::OnceLock<Vec<Vec<Finding>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        snapshot: &'a Snapshot,
        facts: &'a HostFacts,
        config: &'a Config,
        options: &'a crate::Options,
    ) -> Self {
        Ctx {
            snapshot,
            facts,
            config,
            options,
            container_findings: std::sync::OnceLock::new(),
        }
    }

    /// The workload findings of every container, with every workload rule on (a check asks
    /// for its rules even when they are off by default or outside a `--profile`).
    fn container_findings(&self) -> &[Vec<Finding>] {
        self.container_findings.get_or_init(|| {
            let mut config = self.config.clone();
            config.only_codes = None;
            for rule in dockguard_workload::rules::registry::RULES {
                config
                    .rule_choices
                    .insert(rule.meta().code.to_string(), true);
            }
            let host = self.snapshot.host_facts();
            self.snapshot
                .containers
                .iter()
                .map(|c| dockguard_workload::check(&c.workload, &config, Some(&host)))
                .collect()
        })
    }
}

/// A check's answer.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    pub details: Option<String>,
    pub items: Vec<String>,
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn pass() -> Self {
        Outcome::of(Verdict::Pass)
    }

    /// A manual check: nothing to evaluate, the operator must look (`NOTE`).
    pub fn note() -> Self {
        Outcome::of(Verdict::Note)
    }

    pub fn info(details: impl Into<String>) -> Self {
        Outcome::of(Verdict::Info).with_details(details)
    }

    /// A failed check with one finding of `meta` at `location`.
    pub fn warn(
        meta: &'static RuleMeta,
        config: &Config,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        let message = message.into();
        Outcome {
            verdict: Verdict::Warn,
            details: Some(message.clone()),
            items: Vec::new(),
            findings: vec![meta.finding(config, message, location, None)],
        }
    }

    pub fn of(verdict: Verdict) -> Self {
        Outcome {
            verdict,
            details: None,
            items: Vec::new(),
            findings: Vec::new(),
        }
    }

    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn with_items(mut self, items: Vec<String>) -> Self {
        self.items = items;
        self
    }
}

/// Where a host-level finding points: a file of the host (daemon.json, a unit, a socket) or,
/// when there is none, the daemon itself (`docker://daemon`).
pub fn host_location(file: &str) -> Location {
    Location {
        file: file.to_string(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        span: 0..0,
    }
}

/// Runs the workload rules `codes` on every container of the snapshot. `WARN` with the names
/// of the containers that violate them and the rules' own findings (which point into each
/// container's inspect JSON); `PASS` when none does; `INFO` when there is no container.
pub fn containers_violating(ctx: &Ctx, codes: &[&str], label: &str) -> Outcome {
    if ctx.snapshot.containers.is_empty() {
        return Outcome::info("No containers");
    }
    let mut findings = Vec::new();
    let mut items = Vec::new();
    for (container, all) in ctx.snapshot.containers.iter().zip(ctx.container_findings()) {
        let found: Vec<Finding> = all
            .iter()
            .filter(|f| codes.contains(&f.code.as_ref()))
            .cloned()
            .collect();
        if !found.is_empty() {
            items.push(container.name.clone());
            findings.extend(found);
        }
    }
    if items.is_empty() {
        return Outcome::pass();
    }
    Outcome {
        verdict: Verdict::Warn,
        details: Some(format!("{label}: {}", items.join(" "))),
        items,
        findings,
    }
}
