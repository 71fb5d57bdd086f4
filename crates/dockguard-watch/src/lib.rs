//! Event sources of `dockguard watch` (issue 9, step 7), without a kernel module or eBPF:
//!
//! - [`cnproc::ProcConnector`]: the netlink process connector (exec, fork, exit, uid/gid
//!   changes of every process on the host; needs root in the initial network namespace);
//! - [`docker::DockerEvents`]: the engine's `/events` stream (container create/start/die/
//!   destroy, `exec_create`/`exec_start` with exec inspect for user, tty, privileged);
//! - [`fan::FanotifySource`]: fanotify opens of sensitive files and writes below binary and
//!   `/etc` directories, on the host and in each running container's root (needs
//!   CAP_SYS_ADMIN).
//!
//! Each source opens on its own ([`Sources::start`] keeps those that opened and reports the
//! others with a clear reason), runs in a thread of its own, enriches its events
//! ([`enrich::Enricher`]: /proc, cgroup → container, cached inspect) and sends [`Event`]s into
//! one bounded channel: when the channel is full the event is counted as dropped, the kernel
//! reader never blocks. [`Stats`] counts per source what was seen, sent, dropped, and lost
//! before we could read it (netlink ENOBUFS, fanotify queue overflow, a broken stream).
//!
//! Example:
//! ```no_run
//! let (tx, rx) = std::sync::mpsc::sync_channel(4096);
//! let sources = dockguard_watch::Sources::start(&dockguard_watch::Config::default(), tx);
//! for (kind, err) in sources.unavailable() { eprintln!("{}: {err}", kind.name()); }
//! while let Ok(event) = rx.recv() {
//!     // evaluate rules on `event`
//! #   let _ = event;
//! #   break;
//! }
//! sources.stop();
//! ```

pub mod cnproc;
pub mod default_rules;
pub mod docker;
pub mod enrich;
pub mod event;
pub mod fan;
pub mod pipeline;
pub mod procfs;

pub use enrich::{ContainerCache, Enricher};
pub use event::{
    Ancestor, ContainerInfo, DockerAction, Event, FileAccess, Mount, Process, SourceKind,
    glob_match,
};

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Why a source could not open.
#[derive(Debug)]
pub enum SourceError {
    /// Not root (or lacking the named capability).
    Permission { source: SourceKind, detail: String },
    /// The kernel or engine does not offer it.
    Unsupported { source: SourceKind, detail: String },
    /// Anything else (the engine is down, a socket call failed).
    Failed { source: SourceKind, detail: String },
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::Permission { source, detail } => {
                write!(f, "the {} source needs root: {detail}", source.name())
            }
            SourceError::Unsupported { source, detail } => write!(
                f,
                "the {} source is not available here: {detail}",
                source.name()
            ),
            SourceError::Failed { source, detail } => {
                write!(f, "the {} source failed: {detail}", source.name())
            }
        }
    }
}

impl std::error::Error for SourceError {}

impl SourceError {
    pub fn source_kind(&self) -> SourceKind {
        match self {
            SourceError::Permission { source, .. }
            | SourceError::Unsupported { source, .. }
            | SourceError::Failed { source, .. } => *source,
        }
    }

    /// From an errno: EPERM/EACCES → permission, ENOSYS/EINVAL/EPROTONOSUPPORT/ENOENT →
    /// unsupported.
    pub(crate) fn from_errno(source: SourceKind, what: &str, errno: nix::errno::Errno) -> Self {
        use nix::errno::Errno;
        let detail = format!("{what}: {errno} ({})", errno.desc());
        match errno {
            Errno::EPERM | Errno::EACCES => SourceError::Permission { source, detail },
            Errno::ENOSYS
            | Errno::EINVAL
            | Errno::EPROTONOSUPPORT
            | Errno::EAFNOSUPPORT
            | Errno::ENOENT
            | Errno::EOPNOTSUPP => SourceError::Unsupported { source, detail },
            _ => SourceError::Failed { source, detail },
        }
    }

    pub(crate) fn from_io(source: SourceKind, what: &str, e: &std::io::Error) -> Self {
        match e.raw_os_error() {
            Some(n) => Self::from_errno(source, what, nix::errno::Errno::from_raw(n)),
            None => SourceError::Failed {
                source,
                detail: format!("{what}: {e}"),
            },
        }
    }
}

