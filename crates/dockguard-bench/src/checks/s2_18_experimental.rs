//! CIS 2.18: experimental features are not enabled in production.

use super::Check;
use crate::checks::s2_common::setting_location;
use crate::checks::{Ctx, Outcome};
use crate::snapshot::Snapshot;
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a daemon running with experimental features (`dockerd --experimental` or
    /// `"experimental": true`), as the engine reports it: `/info` `ExperimentalBuild`,
    /// `/version` `Experimental` or the Engine component's `Experimental` detail. On Docker
    /// 19.03 and older the check is scored as in the benchmark: PASS when they are off. On
    /// later versions, where docker-bench-security marks the recommendation deprecated, it
    /// gives INFO when they are off and still warns when they are on.
    ///
    /// ## Why is this bad?
    /// Experimental features are unfinished: their behaviour, API and security properties
    /// can change or break between releases, and they get less scrutiny than stable code. A
    /// production daemon should only run features its operators can rely on.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "experimental": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `"experimental": true` from daemon.json and `--experimental` from dockerd's
    /// command line, and restart the daemon.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only looks at engines up to 19.03 and prints INFO
    /// "(Deprecated)" for every later one, even when the daemon does run experimental
    /// features. Here a daemon with experimental features on is reported whatever its
    /// version; with them off, newer engines keep docker-bench-security's INFO.
    pub struct ExperimentalFeaturesEnabled {
        code: "HB218",
        name: "experimental-features-enabled",
        step: HostBench,
        severity: Low,
        summary: "Ensure that experimental features are not implemented in production (Scored)",
        references: [
            Cis "2.18",
            Url "https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.18",
    scored: true,
    meta: ExperimentalFeaturesEnabled::META,
    eval,
};

/// `(major, minor)` of a server version: `20.10.24+dfsg1` → `(20, 10)`, `1.13.1` → `(1, 13)`.
pub(crate) fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().trim_start_matches('v').split('.');
    let mut number = || -> Option<u32> {
        let part = parts.next()?;
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    Some((number()?, number()?))
}

pub(crate) fn server_version(snapshot: &Snapshot) -> Option<&str> {
    snapshot
        .version
        .get("Version")
        .and_then(Value::as_str)
        .or_else(|| snapshot.info.get("ServerVersion").and_then(Value::as_str))
}

/// Whether the engine reports experimental features on; `None` when it reports nothing.
fn engine_experimental(snapshot: &Snapshot) -> Option<bool> {
    let component = snapshot
        .version
        .get("Components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c.get("Name").and_then(Value::as_str) == Some("Engine"))
        .and_then(|c| c.pointer("/Details/Experimental"))
        .and_then(Value::as_str)
        .map(|v| v == "true");
    let reported = [
        snapshot
            .info
            .get("ExperimentalBuild")
            .and_then(Value::as_bool),
        snapshot
            .version
            .get("Experimental")
            .and_then(Value::as_bool),
        component,
    ];
    reported
        .iter()
        .any(Option::is_some)
        .then(|| reported.contains(&Some(true)))
}

fn eval(ctx: &Ctx) -> Outcome {
    let daemon = &ctx.facts.daemon;
    let experimental = engine_experimental(ctx.snapshot)
        .or_else(|| daemon.bool_setting("experimental", "experimental"));
    let version = server_version(ctx.snapshot);
    match experimental {
        Some(true) => {
            let message = match version {
                Some(v) => format!("Experimental features are enabled on Docker {v}"),
                None => "Experimental features are enabled".to_string(),
            };
            Outcome::warn(
                &CHECK.meta,
                ctx.config,
                message,
                setting_location(daemon, "experimental"),
            )
        }
        None => Outcome::info("The engine did not report whether experimental features are on"),
        Some(false) => match version.and_then(major_minor) {
            Some(v) if v <= (19, 3) => Outcome::pass(),
            Some(_) => {
                Outcome::info("(Deprecated) for Docker after 19.03; experimental features are off")
            }
            None => Outcome::info("Experimental features are off; unknown server version"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    fn engine(version: &str, experimental: bool) -> Snapshot {
        Snapshot {
            version: json!({
                "Version": version,
                "Experimental": experimental,
                "Components": [{
                    "Name": "Engine",
                    "Version": version,
                    "Details": {"Experimental": experimental.to_string()}
                }]
            }),
            info: json!({"ExperimentalBuild": experimental}),
            ..Snapshot::default()
        }
    }

    #[test]
    fn old_engines_are_scored() {
        let outcome = run_info(&CHECK, &engine("19.03.15", false));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run_info(&CHECK, &engine("1.13.1", false));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run_info(&CHECK, &engine("18.09.7", true));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
    }

    #[test]
    fn newer_engines_off_is_info() {
        let outcome = run_info(&CHECK, &engine("27.5.1", false));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(outcome.details.unwrap().contains("Deprecated"));
        // The real 20.10 engine omits the top-level Experimental field when false.
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Info);
    }

    #[test]
    fn newer_engines_on_warn() {
        // docker-bench-security prints INFO "(Deprecated)" here.
        let outcome = run_info(&CHECK, &engine("24.0.7", true));
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        // Only the Engine component says so.
        let snapshot = Snapshot {
            version: json!({
                "Version": "20.10.24",
                "Components": [{"Name": "Engine", "Details": {"Experimental": "true"}}]
            }),
            ..Snapshot::default()
        };
        assert_verdict(&CHECK, &run_info(&CHECK, &snapshot), Verdict::Warn);
    }

    #[test]
    fn configuration_without_engine_data() {
        let outcome = run(
            &CHECK,
            &Snapshot::default(),
            daemon(&[], json!({"experimental": true})),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert_eq!(outcome.findings[0].location.file, "/etc/docker/daemon.json");
        let outcome = run_info(&CHECK, &Snapshot::default());
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }

    #[test]
    fn versions() {
        assert_eq!(major_minor("20.10.24+dfsg1"), Some((20, 10)));
        assert_eq!(major_minor("1.13.1"), Some((1, 13)));
        assert_eq!(major_minor("17.06.2-ce"), Some((17, 6)));
        assert_eq!(major_minor("v28.0.0"), Some((28, 0)));
        assert_eq!(major_minor("dev"), None);
    }
}
