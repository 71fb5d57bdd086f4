//! The normalised settings of one container, whatever described it: a compose service, a
//! Kubernetes container, a `docker run` line or a live container's inspect JSON. Every field
//! keeps the [`Location`] it was read from so a finding can point at it.

use dockguard_core::Location;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub loc: Location,
}

impl<T> Setting<T> {
    pub fn new(value: T, loc: Location) -> Self {
        Setting { value, loc }
    }
}

/// What described the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Compose,
    Kubernetes,
    DockerRun,
    Engine,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Compose => "compose",
            SourceKind::Kubernetes => "kubernetes",
            SourceKind::DockerRun => "docker run",
            SourceKind::Engine => "container",
        }
    }
}

/// How a namespace is set up: `host`, `container:<name>` / `service:<name>`, or private
/// (any other value, kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespace {
    Host,
    Container(String),
    Other(String),
}

impl Namespace {
    /// Reads a Docker-style mode string (`host`, `container:x`, `service:x`, `private`, …).
    pub fn parse(mode: &str) -> Namespace {
        let mode = mode.trim();
        if mode.eq_ignore_ascii_case("host") {
            Namespace::Host
        } else if let Some(rest) = mode
            .strip_prefix("container:")
            .or_else(|| mode.strip_prefix("service:"))
        {
            Namespace::Container(rest.to_string())
        } else {
            Namespace::Other(mode.to_string())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    /// A host path bind mount (compose bind, `-v /x:/y`, Kubernetes hostPath).
    Bind,
    /// A named or anonymous volume.
    Volume,
    Tmpfs,
    /// Anything else (npipe, Kubernetes emptyDir, configMap, secret, …).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path for binds, volume name for volumes.
    pub source: Option<String>,
    pub target: Option<String>,
    pub read_only: bool,
    /// `shared`, `rshared`, `slave`, … as written (Kubernetes `Bidirectional` becomes `rshared`).
    pub propagation: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// Host interface; `None` means every interface.
    pub host_ip: Option<String>,
    /// Published host port (first of a range); `None` when random or not published.
    pub host_port: Option<u32>,
    /// Published on the host (docker `-p`, compose `ports`, Kubernetes `hostPort`); a
    /// Kubernetes `containerPort` alone is not.
    pub published: bool,
    pub container_port: Option<u32>,
    pub protocol: String,
    pub loc: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// The literal value; `None` when taken from the environment, a secret or a field ref.
    pub value: Option<String>,
    /// Comes from a Kubernetes Secret (`secretKeyRef`, `envFrom.secretRef`).
    pub from_secret: bool,
    pub loc: Location,
    /// Where the value is written (the name's location when there is no value).
    pub value_loc: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    /// `disable: true`, `test: ["NONE"]`, `--no-healthcheck`.
    pub disabled: bool,
}

/// Restart policy: name as written (`always`, `unless-stopped`, `on-failure`, `no`, Swarm
/// `any`) and the retry cap if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    pub policy: String,
    pub max_retries: Option<i64>,
}

/// The settings of one container. `None` means "not set" (the runtime default applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSettings {
    pub source: SourceKind,
    /// Service, container or `Kind/name container` name, for messages.
    pub name: String,
    /// Where the container is declared (the service key, the container's `- name:` item, the
    /// `docker run` word, the container name).
    pub loc: Location,
    /// A Kubernetes init or ephemeral container (some rules treat them the same, all report them).
    pub init: bool,
    pub image: Option<Setting<String>>,
    /// `user` as written: `1000`, `app:app`, `0:0`, `root`. Kubernetes `runAsUser`/`runAsGroup`
    /// become `uid` or `uid:gid`.
    pub user: Option<Setting<String>>,
    /// Kubernetes `runAsNonRoot`.
    pub run_as_non_root: Option<Setting<bool>>,
    pub privileged: Option<Setting<bool>>,
    pub cap_add: Vec<Setting<String>>,
    pub cap_drop: Vec<Setting<String>>,
    pub pid: Option<Setting<Namespace>>,
    pub ipc: Option<Setting<Namespace>>,
    pub network: Option<Setting<Namespace>>,
    pub uts: Option<Setting<Namespace>>,
    pub userns: Option<Setting<Namespace>>,
    pub cgroupns: Option<Setting<Namespace>>,
    /// Memory limit as written (`512m`, `1Gi`, bytes).
    pub memory_limit: Option<Setting<String>>,
    /// CPU limit as written (`0.5`, `500m`, `--cpu-shares` value).
    pub cpu_limit: Option<Setting<String>>,
    pub pids_limit: Option<Setting<i64>>,
    pub oom_kill_disable: Option<Setting<bool>>,
    pub read_only_rootfs: Option<Setting<bool>>,
    /// `no-new-privileges` set (Docker), or `allowPrivilegeEscalation: false` (Kubernetes).
    pub no_new_privileges: Option<Setting<bool>>,
    /// Seccomp profile: `unconfined`, `RuntimeDefault`, `default`, `Localhost:<path>`, a path.
    pub seccomp: Option<Setting<String>>,
    /// The JSON of a custom seccomp profile given inline: the engine keeps the profile's text
    /// in `HostConfig.SecurityOpt` (`seccomp=<json>`), not the path it was read from; `seccomp`
    /// is then [`crate::sources::engine::CUSTOM_SECCOMP`] and points at that option.
    pub seccomp_inline: Option<String>,
    pub apparmor: Option<Setting<String>>,
    /// SELinux label options (`disable`, `type:spc_t`, `level:s0:c1`).
    pub selinux: Vec<Setting<String>>,
    /// `systempaths=unconfined` (Docker) or `procMount: Unmasked` (Kubernetes).
    pub unmasked_paths: Option<Setting<bool>>,
    pub mounts: Vec<Mount>,
    pub devices: Vec<Setting<String>>,
    pub ports: Vec<Port>,
    pub env: Vec<EnvVar>,
    /// Secrets the container is given (compose `secrets:`, Kubernetes secret volumes).
    pub secrets: Vec<Setting<String>>,
    pub sysctls: Vec<(Setting<String>, Option<String>)>,
    pub ulimits: Vec<Setting<String>>,
    pub restart: Option<Setting<Restart>>,
    pub healthcheck: Option<Setting<Healthcheck>>,
    pub cgroup_parent: Option<Setting<String>>,
    /// Kubernetes `automountServiceAccountToken` (pod or service account level).
    pub automount_service_account_token: Option<Setting<bool>>,
}

