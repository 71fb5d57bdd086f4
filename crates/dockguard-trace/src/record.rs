//! Records what a command and all its processes and threads do, with ptrace (Linux x86_64
//! only): every syscall by number, the files opened, written, mapped executable and executed,
//! the sockets created, the ports bound, and the capabilities those calls imply.
//!
//! The recorder forks; the child asks to be traced (`PTRACE_TRACEME`), stops itself and execs
//! the command. The parent sets `TRACESYSGOOD | TRACEFORK | TRACEVFORK | TRACECLONE |
//! TRACEEXEC | EXITKILL` and resumes every task with `PTRACE_SYSCALL`, reading `orig_rax` at
//! each syscall-entry stop. New tasks are attached by the kernel and start with a SIGSTOP that
//! is swallowed; any other signal stop is passed through to the tracee (group-stops are not
//! emulated: the stop signal is re-injected, which the kernel ignores for a group-stop).
//!
//! Arguments are read at syscall entry (path strings with `process_vm_readv`, at most 4096
//! bytes) and kept per task until the syscall's exit stop, where only successful calls are
//! kept. A file that was opened is named by `readlink(/proc/PID/fd/N)` of the new descriptor:
//! the path the kernel resolved, symlinks followed, as AppArmor sees it.
//!
//! Waits use `__WALL | __WNOTHREAD`: only this thread's children and tracees are reaped, so a
//! recording never steals the wait status of another thread's child process.

use crate::model::{Exit, Trace};
use std::fmt;
use std::time::Duration;

#[derive(Debug)]
pub enum RecordError {
    /// No command was given.
    Empty,
    /// The command could not be executed (not found, not executable, …).
    Exec { command: String, reason: String },
    /// The command ran longer than the timeout; every traced task was killed.
    Timeout { secs: u64, tasks: usize },
    /// A fork/ptrace/wait call failed.
    Sys(String),
    /// Not Linux x86_64.
    Unsupported,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Empty => write!(f, "no command to record"),
            RecordError::Exec { command, reason } => {
                write!(f, "cannot execute {command}: {reason}")
            }
            RecordError::Timeout { secs, tasks } => write!(
                f,
                "the command ran longer than {secs} s; its {tasks} traced processes/threads were killed"
            ),
            RecordError::Sys(e) => write!(f, "tracing failed: {e}"),
            RecordError::Unsupported => write!(
                f,
                "recording syscalls needs Linux on x86_64 (ptrace and the x86_64 syscall table)"
            ),
        }
    }
}

impl std::error::Error for RecordError {}

