//! Which syscall names exist.
//!
//! Choice: the `syscalls` crate (jasonwhite/syscalls) carries per-architecture tables generated
//! from the kernel's own syscall tables and is maintained (0.8, 2025); we use only its names.
//! `libseccomp` would need the C library. The crate's tables hold the numbered syscalls only, so
//! the few architecture-private calls Docker's default profile names (ARM's `breakpoint` and
//! `set_tls`) are added from [`EXTRA`], which a test keeps exact: every entry
//! is in Docker's profile and missing from the crate.

use std::collections::BTreeSet;

/// Names Docker's default profile uses that no table of the `syscalls` crate has.
pub const EXTRA: &[&str] = &["breakpoint", "set_tls"];

macro_rules! in_any_table {
    ($name:expr, $($arch:ident),*) => {
        false $(|| $name.parse::<syscalls::$arch::Sysno>().is_ok())*
    };
}

/// Whether `name` is a Linux syscall on any architecture.
pub fn is_known(name: &str) -> bool {
    in_crate_tables(name) || EXTRA.contains(&name)
}

fn in_crate_tables(name: &str) -> bool {
    in_any_table!(
        name,
        x86_64,
        x86,
        aarch64,
        arm,
        loongarch64,
        mips,
        mips64,
        powerpc,
        powerpc64,
        riscv32,
        riscv64,
        s390x,
        sparc,
        sparc64
    )
}

macro_rules! table_names {
    ($arch:ident) => {{
        let mut out: BTreeSet<&'static str> =
            syscalls::$arch::Sysno::iter().map(|s| s.name()).collect();
        // `iter()` can stop short of the last entry when there is a gap before it.
        out.insert(syscalls::$arch::Sysno::last().name());
        out
    }};
}

/// All syscall names of a Go architecture name (`amd64`, `386`/`x86`, `arm64`, …), for
/// profiles that allow by default; `None` for an architecture we have no table for.
pub fn names_of_arch(arch: &str) -> Option<BTreeSet<&'static str>> {
    Some(match arch {
        "amd64" | "x32" => table_names!(x86_64),
        "386" | "x86" => table_names!(x86),
        "arm64" => table_names!(aarch64),
        "arm" => table_names!(arm),
        "loong64" => table_names!(loongarch64),
        "ppc64le" | "ppc64" => table_names!(powerpc64),
        "riscv64" => table_names!(riscv64),
        "s390x" => table_names!(s390x),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_default_names_are_known_and_extra_is_exact() {
        let p = crate::docker_default();
        let names: BTreeSet<&str> = p
            .profile
            .syscalls()
            .iter()
            .flat_map(|r| r.all_names())
            .collect();
        for n in &names {
            assert!(is_known(n), "{n} unknown");
        }
        for e in EXTRA {
            assert!(names.contains(e), "{e} not in Docker's profile");
            assert!(!in_crate_tables(e), "{e} is in the crate's tables now");
        }
        assert!(!is_known("ptrac"));
        assert!(!is_known(""));
    }

    #[test]
    fn arch_tables() {
        let amd64 = names_of_arch("amd64").unwrap();
        assert!(amd64.contains("read") && amd64.contains("clone3") && amd64.contains("arch_prctl"));
        assert!(!amd64.contains("socketcall"));
        assert!(names_of_arch("x86").unwrap().contains("socketcall"));
        assert!(names_of_arch("sparc").is_none());
    }
}
