//! Facts read from the host: the effective daemon configuration (daemon.json merged with the
//! dockerd command line), systemd units, file owners and modes, audit rules, mounts and the
//! `docker` group. Every path is read below [`HostFacts::root`] (`/` normally, a folder in
//! tests, `/host` when dockguard runs in a container with the host's files mounted there).
//!
//! Paths in the facts are *host* paths (`/var/run/docker.sock`); [`HostFacts::host_path`] maps
//! one to the file on this machine, following symbolic links inside the root (an absolute link
//! such as `/var/run -> /run` stays below the root). An empty root (the `Default`) reads nothing:
//! every file is absent.
//!
//! Gathering never fails: what cannot be read is simply not there (a daemon.json that cannot be
//! read or parsed is kept in [`HostFacts::daemon_json_error`] for the checks to report).

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Component, Path, PathBuf};

/// Owner, group and permission bits of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub uid: u32,
    pub gid: u32,
    /// Permission bits (`0o644`); compared as bit masks, never as decimal numbers.
    pub mode: u32,
    pub is_dir: bool,
}

impl FileStat {
    /// No permission bit beyond `allowed` is set (`0o606` is not within `0o644`).
    /// The sticky bit grants nothing (a rootless daemon sets it on its socket so that
    /// runtime-directory cleaners leave it alone), so it is ignored; setuid and setgid count.
    pub fn mode_within(&self, allowed: u32) -> bool {
        self.mode & 0o6777 & !allowed == 0
    }

    pub fn owned_by_root(&self) -> bool {
        self.uid == 0 && self.gid == 0
    }
}

/// What a path is, after following symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    Socket,
    /// A device, a FIFO.
    Other,
}

/// The running dockerd, found in `/proc`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerdProcess {
    pub pid: u32,
    /// Real uid of the process (`0` for a rootful daemon, the user's uid for a rootless one).
    pub uid: u32,
    /// Its binary (`/proc/<pid>/exe`), when readable (root, or the daemon's own user).
    pub exe: Option<String>,
    /// `HOME`, `XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME`, `XDG_DATA_HOME` and `DOCKER_CERT_PATH` from
    /// its environment, when readable; nothing else of the environment is kept.
    pub env: BTreeMap<String, String>,
}

/// A line of `/etc/passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
}

/// A line of `/etc/group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    pub members: Vec<String>,
}

/// A line of `/proc/<pid>/mountinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Where it is mounted, unescaped (`/var/lib/docker`).
    pub mount_point: String,
    pub fs_type: String,
    /// The device or source (`/dev/vda`, `tmpfs`).
    pub source: String,
}

/// A systemd unit file and its drop-ins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFile {
    pub name: String,
    /// The unit file that systemd uses (host path).
    pub path: String,
    /// Its drop-ins (`<name>.d/*.conf` in every unit directory), in the order systemd applies them.
    pub drop_ins: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct HostFacts {
    /// Where the host's filesystem is.
    pub root: PathBuf,
    pub daemon: DaemonConfig,
    /// The daemon.json that applies, whether or not it exists: `--config-file`, the rootless
    /// path (`$XDG_CONFIG_HOME/docker/daemon.json`, `~/.config/docker/daemon.json`) or
    /// `/etc/docker/daemon.json`. `None` when it cannot be known (rootless daemon whose user is
    /// unknown).
    pub daemon_json_path: Option<String>,
    /// Why daemon.json could not be read or parsed (then `daemon.json` is `Null`).
    pub daemon_json_error: Option<String>,
    /// The daemon runs rootless (`name=rootless` in `/info` `SecurityOptions`).
    pub rootless: bool,
    /// The dockerd process, when found in `/proc`.
    pub dockerd: Option<DockerdProcess>,
    /// `/etc/passwd`.
    pub users: Vec<User>,
    /// `/etc/group`.
    pub groups: Vec<Group>,
    /// docker.service, docker.socket, containerd.service and containerd.socket, those present.
    pub units: Vec<UnitFile>,
    /// Audit rules, one per line: non-comment lines of `/etc/audit/audit.rules` and
    /// `/etc/audit/rules.d/*.rules`, then the output of `auditctl -l` (only on the real `/`).
    pub audit_rules: Vec<String>,
    /// Where [`HostFacts::audit_rules`] came from (`/etc/audit/audit.rules`, `auditctl -l`).
    pub audit_sources: Vec<String>,
    /// The mount table of PID 1 (`/proc/1/mountinfo`, else `/proc/self/mountinfo`).
    pub mounts: Vec<Mount>,
}

/// Unit directories in systemd's order of precedence.
const UNIT_DIRS: [&str; 4] = [
    "/etc/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/run/systemd/system",
];

/// Where `auditctl` may be installed.
const AUDITCTL: [&str; 4] = [
    "/sbin/auditctl",
    "/usr/sbin/auditctl",
    "/usr/bin/auditctl",
    "/bin/auditctl",
];

/// The environment variables of dockerd worth keeping.
const DOCKERD_ENV: [&str; 5] = [
    "HOME",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "DOCKER_CERT_PATH",
];

/// The socket of a rootful daemon when no `-H` / `hosts` says otherwise.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

impl HostFacts {
    /// Reads every fact below `root` (normally `/`). `info` is the engine's `GET /info`, which
    /// says whether the daemon is rootless (its daemon.json, socket and process differ).
    pub fn gather(root: &Path, info: &serde_json::Value) -> HostFacts {
        let mut facts = HostFacts {
            root: root.to_path_buf(),
            rootless: has_security_option(info, "rootless"),
            ..HostFacts::default()
        };
        facts.users = facts
            .read_to_string("/etc/passwd")
            .map(|t| parse_passwd(&t))
            .unwrap_or_default();
        facts.groups = facts
            .read_to_string("/etc/group")
            .map(|t| parse_group(&t))
            .unwrap_or_default();
        let engine_root = info
            .get("DockerRootDir")
            .and_then(serde_json::Value::as_str);
        if let Some((process, args)) = facts.find_dockerd(engine_root) {
            facts.dockerd = Some(process);
            facts.daemon.args = args;
        }
        facts.load_daemon_json();
        facts.units = [
            "docker.service",
            "docker.socket",
            "containerd.service",
            "containerd.socket",
        ]
        .iter()
        .filter_map(|name| facts.unit(name))
        .collect();
        facts.load_audit_rules();
        facts.mounts = ["/proc/1/mountinfo", "/proc/self/mountinfo"]
            .iter()
            .find_map(|p| fs::read_to_string(facts.raw_path(p)?).ok())
            .map(|t| parse_mountinfo(&t))
            .unwrap_or_default();
        facts
    }

    /// The file on this machine for host path `path`, symbolic links followed inside the root.
    /// `None` when the root is empty (no host).
    pub fn host_path(&self, path: impl AsRef<Path>) -> Option<PathBuf> {
        let path = path.as_ref();
        if self.root.as_os_str().is_empty() {
            return None;
        }
        if self.root == Path::new("/") {
            return Some(Path::new("/").join(path));
        }
        Some(resolve_under(&self.root, path))
    }

    /// Host path `path` below the root without following links (for `/proc`).
    fn raw_path(&self, path: &str) -> Option<PathBuf> {
        if self.root.as_os_str().is_empty() {
            return None;
        }
        Some(self.root.join(path.trim_start_matches('/')))
    }

