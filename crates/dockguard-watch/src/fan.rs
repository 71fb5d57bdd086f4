//! fanotify: opens of sensitive files and writes below binary and `/etc` directories.
//!
//! What is marked, and why (inode marks, not mount or filesystem marks):
//! - each existing sensitive file ([`WatchPaths::sensitive`]: `/etc/shadow`, `/etc/sudoers`,
//!   `/etc/sudoers.d/*`, `/root/.ssh/*`, `/etc/ssh/ssh_host_*_key`, …) gets an inode mark for
//!   `FAN_OPEN`: one event per open of exactly those files. A filesystem mark would deliver
//!   every open on the disk (each exec reads `/etc/ld.so.cache`) to filter in user space;
//! - each watched directory ([`WatchPaths::write_dirs`]: `/bin`, `/sbin`, `/usr/bin`,
//!   `/usr/sbin`, `/usr/local/bin`, `/usr/local/sbin`, `/etc` and its direct subdirectories)
//!   gets a directory mark for `FAN_MODIFY | FAN_CLOSE_WRITE` on its children;
//! - containers: the same paths are marked below `/proc/<init pid>/root` of each running
//!   container (on its `start` event, and for containers running when we start). That is the
//!   container's own root whatever the storage driver, and marks the overlay inodes the
//!   container's processes open. A path whose component below the root is a symlink is not
//!   marked (a container could otherwise point us at a host file). Marks vanish with the
//!   container's mounts.
//!
//! What is not seen: files created *after* marking in a sensitive location (a new
//! `/etc/sudoers.d/x` until the next container start or restart of the watcher), a sensitive
//! file replaced by rename (the new inode is unmarked), writes in subdirectories deeper than
//! one level below `/etc`, opens through other hard links of a watched directory's children
//! are seen (same inode) but named by the path the kernel reports. Reads are "an open of
//! any kind" (`evt.is_open_read=true`): fanotify does not report the open flags.
//! `FAN_Q_OVERFLOW` counts one lost event per overflow.
//!
//! Paths: `fd.name` comes from `/proc/self/fd/N` of the event's file descriptor: a container
//! process's open is named as the container sees it (`/etc/shadow`).
//!
//! Containers: from the process's cgroup; when the process is gone before /proc can be read
//! (`cat /etc/shadow` exits at once), from the marks: the (device, inode) of each sensitive
//! file marked under a container's root, else the device of the container's root filesystem.

use crate::enrich::Enricher;
use crate::event::{ContainerInfo, FileAccess, SourceKind, glob_match};
use crate::{Context, SourceError, Stats};
use nix::fcntl::AT_FDCWD;
use nix::sys::fanotify::{EventFFlags, Fanotify, InitFlags, MarkFlags, MaskFlags};
use std::collections::{HashMap, HashSet};
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Most marks added per root (a host or a container), against a hostile `/etc` with
/// thousands of subdirectories.
pub const MAX_MARKS_PER_ROOT: usize = 512;

/// What to watch, as absolute paths; the last component of a sensitive path may be a glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchPaths {
    pub sensitive: Vec<String>,
    pub write_dirs: Vec<String>,
    /// Also mark the direct subdirectories of these (`/etc`).
    pub write_dirs_recursive_once: Vec<String>,
}

impl Default for WatchPaths {
    fn default() -> Self {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect();
        WatchPaths {
            sensitive: v(&[
                "/etc/shadow",
                "/etc/gshadow",
                "/etc/sudoers",
                "/etc/sudoers.d/*",
                "/etc/pam.conf",
                "/root/.ssh/*",
                "/etc/ssh/ssh_host_*_key",
            ]),
            write_dirs: v(&[
                "/bin",
                "/sbin",
                "/usr/bin",
                "/usr/sbin",
                "/usr/local/bin",
                "/usr/local/sbin",
                "/etc",
            ]),
            write_dirs_recursive_once: v(&["/etc"]),
        }
    }
}

/// Whether `rel` (relative, normal components only) has no symlink below `root`, the last
/// component included.
fn no_symlink_below(root: &Path, rel: &Path) -> bool {
    let mut at = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(n) => at.push(n),
            _ => return false,
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if !m.file_type().is_symlink() => {}
            _ => return false,
        }
    }
    true
}

