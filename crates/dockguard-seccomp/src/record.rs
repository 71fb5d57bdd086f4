//! Syscall names of a recording made by `dockguard-trace` (the ptrace recorder, on the host
//! or inside a container): what `dockguard seccomp record` turns into a profile.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub use dockguard_trace::{Exit, RecordError, Trace};

/// A recording with syscalls by name.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Syscall name → number of entries, over all tasks.
    pub counts: BTreeMap<String, u64>,
    /// Syscall numbers with no name in the table (e.g. 32-bit `int 0x80` calls).
    pub unknown: BTreeMap<u64, u64>,
    /// Processes and threads traced (the command's first process included).
    pub tasks: usize,
    /// How the command's first process ended.
    pub exit: Exit,
    /// Everything else the recorder saw (files, sockets, capabilities), for AppArmor.
    pub trace: Trace,
}

impl Recording {
    /// Names the syscalls of `trace`; `None` for a syscall table other than x86_64.
    pub fn from_trace(trace: Trace) -> Option<Recording> {
        if trace.arch != "x86_64" {
            return None;
        }
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let mut unknown = BTreeMap::new();
        for (&nr, &n) in &trace.syscalls {
            match usize::try_from(nr)
                .ok()
                .and_then(syscalls::x86_64::Sysno::new)
            {
                Some(s) => *counts.entry(s.name().to_string()).or_default() += n,
                None => *unknown.entry(nr).or_default() += n,
            }
        }
        counts.retain(|_, n| *n > 0);
        Some(Recording {
            counts,
            unknown,
            tasks: trace.tasks,
            exit: trace.exit,
            trace,
        })
    }

    /// The distinct syscall names seen.
    pub fn names(&self) -> BTreeSet<String> {
        self.counts.keys().cloned().collect()
    }
}

/// Runs `command` under ptrace on this host ([`dockguard_trace::record`]).
pub fn record(command: &[String], timeout: Option<Duration>) -> Result<Recording, RecordError> {
    let trace = dockguard_trace::record(command, timeout)?;
    Recording::from_trace(trace).ok_or(RecordError::Unsupported)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(arch: &str, syscalls: &[(u64, u64)]) -> Trace {
        Trace {
            version: dockguard_trace::model::FORMAT_VERSION,
            arch: arch.into(),
            syscalls: syscalls.iter().copied().collect(),
            files: Default::default(),
            capabilities: Default::default(),
            sockets: Default::default(),
            bound_ports: Default::default(),
            tasks: 1,
            exit: Exit::Code(0),
            unreadable_paths: 0,
        }
    }

    #[test]
    fn names_x86_64_numbers_and_keeps_unknown_ones() {
        // 0 read, 59 execve, 231 exit_group; 0x40000000 | 1: an x32 call, not in the table.
        let r = Recording::from_trace(trace(
            "x86_64",
            &[(0, 3), (59, 1), (231, 1), (0x4000_0001, 2)],
        ))
        .unwrap();
        assert_eq!(
            r.names().into_iter().collect::<Vec<_>>(),
            ["execve", "exit_group", "read"]
        );
        assert_eq!(r.counts["read"], 3);
        assert_eq!(r.unknown.get(&0x4000_0001), Some(&2));
        assert!(Recording::from_trace(trace("aarch64", &[(0, 1)])).is_none());
    }

    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    #[test]
    fn records_on_the_host() {
        let r = record(&["/bin/true".to_string()], None).unwrap();
        assert!(r.names().contains("execve") && r.names().contains("exit_group"));
        assert!(r.exit.success());
    }
}
