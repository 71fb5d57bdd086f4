//! CIS 2.3: the daemon's logging level is `info`.

use super::Check;
use crate::checks::s2_common::{setting_location, string_setting};
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon whose log level is not `info`: the `--log-level` (`-l`) flag or the
    /// daemon.json `log-level` key set to anything else, or debug mode on (`/info` reports
    /// `Debug: true`, from `--debug`/`-D` or `"debug": true`, which raises the level to
    /// `debug`). No setting means the default, `info`.
    ///
    /// ## Why is this bad?
    /// Below `info` (`warn`, `error`, `fatal`) the daemon drops the events an investigation
    /// needs: containers started and stopped, API errors, plugin activity. `debug` logs far
    /// more than needed, including request details that may carry sensitive data, and fills
    /// the disk.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "log-level": "warn"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `"log-level": "info"` in daemon.json (or remove the key, `info` is the default),
    /// drop `--log-level`/`-l` and `--debug`/`-D` from dockerd's command line, and restart or
    /// reload the daemon.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security's daemon.json reader always succeeds, so its `--log-level` flag
    /// branch never runs: `dockerd -l warn` passes. It also ignores debug mode. This check
    /// reads the flag (long and short form), the key and the engine's `Debug` field.
    pub struct LogLevelNotInfo {
        code: "HB203",
        name: "log-level-not-info",
        step: HostBench,
        severity: Low,
        summary: "Ensure the logging level is set to 'info' (Scored)",
        references: [
            Cis "2.3",
            Url "https://docs.docker.com/reference/cli/dockerd/",
            Cwe "CWE-778",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.3",
    scored: true,
    meta: LogLevelNotInfo::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    // The engine's answer wins: debug mode can be switched by a configuration reload.
    let debug = ctx
        .snapshot
        .info
        .get("Debug")
        .and_then(Value::as_bool)
        .or_else(|| daemon.bool_setting("debug", "debug"))
        .unwrap_or(false);
    if debug {
        return Outcome::warn(
            &CHECK.meta,
            ctx.config,
            "The daemon runs in debug mode (log level debug)",
            setting_location(daemon, "debug"),
        );
    }
    match string_setting(daemon, "log-level", "log-level") {
        None => Outcome::pass(),
        Some(level) if level.trim().eq_ignore_ascii_case("info") => Outcome::pass(),
        Some(level) => Outcome::warn(
            &CHECK.meta,
            ctx.config,
            format!("The daemon's log level is {level}, not info"),
            setting_location(daemon, "log-level"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    #[test]
    fn default_and_info_pass() {
        let snapshot = info(json!({"Debug": false}));
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Pass);
        let outcome = run(&CHECK, &snapshot, daemon(&[], json!({"log-level": "info"})));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run(&CHECK, &snapshot, daemon(&["--log-level=info"], json!({})));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
    }

    #[test]
    fn other_levels_warn() {
        let snapshot = info(json!({"Debug": false}));
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&[], json!({"log-level": "error"})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn flag_is_read_although_dbs_never_reaches_it() {
        let snapshot = info(json!({"Debug": false}));
        let outcome = run(&CHECK, &snapshot, daemon(&["-l", "warn"], json!({})));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "docker://daemon");
        let outcome = run(
            &CHECK,
            &snapshot,
            daemon(&["--log-level", "debug"], json!(null)),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }

    #[test]
    fn debug_mode_warns() {
        let outcome = run_info(&CHECK, &info(json!({"Debug": true})));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        // Without /info, the -D flag tells.
        let outcome = run(&CHECK, &Snapshot::default(), daemon(&["-D"], json!(null)));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }

    #[test]
    fn engine_20_10_logs_at_info() {
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }
}
