//! The fields conditions and outputs may use: Falco's names for what our sources provide
//! (process connector, Docker events, fanotify, /proc and container inspect), plus a few
//! `docker.*` and `container.cap_add` fields of our own. A rule naming any other field is
//! skipped with a warning, as Falco does with `skip-if-unknown-filter`.
//!
//! Sources implement [`EventFields`]; the compiler resolves names to [`Field`] once, so that
//! evaluating a condition never compares field names.

use std::borrow::Cow;

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Str,
    Int,
    Bool,
    StrList,
}

/// A field's value for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Bool(bool),
    StrList(Vec<Cow<'a, str>>),
}

/// The argument of an indexed field: `proc.aname[2]`, `container.mount.dest[/var/run/*]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldArg {
    Index(usize),
    Key(String),
}

/// What an event offers to the evaluator. `None`: the field has no value for this event (it
/// prints as `<NA>`, and comparisons with it are false).
pub trait EventFields {
    fn get(&self, field: Field, arg: Option<&FieldArg>) -> Option<FieldValue<'_>>;
}

/// Every field we provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `evt.type`: Event type: `execve`, `clone`, `procexit`, `setuid`, `setgid`, `open`, `openat`, `container`.
    EvtType,
    /// `evt.time`: Event time, nanoseconds since the Unix epoch.
    EvtTime,
    /// `evt.dir`: Always `<` (exit events): Falco's deprecated direction, kept so that `evt.dir=<` conditions hold.
    EvtDir,
    /// `evt.num`: Event sequence number (never 0: `evt.num=0` is Falco's `never_true`).
    EvtNum,
    /// `evt.res`: `SUCCESS`, or the errno name of a failed call.
    EvtRes,
    /// `evt.hostname`: The host's name.
    EvtHostname,
    /// `evt.source`: Which source produced the event: `syscall` (process connector, fanotify) or `docker`.
    EvtSource,
    /// `evt.is_open_read`: An open for reading.
    EvtIsOpenRead,
    /// `evt.is_open_write`: An open for writing (or a modification).
    EvtIsOpenWrite,
    /// `evt.is_open_exec`: An open for execution.
    EvtIsOpenExec,
    /// `proc.name`: The process's command name (comm, at most 15 characters).
    ProcName,
    /// `proc.exe`: argv[0].
    ProcExe,
    /// `proc.exepath`: The executable's path (`/proc/PID/exe`).
    ProcExepath,
    /// `proc.args`: The arguments after argv[0], space-separated.
    ProcArgs,
    /// `proc.cmdline`: `proc.name` and `proc.args`.
    ProcCmdline,
    /// `proc.pid`: Process id on the host.
    ProcPid,
    /// `proc.vpid`: Process id in its own pid namespace (1: a container's init).
    ProcVpid,
    /// `proc.ppid`: Parent's process id.
    ProcPpid,
    /// `proc.pname`: Parent's command name.
    ProcPname,
    /// `proc.pexe`: Parent's argv[0].
    ProcPexe,
    /// `proc.pexepath`: Parent's executable path.
    ProcPexepath,
    /// `proc.pcmdline`: Parent's command line.
    ProcPcmdline,
    /// `proc.aname`: Ancestor's command name: `proc.aname[1]` the parent, `[2]` the grandparent…; without index, any ancestor (a list).
    ProcAname,
    /// `proc.apid`: Ancestor's process id, indexed like `proc.aname`.
    ProcApid,
    /// `proc.tty`: Controlling terminal's device number (0: none).
    ProcTty,
    /// `proc.cwd`: Working directory, with a trailing `/`.
    ProcCwd,
    /// `proc.sname`: Command name of the session leader.
    ProcSname,
    /// `proc.duration`: Nanoseconds since the process started.
    ProcDuration,
    /// `proc.is_exe_upper_layer`: The executable is in the container's writable (overlay upper) layer: dropped after the image was built.
    ProcIsExeUpperLayer,
    /// `proc.is_exe_from_memfd`: The executable is a memfd (fileless execution).
    ProcIsExeFromMemfd,
    /// `user.uid`: Effective user id.
    UserUid,
    /// `user.name`: User name (from the container's /etc/passwd for container processes).
    UserName,
    /// `user.loginuid`: Audit login uid (-1 if unset).
    UserLoginuid,
    /// `group.gid`: Effective group id.
    GroupGid,
    /// `group.name`: Group name.
    GroupName,
    /// `container.id`: Container id, 12 characters; `host` for host processes.
    ContainerId,
    /// `container.full_id`: Container id, 64 characters; `host` for host processes.
    ContainerFullId,
    /// `container.name`: Container name (`host` on the host).
    ContainerName,
    /// `container.image`: Image reference as the container was created from it.
    ContainerImage,
    /// `container.image.repository`: Image repository (without tag or digest).
    ContainerImageRepository,
    /// `container.image.tag`: Image tag.
    ContainerImageTag,
    /// `container.image.digest`: Image digest, when the reference has one.
    ContainerImageDigest,
    /// `container.type`: `docker`, or `host`.
    ContainerType,
    /// `container.privileged`: Started with --privileged.
    ContainerPrivileged,
    /// `container.mounts`: Mounts, comma-separated `source:dest:mode:rdrw:propagation`.
    ContainerMounts,
    /// `container.mount.dest`: Destination of the mount whose source matches the key (a glob), or the Nth mount's: `container.mount.dest[/var/run/docker.sock]`.
    ContainerMountDest,
    /// `container.mount.source`: Source of the mount whose destination matches the key (a glob), or the Nth mount's.
    ContainerMountSource,
    /// `container.cap_add`: Capabilities added with --cap-add (dockguard).
    ContainerCapAdd,
    /// `fd.name`: The file's full path.
    FdName,
    /// `fd.directory`: The file's directory.
    FdDirectory,
    /// `fd.filename`: The file's name without its directory.
    FdFilename,
    /// `fd.typechar`: `f` for a file, `d` for a directory.
    FdTypechar,
    /// `fd.type`: `file` or `directory`.
    FdType,
    /// `docker.action`: Docker event action: `create`, `start`, `die`, `exec_create`, `exec_start`, … (dockguard).
    DockerAction,
    /// `docker.exec.user`: User of a `docker exec` (empty: the container's) (dockguard).
    DockerExecUser,
    /// `docker.exec.tty`: The `docker exec` has a terminal (dockguard).
    DockerExecTty,
    /// `docker.exec.privileged`: `docker exec --privileged` (dockguard).
    DockerExecPrivileged,
    /// `docker.exec.cmdline`: Command of a `docker exec` (dockguard).
    DockerExecCmdline,
}

