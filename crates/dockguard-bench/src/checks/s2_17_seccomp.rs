//! CIS 2.17: a daemon-wide custom seccomp profile is applied if appropriate.

use super::Check;
use crate::checks::s2_common::{reports_security_options, security_option};
use crate::checks::{Ctx, Outcome};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Tells which seccomp profile the daemon applies to containers by default, from the
    /// `/info` `SecurityOptions` entry `name=seccomp,profile=…`. PASS for Docker's default
    /// profile (`profile=builtin` since Docker 23, `profile=default` before); INFO with the
    /// profile for a custom profile (to review) or `unconfined` (no seccomp filtering for
    /// containers that do not ask for a profile), and when the daemon has no seccomp support.
    /// A custom profile file is linted with the SC1xx rules: WARN with each finding's code and
    /// message when it has findings above `info` (or does not parse), INFO otherwise.
    /// A manual, unscored check.
    ///
    /// ## Why is this bad?
    /// Seccomp limits the system calls a container can make; Docker's default profile blocks
    /// about 44 of them (`mount`, `reboot`, `kexec_load`, `bpf`, `keyctl`, …) that containers
    /// rarely need and kernel exploits often do. A daemon-wide `unconfined` profile removes
    /// that barrier from every container; a custom profile is only as good as its review.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "seccomp-profile": "unconfined"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep Docker's default profile unless the workloads need a tighter one; in that case
    /// start from the default, remove what is not needed, and set
    /// `"seccomp-profile": "/etc/docker/seccomp.json"` in daemon.json. Never set it to
    /// `unconfined`.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security looks for `profile=default`, the name Docker used before 23.0;
    /// current engines report `profile=builtin`, so it always gives INFO there. Both names
    /// pass here, and the INFO says which profile is in use.
    pub struct DaemonSeccompNotDefault {
        code: "HB217",
        name: "daemon-seccomp-not-default",
        step: HostBench,
        severity: Low,
        summary: "Ensure that a daemon-wide custom seccomp profile is applied if appropriate (Manual)",
        references: [
            Cis "2.17",
            Url "https://docs.docker.com/engine/security/seccomp/",
        ],
    }
}

pub static CHECK: Check = Check {
    id: "2.17",
    scored: false,
    meta: DaemonSeccompNotDefault::META,
    eval,
};

fn eval(ctx: &Ctx) -> Outcome {
    let info = &ctx.snapshot.info;
    if !reports_security_options(info) {
        return Outcome::info("The engine did not report its security options");
    }
    let Some(fields) = security_option(info, "seccomp") else {
        return Outcome::info("Seccomp is not supported by this daemon or kernel");
    };
    let profile = fields
        .iter()
        .find(|(k, _)| k == "profile")
        .map(|(_, v)| v.as_str())
        // Engines before 1.13 listed `name=seccomp` without a profile: the default one.
        .unwrap_or("default");
    match profile {
        "builtin" | "default" => {
            Outcome::pass().with_details(format!("Default seccomp profile (profile={profile})"))
        }
        "unconfined" => Outcome::info(
            "Seccomp is disabled daemon-wide (profile=unconfined): containers without a \
             profile of their own are not filtered",
        ),
        custom => lint_daemon_profile(ctx, custom).unwrap_or_else(|| {
            Outcome::info(format!(
                "Custom daemon-wide seccomp profile {custom}: review it"
            ))
        }),
    }
}