    fn read_to_string(&self, path: &str) -> io::Result<String> {
        match self.host_path(path) {
            Some(p) => fs::read_to_string(p),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }

    /// Owner, group and mode of a host file, links followed (like `stat -L`).
    pub fn stat(&self, path: impl AsRef<Path>) -> Option<FileStat> {
        let meta = fs::metadata(self.host_path(path)?).ok()?;
        Some(FileStat {
            uid: meta.uid(),
            gid: meta.gid(),
            mode: meta.mode() & 0o7777,
            is_dir: meta.is_dir(),
        })
    }

    /// What a host path is, links followed; `None` when it does not exist.
    pub fn kind(&self, path: impl AsRef<Path>) -> Option<FileKind> {
        let file_type = fs::metadata(self.host_path(path)?).ok()?.file_type();
        Some(if file_type.is_file() {
            FileKind::File
        } else if file_type.is_dir() {
            FileKind::Dir
        } else if file_type.is_socket() {
            FileKind::Socket
        } else {
            FileKind::Other
        })
    }

    /// Every regular file below host directory `dir` (recursively, not through linked
    /// directories), as host paths in name order.
    pub fn files_under(&self, dir: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut todo = vec![(dir.trim_end_matches('/').to_string(), 0)];
        while let Some((host, depth)) = todo.pop() {
            let Some(local) = self.host_path(&host) else {
                continue;
            };
            let Ok(entries) = fs::read_dir(local) else {
                continue;
            };
            let mut names: Vec<(String, fs::FileType)> = entries
                .filter_map(Result::ok)
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.file_type().ok()?)))
                .collect();
            names.sort_by(|a, b| b.0.cmp(&a.0));
            for (name, file_type) in names {
                let child = format!("{host}/{name}");
                if file_type.is_dir() && depth < 16 {
                    todo.push((child, depth + 1));
                } else if self.kind(&child) == Some(FileKind::File) {
                    out.push(child);
                }
            }
        }
        out.sort();
        out
    }

    /// The unit file systemd uses for `name`: the first regular file among
    /// `/etc/systemd/system`, `/lib/systemd/system`, `/usr/lib/systemd/system` and
    /// `/run/systemd/system` (a unit masked by a link to `/dev/null` is not a file).
    pub fn unit_path(&self, name: &str) -> Option<String> {
        UNIT_DIRS
            .iter()
            .map(|dir| format!("{dir}/{name}"))
            .find(|path| self.kind(path) == Some(FileKind::File))
    }

    /// The unit `name` with its drop-ins (`<name>.d/*.conf` of every unit directory, sorted by
    /// file name; a file name in a directory of higher precedence hides the same name below).
    pub fn unit(&self, name: &str) -> Option<UnitFile> {
        let path = self.unit_path(name)?;
        let mut by_name: BTreeMap<String, String> = BTreeMap::new();
        for dir in UNIT_DIRS {
            let host_dir = format!("{dir}/{name}.d");
            let Some(local) = self.host_path(&host_dir) else {
                continue;
            };
            let Ok(entries) = fs::read_dir(local) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                let Ok(file) = entry.file_name().into_string() else {
                    continue;
                };
                let host = format!("{host_dir}/{file}");
                if file.ends_with(".conf") && self.kind(&host) == Some(FileKind::File) {
                    by_name.entry(file).or_insert(host);
                }
            }
        }
        Some(UnitFile {
            name: name.to_string(),
            path,
            drop_ins: by_name.into_values().collect(),
        })
    }

    /// Every value of `key` (`ListenStream`, `ExecStart`) in unit `name` and its drop-ins, in
    /// order; an empty assignment clears the values before it, as systemd does for lists.
    pub fn unit_setting(&self, name: &str, key: &str) -> Vec<String> {
        let Some(unit) = self.unit(name) else {
            return Vec::new();
        };
        let mut values = Vec::new();
        for file in std::iter::once(&unit.path).chain(&unit.drop_ins) {
            let Ok(text) = self.read_to_string(file) else {
                continue;
            };
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with('#') || line.starts_with(';') {
                    continue;
                }
                let Some((k, v)) = line.split_once('=') else {
                    continue;
                };
                if k.trim() != key {
                    continue;
                }
                let v = v.trim();
                if v.is_empty() {
                    values.clear();
                } else {
                    values.push(v.to_string());
                }
            }
        }
        values
    }

    /// Host path `path` is a mount point in the host's mount table.
    pub fn is_mount_point(&self, path: &str) -> bool {
        let path = normalize(path);
        self.mounts
            .iter()
            .any(|m| normalize(&m.mount_point) == path)
    }

    /// The mount that holds host path `path` (the longest mount point that is a prefix of it).
    pub fn mount_of(&self, path: &str) -> Option<&Mount> {
        let path = normalize(path);
        self.mounts
            .iter()
            .filter(|m| {
                let mp = normalize(&m.mount_point);
                mp == "/" || path == mp || path.starts_with(&format!("{mp}/"))
            })
            .max_by_key(|m| normalize(&m.mount_point).len())
    }

    /// Some audit rule watches exactly `path`: `-w <path>`, `-F path=<path>` or
    /// `-F dir=<path>` (a rule for `/usr/bin/dockerd-rootless.sh` does not count for
    /// `/usr/bin/dockerd`; `never` rules do not audit anything).
    pub fn has_audit_rule(&self, path: &str) -> bool {
        self.audit_rules
            .iter()
            .any(|rule| audit_rule_watches(rule, path))
    }

    pub fn user_by_uid(&self, uid: u32) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }

    pub fn group_by_name(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    pub fn group_by_gid(&self, gid: u32) -> Option<&Group> {
        self.groups.iter().find(|g| g.gid == gid)
    }

    /// A uid's name, else the number.
    pub fn user_name(&self, uid: u32) -> String {
        self.user_by_uid(uid)
            .map_or_else(|| uid.to_string(), |u| u.name.clone())
    }

    /// A gid's name, else the number.
    pub fn group_name(&self, gid: u32) -> String {
        self.group_by_gid(gid)
            .map_or_else(|| gid.to_string(), |g| g.name.clone())
    }

    /// The members of group `name`: those listed in `/etc/group`, then the users whose primary
    /// group it is. `None` when the group does not exist. (Groups from NSS sources such as LDAP
    /// are not seen.)
    pub fn group_members(&self, name: &str) -> Option<Vec<String>> {
        let group = self.group_by_name(name)?;
        let mut members: Vec<String> = group.members.clone();
        for user in self.users.iter().filter(|u| u.gid == group.gid) {
            if !members.contains(&user.name) {
                members.push(user.name.clone());
            }
        }
        Some(members)
    }

    /// The members of the `docker` group (see [`HostFacts::group_members`]).
    pub fn docker_group_members(&self) -> Option<Vec<String>> {
        self.group_members("docker")
    }

    /// Home directory of the daemon's user: `HOME` of dockerd, else `/etc/passwd`.
    pub fn daemon_home(&self) -> Option<String> {
        let process = self.dockerd.as_ref()?;
        process
            .env
            .get("HOME")
            .cloned()
            .or_else(|| self.user_by_uid(process.uid).map(|u| u.home.clone()))
            .filter(|h| !h.is_empty())
    }

    /// The group the daemon gives its Unix sockets (`--group` / `"group"`, default `docker`).
    pub fn socket_group(&self) -> String {
        self.daemon
            .flag("group")
            .or_else(|| {
                self.daemon
                    .key("group")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string)
            })
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| "docker".to_string())
    }

    /// The rootless daemon's socket: `$XDG_RUNTIME_DIR/docker.sock` of dockerd, else
    /// `/run/user/<uid>/docker.sock`.
    fn rootless_socket(&self) -> Option<String> {
        let process = self.dockerd.as_ref()?;
        Some(match process.env.get("XDG_RUNTIME_DIR") {
            Some(dir) if !dir.is_empty() => format!("{}/docker.sock", dir.trim_end_matches('/')),
            _ => format!("/run/user/{}/docker.sock", process.uid),
        })
    }

    /// The Unix sockets the daemon listens on: `-H unix://…` flags, else the `hosts` key, else
    /// the default socket (`/var/run/docker.sock`, or the rootless one). `fd://` (systemd socket
    /// activation) means the `ListenStream` paths of docker.socket. TCP hosts are left out, so
    /// the list is empty for a daemon that only listens on TCP. Rootless with an unknown user:
    /// empty.
    pub fn daemon_sockets(&self) -> Vec<String> {
        let mut hosts = self.daemon.flag_values("host");
        if hosts.is_empty() {
            match self.daemon.key("hosts") {
                Some(serde_json::Value::Array(items)) => {
                    hosts = items
                        .iter()
                        .filter_map(serde_json::Value::as_str)
                        .map(str::to_string)
                        .collect();
                }
                Some(serde_json::Value::String(one)) => hosts.push(one.clone()),
                _ => {}
            }
        }
        let default = || {
            if self.rootless {
                self.rootless_socket()
            } else {
                Some(DEFAULT_SOCKET.to_string())
            }
        };
        let mut sockets = Vec::new();
        if hosts.is_empty() {
            sockets.extend(default());
        }
        for host in hosts {
            if let Some(path) = host.strip_prefix("unix://") {
                if path.is_empty() {
                    sockets.extend(default());
                } else {
                    sockets.push(path.to_string());
                }
            } else if host.starts_with("fd://") {
                let listen: Vec<String> = self
                    .unit_setting("docker.socket", "ListenStream")
                    .into_iter()
                    .filter(|l| l.starts_with('/'))
                    .collect();
                if listen.is_empty() {
                    sockets.push(DEFAULT_SOCKET.to_string());
                } else {
                    sockets.extend(listen);
                }
            } else if host.starts_with('/') {
                sockets.push(host);
            }
        }
        let mut seen = Vec::new();
        sockets.retain(|s| {
            let fresh = !seen.contains(s);
            seen.push(s.clone());
            fresh
        });
        sockets
    }

    /// containerd's socket as the daemon uses it: `--containerd` / `"containerd"`, else the
    /// first that exists of `/run/containerd/containerd.sock` (a system containerd) and
    /// `/run/docker/containerd/containerd.sock` (the containerd dockerd starts itself), else
    /// `/run/containerd/containerd.sock`.
    pub fn containerd_socket(&self) -> String {
        if let Some(explicit) = self.daemon.flag("containerd").or_else(|| {
            self.daemon
                .key("containerd")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        }) && !explicit.is_empty()
        {
            return explicit;
        }
        const SYSTEM: &str = "/run/containerd/containerd.sock";
        const MANAGED: &str = "/run/docker/containerd/containerd.sock";
        [SYSTEM, MANAGED]
            .into_iter()
            .find(|p| self.kind(p).is_some())
            .unwrap_or(SYSTEM)
            .to_string()
    }

    /// A TLS file of the daemon: `name` is `tlscacert`, `tlscert` or `tlskey`. The flag, else
    /// the daemon.json key, else — when TLS is on (`tls` / `tlsverify`) — dockerd's default
    /// (`$DOCKER_CERT_PATH` or `~/.docker` of the daemon's user, `ca.pem` / `cert.pem` /
    /// `key.pem`). `None` when no TLS file applies.
    pub fn tls_file(&self, name: &str) -> Option<String> {
        if let Some(v) = self
            .daemon
            .flag(name)
            .filter(|v| !v.is_empty() && v != "true")
        {
            return Some(v);
        }
        if let Some(v) = self
            .daemon
            .key(name)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
        {
            return Some(v.to_string());
        }
        let tls_on = self.daemon.bool_setting("tlsverify", "tlsverify") == Some(true)
            || self.daemon.bool_setting("tls", "tls") == Some(true);
        if !tls_on {
            return None;
        }
        let file = match name {
            "tlscacert" => "ca.pem",
            "tlscert" => "cert.pem",
            "tlskey" => "key.pem",
            _ => return None,
        };
        let dir = self
            .dockerd
            .as_ref()
            .and_then(|p| p.env.get("DOCKER_CERT_PATH").cloned())
            .filter(|d| !d.is_empty())
            .or_else(|| {
                let home = self.daemon_home().or_else(|| {
                    // Rootful daemon not found in /proc: root's home.
                    (!self.rootless).then(|| "/root".to_string())
                })?;
                Some(format!("{}/.docker", home.trim_end_matches('/')))
            })?;
        Some(format!("{}/{file}", dir.trim_end_matches('/')))
    }

    /// The newest dockerd process (by start time) whose `comm`, binary or `argv[0]` is
    /// `dockerd`; for a rootless daemon one not running as root is preferred, for a rootful one
    /// one running as root. Returns it with its arguments (argv without the program name).
    /// When several run, the one whose data root is the engine's `DockerRootDir` (or its
    /// parent, under userns-remap) wins: the facts must describe the daemon being benched.
    fn find_dockerd(&self, engine_root: Option<&str>) -> Option<(DockerdProcess, Vec<String>)> {
        let proc_dir = self.raw_path("/proc")?;
        // (serves the benched engine, preferred uid, start time, pid): the greatest wins.
        type Rank = (bool, bool, u64, u32);
        let mut best: Option<(Rank, DockerdProcess, Vec<String>)> = None;
        for entry in fs::read_dir(proc_dir).ok()?.filter_map(Result::ok) {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let dir = entry.path();
            let comm = fs::read_to_string(dir.join("comm")).unwrap_or_default();
            let exe = fs::read_link(dir.join("exe")).ok().and_then(|p| {
                p.to_str()
                    .map(|s| s.trim_end_matches(" (deleted)").to_string())
            });
            let Ok(cmdline) = fs::read(dir.join("cmdline")) else {
                continue;
            };
            let argv = split_nul(&cmdline);
            let is_dockerd = comm.trim() == "dockerd"
                || exe.as_deref().map(basename) == Some("dockerd")
                || argv.first().map(|a| basename(a)) == Some("dockerd");
            if !is_dockerd {
                continue;
            }
            let status = fs::read_to_string(dir.join("status")).unwrap_or_default();
            let uid = parse_status_uid(&status)
                .or_else(|| fs::metadata(&dir).ok().map(|m| m.uid()))
                .unwrap_or(0);
            let start = fs::read_to_string(dir.join("stat"))
                .ok()
                .and_then(|s| parse_stat_starttime(&s))
                .unwrap_or(0);
            let env = fs::read(dir.join("environ"))
                .map(|raw| {
                    split_nul(&raw)
                        .into_iter()
                        .filter_map(|kv| {
                            let (k, v) = kv.split_once('=')?;
                            DOCKERD_ENV
                                .contains(&k)
                                .then(|| (k.to_string(), v.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let preferred = if self.rootless { uid != 0 } else { uid == 0 };
            let args: Vec<String> = argv.iter().skip(1).cloned().collect();
            let serves_engine = engine_root.is_some_and(|root| serves_data_root(&args, root));
            let rank = (serves_engine, preferred, start, pid);
            if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                let process = DockerdProcess { pid, uid, exe, env };
                best = Some((rank, process, args));
            }
        }
        best.map(|(_, process, args)| (process, args))
    }

    /// Reads the daemon.json that applies into `daemon.json`.
    fn load_daemon_json(&mut self) {
        let explicit = self.daemon.flag("config-file").filter(|f| f != "true");
        let path = if let Some(file) = explicit.clone() {
            Some(file)
        } else if self.rootless {
            let config_home = self
                .dockerd
                .as_ref()
                .and_then(|p| p.env.get("XDG_CONFIG_HOME").cloned())
                .filter(|d| !d.is_empty())
                .or_else(|| {
                    self.daemon_home()
                        .map(|h| format!("{}/.config", h.trim_end_matches('/')))
                });
            config_home.map(|d| format!("{}/docker/daemon.json", d.trim_end_matches('/')))
        } else {
            Some("/etc/docker/daemon.json".to_string())
        };
        self.daemon_json_path = path.clone();
        let Some(path) = path else {
            return;
        };
        match self.read_to_string(&path) {
            Ok(text) => {
                self.daemon.file = Some(PathBuf::from(&path));
                if text.trim().is_empty() {
                    return;
                }
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(value @ serde_json::Value::Object(_)) => self.daemon.json = value,
                    Ok(_) => {
                        self.daemon_json_error = Some(format!("{path}: not a JSON object"));
                    }
                    Err(e) => self.daemon_json_error = Some(format!("{path}: {e}")),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && explicit.is_none() => {}
            Err(e) => {
                if self.kind(&path).is_some() {
                    self.daemon.file = Some(PathBuf::from(&path));
                }
                self.daemon_json_error = Some(format!("{path}: {e}"));
            }
        }
    }

    /// Reads the audit rules files and, on the real `/`, `auditctl -l`.
    fn load_audit_rules(&mut self) {
        if let Ok(text) = self.read_to_string("/etc/audit/audit.rules") {
            self.audit_sources.push("/etc/audit/audit.rules".into());
            self.audit_rules.extend(audit_rule_lines(&text));
        }
        let mut rule_files: Vec<String> = self
            .host_path("/etc/audit/rules.d")
            .and_then(|dir| fs::read_dir(dir).ok())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| n.ends_with(".rules"))
                    .map(|n| format!("/etc/audit/rules.d/{n}"))
                    .collect()
            })
            .unwrap_or_default();
        rule_files.sort();
        for file in rule_files {
            if let Ok(text) = self.read_to_string(&file) {
                self.audit_rules.extend(audit_rule_lines(&text));
                self.audit_sources.push(file);
            }
        }
        if self.root != Path::new("/") {
            return;
        }
        let Some(auditctl) = AUDITCTL.iter().find(|p| Path::new(p).is_file()) else {
            return;
        };
        // The loaded rules; needs CAP_AUDIT_CONTROL, so it fails quietly for other users.
        if let Ok(output) = std::process::Command::new(auditctl)
            .arg("-l")
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            && output.status.success()
        {
            self.audit_sources.push("auditctl -l".into());
            self.audit_rules.extend(
                audit_rule_lines(&String::from_utf8_lossy(&output.stdout))
                    .into_iter()
                    .filter(|l| l != "No rules"),
            );
        }
    }
}

/// `info` (`GET /info`) has `name=<name>` among its `SecurityOptions`.
pub fn has_security_option(info: &serde_json::Value, name: &str) -> bool {
    let wanted = format!("name={name}");
    info.get("SecurityOptions")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|options| {
            options
                .iter()
                .filter_map(serde_json::Value::as_str)
                .any(|o| o.split(',').any(|field| field.trim() == wanted))
        })
}

/// Resolves host path `path` below `root`, following symbolic links as the kernel would with
/// `root` as `/`: absolute targets restart at the root, `..` never climbs above it.
fn resolve_under(root: &Path, path: &Path) -> PathBuf {
    enum Part {
        Up,
        Name(OsString),
    }
    fn parts(p: &Path) -> Vec<Part> {
        p.components()
            .filter_map(|c| match c {
                Component::ParentDir => Some(Part::Up),
                Component::Normal(n) => Some(Part::Name(n.to_os_string())),
                _ => None,
            })
            .collect()
    }
    let mut todo: VecDeque<Part> = parts(path).into();
    let mut done: Vec<OsString> = Vec::new();
    let mut hops = 0;
    while let Some(part) = todo.pop_front() {
        let name = match part {
            Part::Up => {
                done.pop();
                continue;
            }
            Part::Name(name) => name,
        };
        let mut candidate = root.to_path_buf();
        candidate.extend(&done);
        candidate.push(&name);
        let is_link = fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_symlink());
        if is_link
            && hops < 40
            && let Ok(target) = fs::read_link(&candidate)
        {
            hops += 1;
            if target.is_absolute() {
                done.clear();
            }
            for p in parts(&target).into_iter().rev() {
                todo.push_front(p);
            }
            continue;
        }
        done.push(name);
    }
    let mut out = root.to_path_buf();
    out.extend(done);
    out
}

