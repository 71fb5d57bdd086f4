//! Writes a Docker/OCI seccomp profile that allows a recorded set of syscalls (plus what the
//! container runtime needs to start the process) and refuses everything else with EPERM.

use std::collections::BTreeSet;

use serde_json::json;

use crate::profile::SeccompProfile;

/// Syscalls runc makes *after* it has loaded the container's seccomp filter, before and while
/// exec'ing the container's process; a profile without them cannot start any container.
/// Found by experiment (Docker 2x/runc 1.x, amd64): P = what `busybox true` makes on the host
/// with `defaultAction: SCMP_ACT_LOG`, `docker run --security-opt seccomp=P dg-busybox:test
/// /bin/busybox true`, then the kernel's seccomp log (type 1326, `kernel.printk_ratelimit_burst`
/// raised so nothing is dropped) named what `runc:[2:INIT]` made besides; with only these
/// added and `SCMP_ACT_ERRNO` the container starts. The Go-runtime entries marked "(Go)" did
/// not show up in that run but runc's runtime makes them at unpredictable times (scheduler,
/// preemption signals, garbage collector), so a profile without them fails intermittently.
pub const RUNTIME_MINIMUM: &[(&str, &str)] = &[
    (
        "capget",
        "runc init reads its capabilities before dropping them",
    ),
    ("capset", "runc init sets the container's capabilities"),
    (
        "chdir",
        "runc init changes to the container's working directory",
    ),
    (
        "close",
        "runc init closes its sync pipe and leaked file descriptors",
    ),
    (
        "epoll_ctl",
        "Go runtime: files runc init opens are registered with its poller",
    ),
    ("epoll_pwait", "(Go) the runtime's network poller"),
    (
        "faccessat2",
        "runc init checks the executable (exec.LookPath)",
    ),
    ("fcntl", "runc init marks descriptors close-on-exec"),
    ("fstat", "runc init inspects its descriptors"),
    ("fstatfs", "runc init checks /proc is a real procfs"),
    ("futex", "Go runtime locks and thread parking"),
    ("getcwd", "runc init verifies the working directory"),
    (
        "getdents64",
        "runc init lists /proc/self/fd to close inherited descriptors",
    ),
    ("getpid", "runc init and the Go runtime"),
    ("getppid", "runc init checks its parent is still alive"),
    ("gettid", "(Go) the runtime's signal handling"),
    ("madvise", "(Go) the garbage collector returns memory"),
    ("mmap", "(Go) the runtime allocates memory"),
    ("munmap", "(Go) the runtime frees memory"),
    ("nanosleep", "(Go) the runtime's scheduler and spin-waits"),
    ("newfstatat", "runc init stats the executable and paths"),
    ("openat", "runc init opens the exec fifo and /proc files"),
    (
        "prctl",
        "runc init drops the bounding set (PR_CAPBSET_DROP) and keeps capabilities across setuid \
         (PR_SET_KEEPCAPS) after the profile is loaded",
    ),
    ("read", "runc init reads from its sync pipe"),
    (
        "rt_sigprocmask",
        "(Go) the runtime masks signals around thread work",
    ),
    (
        "rt_sigreturn",
        "(Go) return from the runtime's preemption signal handler",
    ),
    ("sched_yield", "(Go) the runtime's scheduler"),
    ("setgid", "runc init switches to the container's group"),
    ("setgroups", "runc init sets the supplementary groups"),
    ("setuid", "runc init switches to the container's user"),
    ("sigaltstack", "(Go) signal stacks of runtime threads"),
    ("tgkill", "(Go) the runtime's goroutine preemption signal"),
    (
        "write",
        "runc init writes to its sync pipe and the exec fifo",
    ),
];

/// Answered with ENOSYS when not recorded, so that glibc falls back to `clone`, `faccessat`
/// and `fstatat` (lint rule SC105).
pub const ENOSYS_FALLBACKS: &[&str] = &["clone3", "faccessat2", "statx"];
pub const ENOSYS: u32 = 38;

/// The profile JSON (pretty-printed, trailing newline) that allows `names` and
/// [`RUNTIME_MINIMUM`], answers [`ENOSYS_FALLBACKS`] with ENOSYS unless allowed, and refuses all
/// else with EPERM, on x86_64 and its 32-bit ABIs.
pub fn generate<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut allowed: BTreeSet<&str> = names.into_iter().collect();
    allowed.extend(RUNTIME_MINIMUM.iter().map(|(n, _)| *n));
    let mut rules = Vec::new();
    // Syscalls glibc retries with an older one only on ENOSYS (lint rule SC105).
    let enosys: Vec<&str> = ENOSYS_FALLBACKS
        .iter()
        .copied()
        .filter(|n| !allowed.contains(n))
        .collect();
    rules.push(json!({
        "names": allowed,
        "action": "SCMP_ACT_ALLOW",
    }));
    if !enosys.is_empty() {
        rules.push(json!({
            "names": enosys,
            "action": "SCMP_ACT_ERRNO",
            "errnoRet": ENOSYS,
            "comment": "ENOSYS, not EPERM: glibc then falls back to clone/faccessat/fstatat",
        }));
    }
    let doc = json!({
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": rules,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The syscall names a profile allows whatever the arguments, on amd64 with Docker's default
/// capabilities (its effective set, [`crate::effective`]), for `--merge`. Names it allows only
/// for some argument values are left out rather than widened to all values.
pub fn allowed_names(profile: &SeccompProfile) -> BTreeSet<String> {
    crate::effective(&profile.profile, &crate::Context::default())
        .allowed
        .into_iter()
        .filter(|(_, a)| *a == crate::diff::Allowance::Always)
        .map(|(n, _)| n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_profile_parses_lints_clean_and_allows_what_was_asked() {
        let text = generate(["read", "exit_group", "execve"]);
        let p = crate::parse_str("gen.json", &text).unwrap();
        let findings = crate::lint(&p, &dockguard_core::Config::default());
        assert!(findings.is_empty(), "{findings:?}");
        let names = allowed_names(&p);
        for n in ["read", "exit_group", "execve", "capset", "futex"] {
            assert!(names.contains(n), "{n}");
        }
        assert!(!names.contains("clone3"));
        assert_eq!(
            names.len(),
            2 + RUNTIME_MINIMUM.len(),
            "read and write are in both"
        );
        for (n, _) in RUNTIME_MINIMUM {
            assert!(crate::names::is_known(n), "{n}");
        }
    }

    #[test]
    fn dangerous_recorded_syscalls_are_reported_and_merge_is_a_union() {
        let text = generate(["ptrace", "mount"]);
        let p = crate::parse_str("gen.json", &text).unwrap();
        let codes: Vec<String> = crate::lint(&p, &dockguard_core::Config::default())
            .into_iter()
            .map(|f| f.code.to_string())
            .collect();
        assert!(
            codes.iter().all(|c| c == "SC101") && !codes.is_empty(),
            "{codes:?}"
        );
        let mut merged = allowed_names(&p);
        merged.insert("uname".into());
        let again = generate(merged.iter().map(String::as_str));
        let q = allowed_names(&crate::parse_str("m.json", &again).unwrap());
        assert!(q.contains("ptrace") && q.contains("uname") && q.contains("capget"));
    }
}
