//! What a syscall means beyond its number: the paths, sockets, ports and capabilities it
//! touches. Arguments are read at syscall entry ([`Observer::enter`]) and kept only if the
//! call succeeds ([`Observer::exit`]); execs are confirmed by the exec event
//! ([`Observer::exec`]).

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use crate::model::{FileAccess, Socket};
use nix::libc::{self, user_regs_struct};
use nix::sys::uio::{RemoteIoVec, process_vm_readv};
use nix::unistd::Pid;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IoSliceMut;
use std::path::{Component, Path, PathBuf};

/// Longest path read from a tracee (PATH_MAX).
const PATH_MAX: usize = 4096;
/// `AT_FDCWD` as the syscall sees it (an int in a 64-bit register).
const AT_FDCWD: i32 = -100;

/// The meaning of a syscall in progress, acted on if it succeeds.
#[derive(Debug)]
pub enum Pending {
    /// open/openat/openat2/creat: the new descriptor names the file.
    Open {
        flags: i32,
    },
    /// mmap of a file with `PROT_EXEC`.
    MapExec(String),
    /// A call that creates, removes or changes these paths; `cap` is what it implies.
    Write {
        paths: Vec<String>,
        cap: Option<&'static str>,
    },
    /// execve/execveat of this path (confirmed by the exec event).
    Exec(Option<String>),
    Socket(Socket, Option<&'static str>),
    Bind(u16),
    Capability(&'static str),
}

#[derive(Debug, Default)]
pub struct Observer {
    pub files: BTreeMap<String, FileAccess>,
    pub capabilities: BTreeSet<String>,
    pub sockets: BTreeSet<Socket>,
    pub bound_ports: BTreeSet<u16>,
    pub unreadable_paths: u64,
    /// process_vm_readv was refused once: read with PTRACE_PEEKDATA from then on.
    peek_only: bool,
}

/// A string read with `process_vm_readv`; `Ok(None)` when it is unterminated within
/// PATH_MAX or runs into unmapped memory.
fn vm_string(pid: Pid, addr: u64) -> nix::Result<Option<String>> {
    let mut out = Vec::new();
    let mut at = addr as usize;
    while out.len() < PATH_MAX {
        let to_page_end = 4096 - (at % 4096);
        let want = to_page_end.min(PATH_MAX - out.len());
        let mut buf = vec![0u8; want];
        let n = match process_vm_readv(
            pid,
            &mut [IoSliceMut::new(&mut buf)],
            &[RemoteIoVec {
                base: at,
                len: want,
            }],
        ) {
            Ok(n) => n,
            Err(e) if out.is_empty() => return Err(e),
            Err(_) => return Ok(None),
        };
        if n == 0 {
            return Ok(None);
        }
        if let Some(end) = buf[..n].iter().position(|b| *b == 0) {
            out.extend_from_slice(&buf[..end]);
            return Ok(Some(String::from_utf8_lossy(&out).into_owned()));
        }
        out.extend_from_slice(&buf[..n]);
        at += n;
    }
    Ok(None)
}

/// A string read word by word with `PTRACE_PEEKDATA` (the tracee is stopped).
fn peek_string(pid: Pid, addr: u64) -> Option<String> {
    let mut out = Vec::new();
    let mut at = addr;
    while out.len() < PATH_MAX {
        let word = nix::sys::ptrace::read(pid, at as nix::sys::ptrace::AddressType).ok()?;
        for b in word.to_ne_bytes() {
            if b == 0 {
                return Some(String::from_utf8_lossy(&out).into_owned());
            }
            out.push(b);
        }
        at += 8;
    }
    None
}

fn failed(ret: i64) -> bool {
    (-4095..0).contains(&ret)
}

fn readlink(path: &str) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    let target = target.to_string_lossy();
    // Descriptors of sockets, pipes and anonymous inodes are not paths.
    if !target.starts_with('/') || target.starts_with("/memfd:") {
        return None;
    }
    Some(
        target
            .strip_suffix(" (deleted)")
            .unwrap_or(&target)
            .to_string(),
    )
}

/// `path` with `.` and `..` taken out lexically (a `..` at the root stays at the root).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                out.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// The path a changed entry has for the kernel: its directory resolved (symlinks followed),
/// its last component as given (the entry itself may be a symlink, or gone).
fn entry_path(lexical: &str) -> String {
    let p = Path::new(lexical);
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => match std::fs::canonicalize(parent) {
            Ok(dir) => dir.join(name).to_string_lossy().into_owned(),
            Err(_) => lexical.to_string(),
        },
        _ => lexical.to_string(),
    }
}