/// Runs `command` (program and arguments, looked up in `PATH`) under ptrace until it and every
/// process and thread it started have ended, or `timeout` passes.
pub fn record(command: &[String], timeout: Option<Duration>) -> Result<Trace, RecordError> {
    if command.is_empty() {
        return Err(RecordError::Empty);
    }
    imp::record(command, timeout)
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
mod imp {
    use super::*;
    pub fn record(_: &[String], _: Option<Duration>) -> Result<Trace, RecordError> {
        Err(RecordError::Unsupported)
    }
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod imp {
    use super::*;
    use crate::model::{FORMAT_VERSION, FileAccess, Socket};
    use crate::observe::{Observer, Pending};
    use nix::errno::Errno;
    use nix::sys::ptrace::{self, Event, Options};
    use nix::sys::signal::{self, Signal};
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    use nix::unistd::{ForkResult, Pid};
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
    use std::ffi::CString;
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};

    /// The exit status a child uses when exec fails (as shells do for "not found").
    const EXEC_FAILED: i32 = 127;

    /// Checks that `program` resolves to an executable file, so that "not found" is reported
    /// before forking.
    fn resolve(program: &str) -> Result<(), RecordError> {
        use std::os::unix::fs::PermissionsExt;
        let executable = |p: &std::path::Path| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        };
        let err = |reason: &str| RecordError::Exec {
            command: program.to_string(),
            reason: reason.to_string(),
        };
        if program.contains('/') {
            return if executable(std::path::Path::new(program)) {
                Ok(())
            } else {
                Err(err("no such executable file"))
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
        if std::env::split_paths(&path).any(|d| executable(&d.join(program))) {
            Ok(())
        } else {
            Err(err("command not found in PATH"))
        }
    }

    fn sys(what: &str) -> impl Fn(Errno) -> RecordError + '_ {
        move |e| RecordError::Sys(format!("{what}: {e}"))
    }

    /// Forks the child that stops itself and then execs `argv`.
    #[allow(unsafe_code)]
    fn spawn(argv: &[CString]) -> Result<Pid, RecordError> {
        // SAFETY: between fork and exec the child only calls ptrace(2), raise(3), execvp(3) and
        // _exit(2), all async-signal-safe; `argv` was allocated before the fork.
        match unsafe { nix::unistd::fork() }.map_err(sys("fork"))? {
            ForkResult::Child => {
                if ptrace::traceme().is_ok() && signal::raise(Signal::SIGSTOP).is_ok() {
                    let _ = nix::unistd::execvp(&argv[0], argv);
                }
                // SAFETY: _exit(2) takes no pointers; it ends the child without running the
                // parent's atexit handlers or flushing its buffers.
                unsafe { nix::libc::_exit(EXEC_FAILED) }
            }
            ForkResult::Parent { child } => Ok(child),
        }
    }

    pub fn record(command: &[String], timeout: Option<Duration>) -> Result<Trace, RecordError> {
        resolve(&command[0])?;
        let argv: Vec<CString> = command
            .iter()
            .map(|a| CString::new(a.as_bytes()))
            .collect::<Result<_, _>>()
            .map_err(|_| RecordError::Exec {
                command: command[0].clone(),
                reason: "an argument contains a NUL byte".into(),
            })?;
        let flags = Some(WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD);
        let child = spawn(&argv)?;
        // The child's self-inflicted SIGSTOP.
        match waitpid(child, flags).map_err(sys("waitpid"))? {
            WaitStatus::Stopped(_, Signal::SIGSTOP) => {}
            other => {
                let _ = signal::kill(child, Signal::SIGKILL);
                let _ = waitpid(child, flags);
                return Err(RecordError::Sys(format!("unexpected first stop {other:?}")));
            }
        }
        let options = Options::PTRACE_O_TRACESYSGOOD
            | Options::PTRACE_O_TRACEFORK
            | Options::PTRACE_O_TRACEVFORK
            | Options::PTRACE_O_TRACECLONE
            | Options::PTRACE_O_TRACEEXEC
            | Options::PTRACE_O_EXITKILL;
        if let Err(e) = ptrace::setoptions(child, options) {
            let _ = signal::kill(child, Signal::SIGKILL);
            let _ = waitpid(child, flags);
            return Err(sys("PTRACE_SETOPTIONS")(e));
        }

        // Live tasks, shared with the watchdog that kills them all on timeout.
        let live: Arc<Mutex<HashSet<i32>>> = Arc::new(Mutex::new(HashSet::from([child.as_raw()])));
        let (done, stop) = mpsc::channel::<()>();
        let timed_out = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watchdog = timeout.map(|t| {
            let (live, timed_out) = (Arc::clone(&live), Arc::clone(&timed_out));
            std::thread::spawn(move || {
                if stop.recv_timeout(t) != Err(mpsc::RecvTimeoutError::Timeout) {
                    return;
                }
                timed_out.store(true, std::sync::atomic::Ordering::SeqCst);
                // Tasks born while killing are killed by the tracer loop; repeat until it ends.
                loop {
                    for &pid in live.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                        let _ = signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
                    }
                    if stop.recv_timeout(Duration::from_millis(20))
                        != Err(mpsc::RecvTimeoutError::Timeout)
                    {
                        return;
                    }
                }
            })
        });

        let result = trace(child, flags, &live, &timed_out);
        drop(done);
        if let Some(w) = watchdog {
            let _ = w.join();
        }
        let (trace, exec_seen) = result?;
        if timed_out.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(RecordError::Timeout {
                secs: timeout.map_or(0, |t| t.as_secs()),
                tasks: trace.tasks,
            });
        }
        if !exec_seen && trace.exit == Exit::Code(EXEC_FAILED) {
            return Err(RecordError::Exec {
                command: command[0].clone(),
                reason: "execvp failed".into(),
            });
        }
        Ok(trace)
    }

    /// Per traced task.
    #[derive(Default)]
    struct Task {
        /// Inside a syscall: the next syscall stop is its exit.
        in_syscall: bool,
        /// What the syscall being made will mean if it succeeds.
        pending: Option<Pending>,
    }

    fn trace(
        child: Pid,
        flags: Option<WaitPidFlag>,
        live: &Mutex<HashSet<i32>>,
        timed_out: &std::sync::atomic::AtomicBool,
    ) -> Result<(Trace, bool), RecordError> {
        let mut syscalls: BTreeMap<u64, u64> = BTreeMap::new();
        let mut observer = Observer::default();
        let mut tasks: HashMap<Pid, Task> = HashMap::from([(child, Task::default())]);
        // Tasks announced by a fork/clone event whose initial SIGSTOP is still to come.
        let mut awaiting_first_stop: HashSet<Pid> = HashSet::new();
        let mut seen = 1usize;
        let mut exit = None;
        let mut exec_seen = false;
        let add_live = |pid: Pid| {
            live.lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(pid.as_raw());
            if timed_out.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = signal::kill(pid, Signal::SIGKILL);
            }
        };
        let remove_live = |pid: Pid| {
            live.lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&pid.as_raw());
        };
        let _ = ptrace::syscall(child, None);
        loop {
            let status = match waitpid(Pid::from_raw(-1), flags) {
                Ok(s) => s,
                Err(Errno::EINTR) => continue,
                Err(Errno::ECHILD) => break,
                Err(e) => {
                    for pid in tasks.keys() {
                        let _ = signal::kill(*pid, Signal::SIGKILL);
                    }
                    return Err(sys("waitpid")(e));
                }
            };
            let pid = match status.pid() {
                Some(p) => p,
                None => continue,
            };
            // A new task can report its first stop before its parent's clone event.
            let first_report = !tasks.contains_key(&pid);
            if first_report && !matches!(status, WaitStatus::Exited(..) | WaitStatus::Signaled(..))
            {
                tasks.insert(pid, Task::default());
                seen += 1;
                add_live(pid);
            }
            match status {
                WaitStatus::Exited(p, code) => {
                    if p == child {
                        exit = Some(Exit::Code(code));
                    }
                    tasks.remove(&p);
                    remove_live(p);
                }
                WaitStatus::Signaled(p, sig, _) => {
                    if p == child {
                        exit = Some(Exit::Signal(sig as i32));
                    }
                    tasks.remove(&p);
                    remove_live(p);
                }
                WaitStatus::PtraceSyscall(p) => {
                    let task = tasks.entry(p).or_default();
                    task.in_syscall = !task.in_syscall;
                    if let Ok(regs) = ptrace::getregs(p) {
                        if task.in_syscall {
                            *syscalls.entry(regs.orig_rax).or_default() += 1;
                            task.pending = observer.enter(p, &regs);
                        } else if let Some(pending) = task.pending.take() {
                            observer.exit(p, pending, regs.rax as i64);
                        }
                    }
                    let _ = ptrace::syscall(p, None);
                }
                WaitStatus::PtraceEvent(p, _, event) => {
                    if event == Event::PTRACE_EVENT_FORK as i32
                        || event == Event::PTRACE_EVENT_VFORK as i32
                        || event == Event::PTRACE_EVENT_CLONE as i32
                    {
                        if let Ok(new) = ptrace::getevent(p) {
                            let new = Pid::from_raw(new as i32);
                            if let std::collections::hash_map::Entry::Vacant(e) = tasks.entry(new) {
                                e.insert(Task::default());
                                awaiting_first_stop.insert(new);
                                seen += 1;
                                add_live(new);
                            }
                        }
                    } else if event == Event::PTRACE_EVENT_EXEC as i32 {
                        exec_seen = true;
                        // A non-leader thread that execs takes the leader's pid: its pending
                        // execve is under its former thread id.
                        let former = ptrace::getevent(p)
                            .ok()
                            .map(|t| Pid::from_raw(t as i32))
                            .unwrap_or(p);
                        let pending = tasks.get_mut(&former).and_then(|t| t.pending.take());
                        if former != p {
                            tasks.remove(&former);
                            remove_live(former);
                        }
                        observer.exec(p, pending);
                        // execve's own exit stop follows the event stop.
                        let task = tasks.entry(p).or_default();
                        task.in_syscall = true;
                        task.pending = None;
                    }
                    let _ = ptrace::syscall(p, None);
                }
                WaitStatus::Stopped(p, sig) => {
                    let initial = sig == Signal::SIGSTOP
                        && (first_report || awaiting_first_stop.contains(&p));
                    awaiting_first_stop.remove(&p);
                    let inject = if initial { None } else { Some(sig) };
                    let _ = ptrace::syscall(p, inject);
                }
                _ => {}
            }
        }
        let exit =
            exit.ok_or_else(|| RecordError::Sys("the command's exit was not seen".into()))?;
        let Observer {
            files,
            capabilities,
            sockets,
            bound_ports,
            unreadable_paths,
            ..
        } = observer;
        let files: BTreeMap<String, FileAccess> = files;
        let sockets: BTreeSet<Socket> = sockets;
        Ok((
            Trace {
                version: FORMAT_VERSION,
                arch: "x86_64".into(),
                syscalls,
                files,
                capabilities,
                sockets,
                bound_ports,
                tasks: seen,
                exit,
                unreadable_paths,
            },
            exec_seen,
        ))
    }
}

