//! CIS 3.1–3.24: owner and permissions of the daemon's configuration files, certificates and
//! sockets. One table row per check; every check has its own code, title and doc.
//!
//! Modes are compared as bit masks ([`crate::facts::FileStat::mode_within`]): `0606` is not
//! "644 or more restrictive", whatever its decimal value. The files are the daemon's real ones:
//! its socket from `-H` / `hosts`, its TLS files from the flags or daemon.json, its daemon.json
//! from `--config-file`, the rootless paths for a rootless daemon.

use super::{Check, Ctx, Outcome, host_location};
use crate::facts::FileKind;
use dockguard_core::{RefKind, Reference, RuleMeta, Severity, Step};

/// Which files a check looks at.
#[derive(Debug, Clone, Copy)]
pub enum FileTarget {
    /// The systemd unit file, wherever it is installed.
    Unit(&'static str),
    /// This path (a directory when the requirement says so).
    Path(&'static str),
    /// Every regular file below the registry certificates directory (`/etc/docker/certs.d`,
    /// `~/.config/docker/certs.d` for a rootless daemon).
    RegistryCerts,
    /// A TLS file of the daemon: `tlscacert`, `tlscert` or `tlskey`.
    Tls(&'static str),
    /// The daemon's Unix sockets.
    DaemonSockets,
    /// The daemon.json that applies.
    DaemonJson,
    /// containerd's socket as the daemon uses it.
    ContainerdSocket,
}

/// What the files must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Owned by `root:root`.
    RootOwned,
    /// Owned by root, group the daemon's socket group (`docker` unless `--group` says
    /// otherwise).
    RootAndSocketGroup,
    /// No permission bit beyond these.
    ModeWithin(u32),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct FileSpec {
    pub target: FileTarget,
    /// The kind the files must be (others count as absent).
    pub kind: FileKind,
    pub requirement: Requirement,
    /// INFO text when nothing is found.
    pub missing: &'static str,
}

fn rootless(ctx: &Ctx) -> bool {
    ctx.snapshot.rootless() || ctx.facts.rootless
}

/// The registry certificates directory: `~/.config/docker/certs.d` (or
/// `$XDG_CONFIG_HOME/docker/certs.d`) of a rootless daemon, else `/etc/docker/certs.d`.
fn certs_dir(ctx: &Ctx) -> Option<String> {
    if !rootless(ctx) {
        return Some("/etc/docker/certs.d".to_string());
    }
    let process = ctx.facts.dockerd.as_ref()?;
    let config = process
        .env
        .get("XDG_CONFIG_HOME")
        .cloned()
        .filter(|d| !d.is_empty())
        .or_else(|| {
            ctx.facts
                .daemon_home()
                .map(|h| format!("{}/.config", h.trim_end_matches('/')))
        })?;
    Some(format!("{}/docker/certs.d", config.trim_end_matches('/')))
}

impl FileSpec {
    /// Whether the row applies to a rootless daemon: mode requirements on the daemon's own
    /// files do; `root:root` ownership and the system-wide files (units, `/etc/docker`,
    /// `/etc/default/docker`, containerd's socket) do not.
    fn applies_rootless(&self) -> bool {
        let own_file = matches!(
            self.target,
            FileTarget::RegistryCerts
                | FileTarget::Tls(_)
                | FileTarget::DaemonSockets
                | FileTarget::DaemonJson
        );
        own_file && matches!(self.requirement, Requirement::ModeWithin(_))
    }

    /// The host paths of the files, and the path to name when there is none.
    fn files(&self, ctx: &Ctx) -> (Vec<String>, Option<String>) {
        match self.target {
            FileTarget::Unit(name) => match ctx.facts.unit_path(name) {
                Some(path) => (vec![path], None),
                None => (Vec::new(), None),
            },
            FileTarget::Path(path) => (vec![path.to_string()], Some(path.to_string())),
            FileTarget::RegistryCerts => match certs_dir(ctx) {
                Some(dir) if ctx.facts.kind(&dir) == Some(FileKind::Dir) => {
                    (ctx.facts.files_under(&dir), Some(dir))
                }
                _ => (Vec::new(), None),
            },
            FileTarget::Tls(name) => (ctx.facts.tls_file(name).into_iter().collect(), None),
            FileTarget::DaemonSockets => (ctx.facts.daemon_sockets(), None),
            FileTarget::DaemonJson => {
                let path =
                    ctx.facts.daemon_json_path.clone().or_else(|| {
                        (!rootless(ctx)).then(|| "/etc/docker/daemon.json".to_string())
                    });
                (path.clone().into_iter().collect(), path)
            }
            FileTarget::ContainerdSocket => {
                let path = ctx.facts.containerd_socket();
                (vec![path.clone()], Some(path))
            }
        }
    }
}

/// `0644`
fn octal(mode: u32) -> String {
    format!("{:04o}", mode & 0o7777)
}

/// Evaluates one row: INFO when nothing applies or exists, PASS when every file meets the
/// requirement, WARN naming the files that do not.
pub fn evaluate(ctx: &Ctx, check: &'static Check, spec: FileSpec) -> Outcome {
    if rootless(ctx) && !spec.applies_rootless() {
        return Outcome::info(match spec.requirement {
            Requirement::ModeWithin(_) => "Not used by a rootless daemon".to_string(),
            _ => "Rootless daemon: its files belong to its user, not to root".to_string(),
        });
    }
    let (candidates, named) = spec.files(ctx);
    let existing: Vec<(String, crate::facts::FileStat)> = candidates
        .iter()
        .filter(|path| ctx.facts.kind(path.as_str()) == Some(spec.kind))
        .filter_map(|path| Some((path.clone(), ctx.facts.stat(path)?)))
        .collect();
    if existing.is_empty() {
        // A directory that exists but holds no file (registry certificates) passes.
        if matches!(spec.target, FileTarget::RegistryCerts) && named.is_some() {
            return Outcome::pass();
        }
        return Outcome::info(spec.missing);
    }
    let socket_group = ctx.facts.socket_group();
    let mut bad = Vec::new();
    for (path, stat) in &existing {
        let problem = match spec.requirement {
            Requirement::RootOwned => (!stat.owned_by_root()).then(|| {
                format!(
                    "{}:{}",
                    ctx.facts.user_name(stat.uid),
                    ctx.facts.group_name(stat.gid)
                )
            }),
            Requirement::RootAndSocketGroup => {
                let group_ok = match ctx.facts.group_by_name(&socket_group) {
                    Some(group) => stat.gid == group.gid,
                    // No such group: dockerd leaves the socket to root's group, stricter still.
                    None => stat.gid == 0,
                };
                (stat.uid != 0 || !group_ok).then(|| {
                    format!(
                        "{}:{}",
                        ctx.facts.user_name(stat.uid),
                        ctx.facts.group_name(stat.gid)
                    )
                })
            }
            Requirement::ModeWithin(allowed) => {
                (!stat.mode_within(allowed)).then(|| octal(stat.mode))
            }
        };
        if let Some(found) = problem {
            bad.push((path.clone(), found));
        }
    }
    if bad.is_empty() {
        return Outcome::pass();
    }
    let what = match spec.requirement {
        Requirement::ModeWithin(_) => "permissions",
        _ => "ownership",
    };
    let expected = match spec.requirement {
        Requirement::RootOwned => "root:root".to_string(),
        Requirement::RootAndSocketGroup => format!("root:{socket_group}"),
        Requirement::ModeWithin(allowed) => format!("{} or stricter", octal(allowed)),
    };
    let listed: Vec<String> = bad
        .iter()
        .map(|(path, found)| format!("{path} ({found}, expected {expected})"))
        .collect();
    let first = bad[0].0.clone();
    let outcome = Outcome::warn(
        &check.meta,
        ctx.config,
        format!("Wrong {what} for {}", listed.join(", ")),
        host_location(&first),
    );
    // Rows about a set of files (certificates, sockets) list the offending ones.
    if matches!(
        spec.target,
        FileTarget::RegistryCerts | FileTarget::DaemonSockets
    ) {
        outcome.with_items(bad.into_iter().map(|(path, _)| path).collect())
    } else {
        outcome
    }
}

/// The doc of a row.
macro_rules! file_doc {
    ($what:literal, $path:literal, $need:literal, $why:literal, $example:literal, $fix:literal, $compared:literal) => {
        concat!(
            "## What it does\n",
            "Checks that ",
            $what,
            " (",
            $path,
            ") ",
            $need,
            ". INFO when there is no such file, or when it does not apply to a rootless daemon.\n\n",
            "## Why is this bad?\n",
            $why,
            "\n\n",
            "## Example\n",
            "```text\n",
            $example,
            "\n```\n\n",
            "## Compared with docker-bench-security\n",
            "docker-bench-security compares `stat -c %a` as a decimal number, so `0606` passes ",
            "\"644 or more restrictive\"; dockguard compares bit masks. For a rootless daemon, ",
            "`root:root` ownership and system-wide files do not apply (INFO) while permission ",
            "checks follow the daemon's own files.",
            $compared,
            "\n\n",
            "## Fix\n",
            $fix,
            "\n"
        )
    };
}

macro_rules! file_checks {
    ($(
        $static:ident {
            id: $id:literal,
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            title: $title:literal,
            what: $what:literal,
            path: $path:literal,
            need: $need:literal,
            why: $why:literal,
            example: $example:literal,
            fix: $fix:literal,
            compared: $compared:literal,
            target: $target:expr,
            kind: $kind:expr,
            requirement: $req:expr,
            missing: $missing:literal $(,)?
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
                    severity: Severity::$sev,
                    summary: $title,
                    doc: file_doc!($what, $path, $need, $why, $example, $fix, $compared),
                    references: &[Reference::new(RefKind::Cis, $id)],
                    fixable: false,
                    default_enabled: true,
                },
                eval: |ctx| {
                    evaluate(
                        ctx,
                        &$static,
                        FileSpec {
                            target: $target,
                            kind: $kind,
                            requirement: $req,
                            missing: $missing,
                        },
                    )
                },
            };
        )*

        /// The checks of this table, in CIS order.
        pub static CHECKS: &[&Check] = &[$(&$static),*];
    };
}

file_checks! {
    CHECK_3_1 {
        id: "3.1",
        code: "HB301",
        name: "docker-service-not-root-owned",
        severity: Medium,
        title: "Ensure that the docker.service file ownership is set to root:root (Automated)",
        what: "the docker.service unit file",
        path: "/lib/systemd/system/docker.service or wherever systemd finds it",
        need: "is owned by root:root",
        why: "The unit decides how dockerd starts: its flags, its environment, the binary. \
            Whoever owns the file can change them and run code as root at the next start.",
        example: "$ stat -c '%U:%G %a %n' /lib/systemd/system/docker.service\n\
            deploy:deploy 644 /lib/systemd/system/docker.service",
        fix: "Find the file (`systemctl show -p FragmentPath docker.service`) and run \
            `chown root:root <path>`. If the file does not exist, the recommendation does not \
            apply.",
        compared: " The unit is looked up in /etc/systemd/system, /lib/systemd/system, \
            /usr/lib/systemd/system and /run/systemd/system, without calling systemctl.",
        target: FileTarget::Unit("docker.service"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "File not found",
    }
    CHECK_3_2 {
        id: "3.2",
        code: "HB302",
        name: "docker-service-mode",
        severity: Medium,
        title: "Ensure that docker.service file permissions are appropriately set (Automated)",
        what: "the docker.service unit file",
        path: "/lib/systemd/system/docker.service or wherever systemd finds it",
        need: "has permissions 644 or more restrictive",
        why: "A unit file writable by others lets them change how dockerd starts and run code as \
            root at the next start.",
        example: "$ stat -c '%a %n' /lib/systemd/system/docker.service\n\
            666 /lib/systemd/system/docker.service",
        fix: "Find the file (`systemctl show -p FragmentPath docker.service`) and run \
            `chmod 644 <path>`. If the file does not exist, the recommendation does not apply.",
        compared: " The unit is looked up without calling systemctl.",
        target: FileTarget::Unit("docker.service"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o644),
        missing: "File not found",
    }
    CHECK_3_3 {
        id: "3.3",
        code: "HB303",
        name: "docker-socket-unit-not-root-owned",
        severity: Medium,
        title: "Ensure that docker.socket file ownership is set to root:root (Automated)",
        what: "the docker.socket unit file",
        path: "/lib/systemd/system/docker.socket or wherever systemd finds it",
        need: "is owned by root:root",
        why: "The socket unit decides where the daemon's API socket is created and who may use \
            it; its owner can open the API to everyone.",
        example: "$ stat -c '%U:%G %n' /lib/systemd/system/docker.socket\n\
            deploy:root /lib/systemd/system/docker.socket",
        fix: "Find the file (`systemctl show -p FragmentPath docker.socket`) and run \
            `chown root:root <path>`. If the file does not exist, the recommendation does not \
            apply.",
        compared: " The unit is looked up without calling systemctl.",
        target: FileTarget::Unit("docker.socket"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "File not found",
    }
    CHECK_3_4 {
        id: "3.4",
        code: "HB304",
        name: "docker-socket-unit-mode",
        severity: Medium,
        title: "Ensure that docker.socket file permissions are set to 644 or more restrictive (Automated)",
        what: "the docker.socket unit file",
        path: "/lib/systemd/system/docker.socket or wherever systemd finds it",
        need: "has permissions 644 or more restrictive",
        why: "A socket unit writable by others lets them open the daemon's API, which is root on \
            the host.",
        example: "$ stat -c '%a %n' /lib/systemd/system/docker.socket\n\
            664 /lib/systemd/system/docker.socket",
        fix: "Find the file (`systemctl show -p FragmentPath docker.socket`) and run \
            `chmod 644 <path>`. If the file does not exist, the recommendation does not apply.",
        compared: " The unit is looked up without calling systemctl.",
        target: FileTarget::Unit("docker.socket"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o644),
        missing: "File not found",
    }
    CHECK_3_5 {
        id: "3.5",
        code: "HB305",
        name: "etc-docker-not-root-owned",
        severity: Medium,
        title: "Ensure that the /etc/docker directory ownership is set to root:root (Automated)",
        what: "the daemon's configuration directory",
        path: "/etc/docker",
        need: "is owned by root:root",
        why: "/etc/docker holds daemon.json, the registry certificates and often the TLS keys. \
            Its owner can replace any of them.",
        example: "$ stat -c '%U:%G %n' /etc/docker\n\
            deploy:deploy /etc/docker",
        fix: "Run `chown root:root /etc/docker`.",
        compared: "",
        target: FileTarget::Path("/etc/docker"),
        kind: FileKind::Dir,
        requirement: Requirement::RootOwned,
        missing: "Directory not found",
    }
    CHECK_3_6 {
        id: "3.6",
        code: "HB306",
        name: "etc-docker-mode",
        severity: Medium,
        title: "Ensure that /etc/docker directory permissions are set to 755 or more restrictively (Automated)",
        what: "the daemon's configuration directory",
        path: "/etc/docker",
        need: "has permissions 755 or more restrictive",
        why: "A directory others may write to lets them replace daemon.json or the certificates \
            inside it.",
        example: "$ stat -c '%a %n' /etc/docker\n\
            777 /etc/docker",
        fix: "Run `chmod 755 /etc/docker`.",
        compared: "",
        target: FileTarget::Path("/etc/docker"),
        kind: FileKind::Dir,
        requirement: Requirement::ModeWithin(0o755),
        missing: "Directory not found",
    }
    CHECK_3_7 {
        id: "3.7",
        code: "HB307",
        name: "registry-certs-not-root-owned",
        severity: Medium,
        title: "Ensure that registry certificate file ownership is set to root:root (Automated)",
        what: "every file below the registry certificates directory",
        path: "/etc/docker/certs.d",
        need: "is owned by root:root",
        why: "These certificates decide which registries the daemon trusts. Whoever owns one can \
            swap it and have the daemon pull images from a registry they control.",
        example: "$ stat -c '%U:%G %n' /etc/docker/certs.d/*/*\n\
            deploy:deploy /etc/docker/certs.d/registry.example:5000/ca.crt",
        fix: "Run `chown root:root /etc/docker/certs.d/<registry-name>/*`.",
        compared: " docker-bench-security only checks the owner (not the group) of `*.crt` \
            files; dockguard checks root:root on every file (CIS audits \
            `/etc/docker/certs.d/<registry-name>/*`, including `client.cert` and `client.key`).",
        target: FileTarget::RegistryCerts,
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "Directory not found",
    }
    CHECK_3_8 {
        id: "3.8",
        code: "HB308",
        name: "registry-certs-mode",
        severity: Medium,
        title: "Ensure that registry certificate file permissions are set to 444 or more restrictively (Automated)",
        what: "every file below the registry certificates directory",
        path: "/etc/docker/certs.d, ~/.config/docker/certs.d for a rootless daemon",
        need: "has permissions 444 or more restrictive",
        why: "A certificate others may write to can be swapped so that the daemon trusts a \
            registry they control.",
        example: "$ stat -c '%a %n' /etc/docker/certs.d/*/*\n\
            644 /etc/docker/certs.d/registry.example:5000/ca.crt",
        fix: "Run `chmod 444 /etc/docker/certs.d/<registry-name>/*`.",
        compared: " docker-bench-security only looks at `*.crt` files; dockguard at every file.",
        target: FileTarget::RegistryCerts,
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o444),
        missing: "Directory not found",
    }
    CHECK_3_9 {
        id: "3.9",
        code: "HB309",
        name: "tls-ca-not-root-owned",
        severity: Medium,
        title: "Ensure that TLS CA certificate file ownership is set to root:root (Automated)",
        what: "the daemon's TLS CA certificate",
        path: "`--tlscacert` or `\"tlscacert\"`",
        need: "is owned by root:root",
        why: "The CA decides which clients may use the daemon's TCP API. Whoever can replace it \
            can sign a client certificate of their own and get root on the host.",
        example: "$ stat -c '%U:%G %n' /etc/docker/tls/ca.pem\n\
            deploy:deploy /etc/docker/tls/ca.pem",
        fix: "Run `chown root:root <path to TLS CA certificate file>`.",
        compared: " The path comes from the `--tlscacert` flag or the daemon.json key, and \
            defaults to `~/.docker/ca.pem` of the daemon's user when TLS is on without a path, \
            as dockerd does.",
        target: FileTarget::Tls("tlscacert"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "No TLS CA certificate found",
    }
    CHECK_3_10 {
        id: "3.10",
        code: "HB310",
        name: "tls-ca-mode",
        severity: Medium,
        title: "Ensure that TLS CA certificate file permissions are set to 444 or more restrictively (Automated)",
        what: "the daemon's TLS CA certificate",
        path: "`--tlscacert` or `\"tlscacert\"`",
        need: "has permissions 444 or more restrictive",
        why: "A CA file others may write to can be replaced by one that trusts their own client \
            certificates.",
        example: "$ stat -c '%a %n' /etc/docker/tls/ca.pem\n\
            644 /etc/docker/tls/ca.pem",
        fix: "Run `chmod 444 <path to TLS CA certificate file>`.",
        compared: " The path comes from the flag or the daemon.json key, with dockerd's default \
            when TLS is on without a path.",
        target: FileTarget::Tls("tlscacert"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o444),
        missing: "No TLS CA certificate found",
    }
    CHECK_3_11 {
        id: "3.11",
        code: "HB311",
        name: "tls-cert-not-root-owned",
        severity: Medium,
        title: "Ensure that Docker server certificate file ownership is set to root:root (Automated)",
        what: "the daemon's TLS server certificate",
        path: "`--tlscert` or `\"tlscert\"`",
        need: "is owned by root:root",
        why: "The server certificate identifies the daemon to its clients; whoever can replace it \
            can impersonate the daemon.",
        example: "$ stat -c '%U:%G %n' /etc/docker/tls/server-cert.pem\n\
            deploy:deploy /etc/docker/tls/server-cert.pem",
        fix: "Run `chown root:root <path to Docker server certificate file>`.",
        compared: " The path comes from the flag or the daemon.json key, with dockerd's default \
            when TLS is on without a path.",
        target: FileTarget::Tls("tlscert"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "No TLS Server certificate found",
    }
    CHECK_3_12 {
        id: "3.12",
        code: "HB312",
        name: "tls-cert-mode",
        severity: Medium,
        title: "Ensure that the Docker server certificate file permissions are set to 444 or more restrictively (Automated)",
        what: "the daemon's TLS server certificate",
        path: "`--tlscert` or `\"tlscert\"`",
        need: "has permissions 444 or more restrictive",
        why: "A server certificate others may write to can be replaced to impersonate the daemon.",
        example: "$ stat -c '%a %n' /etc/docker/tls/server-cert.pem\n\
            664 /etc/docker/tls/server-cert.pem",
        fix: "Run `chmod 444 <path to Docker server certificate file>`.",
        compared: " The path comes from the flag or the daemon.json key, with dockerd's default \
            when TLS is on without a path.",
        target: FileTarget::Tls("tlscert"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o444),
        missing: "No TLS Server certificate found",
    }
    CHECK_3_13 {
        id: "3.13",
        code: "HB313",
        name: "tls-key-not-root-owned",
        severity: High,
        title: "Ensure that the Docker server certificate key file ownership is set to root:root (Automated)",
        what: "the daemon's TLS private key",
        path: "`--tlskey` or `\"tlskey\"`",
        need: "is owned by root:root",
        why: "Whoever owns the daemon's private key can read it and impersonate the daemon to \
            every client.",
        example: "$ stat -c '%U:%G %n' /etc/docker/tls/server-key.pem\n\
            deploy:deploy /etc/docker/tls/server-key.pem",
        fix: "Run `chown root:root <path to Docker server certificate key file>`.",
        compared: " The path comes from the flag or the daemon.json key, with dockerd's default \
            when TLS is on without a path.",
        target: FileTarget::Tls("tlskey"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "No TLS Key found",
    }
    CHECK_3_14 {
        id: "3.14",
        code: "HB314",
        name: "tls-key-mode",
        severity: High,
        title: "Ensure that the Docker server certificate key file permissions are set to 400 (Automated)",
        what: "the daemon's TLS private key",
        path: "`--tlskey` or `\"tlskey\"`",
        need: "has permissions 400 (readable by its owner only)",
        why: "A private key others can read lets them impersonate the daemon to every client.",
        example: "$ stat -c '%a %n' /etc/docker/tls/server-key.pem\n\
            644 /etc/docker/tls/server-key.pem",
        fix: "Run `chmod 400 <path to Docker server certificate key file>`.",
        compared: " docker-bench-security wants exactly 400; dockguard accepts 400 or stricter \
            (no bit beyond `0400`). The path comes from the flag or the daemon.json key, with \
            dockerd's default when TLS is on without a path.",
        target: FileTarget::Tls("tlskey"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o400),
        missing: "No TLS Key found",
    }
    CHECK_3_15 {
        id: "3.15",
        code: "HB315",
        name: "docker-sock-ownership",
        severity: High,
        title: "Ensure that the Docker socket file ownership is set to root:docker (Automated)",
        what: "the daemon's Unix socket",
        path: "/var/run/docker.sock, or the sockets of `-H unix://…` / `\"hosts\"`",
        need: "is owned by root, group docker (or the daemon's `--group`)",
        why: "Whoever can use the socket controls the daemon, which is root on the host. The \
            socket must belong to root and to the one group meant to use it.",
        example: "$ stat -c '%U:%G %n' /var/run/docker.sock\n\
            deploy:deploy /var/run/docker.sock",
        fix: "Run `chown root:docker /var/run/docker.sock` (and make the daemon create it so: \
            `--group docker`, the default).",
        compared: " docker-bench-security always looks at `/var/run/docker.sock`; dockguard looks \
            at the sockets the daemon listens on (`-H unix://…`, `\"hosts\"`, `fd://` through \
            docker.socket's ListenStream) and expects the daemon's `group` setting. When that \
            group does not exist, `root:root` passes (dockerd falls back to it, which is \
            stricter).",
        target: FileTarget::DaemonSockets,
        kind: FileKind::Socket,
        requirement: Requirement::RootAndSocketGroup,
        missing: "File not found",
    }
    CHECK_3_16 {
        id: "3.16",
        code: "HB316",
        name: "docker-sock-mode",
        severity: High,
        title: "Ensure that the Docker socket file permissions are set to 660 or more restrictively (Automated)",
        what: "the daemon's Unix socket",
        path: "/var/run/docker.sock, or the sockets of `-H unix://…` / `\"hosts\"`, or \
            `/run/user/<uid>/docker.sock` for a rootless daemon",
        need: "has permissions 660 or more restrictive",
        why: "A socket others may write to gives every local user, and every process of theirs, \
            control of the daemon: root on the host.",
        example: "$ stat -c '%a %n' /var/run/docker.sock\n\
            666 /var/run/docker.sock",
        fix: "Run `chmod 660 /var/run/docker.sock`.",
        compared: " docker-bench-security always looks at `/var/run/docker.sock` (a rootless \
            daemon's socket is missed) and lets a world-writable `0606` socket pass; dockguard \
            checks the sockets the daemon really listens on, as bit masks.",
        target: FileTarget::DaemonSockets,
        kind: FileKind::Socket,
        requirement: Requirement::ModeWithin(0o660),
        missing: "File not found",
    }
    CHECK_3_17 {
        id: "3.17",
        code: "HB317",
        name: "daemon-json-not-root-owned",
        severity: Medium,
        title: "Ensure that the daemon.json file ownership is set to root:root (Automated)",
        what: "the daemon's configuration file",
        path: "/etc/docker/daemon.json, or `--config-file`",
        need: "is owned by root:root",
        why: "daemon.json sets how the daemon runs: insecure registries, authorization plugins, \
            the API's listeners. Its owner can change all of that.",
        example: "$ stat -c '%U:%G %n' /etc/docker/daemon.json\n\
            deploy:deploy /etc/docker/daemon.json",
        fix: "Run `chown root:root /etc/docker/daemon.json`.",
        compared: " The file is the daemon.json that applies (`--config-file` when given); \
            docker-bench-security always looks at `/etc/docker/daemon.json`.",
        target: FileTarget::DaemonJson,
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "File not found",
    }
    CHECK_3_18 {
        id: "3.18",
        code: "HB318",
        name: "daemon-json-mode",
        severity: Medium,
        title: "Ensure that daemon.json file permissions are set to 644 or more restrictive (Automated)",
        what: "the daemon's configuration file",
        path: "/etc/docker/daemon.json, or `--config-file`, or `~/.config/docker/daemon.json` \
            for a rootless daemon",
        need: "has permissions 644 or more restrictive",
        why: "A daemon.json others may write to lets them reconfigure the daemon at its next \
            start.",
        example: "$ stat -c '%a %n' /etc/docker/daemon.json\n\
            666 /etc/docker/daemon.json",
        fix: "Run `chmod 644 /etc/docker/daemon.json`.",
        compared: " The file is the daemon.json that applies (`--config-file`, the rootless \
            path); docker-bench-security always looks at `/etc/docker/daemon.json`.",
        target: FileTarget::DaemonJson,
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o644),
        missing: "File not found",
    }
    CHECK_3_19 {
        id: "3.19",
        code: "HB319",
        name: "etc-default-docker-not-root-owned",
        severity: Medium,
        title: "Ensure that the /etc/default/docker file ownership is set to root:root (Automated)",
        what: "the daemon's environment file",
        path: "/etc/default/docker",
        need: "is owned by root:root",
        why: "The file sets dockerd's options and environment on Debian-style systems; its owner \
            can change how the daemon starts.",
        example: "$ stat -c '%U:%G %n' /etc/default/docker\n\
            deploy:deploy /etc/default/docker",
        fix: "Run `chown root:root /etc/default/docker`.",
        compared: "",
        target: FileTarget::Path("/etc/default/docker"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "File not found",
    }
    CHECK_3_20 {
        id: "3.20",
        code: "HB320",
        name: "etc-default-docker-mode",
        severity: Medium,
        title: "Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively (Automated)",
        what: "the daemon's environment file",
        path: "/etc/default/docker",
        need: "has permissions 644 or more restrictive",
        why: "A file others may write to lets them change dockerd's options at its next start.",
        example: "$ stat -c '%a %n' /etc/default/docker\n\
            666 /etc/default/docker",
        fix: "Run `chmod 644 /etc/default/docker`.",
        compared: "",
        target: FileTarget::Path("/etc/default/docker"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o644),
        missing: "File not found",
    }
    CHECK_3_21 {
        id: "3.21",
        code: "HB321",
        name: "etc-sysconfig-docker-mode",
        severity: Medium,
        title: "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively (Automated)",
        what: "the daemon's environment file",
        path: "/etc/sysconfig/docker",
        need: "has permissions 644 or more restrictive",
        why: "The file sets dockerd's options on Red Hat-style systems; others able to write it \
            can change how the daemon starts.",
        example: "$ stat -c '%a %n' /etc/sysconfig/docker\n\
            666 /etc/sysconfig/docker",
        fix: "Run `chmod 644 /etc/sysconfig/docker`.",
        compared: " (3.21 is the permissions check and 3.22 the ownership check, in this order, \
            as in docker-bench-security.)",
        target: FileTarget::Path("/etc/sysconfig/docker"),
        kind: FileKind::File,
        requirement: Requirement::ModeWithin(0o644),
        missing: "File not found",
    }
    CHECK_3_22 {
        id: "3.22",
        code: "HB322",
        name: "etc-sysconfig-docker-not-root-owned",
        severity: Medium,
        title: "Ensure that the /etc/sysconfig/docker file ownership is set to root:root (Automated)",
        what: "the daemon's environment file",
        path: "/etc/sysconfig/docker",
        need: "is owned by root:root",
        why: "The file sets dockerd's options on Red Hat-style systems; its owner can change how \
            the daemon starts.",
        example: "$ stat -c '%U:%G %n' /etc/sysconfig/docker\n\
            deploy:deploy /etc/sysconfig/docker",
        fix: "Run `chown root:root /etc/sysconfig/docker`.",
        compared: "",
        target: FileTarget::Path("/etc/sysconfig/docker"),
        kind: FileKind::File,
        requirement: Requirement::RootOwned,
        missing: "File not found",
    }
    CHECK_3_23 {
        id: "3.23",
        code: "HB323",
        name: "containerd-sock-not-root-owned",
        severity: High,
        title: "Ensure that the Containerd socket file ownership is set to root:root (Automated)",
        what: "containerd's socket",
        path: "/run/containerd/containerd.sock, or the daemon's `--containerd`",
        need: "is owned by root:root",
        why: "containerd's API runs containers with no Docker-level checks at all; whoever can \
            use its socket is root on the host.",
        example: "$ stat -c '%U:%G %n' /run/containerd/containerd.sock\n\
            root:docker /run/containerd/containerd.sock",
        fix: "Run `chown root:root /run/containerd/containerd.sock`.",
        compared: " The socket is the one the daemon uses: `--containerd` / `\"containerd\"`, \
            else `/run/containerd/containerd.sock`, else the one of the containerd dockerd \
            starts itself (`/run/docker/containerd/containerd.sock`); docker-bench-security \
            only looks at `/run/containerd/containerd.sock`.",
        target: FileTarget::ContainerdSocket,
        kind: FileKind::Socket,
        requirement: Requirement::RootOwned,
        missing: "File not found",
    }
    CHECK_3_24 {
        id: "3.24",
        code: "HB324",
        name: "containerd-sock-mode",
        severity: High,
        title: "Ensure that the Containerd socket file permissions are set to 660 or more restrictively (Automated)",
        what: "containerd's socket",
        path: "/run/containerd/containerd.sock, or the daemon's `--containerd`",
        need: "has permissions 660 or more restrictive",
        why: "A containerd socket others may write to gives every local user the power to run \
            containers as root, bypassing Docker entirely.",
        example: "$ stat -c '%a %n' /run/containerd/containerd.sock\n\
            666 /run/containerd/containerd.sock",
        fix: "Run `chmod 660 /run/containerd/containerd.sock`.",
        compared: " The socket is the one the daemon uses (`--containerd`, the system one, or \
            the one dockerd starts itself); docker-bench-security only looks at \
            `/run/containerd/containerd.sock`.",
        target: FileTarget::ContainerdSocket,
        kind: FileKind::Socket,
        requirement: Requirement::ModeWithin(0o660),
        missing: "File not found",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use crate::checks::h_testing::{facts_at, run};
    use crate::facts::{DockerdProcess, Group, HostFacts};
    use crate::result::Verdict;
    use crate::snapshot::Snapshot;
    use serde_json::json;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixListener;
    use std::path::Path;

    fn local(root: &Path, path: &str) -> std::path::PathBuf {
        root.join(path.trim_start_matches('/'))
    }

    fn file(root: &Path, path: &str, mode: u32) {
        let full = local(root, path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(&full, "x").unwrap();
        fs::set_permissions(&full, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn dir(root: &Path, path: &str, mode: u32) {
        let full = local(root, path);
        fs::create_dir_all(&full).unwrap();
        fs::set_permissions(&full, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn socket(root: &Path, path: &str, mode: u32) -> UnixListener {
        let full = local(root, path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        let listener = UnixListener::bind(&full).unwrap();
        fs::set_permissions(&full, fs::Permissions::from_mode(mode)).unwrap();
        listener
    }

    /// The uid and gid the test files get: root's when the tests run as root.
    fn owner(root: &Path) -> (u32, u32) {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(root).unwrap();
        (meta.uid(), meta.gid())
    }

    /// A host where every file exists with the modes given.
    struct Host {
        dir: tempfile::TempDir,
        _sockets: Vec<UnixListener>,
    }

    fn host(file_mode: u32, cert_mode: u32, key_mode: u32, socket_mode: u32) -> Host {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        file(root, "/lib/systemd/system/docker.service", file_mode);
        file(root, "/lib/systemd/system/docker.socket", file_mode);
        dir_mode(root, socket_mode);
        file(root, "/etc/docker/certs.d/reg:5000/ca.crt", cert_mode);
        file(root, "/etc/docker/tls/ca.pem", cert_mode);
        file(root, "/etc/docker/tls/cert.pem", cert_mode);
        file(root, "/etc/docker/tls/key.pem", key_mode);
        file(root, "/etc/docker/daemon.json", file_mode);
        file(root, "/etc/default/docker", file_mode);
        file(root, "/etc/sysconfig/docker", file_mode);
        let sockets = vec![
            socket(root, "/var/run/docker.sock", socket_mode),
            socket(root, "/run/containerd/containerd.sock", socket_mode),
        ];
        Host {
            dir,
            _sockets: sockets,
        }
    }

    fn dir_mode(root: &Path, socket_mode: u32) {
        // /etc/docker: 0755 when the files are fine, 0777 when they are not.
        let mode = if socket_mode == 0o660 { 0o755 } else { 0o777 };
        dir(root, "/etc/docker", mode);
    }

    /// Facts of the host: the test user's uid and gid play root (and the docker group).
    fn facts(host: &Host) -> HostFacts {
        let root = host.dir.path();
        let (uid, gid) = owner(root);
        let mut facts = facts_at(root);
        facts.daemon.args = vec![
            "--tlsverify".into(),
            "--tlscacert=/etc/docker/tls/ca.pem".into(),
            "--tlscert=/etc/docker/tls/cert.pem".into(),
        ];
        facts.daemon.json = json!({"tlskey": "/etc/docker/tls/key.pem"});
        facts.daemon_json_path = Some("/etc/docker/daemon.json".into());
        facts.groups = vec![Group {
            name: "docker".into(),
            gid,
            members: vec![],
        }];
        facts.dockerd = Some(DockerdProcess {
            pid: 1,
            uid,
            ..DockerdProcess::default()
        });
        facts
    }

    fn verdicts(snapshot: &Snapshot, facts: &HostFacts) -> Vec<(&'static str, Verdict)> {
        CHECKS
            .iter()
            .map(|c| (c.id, run(c, snapshot, facts, &Options::default()).verdict))
            .collect()
    }

    fn is_ownership(id: &str) -> bool {
        matches!(
            id,
            "3.1"
                | "3.3"
                | "3.5"
                | "3.7"
                | "3.9"
                | "3.11"
                | "3.13"
                | "3.15"
                | "3.17"
                | "3.19"
                | "3.22"
                | "3.23"
        )
    }

    #[test]
    fn table_is_complete() {
        let ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        let expected: Vec<String> = (1..=24).map(|n| format!("3.{n}")).collect();
        assert_eq!(ids, expected);
        for check in CHECKS {
            let n: u32 = check.id[2..].parse().unwrap();
            assert_eq!(check.meta.code, format!("HB3{n:02}"));
            assert!(check.scored);
            assert!(
                check
                    .meta
                    .doc
                    .contains("## Compared with docker-bench-security")
            );
            let fix = check.meta.remediation().unwrap();
            let expected = if is_ownership(check.id) {
                "chown"
            } else {
                "chmod"
            };
            assert!(fix.contains(expected), "{}: {fix}", check.id);
        }
    }

    #[test]
    fn good_modes_pass() {
        let host = host(0o644, 0o444, 0o400, 0o660);
        let facts = facts(&host);
        let root_run = owner(host.dir.path()) == (0, 0);
        for (id, verdict) in verdicts(&Snapshot::default(), &facts) {
            // Ownership checks pass only when the tests run as root (the files are ours).
            let expected = if is_ownership(id) && !root_run {
                Verdict::Warn
            } else {
                Verdict::Pass
            };
            assert_eq!(verdict, expected, "{id}");
        }
    }

    #[test]
    fn loose_modes_warn_as_bit_masks() {
        // 0606 is "less than 644" in decimal but world-writable.
        let host = host(0o606, 0o606, 0o440, 0o606);
        let facts = facts(&host);
        for (id, verdict) in verdicts(&Snapshot::default(), &facts) {
            if !is_ownership(id) {
                assert_eq!(verdict, Verdict::Warn, "{id}");
            }
        }
        let out = run(
            &CHECK_3_16,
            &Snapshot::default(),
            &facts,
            &Options::default(),
        );
        assert_eq!(
            out.details.as_deref(),
            Some("Wrong permissions for /var/run/docker.sock (0606, expected 0660 or stricter)")
        );
        assert_eq!(out.items, ["/var/run/docker.sock"]);
        assert_eq!(out.findings[0].code, "HB316");
        assert_eq!(out.findings[0].location.file, "/var/run/docker.sock");
        let out = run(
            &CHECK_3_14,
            &Snapshot::default(),
            &facts,
            &Options::default(),
        );
        assert_eq!(
            out.details.as_deref(),
            Some("Wrong permissions for /etc/docker/tls/key.pem (0440, expected 0400 or stricter)")
        );
        let out = run(
            &CHECK_3_6,
            &Snapshot::default(),
            &facts,
            &Options::default(),
        );
        assert_eq!(out.verdict, Verdict::Warn);
    }

    #[test]
    fn socket_group() {
        let host = host(0o644, 0o444, 0o400, 0o660);
        let mut facts = facts(&host);
        let (uid, gid) = owner(host.dir.path());
        let snapshot = Snapshot::default();
        let options = Options::default();
        if uid == 0 {
            assert_eq!(
                run(&CHECK_3_15, &snapshot, &facts, &options).verdict,
                Verdict::Pass
            );
        }
        // The socket's group is not the daemon's group.
        facts.groups = vec![Group {
            name: "docker".into(),
            gid: gid + 1,
            members: vec![],
        }];
        let out = run(&CHECK_3_15, &snapshot, &facts, &options);
        assert_eq!(out.verdict, Verdict::Warn);
        assert!(out.details.unwrap().contains("expected root:docker"));
        // No docker group at all: root's group is what dockerd falls back to.
        facts.groups.clear();
        let expected = if (uid, gid) == (0, 0) {
            Verdict::Pass
        } else {
            Verdict::Warn
        };
        assert_eq!(
            run(&CHECK_3_15, &snapshot, &facts, &options).verdict,
            expected
        );
    }

    #[test]
    fn real_socket_path_from_hosts() {
        let host = host(0o644, 0o444, 0o400, 0o660);
        let root = host.dir.path();
        let _other = socket(root, "/srv/docker/api.sock", 0o666);
        let mut facts = facts(&host);
        facts.daemon.args = vec!["-H".into(), "unix:///srv/docker/api.sock".into()];
        let out = run(
            &CHECK_3_16,
            &Snapshot::default(),
            &facts,
            &Options::default(),
        );
        assert_eq!(out.verdict, Verdict::Warn);
        assert_eq!(out.items, ["/srv/docker/api.sock"]);
        // TCP only: no socket to check.
        facts.daemon.args = vec!["-H".into(), "tcp://0.0.0.0:2376".into()];
        let out = run(
            &CHECK_3_16,
            &Snapshot::default(),
            &facts,
            &Options::default(),
        );
        assert_eq!(out.verdict, Verdict::Info);
    }

    #[test]
    fn missing_files_are_info() {
        let dir = tempfile::tempdir().unwrap();
        let facts = facts_at(dir.path());
        for (id, verdict) in verdicts(&Snapshot::default(), &facts) {
            assert_eq!(verdict, Verdict::Info, "{id}");
        }
        let snapshot = Snapshot::default();
        let options = Options::default();
        let details = |check| run(check, &snapshot, &facts, &options).details.unwrap();
        assert_eq!(details(&CHECK_3_1), "File not found");
        assert_eq!(details(&CHECK_3_5), "Directory not found");
        assert_eq!(details(&CHECK_3_9), "No TLS CA certificate found");
        assert_eq!(details(&CHECK_3_12), "No TLS Server certificate found");
        assert_eq!(details(&CHECK_3_14), "No TLS Key found");

        // A certs.d without files passes (nothing to protect is wrong).
        fs::create_dir_all(dir.path().join("etc/docker/certs.d")).unwrap();
        assert_eq!(
            run(&CHECK_3_8, &snapshot, &facts, &options).verdict,
            Verdict::Pass
        );
        // A socket path that is a regular file is no socket.
        file(dir.path(), "/var/run/docker.sock", 0o600);
        assert_eq!(
            run(&CHECK_3_16, &snapshot, &facts, &options).verdict,
            Verdict::Info
        );
    }

    #[test]
    fn containerd_socket_started_by_dockerd() {
        let dir = tempfile::tempdir().unwrap();
        let _s = socket(dir.path(), "/run/docker/containerd/containerd.sock", 0o666);
        let facts = facts_at(dir.path());
        let out = run(
            &CHECK_3_24,
            &Snapshot::default(),
            &facts,
            &Options::default(),
        );
        assert_eq!(out.verdict, Verdict::Warn);
        assert_eq!(
            out.findings[0].location.file,
            "/run/docker/containerd/containerd.sock"
        );
        assert!(out.items.is_empty());
    }

    #[test]
    fn rootless_daemon() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (uid, _) = owner(root);
        let _s = socket(root, "/run/user/1000/docker.sock", 0o666);
        file(root, "/home/alice/.config/docker/daemon.json", 0o644);
        file(root, "/home/alice/.config/docker/certs.d/r/ca.crt", 0o644);
        file(root, "/lib/systemd/system/docker.service", 0o666);
        let mut facts = facts_at(root);
        facts.rootless = true;
        facts.dockerd = Some(DockerdProcess {
            pid: 5,
            uid,
            env: [
                ("HOME".to_string(), "/home/alice".to_string()),
                ("XDG_RUNTIME_DIR".to_string(), "/run/user/1000".to_string()),
            ]
            .into(),
            ..DockerdProcess::default()
        });
        facts.daemon_json_path = Some("/home/alice/.config/docker/daemon.json".into());
        let snapshot = Snapshot {
            info: json!({"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}),
            ..Snapshot::default()
        };
        let got = verdicts(&snapshot, &facts);
        for (id, verdict) in got {
            let expected = match id {
                // Its own socket (0666) and certificates (0644 > 0444).
                "3.16" | "3.8" => Verdict::Warn,
                // Its own daemon.json (0644).
                "3.18" => Verdict::Pass,
                _ => Verdict::Info,
            };
            assert_eq!(verdict, expected, "{id}");
        }
        let out = run(&CHECK_3_16, &snapshot, &facts, &Options::default());
        assert_eq!(out.items, ["/run/user/1000/docker.sock"]);
        let out = run(&CHECK_3_2, &snapshot, &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("Not used by a rootless daemon")
        );
        let out = run(&CHECK_3_15, &snapshot, &facts, &Options::default());
        assert_eq!(
            out.details.as_deref(),
            Some("Rootless daemon: its files belong to its user, not to root")
        );
    }
}