fn family_name(family: i32) -> String {
    match family {
        libc::AF_UNIX => "unix".into(),
        libc::AF_INET => "inet".into(),
        libc::AF_INET6 => "inet6".into(),
        libc::AF_NETLINK => "netlink".into(),
        libc::AF_PACKET => "packet".into(),
        libc::AF_KEY => "key".into(),
        libc::AF_ALG => "alg".into(),
        libc::AF_VSOCK => "vsock".into(),
        libc::AF_BLUETOOTH => "bluetooth".into(),
        other => format!("af{other}"),
    }
}

fn kind_name(kind: i32) -> String {
    match kind & 0xf {
        libc::SOCK_STREAM => "stream".into(),
        libc::SOCK_DGRAM => "dgram".into(),
        libc::SOCK_RAW => "raw".into(),
        libc::SOCK_RDM => "rdm".into(),
        libc::SOCK_SEQPACKET => "seqpacket".into(),
        other => format!("type{other}"),
    }
}

impl Observer {
    /// Reads a NUL-terminated string from the tracee, page by page (a string may end just
    /// before an unmapped page), with `process_vm_readv`, or word by word with
    /// `PTRACE_PEEKDATA` where that is refused (Docker's seccomp profile refuses
    /// process_vm_readv to a recorder inside a container without CAP_SYS_PTRACE).
    fn string(&mut self, pid: Pid, addr: u64) -> Option<String> {
        if addr == 0 {
            return None;
        }
        let read = if self.peek_only {
            None
        } else {
            match vm_string(pid, addr) {
                Err(nix::errno::Errno::EPERM | nix::errno::Errno::ENOSYS) => {
                    self.peek_only = true;
                    None
                }
                other => Some(other.ok().flatten()),
            }
        };
        let read = read.unwrap_or_else(|| peek_string(pid, addr));
        if read.is_none() {
            self.unreadable_paths += 1;
        }
        read
    }

    /// `N` bytes (N ≤ 8) of the tracee's memory, read with PTRACE_PEEKDATA.
    fn bytes<const N: usize>(pid: Pid, addr: u64) -> Option<[u8; N]> {
        let word = nix::sys::ptrace::read(pid, addr as nix::sys::ptrace::AddressType).ok()?;
        let mut buf = [0u8; N];
        buf.copy_from_slice(word.to_ne_bytes().get(..N)?);
        Some(buf)
    }

    /// `raw` made absolute against the tracee's working directory or `dirfd`, lexically.
    fn absolute(pid: Pid, dirfd: i32, raw: &str) -> Option<String> {
        if raw.is_empty() {
            return None;
        }
        let joined = if raw.starts_with('/') {
            PathBuf::from(raw)
        } else {
            let base = if dirfd == AT_FDCWD {
                readlink(&format!("/proc/{pid}/cwd"))?
            } else {
                readlink(&format!("/proc/{pid}/fd/{dirfd}"))?
            };
            Path::new(&base).join(raw)
        };
        Some(normalise(&joined).to_string_lossy().into_owned())
    }

    fn path_arg(&mut self, pid: Pid, dirfd: i32, addr: u64) -> Option<String> {
        let raw = self.string(pid, addr)?;
        Self::absolute(pid, dirfd, &raw)
    }

    fn mark(&mut self, path: String, access: FileAccess) {
        let entry = self.files.entry(path).or_default();
        *entry = entry.union(access);
    }