/// Expands `pattern` (absolute; glob allowed in its last component) below `root`: existing
/// regular files, reached without symlinks.
pub fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let rel = Path::new(pattern.trim_start_matches('/'));
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let parent = rel.parent().unwrap_or(Path::new(""));
    if !parent.as_os_str().is_empty() && !no_symlink_below(root, parent) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if name.contains(['*', '?', '[']) {
        let Ok(entries) = std::fs::read_dir(root.join(parent)) else {
            return out;
        };
        for entry in entries.flatten().take(MAX_MARKS_PER_ROOT) {
            let file_name = entry.file_name();
            let Some(n) = file_name.to_str() else {
                continue;
            };
            if glob_match(name, n) && entry.file_type().is_ok_and(|t| t.is_file()) {
                out.push(root.join(parent).join(n));
            }
        }
        out.sort();
    } else if std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_file()) {
        out.push(root.join(rel));
    }
    out
}

/// Adds marks on a running fanotify group; shared with the Docker source so that a container
/// is marked when it starts.
#[derive(Clone)]
pub struct Marker {
    group: Arc<Fanotify>,
    paths: Arc<WatchPaths>,
    marked: Arc<Mutex<HashSet<String>>>,
    owners: Arc<Mutex<Owners>>,
}

/// Which container a marked object belongs to, for events whose process is gone before
/// /proc could be read (a `cat /etc/shadow` exits at once): the sensitive files marked under
/// a container's root by (device, inode), and the container's root filesystem by device
/// (overlayfs gives each container's root a device of its own).
#[derive(Default)]
struct Owners {
    files: HashMap<(u64, u64), String>,
    root_devices: HashMap<u64, String>,
}

/// At most this many objects are remembered (old entries are dropped wholesale beyond it).
const MAX_OWNERS: usize = 65_536;

fn dev_ino(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

impl Owners {
    /// The container an opened object belongs to.
    fn container_of(&self, dev: u64, ino: u64) -> Option<&String> {
        self.files
            .get(&(dev, ino))
            .or_else(|| self.root_devices.get(&dev))
    }
}

impl Marker {
    /// Marks the watch paths below `root` (`/` for the host); returns how many marks were
    /// added.
    pub fn mark_root(&self, root: &Path) -> usize {
        self.mark_root_of(root, None)
    }

    /// [`Self::mark_root`] for a container's root, remembering that its marked objects are
    /// that container's.
    fn mark_root_of(&self, root: &Path, container: Option<&str>) -> usize {
        let mut n = 0;
        let mut owned = Vec::new();
        if let Some(id) = container
            && let (Some((dev, _)), Some((host_dev, _))) = (dev_ino(root), dev_ino(Path::new("/")))
            && dev != host_dev
        {
            let mut owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
            owners.root_devices.insert(dev, id.to_string());
        }
        for pattern in &self.paths.sensitive {
            for path in expand(root, pattern) {
                if n >= MAX_MARKS_PER_ROOT {
                    return n;
                }
                if let (Some(id), Some(key)) = (container, dev_ino(&path)) {
                    owned.push((key, id.to_string()));
                }
                if self
                    .group
                    .mark(
                        MarkFlags::FAN_MARK_ADD | MarkFlags::FAN_MARK_DONT_FOLLOW,
                        MaskFlags::FAN_OPEN,
                        AT_FDCWD,
                        Some(&path),
                    )
                    .is_ok()
                {
                    n += 1;
                }
            }
        }
        if !owned.is_empty() {
            let mut owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
            if owners.files.len() + owned.len() > MAX_OWNERS {
                owners.files.clear();
            }
            owners.files.extend(owned);
        }
        let mut dirs: Vec<PathBuf> = Vec::new();
        for dir in &self.paths.write_dirs {
            let rel = Path::new(dir.trim_start_matches('/'));
            if no_symlink_below(root, rel) {
                dirs.push(root.join(rel));
            }
        }
        for dir in &self.paths.write_dirs_recursive_once {
            let rel = Path::new(dir.trim_start_matches('/'));
            if !no_symlink_below(root, rel) {
                continue;
            }
            if let Ok(entries) = std::fs::read_dir(root.join(rel)) {
                for e in entries.flatten().take(MAX_MARKS_PER_ROOT) {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        dirs.push(e.path());
                    }
                }
            }
        }
        for dir in dirs {
            if n >= MAX_MARKS_PER_ROOT {
                break;
            }
            if self
                .group
                .mark(
                    MarkFlags::FAN_MARK_ADD
                        | MarkFlags::FAN_MARK_DONT_FOLLOW
                        | MarkFlags::FAN_MARK_ONLYDIR,
                    MaskFlags::FAN_MODIFY
                        | MaskFlags::FAN_CLOSE_WRITE
                        | MaskFlags::FAN_EVENT_ON_CHILD,
                    AT_FDCWD,
                    Some(&dir),
                )
                .is_ok()
            {
                n += 1;
            }
        }
        n
    }

    /// Marks a running container's root (`/proc/<State.Pid>/root`), once per container.
    pub fn mark_container(&self, info: &ContainerInfo) -> usize {
        let Some(pid) = info.pid else { return 0 };
        {
            let mut marked = self.marked.lock().unwrap_or_else(|e| e.into_inner());
            if !marked.insert(format!("{}:{pid}", info.id)) {
                return 0;
            }
            if marked.len() > 65536 {
                marked.clear();
            }
        }
        self.mark_root_of(&PathBuf::from(format!("/proc/{pid}/root")), Some(&info.id))
    }

    /// The container a marked object (an event's file descriptor) belongs to, if known.
    fn owner_of(&self, fd: &impl AsFd) -> Option<String> {
        let st = nix::sys::stat::fstat(fd.as_fd()).ok()?;
        let owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        owners.container_of(st.st_dev, st.st_ino).cloned()
    }
}

