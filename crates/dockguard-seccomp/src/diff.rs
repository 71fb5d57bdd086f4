//! The effective allowed-syscall set of a profile for one architecture, capability set and
//! kernel, and the difference between two profiles' sets.

use crate::dangerous;
use crate::profile::{Action, Profile, SyscallRule};
use std::collections::BTreeMap;

/// Docker's default capability set (moby `oci/caps/defaults.go`).
pub const DOCKER_DEFAULT_CAPS: &[&str] = &[
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// What the profile is evaluated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// Go architecture name, as `includes.arches` spells it: `amd64`, `x86`, `arm64`, …
    pub arch: String,
    /// The container's capabilities, `CAP_…`.
    pub caps: Vec<String>,
    /// The host kernel (major, minor). `None`: unknown, and then entries with a `minKernel`
    /// do not apply (the strict reading: e.g. Docker's default then allows `ptrace` only with
    /// CAP_SYS_PTRACE, as on kernels before 4.8).
    pub kernel: Option<(u32, u32)>,
}

impl Default for Context {
    /// amd64, Docker's default capabilities, kernel unknown.
    fn default() -> Self {
        Context {
            arch: "amd64".into(),
            caps: DOCKER_DEFAULT_CAPS.iter().map(|c| c.to_string()).collect(),
            kernel: None,
        }
    }
}

impl Context {
    fn has_cap(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }
}

/// Whether a syscall rule applies in `ctx`, by moby's rules: `excludes` (arches, any cap held,
/// kernel at least) drop it; `includes` (arches, all caps held, kernel at least) are required.
pub fn applies(rule: &SyscallRule, ctx: &Context) -> bool {
    let ex = rule.excludes();
    if ex.arches().contains(&ctx.arch) || ex.caps().iter().any(|c| ctx.has_cap(c)) {
        return false;
    }
    if let Some(min) = ex.min_kernel()
        && ctx.kernel.is_some_and(|k| k >= min)
    {
        return false;
    }
    let inc = rule.includes();
    if !inc.arches().is_empty() && !inc.arches().contains(&ctx.arch) {
        return false;
    }
    if !inc.caps().iter().all(|c| ctx.has_cap(c)) {
        return false;
    }
    if let Some(min) = inc.min_kernel()
        && ctx.kernel.is_none_or(|k| k < min)
    {
        return false;
    }
    true
}

/// What a syscall gets: the action, its errno for `SCMP_ACT_ERRNO`, and the index of the rule
/// that decided (None: the default action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub action: Action,
    pub errno: Option<u32>,
    pub rule: Option<usize>,
}

/// EPERM: what runc returns for `SCMP_ACT_ERRNO` without an errno.
const EPERM: u32 = 1;

/// The outcome of calling `name` with arguments no filter rejects: an applicable allowing
/// rule wins (libseccomp prefers allow), else the first applicable rule, else the default.
pub fn outcome(profile: &Profile, name: &str, ctx: &Context) -> Outcome {
    let applicable = profile
        .syscalls()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.all_names().any(|n| n == name) && applies(r, ctx));
    let mut first = None;
    for (i, r) in applicable {
        if r.action.allows() {
            return Outcome {
                action: r.action,
                errno: None,
                rule: Some(i),
            };
        }
        first.get_or_insert(Outcome {
            action: r.action,
            errno: (r.action == Action::Errno).then(|| r.errno_ret.unwrap_or(EPERM)),
            rule: Some(i),
        });
    }
    first.unwrap_or(Outcome {
        action: profile.default_action,
        errno: (profile.default_action == Action::Errno)
            .then(|| profile.default_errno_ret.unwrap_or(EPERM)),
        rule: None,
    })
}

/// How a syscall is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Allowance {
    /// Only with some argument values (an `args` filter).
    WithArgs,
    /// Whatever the arguments.
    Always,
}

/// The syscalls a profile lets through in a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveSet {
    pub allowed: BTreeMap<String, Allowance>,
    /// The profile allows by default but we have no syscall table for the architecture, so
    /// `allowed` lists only the names the profile writes.
    pub incomplete: bool,
}

