//! CIS 1.1.3–1.1.18: an audit rule watches each Docker file and directory. One table row per
//! check; every check has its own code, title and doc (a template with the path filled in).
//!
//! A rule counts when it watches exactly the path (`-w <path>`, `-F path=<path>`,
//! `-F dir=<path>`), read from `/etc/audit/audit.rules`, `/etc/audit/rules.d/*.rules` and, on
//! the real host, `auditctl -l` (see [`crate::facts::HostFacts::has_audit_rule`]).

use super::s1_host::data_root;
use super::{Check, Ctx, Outcome, host_location};
use crate::facts::FileKind;
use dockguard_core::{RefKind, Reference, RuleMeta, Severity, Step};

/// Which path a check audits.
#[derive(Debug, Clone, Copy)]
pub enum AuditTarget {
    /// This path.
    Path(&'static str),
    /// The running dockerd's binary (`/proc/<pid>/exe`) and `/usr/bin/dockerd` when it exists
    /// (or when the running binary is unknown).
    DockerdBinary,
    /// The daemon's data root (`/var/lib/docker` unless `data-root` moves it).
    DataRoot,
    /// The systemd unit file, wherever it is installed.
    Unit(&'static str),
    /// containerd's socket as the daemon uses it.
    ContainerdSocket,
    /// The daemon.json that applies (`--config-file`, the rootless path, or
    /// `/etc/docker/daemon.json`).
    DaemonJson,
}

/// What must exist for the check to apply (else INFO "File not found").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: checked even when absent (as docker-bench-security does).
    Nothing,
    Dir,
    File,
    /// Anything (a socket, a file).
    Exists,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct AuditSpec {
    pub target: AuditTarget,
    pub need: Need,
    /// Whether the path matters for a rootless daemon too (the binaries, its daemon.json and
    /// data root); other paths get INFO for a rootless daemon.
    pub rootless: bool,
}

impl AuditSpec {
    /// The paths to audit (a rule on any of them is enough), first the one to name.
    fn paths(&self, ctx: &Ctx) -> Vec<String> {
        match self.target {
            AuditTarget::Path(p) => vec![p.to_string()],
            AuditTarget::DockerdBinary => {
                const DEFAULT: &str = "/usr/bin/dockerd";
                let running = ctx.facts.dockerd.as_ref().and_then(|p| p.exe.clone());
                let mut paths: Vec<String> = running.iter().cloned().collect();
                if (running.is_none() || ctx.facts.kind(DEFAULT).is_some())
                    && running.as_deref() != Some(DEFAULT)
                {
                    paths.push(DEFAULT.to_string());
                }
                paths
            }
            AuditTarget::DataRoot => {
                vec![data_root(ctx).unwrap_or_else(|| "/var/lib/docker".to_string())]
            }
            AuditTarget::Unit(name) => ctx.facts.unit_path(name).into_iter().collect(),
            AuditTarget::ContainerdSocket => vec![ctx.facts.containerd_socket()],
            AuditTarget::DaemonJson => ctx
                .facts
                .daemon_json_path
                .clone()
                .or_else(|| (!rootless(ctx)).then(|| "/etc/docker/daemon.json".to_string()))
                .into_iter()
                .collect(),
        }
    }
}

fn rootless(ctx: &Ctx) -> bool {
    ctx.snapshot.rootless() || ctx.facts.rootless
}

/// Evaluates one row: INFO when the path does not apply or does not exist, PASS when an audit
/// rule watches it, WARN otherwise.
pub fn evaluate(ctx: &Ctx, check: &'static Check, spec: AuditSpec) -> Outcome {
    if rootless(ctx) && !spec.rootless {
        return Outcome::info("Not used by a rootless daemon");
    }
    let paths = spec_paths_or_default(ctx, &spec);
    let Some(first) = paths.first().cloned() else {
        return Outcome::info(match spec.need {
            Need::Dir => "Directory not found",
            _ => "File not found",
        });
    };
    let present = |path: &String| {
        let kind = ctx.facts.kind(path);
        match spec.need {
            Need::Nothing => true,
            Need::Dir => kind == Some(FileKind::Dir),
            Need::File => kind == Some(FileKind::File),
            Need::Exists => kind.is_some(),
        }
    };
    if !paths.iter().any(present) {
        let what = if spec.need == Need::Dir {
            "Directory"
        } else {
            "File"
        };
        return Outcome::info(format!("{what} not found: {first}"));
    }
    if paths.iter().any(|p| ctx.facts.has_audit_rule(p)) {
        return Outcome::pass();
    }
    let why = if ctx.facts.audit_rules.is_empty() {
        " (no audit rules found: is auditd installed?)"
    } else {
        ""
    };
    Outcome::warn(
        &check.meta,
        ctx.config,
        format!("No audit rule watches {first}{why}"),
        host_location(&first),
    )
}

/// Unit files that are not installed have no path: INFO "File not found" names the unit.
fn spec_paths_or_default(ctx: &Ctx, spec: &AuditSpec) -> Vec<String> {
    let paths = spec.paths(ctx);
    match (spec.target, paths.is_empty()) {
        (AuditTarget::Unit(name), true) => vec![format!("/lib/systemd/system/{name}")],
        _ => paths,
    }
}

/// The doc of a row: what it does, why, an example, the fix, and how it differs from
/// docker-bench-security.
macro_rules! audit_doc {
    ($path:literal, $what:literal, $rule:literal, $compared:literal) => {
        concat!(
            "## What it does\n",
            "Checks that an audit rule watches ",
            $what,
            " (",
            $path,
            "). The rules are read from `/etc/audit/audit.rules`, ",
            "`/etc/audit/rules.d/*.rules` and, on the real host, `auditctl -l`; a rule counts ",
            "when it watches exactly that path (`-w`, `-F path=`, `-F dir=`). INFO when the path ",
            "does not exist, or does not apply to a rootless daemon.\n\n",
            "## Why is this bad?\n",
            "The Docker daemon runs as root and its files decide what every container may do. ",
            "Without an audit trail, changes to them (a replaced binary, an edited configuration, ",
            "an opened socket) go unnoticed and cannot be investigated after an incident.\n\n",
            "## Example\n",
            "```text\n",
            "$ auditctl -l\n",
            "No rules\n",
            "```\n\n",
            "## Compared with docker-bench-security\n",
            "docker-bench-security greps `auditctl -l` (or `/etc/audit/audit.rules` alone) for ",
            "the path as a substring, so a rule for `/etc/docker/daemon.json` counts for ",
            "`/etc/docker` and one for `/usr/bin/dockerd-rootless.sh` for `/usr/bin/dockerd`. ",
            "dockguard wants a rule on exactly the path, also reads `/etc/audit/rules.d`, ",
            "ignores `never` rules and reports INFO for paths a rootless daemon does not use.",
            $compared,
            "\n\n",
            "## Fix\n",
            "Install auditd. Add `",
            $rule,
            "` to the `/etc/audit/rules.d/audit.rules` file, then reload the rules ",
            "(`augenrules --load`) or restart the audit daemon (`service auditd restart`). ",
            "Audit logs grow: rotate and archive them, ideally on a partition of their own.\n"
        )
    };
}

/// One `pub static` check per row.
macro_rules! audit_checks {
    ($(
        $static:ident {
            id: $id:literal,
            code: $code:literal,
            name: $name:literal,
            title: $title:literal,
            path: $path:literal,
            what: $what:literal,
            rule: $rule:literal,
            compared: $compared:literal,
            target: $target:expr,
            need: $need:expr,
            rootless: $rootless:literal $(,)?
        }
    )*) => {
        $(
            #[doc = concat!("CIS ", $id, ": ", $title)]
            pub static $static: Check = Check {
                id: $id,
                scored: true,
                meta: RuleMeta {
                    code: $code,
                    name: $name,
                    step: Step::HostBench,
                    severity: Severity::Low,
                    summary: $title,
                    doc: audit_doc!($path, $what, $rule, $compared),
                    references: &[Reference::new(RefKind::Cis, $id)],
                    fixable: false,
                    default_enabled: true,
                },
                eval: |ctx| {
                    evaluate(
                        ctx,
                        &$static,
                        AuditSpec {
                            target: $target,
                            need: $need,
                            rootless: $rootless,
                        },
                    )
                },
            };
        )*

        /// The checks of this table, in CIS order.
        pub static CHECKS: &[&Check] = &[$(&$static),*];
    };
}

audit_checks! {
    CHECK_1_1_3 {
        id: "1.1.3",
        code: "HB1103",
        name: "dockerd-not-audited",
        title: "Ensure auditing is configured for the Docker daemon (Automated)",
        path: "/usr/bin/dockerd",
        what: "the Docker daemon's binary",
        rule: "-w /usr/bin/dockerd -k docker",
        compared: " The binary audited is the one dockerd runs from (`/proc/<pid>/exe`, e.g. \
            `/usr/sbin/dockerd` on Debian) as well as `/usr/bin/dockerd` when that exists; \
            docker-bench-security only looks for `/usr/bin/dockerd`.",
        target: AuditTarget::DockerdBinary,
        need: Need::Nothing,
        rootless: true,
    }
    CHECK_1_1_4 {
        id: "1.1.4",
        code: "HB1104",
        name: "run-containerd-not-audited",
        title: "Ensure auditing is configured for Docker files and directories -/run/containerd (Automated)",
        path: "/run/containerd",
        what: "containerd's runtime directory",
        rule: "-a exit,always -F path=/run/containerd -F perm=war -k docker",
        compared: "",
        target: AuditTarget::Path("/run/containerd"),
        need: Need::Nothing,
        rootless: false,
    }
    CHECK_1_1_5 {
        id: "1.1.5",
        code: "HB1105",
        name: "data-root-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /var/lib/docker (Automated)",
        path: "/var/lib/docker",
        what: "the daemon's data root",
        rule: "-w /var/lib/docker -k docker",
        compared: " The directory audited is the daemon's data root (`DockerRootDir`, its parent \
            with userns-remap), which is `/var/lib/docker` unless `data-root` moves it; \
            docker-bench-security always looks at `/var/lib/docker`.",
        target: AuditTarget::DataRoot,
        need: Need::Dir,
        rootless: true,
    }
    CHECK_1_1_6 {
        id: "1.1.6",
        code: "HB1106",
        name: "etc-docker-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /etc/docker (Automated)",
        path: "/etc/docker",
        what: "the daemon's configuration directory",
        rule: "-w /etc/docker -k docker",
        compared: "",
        target: AuditTarget::Path("/etc/docker"),
        need: Need::Dir,
        rootless: false,
    }
    CHECK_1_1_7 {
        id: "1.1.7",
        code: "HB1107",
        name: "docker-service-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - docker.service (Automated)",
        path: "docker.service",
        what: "the docker.service unit file",
        rule: "-w /lib/systemd/system/docker.service -k docker",
        compared: " The unit is looked up in /etc/systemd/system, /lib/systemd/system, \
            /usr/lib/systemd/system and /run/systemd/system, without calling systemctl.",
        target: AuditTarget::Unit("docker.service"),
        need: Need::File,
        rootless: false,
    }
    CHECK_1_1_8 {
        id: "1.1.8",
        code: "HB1108",
        name: "containerd-sock-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - containerd.sock (Automated)",
        path: "containerd.sock",
        what: "containerd's socket",
        rule: "-w /run/containerd/containerd.sock -k docker",
        compared: " The socket is the one the daemon uses: `--containerd` / `\"containerd\"`, \
            else `/run/containerd/containerd.sock` or the one of the containerd dockerd starts \
            itself (`/run/docker/containerd/containerd.sock`); docker-bench-security takes the \
            first `containerd.sock` that `find /run` prints.",
        target: AuditTarget::ContainerdSocket,
        need: Need::Exists,
        rootless: false,
    }
    CHECK_1_1_9 {
        id: "1.1.9",
        code: "HB1109",
        name: "docker-socket-unit-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - docker.socket (Automated)",
        path: "docker.socket",
        what: "the docker.socket unit file",
        rule: "-w /lib/systemd/system/docker.socket -k docker",
        compared: " The unit is looked up in /etc/systemd/system, /lib/systemd/system, \
            /usr/lib/systemd/system and /run/systemd/system, without calling systemctl.",
        target: AuditTarget::Unit("docker.socket"),
        need: Need::Exists,
        rootless: false,
    }
    CHECK_1_1_10 {
        id: "1.1.10",
        code: "HB1110",
        name: "etc-default-docker-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /etc/default/docker (Automated)",
        path: "/etc/default/docker",
        what: "the daemon's environment file",
        rule: "-w /etc/default/docker -k docker",
        compared: "",
        target: AuditTarget::Path("/etc/default/docker"),
        need: Need::File,
        rootless: false,
    }
    CHECK_1_1_11 {
        id: "1.1.11",
        code: "HB1111",
        name: "daemon-json-not-audited",
        title: "Ensure auditing is configured for Dockerfiles and directories - /etc/docker/daemon.json (Automated)",
        path: "/etc/docker/daemon.json",
        what: "the daemon's configuration file",
        rule: "-w /etc/docker/daemon.json -k docker",
        compared: " The file audited is the daemon.json that applies (`--config-file`, or \
            `~/.config/docker/daemon.json` for a rootless daemon); docker-bench-security always \
            looks at `/etc/docker/daemon.json`.",
        target: AuditTarget::DaemonJson,
        need: Need::File,
        rootless: true,
    }
    CHECK_1_1_12 {
        id: "1.1.12",
        code: "HB1112",
        name: "containerd-config-not-audited",
        title: "Ensure auditing is configured for Dockerfiles and directories - /etc/containerd/config.toml (Automated)",
        path: "/etc/containerd/config.toml",
        what: "containerd's configuration file",
        rule: "-w /etc/containerd/config.toml -k docker",
        compared: " (docker-bench-security repeats the id in this title: \"1.1.12 Ensure …\".)",
        target: AuditTarget::Path("/etc/containerd/config.toml"),
        need: Need::File,
        rootless: false,
    }
    CHECK_1_1_13 {
        id: "1.1.13",
        code: "HB1113",
        name: "etc-sysconfig-docker-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker (Automated)",
        path: "/etc/sysconfig/docker",
        what: "the daemon's environment file",
        rule: "-w /etc/sysconfig/docker -k docker",
        compared: "",
        target: AuditTarget::Path("/etc/sysconfig/docker"),
        need: Need::File,
        rootless: false,
    }
    CHECK_1_1_14 {
        id: "1.1.14",
        code: "HB1114",
        name: "containerd-binary-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd (Automated)",
        path: "/usr/bin/containerd",
        what: "containerd's binary",
        rule: "-w /usr/bin/containerd -k docker",
        compared: "",
        target: AuditTarget::Path("/usr/bin/containerd"),
        need: Need::File,
        rootless: true,
    }
    CHECK_1_1_15 {
        id: "1.1.15",
        code: "HB1115",
        name: "containerd-shim-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim (Automated)",
        path: "/usr/bin/containerd-shim",
        what: "containerd's shim binary",
        rule: "-w /usr/bin/containerd-shim -k docker",
        compared: "",
        target: AuditTarget::Path("/usr/bin/containerd-shim"),
        need: Need::File,
        rootless: true,
    }
    CHECK_1_1_16 {
        id: "1.1.16",
        code: "HB1116",
        name: "containerd-shim-runc-v1-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v1 (Automated)",
        path: "/usr/bin/containerd-shim-runc-v1",
        what: "containerd's runc v1 shim binary",
        rule: "-w /usr/bin/containerd-shim-runc-v1 -k docker",
        compared: "",
        target: AuditTarget::Path("/usr/bin/containerd-shim-runc-v1"),
        need: Need::File,
        rootless: true,
    }
    CHECK_1_1_17 {
        id: "1.1.17",
        code: "HB1117",
        name: "containerd-shim-runc-v2-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v2 (Automated)",
        path: "/usr/bin/containerd-shim-runc-v2",
        what: "containerd's runc v2 shim binary",
        rule: "-w /usr/bin/containerd-shim-runc-v2 -k docker",
        compared: "",
        target: AuditTarget::Path("/usr/bin/containerd-shim-runc-v2"),
        need: Need::File,
        rootless: true,
    }
    CHECK_1_1_18 {
        id: "1.1.18",
        code: "HB1118",
        name: "runc-not-audited",
        title: "Ensure auditing is configured for Docker files and directories - /usr/bin/runc (Automated)",
        path: "/usr/bin/runc",
        what: "the runc binary",
        rule: "-w /usr/bin/runc -k docker",
        compared: "",
        target: AuditTarget::Path("/usr/bin/runc"),
        need: Need::File,
        rootless: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use crate::checks::h_testing::{facts_at, run};
    use crate::facts::DockerdProcess;
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;
    use std::fs;
    use std::path::Path;

    fn write(root: &Path, path: &str) {
        let full = root.join(path.trim_start_matches('/'));
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, "x").unwrap();
    }

    fn mkdir(root: &Path, path: &str) {
        fs::create_dir_all(root.join(path.trim_start_matches('/'))).unwrap();
    }

    /// A host with every audited path present.
    fn host() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "/usr/bin/dockerd",
            "/lib/systemd/system/docker.service",
            "/lib/systemd/system/docker.socket",
            "/run/containerd/containerd.sock",
            "/etc/default/docker",
            "/etc/docker/daemon.json",
            "/etc/containerd/config.toml",
            "/etc/sysconfig/docker",
            "/usr/bin/containerd",
            "/usr/bin/containerd-shim",
            "/usr/bin/containerd-shim-runc-v1",
            "/usr/bin/containerd-shim-runc-v2",
            "/usr/bin/runc",
        ] {
            write(root, file);
        }
        mkdir(root, "/var/lib/docker");
        dir
    }