#[cfg(all(test, target_os = "linux", target_arch = "x86_64"))]
mod tests {
    use super::*;
    use std::time::Instant;

    fn cmd(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    fn busybox() -> &'static str {
        assert!(
            std::path::Path::new("/bin/busybox").exists(),
            "these tests run busybox (Debian busybox-static)"
        );
        "/bin/busybox"
    }

    fn nr(name: &str) -> u64 {
        match name {
            "execve" => nix::libc::SYS_execve as u64,
            "exit_group" => nix::libc::SYS_exit_group as u64,
            "wait4" => nix::libc::SYS_wait4 as u64,
            "getdents64" => nix::libc::SYS_getdents64 as u64,
            "clone" => nix::libc::SYS_clone as u64,
            "clone3" => nix::libc::SYS_clone3 as u64,
            "fork" => nix::libc::SYS_fork as u64,
            "vfork" => nix::libc::SYS_vfork as u64,
            _ => panic!("{name}"),
        }
    }

    #[test]
    fn records_true() {
        let r = record(&cmd(&["/bin/true"]), None).unwrap();
        assert!(r.syscalls.contains_key(&nr("execve")), "{:?}", r.syscalls);
        assert!(r.syscalls.contains_key(&nr("exit_group")));
        assert_eq!(r.exit, Exit::Code(0));
        assert_eq!(r.tasks, 1);
        let true_path = std::fs::canonicalize("/bin/true").unwrap();
        let exe = r.files.get(true_path.to_str().unwrap()).copied();
        assert!(exe.is_some_and(|a| a.exec), "{:?}", r.files);
        // The dynamic loader maps libc executable.
        assert!(
            r.files
                .iter()
                .any(|(p, a)| p.contains("libc.so") && a.map_exec && a.read),
            "{:?}",
            r.files
        );
    }