/// Counters of one source.
#[derive(Debug, Default)]
pub struct Stats {
    /// Events read from the kernel or the engine.
    pub seen: AtomicU64,
    /// Events sent into the channel.
    pub sent: AtomicU64,
    /// Events dropped because the channel was full.
    pub dropped: AtomicU64,
    /// Events the kernel or engine lost before we read them (ENOBUFS, queue overflow, a
    /// reconnection of the Docker stream counts 1 per gap).
    pub lost: AtomicU64,
    /// Read or parse errors.
    pub errors: AtomicU64,
}

/// A copy of [`Stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub seen: u64,
    pub sent: u64,
    pub dropped: u64,
    pub lost: u64,
    pub errors: u64,
}

impl Stats {
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            seen: self.seen.load(Ordering::Relaxed),
            sent: self.sent.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            lost: self.lost.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// What a source thread shares: the channel, the stop flag, its counters, the enricher and
/// the sequence numbers.
#[derive(Clone)]
pub struct Context {
    pub sender: SyncSender<Event>,
    pub stop: Arc<AtomicBool>,
    pub stats: Arc<Stats>,
    pub enricher: Arc<Enricher>,
    pub seq: Arc<AtomicU64>,
    pub hostname: Arc<str>,
}

impl Context {
    pub fn new(sender: SyncSender<Event>, enricher: Arc<Enricher>) -> Self {
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        Context {
            sender,
            stop: Arc::new(AtomicBool::new(false)),
            stats: Arc::new(Stats::default()),
            enricher,
            seq: Arc::new(AtomicU64::new(0)),
            hostname: hostname.into(),
        }
    }

    /// The same channel, flag, enricher and sequence, with counters of its own.
    pub fn for_source(&self) -> Self {
        Context {
            stats: Arc::new(Stats::default()),
            ..self.clone()
        }
    }

    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// A new event with the next number and the current time.
    pub fn event(&self, source: SourceKind, evt_type: &'static str) -> Event {
        let time_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Event {
            num: self.seq.fetch_add(1, Ordering::Relaxed) + 1,
            time_ns,
            source,
            evt_type,
            hostname: Arc::clone(&self.hostname),
            process: None,
            container_id: None,
            container: None,
            file: None,
            docker: None,
        }
    }

    /// Attaches the container's metadata (and `proc.is_exe_upper_layer`).
    pub fn attach_container(&self, event: &mut Event, id: Option<String>) {
        if let Some(id) = &id {
            let info = self.enricher.containers.get(id);
            if let (Some(info), Some(p)) = (&info, event.process.as_mut())
                && let Some(exe) = p.exepath.as_deref()
            {
                p.exe_upper_layer = Enricher::exe_in_upper_layer(info, exe);
            }
            event.container = info;
        }
        event.container_id = id;
    }

