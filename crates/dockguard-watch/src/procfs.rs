//! Reading processes from `/proc`: parsers (pure, unit-tested on fixture text) and readers
//! that never fail hard — a process that exited between the kernel's event and our read
//! yields whatever was read before it vanished.
//!
//! - `/proc/PID/stat`: comm is in parentheses and may itself contain spaces and `)`; the
//!   fields after it are found from the *last* `)`.
//! - `/proc/PID/status`: `Uid:`/`Gid:` (real, effective, saved, fs), `PPid:`, `NSpid:`.
//! - `/proc/PID/cgroup`: the container id, see [`container_id_from_cgroup`].
//! - `/etc/passwd` of the process's root: bounded read, no symlink followed out of that root.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest file read from /proc or a container's /etc (cmdline, passwd, group).
pub const READ_LIMIT: u64 = 1024 * 1024;

/// The fields of `/proc/PID/stat` we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub pid: i32,
    pub comm: String,
    pub state: char,
    pub ppid: i32,
    pub session: i32,
    /// `tty_nr` (field 7).
    pub tty_nr: i64,
    /// Start time in clock ticks after boot (field 22).
    pub starttime: u64,
}

/// Parses `/proc/PID/stat`. comm (field 2) is `(…)` and may contain spaces, parentheses and
/// newlines: it ends at the last `)`.
pub fn parse_stat(text: &str) -> Option<Stat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    if close < open {
        return None;
    }
    let pid = text[..open].trim().parse().ok()?;
    let comm = text[open + 1..close].to_string();
    // Fields from 3 (state) on.
    let rest: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let field = |n: usize| rest.get(n - 3).copied();
    Some(Stat {
        pid,
        comm,
        state: field(3)?.chars().next()?,
        ppid: field(4)?.parse().ok()?,
        session: field(6)?.parse().ok()?,
        tty_nr: field(7)?.parse().ok()?,
        starttime: field(22)?.parse().ok()?,
    })
}

/// The fields of `/proc/PID/status` we use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub ppid: Option<i32>,
    pub ruid: Option<u32>,
    pub euid: Option<u32>,
    pub rgid: Option<u32>,
    pub egid: Option<u32>,
    /// `NSpid:` values, outermost first; the last is the pid in the process's own namespace.
    pub nspid: Vec<i32>,
}

pub fn parse_status(text: &str) -> Status {
    let mut st = Status::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let mut nums = value.split_whitespace();
        match key {
            "PPid" => st.ppid = nums.next().and_then(|v| v.parse().ok()),
            "Uid" => {
                st.ruid = nums.next().and_then(|v| v.parse().ok());
                st.euid = nums.next().and_then(|v| v.parse().ok());
            }
            "Gid" => {
                st.rgid = nums.next().and_then(|v| v.parse().ok());
                st.egid = nums.next().and_then(|v| v.parse().ok());
            }
            "NSpid" => st.nspid = nums.filter_map(|v| v.parse().ok()).collect(),
            _ => {}
        }
    }
    st
}

/// argv from `/proc/PID/cmdline` (NUL-separated, usually NUL-terminated; empty for kernel
/// threads and zombies).
pub fn parse_cmdline(raw: &[u8]) -> Vec<String> {
    let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
    if raw.is_empty() {
        return Vec::new();
    }
    raw.split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

fn is_container_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The container id in one `/proc/PID/cgroup` line (`N:controllers:/path`, v2 `0::/path`).
///
/// Layouts recognised (the last path component that names a 64-hex id wins):
/// - cgroupfs driver: `/docker/<id>`, and `/docker/<id>/<nested>`;
/// - systemd driver: `/system.slice/docker-<id>.scope`, rootless
///   `/user.slice/…/docker-<id>.scope`;
/// - Kubernetes / containerd / CRI-O / podman: `/kubepods/…/pod<uid>/<id>`,
///   `…/cri-containerd-<id>.scope`, `…/crio-<id>.scope`, `…/libpod-<id>.scope`.
///
/// `0::/` (a private cgroup namespace) and host paths answer `None`.
pub fn container_id_from_cgroup_line(line: &str) -> Option<String> {
    let mut parts = line.splitn(3, ':');
    let (_, _, path) = (parts.next()?, parts.next()?, parts.next()?);
    for component in path.trim().rsplit('/') {
        let mut name = component.strip_suffix(".scope").unwrap_or(component);
        for prefix in [
            "docker-",
            "cri-containerd-",
            "crio-",
            "libpod-",
            "containerd-",
        ] {
            if let Some(rest) = name.strip_prefix(prefix) {
                name = rest;
                break;
            }
        }
        if is_container_id(name) {
            return Some(name.to_string());
        }
    }
    None
}

/// The container id from the whole `/proc/PID/cgroup` text: the first line that names one.
pub fn container_id_from_cgroup(text: &str) -> Option<String> {
    text.lines().find_map(container_id_from_cgroup_line)
}

/// `name:x:uid:…` lines of `/etc/passwd` (or `/etc/group`: the id is the third field there
/// too): the name for `id`.
pub fn name_for_id(text: &str, id: u32) -> Option<String> {
    text.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        let _password = f.next()?;
        let uid: u32 = f.next()?.trim().parse().ok()?;
        (uid == id && !name.is_empty() && !name.starts_with('#')).then(|| name.to_string())
    })
}

