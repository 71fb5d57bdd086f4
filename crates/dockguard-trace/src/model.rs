//! What a recording holds: the serialisable result of tracing a command, shared by the host
//! recorder, the in-container recorder (written as JSON) and the profile generators.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Version of the JSON a recorder writes; a reader refuses other versions.
pub const FORMAT_VERSION: u32 = 1;

/// How the traced command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    /// `exit(code)`.
    Code(i32),
    /// Killed by this signal number.
    Signal(i32),
}

impl Exit {
    pub fn success(self) -> bool {
        self == Exit::Code(0)
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(c) => write!(f, "exit status {c}"),
            Exit::Signal(s) => write!(f, "killed by signal {s}"),
        }
    }
}

/// How a path was used. Paths are absolute and, for files that were opened, resolved the
/// way the kernel saw them (symlinks followed), which is what AppArmor matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileAccess {
    /// Opened for reading (or listed, for a directory).
    #[serde(default, skip_serializing_if = "is_false")]
    pub read: bool,
    /// Opened for writing, created, truncated, removed, renamed, linked, chmod/chown-ed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub write: bool,
    /// Mapped executable (`mmap` with `PROT_EXEC`: shared libraries).
    #[serde(default, skip_serializing_if = "is_false")]
    pub map_exec: bool,
    /// Executed (`execve`): the program, and a script's path as well as its interpreter.
    #[serde(default, skip_serializing_if = "is_false")]
    pub exec: bool,
    /// The path is a directory.
    #[serde(default, skip_serializing_if = "is_false")]
    pub dir: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl FileAccess {
    /// Both accesses together.
    pub fn union(self, other: FileAccess) -> FileAccess {
        FileAccess {
            read: self.read || other.read,
            write: self.write || other.write,
            map_exec: self.map_exec || other.map_exec,
            exec: self.exec || other.exec,
            dir: self.dir || other.dir,
        }
    }
}

/// A socket the command created successfully.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Socket {
    /// `inet`, `inet6`, `unix`, `netlink`, `packet`, … (AppArmor's names), or `af<N>`.
    pub family: String,
    /// `stream`, `dgram`, `raw`, `seqpacket`, `rdm`, or `type<N>`.
    pub kind: String,
}

/// Everything one recording saw, over every process and thread of the command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub version: u32,
    /// The syscall table the numbers refer to (`x86_64`).
    pub arch: String,
    /// Syscall number → number of entries.
    pub syscalls: BTreeMap<u64, u64>,
    /// Absolute path → how it was used (successful calls only).
    pub files: BTreeMap<String, FileAccess>,
    /// Capabilities (`CAP_CHOWN`, …) the successful syscalls and their arguments imply. The
    /// kernel does not tell a tracer which capability checks ran, so this is inferred: chown →
    /// CAP_CHOWN, setuid family → CAP_SETUID, bind to a port below 1024 → CAP_NET_BIND_SERVICE,
    /// raw or packet sockets → CAP_NET_RAW, chroot → CAP_SYS_CHROOT, mknod of a device →
    /// CAP_MKNOD, mount/umount/sethostname/setns/unshare → CAP_SYS_ADMIN, … It cannot see
    /// CAP_DAC_OVERRIDE or CAP_FOWNER (those depend on file ownership).
    pub capabilities: BTreeSet<String>,
    /// Sockets created.
    pub sockets: BTreeSet<Socket>,
    /// TCP/UDP ports bound (for `CAP_NET_BIND_SERVICE` and for the reader's interest).
    pub bound_ports: BTreeSet<u16>,
    /// Processes and threads traced (the command's first process included).
    pub tasks: usize,
    /// How the command's first process ended.
    pub exit: Exit,
    /// Paths longer than the recorder reads (4096 bytes) or unreadable from the tracee.
    #[serde(default)]
    pub unreadable_paths: u64,
}

impl Trace {
    /// The paths executed.
    pub fn executed(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|(_, a)| a.exec)
            .map(|(p, _)| p.as_str())
    }
}

/// What the in-container recorder (`dockguard-recorder`) writes: the trace, or why there is
/// none (the command could not run, the timeout passed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecorderOutput {
    Trace(Box<Trace>),
    Error(String),
}
