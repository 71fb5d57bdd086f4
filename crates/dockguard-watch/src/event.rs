//! The event every source produces: owned data (no borrow of a source's buffers), so that it
//! can cross the channel to the rules thread, and an [`EventFields`] implementation that maps
//! Falco's field names onto it.
//!
//! Example: an exec seen by the process connector inside a container answers
//! `evt.type=execve`, `proc.name=sh`, `proc.aname[1]=containerd-shim`, `container.id=3f…`;
//! fields the event cannot know (a file path on an exec) answer `None` (`<NA>`).

use dockguard_falco::{EventFields, Field, FieldArg, FieldValue};
use std::borrow::Cow;
use std::sync::Arc;

/// Which source produced an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// The netlink process connector (exec, fork, exit, uid/gid changes).
    ProcConnector,
    /// The Docker events stream.
    Docker,
    /// fanotify (opens of sensitive files, writes below watched directories).
    Fanotify,
}

impl SourceKind {
    pub const ALL: [SourceKind; 3] = [
        SourceKind::ProcConnector,
        SourceKind::Docker,
        SourceKind::Fanotify,
    ];

    /// Short name used in messages and counters: `proc`, `docker`, `fanotify`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::ProcConnector => "proc",
            SourceKind::Docker => "docker",
            SourceKind::Fanotify => "fanotify",
        }
    }

    /// Falco's `evt.source`: `syscall` for kernel sources, `docker` for the engine's stream.
    pub fn falco_source(self) -> &'static str {
        match self {
            SourceKind::Docker => "docker",
            _ => "syscall",
        }
    }
}

/// An ancestor of a process: `ancestors[0]` is the parent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ancestor {
    pub pid: i32,
    /// Command name (comm).
    pub name: String,
    /// argv[0]; read for the parent only.
    pub exe: Option<String>,
    /// `/proc/PID/exe`; read for the parent only.
    pub exepath: Option<String>,
    /// argv, read for the parent only.
    pub argv: Option<Vec<String>>,
}

/// What was read about a process. Fields are `None` when the process had already exited (or
/// the event does not carry them: fork and exit events read little).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Process {
    /// Host pid (the thread group id).
    pub pid: i32,
    /// Pid in the process's own pid namespace (last value of `NSpid`).
    pub vpid: Option<i32>,
    pub ppid: Option<i32>,
    /// Command name (comm, at most 15 bytes).
    pub name: Option<String>,
    /// Full argv (`/proc/PID/cmdline`); argv[0] is `proc.exe`.
    pub argv: Option<Vec<String>>,
    /// `/proc/PID/exe` target, as the process sees it (`(deleted)` and `memfd:` kept).
    pub exepath: Option<String>,
    /// Working directory (without trailing `/`).
    pub cwd: Option<String>,
    /// `tty_nr` from `/proc/PID/stat` (0: no terminal).
    pub tty: Option<i64>,
    /// Session id and its leader's comm.
    pub sid: Option<i32>,
    pub sname: Option<String>,
    /// Effective uid/gid (`/proc/PID/status`, or the connector's uid/gid event).
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// Real uid (for setuid events: who changed identity).
    pub ruid: Option<u32>,
    pub loginuid: Option<i64>,
    pub user_name: Option<String>,
    pub group_name: Option<String>,
    /// Nanoseconds since the process started.
    pub duration_ns: Option<i64>,
    /// The executable exists in the container's overlay upper layer.
    pub exe_upper_layer: Option<bool>,
    /// Parent first, up to the configured depth.
    pub ancestors: Vec<Ancestor>,
    /// Exit code / signal (exit events).
    pub exit_code: Option<i32>,
    pub exit_signal: Option<i32>,
}

impl Process {
    pub fn exe(&self) -> Option<&str> {
        self.argv.as_ref()?.first().map(String::as_str)
    }

    /// Arguments after argv[0], space-separated.
    pub fn args(&self) -> Option<String> {
        let argv = self.argv.as_ref()?;
        let mut out = String::with_capacity(joined_len(argv.get(1..).unwrap_or_default()));
        push_joined(&mut out, argv.get(1..).unwrap_or_default());
        Some(out)
    }

    /// `proc.name` and `proc.args`, as Falco prints `proc.cmdline`.
    pub fn cmdline(&self) -> Option<String> {
        let name = self.name.as_deref()?;
        let args = self
            .argv
            .as_deref()
            .and_then(|a| a.get(1..))
            .unwrap_or_default();
        // One allocation: rules read the command line of every exec.
        let mut out = String::with_capacity(name.len() + 1 + joined_len(args));
        out.push_str(name);
        if args.iter().any(|a| !a.is_empty()) || args.len() > 1 {
            out.push(' ');
            push_joined(&mut out, args);
        }
        Some(out)
    }
}