/// The effective allowed set. For an allow-by-default profile it is every syscall of the
/// architecture (per the `syscalls` crate's table) less those the profile always refuses.
pub fn effective(profile: &Profile, ctx: &Context) -> EffectiveSet {
    let mut allowed = BTreeMap::new();
    let mut incomplete = false;
    let rules: Vec<&SyscallRule> = profile
        .syscalls()
        .iter()
        .filter(|r| applies(r, ctx))
        .collect();
    if profile.default_action.allows() {
        match crate::names::names_of_arch(&ctx.arch) {
            Some(all) => {
                for n in all {
                    allowed.insert(n.to_string(), Allowance::Always);
                }
            }
            None => incomplete = true,
        }
        for r in &rules {
            for n in r.all_names() {
                if r.action.allows() {
                    allowed.insert(n.to_string(), Allowance::Always);
                }
            }
        }
        for r in rules.iter().filter(|r| !r.action.allows()) {
            for n in r.all_names() {
                let explicitly_allowed = rules
                    .iter()
                    .any(|o| o.action.allows() && o.all_names().any(|m| m == n));
                if explicitly_allowed {
                    continue;
                }
                if r.args().is_empty() {
                    allowed.remove(n);
                } else if let Some(a) = allowed.get_mut(n) {
                    *a = Allowance::WithArgs;
                }
            }
        }
    } else {
        for r in rules.iter().filter(|r| r.action.allows()) {
            let how = if r.args().is_empty() {
                Allowance::Always
            } else {
                Allowance::WithArgs
            };
            for n in r.all_names() {
                let e = allowed.entry(n.to_string()).or_insert(how);
                *e = (*e).max(how);
            }
        }
    }
    EffectiveSet {
        allowed,
        incomplete,
    }
}

/// One syscall of a diff, with the risk from SC101's table when it is a dangerous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub name: String,
    pub risk: Option<&'static str>,
}

impl Change {
    fn new(name: &str) -> Change {
        Change {
            name: name.into(),
            risk: dangerous::lookup(name).map(|d| d.risk),
        }
    }
}

/// From profile `a` to profile `b`, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetDiff {
    /// Allowed by `b`, not by `a`.
    pub added: Vec<Change>,
    /// Allowed by `a`, not by `b`.
    pub removed: Vec<String>,
    /// Allowed by both, but by `a` only for some arguments and by `b` for all.
    pub widened: Vec<Change>,
    /// Allowed by both, by `a` for all arguments and by `b` only for some.
    pub narrowed: Vec<String>,
}

impl SetDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.widened.is_empty()
            && self.narrowed.is_empty()
    }
}

/// The difference between the effective sets of `a` and `b` in `ctx`.
pub fn diff(a: &Profile, b: &Profile, ctx: &Context) -> SetDiff {
    let (ea, eb) = (effective(a, ctx), effective(b, ctx));
    let mut out = SetDiff::default();
    for (name, how_b) in &eb.allowed {
        match ea.allowed.get(name) {
            None => out.added.push(Change::new(name)),
            Some(Allowance::WithArgs) if *how_b == Allowance::Always => {
                out.widened.push(Change::new(name));
            }
            Some(Allowance::Always) if *how_b == Allowance::WithArgs => {
                out.narrowed.push(name.clone());
            }
            Some(_) => {}
        }
    }
    out.removed = ea
        .allowed
        .keys()
        .filter(|n| !eb.allowed.contains_key(*n))
        .cloned()
        .collect();
    out
}

