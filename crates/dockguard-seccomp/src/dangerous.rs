//! The syscalls Docker's default profile keeps from containers, with why: each either allowed
//! there only behind a capability (`includes.caps`), or not allowed at all. Shared by SC101
//! and [`crate::diff::compare`]. `clone`/`clone3` are SC102's; `chroot` (gated by
//! CAP_SYS_CHROOT, which Docker grants by default) is left out.

/// What Docker's default profile does with a dangerous syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Allowed only when the container has this capability.
    Cap(&'static str),
    /// Allowed without a capability only from this kernel on (`includes.minKernel`), where
    /// seccomp is re-checked after a tracer changes a syscall; else behind CAP_SYS_PTRACE.
    MinKernelOrCap((u32, u32), &'static str),
    /// Never allowed.
    Never,
}

/// A dangerous syscall: its name, Docker's gate, and the risk in a few words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dangerous {
    pub name: &'static str,
    pub gate: Gate,
    pub risk: &'static str,
}

const fn d(name: &'static str, gate: Gate, risk: &'static str) -> Dangerous {
    Dangerous { name, gate, risk }
}

use Gate::{Cap, MinKernelOrCap, Never};
const ADMIN: Gate = Cap("CAP_SYS_ADMIN");
const PTRACE_48: Gate = MinKernelOrCap((4, 8), "CAP_SYS_PTRACE");

pub const DANGEROUS: &[Dangerous] = &[
    d(
        "acct",
        Cap("CAP_SYS_PACCT"),
        "switches host process accounting on or off",
    ),
    d(
        "add_key",
        Never,
        "kernel keyrings are not namespaced: keys of other containers and the host",
    ),
    d(
        "bpf",
        ADMIN,
        "loads eBPF programs into the host kernel; a frequent privilege-escalation path",
    ),
    d(
        "clock_settime",
        Cap("CAP_SYS_TIME"),
        "sets the host's clock (time is not namespaced)",
    ),
    d(
        "clock_settime64",
        Cap("CAP_SYS_TIME"),
        "sets the host's clock (time is not namespaced)",
    ),
    d(
        "delete_module",
        Cap("CAP_SYS_MODULE"),
        "unloads host kernel modules",
    ),
    d(
        "fanotify_init",
        ADMIN,
        "watches file access across the host's mounts",
    ),
    d(
        "finit_module",
        Cap("CAP_SYS_MODULE"),
        "loads code into the host kernel",
    ),
    d(
        "fsconfig",
        ADMIN,
        "new mount API: mounts filesystems, an escape path",
    ),
    d(
        "fsmount",
        ADMIN,
        "new mount API: mounts filesystems, an escape path",
    ),
    d(
        "fsopen",
        ADMIN,
        "new mount API: mounts filesystems, an escape path",
    ),
    d(
        "fspick",
        ADMIN,
        "new mount API: reconfigures mounted filesystems",
    ),
    d(
        "get_mempolicy",
        Cap("CAP_SYS_NICE"),
        "NUMA policy; Docker gates it behind CAP_SYS_NICE",
    ),
    d(
        "init_module",
        Cap("CAP_SYS_MODULE"),
        "loads code into the host kernel",
    ),
    d(
        "io_uring_enter",
        Never,
        "io_uring bypasses syscall filtering and has had many kernel exploits",
    ),
    d(
        "io_uring_register",
        Never,
        "io_uring bypasses syscall filtering and has had many kernel exploits",
    ),
    d(
        "io_uring_setup",
        Never,
        "io_uring bypasses syscall filtering and has had many kernel exploits",
    ),
    d(
        "ioperm",
        Cap("CAP_SYS_RAWIO"),
        "raw access to host I/O ports",
    ),
    d(
        "iopl",
        Cap("CAP_SYS_RAWIO"),
        "raw access to host I/O ports and interrupts",
    ),
    d(
        "kcmp",
        Cap("CAP_SYS_PTRACE"),
        "inspects other processes' kernel state",
    ),
    d("kexec_file_load", Never, "boots a new kernel on the host"),
    d("kexec_load", Never, "boots a new kernel on the host"),
    d(
        "keyctl",
        Never,
        "kernel keyrings are not namespaced: keys of other containers and the host",
    ),
    d(
        "lookup_dcookie",
        ADMIN,
        "kernel profiling interface; leaks host paths",
    ),
    d(
        "lsm_get_self_attr",
        ADMIN,
        "LSM attribute interface; Docker gates it behind CAP_SYS_ADMIN",
    ),
    d(
        "lsm_list_modules",
        ADMIN,
        "LSM attribute interface; Docker gates it behind CAP_SYS_ADMIN",
    ),
    d(
        "lsm_set_self_attr",
        ADMIN,
        "changes LSM (AppArmor/SELinux) attributes",
    ),
    d(
        "mbind",
        Cap("CAP_SYS_NICE"),
        "NUMA policy; Docker gates it behind CAP_SYS_NICE",
    ),
    d(
        "mount",
        ADMIN,
        "mounts filesystems: the classic container escape",
    ),
    d(
        "mount_setattr",
        ADMIN,
        "changes mount attributes (read-only, idmapped)",
    ),
    d(
        "move_mount",
        ADMIN,
        "new mount API: moves mounts, an escape path",
    ),
    d(
        "open_by_handle_at",
        Cap("CAP_DAC_READ_SEARCH"),
        "opens host files by handle outside the container's root (the \"shocker\" escape)",
    ),
    d("open_tree", ADMIN, "new mount API: clones mount trees"),
    d(
        "perf_event_open",
        ADMIN,
        "kernel performance events: side channels and a frequent exploit target",
    ),
    d(
        "pidfd_getfd",
        Cap("CAP_SYS_PTRACE"),
        "steals file descriptors from other processes",
    ),
    d("pivot_root", Never, "changes the root filesystem"),
    d(
        "process_madvise",
        Cap("CAP_SYS_PTRACE"),
        "acts on another process's memory",
    ),
    d(
        "process_vm_readv",
        PTRACE_48,
        "reads other processes' memory",
    ),
    d(
        "process_vm_writev",
        PTRACE_48,
        "writes other processes' memory",
    ),
    d(
        "ptrace",
        PTRACE_48,
        "traces and controls other processes; before kernel 4.8 it bypasses seccomp",
    ),
    d("quotactl", ADMIN, "manages host disk quotas"),
    d("quotactl_fd", ADMIN, "manages host disk quotas"),
    d(
        "reboot",
        Cap("CAP_SYS_BOOT"),
        "reboots the host or loads a new kernel",
    ),
    d(
        "request_key",
        Never,
        "kernel keyrings are not namespaced: keys of other containers and the host",
    ),
    d(
        "set_mempolicy",
        Cap("CAP_SYS_NICE"),
        "NUMA policy; Docker gates it behind CAP_SYS_NICE",
    ),
    d(
        "set_mempolicy_home_node",
        Cap("CAP_SYS_NICE"),
        "NUMA policy; Docker gates it behind CAP_SYS_NICE",
    ),
    d(
        "setdomainname",
        ADMIN,
        "changes the domain name (of the host, without a UTS namespace)",
    ),
    d(
        "sethostname",
        ADMIN,
        "changes the host name (of the host, without a UTS namespace)",
    ),
    d("setns", ADMIN, "joins other namespaces"),
    d(
        "settimeofday",
        Cap("CAP_SYS_TIME"),
        "sets the host's clock (time is not namespaced)",
    ),
    d(
        "stime",
        Cap("CAP_SYS_TIME"),
        "sets the host's clock (time is not namespaced)",
    ),
    d("swapoff", Never, "turns host swap off"),
    d("swapon", Never, "turns host swap on"),
    d(
        "syslog",
        ADMIN,
        "reads and clears the host kernel log (addresses that defeat KASLR)",
    ),
    d(
        "umount",
        ADMIN,
        "unmounts filesystems, revealing what masked paths hide",
    ),
    d(
        "umount2",
        ADMIN,
        "unmounts filesystems, revealing what masked paths hide",
    ),
    d(
        "unshare",
        ADMIN,
        "creates namespaces: a large kernel attack surface",
    ),
    d(
        "userfaultfd",
        Never,
        "stalls kernel page faults: a common exploit primitive",
    ),
    d(
        "vhangup",
        Cap("CAP_SYS_TTY_CONFIG"),
        "hangs up the terminal",
    ),
];

