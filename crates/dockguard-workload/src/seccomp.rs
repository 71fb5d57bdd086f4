//! Custom seccomp profiles named by workloads, linted with the SC1xx rules of
//! `dockguard-seccomp` (issue 8, item 3: "the same lint runs on `seccomp=` options").
//!
//! Two kinds of reference:
//!
//! - **A profile file** named by a compose service (`security_opt: ["seccomp=./p.json"]` or
//!   `seccomp:./p.json`), a `docker run --security-opt seccomp=p.json` line of a script, or a
//!   Kubernetes `seccompProfile: {type: Localhost, localhostProfile: p.json}` (or the legacy
//!   `localhost/p.json` annotation). [`profile_uses`] resolves each against the directory of
//!   the file that names it, never outside the project root (a relative path that climbs out
//!   with `..` or through a symbolic link is an error, not read), and [`lint_profile`] lints the
//!   file once, its findings located in the profile and naming every workload that uses it.
//!   A relative compose or `docker run` path that does not exist is a [`LoadError`] at the
//!   option (Docker would refuse to start the container). Absolute paths are the deploy
//!   host's files: linted when they lie inside the project, skipped otherwise.
//!
//!   Kubernetes resolves `localhostProfile` against the kubelet's seccomp root on the node
//!   (`/var/lib/kubelet/seccomp`), which a repository does not contain. Projects that keep
//!   their profiles in the repository usually mirror that layout, so the path is looked up
//!   next to the manifest, then at the project root, then, when the directory exists on this
//!   machine (dockguard runs on a node), under the kubelet root. A profile found nowhere is not
//!   an error: it is installed on the nodes by other means.
//! - **An inline profile**: the engine keeps the JSON of `--security-opt seccomp=<file>`, not
//!   the path, in the container's `HostConfig.SecurityOpt`. [`inline_findings`] lints it and
//!   reports each finding at that option of the container, with the line in the profile.
//!
//! Example: `security_opt: ["seccomp=./weak.json"]` where `weak.json` has
//! `"defaultAction": "SCMP_ACT_ALLOW"` gives SC100 at `weak.json:2:20`, "… (profile used by
//! compose.yaml:6:9, service `web`)". Fix: start from Docker's default profile and allow only
//! what the workload needs (`dockguard seccomp record` writes such a profile).

use crate::check::LoadError;
use crate::model::{ContainerSettings, SourceKind, Workload};
use crate::rules::subject;
use dockguard_core::{Config, Finding};
use std::path::{Component, Path, PathBuf};

/// Profiles larger than this are not read (Docker's default profile is about 20 KiB).
pub const MAX_PROFILE_BYTES: u64 = 4 << 20;

/// The kubelet's default seccomp root (`--seccomp-profile-root` is gone since 1.23).
pub const KUBELET_SECCOMP_ROOT: &str = "/var/lib/kubelet/seccomp";

/// Where profile paths may be found.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// The project root, canonical: no profile outside it is read (except under `kubelet_root`).
    pub root: PathBuf,
    /// The kubelet's seccomp root, when it exists on this machine.
    pub kubelet_root: Option<PathBuf>,
}

impl Resolver {
    /// A resolver for the project at `root`; the kubelet root is used when it exists here.
    pub fn new(root: &Path) -> std::io::Result<Resolver> {
        let kubelet = Path::new(KUBELET_SECCOMP_ROOT);
        Ok(Resolver {
            root: root.canonicalize()?,
            kubelet_root: kubelet
                .is_dir()
                .then(|| kubelet.canonicalize().ok())
                .flatten(),
        })
    }
}

/// One use of a profile file by a container of a workload file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUse {
    /// The profile, canonical.
    pub path: PathBuf,
    /// Who uses it, for messages: `compose.yaml:6:9, service `web``.
    pub user: String,
}

/// The seccomp value as a profile reference: a path for compose and `docker run`, the
/// `localhostProfile` for Kubernetes; `None` for `unconfined`, the runtime's default, inline
/// profiles and values with shell or compose variables (not known until run time).
fn named_path(c: &ContainerSettings) -> Option<(&str, bool)> {
    let value = c.seccomp.as_ref()?.value.trim();
    let (path, kubernetes) = match c.source {
        SourceKind::Engine => return None,
        SourceKind::Kubernetes => {
            let path = value
                .strip_prefix("Localhost:")
                .or_else(|| value.strip_prefix("localhost/"))?;
            (path.trim(), true)
        }
        SourceKind::Compose | SourceKind::DockerRun => {
            let builtin = [
                "unconfined",
                "default",
                "builtin",
                "runtime/default",
                "custom",
            ];
            if builtin.iter().any(|b| value.eq_ignore_ascii_case(b)) || value.starts_with('{') {
                return None;
            }
            (value.trim_matches(['"', '\'']), false)
        }
    };
    let variable = path.contains('$') || path.contains('`') || path.starts_with('~');
    (!path.is_empty() && !variable).then_some((path, kubernetes))
}

