//! AppArmor profiles for containers (issue 8).
//!
//! Three steps, each usable alone:
//!
//! 1. A [`Policy`] says what a container may do, in a small declarative TOML file
//!    ([`Policy::parse`]) or derived from a recording of the command ([`Policy::from_trace`]).
//! 2. [`render`] turns a policy into a complete profile in the spirit of Docker's default
//!    profile (`docker-default`): the base abstraction, the policy's own rules, and the same
//!    hardening (no mount, no writes to `/proc/sys` or `/sys`, no `/proc/sysrq-trigger` or
//!    `/proc/kcore`, no `/sys/firmware`, ptrace and signals only between processes of the
//!    profile).
//! 3. The profile is loaded with `apparmor_parser -r -W FILE` and used with
//!    `docker run --security-opt apparmor=NAME`.
//!
//! Unlike `docker-default`, which allows every file, network and capability and then denies a
//! few, a rendered profile allows only what the policy lists.
//!
//! # Policy format
//!
//! ```toml
//! # The profile's name (letters, digits, `.`, `_`, `-`); `--name` overrides it.
//! name = "web"
//! # Readable (`r`). Directories end with `/`; AppArmor globs (`*`, `**`, `?`, `[0-9]`,
//! # `{a,b}`) and the variables @{PROC}, @{sys}, @{pid}, @{tid}, @{HOME}, @{run}, … work.
//! read_only = ["/etc/web/**", "/usr/share/zoneinfo/**"]
//! # Readable, writable and lockable (`rwk`).
//! writable = ["/var/lib/web/**", "/tmp/**"]
//! # Denied whatever else allows it (`deny … rwklmx`).
//! denied = ["/etc/shadow"]
//! # May be executed, inheriting this profile (`rix`).
//! executables = ["/usr/bin/web", "/bin/sh"]
//! # May be mapped executable, e.g. plugins or libraries outside the base abstraction (`rm`).
//! mapped = ["/opt/web/lib/*.so"]
//! # Capability names, with or without `CAP_`, any case.
//! capabilities = ["NET_BIND_SERVICE", "CAP_SETUID"]
//! # tcp, udp, icmp, raw, packet, unix, all, or AppArmor's `FAMILY [TYPE]` ("inet6 stream").
//! network = ["tcp", "unix"]
//! ```
//!
//! Unknown keys, capability names the kernel does not have, relative paths, and paths with
//! characters that would break the profile's syntax (`"`, `\`, control characters such as a
//! newline or NUL, unbalanced `{}`/`[]`, unknown `@{variables}`) are refused with their
//! `file:line:column`.

mod names;
mod policy;
mod render;

pub use dockguard_trace::Trace;
pub use dockguard_trace::model::FORMAT_VERSION;
pub use names::{CAPABILITIES, NETWORK_FAMILIES, NETWORK_TYPES, VARIABLES};
pub use policy::{Invalid, Policy, PolicyError, check_name, check_network, check_path};
pub use render::render;
