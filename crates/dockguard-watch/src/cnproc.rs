//! The netlink process connector (`NETLINK_CONNECTOR`, group `CN_IDX_PROC`): exec, fork,
//! exit and uid/gid changes of every process on the host.
//!
//! Why: it is in every Linux kernel (CONFIG_PROC_EVENTS), needs no module or eBPF, and costs
//! one datagram per event. Limits: events carry pids only, so an exec is enriched by reading
//! `/proc/PID/…` at once (a process that already exited yields what was read); events are
//! only delivered to sockets in the initial network namespace (run with `--net=host
//! --pid=host` in a container); a slow reader loses events (ENOBUFS), which are counted in
//! [`crate::Stats::lost`]. Threads' fork/exit are skipped (only processes).
//!
//! Wire format (`include/uapi/linux/connector.h`, `cn_proc.h`, native endian): nlmsghdr
//! (16 B) → cn_msg (idx u32, val u32, seq u32, ack u32, len u16, flags u16) → proc_event
//! (what u32, cpu u32, timestamp_ns u64, then the payload of `what`).

use crate::event::SourceKind;
use crate::{Context, SourceError, Stats};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_CONNECTOR};
use std::thread::JoinHandle;
use std::time::Duration;

pub const CN_IDX_PROC: u32 = 1;
pub const CN_VAL_PROC: u32 = 1;
const PROC_CN_MCAST_LISTEN: u32 = 1;
const NLMSG_HDRLEN: usize = 16;
const CN_MSG_LEN: usize = 20;
const NLMSG_NOOP: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

const PROC_EVENT_FORK: u32 = 0x1;
const PROC_EVENT_EXEC: u32 = 0x2;
const PROC_EVENT_UID: u32 = 0x4;
const PROC_EVENT_GID: u32 = 0x40;
const PROC_EVENT_EXIT: u32 = 0x8000_0000;

/// One decoded `proc_event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcEvent {
    Fork {
        parent_pid: i32,
        parent_tgid: i32,
        child_pid: i32,
        child_tgid: i32,
    },
    Exec {
        pid: i32,
        tgid: i32,
    },
    Uid {
        pid: i32,
        tgid: i32,
        ruid: u32,
        euid: u32,
    },
    Gid {
        pid: i32,
        tgid: i32,
        rgid: u32,
        egid: u32,
    },
    Exit {
        pid: i32,
        tgid: i32,
        exit_code: u32,
        exit_signal: u32,
        parent_pid: i32,
        parent_tgid: i32,
    },
    /// The answer to our subscription (`what` = 0), or an event type we do not use.
    Other {
        what: u32,
    },
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Decodes the `proc_event` structure (starting at `what`).
pub fn parse_proc_event(b: &[u8]) -> Option<ProcEvent> {
    let what = u32_at(b, 0)?;
    let d = 16; // after what, cpu, timestamp_ns
    Some(match what {
        PROC_EVENT_FORK => ProcEvent::Fork {
            parent_pid: i32_at(b, d)?,
            parent_tgid: i32_at(b, d + 4)?,
            child_pid: i32_at(b, d + 8)?,
            child_tgid: i32_at(b, d + 12)?,
        },
        PROC_EVENT_EXEC => ProcEvent::Exec {
            pid: i32_at(b, d)?,
            tgid: i32_at(b, d + 4)?,
        },
        PROC_EVENT_UID => ProcEvent::Uid {
            pid: i32_at(b, d)?,
            tgid: i32_at(b, d + 4)?,
            ruid: u32_at(b, d + 8)?,
            euid: u32_at(b, d + 12)?,
        },
        PROC_EVENT_GID => ProcEvent::Gid {
            pid: i32_at(b, d)?,
            tgid: i32_at(b, d + 4)?,
            rgid: u32_at(b, d + 8)?,
            egid: u32_at(b, d + 12)?,
        },
        PROC_EVENT_EXIT => ProcEvent::Exit {
            pid: i32_at(b, d)?,
            tgid: i32_at(b, d + 4)?,
            exit_code: u32_at(b, d + 8)?,
            exit_signal: u32_at(b, d + 12)?,
            parent_pid: i32_at(b, d + 16).unwrap_or(0),
            parent_tgid: i32_at(b, d + 20).unwrap_or(0),
        },
        what => ProcEvent::Other { what },
    })
}