/// Reads at most [`READ_LIMIT`] bytes.
pub fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(READ_LIMIT)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn read_text(path: &Path) -> Option<String> {
    read_bounded(path).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Reads `etc/<file>` below `root` (`/proc/PID/root` for a container process) without leaving
/// that root: `etc` must be a real directory and `<file>` is opened with `O_NOFOLLOW`, so an
/// absolute symlink planted in the container cannot make us read a host file. Bounded.
pub fn read_etc_file(root: &Path, file: &str) -> Option<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let etc = root.join("etc");
    if !std::fs::symlink_metadata(&etc).ok()?.file_type().is_dir() {
        return None;
    }
    let mut out = Vec::new();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(etc.join(file))
        .ok()?
        .take(READ_LIMIT)
        .read_to_end(&mut out)
        .ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Where /proc is (a test may point elsewhere).
#[derive(Debug, Clone)]
pub struct ProcFs {
    pub root: PathBuf,
    /// Clock ticks per second (`stat` start times).
    pub ticks: u64,
}

impl Default for ProcFs {
    fn default() -> Self {
        ProcFs {
            root: PathBuf::from("/proc"),
            ticks: 100,
        }
    }
}

impl ProcFs {
    pub fn pid_dir(&self, pid: i32) -> PathBuf {
        self.root.join(pid.to_string())
    }

    pub fn stat(&self, pid: i32) -> Option<Stat> {
        parse_stat(&read_text(&self.pid_dir(pid).join("stat"))?)
    }

    pub fn status(&self, pid: i32) -> Option<Status> {
        Some(parse_status(&read_text(&self.pid_dir(pid).join("status"))?))
    }

    pub fn cmdline(&self, pid: i32) -> Option<Vec<String>> {
        Some(parse_cmdline(&read_bounded(
            &self.pid_dir(pid).join("cmdline"),
        )?))
    }

    pub fn exe(&self, pid: i32) -> Option<String> {
        std::fs::read_link(self.pid_dir(pid).join("exe"))
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    pub fn cwd(&self, pid: i32) -> Option<String> {
        std::fs::read_link(self.pid_dir(pid).join("cwd"))
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    pub fn container_id(&self, pid: i32) -> Option<String> {
        container_id_from_cgroup(&read_text(&self.pid_dir(pid).join("cgroup"))?)
    }

    pub fn loginuid(&self, pid: i32) -> Option<i64> {
        let text = read_text(&self.pid_dir(pid).join("loginuid"))?;
        let v: u64 = text.trim().parse().ok()?;
        Some(if v == u64::from(u32::MAX) {
            -1
        } else {
            v as i64
        })
    }

    /// Seconds since boot, in nanoseconds.
    pub fn uptime_ns(&self) -> Option<i64> {
        let text = read_text(&self.root.join("uptime"))?;
        let secs: f64 = text.split_whitespace().next()?.parse().ok()?;
        Some((secs * 1e9) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f4e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100";

    #[test]
    fn stat_with_spaces_and_parens_in_comm() {
        let line = "4242 (a) b (c)) S 17 4242 4242 34816 4242 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        let st = parse_stat(line).unwrap();
        assert_eq!(st.pid, 4242);
        assert_eq!(st.comm, "a) b (c)");
        assert_eq!(st.state, 'S');
        assert_eq!(st.ppid, 17);
        assert_eq!(st.session, 4242);
        assert_eq!(st.tty_nr, 34816);
        assert_eq!(st.starttime, 98765);
        assert_eq!(parse_stat("12 (x"), None);
        assert_eq!(parse_stat("12 (x) S 1"), None, "truncated");
        assert_eq!(parse_stat(") 12 ("), None);
        assert_eq!(parse_stat(""), None);
    }

    #[test]
    fn status_ids_and_nspid() {
        let text =
            "Name:\tsh\nPPid:\t100\nUid:\t1000\t0\t0\t0\nGid:\t50\t51\t51\t51\nNSpid:\t4242\t7\n";
        let st = parse_status(text);
        assert_eq!(st.ppid, Some(100));
        assert_eq!((st.ruid, st.euid), (Some(1000), Some(0)));
        assert_eq!((st.rgid, st.egid), (Some(50), Some(51)));
        assert_eq!(st.nspid, vec![4242, 7]);
        assert_eq!(parse_status("garbage\nUid:\tx\n"), Status::default());
    }

    #[test]
    fn cmdline_splits_on_nul() {
        assert_eq!(
            parse_cmdline(b"sh\0-c\0echo a b\0"),
            ["sh", "-c", "echo a b"]
        );
        assert_eq!(parse_cmdline(b"sh\0\0x"), ["sh", "", "x"]);
        assert!(parse_cmdline(b"").is_empty());
    }

    #[test]
    fn cgroup_layouts() {
        let cases = [
            (format!("12:pids:/docker/{ID}"), true),
            (format!("0::/system.slice/docker-{ID}.scope"), true),
            (format!("0::/system.slice/docker-{ID}.scope/init"), true),
            (
                format!(
                    "0::/user.slice/user-1000.slice/user@1000.service/app.slice/docker-{ID}.scope"
                ),
                true,
            ),
            (
                format!("11:memory:/kubepods/besteffort/pod1234-5678/{ID}"),
                true,
            ),
            (
                format!(
                    "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice/cri-containerd-{ID}.scope"
                ),
                true,
            ),
            (format!("0::/machine.slice/libpod-{ID}.scope"), true),
            (format!("0::/kubepods.slice/crio-{ID}.scope"), true),
            ("0::/".to_string(), false),
            (
                "0::/user.slice/user-0.slice/session-3.scope".to_string(),
                false,
            ),
            ("12:pids:/docker/abc".to_string(), false),
            (format!("12:pids:/docker/{}", &ID[..63]), false),
            ("not a cgroup line".to_string(), false),
        ];
        for (line, has) in &cases {
            let got = container_id_from_cgroup_line(line);
            assert_eq!(got.is_some(), *has, "{line}");
            if *has {
                assert_eq!(got.unwrap(), ID, "{line}");
            }
        }
        let v1 = format!("13:rdma:/\n12:pids:/docker/{ID}\n1:name=systemd:/docker/{ID}\n");
        assert_eq!(container_id_from_cgroup(&v1).as_deref(), Some(ID));
        assert_eq!(container_id_from_cgroup("0::/init.scope\n"), None);
    }

    #[test]
    fn passwd_names() {
        let text = "root:x:0:0:root:/root:/bin/sh\n# comment\nbad line\nnobody:x:65534:65534::/:/sbin/nologin\napp:x:1000:1000::/home/app:/bin/sh\n";
        assert_eq!(name_for_id(text, 0).as_deref(), Some("root"));
        assert_eq!(name_for_id(text, 1000).as_deref(), Some("app"));
        assert_eq!(name_for_id(text, 65534).as_deref(), Some("nobody"));
        assert_eq!(name_for_id(text, 5), None);
        assert_eq!(name_for_id("", 0), None);
    }

    #[test]
    fn etc_files_never_follow_symlinks_out_of_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/passwd"), "app:x:7:7::/:/bin/sh\n").unwrap();
        assert!(read_etc_file(&root, "passwd").unwrap().contains("app"));
        // A symlinked file is refused.
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "host:x:7:7::/:/bin/sh\n").unwrap();
        std::fs::remove_file(root.join("etc/passwd")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("etc/passwd")).unwrap();
        assert_eq!(read_etc_file(&root, "passwd"), None);
        // So is a symlinked etc.
        let evil = dir.path().join("evil");
        std::fs::create_dir_all(evil.join("etc")).unwrap();
        std::fs::write(evil.join("etc/passwd"), "host:x:7:7::/:/bin/sh\n").unwrap();
        let root2 = dir.path().join("root2");
        std::fs::create_dir_all(&root2).unwrap();
        std::os::unix::fs::symlink(evil.join("etc"), root2.join("etc")).unwrap();
        assert_eq!(read_etc_file(&root2, "passwd"), None);
    }

    #[test]
    fn reads_this_process() {
        let proc = ProcFs::default();
        let me = std::process::id() as i32;
        let st = proc.stat(me).unwrap();
        assert_eq!(st.pid, me);
        assert!(proc.exe(me).unwrap().contains("dockguard_watch"));
        assert!(!proc.cmdline(me).unwrap().is_empty());
        assert_eq!(proc.status(me).unwrap().nspid.first(), Some(&me));
        assert_eq!(proc.stat(-5), None);
    }
}