/// The SC1xx lint of the daemon's custom profile (`seccomp-profile` in daemon.json or
/// `--seccomp-profile`, which `/info` reports as `profile=<path>`): `WARN` with each finding
/// above `info` (code and message) in the details, the findings located in the profile; a
/// profile that does not parse is a `WARN` too (dockerd refuses to start containers with it).
/// `None` (the check's usual INFO) when the file cannot be read from here or has no finding.
fn lint_daemon_profile(ctx: &Ctx, path: &str) -> Option<Outcome> {
    if !path.starts_with('/') {
        return None;
    }
    let file = ctx.facts.host_path(path)?;
    let size = std::fs::metadata(&file).ok()?.len();
    if size > dockguard_workload::seccomp::MAX_PROFILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let location = super::host_location(path);
    let profile = match dockguard_seccomp::parse_str(path, &text) {
        Ok(profile) => profile,
        Err(e) => {
            return Some(Outcome::warn(
                &CHECK.meta,
                ctx.config,
                format!("Custom daemon-wide seccomp profile {path} does not parse: {e}"),
                location,
            ));
        }
    };
    let found: Vec<_> = dockguard_seccomp::lint(&profile, ctx.config)
        .into_iter()
        .filter(|f| f.severity > dockguard_core::Severity::Info)
        .collect();
    if found.is_empty() {
        return None;
    }
    let lines: Vec<String> = found
        .iter()
        .map(|f| format!("{} {} (line {})", f.code, f.message, f.location.line))
        .collect();
    let mut outcome = Outcome::warn(
        &CHECK.meta,
        ctx.config,
        format!(
            "Custom daemon-wide seccomp profile {path} has weaknesses: {}",
            lines.join("; ")
        ),
        location,
    );
    outcome.findings.extend(found);
    Some(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s2_common::testing::*;
    use crate::result::Verdict;
    use serde_json::json;

    fn seccomp(entry: &str) -> crate::snapshot::Snapshot {
        info(json!({"SecurityOptions": ["name=apparmor", entry, "name=cgroupns"]}))
    }

    #[test]
    fn builtin_and_default_pass() {
        // docker-bench-security gives INFO for builtin, the name Docker >= 23 reports.
        let outcome = run_info(&CHECK, &seccomp("name=seccomp,profile=builtin"));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        let outcome = run_info(&CHECK, &seccomp("name=seccomp,profile=default"));
        assert_verdict(&CHECK, &outcome, Verdict::Pass);
        // Docker 20.10 here reports `default`.
        assert_verdict(&CHECK, &run_info(&CHECK, &engine_20_10()), Verdict::Pass);
    }

    #[test]
    fn unconfined_and_custom_are_info_with_the_profile() {
        let outcome = run_info(&CHECK, &seccomp("name=seccomp,profile=unconfined"));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(outcome.details.unwrap().contains("unconfined"));
        let outcome = run_info(
            &CHECK,
            &seccomp("name=seccomp,profile=/etc/docker/seccomp.json"),
        );
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(
            outcome
                .details
                .unwrap()
                .contains("/etc/docker/seccomp.json")
        );
    }

    /// Runs the check with `profile` as the host's `/etc/docker/seccomp.json`.
    fn with_profile(profile: &str) -> Outcome {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc/docker")).unwrap();
        std::fs::write(root.path().join("etc/docker/seccomp.json"), profile).unwrap();
        let facts = crate::facts::HostFacts {
            root: root.path().to_path_buf(),
            ..crate::facts::HostFacts::default()
        };
        let snapshot = seccomp("name=seccomp,profile=/etc/docker/seccomp.json");
        let config = dockguard_core::Config::default();
        let options = crate::Options::default();
        let ctx = Ctx::new(&snapshot, &facts, &config, &options);
        (CHECK.eval)(&ctx)
    }

    #[test]
    fn a_weak_daemon_profile_warns_with_its_findings() {
        let weak = r#"{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [ { "names": ["ptrace"], "action": "SCMP_ACT_ALLOW" } ]
}"#;
        let outcome = with_profile(weak);
        assert_eq!(outcome.verdict, Verdict::Warn, "{outcome:?}");
        let details = outcome.details.clone().unwrap();
        assert!(details.contains("/etc/docker/seccomp.json"), "{details}");
        assert!(details.contains("SC100 "), "{details}");
        assert!(details.contains("(line 2)"), "{details}");
        let codes: Vec<&str> = outcome.findings.iter().map(|f| f.code.as_ref()).collect();
        assert_eq!(codes[0], CHECK.meta.code);
        assert!(
            codes.contains(&"SC100") && codes.contains(&"SC101"),
            "{codes:?}"
        );
        let sc100 = outcome.findings.iter().find(|f| f.code == "SC100").unwrap();
        assert_eq!(sc100.location.file, "/etc/docker/seccomp.json");

        // A broken profile: WARN naming the position.
        let outcome = with_profile("{\n  \"defaultAction\": 7\n}");
        assert_verdict(&CHECK, &outcome, Verdict::Warn);
        assert!(outcome.details.unwrap().contains("seccomp.json:2:"));
    }

    #[test]
    fn docker_default_as_a_daemon_profile_stays_info() {
        let outcome = with_profile(dockguard_seccomp::DOCKER_DEFAULT);
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        assert!(outcome.details.unwrap().contains("review it"));
    }

    #[test]
    fn no_seccomp_is_info() {
        let outcome = run_info(&CHECK, &info(json!({"SecurityOptions": ["name=apparmor"]})));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
        let outcome = run_info(&CHECK, &info(json!({})));
        assert_verdict(&CHECK, &outcome, Verdict::Info);
    }
}
