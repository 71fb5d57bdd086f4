//! CIS section 1 checks of the host itself: 1.1.1 (a separate partition for the data root),
//! 1.1.2 (who may control the daemon), 1.2.1 (host hardening, manual) and 1.2.2 (Docker's
//! version, manual). The audit-rule checks 1.1.3–1.1.18 are in [`super::s1_audit`].

use super::{Check, Ctx, Outcome, host_location};
use serde_json::Value;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Checks that the daemon's data root (`DockerRootDir` of `docker info`, `/var/lib/docker`
    /// by default) is a mount point of its own. With `userns-remap` the engine reports
    /// `<data-root>/<uid>.<gid>`, so the check looks at its parent, the data root itself.
    ///
    /// ## Why is this bad?
    /// Images, containers' writable layers, volumes and logs all live below the data root. On
    /// the root filesystem, one container writing without limit fills the disk the host needs to
    /// run, log in and recover.
    ///
    /// ## Example
    /// ```text
    /// $ findmnt /var/lib/docker
    /// (nothing: /var/lib/docker lives on /)
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// The same rule (`mountpoint -q`), read from the host's mount table (`/proc/1/mountinfo`)
    /// instead of running `mountpoint`; userns-remap is detected from `SecurityOptions`
    /// (`name=userns`) rather than by grepping `docker info` for "userns". A WARN names the
    /// filesystem the data root lives on.
    ///
    /// ## Fix
    /// For new installations, create a separate partition for the `/var/lib/docker` mount point.
    /// On installed systems, use the Logical Volume Manager (LVM) to create a new logical volume,
    /// copy the data root onto it and mount it at `/var/lib/docker` (add it to `/etc/fstab`).
    pub struct DataRootPartition {
        code: "HB1101",
        name: "data-root-not-separate-partition",
        step: HostBench,
        severity: Low,
        summary: "Ensure a separate partition for containers has been created (Automated)",
        references: [Cis "1.1.1"],
    }
}

pub static CHECK_1_1_1: Check = Check {
    id: "1.1.1",
    scored: true,
    meta: DataRootPartition::META,
    eval: eval_1_1_1,
};

/// The daemon's data root: `DockerRootDir`, or its parent with userns-remap (where the engine
/// reports `<data-root>/<uid>.<gid>`).
pub fn data_root(ctx: &Ctx) -> Option<String> {
    let dir = ctx
        .snapshot
        .info
        .get("DockerRootDir")
        .and_then(Value::as_str)
        .map(|d| d.trim_end_matches('/'))
        .filter(|d| !d.is_empty())?;
    if ctx.snapshot.userns_remap()
        && let Some((parent, last)) = dir.rsplit_once('/')
        && last.contains('.')
    {
        return Some(if parent.is_empty() { "/" } else { parent }.to_string());
    }
    Some(dir.to_string())
}