    const RULES: &str = "-w /usr/bin/dockerd -k docker
-a exit,always -F path=/run/containerd -F perm=war -k docker
-w /var/lib/docker -k docker
-w /etc/docker -k docker
-w /lib/systemd/system/docker.service -k docker
-w /run/containerd/containerd.sock -k docker
-w /lib/systemd/system/docker.socket -k docker
-w /etc/default/docker -k docker
-w /etc/docker/daemon.json -k docker
-w /etc/containerd/config.toml -k docker
-w /etc/sysconfig/docker -k docker
-w /usr/bin/containerd -k docker
-w /usr/bin/containerd-shim -k docker
-w /usr/bin/containerd-shim-runc-v1 -k docker
-w /usr/bin/containerd-shim-runc-v2 -k docker
-w /usr/bin/runc -k docker";

    fn info() -> Snapshot {
        Snapshot {
            info: json!({"DockerRootDir": "/var/lib/docker"}),
            ..Snapshot::default()
        }
    }

    fn verdicts(snapshot: &Snapshot, facts: &crate::facts::HostFacts) -> Vec<(String, Verdict)> {
        CHECKS
            .iter()
            .map(|c| {
                let out = run(c, snapshot, facts, &Options::default());
                (c.id.to_string(), out.verdict)
            })
            .collect()
    }