pub fn lookup(name: &str) -> Option<&'static Dangerous> {
    DANGEROUS.iter().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Action;

    /// The table matches Docker's default profile exactly: each gated name appears in an
    /// allowing entry only behind its capability (or the minKernel entry), each `Never` name in
    /// no allowing entry, and every capability-gated name of the profile is in the table.
    #[test]
    fn table_matches_docker_default() {
        let p = crate::docker_default();
        for pair in DANGEROUS.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} order", pair[1].name);
        }
        for dang in DANGEROUS {
            let entries: Vec<_> = p
                .profile
                .syscalls()
                .iter()
                .filter(|r| r.action.allows() && r.all_names().any(|n| n == dang.name))
                .collect();
            match dang.gate {
                Never => assert!(entries.is_empty(), "{} is allowed", dang.name),
                Cap(cap) => {
                    assert!(!entries.is_empty(), "{}", dang.name);
                    for e in &entries {
                        let inc = e.includes();
                        assert!(!inc.caps().is_empty(), "{} ungated", dang.name);
                    }
                    assert!(
                        entries.iter().any(|e| e.includes().caps() == [cap]),
                        "{}",
                        dang.name
                    );
                }
                MinKernelOrCap(kernel, cap) => {
                    assert!(
                        entries.iter().any(|e| e.includes().caps() == [cap]),
                        "{}",
                        dang.name
                    );
                    for e in entries.iter().filter(|e| e.includes().caps().is_empty()) {
                        assert_eq!(e.includes().min_kernel(), Some(kernel), "{}", dang.name);
                    }
                }
            }
        }
        for rule in p.profile.syscalls() {
            if rule.action == Action::Allow && !rule.includes().caps().is_empty() {
                for n in rule.all_names() {
                    assert!(
                        lookup(n).is_some() || ["clone", "clone3", "chroot"].contains(&n),
                        "{n} gated in Docker's profile but not in the table"
                    );
                }
            }
        }
        for d in DANGEROUS {
            assert!(crate::names::is_known(d.name), "{}", d.name);
        }
    }
}
