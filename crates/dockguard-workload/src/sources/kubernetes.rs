//! Kubernetes manifests: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! ReplicationController, Job, CronJob, PodTemplate, and `List`s of them, in multi-document
//! YAML; init and ephemeral containers; pod-level `securityContext` inherited by containers;
//! Secrets and ServiceAccounts.

use crate::check::LoadError;
use crate::locate::Locator;
use crate::model::{
    ConfigEntry, ContainerSettings, EnvVar, Healthcheck, Mount, MountKind, Namespace, Port,
    SecretObject, ServiceAccount, Setting, SourceKind, Workload,
};
use crate::yaml::{Node, parse_stream};

pub fn load(file: &str, text: &str) -> Result<Workload, LoadError> {
    let docs = parse_stream(text).map_err(|e| LoadError::from_yaml(file, e))?;
    let locator = Locator::new(file, text);
    let mut workload = Workload::default();
    for doc in &docs {
        object(doc, &locator, &mut workload, 0);
    }
    Ok(workload)
}

/// Reads one object (or the items of a `List`).
fn object(doc: &Node, at: &Locator, workload: &mut Workload, depth: usize) {
    let Some(kind) = doc.get("kind").and_then(Node::as_str) else {
        return;
    };
    let name = doc
        .path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or("unnamed");
    let object_name = format!("{kind}/{name}");
    let template = |path: &[&str]| doc.path(path);
    let pod = match kind {
        "Pod" => Some((doc.get("spec"), doc.get("metadata"))),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => Some((
            template(&["spec", "template", "spec"]),
            template(&["spec", "template", "metadata"]),
        )),
        "CronJob" => Some((
            template(&["spec", "jobTemplate", "spec", "template", "spec"]),
            template(&["spec", "jobTemplate", "spec", "template", "metadata"]),
        )),
        "PodTemplate" => Some((
            template(&["template", "spec"]),
            template(&["template", "metadata"]),
        )),
        "List" | "PodList" | "DeploymentList" => {
            if depth < 4 {
                for item in doc.get("items").map(Node::items).unwrap_or_default() {
                    object(item, at, workload, depth + 1);
                }
            }
            None
        }
        "Secret" => {
            let mut keys = Vec::new();
            for field in ["data", "stringData"] {
                for (k, v) in doc.get(field).map(Node::entries).unwrap_or_default() {
                    if let Some(key) = k.as_str()
                        && v.as_str().is_some_and(|v| !v.is_empty())
                    {
                        keys.push(Setting::new(key.to_string(), at.loc(k.span.clone())));
                    }
                }
            }
            if !keys.is_empty() {
                workload.secrets.push(SecretObject {
                    name: name.to_string(),
                    keys,
                    loc: at.loc(doc.get("kind").map_or(doc.span.clone(), |k| k.span.clone())),
                });
            }
            None
        }
        "ConfigMap" => {
            for (k, v) in doc.get("data").map(Node::entries).unwrap_or_default() {
                if let (Some(key), Some(value)) = (k.as_str(), v.as_str()) {
                    workload.config_entries.push(ConfigEntry {
                        object: object_name.clone(),
                        key: key.to_string(),
                        value: value.to_string(),
                        loc: at.loc(k.span.clone()),
                        value_loc: at.loc(v.span.clone()),
                    });
                }
            }
            None
        }
        "ServiceAccount" => {
            workload.service_accounts.push(ServiceAccount {
                name: name.to_string(),
                automount: doc
                    .get("automountServiceAccountToken")
                    .and_then(|n| Some(Setting::new(n.as_bool()?, at.loc(n.span.clone())))),
                loc: at.loc(doc.span.clone()),
            });
            None
        }
        _ => None,
    };
    if let Some((Some(spec), metadata)) = pod {
        pod_spec(&object_name, spec, metadata, at, workload);
    }
}

