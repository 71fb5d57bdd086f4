//! Enrichment shared by the sources: a process's details from `/proc`, its container from
//! the cgroup, the container's metadata from inspect (cached, evicted when the container dies)
//! and user/group names from the process's own root (`/proc/PID/root/etc/passwd`) or the host.
//!
//! Bounds: the container cache holds at most [`CACHE_CAPACITY`] entries; ids of containers
//! that died are remembered (at most [`DEAD_CAPACITY`]) so that the exit events of their last
//! processes do not inspect (and re-cache) them again — short-lived containers leave nothing.

use crate::event::{Ancestor, ContainerInfo, Mount, Process};
use crate::procfs::{self, ProcFs};
use dockguard_engine::Engine;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const CACHE_CAPACITY: usize = 4096;
pub const DEAD_CAPACITY: usize = 1024;
/// How long a parsed passwd/group file is reused.
const NAMES_TTL: Duration = Duration::from_secs(30);

/// Splits an image reference into repository, tag and digest: `reg:5000/a/b:1.2@sha256:…`.
pub fn split_image(reference: &str) -> (String, Option<String>, Option<String>) {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (reference, None),
    };
    // A tag is after the last `:` that follows the last `/` (a registry port is before it).
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[slash..].rfind(':') {
        Some(i) => (
            rest[..slash + i].to_string(),
            Some(rest[slash + i + 1..].to_string()),
            digest,
        ),
        None => (rest.to_string(), None, digest),
    }
}

