//! CIS 2.6: the aufs storage driver is not used.

use super::Check;
use crate::checks::s2_common::setting_location;
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon whose storage driver is `aufs`, as the engine reports it in `/info`
    /// `Driver`.
    ///
    /// ## Why is this bad?
    /// aufs is an out-of-tree file system that mainline kernels never merged; it is
    /// deprecated in Docker, removed from current releases, and has known stability problems
    /// (kernel crashes, leaked mounts) on the kernels that still carry it. A storage driver
    /// that can crash the kernel takes every container down with it.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "storage-driver": "aufs"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Switch to `overlay2` (the default on every supported kernel): set
    /// `"storage-driver": "overlay2"` or remove the setting, and restart the daemon. Images
    /// and containers stored under aufs are not migrated: push or export what must be kept
    /// first.
    ///
    /// ## Compared with docker-bench-security
    /// Same verdicts; the driver is read from the API instead of the text of `docker info`.
    pub struct AufsStorageDriver {
        code: "HB206",
        name: "aufs-storage-driver",
        step: HostBench,
        severity: Low,
        summary: "Ensure aufs storage driver is not used (Scored)",
        references: [
            Cis "2.6",
            Url "https://docs.docker.com/engine/storage/drivers/select-storage-driver/",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.6",
    scored: true,
    meta: AufsStorageDriver::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let Some(driver) = ctx.snapshot.info.get("Driver").and_then(Value::as_str) else {
        return Outcome::info("The engine did not report its storage driver");
    };
    if driver != "aufs" {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        "The daemon uses the aufs storage driver",
        setting_location(&ctx.facts.daemon, "storage-driver"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    #[test]
    fn aufs_warns() {
        let outcome = run(
            &CHECK,
            &info(json!({"Driver": "aufs"})),
            daemon(&[], json!({"storage-driver": "aufs"})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn other_drivers_pass() {
        let outcome = run_info(&CHECK, &info(json!({"Driver": "overlay2"})));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }

    #[test]
    fn unknown_driver_is_info() {
        let outcome = run_info(&CHECK, &info(json!({})));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }
}