fn setting<T>(
    node: Option<&Node>,
    at: &Locator,
    read: impl Fn(&Node) -> Option<T>,
) -> Option<Setting<T>> {
    let node = node?;
    Some(Setting::new(read(node)?, at.loc(node.span.clone())))
}

fn pod_spec(
    object: &str,
    spec: &Node,
    metadata: Option<&Node>,
    at: &Locator,
    workload: &mut Workload,
) {
    let pod_sc = spec.get("securityContext");
    let annotations = metadata.and_then(|m| m.get("annotations"));
    let host_ns = |key: &str| {
        setting(spec.get(key), at, |n| {
            Some(if n.as_bool()? {
                Namespace::Host
            } else {
                Namespace::Other("pod".into())
            })
        })
    };
    let (pid, ipc, network) = (
        host_ns("hostPID"),
        host_ns("hostIPC"),
        host_ns("hostNetwork"),
    );
    // `hostUsers: false` gives the pod its own user namespace; the default shares the host's.
    let userns = setting(spec.get("hostUsers"), at, |n| {
        Some(if n.as_bool()? {
            Namespace::Host
        } else {
            Namespace::Other("pod".into())
        })
    });
    let automount = setting(spec.get("automountServiceAccountToken"), at, Node::as_bool);
    let volumes = spec.get("volumes").map(Node::items).unwrap_or_default();

    let groups = [
        ("containers", false),
        ("initContainers", true),
        ("ephemeralContainers", true),
    ];
    let mut mounted_host_paths = Vec::new();
    let first_index = workload.containers.len();
    for (field, init) in groups {
        for container in spec.get(field).map(Node::items).unwrap_or_default() {
            let cname = container
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("unnamed");
            let decl = container
                .key("name")
                .or(container.get("image"))
                .unwrap_or(container);
            let mut s = ContainerSettings::new(
                SourceKind::Kubernetes,
                format!("`{cname}` of {object}"),
                at.loc(decl.span.clone()),
            );
            s.init = init;
            s.pid = pid.clone();
            s.ipc = ipc.clone();
            s.network = network.clone();
            s.userns = userns.clone();
            s.automount_service_account_token = automount.clone();
            s.image = setting(container.get("image"), at, |n| {
                n.as_str().map(str::to_string)
            });
            let sc = container.get("securityContext");
            // Container settings win over the pod's.
            let pick = |key: &str| {
                sc.and_then(|c| c.get(key))
                    .or_else(|| pod_sc.and_then(|p| p.get(key)))
            };
            let uid = pick("runAsUser");
            let gid = pick("runAsGroup");
            if let Some(uid_node) = uid.or(gid)
                && let Some(user) = match (uid.and_then(Node::as_str), gid.and_then(Node::as_str)) {
                    (Some(u), Some(g)) => Some(format!("{u}:{g}")),
                    (Some(u), None) => Some(u.to_string()),
                    // A group alone leaves the image's user in place.
                    (None, Some(_)) => None,
                    (None, None) => None,
                }
            {
                s.user = Some(Setting::new(user, at.loc(uid_node.span.clone())));
            }
            s.run_as_non_root = setting(pick("runAsNonRoot"), at, Node::as_bool);
            s.privileged = setting(sc.and_then(|c| c.get("privileged")), at, Node::as_bool);
            s.read_only_rootfs = setting(
                sc.and_then(|c| c.get("readOnlyRootFilesystem")),
                at,
                Node::as_bool,
            );
            s.no_new_privileges = setting(
                sc.and_then(|c| c.get("allowPrivilegeEscalation")),
                at,
                |n| Some(!n.as_bool()?),
            );
            s.unmasked_paths = setting(sc.and_then(|c| c.get("procMount")), at, |n| {
                Some(n.as_str()? == "Unmasked")
            });
            for (key, list) in [("add", &mut s.cap_add), ("drop", &mut s.cap_drop)] {
                for item in sc
                    .and_then(|c| c.path(&["capabilities", key]))
                    .map(Node::items)
                    .unwrap_or_default()
                {
                    if let Some(cap) = item.as_str() {
                        list.push(Setting::new(cap.to_string(), at.loc(item.span.clone())));
                    }
                }
            }
            s.seccomp = seccomp(pick("seccompProfile"), at).or_else(|| {
                let legacy = annotations?.get("seccomp.security.alpha.kubernetes.io/pod")?;
                Some(Setting::new(
                    legacy.as_str()?.to_string(),
                    at.loc(legacy.span.clone()),
                ))
            });
            s.apparmor = apparmor(pick("appArmorProfile"), at).or_else(|| {
                let key = format!("container.apparmor.security.beta.kubernetes.io/{cname}");
                let legacy = annotations?.get(&key)?;
                Some(Setting::new(
                    legacy.as_str()?.to_string(),
                    at.loc(legacy.span.clone()),
                ))
            });
            if let Some(se) = pick("seLinuxOptions") {
                for (k, v) in se.entries() {
                    if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                        s.selinux
                            .push(Setting::new(format!("{k}:{v}"), at.loc(v_span(v, se))));
                    }
                }
            }
            if let Some(limits) = container.path(&["resources", "limits"]) {
                s.memory_limit =
                    setting(limits.get("memory"), at, |n| n.as_str().map(str::to_string));
                s.cpu_limit = setting(limits.get("cpu"), at, |n| n.as_str().map(str::to_string));
            }
            for port in container.get("ports").map(Node::items).unwrap_or_default() {
                let host_port = port
                    .get("hostPort")
                    .and_then(Node::as_i64)
                    .filter(|p| *p > 0);
                s.ports.push(Port {
                    host_ip: port
                        .get("hostIP")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                    host_port: host_port.map(|p| p as u32),
                    published: host_port.is_some(),
                    container_port: port
                        .get("containerPort")
                        .and_then(Node::as_i64)
                        .map(|p| p as u32),
                    protocol: port
                        .get("protocol")
                        .and_then(Node::as_str)
                        .unwrap_or("TCP")
                        .to_ascii_lowercase(),
                    loc: at.loc(port.get("hostPort").unwrap_or(port).span.clone()),
                });
            }
            for env in container.get("env").map(Node::items).unwrap_or_default() {
                let Some(name_node) = env.get("name") else {
                    continue;
                };
                let value_node = env.get("value");
                s.env.push(EnvVar {
                    name: name_node.as_str().unwrap_or("").to_string(),
                    value: value_node.and_then(Node::as_str).map(str::to_string),
                    from_secret: env.path(&["valueFrom", "secretKeyRef"]).is_some(),
                    loc: at.loc(name_node.span.clone()),
                    value_loc: at.loc(
                        value_node
                            .or(env.get("valueFrom"))
                            .unwrap_or(name_node)
                            .span
                            .clone(),
                    ),
                });
            }
            for from in container
                .get("envFrom")
                .map(Node::items)
                .unwrap_or_default()
            {
                if let Some(secret_ref) = from.get("secretRef") {
                    let name = secret_ref.get("name").and_then(Node::as_str).unwrap_or("");
                    s.env.push(EnvVar {
                        name: format!(
                            "{}*",
                            from.get("prefix").and_then(Node::as_str).unwrap_or("")
                        ),
                        value: None,
                        from_secret: true,
                        loc: at.loc(secret_ref.span.clone()),
                        value_loc: at.loc(secret_ref.span.clone()),
                    });
                    s.secrets.push(Setting::new(
                        name.to_string(),
                        at.loc(secret_ref.span.clone()),
                    ));
                }
            }
            for mount in container
                .get("volumeMounts")
                .map(Node::items)
                .unwrap_or_default()
            {
                let vname = mount.get("name").and_then(Node::as_str).unwrap_or("");
                let target = mount
                    .get("mountPath")
                    .and_then(Node::as_str)
                    .map(str::to_string);
                let read_only = mount
                    .get("readOnly")
                    .and_then(Node::as_bool)
                    .unwrap_or(false);
                let propagation = mount
                    .get("mountPropagation")
                    .and_then(Node::as_str)
                    .map(|p| match p {
                        "Bidirectional" => "rshared".to_string(),
                        "HostToContainer" => "rslave".to_string(),
                        other => other.to_string(),
                    });
                let volume = volumes
                    .iter()
                    .find(|v| v.get("name").and_then(Node::as_str) == Some(vname));
                let host_path = volume.and_then(|v| v.path(&["hostPath", "path"]));
                if let Some(secret) = volume
                    .and_then(|v| v.path(&["secret", "secretName"]))
                    .and_then(Node::as_str)
                {
                    s.secrets
                        .push(Setting::new(secret.to_string(), at.loc(mount.span.clone())));
                }
                if host_path.is_some() {
                    mounted_host_paths.push(vname.to_string());
                }
                s.mounts.push(Mount {
                    kind: if host_path.is_some() {
                        MountKind::Bind
                    } else {
                        MountKind::Other
                    },
                    source: host_path.and_then(Node::as_str).map(str::to_string),
                    target,
                    read_only,
                    propagation,
                    loc: at.loc(host_path.unwrap_or(mount).span.clone()),
                });
            }
            let probe = ["livenessProbe", "readinessProbe", "startupProbe"]
                .iter()
                .find_map(|k| container.get(k));
            s.healthcheck = probe
                .map(|p| Setting::new(Healthcheck { disabled: false }, at.loc(p.span.clone())));
            for sysctl in pod_sc
                .and_then(|p| p.get("sysctls"))
                .map(Node::items)
                .unwrap_or_default()
            {
                if let Some(name) = sysctl.get("name") {
                    s.sysctls.push((
                        Setting::new(
                            name.as_str().unwrap_or("").to_string(),
                            at.loc(name.span.clone()),
                        ),
                        sysctl
                            .get("value")
                            .and_then(Node::as_str)
                            .map(str::to_string),
                    ));
                }
            }
            workload.containers.push(s);
        }
    }
    // hostPath volumes no container mounts are still host access granted to the pod.
    if let Some(first) = workload.containers.get_mut(first_index) {
        for volume in volumes {
            let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
            if let Some(path) = volume.path(&["hostPath", "path"])
                && !mounted_host_paths.iter().any(|m| m == name)
            {
                first.mounts.push(Mount {
                    kind: MountKind::Bind,
                    source: path.as_str().map(str::to_string),
                    target: None,
                    read_only: false,
                    propagation: None,
                    loc: at.loc(path.span.clone()),
                });
            }
        }
    }
}