fn eval_1_1_1(ctx: &Ctx) -> Outcome {
    let Some(dir) = data_root(ctx) else {
        return Outcome::info("The engine did not report its data root (DockerRootDir)");
    };
    if ctx.facts.mounts.is_empty() {
        return Outcome::info(format!(
            "The mount table (/proc/1/mountinfo) could not be read to check {dir}"
        ));
    }
    if ctx.facts.is_mount_point(&dir) {
        return Outcome::pass();
    }
    let on = ctx
        .facts
        .mount_of(&dir)
        .map(|m| format!(" (it is on the filesystem mounted at {})", m.mount_point))
        .unwrap_or_default();
    Outcome::warn(
        &CHECK_1_1_1.meta,
        ctx.config,
        format!("{dir} is not a separate partition{on}"),
        host_location(&dir),
    )
}

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Lists the members of the group the daemon gives its socket to (`docker`, or the
    /// `--group` / `"group"` setting): the users listed in `/etc/group` and those whose primary
    /// group it is in `/etc/passwd`. With trusted users configured (`--trusted-users`, like
    /// docker-bench-security's `-u`), any other member is a WARN; without, the members are shown
    /// (INFO) for the operator to judge.
    ///
    /// ## Why is this bad?
    /// Whoever can write to the Docker socket can start a privileged container that mounts the
    /// host's root filesystem: membership of the `docker` group is root on the host, without
    /// password, sudo log or audit trail.
    ///
    /// ## Example
    /// ```text
    /// $ getent group docker
    /// docker:x:999:alice,ci-runner,olduser
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security matches each member against the trusted list as a substring
    /// (`grep -q`), so `al` trusts `alice`, and it overwrites all but the last doubtful user;
    /// dockguard compares whole names, reports every doubtful user, counts users whose primary
    /// group is `docker`, always trusts `root`, follows the daemon's `group` setting, and reports
    /// INFO for a rootless daemon, which the group does not control.
    ///
    /// ## Fix
    /// Remove untrusted users from the docker group (`sudo gpasswd -d <user> docker`) and add only
    /// the trusted ones (`sudo usermod -aG docker <user>`). Prefer rootless Docker for users who
    /// only need containers of their own.
    pub struct TrustedDockerGroup {
        code: "HB1102",
        name: "untrusted-docker-group-member",
        step: HostBench,
        severity: High,
        summary: "Ensure only trusted users are allowed to control Docker daemon (Automated)",
        references: [Cis "1.1.2", Cwe "CWE-250"],
    }
}

pub static CHECK_1_1_2: Check = Check {
    id: "1.1.2",
    scored: true,
    meta: TrustedDockerGroup::META,
    eval: eval_1_1_2,
};

fn eval_1_1_2(ctx: &Ctx) -> Outcome {
    if ctx.snapshot.rootless() || ctx.facts.rootless {
        let owner = ctx
            .facts
            .dockerd
            .as_ref()
            .map(|p| format!(" {}", ctx.facts.user_name(p.uid)))
            .unwrap_or_default();
        return Outcome::info(format!(
            "Rootless daemon: only its user{owner} controls it, through a socket of its own; \
             the docker group does not apply"
        ));
    }
    if ctx.facts.groups.is_empty() {
        return Outcome::info("/etc/group could not be read");
    }
    let group = ctx.facts.socket_group();
    let members = ctx.facts.group_members(&group).unwrap_or_default();
    let trusted = &ctx.options.trusted_users;
    if trusted.is_empty() {
        return Outcome::info(format!("Users: {}", members.join(","))).with_items(members);
    }
    let doubtful: Vec<String> = members
        .into_iter()
        .filter(|m| m != "root" && !trusted.contains(m))
        .collect();
    if doubtful.is_empty() {
        return Outcome::pass();
    }
    Outcome::warn(
        &CHECK_1_1_2.meta,
        ctx.config,
        format!("Doubtful users: {}", doubtful.join(",")),
        host_location("/etc/group"),
    )
    .with_items(doubtful)
}

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// A manual check (NOTE): the host that runs containers must itself be hardened.
    ///
    /// ## Why is this bad?
    /// Containers share the host's kernel. A host with needless services, missing updates or
    /// weak access control is an attack path to every container, and a container escape lands on
    /// it.
    ///
    /// ## Example
    /// A general-purpose server that also runs a mail server, a desktop and the containers.
    ///
    /// ## Fix
    /// Harden the host following a security benchmark for its operating system (the CIS
    /// benchmark of the distribution), or use a minimal container OS.
    pub struct HostHardened {
        code: "HB1201",
        name: "host-not-hardened",
        step: HostBench,
        severity: Info,
        summary: "Ensure the container host has been Hardened (Manual)",
        references: [Cis "1.2.1"],
    }
}