    /// At syscall entry: what to do if the call succeeds.
    pub fn enter(&mut self, pid: Pid, regs: &user_regs_struct) -> Option<Pending> {
        let nr = regs.orig_rax as i64;
        let (a0, a1, a2, a3) = (regs.rdi, regs.rsi, regs.rdx, regs.r10);
        let int = |v: u64| v as i32;
        let write = |paths: Vec<Option<String>>, cap: Option<&'static str>| {
            let paths: Vec<String> = paths.into_iter().flatten().collect();
            (!paths.is_empty() || cap.is_some()).then_some(Pending::Write { paths, cap })
        };
        match nr {
            libc::SYS_open => Some(Pending::Open { flags: int(a1) }),
            libc::SYS_openat => Some(Pending::Open { flags: int(a2) }),
            libc::SYS_creat => Some(Pending::Open {
                flags: libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC,
            }),
            libc::SYS_openat2 => {
                // struct open_how { u64 flags; u64 mode; u64 resolve; }
                let how = Self::bytes::<8>(pid, a2)?;
                Some(Pending::Open {
                    flags: u64::from_ne_bytes(how) as i32,
                })
            }
            libc::SYS_mmap => {
                let (prot, fd) = (int(a2), int(regs.r8));
                if prot & libc::PROT_EXEC != 0 && fd >= 0 {
                    readlink(&format!("/proc/{pid}/fd/{fd}")).map(Pending::MapExec)
                } else {
                    None
                }
            }
            libc::SYS_execve => Some(Pending::Exec(self.path_arg(pid, AT_FDCWD, a0))),
            libc::SYS_execveat => Some(Pending::Exec(self.path_arg(pid, int(a0), a1))),
            libc::SYS_unlink | libc::SYS_rmdir | libc::SYS_mkdir | libc::SYS_truncate => {
                write(vec![self.path_arg(pid, AT_FDCWD, a0)], None)
            }
            libc::SYS_chmod => write(vec![self.path_arg(pid, AT_FDCWD, a0)], None),
            libc::SYS_unlinkat | libc::SYS_mkdirat | libc::SYS_fchmodat => {
                write(vec![self.path_arg(pid, int(a0), a1)], None)
            }
            libc::SYS_rename | libc::SYS_link => write(
                vec![
                    self.path_arg(pid, AT_FDCWD, a0),
                    self.path_arg(pid, AT_FDCWD, a1),
                ],
                None,
            ),
            libc::SYS_renameat | libc::SYS_renameat2 | libc::SYS_linkat => write(
                vec![
                    self.path_arg(pid, int(a0), a1),
                    self.path_arg(pid, int(a2), a3),
                ],
                None,
            ),
            libc::SYS_symlink => write(vec![self.path_arg(pid, AT_FDCWD, a1)], None),
            libc::SYS_symlinkat => write(vec![self.path_arg(pid, int(a1), a2)], None),
            libc::SYS_chown | libc::SYS_lchown => {
                let cap = (int(a1) != -1 || int(a2) != -1).then_some("CAP_CHOWN");
                write(vec![self.path_arg(pid, AT_FDCWD, a0)], cap)
            }
            libc::SYS_fchownat => {
                let cap = (int(a2) != -1 || int(a3) != -1).then_some("CAP_CHOWN");
                write(vec![self.path_arg(pid, int(a0), a1)], cap)
            }
            libc::SYS_fchown => {
                (int(a1) != -1 || int(a2) != -1).then_some(Pending::Capability("CAP_CHOWN"))
            }
            libc::SYS_mknod | libc::SYS_mknodat => {
                let (dirfd, path, mode) = if nr == libc::SYS_mknod {
                    (AT_FDCWD, a0, a1)
                } else {
                    (int(a0), a1, a2)
                };
                let kind = mode as u32 & libc::S_IFMT;
                let cap = (kind == libc::S_IFCHR || kind == libc::S_IFBLK).then_some("CAP_MKNOD");
                write(vec![self.path_arg(pid, dirfd, path)], cap)
            }
            libc::SYS_socket => {
                let (family, kind) = (int(a0), int(a1));
                let raw = family == libc::AF_PACKET
                    || (kind & 0xf == libc::SOCK_RAW
                        && (family == libc::AF_INET || family == libc::AF_INET6));
                Some(Pending::Socket(
                    Socket {
                        family: family_name(family),
                        kind: kind_name(kind),
                    },
                    raw.then_some("CAP_NET_RAW"),
                ))
            }
            libc::SYS_bind => {
                // sockaddr_in and sockaddr_in6 both start with family (u16) and port (u16, BE).
                let head = Self::bytes::<4>(pid, a1)?;
                let family = i32::from(u16::from_ne_bytes([head[0], head[1]]));
                let port = u16::from_be_bytes([head[2], head[3]]);
                ((family == libc::AF_INET || family == libc::AF_INET6) && port != 0)
                    .then_some(Pending::Bind(port))
            }
            libc::SYS_unshare => {
                let ns = libc::CLONE_NEWNS
                    | libc::CLONE_NEWUTS
                    | libc::CLONE_NEWIPC
                    | libc::CLONE_NEWPID
                    | libc::CLONE_NEWNET
                    | libc::CLONE_NEWCGROUP;
                let flags = int(a0);
                (flags & ns != 0 && flags & libc::CLONE_NEWUSER == 0)
                    .then_some(Pending::Capability("CAP_SYS_ADMIN"))
            }
            libc::SYS_ptrace => {
                let request = a0 as i64;
                (request == libc::PTRACE_ATTACH as i64 || request == 0x4206)
                    .then_some(Pending::Capability("CAP_SYS_PTRACE"))
            }
            libc::SYS_setpriority => (int(a2) < 0).then_some(Pending::Capability("CAP_SYS_NICE")),
            other => implied_capability(other).map(Pending::Capability),
        }
    }

    /// At syscall exit with return value `ret`.
    pub fn exit(&mut self, pid: Pid, pending: Pending, ret: i64) {
        if failed(ret) {
            return;
        }
        match pending {
            Pending::Open { flags } => {
                if flags & libc::O_PATH != 0 {
                    return;
                }
                let fd_link = format!("/proc/{pid}/fd/{ret}");
                let Some(path) = readlink(&fd_link) else {
                    return;
                };
                let mode = flags & libc::O_ACCMODE;
                let access = FileAccess {
                    read: mode == libc::O_RDONLY || mode == libc::O_RDWR,
                    write: mode == libc::O_WRONLY
                        || mode == libc::O_RDWR
                        || flags & (libc::O_CREAT | libc::O_TRUNC) != 0,
                    dir: std::fs::metadata(&fd_link).is_ok_and(|m| m.is_dir()),
                    ..FileAccess::default()
                };
                self.mark(path, access);
            }
            Pending::MapExec(path) => self.mark(
                path,
                FileAccess {
                    read: true,
                    map_exec: true,
                    ..FileAccess::default()
                },
            ),
            Pending::Write { paths, cap } => {
                for p in paths {
                    let dir = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir());
                    self.mark(
                        entry_path(&p),
                        FileAccess {
                            write: true,
                            dir,
                            ..FileAccess::default()
                        },
                    );
                }
                if let Some(cap) = cap {
                    self.capabilities.insert(cap.to_string());
                }
            }
            // A successful execve has no exit stop of its own before the exec event.
            Pending::Exec(_) => {}
            Pending::Socket(socket, cap) => {
                self.sockets.insert(socket);
                if let Some(cap) = cap {
                    self.capabilities.insert(cap.to_string());
                }
            }
            Pending::Bind(port) => {
                self.bound_ports.insert(port);
                if port < 1024 {
                    self.capabilities.insert("CAP_NET_BIND_SERVICE".into());
                }
            }
            Pending::Capability(cap) => {
                self.capabilities.insert(cap.to_string());
            }
        }
    }

    /// At the exec event of `pid`: the program now running, and the path execve was given
    /// (a script, when the program is its interpreter).
    pub fn exec(&mut self, pid: Pid, pending: Option<Pending>) {
        let exec = FileAccess {
            exec: true,
            ..FileAccess::default()
        };
        if let Some(Pending::Exec(Some(path))) = pending {
            let path = std::fs::canonicalize(&path)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or(path);
            self.mark(path, exec);
        }
        if let Some(program) = readlink(&format!("/proc/{pid}/exe")) {
            self.mark(program, exec);
        }
    }
}