impl Field {
    /// Every field, in catalogue order.
    pub const ALL: &[Field] = &[
        Field::EvtType,
        Field::EvtTime,
        Field::EvtDir,
        Field::EvtNum,
        Field::EvtRes,
        Field::EvtHostname,
        Field::EvtSource,
        Field::EvtIsOpenRead,
        Field::EvtIsOpenWrite,
        Field::EvtIsOpenExec,
        Field::ProcName,
        Field::ProcExe,
        Field::ProcExepath,
        Field::ProcArgs,
        Field::ProcCmdline,
        Field::ProcPid,
        Field::ProcVpid,
        Field::ProcPpid,
        Field::ProcPname,
        Field::ProcPexe,
        Field::ProcPexepath,
        Field::ProcPcmdline,
        Field::ProcAname,
        Field::ProcApid,
        Field::ProcTty,
        Field::ProcCwd,
        Field::ProcSname,
        Field::ProcDuration,
        Field::ProcIsExeUpperLayer,
        Field::ProcIsExeFromMemfd,
        Field::UserUid,
        Field::UserName,
        Field::UserLoginuid,
        Field::GroupGid,
        Field::GroupName,
        Field::ContainerId,
        Field::ContainerFullId,
        Field::ContainerName,
        Field::ContainerImage,
        Field::ContainerImageRepository,
        Field::ContainerImageTag,
        Field::ContainerImageDigest,
        Field::ContainerType,
        Field::ContainerPrivileged,
        Field::ContainerMounts,
        Field::ContainerMountDest,
        Field::ContainerMountSource,
        Field::ContainerCapAdd,
        Field::FdName,
        Field::FdDirectory,
        Field::FdFilename,
        Field::FdTypechar,
        Field::FdType,
        Field::DockerAction,
        Field::DockerExecUser,
        Field::DockerExecTty,
        Field::DockerExecPrivileged,
        Field::DockerExecCmdline,
    ];