/// The profile files the containers of `workload` (read from `file_path`, shown as its
/// findings' file name) name, resolved and checked against the project root; errors name the
/// workload file and the option's line and column.
pub fn profile_uses(
    workload: &Workload,
    file_path: &Path,
    resolver: &Resolver,
) -> (Vec<ProfileUse>, Vec<LoadError>) {
    let mut uses = Vec::new();
    let mut errors = Vec::new();
    let dir = file_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for c in &workload.containers {
        let Some((written, kubernetes)) = named_path(c) else {
            continue;
        };
        let Some(setting) = &c.seccomp else { continue };
        let loc = &setting.loc;
        let user = format!("{}:{}:{}, {}", loc.file, loc.line, loc.column, subject(c));
        let error = |message: String| LoadError {
            file: loc.file.clone(),
            line: loc.line,
            column: loc.column,
            message,
        };
        let path = Path::new(written);
        if kubernetes {
            // localhostProfile is relative to the kubelet root; an absolute one is invalid.
            if path.is_absolute() {
                continue;
            }
            let mut bases = vec![(dir.to_path_buf(), resolver.root.clone())];
            bases.push((resolver.root.clone(), resolver.root.clone()));
            if let Some(k) = &resolver.kubelet_root {
                bases.push((k.clone(), k.clone()));
            }
            let found = bases.iter().find_map(|(base, fence)| {
                let p = base.join(path).canonicalize().ok()?;
                (p.starts_with(fence) && p.is_file()).then_some(p)
            });
            if let Some(path) = found {
                uses.push(ProfileUse { path, user });
            }
            continue;
        }
        if path.is_absolute() {
            // A file of the deploy host: linted only when it is the project's.
            if let Ok(p) = path.canonicalize()
                && p.starts_with(&resolver.root)
                && p.is_file()
            {
                uses.push(ProfileUse { path: p, user });
            }
            continue;
        }
        let joined = dir.join(path);
        match joined.canonicalize() {
            Ok(p) if !p.starts_with(&resolver.root) => errors.push(error(format!(
                "seccomp profile `{written}` of {} resolves outside the project root \
                 ({}); not read",
                subject(c),
                resolver.root.display()
            ))),
            Ok(p) if !p.is_file() => errors.push(error(format!(
                "seccomp profile `{written}` of {} is not a file",
                subject(c)
            ))),
            Ok(p) => uses.push(ProfileUse { path: p, user }),
            Err(e) => {
                let climbs = path.components().any(|c| c == Component::ParentDir);
                let what = if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file".to_string()
                } else {
                    e.to_string()
                };
                let hint = if climbs {
                    " (path climbs with `..`)"
                } else {
                    ""
                };
                errors.push(error(format!(
                    "seccomp profile `{written}` of {} ({}): {what}{hint}",
                    subject(c),
                    joined.display()
                )));
            }
        }
    }
    (uses, errors)
}

/// Lints the profile at `path`, reported as the file `name`; each finding's message ends with
/// the workloads that use it. Returns the findings and the profile's text (for snippets), or an
/// error naming the file (and line:column when the JSON is bad).
pub fn lint_profile(
    path: &Path,
    name: &str,
    users: &[String],
    config: &Config,
) -> Result<(Vec<Finding>, String), String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{name}: {e}"))?
        .len();
    if size > MAX_PROFILE_BYTES {
        return Err(format!(
            "{name}: seccomp profile of {size} bytes is larger than {MAX_PROFILE_BYTES}; not read"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let profile = dockguard_seccomp::parse_str(name, &text).map_err(|e| e.to_string())?;
    let mut findings = dockguard_seccomp::lint(&profile, config);
    let used_by = used_by(users);
    for f in &mut findings {
        f.message.push_str(&used_by);
    }
    Ok((findings, text))
}

/// ` (profile used by a, b and 2 more)`; empty without users.
fn used_by(users: &[String]) -> String {
    const SHOWN: usize = 3;
    if users.is_empty() {
        return String::new();
    }
    let mut list = users
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if users.len() > SHOWN {
        list.push_str(&format!(" and {} more", users.len() - SHOWN));
    }
    format!(" (profile used by {list})")
}

/// The SC findings of the inline profiles of `workload`'s containers (engine inspect JSON),
/// each located at the container's `seccomp=` option, its message naming the container and the
/// line in the profile (when the profile has several: the docker CLI compacts it to one). A profile that does not parse gives an error naming the container's
/// option and the position in the profile.
pub fn inline_findings(workload: &Workload, config: &Config) -> (Vec<Finding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for c in &workload.containers {
        let (Some(json), Some(setting)) = (&c.seccomp_inline, &c.seccomp) else {
            continue;
        };
        let loc = &setting.loc;
        if json.len() as u64 > MAX_PROFILE_BYTES {
            errors.push(format!(
                "{}:{}:{}: the inline seccomp profile of {} is larger than {MAX_PROFILE_BYTES} \
                 bytes; not read",
                loc.file,
                loc.line,
                loc.column,
                subject(c)
            ));
            continue;
        }
        let name = format!("{} seccomp profile", loc.file);
        match dockguard_seccomp::parse_str(&name, json) {
            Ok(profile) => {
                // The docker CLI sends the profile compacted to one line: a line number
                // would say nothing then (the message names the syscall or key).
                let one_line = !json.trim().contains('\n');
                for mut f in dockguard_seccomp::lint(&profile, config) {
                    let line = if one_line {
                        String::new()
                    } else {
                        format!(", line {}", f.location.line)
                    };
                    f.message = format!("{}'s seccomp profile{line}: {}", subject(c), f.message);
                    f.location = loc.clone();
                    f.fix = None;
                    findings.push(f);
                }
            }
            Err(e) => errors.push(format!(
                "{}:{}:{}: the inline seccomp profile of {}: {e}",
                loc.file,
                loc.line,
                loc.column,
                subject(c)
            )),
        }
    }
    (findings, errors)
}

#[cfg(test)]
mod tests;