/// Length of `items` joined with spaces.
fn joined_len(items: &[String]) -> usize {
    items.iter().map(String::len).sum::<usize>() + items.len().saturating_sub(1)
}

/// Appends `items` joined with spaces.
fn push_joined(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(item);
    }
}

/// One mount of a container (from inspect `Mounts`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mount {
    pub source: String,
    pub destination: String,
    pub mode: String,
    pub rw: bool,
    pub propagation: String,
}

/// Container metadata from `GET /containers/{id}/json`, cached (see [`crate::ContainerCache`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerInfo {
    /// Full (64 hex) id.
    pub id: String,
    /// Name without the leading `/`.
    pub name: Option<String>,
    /// Image reference as created (`Config.Image`).
    pub image: Option<String>,
    pub repository: Option<String>,
    pub tag: Option<String>,
    pub digest: Option<String>,
    pub privileged: Option<bool>,
    pub mounts: Vec<Mount>,
    pub cap_add: Vec<String>,
    /// Overlay `GraphDriver.Data.UpperDir` (for `proc.is_exe_upper_layer`).
    pub upper_dir: Option<String>,
    /// Host pid of the container's init (`State.Pid`; 0 or absent when not running).
    pub pid: Option<i32>,
}

/// The file of a fanotify event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileAccess {
    /// Full path as the process's mount namespace names it (container paths for container
    /// processes), from `/proc/self/fd/N`.
    pub path: String,
    pub is_dir: bool,
    pub read: bool,
    pub write: bool,
    pub exec: bool,
}

/// A Docker container event (and, for `exec_*`, the exec's inspect).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerAction {
    /// `create`, `start`, `die`, `exec_create`, `exec_start`, … (the part before `: `).
    pub action: String,
    /// Attributes of the event (labels, `image`, `name`, `exitCode`, `execID`).
    pub attributes: Vec<(String, String)>,
    pub exec_id: Option<String>,
    pub exec_user: Option<String>,
    pub exec_tty: Option<bool>,
    pub exec_privileged: Option<bool>,
    /// Entrypoint and arguments of the exec, space-separated.
    pub exec_cmdline: Option<String>,
    /// Host pid of the exec'd process, when the engine knew it.
    pub exec_pid: Option<i32>,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Sequence number across sources (from 1).
    pub num: u64,
    /// Wall-clock time of reception, nanoseconds since the Unix epoch.
    pub time_ns: i64,
    pub source: SourceKind,
    /// Falco's `evt.type`: `execve`, `clone`, `procexit`, `setuid`, `setgid`, `open`,
    /// `container`.
    pub evt_type: &'static str,
    pub hostname: Arc<str>,
    pub process: Option<Process>,
    /// Full container id (`None`: a host process, or unknown for the Docker source).
    pub container_id: Option<String>,
    /// Metadata of that container, when inspect answered.
    pub container: Option<Arc<ContainerInfo>>,
    pub file: Option<FileAccess>,
    pub docker: Option<DockerAction>,
}

fn s(text: &str) -> Option<FieldValue<'_>> {
    Some(FieldValue::Str(Cow::Borrowed(text)))
}

fn owned<'a>(text: String) -> Option<FieldValue<'a>> {
    Some(FieldValue::Str(Cow::Owned(text)))
}

fn int<'a>(n: impl Into<i64>) -> Option<FieldValue<'a>> {
    Some(FieldValue::Int(n.into()))
}

/// Matches `text` against a glob as Falco's `glob` operator does (fnmatch(3) without
/// FNM_PATHNAME): `*` (any run, `/` included), `?`, `[abc]`, `[a-z]`, `[!a]`; `\` escapes.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    dockguard_falco::glob_match(pattern, text)
}