    /// Falco's name of the field.
    pub fn name(self) -> &'static str {
        match self {
            Field::EvtType => "evt.type",
            Field::EvtTime => "evt.time",
            Field::EvtDir => "evt.dir",
            Field::EvtNum => "evt.num",
            Field::EvtRes => "evt.res",
            Field::EvtHostname => "evt.hostname",
            Field::EvtSource => "evt.source",
            Field::EvtIsOpenRead => "evt.is_open_read",
            Field::EvtIsOpenWrite => "evt.is_open_write",
            Field::EvtIsOpenExec => "evt.is_open_exec",
            Field::ProcName => "proc.name",
            Field::ProcExe => "proc.exe",
            Field::ProcExepath => "proc.exepath",
            Field::ProcArgs => "proc.args",
            Field::ProcCmdline => "proc.cmdline",
            Field::ProcPid => "proc.pid",
            Field::ProcVpid => "proc.vpid",
            Field::ProcPpid => "proc.ppid",
            Field::ProcPname => "proc.pname",
            Field::ProcPexe => "proc.pexe",
            Field::ProcPexepath => "proc.pexepath",
            Field::ProcPcmdline => "proc.pcmdline",
            Field::ProcAname => "proc.aname",
            Field::ProcApid => "proc.apid",
            Field::ProcTty => "proc.tty",
            Field::ProcCwd => "proc.cwd",
            Field::ProcSname => "proc.sname",
            Field::ProcDuration => "proc.duration",
            Field::ProcIsExeUpperLayer => "proc.is_exe_upper_layer",
            Field::ProcIsExeFromMemfd => "proc.is_exe_from_memfd",
            Field::UserUid => "user.uid",
            Field::UserName => "user.name",
            Field::UserLoginuid => "user.loginuid",
            Field::GroupGid => "group.gid",
            Field::GroupName => "group.name",
            Field::ContainerId => "container.id",
            Field::ContainerFullId => "container.full_id",
            Field::ContainerName => "container.name",
            Field::ContainerImage => "container.image",
            Field::ContainerImageRepository => "container.image.repository",
            Field::ContainerImageTag => "container.image.tag",
            Field::ContainerImageDigest => "container.image.digest",
            Field::ContainerType => "container.type",
            Field::ContainerPrivileged => "container.privileged",
            Field::ContainerMounts => "container.mounts",
            Field::ContainerMountDest => "container.mount.dest",
            Field::ContainerMountSource => "container.mount.source",
            Field::ContainerCapAdd => "container.cap_add",
            Field::FdName => "fd.name",
            Field::FdDirectory => "fd.directory",
            Field::FdFilename => "fd.filename",
            Field::FdTypechar => "fd.typechar",
            Field::FdType => "fd.type",
            Field::DockerAction => "docker.action",
            Field::DockerExecUser => "docker.exec.user",
            Field::DockerExecTty => "docker.exec.tty",
            Field::DockerExecPrivileged => "docker.exec.privileged",
            Field::DockerExecCmdline => "docker.exec.cmdline",
        }
    }

    pub fn field_type(self) -> FieldType {
        match self {
            Field::EvtType => FieldType::Str,
            Field::EvtTime => FieldType::Int,
            Field::EvtDir => FieldType::Str,
            Field::EvtNum => FieldType::Int,
            Field::EvtRes => FieldType::Str,
            Field::EvtHostname => FieldType::Str,
            Field::EvtSource => FieldType::Str,
            Field::EvtIsOpenRead => FieldType::Bool,
            Field::EvtIsOpenWrite => FieldType::Bool,
            Field::EvtIsOpenExec => FieldType::Bool,
            Field::ProcName => FieldType::Str,
            Field::ProcExe => FieldType::Str,
            Field::ProcExepath => FieldType::Str,
            Field::ProcArgs => FieldType::Str,
            Field::ProcCmdline => FieldType::Str,
            Field::ProcPid => FieldType::Int,
            Field::ProcVpid => FieldType::Int,
            Field::ProcPpid => FieldType::Int,
            Field::ProcPname => FieldType::Str,
            Field::ProcPexe => FieldType::Str,
            Field::ProcPexepath => FieldType::Str,
            Field::ProcPcmdline => FieldType::Str,
            Field::ProcAname => FieldType::Str,
            Field::ProcApid => FieldType::Int,
            Field::ProcTty => FieldType::Int,
            Field::ProcCwd => FieldType::Str,
            Field::ProcSname => FieldType::Str,
            Field::ProcDuration => FieldType::Int,
            Field::ProcIsExeUpperLayer => FieldType::Bool,
            Field::ProcIsExeFromMemfd => FieldType::Bool,
            Field::UserUid => FieldType::Int,
            Field::UserName => FieldType::Str,
            Field::UserLoginuid => FieldType::Int,
            Field::GroupGid => FieldType::Int,
            Field::GroupName => FieldType::Str,
            Field::ContainerId => FieldType::Str,
            Field::ContainerFullId => FieldType::Str,
            Field::ContainerName => FieldType::Str,
            Field::ContainerImage => FieldType::Str,
            Field::ContainerImageRepository => FieldType::Str,
            Field::ContainerImageTag => FieldType::Str,
            Field::ContainerImageDigest => FieldType::Str,
            Field::ContainerType => FieldType::Str,
            Field::ContainerPrivileged => FieldType::Bool,
            Field::ContainerMounts => FieldType::Str,
            Field::ContainerMountDest => FieldType::Str,
            Field::ContainerMountSource => FieldType::Str,
            Field::ContainerCapAdd => FieldType::StrList,
            Field::FdName => FieldType::Str,
            Field::FdDirectory => FieldType::Str,
            Field::FdFilename => FieldType::Str,
            Field::FdTypechar => FieldType::Str,
            Field::FdType => FieldType::Str,
            Field::DockerAction => FieldType::Str,
            Field::DockerExecUser => FieldType::Str,
            Field::DockerExecTty => FieldType::Bool,
            Field::DockerExecPrivileged => FieldType::Bool,
            Field::DockerExecCmdline => FieldType::Str,
        }
    }

    /// Whether the field takes (or may take) an argument in brackets.
    pub fn takes_arg(self) -> bool {
        matches!(
            self,
            Field::ProcAname
                | Field::ProcApid
                | Field::ContainerMountDest
                | Field::ContainerMountSource
        )
    }

    /// The documentation line of the field.
    pub fn doc(self) -> &'static str {
        match self {
            Field::EvtType => {
                "Event type: `execve`, `clone`, `procexit`, `setuid`, `setgid`, `open`, `openat`, `container`."
            }
            Field::EvtTime => "Event time, nanoseconds since the Unix epoch.",
            Field::EvtDir => {
                "Always `<` (exit events): Falco's deprecated direction, kept so that `evt.dir=<` conditions hold."
            }
            Field::EvtNum => {
                "Event sequence number (never 0: `evt.num=0` is Falco's `never_true`)."
            }
            Field::EvtRes => "`SUCCESS`, or the errno name of a failed call.",
            Field::EvtHostname => "The host's name.",
            Field::EvtSource => {
                "Which source produced the event: `syscall` (process connector, fanotify) or `docker`."
            }
            Field::EvtIsOpenRead => "An open for reading.",
            Field::EvtIsOpenWrite => "An open for writing (or a modification).",
            Field::EvtIsOpenExec => "An open for execution.",
            Field::ProcName => "The process's command name (comm, at most 15 characters).",
            Field::ProcExe => "argv[0].",
            Field::ProcExepath => "The executable's path (`/proc/PID/exe`).",
            Field::ProcArgs => "The arguments after argv[0], space-separated.",
            Field::ProcCmdline => "`proc.name` and `proc.args`.",
            Field::ProcPid => "Process id on the host.",
            Field::ProcVpid => "Process id in its own pid namespace (1: a container's init).",
            Field::ProcPpid => "Parent's process id.",
            Field::ProcPname => "Parent's command name.",
            Field::ProcPexe => "Parent's argv[0].",
            Field::ProcPexepath => "Parent's executable path.",
            Field::ProcPcmdline => "Parent's command line.",
            Field::ProcAname => {
                "Ancestor's command name: `proc.aname[1]` the parent, `[2]` the grandparent…; without index, any ancestor (a list)."
            }
            Field::ProcApid => "Ancestor's process id, indexed like `proc.aname`.",
            Field::ProcTty => "Controlling terminal's device number (0: none).",
            Field::ProcCwd => "Working directory, with a trailing `/`.",
            Field::ProcSname => "Command name of the session leader.",
            Field::ProcDuration => "Nanoseconds since the process started.",
            Field::ProcIsExeUpperLayer => {
                "The executable is in the container's writable (overlay upper) layer: dropped after the image was built."
            }
            Field::ProcIsExeFromMemfd => "The executable is a memfd (fileless execution).",
            Field::UserUid => "Effective user id.",
            Field::UserName => {
                "User name (from the container's /etc/passwd for container processes)."
            }
            Field::UserLoginuid => "Audit login uid (-1 if unset).",
            Field::GroupGid => "Effective group id.",
            Field::GroupName => "Group name.",
            Field::ContainerId => "Container id, 12 characters; `host` for host processes.",
            Field::ContainerFullId => "Container id, 64 characters; `host` for host processes.",
            Field::ContainerName => "Container name (`host` on the host).",
            Field::ContainerImage => "Image reference as the container was created from it.",
            Field::ContainerImageRepository => "Image repository (without tag or digest).",
            Field::ContainerImageTag => "Image tag.",
            Field::ContainerImageDigest => "Image digest, when the reference has one.",
            Field::ContainerType => "`docker`, or `host`.",
            Field::ContainerPrivileged => "Started with --privileged.",
            Field::ContainerMounts => {
                "Mounts, comma-separated `source:dest:mode:rdrw:propagation`."
            }
            Field::ContainerMountDest => {
                "Destination of the mount whose source matches the key (a glob), or the Nth mount's: `container.mount.dest[/var/run/docker.sock]`."
            }
            Field::ContainerMountSource => {
                "Source of the mount whose destination matches the key (a glob), or the Nth mount's."
            }
            Field::ContainerCapAdd => "Capabilities added with --cap-add (dockguard).",
            Field::FdName => "The file's full path.",
            Field::FdDirectory => "The file's directory.",
            Field::FdFilename => "The file's name without its directory.",
            Field::FdTypechar => "`f` for a file, `d` for a directory.",
            Field::FdType => "`file` or `directory`.",
            Field::DockerAction => {
                "Docker event action: `create`, `start`, `die`, `exec_create`, `exec_start`, … (dockguard)."
            }
            Field::DockerExecUser => {
                "User of a `docker exec` (empty: the container's) (dockguard)."
            }
            Field::DockerExecTty => "The `docker exec` has a terminal (dockguard).",
            Field::DockerExecPrivileged => "`docker exec --privileged` (dockguard).",
            Field::DockerExecCmdline => "Command of a `docker exec` (dockguard).",
        }
    }

    /// The field of that name (without its argument).
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for &f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
            assert!(seen.insert(f.name()), "{} twice", f.name());
        }
        assert_eq!(Field::from_name("proc.nope"), None);
        assert!(Field::ProcAname.takes_arg() && !Field::ProcName.takes_arg());
    }
}
