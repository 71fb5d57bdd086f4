//! Small predicates shared by several workload rules.

// batch N

/// A capability name as the kernel spells it without the prefix: `cap_sys_admin` and
/// ` SYS_ADMIN` both become `SYS_ADMIN`.
pub fn capability_name(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

/// The container drops every capability (`cap_drop: [ALL]`, `drop: ["ALL"]`).
pub fn drops_all_capabilities(c: &crate::model::ContainerSettings) -> bool {
    c.cap_drop
        .iter()
        .any(|cap| capability_name(&cap.value) == "ALL")
}

/// A memory or CPU limit value that means "no limit": `0`, `0m`, `0.0`, `-1`, empty.
pub fn limit_means_unlimited(value: &str) -> bool {
    let value = value.trim();
    let number = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    match number.trim().parse::<f64>() {
        Ok(n) => n <= 0.0,
        Err(_) => value.is_empty(),
    }
}

/// A host path as the kernel would resolve it without following symlinks: `//` collapsed,
/// `.` and `..` resolved, trailing `/` removed; `~` (compose expands it to the user's home)
/// reads as `/home`. `None` for relative paths, Windows paths and empty values, which do not
/// name a fixed host location.
pub fn normalise_host_path(source: &str) -> Option<String> {
    let source = source.trim();
    let absolute = if let Some(rest) = source.strip_prefix('~') {
        format!("/home/{rest}")
    } else if source.starts_with('/') {
        source.to_string()
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in absolute.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// The normalised host path of a bind mount (Kubernetes hostPath included).
pub fn bind_host_path(m: &crate::model::Mount) -> Option<String> {
    if m.kind != crate::model::MountKind::Bind {
        return None;
    }
    normalise_host_path(m.source.as_deref()?)
}

/// "service `x` mounts", or for a Kubernetes hostPath volume that no container mounts (it
/// is kept on the pod's first container, and `kubectl debug` containers can still mount it)
/// "the pod of container `x` … declares".
pub fn mount_phrase(c: &crate::model::ContainerSettings, m: &crate::model::Mount) -> String {
    if m.target.is_none() && c.source == crate::model::SourceKind::Kubernetes {
        format!("the pod of {} declares", super::subject(c))
    } else {
        format!("{} mounts", super::subject(c))
    }
}

/// Container engine API sockets; `<uid>` is any numeric user id (rootless engines).
const ENGINE_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/run/user/<uid>/docker.sock",
    "/run/user/<uid>/podman/podman.sock",
];

fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|p| !p.is_empty()).collect()
}

/// `path` (normalised) is an engine socket or a folder holding one. `/` and `/var` hold the
/// sockets too but are reported as sensitive host folders (`/var/run` is usually a symlink
/// that a bind mount of `/var` does not follow).
pub fn is_engine_socket_path(path: &str) -> bool {
    if path == "/" || path == "/var" {
        return false;
    }
    let have = components(path);
    ENGINE_SOCKETS.iter().any(|socket| {
        let want = components(socket);
        have.len() <= want.len()
            && have.iter().zip(&want).all(|(h, w)| {
                if *w == "<uid>" {
                    !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit())
                } else {
                    h == w
                }
            })
    })
}

/// Host folders whose exposure gives away the host: system configuration and credentials,
/// kernel interfaces, devices, boot files, binaries and libraries, users' homes, and Docker's
/// own state.
const SENSITIVE_HOST_DIRS: &[&str] = &[
    "/etc",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/root",
    "/home",
    "/var/lib/docker",
    "/lib",
    "/usr",
    "/bin",
    "/sbin",
];

/// `path` (normalised) is `/`, one of the sensitive host folders, a file or folder under one,
/// or a folder holding one (`/var` holds `/var/lib/docker`).
pub fn is_sensitive_host_path(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    let have = components(path);
    SENSITIVE_HOST_DIRS.iter().any(|dir| {
        let want = components(dir);
        let n = have.len().min(want.len());
        have[..n] == want[..n]
    })
}

#[cfg(test)]
mod batch_n_tests {
    use super::*;

    #[test]
    fn capability_names() {
        assert_eq!(capability_name("cap_sys_admin"), "SYS_ADMIN");
        assert_eq!(capability_name(" NET_ADMIN "), "NET_ADMIN");
        assert_eq!(capability_name("all"), "ALL");
    }

    #[test]
    fn unlimited_values() {
        for v in ["0", "-1", "0m", "0.0", "0Gi", ""] {
            assert!(limit_means_unlimited(v), "{v}");
        }
        for v in ["512m", "1Gi", "0.5", "500m", "1024", "abc"] {
            assert!(!limit_means_unlimited(v), "{v}");
        }
    }