/// Capabilities a successful call implies whatever its arguments.
fn implied_capability(nr: i64) -> Option<&'static str> {
    Some(match nr {
        libc::SYS_setuid | libc::SYS_setreuid | libc::SYS_setresuid | libc::SYS_setfsuid => {
            "CAP_SETUID"
        }
        libc::SYS_setgid
        | libc::SYS_setregid
        | libc::SYS_setresgid
        | libc::SYS_setfsgid
        | libc::SYS_setgroups => "CAP_SETGID",
        libc::SYS_chroot => "CAP_SYS_CHROOT",
        libc::SYS_mount
        | libc::SYS_umount2
        | libc::SYS_pivot_root
        | libc::SYS_sethostname
        | libc::SYS_setdomainname
        | libc::SYS_setns
        | libc::SYS_swapon
        | libc::SYS_swapoff => "CAP_SYS_ADMIN",
        libc::SYS_capset => "CAP_SETPCAP",
        libc::SYS_reboot | libc::SYS_kexec_load | libc::SYS_kexec_file_load => "CAP_SYS_BOOT",
        libc::SYS_init_module | libc::SYS_finit_module | libc::SYS_delete_module => {
            "CAP_SYS_MODULE"
        }
        libc::SYS_settimeofday | libc::SYS_clock_settime | libc::SYS_clock_adjtime => {
            "CAP_SYS_TIME"
        }
        libc::SYS_iopl | libc::SYS_ioperm => "CAP_SYS_RAWIO",
        libc::SYS_acct => "CAP_SYS_PACCT",
        libc::SYS_vhangup => "CAP_SYS_TTY_CONFIG",
        libc::SYS_perf_event_open => "CAP_PERFMON",
        libc::SYS_bpf => "CAP_BPF",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_lexically() {
        assert_eq!(normalise(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalise(Path::new("/../../etc")), PathBuf::from("/etc"));
    }

    #[test]
    fn names_families_and_kinds_as_apparmor_does() {
        assert_eq!(family_name(libc::AF_INET6), "inet6");
        assert_eq!(family_name(99), "af99");
        assert_eq!(kind_name(libc::SOCK_STREAM | libc::SOCK_CLOEXEC), "stream");
    }

    #[test]
    fn failed_calls_are_not_kept() {
        let mut o = Observer::default();
        o.exit(
            Pid::this(),
            Pending::Capability("CAP_SYS_ADMIN"),
            -(libc::EPERM as i64),
        );
        o.exit(Pid::this(), Pending::Bind(80), 0);
        assert_eq!(
            o.capabilities.into_iter().collect::<Vec<_>>(),
            ["CAP_NET_BIND_SERVICE"]
        );
        assert_eq!(o.bound_ports.into_iter().collect::<Vec<_>>(), [80]);
    }
}