/// Whether dockerd started with `args` keeps its data in `engine_root` (`--data-root`, the
/// older `--graph`/`-g`, default `/var/lib/docker`; with userns-remap the engine reports a
/// `<uid>.<gid>` folder below it). A data root set only in daemon.json is not seen here.
fn serves_data_root(args: &[String], engine_root: &str) -> bool {
    let daemon = DaemonConfig {
        args: args.to_vec(),
        ..DaemonConfig::default()
    };
    let data_root = daemon
        .flag("data-root")
        .or_else(|| daemon.flag("graph"))
        .unwrap_or_else(|| "/var/lib/docker".to_string());
    let data_root = data_root.trim_end_matches('/');
    let engine_root = engine_root.trim_end_matches('/');
    engine_root == data_root
        || Path::new(engine_root).parent().and_then(Path::to_str) == Some(data_root)
}

fn split_nul(raw: &[u8]) -> Vec<String> {
    let mut parts: Vec<String> = raw
        .split(|b| *b == 0)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    while parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `/a/b/` → `/a/b`; `/` stays `/`.
fn normalize(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The real uid of `/proc/<pid>/status` (`Uid:\t<real>\t<effective>…`).
pub fn parse_status_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|uid| uid.parse().ok())
}

/// Field 22 (`starttime`) of `/proc/<pid>/stat`; the command name in field 2 may hold spaces
/// and parentheses, so fields are counted after its last `)`.
pub fn parse_stat_starttime(stat: &str) -> Option<u64> {
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// `/etc/passwd` lines (`name:x:uid:gid:gecos:home:shell`); malformed lines are skipped.
pub fn parse_passwd(text: &str) -> Vec<User> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            Some(User {
                name: fields.first().filter(|n| !n.is_empty())?.to_string(),
                uid: fields.get(2)?.parse().ok()?,
                gid: fields.get(3)?.parse().ok()?,
                home: fields.get(5).map(|h| h.to_string()).unwrap_or_default(),
            })
        })
        .collect()
}