fn v_span(value: &str, parent: &Node) -> std::ops::Range<usize> {
    parent
        .entries()
        .iter()
        .find(|(_, v)| v.as_str() == Some(value))
        .map_or(parent.span.clone(), |(_, v)| v.span.clone())
}

/// `seccompProfile: {type: RuntimeDefault | Localhost | Unconfined, localhostProfile: x}`.
fn seccomp(node: Option<&Node>, at: &Locator) -> Option<Setting<String>> {
    let node = node?;
    let kind = node.get("type")?;
    let value = match kind.as_str()? {
        "Localhost" => format!(
            "Localhost:{}",
            node.get("localhostProfile")
                .and_then(Node::as_str)
                .unwrap_or("")
        ),
        "Unconfined" => "unconfined".to_string(),
        other => other.to_string(),
    };
    Some(Setting::new(value, at.loc(kind.span.clone())))
}

/// `appArmorProfile: {type: RuntimeDefault | Localhost | Unconfined}`.
fn apparmor(node: Option<&Node>, at: &Locator) -> Option<Setting<String>> {
    let kind = node?.get("type")?;
    let value = match kind.as_str()? {
        "Unconfined" => "unconfined".to_string(),
        other => other.to_string(),
    };
    Some(Setting::new(value, at.loc(kind.span.clone())))
}

#[cfg(test)]
mod tests;