impl Event {
    fn mount_field(&self, want_dest: bool, arg: Option<&FieldArg>) -> Option<FieldValue<'_>> {
        let mounts = &self.container.as_ref()?.mounts;
        let mount = match arg? {
            FieldArg::Index(n) => mounts.get(*n)?,
            // dest[glob]: the destination of the mount whose source matches; and the reverse.
            FieldArg::Key(key) => mounts
                .iter()
                .find(|m| glob_match(key, if want_dest { &m.source } else { &m.destination }))?,
        };
        s(if want_dest {
            &mount.destination
        } else {
            &mount.source
        })
    }

    fn ancestor_field(&self, pid: bool, arg: Option<&FieldArg>) -> Option<FieldValue<'_>> {
        let ancestors = &self.process.as_ref()?.ancestors;
        match arg {
            // Without an index: every ancestor (a list, `in`/`contains` test membership).
            None => {
                if pid {
                    Some(FieldValue::StrList(
                        ancestors
                            .iter()
                            .map(|a| Cow::Owned(a.pid.to_string()))
                            .collect(),
                    ))
                } else {
                    Some(FieldValue::StrList(
                        ancestors.iter().map(|a| Cow::Borrowed(&*a.name)).collect(),
                    ))
                }
            }
            Some(FieldArg::Index(0)) => {
                let p = self.process.as_ref()?;
                if pid {
                    int(p.pid)
                } else {
                    s(p.name.as_deref()?)
                }
            }
            Some(FieldArg::Index(n)) => {
                let a = ancestors.get(n - 1)?;
                if pid { int(a.pid) } else { s(&a.name) }
            }
            Some(FieldArg::Key(_)) => None,
        }
    }

    fn is_container(&self) -> bool {
        self.container_id.is_some()
    }
}