pub static CHECK_1_2_1: Check = Check {
    id: "1.2.1",
    scored: false,
    meta: HostHardened::META,
    eval: |_| Outcome::note(),
};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Shows the engine's version (`Version` of `GET /version`) for the operator to compare with
    /// the current Docker release: always INFO, a manual check.
    ///
    /// ## Why is this bad?
    /// Old engines carry known vulnerabilities (container escapes in runc, the daemon's API,
    /// BuildKit) that later releases fix.
    ///
    /// ## Example
    /// ```text
    /// [INFO] 1.2.2 - Ensure that the version of Docker is up to date (Manual)
    /// [INFO]       * Using 20.10.24, verify it is up to date as deemed necessary
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security compares the version with `YY.MM.0` of the date 30 days ago and
    /// passes anything newer. Docker's versions stopped following the calendar after 20.10
    /// (23.0, 24.0, … 28.x), so that comparison means nothing; telling whether a version is
    /// current needs the list of releases, which an offline bench does not have. dockguard
    /// therefore always reports INFO with the version (docker-bench-security: PASS or INFO
    /// depending on the date).
    ///
    /// ## Fix
    /// Follow Docker's releases (or your distribution's security updates for its Docker
    /// packages) and update the engine as required.
    pub struct DockerUpToDate {
        code: "HB1202",
        name: "docker-version",
        step: HostBench,
        severity: Info,
        summary: "Ensure that the version of Docker is up to date (Manual)",
        references: [Cis "1.2.2"],
    }
}

pub static CHECK_1_2_2: Check = Check {
    id: "1.2.2",
    scored: false,
    meta: DockerUpToDate::META,
    eval: eval_1_2_2,
};