    #[test]
    fn table_is_complete() {
        let ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        let expected: Vec<String> = (3..=18).map(|n| format!("1.1.{n}")).collect();
        assert_eq!(ids, expected);
        for check in CHECKS {
            let n: u32 = check.id.rsplit('.').next().unwrap().parse().unwrap();
            assert_eq!(check.meta.code, format!("HB11{n:02}"));
            assert!(check.scored);
            assert!(check.meta.doc.contains("## Fix\nInstall auditd."));
            assert!(check.meta.remediation().unwrap().contains("-k docker"));
            assert_eq!(check.meta.references[0].id, check.id);
        }
    }

    #[test]
    fn every_path_audited_passes() {
        let dir = host();
        let mut facts = facts_at(dir.path());
        facts.daemon_json_path = Some("/etc/docker/daemon.json".into());
        facts.audit_rules = crate::facts::audit_rule_lines(RULES);
        for (id, verdict) in verdicts(&info(), &facts) {
            assert_eq!(verdict, Verdict::Pass, "{id}");
        }
    }

    #[test]
    fn no_rules_warn() {
        let dir = host();
        let mut facts = facts_at(dir.path());
        facts.daemon_json_path = Some("/etc/docker/daemon.json".into());
        for (id, verdict) in verdicts(&info(), &facts) {
            assert_eq!(verdict, Verdict::Warn, "{id}");
        }
        let out = run(&CHECK_1_1_6, &info(), &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("No audit rule watches /etc/docker (no audit rules found: is auditd installed?)")
        );
        assert_eq!(out.findings[0].code, "HB1106");
        assert_eq!(out.findings[0].location.file, "/etc/docker");

        // A rule on a longer path is no rule on this one.
        facts.audit_rules = vec!["-w /etc/docker/daemon.json -k docker".into()];
        let out = run(&CHECK_1_1_6, &info(), &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("No audit rule watches /etc/docker")
        );
        assert_eq!(
            run(&CHECK_1_1_11, &info(), &facts, &Options::default()).verdict,
            Verdict::Pass
        );
    }

