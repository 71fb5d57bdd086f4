//! CIS 2.13: centralized and remote logging is configured.

use super::Check;
use crate::checks::s2_common::setting_location;
use crate::checks::{Ctx, Outcome};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default logging driver keeps container logs on the host only:
    /// `/info` `LoggingDriver` is `json-file` (the default), `local`, or `none` (no logs at
    /// all). Drivers that ship logs elsewhere (`syslog`, `journald`, `fluentd`, `gelf`,
    /// `awslogs`, `splunk`, plugins, …) pass.
    ///
    /// ## Why is this bad?
    /// Logs kept only on the host are lost with it and can be erased by whoever compromises
    /// it: the evidence of an intrusion disappears with the intruder. A central log store
    /// also lets the logs of every host be searched and alerted on together.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "log-driver": "json-file"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set a remote driver as the default, for example `"log-driver": "syslog"` with
    /// `"log-opts": {"syslog-address": "tcp://logs.example.com:514"}` in daemon.json (or
    /// `journald` with journal forwarding), and restart the daemon. Containers created before
    /// keep their driver until recreated.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only warns on `json-file`; the `local` driver (a local file
    /// too) and `none` (no logs) pass there although neither is centralized nor remote. They
    /// are reported here.
    pub struct NoRemoteLogging {
        code: "HB213",
        name: "no-remote-logging",
        step: HostBench,
        severity: Low,
        summary: "Ensure centralized and remote logging is configured (Scored)",
        references: [
            Cis "2.13",
            Url "https://docs.docker.com/engine/logging/configure/",
            Cwe "CWE-778",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.13",
    scored: true,
    meta: NoRemoteLogging::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let Some(driver) = ctx
        .snapshot
        .info
        .get("LoggingDriver")
        .and_then(Value::as_str)
    else {
        return Outcome::info("The engine did not report its logging driver");
    };
    let why = match driver {
        "json-file" | "local" => "keeps container logs in local files only",
        "none" => "discards container logs",
        _ => return Outcome::pass().with_details(format!("Logging driver: {driver}")),
    };
    Outcome::warn(
        &CHECK.meta,
        ctx.config,
        format!("The default logging driver {driver} {why}"),
        setting_location(&ctx.facts.daemon, "log-driver"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    #[test]
    fn local_drivers_warn() {
        for driver in ["json-file", "local", "none"] {
            let outcome = run_info(&CHECK, &info(json!({"LoggingDriver": driver})));
            assert_verdict(&CHECK, &outcome, Verdict::Warn);
        }
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Warn);
        let outcome = run(
            &CHECK,
            &info(json!({"LoggingDriver": "json-file"})),
            daemon(&[], json!({"log-driver": "json-file"})),
        );
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
    }

    #[test]
    fn remote_drivers_pass() {
        for driver in ["syslog", "journald", "fluentd", "gelf", "awslogs"] {
            let outcome = run_info(&CHECK, &info(json!({"LoggingDriver": driver})));
            assert_verdict(&CHECK, &outcome, Verdict::Pass);
        }
    }

    #[test]
    fn unknown_driver_is_info() {
        assert_verdict(&CHECK, &run_info(&CHECK, &info(json!({}))), Verdict::Info);
    }
}