fn eval_1_2_2(ctx: &Ctx) -> Outcome {
    let version = ctx
        .snapshot
        .version
        .get("Version")
        .and_then(Value::as_str)
        .or_else(|| {
            ctx.snapshot
                .info
                .get("ServerVersion")
                .and_then(Value::as_str)
        })
        .filter(|v| !v.is_empty());
    match version {
        Some(v) => Outcome::info(format!(
            "Using {v}, verify it is up to date as deemed necessary"
        )),
        None => Outcome::info("The engine did not report its version"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use crate::checks::h_testing::run;
    use crate::facts::{Group, HostFacts, Mount, User};
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    fn mounts(points: &[&str]) -> Vec<Mount> {
        points
            .iter()
            .map(|p| Mount {
                mount_point: p.to_string(),
                fs_type: "ext4".into(),
                source: "/dev/vda".into(),
            })
            .collect()
    }

    fn snapshot(info: Value) -> Snapshot {
        Snapshot {
            info,
            ..Snapshot::default()
        }
    }

    #[test]
    fn data_root_partition() {
        let facts = HostFacts {
            mounts: mounts(&["/", "/var/lib/docker"]),
            ..HostFacts::default()
        };
        let options = Options::default();
        let pass = snapshot(json!({"DockerRootDir": "/var/lib/docker"}));
        assert_eq!(
            run(&CHECK_1_1_1, &pass, &facts, &options).verdict,
            Verdict::Pass
        );

        // userns-remap: the engine reports <root>/<uid>.<gid>; its parent is the mount point.
        let remap = snapshot(json!({
            "DockerRootDir": "/var/lib/docker/165536.165536",
            "SecurityOptions": ["name=seccomp,profile=builtin", "name=userns"],
        }));
        assert_eq!(
            run(&CHECK_1_1_1, &remap, &facts, &options).verdict,
            Verdict::Pass
        );

        let other = snapshot(json!({"DockerRootDir": "/srv/docker"}));
        let out = run(&CHECK_1_1_1, &other, &facts, &options);
        assert_eq!(out.verdict, Verdict::Warn);
        assert_eq!(
            out.details.as_deref(),
            Some("/srv/docker is not a separate partition (it is on the filesystem mounted at /)")
        );
        assert_eq!(out.findings[0].code, "HB1101");
        assert_eq!(out.findings[0].location.file, "/srv/docker");

        let unknown = snapshot(json!({}));
        assert_eq!(
            run(&CHECK_1_1_1, &unknown, &facts, &options).verdict,
            Verdict::Info
        );
        let no_mounts = HostFacts::default();
        assert_eq!(
            run(&CHECK_1_1_1, &pass, &no_mounts, &options).verdict,
            Verdict::Info
        );
    }

    fn group_facts() -> HostFacts {
        HostFacts {
            users: vec![
                User {
                    name: "root".into(),
                    uid: 0,
                    gid: 0,
                    home: "/root".into(),
                },
                User {
                    name: "ci".into(),
                    uid: 1001,
                    gid: 999,
                    home: "/home/ci".into(),
                },
            ],
            groups: vec![
                Group {
                    name: "root".into(),
                    gid: 0,
                    members: vec![],
                },
                Group {
                    name: "docker".into(),
                    gid: 999,
                    members: vec!["alice".into(), "root".into()],
                },
                Group {
                    name: "ops".into(),
                    gid: 1500,
                    members: vec!["bob".into()],
                },
            ],
            ..HostFacts::default()
        }
    }

    #[test]
    fn docker_group_members() {
        let facts = group_facts();
        let snap = Snapshot::default();
        let out = run(&CHECK_1_1_2, &snap, &facts, &Options::default());
        assert_eq!(out.verdict, Verdict::Info);
        assert_eq!(out.details.as_deref(), Some("Users: alice,root,ci"));
        assert_eq!(out.items, ["alice", "root", "ci"]);

        let trusted = Options {
            trusted_users: vec!["alice".into(), "ci".into()],
            ..Options::default()
        };
        assert_eq!(
            run(&CHECK_1_1_2, &snap, &facts, &trusted).verdict,
            Verdict::Pass
        );

        // A prefix is not a name (docker-bench-security's grep would trust "alice" for "al").
        let partial = Options {
            trusted_users: vec!["al".into()],
            ..Options::default()
        };
        let out = run(&CHECK_1_1_2, &snap, &facts, &partial);
        assert_eq!(out.verdict, Verdict::Warn);
        assert_eq!(out.details.as_deref(), Some("Doubtful users: alice,ci"));
        assert_eq!(out.items, ["alice", "ci"]);
        assert_eq!(out.findings[0].location.file, "/etc/group");

        // The daemon gives its socket to another group.
        let mut ops = facts.clone();
        ops.daemon.args = vec!["--group=ops".into()];
        let out = run(&CHECK_1_1_2, &snap, &ops, &partial);
        assert_eq!(out.details.as_deref(), Some("Doubtful users: bob"));

        // Rootless: the group does not control the daemon.
        let rootless = snapshot(json!({"SecurityOptions": ["name=rootless"]}));
        assert_eq!(
            run(&CHECK_1_1_2, &rootless, &facts, &trusted).verdict,
            Verdict::Info
        );
        // Nothing readable.
        let out = run(&CHECK_1_1_2, &snap, &HostFacts::default(), &trusted);
        assert_eq!(out.verdict, Verdict::Info);
    }

    #[test]
    fn manual_checks() {
        let facts = HostFacts::default();
        let options = Options::default();
        let snap = Snapshot {
            version: json!({"Version": "28.1.1", "ApiVersion": "1.49"}),
            ..Snapshot::default()
        };
        assert_eq!(
            run(&CHECK_1_2_1, &snap, &facts, &options).verdict,
            Verdict::Note
        );
        let out = run(&CHECK_1_2_2, &snap, &facts, &options);
        assert_eq!(out.verdict, Verdict::Info);
        assert_eq!(
            out.details.as_deref(),
            Some("Using 28.1.1, verify it is up to date as deemed necessary")
        );
        let from_info = snapshot(json!({"ServerVersion": "20.10.24+dfsg1"}));
        let out = run(&CHECK_1_2_2, &from_info, &facts, &options);
        assert!(out.details.unwrap().starts_with("Using 20.10.24+dfsg1"));
        assert_eq!(
            run(&CHECK_1_2_2, &Snapshot::default(), &facts, &options)
                .details
                .as_deref(),
            Some("The engine did not report its version")
        );
    }
}