/// Decodes one datagram: every netlink message in it that is a process-connector message.
/// Malformed input (short, lengths past the end) stops the walk; it never panics.
pub fn parse_datagram(mut buf: &[u8]) -> Vec<ProcEvent> {
    let mut out = Vec::new();
    while buf.len() >= NLMSG_HDRLEN {
        let Some(len) = u32_at(buf, 0).map(|l| l as usize) else {
            break;
        };
        let ty = u16_at(buf, 4).unwrap_or(0);
        if len < NLMSG_HDRLEN || len > buf.len() {
            break;
        }
        let msg = &buf[NLMSG_HDRLEN..len];
        if !matches!(ty, NLMSG_NOOP | NLMSG_ERROR)
            && u32_at(msg, 0) == Some(CN_IDX_PROC)
            && u32_at(msg, 4) == Some(CN_VAL_PROC)
        {
            let data_len = u16_at(msg, 16).unwrap_or(0) as usize;
            let data = msg.get(CN_MSG_LEN..CN_MSG_LEN + data_len).unwrap_or(&[]);
            if let Some(ev) = parse_proc_event(data) {
                out.push(ev);
            }
        }
        let aligned = (len + 3) & !3;
        buf = buf.get(aligned..).unwrap_or(&[]);
    }
    out
}

/// The subscription message: nlmsghdr + cn_msg + `PROC_CN_MCAST_LISTEN`.
pub fn listen_message(port: u32) -> Vec<u8> {
    let total = NLMSG_HDRLEN + CN_MSG_LEN + 4;
    let mut m = Vec::with_capacity(total);
    m.extend_from_slice(&(total as u32).to_ne_bytes());
    m.extend_from_slice(&NLMSG_DONE.to_ne_bytes());
    m.extend_from_slice(&0u16.to_ne_bytes()); // flags
    m.extend_from_slice(&0u32.to_ne_bytes()); // seq
    m.extend_from_slice(&port.to_ne_bytes());
    m.extend_from_slice(&CN_IDX_PROC.to_ne_bytes());
    m.extend_from_slice(&CN_VAL_PROC.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes()); // seq
    m.extend_from_slice(&0u32.to_ne_bytes()); // ack
    m.extend_from_slice(&4u16.to_ne_bytes()); // len
    m.extend_from_slice(&0u16.to_ne_bytes()); // flags
    m.extend_from_slice(&PROC_CN_MCAST_LISTEN.to_ne_bytes());
    m
}

/// The process connector source.
pub struct ProcConnector {
    socket: Socket,
}

impl ProcConnector {
    /// Opens the socket, joins `CN_IDX_PROC` and subscribes. Fails with
    /// [`SourceError::Permission`] when not root (CAP_NET_ADMIN).
    pub fn open() -> Result<Self, SourceError> {
        let kind = SourceKind::ProcConnector;
        if !nix::unistd::geteuid().is_root() {
            return Err(SourceError::Permission {
                source: kind,
                detail: "the netlink process connector needs CAP_NET_ADMIN (run as root)".into(),
            });
        }
        let mut socket = Socket::new(NETLINK_CONNECTOR)
            .map_err(|e| SourceError::from_io(kind, "netlink connector socket", &e))?;
        socket
            .bind(&SocketAddr::new(0, CN_IDX_PROC))
            .map_err(|e| SourceError::from_io(kind, "bind to CN_IDX_PROC", &e))?;
        let _ = socket.set_rx_buf_sz(8 * 1024 * 1024);
        let mut addr = SocketAddr::new(0, 0);
        let port = match socket.get_address(&mut addr) {
            Ok(()) => addr.port_number(),
            Err(_) => std::process::id(),
        };
        socket
            .send_to(&listen_message(port), &SocketAddr::new(0, 0), 0)
            .map_err(|e| SourceError::from_io(kind, "subscribe (PROC_CN_MCAST_LISTEN)", &e))?;
        let timeout = nix::sys::time::TimeVal::new(0, 200_000);
        nix::sys::socket::setsockopt(&socket, nix::sys::socket::sockopt::ReceiveTimeout, &timeout)
            .map_err(|e| SourceError::from_errno(kind, "SO_RCVTIMEO", e))?;
        Ok(ProcConnector { socket })
    }