    #[test]
    fn follows_forked_processes_and_sees_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("copy.txt");
        let script = format!(
            "ls / >/dev/null; cat /etc/hostname > {}; rm -f {}.none; mkdir {}/sub; exit 3",
            out.display(),
            out.display(),
            dir.path().display()
        );
        let r = record(&cmd(&[busybox(), "sh", "-c", &script]), None).unwrap();
        assert!(r.tasks >= 3, "{} tasks", r.tasks);
        assert!(r.syscalls.contains_key(&nr("wait4")));
        assert!(
            ["clone", "clone3", "fork", "vfork"]
                .iter()
                .any(|n| r.syscalls.contains_key(&nr(n))),
            "{:?}",
            r.syscalls
        );
        assert!(r.syscalls.contains_key(&nr("getdents64")), "ls in a child");
        assert_eq!(r.exit, Exit::Code(3));
        let at = |p: &str| r.files.get(p).copied().unwrap_or_default();
        assert!(at("/").read && at("/").dir, "ls / reads the directory");
        let hostname = std::fs::canonicalize("/etc/hostname").unwrap();
        assert!(at(hostname.to_str().unwrap()).read);
        let out = std::fs::canonicalize(&out).unwrap();
        let copy = at(out.to_str().unwrap());
        assert!(copy.write && !copy.read, "{copy:?}");
        let sub = std::fs::canonicalize(dir.path()).unwrap().join("sub");
        assert!(at(sub.to_str().unwrap()).write, "mkdir: {:?}", r.files);
        // rm -f of a file that does not exist fails: not recorded.
        assert!(!r.files.keys().any(|p| p.ends_with(".none")));
        assert!(
            r.files.iter().any(|(_, a)| a.exec),
            "busybox executed: {:?}",
            r.files
        );
    }

    #[test]
    fn follows_threads_and_sockets() {
        if std::process::Command::new("python3")
            .arg("-V")
            .output()
            .is_err()
        {
            panic!("python3 is needed for this test");
        }
        let r = record(
            &cmd(&[
                "python3",
                "-c",
                "import threading, socket\n\
                 def work():\n    s = socket.socket(); s.bind(('127.0.0.1', 0)); s.close(); open('/etc/hostname').read()\n\
                 t = threading.Thread(target=work); t.start(); t.join()",
            ]),
            None,
        )
        .unwrap();
        assert!(r.tasks >= 2, "{} tasks", r.tasks);
        assert!(
            r.syscalls.contains_key(&nr("clone")) || r.syscalls.contains_key(&nr("clone3")),
            "{:?}",
            r.syscalls
        );
        assert!(r.exit.success());
        assert!(
            r.sockets
                .iter()
                .any(|s| s.family == "inet" && s.kind == "stream"),
            "{:?}",
            r.sockets
        );
        // Port 0: the kernel picks one; nothing to report and no capability implied.
        assert!(r.bound_ports.is_empty(), "{:?}", r.bound_ports);
        assert!(
            !r.capabilities.contains("CAP_NET_BIND_SERVICE"),
            "{:?}",
            r.capabilities
        );
    }

    #[test]
    fn missing_command_is_an_error() {
        for c in ["dockguard-no-such-command", "/nonexistent/bin/x"] {
            match record(&cmd(&[c]), None) {
                Err(RecordError::Exec { command, .. }) => assert_eq!(command, c),
                other => panic!("{other:?}"),
            }
        }
    }

    fn sleeps_with(arg: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if let Ok(c) = std::fs::read(e.path().join("cmdline"))
                && c.split(|b| *b == 0).any(|a| a == arg.as_bytes())
                && c.starts_with(b"sleep")
            {
                out.push(pid);
            }
        }
        out
    }

    #[test]
    fn timeout_kills_the_tree() {
        let marker = "31.4159";
        let start = Instant::now();
        let r = record(&cmd(&["sleep", marker]), Some(Duration::from_secs(1)));
        let took = start.elapsed();
        assert!(
            matches!(r, Err(RecordError::Timeout { secs: 1, .. })),
            "{r:?}"
        );
        assert!(took < Duration::from_millis(2500), "{took:?}");
        assert!(sleeps_with(marker).is_empty(), "a sleep {marker} is left");
    }
}