impl EventFields for Event {
    fn get(&self, field: Field, arg: Option<&FieldArg>) -> Option<FieldValue<'_>> {
        // Every arm reads only what it needs: this runs for each check of each rule.
        let p = self.process.as_ref();
        let parent = || p.and_then(|p| p.ancestors.first());
        let c = self.container.as_deref();
        let f = self.file.as_ref();
        let d = self.docker.as_ref();
        // Host processes answer `host` for the container fields Falco fills on the host;
        // Docker events always concern a container.
        let host = || self.source != SourceKind::Docker && !self.is_container();
        match field {
            Field::EvtType => s(self.evt_type),
            Field::EvtTime => int(self.time_ns),
            Field::EvtDir => s("<"),
            Field::EvtNum => int(i64::try_from(self.num).unwrap_or(i64::MAX)),
            Field::EvtRes => s("SUCCESS"),
            Field::EvtHostname => s(&self.hostname),
            Field::EvtSource => s(self.source.falco_source()),
            Field::EvtIsOpenRead => f.map(|f| FieldValue::Bool(f.read)),
            Field::EvtIsOpenWrite => f.map(|f| FieldValue::Bool(f.write)),
            Field::EvtIsOpenExec => f.map(|f| FieldValue::Bool(f.exec)),
            Field::ProcName => s(p?.name.as_deref()?),
            Field::ProcExe => s(p?.exe()?),
            Field::ProcExepath => s(p?.exepath.as_deref()?),
            Field::ProcArgs => owned(p?.args()?),
            Field::ProcCmdline => owned(p?.cmdline()?),
            Field::ProcPid => int(p?.pid),
            Field::ProcVpid => int(p?.vpid?),
            Field::ProcPpid => int(p?.ppid?),
            Field::ProcPname => s(&parent()?.name),
            Field::ProcPexe => s(parent()?.exe.as_deref()?),
            Field::ProcPexepath => s(parent()?.exepath.as_deref()?),
            Field::ProcPcmdline => {
                let parent = parent()?;
                let args = parent.argv.as_ref().map(|a| a[1.min(a.len())..].join(" "));
                match args {
                    Some(args) if !args.is_empty() => owned(format!("{} {args}", parent.name)),
                    _ => s(&parent.name),
                }
            }
            Field::ProcAname => self.ancestor_field(false, arg),
            Field::ProcApid => self.ancestor_field(true, arg),
            Field::ProcTty => int(p?.tty?),
            Field::ProcCwd => owned(format!("{}/", p?.cwd.as_deref()?.trim_end_matches('/'))),
            Field::ProcSname => s(p?.sname.as_deref()?),
            Field::ProcDuration => int(p?.duration_ns?),
            Field::ProcIsExeUpperLayer => p?.exe_upper_layer.map(FieldValue::Bool),
            Field::ProcIsExeFromMemfd => {
                let exe = p?.exepath.as_deref()?;
                Some(FieldValue::Bool(
                    exe.starts_with("memfd:") || exe.starts_with("/memfd:"),
                ))
            }
            Field::UserUid => int(p?.uid?),
            Field::UserName => s(p?.user_name.as_deref()?),
            Field::UserLoginuid => int(p?.loginuid?),
            Field::GroupGid => int(p?.gid?),
            Field::GroupName => s(p?.group_name.as_deref()?),
            Field::ContainerId => match &self.container_id {
                Some(id) => s(&id[..id.len().min(12)]),
                None if host() => s("host"),
                None => None,
            },
            Field::ContainerFullId => match &self.container_id {
                Some(id) => s(id),
                None if host() => s("host"),
                None => None,
            },
            Field::ContainerName => match c {
                Some(c) => s(c.name.as_deref()?),
                None if host() => s("host"),
                None => None,
            },
            Field::ContainerType => {
                if host() {
                    s("host")
                } else {
                    s("docker")
                }
            }
            Field::ContainerImage => s(c?.image.as_deref()?),
            Field::ContainerImageRepository => s(c?.repository.as_deref()?),
            Field::ContainerImageTag => s(c?.tag.as_deref()?),
            Field::ContainerImageDigest => s(c?.digest.as_deref()?),
            Field::ContainerPrivileged => c?.privileged.map(FieldValue::Bool),
            Field::ContainerMounts => owned(
                c?.mounts
                    .iter()
                    .map(|m| {
                        format!(
                            "{}:{}:{}:{}:{}",
                            m.source, m.destination, m.mode, m.rw, m.propagation
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Field::ContainerMountDest => self.mount_field(true, arg),
            Field::ContainerMountSource => self.mount_field(false, arg),
            Field::ContainerCapAdd => Some(FieldValue::StrList(
                c?.cap_add
                    .iter()
                    .map(|s| Cow::Borrowed(s.as_str()))
                    .collect(),
            )),
            Field::FdName => s(&f?.path),
            Field::FdDirectory => {
                let path = &f?.path;
                match path.rfind('/') {
                    Some(0) => s("/"),
                    Some(i) => s(&path[..i]),
                    None => None,
                }
            }
            Field::FdFilename => {
                let path = &f?.path;
                s(path.rsplit('/').next().unwrap_or(path))
            }
            Field::FdTypechar => s(if f?.is_dir { "d" } else { "f" }),
            Field::FdType => s(if f?.is_dir { "directory" } else { "file" }),
            Field::DockerAction => s(&d?.action),
            Field::DockerExecUser => s(d?.exec_user.as_deref()?),
            Field::DockerExecTty => d?.exec_tty.map(FieldValue::Bool),
            Field::DockerExecPrivileged => d?.exec_privileged.map(FieldValue::Bool),
            Field::DockerExecCmdline => s(d?.exec_cmdline.as_deref()?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            num: 1,
            time_ns: 5,
            source: SourceKind::ProcConnector,
            evt_type: "execve",
            hostname: "h".into(),
            process: Some(Process {
                pid: 30,
                name: Some("sh".into()),
                argv: Some(vec!["/bin/sh".into(), "-c".into(), "id".into()]),
                ancestors: vec![
                    Ancestor {
                        pid: 20,
                        name: "bash".into(),
                        argv: Some(vec!["bash".into(), "-l".into()]),
                        ..Default::default()
                    },
                    Ancestor {
                        pid: 10,
                        name: "sshd".into(),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            container_id: Some("a".repeat(64)),
            container: Some(Arc::new(ContainerInfo {
                mounts: vec![
                    Mount {
                        source: "/var/run/docker.sock".into(),
                        destination: "/run/docker.sock".into(),
                        ..Default::default()
                    },
                    Mount {
                        source: "/data".into(),
                        destination: "/srv".into(),
                        ..Default::default()
                    },
                ],
                cap_add: vec!["CAP_SYS_ADMIN".into()],
                ..Default::default()
            })),
            file: Some(FileAccess {
                path: "/etc/shadow".into(),
                read: true,
                ..Default::default()
            }),
            docker: None,
        }
    }

    fn get(e: &Event, f: Field, arg: Option<FieldArg>) -> Option<FieldValue<'_>> {
        e.get(f, arg.as_ref()).map(|v| match v {
            FieldValue::Str(s) => FieldValue::Str(Cow::Owned(s.into_owned())),
            FieldValue::StrList(l) => {
                FieldValue::StrList(l.into_iter().map(|s| Cow::Owned(s.into_owned())).collect())
            }
            other => other,
        })
    }

    fn st(v: &str) -> Option<FieldValue<'static>> {
        Some(FieldValue::Str(Cow::Owned(v.to_string())))
    }

    #[test]
    fn ancestors_by_index_and_as_a_list() {
        let e = event();
        use FieldArg::{Index, Key};
        assert_eq!(get(&e, Field::ProcAname, Some(Index(0))), st("sh"));
        assert_eq!(get(&e, Field::ProcAname, Some(Index(1))), st("bash"));
        assert_eq!(get(&e, Field::ProcAname, Some(Index(2))), st("sshd"));
        assert_eq!(get(&e, Field::ProcAname, Some(Index(3))), None);
        assert_eq!(
            get(&e, Field::ProcApid, Some(Index(2))),
            Some(FieldValue::Int(10))
        );
        assert_eq!(get(&e, Field::ProcAname, Some(Key("x".into()))), None);
        assert_eq!(
            get(&e, Field::ProcAname, None),
            Some(FieldValue::StrList(vec!["bash".into(), "sshd".into()]))
        );
        assert_eq!(get(&e, Field::ProcPname, None), st("bash"));
        assert_eq!(get(&e, Field::ProcPcmdline, None), st("bash -l"));
        assert_eq!(get(&e, Field::ProcCmdline, None), st("sh -c id"));
        assert_eq!(get(&e, Field::ProcExe, None), st("/bin/sh"));
        assert_eq!(get(&e, Field::ProcArgs, None), st("-c id"));
    }

    #[test]
    fn args_and_cmdline_edge_cases() {
        let p = |argv: Option<Vec<&str>>| Process {
            name: Some("n".into()),
            argv: argv.map(|a| a.into_iter().map(String::from).collect()),
            ..Default::default()
        };
        assert_eq!(p(None).args(), None);
        assert_eq!(p(None).cmdline().as_deref(), Some("n"));
        assert_eq!(p(Some(vec![])).args().as_deref(), Some(""));
        assert_eq!(p(Some(vec!["x"])).cmdline().as_deref(), Some("n"));
        assert_eq!(p(Some(vec!["x", ""])).cmdline().as_deref(), Some("n"));
        assert_eq!(p(Some(vec!["x", "", ""])).cmdline().as_deref(), Some("n  "));
        assert_eq!(
            p(Some(vec!["x", "a", "b c"])).args().as_deref(),
            Some("a b c")
        );
        assert_eq!(
            p(Some(vec!["x", "a", "b c"])).cmdline().as_deref(),
            Some("n a b c")
        );
        let nameless = Process {
            argv: Some(vec!["x".into()]),
            ..Default::default()
        };
        assert_eq!(nameless.cmdline(), None);
    }

    #[test]
    fn mounts_by_glob_and_index() {
        let e = event();
        use FieldArg::{Index, Key};
        assert_eq!(
            get(
                &e,
                Field::ContainerMountDest,
                Some(Key("/var/run/docker.sock".into()))
            ),
            st("/run/docker.sock")
        );
        assert_eq!(
            get(
                &e,
                Field::ContainerMountDest,
                Some(Key("*docker.sock".into()))
            ),
            st("/run/docker.sock")
        );
        assert_eq!(
            get(&e, Field::ContainerMountSource, Some(Key("/sr[v]".into()))),
            st("/data")
        );
        assert_eq!(
            get(&e, Field::ContainerMountSource, Some(Index(1))),
            st("/data")
        );
        assert_eq!(get(&e, Field::ContainerMountDest, Some(Index(7))), None);
        assert_eq!(
            get(&e, Field::ContainerMountDest, Some(Key("/nope*".into()))),
            None
        );
        assert_eq!(get(&e, Field::ContainerId, None), st(&"a".repeat(12)));
        assert_eq!(
            get(&e, Field::ContainerCapAdd, None),
            Some(FieldValue::StrList(vec!["CAP_SYS_ADMIN".into()]))
        );
        assert_eq!(get(&e, Field::FdDirectory, None), st("/etc"));
        assert_eq!(get(&e, Field::FdFilename, None), st("shadow"));
        assert_eq!(get(&e, Field::DockerAction, None), None);
        // A host process.
        let mut host = event();
        host.container_id = None;
        host.container = None;
        assert_eq!(get(&host, Field::ContainerId, None), st("host"));
        assert_eq!(get(&host, Field::ContainerName, None), st("host"));
        assert_eq!(get(&host, Field::ContainerImage, None), None);
    }

    #[test]
    fn globs() {
        assert!(glob_match("/etc/*", "/etc/shadow"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("[!x]b", "ab"));
        assert!(!glob_match("[!a]b", "ab"));
        assert!(glob_match("[a-c]*z", "bxyz"));
        assert!(!glob_match("a*b", "acd"));
        assert!(glob_match("\\*", "*"));
        // An unclosed `[` is a literal, as for fnmatch(3).
        assert!(!glob_match("[abc", "a") && glob_match("[abc", "[abc"));
        // Long inputs stay fast (no exponential backtracking).
        let text = "a".repeat(5000);
        assert!(!glob_match("*a*a*a*a*a*b", &text));
    }
}