/// Running containers' metadata (to mark them when there is no Docker stream).
pub fn running_containers(enricher: &Enricher) -> Vec<Arc<ContainerInfo>> {
    enricher.containers.live()
}

/// The fanotify source.
pub struct FanotifySource {
    marker: Marker,
}

/// The host's root: `/`, or `/proc/1/root` when we run in a container of our own (another
/// mount namespace than pid 1's, with the host's pid namespace: `docker run --pid host`), so
/// that the host's files are marked rather than the container's.
pub fn host_root() -> PathBuf {
    let ns = |p: &str| std::fs::read_link(p).ok();
    match (ns("/proc/self/ns/mnt"), ns("/proc/1/ns/mnt")) {
        (Some(own), Some(init)) if own != init && Path::new("/proc/1/root/etc").is_dir() => {
            PathBuf::from("/proc/1/root")
        }
        _ => PathBuf::from("/"),
    }
}

impl FanotifySource {
    /// Creates the group and marks the host's paths. Fails when not root (CAP_SYS_ADMIN) or
    /// when the kernel has no fanotify.
    pub fn open(paths: &WatchPaths) -> Result<Self, SourceError> {
        let kind = SourceKind::Fanotify;
        if !nix::unistd::geteuid().is_root() {
            return Err(SourceError::Permission {
                source: kind,
                detail: "fanotify needs CAP_SYS_ADMIN (run as root)".into(),
            });
        }
        let group = Fanotify::init(
            InitFlags::FAN_CLASS_NOTIF | InitFlags::FAN_CLOEXEC | InitFlags::FAN_NONBLOCK,
            EventFFlags::O_RDONLY | EventFFlags::O_LARGEFILE | EventFFlags::O_CLOEXEC,
        )
        .map_err(|e| SourceError::from_errno(kind, "fanotify_init", e))?;
        let marker = Marker {
            group: Arc::new(group),
            paths: Arc::new(paths.clone()),
            marked: Arc::new(Mutex::new(HashSet::new())),
            owners: Arc::new(Mutex::new(Owners::default())),
        };
        marker.mark_root(&host_root());
        Ok(FanotifySource { marker })
    }

    pub fn marker(&self) -> Marker {
        self.marker.clone()
    }

