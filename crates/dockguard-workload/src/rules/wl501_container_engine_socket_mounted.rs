use super::helpers::{bind_host_path, is_engine_socket_path, mount_phrase};
use super::{Ctx, Diagnostic, Rule};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports bind mounts (compose `volumes`, `-v`/`--mount`, Kubernetes `hostPath`) of a
    /// container engine's API socket (Docker, containerd, CRI-O, Podman, cri-dockerd,
    /// rootless Docker and Podman under `/run/user/<uid>`) or of a folder that holds one
    /// (`/run`, `/var/run`, `/run/containerd`, `/run/user/<uid>`, …). Paths are compared after
    /// resolving `//`, `.`, `..` and a trailing `/`.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the engine's socket can start a new container that is privileged,
    /// shares every host namespace and mounts `/` of the host: that is root on the host, in
    /// one command, with no exploit needed. It also lists, inspects and execs into every other
    /// container and reads their secrets. Mounting the socket `:ro` changes nothing: a
    /// read-only mount does not stop connecting to a socket. Mounting `/run` or `/var/run`
    /// hands over the same sockets.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ci-runner:
    ///     image: example/runner
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// ## Fix
    /// Do not give workloads the engine. For builds use rootless BuildKit or a remote
    /// builder; for monitoring use a read-only API proxy that allows only the calls needed
    /// (and never `POST /containers/create`); run tools that truly need the engine on the
    /// host, outside any container an attacker could reach.
    pub struct ContainerEngineSocketMounted {
        code: "WL501",
        name: "container-engine-socket-mounted",
        step: NamespacesCgroups,
        severity: Critical,
        summary: "Container engine socket is mounted into the container",
        references: [
            Cis "5.32",
            Pss "baseline:host-path-volumes",
            Trivy "KSV-0006",
            Trivy "KSV-0023",
            Checkov "CKV_K8S_27",
            Cwe "CWE-250",
        ],
    }
}

/// The mount is reported by WL501 (used by WL502 to avoid a second finding).
pub fn reports(m: &crate::model::Mount) -> bool {
    bind_host_path(m).is_some_and(|p| is_engine_socket_path(&p))
}

impl Rule for ContainerEngineSocketMounted {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for m in &c.mounts {
                let Some(path) = bind_host_path(m) else {
                    continue;
                };
                if !is_engine_socket_path(&path) {
                    continue;
                }
                let what = if path.ends_with(".sock") {
                    format!("the container engine socket `{path}`")
                } else {
                    format!("`{path}`, which holds a container engine socket")
                };
                out.push(Diagnostic::new(
                    &m.loc,
                    format!(
                        "{} {what}: control of the engine is root on the host",
                        mount_phrase(c, m)
                    ),
                ));
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
        testing::check_fixtures(&ContainerEngineSocketMounted);
    }
}