    #[test]
    fn host_paths() {
        let n = |s| normalise_host_path(s);
        assert_eq!(n("/").as_deref(), Some("/"));
        assert_eq!(n("//etc//").as_deref(), Some("/etc"));
        assert_eq!(n("/var/../etc/./shadow").as_deref(), Some("/etc/shadow"));
        assert_eq!(n("/../../etc").as_deref(), Some("/etc"));
        assert_eq!(n("~").as_deref(), Some("/home"));
        assert_eq!(n("~/.ssh").as_deref(), Some("/home/.ssh"));
        assert_eq!(n("./etc"), None);
        assert_eq!(n("etc"), None);
        assert_eq!(n(r"C:\Windows"), None);
        assert_eq!(n(""), None);
    }

    #[test]
    fn sockets() {
        for p in [
            "/var/run/docker.sock",
            "/run",
            "/var/run",
            "/run/containerd",
            "/run/user",
            "/run/user/1000",
            "/run/user/1000/docker.sock",
            "/run/user/1000/podman/podman.sock",
        ] {
            assert!(is_engine_socket_path(p), "{p}");
        }
        for p in [
            "/",
            "/var",
            "/run/user/abc/docker.sock",
            "/run/docker.sock.bak",
            "/var/run/docker.sock/x",
            "/run/lock",
            "/run/secrets",
        ] {
            assert!(!is_engine_socket_path(p), "{p}");
        }
    }

    #[test]
    fn sensitive_paths() {
        for p in [
            "/",
            "/etc",
            "/etc/shadow",
            "/dev/shm",
            "/var",
            "/var/lib",
            "/var/lib/docker",
            "/home/me/.ssh",
            "/usr/bin",
        ] {
            assert!(is_sensitive_host_path(p), "{p}");
        }
        for p in [
            "/etcd",
            "/srv/data",
            "/var/log",
            "/opt/app",
            "/var/lib/postgres",
            "/tmp",
        ] {
            assert!(!is_sensitive_host_path(p), "{p}");
        }
    }
}

// batch S

/// The Kubernetes object a container belongs to (`Deployment/web`), read from its name
/// (`` `app` of Deployment/web ``); `None` for other sources.
pub fn k8s_object(c: &crate::model::ContainerSettings) -> Option<&str> {
    if c.source != crate::model::SourceKind::Kubernetes {
        return None;
    }
    c.name.rsplit_once(" of ").map(|(_, object)| object)
}

/// The kind of that Kubernetes object (`Deployment`, `Job`, …).
pub fn k8s_kind(c: &crate::model::ContainerSettings) -> Option<&str> {
    k8s_object(c)?.split('/').next()
}

/// A seccomp or AppArmor value that turns the profile off (`unconfined`, `Unconfined`).
pub fn is_unconfined(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("unconfined")
}

/// The container's image as a parsed reference, with its setting; `None` when no image is
/// named (a compose service with only `build:`) or the value is empty.
pub fn image_of(
    c: &crate::model::ContainerSettings,
) -> Option<(
    &crate::model::Setting<String>,
    dockguard_dockerfile::model::ImageRef,
)> {
    let image = c.image.as_ref()?;
    let value = image.value.trim();
    (!value.is_empty()).then(|| (image, dockguard_dockerfile::model::ImageRef::parse(value)))
}

#[cfg(test)]
mod batch_s_tests {
    use super::*;
    use crate::model::{ContainerSettings, SourceKind};

    fn loc() -> dockguard_core::Location {
        dockguard_core::Location {
            file: "t".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            span: 0..0,
        }
    }

    #[test]
    fn kubernetes_objects() {
        let c = ContainerSettings::new(SourceKind::Kubernetes, "`app` of CronJob/nightly", loc());
        assert_eq!(k8s_object(&c), Some("CronJob/nightly"));
        assert_eq!(k8s_kind(&c), Some("CronJob"));
        let c = ContainerSettings::new(SourceKind::Compose, "a of b", loc());
        assert_eq!(k8s_object(&c), None);
    }

    #[test]
    fn unconfined_values() {
        assert!(is_unconfined("Unconfined"));
        assert!(is_unconfined(" unconfined "));
        assert!(!is_unconfined("RuntimeDefault"));
        assert!(!is_unconfined("/etc/unconfined.json"));
    }
}

/// The finding of a resource limit that is missing (at the container) or set to a value that
/// means unlimited (at the value): `what` names the limit, `consequence` says what follows.
pub fn missing_limit(
    c: &crate::model::ContainerSettings,
    limit: Option<&crate::model::Setting<String>>,
    what: &str,
    consequence: &str,
) -> Option<super::Diagnostic> {
    match limit {
        None => Some(super::Diagnostic::new(
            &c.loc,
            format!("{} has no {what}: {consequence}", super::subject(c)),
        )),
        Some(limit) if limit_means_unlimited(&limit.value) => Some(super::Diagnostic::new(
            &limit.loc,
            format!(
                "{} sets {what} `{}`, which means unlimited",
                super::subject(c),
                limit.value
            ),
        )),
        Some(_) => None,
    }
}
