//! CIS section 5, confinement of containers: AppArmor (5.2), SELinux (5.3), capabilities
//! (5.4), privileged mode (5.5), seccomp (5.22) and `no-new-privileges` (5.26), each judged by
//! the workload rule that implements it.

use super::Ctx;
use super::Outcome;
use super::c_common::{
    bench_check, container_location, container_outcome, rule_findings, same_place, settings,
    with_inline_seccomp,
};
use dockguard_workload::rules::helpers::capability_name;
use dockguard_workload::rules::subject;
use serde_json::Value;

/// The capabilities Docker grants every container by default.
const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

bench_check! {
    /// ## What it does
    /// On hosts where the daemon uses AppArmor (`name=apparmor` in `/info`
    /// `SecurityOptions`), reports containers that run without an AppArmor profile:
    /// `apparmor=unconfined` (WL602, which privileged containers get too) or no profile at all.
    /// On hosts without AppArmor the check does not apply (`INFO`).
    ///
    /// ## Why is this bad?
    /// The default `docker-default` profile denies writes to `/proc` and `/sys` files,
    /// `mount`, and the kernel interfaces most container escapes go through. Without it that
    /// layer is gone.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --security-opt apparmor=unconfined example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security fails every container on hosts that have no AppArmor (SELinux
    /// distributions, most containers-in-VM setups), where no profile can apply; here the
    /// check is `INFO` there. It also only looks at running containers; stopped ones are
    /// checked here as well.
    ///
    /// ## Fix
    /// Remove `apparmor=unconfined` to get the default profile, or load a profile written for
    /// the application (`--security-opt apparmor=my-web`).
    pub static CHECK_5_2 {
        id: "5.2",
        scored: true,
        eval: eval_5_2,
        code: "HB502",
        name: "apparmor-profile-missing",
        step: RuntimeDefence,
        severity: High,
        summary: "Ensure that, if applicable, an AppArmor Profile is enabled (Automated)",
        references: [Cis "5.2"],
    }
}

fn eval_5_2(ctx: &Ctx) -> Outcome {
    if !ctx.snapshot.has_security_option("apparmor") {
        return Outcome::info(
            "AppArmor is not enabled on this host (no name=apparmor in the daemon's security \
             options): no profile can apply",
        );
    }
    let mut findings = rule_findings(ctx, &["WL602"]);
    for record in &ctx.snapshot.containers {
        let profile = record
            .inspect
            .get("AppArmorProfile")
            .and_then(Value::as_str)
            .unwrap_or("");
        let reported = findings.iter().any(|f| f.location.file == record.source);
        if profile.trim().is_empty()
            && !reported
            && let Some(s) = settings(record)
        {
            findings.push(CHECK_5_2.meta.finding(
                ctx.config,
                format!("{} has no AppArmor profile", subject(s)),
                container_location(record),
                None,
            ));
        }
    }
    container_outcome(ctx, findings, "Containers with no AppArmorProfile")
}

bench_check! {
    /// ## What it does
    /// On hosts where the daemon uses SELinux (`name=selinux` in `/info` `SecurityOptions`),
    /// reports containers whose SELinux labelling is turned off or weakened (WL603:
    /// `label=disable`, which privileged containers get too, an unconfined type such as
    /// `spc_t`, a custom user or role) or that run without a process label. On hosts without
    /// SELinux the check does not apply (`INFO`).
    ///
    /// ## Why is this bad?
    /// On SELinux hosts the container's label is what keeps a process that escapes its
    /// namespaces from reading and writing host files and other containers' data.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --security-opt label=disable example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security passes a container with *any* security option (only
    /// `no-new-privileges`, say) and fails one with none, SELinux or not. Here the SELinux
    /// label itself is judged, and only where SELinux is on: on other hosts the check is
    /// `INFO`. Stopped containers are checked as well.
    ///
    /// ## Fix
    /// Run the daemon with `--selinux-enabled` on SELinux hosts, remove `label=disable`, and
    /// relabel bind mounts (`:z`/`:Z`) instead of disabling labels.
    pub static CHECK_5_3 {
        id: "5.3",
        scored: true,
        eval: eval_5_3,
        code: "HB503",
        name: "selinux-options-missing",
        step: RuntimeDefence,
        severity: High,
        summary: "Ensure that, if applicable, SELinux security options are set (Automated)",
        references: [Cis "5.3"],
    }
}

