use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `VOLUME` entries (after variable expansion) that are the root directory,
    /// `/sys`, `/proc` or `/dev` (or a path under them), or the Docker socket
    /// (`/var/run/docker.sock`, `/run/docker.sock`).
    ///
    /// ## Why is this bad?
    /// A volume on these paths invites mounting the host's kernel interfaces, devices or
    /// container runtime into the container: with the Docker socket or host `/dev` and `/sys`,
    /// a process in the container controls the host. A volume on `/` hides the whole image
    /// filesystem behind a volume.
    ///
    /// ## Example
    /// ```dockerfile
    /// VOLUME ["/var/run/docker.sock", "/sys/fs/cgroup"]
    /// ```
    ///
    /// ## Fix
    /// Declare volumes only for application data (`VOLUME /var/lib/app`). If a tool really
    /// needs the Docker API, give it a narrowly scoped proxy, not the socket.
    pub struct VolumeSensitivePath {
        code: "DF710",
        name: "volume-sensitive-path",
        step: RuntimeDefence,
        severity: High,
        summary: "VOLUME on a system path or the Docker socket",
        references: [Dockle "DKL-DI-0002", Cwe "CWE-668"],
    }
}

/// Why a volume path is sensitive, if it is.
fn sensitive(path: &str) -> Option<&'static str> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.trim().split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    match parts.as_slice() {
        [] if path.trim().starts_with('/') => Some("the root filesystem"),
        ["sys", ..] | ["proc", ..] => Some("a kernel interface"),
        ["dev", ..] => Some("the device tree"),
        ["var", "run", "docker.sock"] | ["run", "docker.sock"] => Some("the Docker socket"),
        _ => None,
    }
}

impl Rule for VolumeSensitivePath {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (Kind::Volume, Args::Words(words)) = (inst.kind, &inst.args) else {
                continue;
            };
            for word in words {
                let path = ctx.model.expand(idx, &word.raw).value;
                if let Some(what) = sensitive(&path) {
                    out.push(Diagnostic::new(
                        word.span.clone(),
                        format!("`VOLUME {path}` is {what}"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&VolumeSensitivePath);
    }

    #[test]
    fn paths() {
        for p in [
            "/",
            "/sys",
            "/proc/",
            "/dev/shm",
            "/var/run/docker.sock",
            "//run/./docker.sock",
        ] {
            assert!(sensitive(p).is_some(), "{p}");
        }
        for p in [
            "/data",
            "/var/lib/docker",
            "/system",
            "/devices",
            "/srv/dev",
            "",
        ] {
            assert!(sensitive(p).is_none(), "{p}");
        }
    }
}