/// `diff(Docker's default profile, profile)`.
pub fn compare(profile: &Profile, ctx: &Context) -> SetDiff {
    diff(&crate::docker_default().profile, profile, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::parse_str;

    fn names(changes: &[Change]) -> Vec<&str> {
        changes.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn docker_default_effective_set() {
        let d = &crate::docker_default().profile;
        let set = effective(d, &Context::default());
        assert!(!set.incomplete);
        assert_eq!(set.allowed.get("read"), Some(&Allowance::Always));
        assert_eq!(set.allowed.get("clone"), Some(&Allowance::WithArgs));
        assert_eq!(set.allowed.get("chroot"), Some(&Allowance::Always)); // CAP_SYS_CHROOT is default
        assert_eq!(set.allowed.get("arch_prctl"), Some(&Allowance::Always));
        for n in ["ptrace", "mount", "clone3", "bpf", "reboot", "modify_ldt"] {
            if n == "modify_ldt" {
                assert!(set.allowed.contains_key(n));
            } else {
                assert!(!set.allowed.contains_key(n), "{n}");
            }
        }
        // With a known kernel ≥ 4.8 ptrace is allowed; with CAP_SYS_ADMIN, mount and clone3.
        let new_kernel = Context {
            kernel: Some((6, 1)),
            ..Context::default()
        };
        assert!(effective(d, &new_kernel).allowed.contains_key("ptrace"));
        let mut admin = Context::default();
        admin.caps.push("CAP_SYS_ADMIN".into());
        let set = effective(d, &admin);
        assert!(set.allowed.contains_key("mount"));
        assert_eq!(set.allowed.get("clone"), Some(&Allowance::Always));
        assert!(set.allowed.contains_key("clone3"));
        // Arch-specific entries.
        let arm = Context {
            arch: "arm64".into(),
            ..Context::default()
        };
        let set = effective(d, &arm);
        assert!(set.allowed.contains_key("set_tls") && !set.allowed.contains_key("arch_prctl"));
    }

    #[test]
    fn default_versus_itself_is_empty() {
        let d = &crate::docker_default().profile;
        assert!(compare(d, &Context::default()).is_empty());
        let mut admin = Context::default();
        admin.caps.push("CAP_SYS_ADMIN".into());
        assert!(diff(d, d, &admin).is_empty());
    }

    #[test]
    fn adding_ptrace_is_reported_with_its_risk() {
        let text = crate::DOCKER_DEFAULT.replacen(
            "\"names\": [\n\t\t\t\t\"accept\",",
            "\"names\": [\n\t\t\t\t\"ptrace\",\n\t\t\t\t\"accept\",",
            1,
        );
        assert_ne!(text, crate::DOCKER_DEFAULT);
        let p = parse_str("p.json", &text).unwrap();
        let d = compare(&p.profile, &Context::default());
        assert_eq!(names(&d.added), ["ptrace"]);
        assert!(d.added[0].risk.unwrap().contains("traces"));
        assert!(d.removed.is_empty() && d.widened.is_empty());
        // On a kernel ≥ 4.8 Docker's default allows it too.
        let new_kernel = Context {
            kernel: Some((5, 4)),
            ..Context::default()
        };
        assert!(compare(&p.profile, &new_kernel).is_empty());
    }

    #[test]
    fn small_profiles() {
        let a = parse_str(
            "a.json",
            r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                {"names": ["read", "write", "clone"], "action": "SCMP_ACT_ALLOW"}]}"#,
        )
        .unwrap();
        let d = compare(&a.profile, &Context::default());
        assert!(d.added.is_empty());
        assert_eq!(names(&d.widened), ["clone"]);
        assert!(d.removed.contains(&"openat".to_string()));
        // Allow by default: everything of the arch but what is denied.
        let b = parse_str(
            "b.json",
            r#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}"#,
        )
        .unwrap();
        let set = effective(&b.profile, &Context::default());
        assert!(!set.allowed.contains_key("ptrace") && set.allowed.contains_key("mount"));
        let d = compare(&b.profile, &Context::default());
        assert!(names(&d.added).contains(&"mount"));
        assert!(!names(&d.added).contains(&"ptrace"));
        let unknown = Context {
            arch: "sparc".into(),
            ..Context::default()
        };
        assert!(effective(&b.profile, &unknown).incomplete);
    }

    #[test]
    fn outcomes() {
        let d = &crate::docker_default().profile;
        let ctx = Context::default();
        let o = outcome(d, "clone3", &ctx);
        assert_eq!((o.action, o.errno), (Action::Errno, Some(38)));
        let o = outcome(d, "mount", &ctx);
        assert_eq!((o.action, o.errno, o.rule), (Action::Errno, Some(1), None));
        assert_eq!(outcome(d, "read", &ctx).action, Action::Allow);
    }
}