fn eval_5_3(ctx: &Ctx) -> Outcome {
    if !ctx.snapshot.has_security_option("selinux") {
        return Outcome::info(
            "SELinux is not enabled in the daemon (no name=selinux in its security options): \
             no SELinux option applies",
        );
    }
    let mut findings = rule_findings(ctx, &["WL603"]);
    for record in &ctx.snapshot.containers {
        let label = record
            .inspect
            .get("ProcessLabel")
            .and_then(Value::as_str)
            .unwrap_or("");
        let reported = findings.iter().any(|f| f.location.file == record.source);
        if label.trim().is_empty()
            && !reported
            && let Some(s) = settings(record)
        {
            findings.push(CHECK_5_3.meta.finding(
                ctx.config,
                format!("{} runs without an SELinux process label", subject(s)),
                container_location(record),
                None,
            ));
        }
    }
    container_outcome(ctx, findings, "Containers without SELinux confinement")
}

bench_check! {
    /// ## What it does
    /// Reports containers given capabilities beyond Docker's default set: those that reach the
    /// host (WL101: `ALL`, `SYS_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `NET_ADMIN`,
    /// `DAC_READ_SEARCH`, …) and any other capability outside the default set (`IPC_LOCK`,
    /// `SYS_NICE`, …). Adding a default capability again (`CHOWN`) is not reported.
    ///
    /// ## Why is this bad?
    /// Each capability is a piece of root's power over the kernel. The default set is already
    /// generous; every one added widens what an attacker in the container can do, and several
    /// are direct ways out of it.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --cap-add SYS_ADMIN --cap-add IPC_LOCK example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove the added capabilities the process does not strictly need; better, drop all
    /// (`--cap-drop ALL`) and add back only the few required.
    pub static CHECK_5_4 {
        id: "5.4",
        scored: true,
        eval: eval_5_4,
        code: "HB504",
        name: "capabilities-added",
        step: NamespacesCgroups,
        severity: High,
        summary: "Ensure that Linux kernel capabilities are restricted within containers (Automated)",
        references: [Cis "5.4"],
    }
}

fn eval_5_4(ctx: &Ctx) -> Outcome {
    let mut findings = rule_findings(ctx, &["WL101"]);
    let mut extra = Vec::new();
    for record in &ctx.snapshot.containers {
        let Some(s) = settings(record) else { continue };
        for cap in &s.cap_add {
            let name = capability_name(&cap.value);
            let reported = findings.iter().any(|f| same_place(&f.location, &cap.loc));
            if DEFAULT_CAPABILITIES.contains(&name.as_str()) || reported {
                continue;
            }
            extra.push(CHECK_5_4.meta.finding(
                ctx.config,
                format!(
                    "{} adds `{name}`, beyond Docker's default capabilities",
                    subject(s)
                ),
                cap.loc.clone(),
                None,
            ));
        }
    }
    findings.extend(extra);
    container_outcome(ctx, findings, "Capabilities added for containers")
}