    /// Sends without blocking; a full channel counts a drop. Returns false once the receiver
    /// is gone (the source should stop).
    pub fn send(&self, event: Event) -> bool {
        match self.sender.try_send(event) {
            Ok(()) => {
                Stats::add(&self.stats.sent, 1);
                true
            }
            Err(TrySendError::Full(_)) => {
                Stats::add(&self.stats.dropped, 1);
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

/// Which sources to start, and how.
#[derive(Debug, Clone)]
pub struct Config {
    pub proc_connector: bool,
    pub docker: bool,
    pub fanotify: bool,
    /// `--host` for the engine (`None`: `DOCKER_HOST` or the default socket).
    pub docker_host: Option<String>,
    /// Ancestors read per process (`proc.aname[N]` up to this N).
    pub ancestors: usize,
    /// What fanotify watches.
    pub fanotify_paths: fan::WatchPaths,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            proc_connector: true,
            docker: true,
            fanotify: true,
            docker_host: None,
            ancestors: 6,
            fanotify_paths: fan::WatchPaths::default(),
        }
    }
}

/// A running source.
pub struct SourceHandle {
    pub kind: SourceKind,
    pub stats: Arc<Stats>,
    thread: Option<JoinHandle<()>>,
}

/// The running sources.
pub struct Sources {
    handles: Vec<SourceHandle>,
    unavailable: Vec<(SourceKind, SourceError)>,
    stop: Arc<AtomicBool>,
    stoppers: Mutex<Vec<Box<dyn FnOnce() + Send>>>,
    pub enricher: Arc<Enricher>,
}

impl Sources {
    /// Opens every enabled source and starts a thread for each that opened; the others are in
    /// [`Sources::unavailable`] with the reason.
    pub fn start(config: &Config, sender: SyncSender<Event>) -> Sources {
        let mut unavailable = Vec::new();
        let engine = if config.docker || config.proc_connector || config.fanotify {
            match dockguard_engine::Engine::connect(config.docker_host.as_deref()) {
                Ok(engine) => Some(engine),
                Err(e) => {
                    if config.docker {
                        unavailable.push((
                            SourceKind::Docker,
                            SourceError::Unsupported {
                                source: SourceKind::Docker,
                                detail: e.to_string(),
                            },
                        ));
                    }
                    None
                }
            }
        } else {
            None
        };
        let enricher = Arc::new(Enricher::new(engine.clone(), config.ancestors));
        let base = Context::new(sender, Arc::clone(&enricher));
        let mut handles = Vec::new();
        let mut stoppers: Vec<Box<dyn FnOnce() + Send>> = Vec::new();

        let mut marker = None;
        if config.fanotify {
            match fan::FanotifySource::open(&config.fanotify_paths) {
                Ok(source) => {
                    marker = Some(source.marker());
                    let ctx = base.for_source();
                    handles.push(SourceHandle {
                        kind: SourceKind::Fanotify,
                        stats: Arc::clone(&ctx.stats),
                        thread: Some(source.spawn(ctx)),
                    });
                }
                Err(e) => unavailable.push((SourceKind::Fanotify, e)),
            }
        }
        if config.proc_connector {
            match cnproc::ProcConnector::open() {
                Ok(source) => {
                    let ctx = base.for_source();
                    handles.push(SourceHandle {
                        kind: SourceKind::ProcConnector,
                        stats: Arc::clone(&ctx.stats),
                        thread: Some(source.spawn(ctx)),
                    });
                }
                Err(e) => unavailable.push((SourceKind::ProcConnector, e)),
            }
        }
        if config.docker
            && let Some(engine) = engine
        {
            match docker::DockerEvents::open(engine, marker.clone()) {
                Ok(source) => {
                    stoppers.push(Box::new(source.stopper()));
                    let ctx = base.for_source();
                    handles.push(SourceHandle {
                        kind: SourceKind::Docker,
                        stats: Arc::clone(&ctx.stats),
                        thread: Some(source.spawn(ctx)),
                    });
                }
                Err(e) => unavailable.push((SourceKind::Docker, e)),
            }
        } else if let Some(marker) = &marker {
            // No Docker stream: mark the containers running now at least.
            for info in fan::running_containers(&enricher) {
                marker.mark_container(&info);
            }
        }
        Sources {
            handles,
            unavailable,
            stop: Arc::clone(&base.stop),
            stoppers: Mutex::new(stoppers),
            enricher,
        }
    }

    /// Sources that could not open, with the reason.
    pub fn unavailable(&self) -> &[(SourceKind, SourceError)] {
        &self.unavailable
    }

    /// The running sources.
    pub fn running(&self) -> Vec<SourceKind> {
        self.handles.iter().map(|h| h.kind).collect()
    }

    /// Counters per running source.
    pub fn stats(&self) -> Vec<(SourceKind, StatsSnapshot)> {
        self.handles
            .iter()
            .map(|h| (h.kind, h.stats.snapshot()))
            .collect()
    }

    /// Stops every source and waits for its thread (each polls the flag at least every 200 ms).
    pub fn stop(mut self) -> Vec<(SourceKind, StatsSnapshot)> {
        self.stop.store(true, Ordering::Relaxed);
        let stoppers =
            std::mem::take(&mut *self.stoppers.lock().unwrap_or_else(|e| e.into_inner()));
        for stopper in stoppers {
            stopper();
        }
        for h in &mut self.handles {
            if let Some(t) = h.thread.take() {
                let _ = t.join();
            }
        }
        self.stats()
    }
}