    pub fn run(self, ctx: Context) {
        use nix::poll::{PollFd, PollFlags, poll};
        let me = std::process::id() as i32;
        // (pid, path) of recent FAN_MODIFY, so that the FAN_CLOSE_WRITE after it is not a
        // second event.
        let mut recent: HashMap<(i32, String), Instant> = HashMap::new();
        let group = Arc::clone(&self.marker.group);
        while !ctx.stopped() {
            let mut fds = [PollFd::new(group.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, 200u16) {
                Ok(0) => continue,
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => {
                    Stats::add(&ctx.stats.errors, 1);
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            }
            let events = match group.read_events() {
                Ok(events) => events,
                Err(nix::errno::Errno::EAGAIN) => continue,
                Err(_) => {
                    Stats::add(&ctx.stats.errors, 1);
                    continue;
                }
            };
            if recent.len() > 4096 {
                recent.retain(|_, at| at.elapsed() < Duration::from_secs(2));
            }
            for ev in events {
                let mask = ev.mask();
                if mask.contains(MaskFlags::FAN_Q_OVERFLOW) {
                    Stats::add(&ctx.stats.lost, 1);
                    continue;
                }
                let Some(fd) = ev.fd() else { continue };
                let pid = ev.pid();
                if pid == me {
                    continue;
                }
                let path = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd()))
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let owner = self.marker.owner_of(&fd);
                drop(ev);
                let write = mask.intersects(MaskFlags::FAN_MODIFY | MaskFlags::FAN_CLOSE_WRITE);
                let key = (pid, path.clone());
                if mask.contains(MaskFlags::FAN_MODIFY) {
                    recent.insert(key, Instant::now());
                } else if mask.contains(MaskFlags::FAN_CLOSE_WRITE)
                    && recent
                        .remove(&key)
                        .is_some_and(|at| at.elapsed() < Duration::from_secs(2))
                {
                    continue;
                }
                Stats::add(&ctx.stats.seen, 1);
                let mut event = ctx.event(SourceKind::Fanotify, "open");
                let (process, mut container) = ctx.enricher.process(pid, true);
                // The process is gone (nothing could be read): the mark says whose file it was.
                if container.is_none() && process.name.is_none() && process.exepath.is_none() {
                    container = owner;
                }
                event.process = Some(process);
                event.file = Some(FileAccess {
                    path,
                    is_dir: mask.contains(MaskFlags::FAN_ONDIR),
                    read: !write,
                    write,
                    exec: mask.contains(MaskFlags::FAN_OPEN_EXEC),
                });
                ctx.attach_container(&mut event, container);
                if !ctx.send(event) {
                    return;
                }
            }
        }
    }

    pub fn spawn(self, ctx: Context) -> JoinHandle<()> {
        std::thread::Builder::new()
            .name("dg-watch-fanotify".into())
            .spawn(move || self.run(ctx))
            .expect("a thread starts")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_by_inode_then_by_root_device() {
        let mut o = Owners::default();
        o.files.insert((10, 7), "c1".into());
        o.root_devices.insert(42, "c2".into());
        assert_eq!(o.container_of(10, 7).map(String::as_str), Some("c1"));
        assert_eq!(o.container_of(42, 99).map(String::as_str), Some("c2"));
        assert_eq!(o.container_of(10, 8), None);
    }

    #[test]
    fn expands_globs_without_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/ssh")).unwrap();
        std::fs::create_dir_all(root.join("etc/sudoers.d")).unwrap();
        for f in [
            "etc/ssh/ssh_host_rsa_key",
            "etc/ssh/ssh_host_rsa_key.pub",
            "etc/shadow",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        std::fs::write(root.join("etc/sudoers.d/a"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("etc/sudoers.d/link")).unwrap();
        assert_eq!(
            expand(root, "/etc/ssh/ssh_host_*_key"),
            [root.join("etc/ssh/ssh_host_rsa_key")]
        );
        assert_eq!(
            expand(root, "/etc/sudoers.d/*"),
            [root.join("etc/sudoers.d/a")]
        );
        assert_eq!(expand(root, "/etc/shadow"), [root.join("etc/shadow")]);
        assert!(expand(root, "/etc/gshadow").is_empty());
        // A symlinked directory on the way is refused.
        let evil = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(root.join("etc"), evil.path().join("etc")).unwrap();
        assert!(expand(evil.path(), "/etc/shadow").is_empty());
        assert!(!no_symlink_below(evil.path(), Path::new("etc")));
        assert!(!no_symlink_below(root, Path::new("../x")));
    }
}