    #[test]
    fn missing_paths_are_info() {
        let dir = tempfile::tempdir().unwrap();
        let mut facts = facts_at(dir.path());
        facts.daemon_json_path = Some("/etc/docker/daemon.json".into());
        for (id, verdict) in verdicts(&info(), &facts) {
            // 1.1.3 and 1.1.4 are checked whether or not the path exists.
            let expected = if id == "1.1.3" || id == "1.1.4" {
                Verdict::Warn
            } else {
                Verdict::Info
            };
            assert_eq!(verdict, expected, "{id}");
        }
        let out = run(&CHECK_1_1_5, &info(), &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("Directory not found: /var/lib/docker")
        );
        let out = run(&CHECK_1_1_7, &info(), &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("File not found: /lib/systemd/system/docker.service")
        );
    }

    #[test]
    fn follows_the_running_daemon() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/usr/sbin/dockerd");
        mkdir(root, "/srv/docker/165536.165536");
        write(root, "/srv/dockerd.json");
        write(root, "/run/docker/containerd/containerd.sock");
        write(root, "/usr/lib/systemd/system/docker.service");
        let mut facts = facts_at(root);
        facts.dockerd = Some(DockerdProcess {
            pid: 10,
            uid: 0,
            exe: Some("/usr/sbin/dockerd".into()),
            ..DockerdProcess::default()
        });
        facts.daemon_json_path = Some("/srv/dockerd.json".into());
        facts.audit_rules = crate::facts::audit_rule_lines(
            "-w /usr/sbin/dockerd -k docker\n-w /srv/docker -k docker\n-w /srv/dockerd.json\n\
             -w /run/docker/containerd/containerd.sock\n\
             -w /usr/lib/systemd/system/docker.service -k docker\n",
        );
        let snapshot = Snapshot {
            info: json!({
                "DockerRootDir": "/srv/docker/165536.165536",
                "SecurityOptions": ["name=userns"],
            }),
            ..Snapshot::default()
        };
        let options = Options::default();
        for check in [
            &CHECK_1_1_3,
            &CHECK_1_1_5,
            &CHECK_1_1_7,
            &CHECK_1_1_8,
            &CHECK_1_1_11,
        ] {
            assert_eq!(
                run(check, &snapshot, &facts, &options).verdict,
                Verdict::Pass,
                "{}",
                check.id
            );
        }
        // A rule for /usr/bin/dockerd does not audit the binary that runs (/usr/sbin/dockerd).
        facts.audit_rules = vec!["-w /usr/bin/dockerd -k docker".into()];
        let out = run(&CHECK_1_1_3, &snapshot, &facts, &options);
        assert_eq!(out.verdict, Verdict::Warn);
        assert_eq!(
            out.details.as_deref(),
            Some("No audit rule watches /usr/sbin/dockerd")
        );
    }

    #[test]
    fn rootless_daemon() {
        let dir = host();
        let mut facts = facts_at(dir.path());
        facts.rootless = true;
        facts.daemon_json_path = Some("/home/alice/.config/docker/daemon.json".into());
        let snapshot = Snapshot {
            info: json!({
                "DockerRootDir": "/home/alice/.local/share/docker",
                "SecurityOptions": ["name=rootless"],
            }),
            ..Snapshot::default()
        };
        let got = verdicts(&snapshot, &facts);
        for (id, verdict) in got {
            let expected = match id.as_str() {
                // The binaries: still audited.
                "1.1.3" | "1.1.14" | "1.1.15" | "1.1.16" | "1.1.17" | "1.1.18" => Verdict::Warn,
                // Its own data root and daemon.json: absent here.
                "1.1.5" | "1.1.11" => Verdict::Info,
                _ => Verdict::Info,
            };
            assert_eq!(verdict, expected, "{id}");
        }
        let out = run(&CHECK_1_1_6, &snapshot, &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("Not used by a rootless daemon")
        );
        let out = run(&CHECK_1_1_5, &snapshot, &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("Directory not found: /home/alice/.local/share/docker")
        );
    }
}
