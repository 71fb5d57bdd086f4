//! CIS 2.11: the base device size is not changed until needed.

use super::Check;
use crate::checks::s2_common::{list_setting, setting_location};
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon whose storage options change the devicemapper base device size:
    /// `dm.basesize` in dockerd's `--storage-opt` flags or in the daemon.json `storage-opts`
    /// list.
    ///
    /// ## Why is this bad?
    /// The base device size is the maximum size of every container's and image's file system
    /// under devicemapper. Raising it lets a single container fill the thin pool shared by
    /// all of them, and the value cannot be lowered afterwards without recreating the pool.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "storage-opts": ["dm.basesize=50G"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `dm.basesize` unless a workload needs larger file systems, and restart the
    /// daemon. devicemapper itself is deprecated and removed from current Docker releases:
    /// prefer `overlay2`.
    ///
    /// ## Compared with docker-bench-security
    /// Same verdicts.
    pub struct BaseDeviceSizeChanged {
        code: "HB211",
        name: "base-device-size-changed",
        step: HostBench,
        severity: Low,
        summary: "Ensure base device size is not changed until needed (Scored)",
        references: [
            Cis "2.11",
            Url "https://docs.docker.com/reference/cli/dockerd/#storage-driver-options",
            Cwe "CWE-770",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.11",
    scored: true,
    meta: BaseDeviceSizeChanged::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let basesize: Vec<String> = list_setting(daemon, "storage-opt", "storage-opts")
        .into_iter()
        .filter(|opt| opt.trim().starts_with("dm.basesize"))
        .collect();
    if basesize.is_empty() {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        format!("Base device size changed: {}", basesize.join(" ")),
        setting_location(daemon, "storage-opts"),
    )
    .with_items(basesize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn basesize_warns() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(
                &[],
                json!({"storage-opts": ["dm.thinpooldev=/dev/mapper/t", "dm.basesize=50G"]}),
            ),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.items, ["dm.basesize=50G"]);
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&["--storage-opt", "dm.basesize=20G"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }

    #[test]
    fn other_options_pass() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"storage-opts": ["overlay2.size=10G"]})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }
}