/// `/etc/group` lines (`name:x:gid:member,member`); malformed lines are skipped.
pub fn parse_group(text: &str) -> Vec<Group> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            Some(Group {
                name: fields.first().filter(|n| !n.is_empty())?.to_string(),
                gid: fields.get(2)?.parse().ok()?,
                members: fields
                    .get(3)
                    .map(|m| {
                        m.split(',')
                            .map(str::trim)
                            .filter(|m| !m.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// `mountinfo` lines: field 5 is the mount point (octal escapes such as `\040` undone), after
/// the ` - ` separator come the filesystem type and the source.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let mount_point = unescape_octal(fields.get(4)?);
            let dash = fields.iter().position(|f| *f == "-")?;
            Some(Mount {
                mount_point,
                fs_type: fields
                    .get(dash + 1)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                source: fields
                    .get(dash + 2)
                    .map(|s| unescape_octal(s))
                    .unwrap_or_default(),
            })
        })
        .collect()
}

fn unescape_octal(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let value = bytes[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
            if let Ok(byte) = u8::try_from(value) {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rules of an audit rules file or of `auditctl -l`: trimmed, without blank lines and
/// comments.
pub fn audit_rule_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .map(str::to_string)
        .collect()
}

/// Rule `rule` watches exactly `path`: `-w <path>`, `-F path=<path>` or `-F dir=<path>`
/// (trailing slashes ignored), and it is not a `never` rule.
pub fn audit_rule_watches(rule: &str, path: &str) -> bool {
    let wanted = normalize(path);
    let tokens: Vec<&str> = rule.split_whitespace().collect();
    let mut watches = false;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let value = |flag: &str| -> Option<&str> {
            if token == flag {
                tokens.get(i + 1).copied()
            } else {
                token.strip_prefix(flag).filter(|v| !v.is_empty())
            }
        };
        if let Some(action) = value("-a").or_else(|| value("-A"))
            && action.split(',').any(|a| a == "never")
        {
            return false;
        }
        if let Some(watched) = value("-w") {
            watches |= normalize(watched) == wanted;
        } else if let Some(field) = value("-F") {
            let watched = field
                .strip_prefix("path=")
                .or_else(|| field.strip_prefix("dir="));
            if let Some(watched) = watched {
                watches |= normalize(watched) == wanted;
            }
        }
        i += 1;
    }
    watches
}

/// The daemon's effective configuration: daemon.json and the dockerd command line. A flag on
/// the command line and a key in daemon.json mean the same setting (dockerd refuses to start
/// when both set it, so at most one is present in practice).
#[derive(Debug, Clone, Default)]
pub struct DaemonConfig {
    /// The daemon.json that applies (`--config-file`, the rootless path, or
    /// `/etc/docker/daemon.json`), when it exists.
    pub file: Option<PathBuf>,
    /// Its parsed content; `Null` when there is none.
    pub json: serde_json::Value,
    /// dockerd's arguments, without the program name.
    pub args: Vec<String>,
}

impl DaemonConfig {
    /// Every value given to a long flag (`--icc=false`, `--icc false`, `-H x` for `--host`),
    /// in order. A boolean flag given bare reads as `"true"`.
    pub fn flag_values(&self, long: &str) -> Vec<String> {
        let short = match long {
            "host" => Some("H"),
            "debug" => Some("D"),
            "log-level" => Some("l"),
            "group" => Some("G"),
            "pidfile" => Some("p"),
            "bridge" => Some("b"),
            _ => None,
        };
        let mut values = Vec::new();
        let mut args = self.args.iter().peekable();
        while let Some(arg) = args.next() {
            let name = if let Some(rest) = arg.strip_prefix("--") {
                rest
            } else if let Some(rest) = arg.strip_prefix('-') {
                match short {
                    Some(s) if rest.starts_with(s) => {
                        let inline = &rest[s.len()..];
                        if inline.is_empty() {
                            if let Some(next) = args.next_if(|n| !n.starts_with('-')) {
                                values.push(next.clone());
                            } else {
                                values.push("true".into());
                            }
                        } else {
                            values.push(inline.trim_start_matches('=').to_string());
                        }
                        continue;
                    }
                    _ => continue,
                }
            } else {
                continue;
            };
            let (flag, inline) = match name.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (name, None),
            };
            if flag != long {
                continue;
            }
            match inline {
                Some(v) => values.push(v.to_string()),
                None => match args.next_if(|n| !n.starts_with('-')) {
                    Some(next) => values.push(next.clone()),
                    None => values.push("true".into()),
                },
            }
        }
        values
    }

    /// The last value of a flag (the one dockerd uses).
    pub fn flag(&self, long: &str) -> Option<String> {
        self.flag_values(long).pop()
    }

    /// A daemon.json key (`icc`, `log-level`, `default-ulimits`); `null` counts as absent.
    pub fn key(&self, key: &str) -> Option<&serde_json::Value> {
        self.json.get(key).filter(|v| !v.is_null())
    }

    /// A boolean setting from either source: the flag (`--icc=false`) or the key (`"icc": false`).
    pub fn bool_setting(&self, flag: &str, key: &str) -> Option<bool> {
        if let Some(v) = self.flag(flag) {
            return match v.as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            };
        }
        self.key(key).and_then(serde_json::Value::as_bool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon(args: &[&str], json: &str) -> DaemonConfig {
        DaemonConfig {
            file: None,
            json: serde_json::from_str(json).unwrap(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn flags_in_every_spelling() {
        let d = daemon(
            &[
                "-H",
                "fd://",
                "--containerd=/run/containerd/containerd.sock",
                "--icc=false",
                "-D",
                "--log-level",
                "warn",
                "-Hunix:///x.sock",
            ],
            "{}",
        );
        assert_eq!(d.flag_values("host"), ["fd://", "unix:///x.sock"]);
        assert_eq!(d.flag("icc").as_deref(), Some("false"));
        assert_eq!(d.flag("debug").as_deref(), Some("true"));
        assert_eq!(d.flag("log-level").as_deref(), Some("warn"));
        assert_eq!(d.bool_setting("icc", "icc"), Some(false));
        assert_eq!(d.flag("iptables"), None);
    }

    #[test]
    fn keys_and_nulls() {
        let d = daemon(
            &[],
            r#"{"icc": false, "authorization-plugins": null, "log-level": "info"}"#,
        );
        assert_eq!(d.bool_setting("icc", "icc"), Some(false));
        assert!(d.key("authorization-plugins").is_none());
        assert_eq!(d.key("log-level").and_then(|v| v.as_str()), Some("info"));
    }

    #[test]
    fn modes_are_bit_masks() {
        let stat = |mode| FileStat {
            uid: 0,
            gid: 0,
            mode,
            is_dir: false,
        };
        assert!(stat(0o644).mode_within(0o644));
        assert!(stat(0o600).mode_within(0o644));
        // docker-bench-security compares 606 <= 644 as decimals and passes it.
        assert!(!stat(0o606).mode_within(0o644));
        assert!(!stat(0o660).mode_within(0o644));
        assert!(stat(0o1660).mode_within(0o660));
        assert!(!stat(0o4644).mode_within(0o644));
    }

    use std::os::unix::fs::{PermissionsExt, symlink};

    fn write(root: &Path, path: &str, content: &str) {
        let full = root.join(path.trim_start_matches('/'));
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, content).unwrap();
    }

    fn link(root: &Path, path: &str, target: &str) {
        let full = root.join(path.trim_start_matches('/'));
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        symlink(target, full).unwrap();
    }

    fn chmod(root: &Path, path: &str, mode: u32) {
        let full = root.join(path.trim_start_matches('/'));
        fs::set_permissions(full, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A fake `/proc/<pid>` of a process.
    fn process(
        root: &Path,
        pid: u32,
        comm: &str,
        argv: &[&str],
        uid: u32,
        start: u64,
        env: &[&str],
    ) {
        let dir = format!("/proc/{pid}");
        write(root, &format!("{dir}/comm"), &format!("{comm}\n"));
        let mut cmdline = argv.join("\0");
        cmdline.push('\0');
        write(root, &format!("{dir}/cmdline"), &cmdline);
        write(
            root,
            &format!("{dir}/status"),
            &format!(
                "Name:\t{comm}\nUmask:\t0022\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t0\t0\t0\t0\n"
            ),
        );
        write(
            root,
            &format!("{dir}/stat"),
            &format!(
                "{pid} ({comm}) S 1 {pid} {pid} 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 12 0 {start} 1 2 3"
            ),
        );
        let mut environ = env.join("\0");
        environ.push('\0');
        write(root, &format!("{dir}/environ"), &environ);
    }

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
        alice:x:1000:1000:Alice:/home/alice:/bin/bash\n\
        carol:x:1002:999::/home/carol:/bin/sh\n\
        broken-line\n";
    const GROUP: &str = "root:x:0:\ndocker:x:999:alice,bob\nalice:x:1000:\n";

    fn rootful_host() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        process(root, 77, "bash", &["/bin/bash"], 0, 50, &[]);
        process(
            root,
            4100,
            "dockerd",
            &["/usr/bin/dockerd", "--icc=true"],
            0,
            100,
            &[],
        );
        process(
            root,
            4242,
            "dockerd",
            &[
                "/usr/bin/dockerd",
                "--config-file",
                "/srv/docker.json",
                "-H",
                "unix:///var/run/custom.sock",
                "-H",
                "tcp://0.0.0.0:2376",
            ],
            0,
            900,
            &["PATH=/usr/bin", "HOME=/root", "SECRET_TOKEN=hunter2"],
        );
        write(
            root,
            "/srv/docker.json",
            r#"{"icc": false, "tlsverify": true}"#,
        );
        write(root, "/etc/passwd", PASSWD);
        write(root, "/etc/group", GROUP);
        write(
            root,
            "/lib/systemd/system/docker.service",
            "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
        );
        write(
            root,
            "/etc/systemd/system/docker.service.d/20-b.conf",
            "[Service]\n",
        );
        write(
            root,
            "/run/systemd/system/docker.service.d/10-a.conf",
            "[Service]\n",
        );
        write(
            root,
            "/lib/systemd/system/docker.service.d/20-b.conf",
            "[Service]\n",
        );
        write(
            root,
            "/lib/systemd/system/docker.service.d/notes.txt",
            "x\n",
        );
        // Masked in /etc: a link to /dev/null, which is no unit file.
        link(root, "/etc/systemd/system/docker.socket", "/dev/null");
        write(
            root,
            "/lib/systemd/system/docker.socket",
            "[Socket]\nListenStream=/run/docker.sock\n",
        );
        write(
            root,
            "/etc/audit/audit.rules",
            "# docker\n-w /usr/bin/dockerd -k docker\n\n; old\n",
        );
        write(
            root,
            "/etc/audit/rules.d/50-docker.rules",
            "-a always,exit -F path=/run/containerd -F perm=war -k docker\n",
        );
        write(root, "/etc/audit/rules.d/README", "-w /etc/docker\n");
        write(
            root,
            "/proc/1/mountinfo",
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n\
             42 27 254:1 / /var/lib/docker rw,relatime shared:1 - xfs /dev/vdb rw\n\
             43 27 0:50 / /mnt/my\\040disk rw - tmpfs tmpfs rw\n",
        );
        link(root, "/var/run", "/run");
        fs::create_dir_all(root.join("run")).unwrap();
        dir
    }

    #[test]
    fn gathers_a_rootful_host() {
        let dir = rootful_host();
        let root = dir.path();
        let _listener =
            std::os::unix::net::UnixListener::bind(root.join("run/custom.sock")).unwrap();
        let facts = HostFacts::gather(
            root,
            &serde_json::json!({"SecurityOptions": ["name=seccomp,profile=builtin"]}),
        );
        assert!(!facts.rootless);
        let process = facts.dockerd.clone().unwrap();
        assert_eq!(process.pid, 4242, "the newest dockerd");
        assert_eq!(process.uid, 0);
        assert_eq!(process.env.get("HOME").map(String::as_str), Some("/root"));
        assert!(
            !process.env.contains_key("SECRET_TOKEN"),
            "only XDG/HOME/cert vars are kept"
        );
        assert_eq!(facts.daemon.args[0], "--config-file");
        assert_eq!(
            facts.daemon.flag("config-file").as_deref(),
            Some("/srv/docker.json")
        );
        assert_eq!(facts.daemon_json_path.as_deref(), Some("/srv/docker.json"));
        assert_eq!(
            facts.daemon.file.as_deref(),
            Some(Path::new("/srv/docker.json"))
        );
        assert_eq!(facts.daemon.bool_setting("icc", "icc"), Some(false));
        assert!(facts.daemon_json_error.is_none());

        // The socket behind the /var/run -> /run link, inside the root.
        assert_eq!(facts.daemon_sockets(), ["/var/run/custom.sock"]);
        assert_eq!(facts.kind("/var/run/custom.sock"), Some(FileKind::Socket));
        assert!(facts.stat("/var/run/custom.sock").is_some());
        assert_eq!(facts.kind("/var/run/docker.sock"), None);

        assert_eq!(
            facts.unit_path("docker.service").as_deref(),
            Some("/lib/systemd/system/docker.service")
        );
        let unit = facts
            .units
            .iter()
            .find(|u| u.name == "docker.service")
            .unwrap();
        assert_eq!(
            unit.drop_ins,
            [
                "/run/systemd/system/docker.service.d/10-a.conf",
                "/etc/systemd/system/docker.service.d/20-b.conf",
            ]
        );
        assert_eq!(
            facts.unit_path("docker.socket").as_deref(),
            Some("/lib/systemd/system/docker.socket")
        );
        assert_eq!(
            facts.unit_setting("docker.socket", "ListenStream"),
            ["/run/docker.sock"]
        );
        assert_eq!(
            facts.unit_setting("docker.service", "ExecStart"),
            ["/usr/bin/dockerd -H fd://"]
        );
        assert!(facts.unit("containerd.service").is_none());

        assert_eq!(facts.audit_rules.len(), 2);
        assert_eq!(
            facts.audit_sources,
            [
                "/etc/audit/audit.rules",
                "/etc/audit/rules.d/50-docker.rules"
            ]
        );
        assert!(facts.has_audit_rule("/usr/bin/dockerd"));
        assert!(facts.has_audit_rule("/run/containerd"));
        assert!(
            !facts.has_audit_rule("/etc/docker"),
            "README is no rules file"
        );

        assert!(facts.is_mount_point("/var/lib/docker"));
        assert!(facts.is_mount_point("/var/lib/docker/"));
        assert!(facts.is_mount_point("/mnt/my disk"));
        assert!(!facts.is_mount_point("/var/lib"));
        assert_eq!(
            facts
                .mount_of("/var/lib/docker/volumes")
                .map(|m| m.source.as_str()),
            Some("/dev/vdb")
        );
        assert_eq!(
            facts
                .mount_of("/var/lib/dockerd")
                .map(|m| m.mount_point.as_str()),
            Some("/")
        );

        assert_eq!(
            facts.docker_group_members().unwrap(),
            ["alice", "bob", "carol"]
        );
        assert_eq!(facts.user_name(1000), "alice");
        assert_eq!(facts.group_name(999), "docker");
        assert_eq!(facts.group_name(4321), "4321");
        // TLS on, no paths: dockerd's defaults in root's ~/.docker.
        assert_eq!(
            facts.tls_file("tlscacert").as_deref(),
            Some("/root/.docker/ca.pem")
        );
        assert_eq!(
            facts.tls_file("tlskey").as_deref(),
            Some("/root/.docker/key.pem")
        );
    }

    #[test]
    fn gathers_a_rootless_host() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // A rootful daemon started later, and the rootless one under rootlesskit.
        process(
            root,
            300,
            "rootlesskit",
            &["rootlesskit", "dockerd-rootless.sh"],
            1000,
            10,
            &[],
        );
        process(
            root,
            310,
            "dockerd",
            &["dockerd"],
            1000,
            20,
            &["HOME=/home/alice", "XDG_RUNTIME_DIR=/run/user/1000"],
        );
        process(root, 900, "dockerd", &["/usr/sbin/dockerd"], 0, 500, &[]);
        write(root, "/etc/passwd", PASSWD);
        write(root, "/etc/group", GROUP);
        write(
            root,
            "/home/alice/.config/docker/daemon.json",
            r#"{"hosts": ["unix:///run/user/1000/other.sock"]}"#,
        );
        write(root, "/etc/docker/daemon.json", r#"{"icc": true}"#);
        let info = serde_json::json!({"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]});
        let facts = HostFacts::gather(root, &info);
        assert!(facts.rootless);
        assert_eq!(
            facts.dockerd.as_ref().map(|p| (p.pid, p.uid)),
            Some((310, 1000))
        );
        assert_eq!(facts.daemon_home().as_deref(), Some("/home/alice"));
        assert_eq!(
            facts.daemon_json_path.as_deref(),
            Some("/home/alice/.config/docker/daemon.json")
        );
        assert_eq!(facts.daemon_sockets(), ["/run/user/1000/other.sock"]);
        assert!(
            facts.daemon.key("icc").is_none(),
            "/etc/docker/daemon.json does not apply"
        );

        // Without hosts, the socket is in XDG_RUNTIME_DIR; without it, /run/user/<uid>.
        let mut plain = facts.clone();
        plain.daemon.json = serde_json::Value::Null;
        assert_eq!(plain.daemon_sockets(), ["/run/user/1000/docker.sock"]);
        plain.dockerd.as_mut().unwrap().env.clear();
        assert_eq!(plain.daemon_sockets(), ["/run/user/1000/docker.sock"]);
        // Home from /etc/passwd when the environment is unreadable.
        assert_eq!(plain.daemon_home().as_deref(), Some("/home/alice"));
        plain.dockerd = None;
        assert!(
            plain.daemon_sockets().is_empty(),
            "unknown user: unknown socket"
        );
    }

    #[test]
    fn daemon_json_errors_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/etc/docker/daemon.json", "{\"icc\": false,,}");
        let facts = HostFacts::gather(root, &serde_json::Value::Null);
        assert!(facts.daemon.json.is_null());
        assert!(
            facts
                .daemon_json_error
                .as_deref()
                .unwrap()
                .starts_with("/etc/docker/daemon.json: ")
        );
        assert_eq!(
            facts.daemon.file.as_deref(),
            Some(Path::new("/etc/docker/daemon.json"))
        );

        write(root, "/etc/docker/daemon.json", "[1, 2]");
        let facts = HostFacts::gather(root, &serde_json::Value::Null);
        assert_eq!(
            facts.daemon_json_error.as_deref(),
            Some("/etc/docker/daemon.json: not a JSON object")
        );

        write(root, "/etc/docker/daemon.json", "  \n");
        let facts = HostFacts::gather(root, &serde_json::Value::Null);
        assert!(facts.daemon_json_error.is_none() && facts.daemon.json.is_null());

        // Absent default file: nothing to report; no dockerd found either.
        fs::remove_file(root.join("etc/docker/daemon.json")).unwrap();
        let facts = HostFacts::gather(root, &serde_json::Value::Null);
        assert!(facts.daemon_json_error.is_none() && facts.daemon.file.is_none());
        assert_eq!(
            facts.daemon_json_path.as_deref(),
            Some("/etc/docker/daemon.json")
        );
        assert!(facts.dockerd.is_none() && facts.daemon.args.is_empty());

        // An explicit --config-file that is missing is an error.
        process(
            root,
            10,
            "dockerd",
            &["dockerd", "--config-file=/nope.json"],
            0,
            1,
            &[],
        );
        let facts = HostFacts::gather(root, &serde_json::Value::Null);
        assert!(
            facts
                .daemon_json_error
                .as_deref()
                .unwrap()
                .starts_with("/nope.json: ")
        );

        // Unreadable (when not running as root, which ignores modes).
        write(root, "/srv/secret.json", "{}");
        chmod(root, "/srv/secret.json", 0o000);
        process(
            root,
            10,
            "dockerd",
            &["dockerd", "--config-file=/srv/secret.json"],
            0,
            1,
            &[],
        );
        let facts = HostFacts::gather(root, &serde_json::Value::Null);
        if fs::read(root.join("srv/secret.json")).is_err() {
            assert!(facts.daemon_json_error.is_some());
            assert!(facts.daemon.file.is_some());
        }
    }

    #[test]
    fn empty_root_reads_nothing() {
        let facts = HostFacts::default();
        assert!(facts.stat("/").is_none());
        assert!(facts.kind("/etc/passwd").is_none());
        assert!(facts.unit_path("docker.service").is_none());
        assert!(facts.files_under("/etc").is_empty());
        let gathered = HostFacts::gather(Path::new(""), &serde_json::Value::Null);
        assert!(
            gathered.dockerd.is_none() && gathered.users.is_empty() && gathered.mounts.is_empty()
        );
    }

    #[test]
    fn links_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/etc/passwd", "inside\n");
        link(root, "/var/run", "/run");
        link(root, "/run/escape", "../../../../../../etc");
        link(root, "/run/loop", "/run/loop");
        let resolved = resolve_under(root, Path::new("/var/run/escape/passwd"));
        assert_eq!(resolved, root.join("etc/passwd"));
        let facts = HostFacts {
            root: root.to_path_buf(),
            ..HostFacts::default()
        };
        assert_eq!(
            facts.read_to_string("/var/run/escape/passwd").unwrap(),
            "inside\n"
        );
        assert!(facts.stat("/run/loop").is_none(), "a link loop ends");
        assert_eq!(
            resolve_under(root, Path::new("/../etc/./passwd")),
            root.join("etc/passwd")
        );
    }

    #[test]
    fn stat_and_files_under() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/etc/docker/certs.d/reg:5000/ca.crt", "x");
        write(root, "/etc/docker/certs.d/reg:5000/client.key", "x");
        write(root, "/etc/docker/certs.d/other/deep/x.crt", "x");
        chmod(root, "/etc/docker/certs.d/reg:5000/ca.crt", 0o606);
        let facts = HostFacts {
            root: root.to_path_buf(),
            ..HostFacts::default()
        };
        assert_eq!(
            facts.files_under("/etc/docker/certs.d/"),
            [
                "/etc/docker/certs.d/other/deep/x.crt",
                "/etc/docker/certs.d/reg:5000/ca.crt",
                "/etc/docker/certs.d/reg:5000/client.key",
            ]
        );
        let stat = facts.stat("/etc/docker/certs.d/reg:5000/ca.crt").unwrap();
        assert_eq!(stat.mode, 0o606);
        assert!(!stat.is_dir && !stat.mode_within(0o444));
        assert!(facts.stat("/etc/docker").unwrap().is_dir);
        assert_eq!(facts.kind("/etc/docker"), Some(FileKind::Dir));
    }

    #[test]
    fn passwd_group_and_members() {
        let users = parse_passwd(PASSWD);
        assert_eq!(users.len(), 3);
        assert_eq!(
            users[1],
            User {
                name: "alice".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/alice".into()
            }
        );
        let groups = parse_group("docker:x:999:alice, bob,\n#c:x:1:\nbad:x:notanumber:\n");
        assert_eq!(
            groups,
            [Group {
                name: "docker".into(),
                gid: 999,
                members: vec!["alice".into(), "bob".into()]
            }]
        );
        let facts = HostFacts {
            users,
            groups,
            ..HostFacts::default()
        };
        assert_eq!(
            facts.docker_group_members().unwrap(),
            ["alice", "bob", "carol"]
        );
        assert!(facts.group_members("wheel").is_none());
    }

    #[test]
    fn mountinfo_parsing() {
        let mounts = parse_mountinfo(
            "36 35 98:0 /mnt1 /mnt/parent\\040dir rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n\
             garbage\n",
        );
        assert_eq!(
            mounts,
            [Mount {
                mount_point: "/mnt/parent dir".into(),
                fs_type: "ext3".into(),
                source: "/dev/root".into()
            }]
        );
        assert_eq!(unescape_octal("a\\134b\\011"), "a\\b\t");
        assert_eq!(unescape_octal("\\99x\\"), "\\99x\\");
    }

    #[test]
    fn audit_rules_match_exact_paths() {
        assert!(audit_rule_watches(
            "-w /usr/bin/dockerd -p rwxa -k docker",
            "/usr/bin/dockerd"
        ));
        assert!(audit_rule_watches(
            "-w /etc/docker/ -k docker",
            "/etc/docker"
        ));
        assert!(audit_rule_watches(
            "-a always,exit -F arch=b64 -S all -F path=/run/containerd -F perm=rwxa -F key=docker",
            "/run/containerd"
        ));
        assert!(audit_rule_watches(
            "-a exit,always -F dir=/var/lib/docker -F perm=war",
            "/var/lib/docker"
        ));
        assert!(!audit_rule_watches(
            "-w /usr/bin/dockerd-rootless.sh -k docker",
            "/usr/bin/dockerd"
        ));
        assert!(!audit_rule_watches(
            "-w /etc/docker/daemon.json -k docker",
            "/etc/docker"
        ));
        assert!(!audit_rule_watches(
            "-a never,exit -F path=/usr/bin/runc",
            "/usr/bin/runc"
        ));
        assert!(!audit_rule_watches("-k /usr/bin/runc", "/usr/bin/runc"));
        assert_eq!(
            audit_rule_lines("# c\n ; x\n\n -w /a -k b \n"),
            ["-w /a -k b"]
        );
    }

    #[test]
    fn proc_parsers() {
        assert_eq!(
            parse_status_uid("Name:\tx\nUid:\t1000\t0\t0\t0\n"),
            Some(1000)
        );
        assert_eq!(parse_status_uid("Name:\tx\n"), None);
        let stat = "42 (a) b) c) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 12 0 777 1 2";
        assert_eq!(parse_stat_starttime(stat), Some(777));
        assert_eq!(parse_stat_starttime("garbage"), None);
        assert_eq!(split_nul(b"dockerd\0-D\0\0"), ["dockerd", "-D"]);
    }

    #[test]
    fn sockets_from_hosts() {
        let dir = rootful_host();
        let root = dir.path();
        let mut facts = HostFacts {
            root: root.to_path_buf(),
            ..HostFacts::default()
        };
        assert_eq!(facts.daemon_sockets(), [DEFAULT_SOCKET]);
        facts.daemon = daemon(&["-H", "fd://", "-H", "tcp://0.0.0.0:2375"], "{}");
        assert_eq!(
            facts.daemon_sockets(),
            ["/run/docker.sock"],
            "ListenStream of docker.socket"
        );
        facts.daemon = daemon(&[], r#"{"hosts": ["tcp://127.0.0.1:2375"]}"#);
        assert!(facts.daemon_sockets().is_empty(), "TCP only");
        facts.daemon = daemon(&[], r#"{"hosts": "unix://"}"#);
        assert_eq!(facts.daemon_sockets(), [DEFAULT_SOCKET]);
        facts.daemon = daemon(
            &[
                "--host=unix:///a.sock",
                "-H",
                "unix:///a.sock",
                "-H",
                "/b.sock",
            ],
            "{}",
        );
        assert_eq!(facts.daemon_sockets(), ["/a.sock", "/b.sock"]);
        assert_eq!(facts.socket_group(), "docker");
        facts.daemon = daemon(&["-G", "dockerops"], "{}");
        assert_eq!(facts.socket_group(), "dockerops");
        facts.daemon = daemon(&[], r#"{"group": "ops"}"#);
        assert_eq!(facts.socket_group(), "ops");
    }

    #[test]
    fn tls_files_and_containerd_socket() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut facts = HostFacts {
            root: root.to_path_buf(),
            ..HostFacts::default()
        };
        assert_eq!(facts.tls_file("tlscacert"), None);
        facts.daemon = daemon(
            &["--tlscacert=/etc/ca.pem", "--tlsverify"],
            r#"{"tlscert": "/etc/cert.pem"}"#,
        );
        assert_eq!(facts.tls_file("tlscacert").as_deref(), Some("/etc/ca.pem"));
        assert_eq!(facts.tls_file("tlscert").as_deref(), Some("/etc/cert.pem"));
        assert_eq!(
            facts.tls_file("tlskey").as_deref(),
            Some("/root/.docker/key.pem")
        );
        facts.dockerd = Some(DockerdProcess {
            env: BTreeMap::from([("DOCKER_CERT_PATH".to_string(), "/certs".to_string())]),
            ..DockerdProcess::default()
        });
        assert_eq!(facts.tls_file("tlskey").as_deref(), Some("/certs/key.pem"));

        assert_eq!(facts.containerd_socket(), "/run/containerd/containerd.sock");
        write(root, "/run/docker/containerd/containerd.sock", "");
        assert_eq!(
            facts.containerd_socket(),
            "/run/docker/containerd/containerd.sock"
        );
        write(root, "/run/containerd/containerd.sock", "");
        assert_eq!(facts.containerd_socket(), "/run/containerd/containerd.sock");
        facts.daemon = daemon(&["--containerd", "/x/c.sock"], "{}");
        assert_eq!(facts.containerd_socket(), "/x/c.sock");
    }

    /// The real host: a dockerd runs here (started by hand, or by `.ci/run` with
    /// `nohup dockerd`: no daemon.json, no systemd).
    #[test]
    fn gathers_the_real_host() {
        if fs::metadata("/var/run/docker.sock").is_err() {
            eprintln!("no /var/run/docker.sock: no Docker engine on this machine");
            return;
        }
        let facts = HostFacts::gather(Path::new("/"), &serde_json::Value::Null);
        let process = facts.dockerd.as_ref().expect("a dockerd process in /proc");
        let cmdline = fs::read(format!("/proc/{}/cmdline", process.pid)).unwrap();
        let argv = split_nul(&cmdline);
        assert_eq!(
            facts.daemon.args,
            argv[1..],
            "dockerd's arguments, without argv[0]"
        );
        assert!(facts.daemon_json_path.is_some());
        assert!(facts.daemon_sockets().iter().all(|s| s.starts_with('/')));
        assert!(facts.users.iter().any(|u| u.uid == 0));
        assert!(facts.mounts.iter().any(|m| m.mount_point == "/"));
        if facts.daemon.flag("host").is_none() && facts.daemon.key("hosts").is_none() {
            assert_eq!(facts.daemon_sockets(), [DEFAULT_SOCKET]);
        }
        let socket = facts.stat("/var/run/docker.sock").unwrap();
        assert_eq!(facts.kind("/var/run/docker.sock"), Some(FileKind::Socket));
        assert!(!socket.is_dir);
        let docker_gid = facts.group_by_name("docker").map(|g| g.gid);
        assert!(
            socket.gid == 0 || Some(socket.gid) == docker_gid,
            "socket group {} is neither root nor docker",
            socket.gid
        );
    }
}

#[cfg(test)]
mod engine_match_tests {
    use super::serves_data_root;

    #[test]
    fn the_benched_daemon_is_the_one_with_the_engine_data_root() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(serves_data_root(&args(&["-H", "fd://"]), "/var/lib/docker"));
        assert!(serves_data_root(
            &args(&[]),
            "/var/lib/docker/100000.100000"
        ));
        assert!(!serves_data_root(
            &args(&["--data-root", "/tmp/d2"]),
            "/var/lib/docker"
        ));
        assert!(serves_data_root(
            &args(&["--data-root=/tmp/d2/"]),
            "/tmp/d2"
        ));
    }
}