impl ContainerSettings {
    pub fn new(source: SourceKind, name: impl Into<String>, loc: Location) -> Self {
        ContainerSettings {
            source,
            name: name.into(),
            loc,
            init: false,
            image: None,
            user: None,
            run_as_non_root: None,
            privileged: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            pid: None,
            ipc: None,
            network: None,
            uts: None,
            userns: None,
            cgroupns: None,
            memory_limit: None,
            cpu_limit: None,
            pids_limit: None,
            oom_kill_disable: None,
            read_only_rootfs: None,
            no_new_privileges: None,
            seccomp: None,
            seccomp_inline: None,
            apparmor: None,
            selinux: Vec::new(),
            unmasked_paths: None,
            mounts: Vec::new(),
            devices: Vec::new(),
            ports: Vec::new(),
            env: Vec::new(),
            secrets: Vec::new(),
            sysctls: Vec::new(),
            ulimits: Vec::new(),
            restart: None,
            healthcheck: None,
            cgroup_parent: None,
            automount_service_account_token: None,
        }
    }

    pub fn is_privileged(&self) -> bool {
        self.privileged.as_ref().is_some_and(|p| p.value)
    }
}

/// A Kubernetes Secret (or compose secret defined inline) whose data sits in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretObject {
    pub name: String,
    /// Keys with data, and where each is written.
    pub keys: Vec<Setting<String>>,
    pub loc: Location,
}

/// A Kubernetes ServiceAccount with `automountServiceAccountToken` set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    pub name: String,
    pub automount: Option<Setting<bool>>,
    pub loc: Location,
}

/// One entry of non-secret configuration committed in the file: a Kubernetes ConfigMap key or a
/// compose config with inline `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    /// `ConfigMap/name` or `config name`, for messages.
    pub object: String,
    pub key: String,
    pub value: String,
    pub loc: Location,
    pub value_loc: Location,
}

/// Everything one file describes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    pub containers: Vec<ContainerSettings>,
    pub secrets: Vec<SecretObject>,
    pub service_accounts: Vec<ServiceAccount>,
    pub config_entries: Vec<ConfigEntry>,
}

/// Docker's and the kernel's view of a user string: is it root (uid 0)?
/// `root`, `0`, `0:0`, `root:root`, `0:1000` are root; `1000`, `app`, `1000:0` are not (the
/// group alone does not make root).
pub fn user_is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name.parse::<u64>() == Ok(0)
}

/// The group part of a user string is root (`1000:0`, `app:root`).
pub fn group_is_root(user: &str) -> bool {
    user.split_once(':')
        .is_some_and(|(_, g)| g.trim() == "root" || g.trim().parse::<u64>() == Ok(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users() {
        for u in ["root", "0", "0:0", "root:root", "0:1000", "00"] {
            assert!(user_is_root(u), "{u}");
        }
        for u in ["1000", "app", "1000:0", "nobody", ""] {
            assert!(!user_is_root(u), "{u}");
        }
        assert!(group_is_root("1000:0"));
        assert!(!group_is_root("1000"));
    }

    #[test]
    fn namespaces() {
        assert_eq!(Namespace::parse("HOST"), Namespace::Host);
        assert_eq!(
            Namespace::parse("container:db"),
            Namespace::Container("db".into())
        );
        assert_eq!(
            Namespace::parse("service:db"),
            Namespace::Container("db".into())
        );
        assert_eq!(
            Namespace::parse("private"),
            Namespace::Other("private".into())
        );
    }
}