bench_check! {
    /// ## What it does
    /// Reports privileged containers (`--privileged`), through WL100.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, no seccomp or
    /// AppArmor/SELinux confinement and writable `/sys`: root in it is root on the host.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --privileged example/agent
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well (privileged containers that are
    /// created but not started are reported).
    ///
    /// ## Fix
    /// Remove `--privileged` and grant only what the workload needs: single capabilities,
    /// single devices, a tailored seccomp profile.
    pub static CHECK_5_5 {
        id: "5.5",
        scored: true,
        eval: eval_5_5,
        code: "HB505",
        name: "privileged-container",
        step: NamespacesCgroups,
        severity: Critical,
        summary: "Ensure that privileged containers are not used (Automated)",
        references: [Cis "5.5", Cwe "CWE-250"],
    }
}

fn eval_5_5(ctx: &Ctx) -> Outcome {
    container_outcome(
        ctx,
        rule_findings(ctx, &["WL100"]),
        "Containers running in privileged mode",
    )
}

bench_check! {
    /// ## What it does
    /// Reports containers run with seccomp turned off (`--security-opt seccomp=unconfined`),
    /// through WL600, and containers whose custom profile (`--security-opt seccomp=<file>`,
    /// kept inline by the engine) has SC1xx findings above `info` — allow-by-default, dangerous
    /// system calls allowed without their capability gate, … — each with its code and message.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about 40 rarely needed system calls, many of
    /// them the entry points of kernel exploits (`keyctl`, `bpf`, `userfaultfd`, `unshare`).
    /// Without it every system call reaches the host kernel.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --security-opt seccomp=unconfined example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Same rule; stopped containers are checked as well.
    ///
    /// ## Fix
    /// Remove `seccomp=unconfined`; if one system call is missing, start from Docker's
    /// default profile and allow just that call in a custom profile.
    pub static CHECK_5_22 {
        id: "5.22",
        scored: true,
        eval: eval_5_22,
        code: "HB522",
        name: "seccomp-disabled",
        step: RuntimeDefence,
        severity: High,
        summary: "Ensure the default seccomp profile is not Disabled (Automated)",
        references: [Cis "5.22"],
    }
}

fn eval_5_22(ctx: &Ctx) -> Outcome {
    let outcome = container_outcome(
        ctx,
        rule_findings(ctx, &["WL600"]),
        "Containers with default seccomp profile disabled",
    );
    with_inline_seccomp(ctx, outcome)
}

bench_check! {
    /// ## What it does
    /// Reports containers whose processes may gain privileges through setuid binaries
    /// (WL203): without `--security-opt no-new-privileges`, or with `no-new-privileges=false`.
    /// When the daemon sets `no-new-privileges` for every container (`/info` security option,
    /// `--no-new-privileges`, or `"no-new-privileges": true` in daemon.json), only the
    /// containers that turn it off with `no-new-privileges=false` are reported. Privileged
    /// containers are 5.5's.
    ///
    /// ## Why is this bad?
    /// Without the `no_new_privs` flag a non-root process can become root again by running a
    /// setuid binary of the image (`su`, `passwd`, `mount`), which undoes running as a
    /// non-root user.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --security-opt no-new-privileges=false example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security looks for the text `no-new-privileges`, so
    /// `no-new-privileges=false`, which turns the protection off, passes there; and when the
    /// daemon sets it by default every container passes, even one that turns it off.
    /// Privileged containers, which hold every privilege already, are left to 5.5 instead of
    /// being reported twice. Stopped containers are checked as well.
    ///
    /// ## Fix
    /// Run containers with `--security-opt no-new-privileges`, or set
    /// `"no-new-privileges": true` in daemon.json for all of them.
    pub static CHECK_5_26 {
        id: "5.26",
        scored: true,
        eval: eval_5_26,
        code: "HB526",
        name: "new-privileges-not-restricted",
        step: RuntimeDefence,
        severity: Medium,
        summary: "Ensure that the container is restricted from acquiring additional privileges (Automated)",
        references: [Cis "5.26"],
    }
}

fn eval_5_26(ctx: &Ctx) -> Outcome {
    let daemon_default = ctx.snapshot.has_security_option("no-new-privileges")
        || ctx
            .facts
            .daemon
            .bool_setting("no-new-privileges", "no-new-privileges")
            == Some(true);
    let mut findings = rule_findings(ctx, &["WL203"]);
    if daemon_default {
        // Only an explicit `no-new-privileges=false` overrides the daemon's default.
        findings.retain(|f| {
            ctx.snapshot.containers.iter().any(|record| {
                settings(record)
                    .and_then(|s| s.no_new_privileges.as_ref())
                    .is_some_and(|nnp| !nnp.value && same_place(&nnp.loc, &f.location))
            })
        });
    }
    container_outcome(ctx, findings, "Containers without restricted privileges")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, container_with, fleet, no_info, run, run_with, snapshot,
    };
    use crate::facts::{DaemonConfig, HostFacts};
    use crate::result::Verdict;
    use serde_json::json;

    fn info_with(options: &[&str]) -> Value {
        json!({"SecurityOptions": options, "Swarm": {"LocalNodeState": "inactive"}})
    }

    #[test]
    fn apparmor_applies_only_with_apparmor() {
        let none = run(&CHECK_5_2, &snapshot(no_info(), fleet()));
        assert_outcome(&none, Verdict::Info, &[]);
        assert!(none.details.unwrap().contains("AppArmor is not enabled"));

        let info = info_with(&["name=apparmor", "name=seccomp,profile=builtin"]);
        let confined =
            |name: &str| container_with(name, |c| c["AppArmorProfile"] = json!("docker-default"));
        let unconfined = container_with("default", |c| {
            c["Name"] = json!("/hbc-unconfined");
            c["AppArmorProfile"] = json!("unconfined");
        });
        let outcome = run(
            &CHECK_5_2,
            &snapshot(
                info.clone(),
                vec![confined("hardened"), unconfined, container("root00")],
            ),
        );
        assert_outcome(&outcome, Verdict::Warn, &["hbc-unconfined", "hbc-root00"]);
        assert_eq!(outcome.findings[0].code, "WL602");
        assert_eq!(outcome.findings[1].code, "HB502");
        assert!(
            outcome.findings[1]
                .message
                .contains("has no AppArmor profile")
        );

        let pass = run(
            &CHECK_5_2,
            &snapshot(info.clone(), vec![confined("hardened")]),
        );
        assert_outcome(&pass, Verdict::Pass, &[]);
        assert_outcome(
            &run(&CHECK_5_2, &snapshot(info, vec![])),
            Verdict::Info,
            &[],
        );
    }

    #[test]
    fn selinux_applies_only_with_selinux() {
        let none = run(&CHECK_5_3, &snapshot(no_info(), fleet()));
        assert_outcome(&none, Verdict::Info, &[]);

        let info = info_with(&["name=selinux", "name=seccomp,profile=builtin"]);
        let labelled = |name: &str| {
            container_with(name, |c| {
                c["ProcessLabel"] = json!("system_u:system_r:container_t:s0:c1,c2")
            })
        };
        let outcome = run(
            &CHECK_5_3,
            &snapshot(
                info.clone(),
                vec![
                    labelled("hardened"),
                    labelled("privileged"),
                    container("default"),
                ],
            ),
        );
        // Privileged containers get `label=disable` from the daemon.
        assert_outcome(&outcome, Verdict::Warn, &["hbc-privileged", "hbc-default"]);
        assert_eq!(outcome.findings[0].code, "WL603");
        assert_eq!(outcome.findings[1].code, "HB503");
        let pass = run(&CHECK_5_3, &snapshot(info, vec![labelled("hardened")]));
        assert_outcome(&pass, Verdict::Pass, &[]);
    }

    #[test]
    fn capabilities_beyond_the_default_set() {
        let outcome = run(&CHECK_5_4, &snapshot(no_info(), fleet()));
        assert_outcome(&outcome, Verdict::Warn, &["hbc-caps", "hbc-cap-all"]);
        let caps: Vec<(&str, &str)> = outcome
            .findings
            .iter()
            .filter(|f| f.location.file == "docker://hbc-caps")
            .map(|f| (f.code.as_ref(), f.message.as_str()))
            .collect();
        // SYS_ADMIN and DAC_READ_SEARCH by WL101, IPC_LOCK beyond the default set, CHOWN is
        // a default capability.
        assert_eq!(caps.len(), 3, "{caps:?}");
        assert_eq!(caps.iter().filter(|(c, _)| *c == "WL101").count(), 2);
        assert!(
            caps.iter()
                .any(|(c, m)| *c == "HB504" && m.contains("`IPC_LOCK`"))
        );
        assert!(!caps.iter().any(|(_, m)| m.contains("CHOWN")));
        assert_outcome(
            &run(
                &CHECK_5_4,
                &snapshot(no_info(), vec![container("hardened")]),
            ),
            Verdict::Pass,
            &[],
        );
        assert_outcome(
            &run(&CHECK_5_4, &snapshot(no_info(), vec![])),
            Verdict::Info,
            &[],
        );
    }

    #[test]
    fn privileged_including_stopped() {
        let outcome = run(&CHECK_5_5, &snapshot(no_info(), fleet()));
        assert_outcome(&outcome, Verdict::Warn, &["hbc-privileged"]);
        assert_eq!(
            outcome.details.as_deref(),
            Some("Containers running in privileged mode: hbc-privileged")
        );
        assert_outcome(
            &run(&CHECK_5_5, &snapshot(no_info(), vec![container("default")])),
            Verdict::Pass,
            &[],
        );
    }

    #[test]
    fn seccomp_unconfined() {
        let outcome = run(&CHECK_5_22, &snapshot(no_info(), fleet()));
        assert_outcome(&outcome, Verdict::Warn, &["hbc-secopt"]);
        assert_outcome(
            &run(
                &CHECK_5_22,
                &snapshot(no_info(), vec![container("hardened")]),
            ),
            Verdict::Pass,
            &[],
        );
    }

    /// The `default` fixture run with `seccomp=<profile>` (as the engine stores it).
    fn with_inline_profile(name: &str, profile: &str) -> crate::snapshot::ContainerRecord {
        container_with("default", |inspect| {
            inspect["Name"] = Value::from(format!("/{name}"));
            inspect["HostConfig"]["SecurityOpt"] =
                serde_json::json!([format!("seccomp={profile}")]);
        })
    }

    #[test]
    fn seccomp_weak_inline_profiles_warn_with_their_findings() {
        let weak = r#"{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [ { "names": ["read", "write", "ptrace"], "action": "SCMP_ACT_ALLOW" } ]
}"#;
        let outcome = run(
            &CHECK_5_22,
            &snapshot(
                no_info(),
                vec![
                    with_inline_profile("weak", weak),
                    with_inline_profile("docker-default", dockguard_seccomp::DOCKER_DEFAULT),
                    container("hardened"),
                ],
            ),
        );
        assert_outcome(&outcome, Verdict::Warn, &["weak"]);
        let details = outcome.details.clone().unwrap();
        assert!(
            details.starts_with("Custom seccomp profiles with weaknesses: SC"),
            "{details}"
        );
        assert!(
            details.contains("SC101 container `weak`'s seccomp profile, line 4: `ptrace`"),
            "{details}"
        );
        assert!(outcome.findings.iter().all(|f| f.code.starts_with("SC1")));

        // With an unconfined container too: both in the details.
        let mut containers = fleet();
        containers.push(with_inline_profile("weak", weak));
        let outcome = run(&CHECK_5_22, &snapshot(no_info(), containers));
        assert_outcome(&outcome, Verdict::Warn, &["hbc-secopt", "weak"]);
        let details = outcome.details.unwrap();
        assert!(
            details.contains("disabled: hbc-secopt; Custom seccomp"),
            "{details}"
        );

        // Docker's default profile inline changes nothing.
        assert_outcome(
            &run(
                &CHECK_5_22,
                &snapshot(
                    no_info(),
                    vec![with_inline_profile(
                        "docker-default",
                        dockguard_seccomp::DOCKER_DEFAULT,
                    )],
                ),
            ),
            Verdict::Pass,
            &[],
        );
    }

    #[test]
    fn no_new_privileges_false_is_not_restricted() {
        let outcome = run(
            &CHECK_5_26,
            &snapshot(
                no_info(),
                vec![
                    container("hardened"),
                    container("secopt"),
                    container("default"),
                ],
            ),
        );
        assert_outcome(&outcome, Verdict::Warn, &["hbc-secopt", "hbc-default"]);
        assert_outcome(
            &run(
                &CHECK_5_26,
                &snapshot(no_info(), vec![container("hardened")]),
            ),
            Verdict::Pass,
            &[],
        );

        // With the daemon's default on, only the explicit `=false` remains.
        let facts = HostFacts {
            daemon: DaemonConfig {
                json: json!({"no-new-privileges": true}),
                ..DaemonConfig::default()
            },
            ..HostFacts::default()
        };
        let snap = snapshot(
            no_info(),
            vec![
                container("hardened"),
                container("secopt"),
                container("default"),
            ],
        );
        let outcome = run_with(&CHECK_5_26, &snap, &facts);
        assert_outcome(&outcome, Verdict::Warn, &["hbc-secopt"]);
        let info = info_with(&["name=seccomp,profile=builtin", "name=no-new-privileges"]);
        let outcome = run(&CHECK_5_26, &snapshot(info, vec![container("default")]));
        assert_outcome(&outcome, Verdict::Pass, &[]);
    }
}