    /// Reads until the stop flag is set or the receiver is gone.
    pub fn run(self, ctx: Context) {
        let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
        while !ctx.stopped() {
            buf.clear();
            match self.socket.recv(&mut buf, 0) {
                Ok(_) => {
                    for ev in parse_datagram(&buf) {
                        if !handle(&ctx, ev) {
                            return;
                        }
                    }
                }
                Err(e) => match e.raw_os_error() {
                    Some(nix::libc::ENOBUFS) => {
                        // The socket buffer overflowed: the kernel dropped events (how many is
                        // unknown; count one per overflow).
                        Stats::add(&ctx.stats.lost, 1);
                    }
                    Some(nix::libc::EAGAIN | nix::libc::EINTR) => {}
                    _ => {
                        Stats::add(&ctx.stats.errors, 1);
                        std::thread::sleep(Duration::from_millis(50));
                    }
                },
            }
        }
    }

    pub fn spawn(self, ctx: Context) -> JoinHandle<()> {
        std::thread::Builder::new()
            .name("dg-watch-proc".into())
            .spawn(move || self.run(ctx))
            .expect("a thread starts")
    }
}

/// Turns one connector event into an [`crate::Event`] and sends it; false once the receiver
/// is gone.
fn handle(ctx: &Context, ev: ProcEvent) -> bool {
    let kind = SourceKind::ProcConnector;
    let (evt_type, pid, full) = match ev {
        ProcEvent::Exec { tgid, .. } => ("execve", tgid, true),
        ProcEvent::Fork {
            child_pid,
            child_tgid,
            ..
        } if child_pid == child_tgid => ("clone", child_tgid, false),
        ProcEvent::Exit { pid, tgid, .. } if pid == tgid => ("procexit", tgid, false),
        ProcEvent::Uid { pid, tgid, .. } if pid == tgid => ("setuid", tgid, true),
        ProcEvent::Gid { pid, tgid, .. } if pid == tgid => ("setgid", tgid, true),
        _ => return true,
    };
    Stats::add(&ctx.stats.seen, 1);
    let mut event = ctx.event(kind, evt_type);
    let (mut process, container) = ctx.enricher.process(pid, full);
    match ev {
        ProcEvent::Fork { parent_tgid, .. } => {
            process.ppid = Some(parent_tgid);
            if process.ancestors.is_empty() {
                process.ancestors = ctx.enricher.ancestors_of(Some(parent_tgid));
            }
        }
        ProcEvent::Exit {
            exit_code,
            exit_signal,
            parent_tgid,
            ..
        } => {
            if parent_tgid > 0 {
                process.ppid = Some(parent_tgid);
            }
            // exit_code is the wait status: exit status in bits 8..15, the killing signal in
            // 0..6 (`exit_signal` is the signal sent to the parent, SIGCHLD).
            let _ = exit_signal;
            process.exit_code = Some(((exit_code >> 8) & 0xff) as i32);
            process.exit_signal = Some((exit_code & 0x7f) as i32).filter(|&s| s != 0);
        }
        ProcEvent::Uid { ruid, euid, .. } => {
            process.uid = Some(euid);
            process.ruid = Some(ruid);
        }
        ProcEvent::Gid { egid, .. } => process.gid = Some(egid),
        _ => {}
    }
    event.process = Some(process);
    ctx.attach_container(&mut event, container);
    ctx.send(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datagram(what: u32, payload: &[i32]) -> Vec<u8> {
        let mut ev = Vec::new();
        ev.extend_from_slice(&what.to_ne_bytes());
        ev.extend_from_slice(&3u32.to_ne_bytes()); // cpu
        ev.extend_from_slice(&123456789u64.to_ne_bytes());
        for v in payload {
            ev.extend_from_slice(&v.to_ne_bytes());
        }
        let mut cn = Vec::new();
        for v in [CN_IDX_PROC, CN_VAL_PROC, 9, 0] {
            cn.extend_from_slice(&v.to_ne_bytes());
        }
        cn.extend_from_slice(&(ev.len() as u16).to_ne_bytes());
        cn.extend_from_slice(&0u16.to_ne_bytes());
        cn.extend_from_slice(&ev);
        let mut nl = Vec::new();
        nl.extend_from_slice(&((NLMSG_HDRLEN + cn.len()) as u32).to_ne_bytes());
        nl.extend_from_slice(&NLMSG_DONE.to_ne_bytes());
        nl.extend_from_slice(&[0; 10]);
        nl.extend_from_slice(&cn);
        while nl.len() % 4 != 0 {
            nl.push(0);
        }
        nl
    }

    #[test]
    fn decodes_connector_messages() {
        assert_eq!(
            parse_datagram(&datagram(PROC_EVENT_EXEC, &[42, 42])),
            [ProcEvent::Exec { pid: 42, tgid: 42 }]
        );
        assert_eq!(
            parse_datagram(&datagram(PROC_EVENT_FORK, &[1, 1, 50, 50])),
            [ProcEvent::Fork {
                parent_pid: 1,
                parent_tgid: 1,
                child_pid: 50,
                child_tgid: 50
            }]
        );
        assert_eq!(
            parse_datagram(&datagram(PROC_EVENT_UID, &[7, 7, 1000, 0])),
            [ProcEvent::Uid {
                pid: 7,
                tgid: 7,
                ruid: 1000,
                euid: 0
            }]
        );
        assert_eq!(
            parse_datagram(&datagram(PROC_EVENT_GID, &[7, 7, 5, 6])),
            [ProcEvent::Gid {
                pid: 7,
                tgid: 7,
                rgid: 5,
                egid: 6
            }]
        );
        assert_eq!(
            parse_datagram(&datagram(PROC_EVENT_EXIT, &[9, 9, 256, 17, 1, 1])),
            [ProcEvent::Exit {
                pid: 9,
                tgid: 9,
                exit_code: 256,
                exit_signal: 17,
                parent_pid: 1,
                parent_tgid: 1
            }]
        );
        // Two messages in one datagram, and the subscription's answer.
        let mut two = datagram(PROC_EVENT_EXEC, &[1, 1]);
        two.extend(datagram(0, &[0, 0]));
        assert_eq!(
            parse_datagram(&two),
            [
                ProcEvent::Exec { pid: 1, tgid: 1 },
                ProcEvent::Other { what: 0 }
            ]
        );
    }

    #[test]
    fn hostile_datagrams_never_panic() {
        let good = datagram(PROC_EVENT_EXEC, &[42, 42]);
        for cut in 0..good.len() {
            let _ = parse_datagram(&good[..cut]);
        }
        // A length past the end, a zero length, a cn_msg len past the end.
        let mut bad = good.clone();
        bad[0..4].copy_from_slice(&1000u32.to_ne_bytes());
        assert!(parse_datagram(&bad).is_empty());
        bad[0..4].copy_from_slice(&0u32.to_ne_bytes());
        assert!(parse_datagram(&bad).is_empty());
        let mut long = good.clone();
        long[NLMSG_HDRLEN + 16..NLMSG_HDRLEN + 18].copy_from_slice(&60000u16.to_ne_bytes());
        assert!(parse_datagram(&long).is_empty());
        // Another connector index is ignored.
        let mut other = good;
        other[NLMSG_HDRLEN..NLMSG_HDRLEN + 4].copy_from_slice(&7u32.to_ne_bytes());
        assert!(parse_datagram(&other).is_empty());
    }

    #[test]
    fn subscription_message_layout() {
        let m = listen_message(77);
        assert_eq!(m.len(), 40);
        assert_eq!(u32_at(&m, 0), Some(40));
        assert_eq!(u32_at(&m, 12), Some(77));
        assert_eq!(u32_at(&m, 16), Some(CN_IDX_PROC));
        assert_eq!(u16_at(&m, 32), Some(4));
        assert_eq!(u32_at(&m, 36), Some(PROC_CN_MCAST_LISTEN));
    }
}