/// [`ContainerInfo`] from an inspect answer.
pub fn container_info(inspect: &serde_json::Value) -> ContainerInfo {
    let str_at = |p: &str| {
        inspect
            .pointer(p)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let image = str_at("/Config/Image");
    let (repository, tag, digest) = match &image {
        Some(i) => {
            let (r, t, d) = split_image(i);
            (Some(r), t, d)
        }
        None => (None, None, None),
    };
    let mounts = inspect
        .get("Mounts")
        .and_then(|m| m.as_array())
        .map(|ms| {
            ms.iter()
                .map(|m| Mount {
                    source: m["Source"].as_str().unwrap_or("").to_string(),
                    destination: m["Destination"].as_str().unwrap_or("").to_string(),
                    mode: m["Mode"].as_str().unwrap_or("").to_string(),
                    rw: m["RW"].as_bool().unwrap_or(false),
                    propagation: m["Propagation"].as_str().unwrap_or("").to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let cap_add = inspect
        .pointer("/HostConfig/CapAdd")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str())
                .map(|c| {
                    let c = c.to_ascii_uppercase();
                    if c.starts_with("CAP_") || c == "ALL" {
                        c
                    } else {
                        format!("CAP_{c}")
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    ContainerInfo {
        id: str_at("/Id").unwrap_or_default(),
        name: str_at("/Name").map(|n| n.trim_start_matches('/').to_string()),
        image,
        repository,
        tag,
        digest,
        privileged: inspect
            .pointer("/HostConfig/Privileged")
            .and_then(|v| v.as_bool()),
        mounts,
        cap_add,
        upper_dir: str_at("/GraphDriver/Data/UpperDir"),
        pid: inspect
            .pointer("/State/Pid")
            .and_then(|v| v.as_i64())
            .and_then(|p| i32::try_from(p).ok())
            .filter(|&p| p > 0),
    }
}

#[derive(Default)]
struct CacheInner {
    live: HashMap<String, Arc<ContainerInfo>>,
    dead: HashSet<String>,
    dead_order: VecDeque<String>,
}

/// Container metadata by full id, from inspect.
pub struct ContainerCache {
    engine: Option<Engine>,
    inner: Mutex<CacheInner>,
}

impl ContainerCache {
    pub fn new(engine: Option<Engine>) -> Self {
        ContainerCache {
            engine,
            inner: Mutex::new(CacheInner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Cached metadata; on a miss, inspects (unless the container is known dead, or there is
    /// no engine) and caches the answer.
    pub fn get(&self, id: &str) -> Option<Arc<ContainerInfo>> {
        {
            let inner = self.lock();
            if let Some(info) = inner.live.get(id) {
                return Some(Arc::clone(info));
            }
            if inner.dead.contains(id) {
                return None;
            }
        }
        self.refresh(id)
    }

    /// Inspects again and replaces the entry (on `start`: the pid and mounts are known then).
    pub fn refresh(&self, id: &str) -> Option<Arc<ContainerInfo>> {
        let engine = self.engine.as_ref()?;
        let answer = engine.inspect_container(id).ok()?;
        let info = Arc::new(container_info(&answer.value));
        self.insert(id, Arc::clone(&info));
        Some(info)
    }

    /// Caches `info` under `id` (the full id).
    pub fn insert(&self, id: &str, info: Arc<ContainerInfo>) {
        let mut inner = self.lock();
        if inner.dead.contains(id) {
            return;
        }
        if inner.live.len() >= CACHE_CAPACITY && !inner.live.contains_key(id) {
            // Full (no Docker source evicting, or a storm of containers): drop an arbitrary
            // entry; it is inspected again when needed.
            if let Some(victim) = inner.live.keys().next().cloned() {
                inner.live.remove(&victim);
            }
        }
        inner.live.insert(id.to_string(), info);
    }

    /// Forgets a container that died or was destroyed, and remembers it is gone.
    pub fn evict(&self, id: &str) {
        let mut inner = self.lock();
        inner.live.remove(id);
        if inner.dead.insert(id.to_string()) {
            inner.dead_order.push_back(id.to_string());
            while inner.dead_order.len() > DEAD_CAPACITY {
                if let Some(old) = inner.dead_order.pop_front() {
                    inner.dead.remove(&old);
                }
            }
        }
    }

    /// A container id reused after `evict` (a restarted container starts again).
    pub fn revive(&self, id: &str) {
        let mut inner = self.lock();
        if inner.dead.remove(id) {
            inner.dead_order.retain(|d| d != id);
        }
    }

    /// (live entries, remembered dead ids).
    pub fn len(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.live.len(), inner.dead.len())
    }

    pub fn live(&self) -> Vec<Arc<ContainerInfo>> {
        self.lock().live.values().cloned().collect()
    }
}

type Names = (Instant, Arc<(String, String)>);

/// Everything the sources need to turn a pid into a [`Process`] and its container.
pub struct Enricher {
    pub proc: ProcFs,
    pub containers: ContainerCache,
    /// Ancestors read per process (parent first).
    pub ancestors: usize,
    /// passwd and group text per root (`host` or a container id).
    names: Mutex<HashMap<String, Names>>,
}

impl Enricher {
    pub fn new(engine: Option<Engine>, ancestors: usize) -> Self {
        Enricher {
            proc: ProcFs::default(),
            containers: ContainerCache::new(engine),
            ancestors,
            names: Mutex::new(HashMap::new()),
        }
    }

    /// Reads what /proc still has about `pid` right now (`full`: argv, exe, cwd, ancestors,
    /// user names — for exec and uid/gid events; otherwise only stat and status). Returns the
    /// process and its container id.
    pub fn process(&self, pid: i32, full: bool) -> (Process, Option<String>) {
        let mut p = Process {
            pid,
            ..Process::default()
        };
        let container_id = self.proc.container_id(pid);
        if let Some(st) = self.proc.stat(pid) {
            p.name = Some(st.comm);
            p.ppid = Some(st.ppid);
            p.tty = Some(st.tty_nr);
            p.sid = Some(st.session);
            if let Some(up) = self.proc.uptime_ns() {
                let started = (st.starttime as i64).saturating_mul(1_000_000_000)
                    / self.proc.ticks.max(1) as i64;
                p.duration_ns = Some((up - started).max(0));
            }
        }
        if let Some(status) = self.proc.status(pid) {
            p.ppid = p.ppid.or(status.ppid);
            p.uid = status.euid;
            p.ruid = status.ruid;
            p.gid = status.egid;
            p.vpid = status.nspid.last().copied();
        }
        if !full {
            return (p, container_id);
        }
        p.argv = self.proc.cmdline(pid);
        p.exepath = self.proc.exe(pid);
        p.cwd = self.proc.cwd(pid);
        p.loginuid = self.proc.loginuid(pid);
        if let Some(sid) = p.sid.filter(|&s| s > 0) {
            p.sname = if sid == pid {
                p.name.clone()
            } else {
                self.proc.stat(sid).map(|s| s.comm)
            };
        }
        p.ancestors = self.ancestors_of(p.ppid);
        if let (Some(uid), Some(gid)) = (p.uid, p.gid) {
            let names = self.names(pid, container_id.as_deref());
            if let Some(names) = names {
                p.user_name = procfs::name_for_id(&names.0, uid);
                p.group_name = procfs::name_for_id(&names.1, gid);
            }
        }
        (p, container_id)
    }

    /// Parent chain: names and pids, plus exe/argv of the parent.
    pub fn ancestors_of(&self, ppid: Option<i32>) -> Vec<Ancestor> {
        let mut out = Vec::new();
        let mut next = ppid;
        while let Some(pid) = next.filter(|&p| p > 0) {
            if out.len() >= self.ancestors {
                break;
            }
            let Some(st) = self.proc.stat(pid) else { break };
            let first = out.is_empty();
            out.push(Ancestor {
                pid,
                name: st.comm,
                exe: None,
                exepath: first.then(|| self.proc.exe(pid)).flatten(),
                argv: first.then(|| self.proc.cmdline(pid)).flatten(),
            });
            if let Some(a) = out.last_mut() {
                a.exe = a.argv.as_ref().and_then(|v| v.first().cloned());
            }
            if pid == 1 {
                break;
            }
            next = Some(st.ppid);
        }
        out
    }

    /// passwd and group of the process's root (a container) or of the host, cached briefly.
    fn names(&self, pid: i32, container: Option<&str>) -> Option<Arc<(String, String)>> {
        let key = container.unwrap_or("host").to_string();
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, n)) = names.get(&key)
            && at.elapsed() < NAMES_TTL
        {
            return Some(Arc::clone(n));
        }
        let root = if container.is_some() {
            self.proc.pid_dir(pid).join("root")
        } else {
            Path::new("/").to_path_buf()
        };
        let passwd = procfs::read_etc_file(&root, "passwd")?;
        let group = procfs::read_etc_file(&root, "group").unwrap_or_default();
        let value = Arc::new((passwd, group));
        if names.len() >= CACHE_CAPACITY {
            names.clear();
        }
        names.insert(key, (Instant::now(), Arc::clone(&value)));
        Some(value)
    }

    /// Drops what is cached about a container.
    pub fn forget_container(&self, id: &str) {
        self.containers.evict(id);
        self.names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Whether `exepath` (as the container sees it) exists in the container's upper layer.
    pub fn exe_in_upper_layer(info: &ContainerInfo, exepath: &str) -> Option<bool> {
        let upper = info.upper_dir.as_deref()?;
        if exepath.starts_with("memfd:") || exepath.contains("..") {
            return Some(false);
        }
        let path = exepath.strip_suffix(" (deleted)").unwrap_or(exepath);
        Some(
            std::fs::symlink_metadata(Path::new(upper).join(path.trim_start_matches('/')))
                .is_ok_and(|m| m.is_file()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        assert_eq!(
            split_image("dg-busybox:test"),
            ("dg-busybox".into(), Some("test".into()), None)
        );
        assert_eq!(split_image("alpine"), ("alpine".into(), None, None));
        assert_eq!(
            split_image("localhost:5000/a/b:1.2@sha256:ab"),
            (
                "localhost:5000/a/b".into(),
                Some("1.2".into()),
                Some("sha256:ab".into())
            )
        );
        assert_eq!(
            split_image("localhost:5000/a"),
            ("localhost:5000/a".into(), None, None)
        );
    }

    #[test]
    fn inspect_to_info() {
        let inspect = serde_json::json!({
            "Id": "c".repeat(64), "Name": "/web",
            "Config": {"Image": "nginx:1.25"},
            "HostConfig": {"Privileged": true, "CapAdd": ["NET_ADMIN", "CAP_SYS_PTRACE"]},
            "Mounts": [{"Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "Mode": "", "RW": true, "Propagation": "rprivate"}],
            "GraphDriver": {"Data": {"UpperDir": "/var/lib/docker/overlay2/x/diff"}},
            "State": {"Pid": 0}
        });
        let info = container_info(&inspect);
        assert_eq!(info.name.as_deref(), Some("web"));
        assert_eq!(info.repository.as_deref(), Some("nginx"));
        assert_eq!(info.tag.as_deref(), Some("1.25"));
        assert_eq!(info.privileged, Some(true));
        assert_eq!(info.cap_add, ["CAP_NET_ADMIN", "CAP_SYS_PTRACE"]);
        assert_eq!(info.mounts[0].destination, "/var/run/docker.sock");
        assert_eq!(info.pid, None);
        assert_eq!(
            container_info(&serde_json::json!("garbage")),
            ContainerInfo::default()
        );
    }

    #[test]
    fn the_cache_does_not_grow_with_short_lived_containers() {
        let cache = ContainerCache::new(None);
        for n in 0..(DEAD_CAPACITY * 3) {
            let id = format!("{n:064x}");
            cache.insert(
                &id,
                Arc::new(ContainerInfo {
                    id: id.clone(),
                    ..Default::default()
                }),
            );
            assert!(cache.get(&id).is_some());
            cache.evict(&id);
            // A late exit event of the dead container neither finds nor re-adds it.
            assert!(cache.get(&id).is_none());
            cache.insert(&id, Arc::new(ContainerInfo::default()));
        }
        assert_eq!(cache.len(), (0, DEAD_CAPACITY));
        // Capacity bounds live entries even without evictions.
        for n in 0..(CACHE_CAPACITY + 10) {
            cache.insert(&format!("live{n}"), Arc::new(ContainerInfo::default()));
        }
        assert_eq!(cache.len().0, CACHE_CAPACITY);
        cache.revive(&format!("{:064x}", DEAD_CAPACITY * 3 - 1));
        assert_eq!(cache.len().1, DEAD_CAPACITY - 1);
    }

    #[test]
    fn upper_layer_lookup() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        std::fs::write(dir.path().join("tmp/dropped"), "x").unwrap();
        let info = ContainerInfo {
            upper_dir: Some(dir.path().to_string_lossy().into_owned()),
            ..Default::default()
        };
        assert_eq!(
            Enricher::exe_in_upper_layer(&info, "/tmp/dropped"),
            Some(true)
        );
        assert_eq!(
            Enricher::exe_in_upper_layer(&info, "/tmp/dropped (deleted)"),
            Some(true)
        );
        assert_eq!(Enricher::exe_in_upper_layer(&info, "/bin/sh"), Some(false));
        assert_eq!(Enricher::exe_in_upper_layer(&info, "memfd:x"), Some(false));
        assert_eq!(
            Enricher::exe_in_upper_layer(&ContainerInfo::default(), "/x"),
            None
        );
    }
}
