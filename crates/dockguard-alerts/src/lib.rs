//! Runtime alerts (step 7): what `dockguard watch` does with a rule match. An [`Alert`] has
//! Falco's shape (`time`, `rule`, `priority`, `output`, `output_fields`, `tags`, `source`,
//! `hostname`), so that tools reading Falco's JSON output (falcosidekick, log pipelines) read
//! ours. Between the rules and the [`sinks`]:
//!
//! - [`Deduplicator`]: an alert repeating one already sent within a window (same rule, same
//!   output fields apart from volatile ones such as pids and times) is held back and counted;
//!   when the window ends, one alert says how many were held back. Falco users report single
//!   rules firing tens of thousands of times a day; this is the fix.
//! - [`RateLimiter`]: a token bucket per rule, so that a noisy rule cannot flood the sinks.
//! - [`Counters`]: events seen, evaluated and dropped, alerts matched, sent, deduplicated and
//!   rate-limited, sink errors — printed on exit and on SIGUSR1 by the CLI.

pub mod sinks;

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime};

/// One alert, in Falco's JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    #[serde(serialize_with = "falco_time")]
    pub time: SystemTime,
    pub rule: String,
    /// Falco's priority name: `Emergency`, `Alert`, `Critical`, `Error`, `Warning`, `Notice`,
    /// `Informational`, `Debug`.
    pub priority: String,
    pub output: String,
    pub output_fields: BTreeMap<String, serde_json::Value>,
    pub tags: Vec<String>,
    pub source: String,
    pub hostname: String,
}

fn falco_time<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&dockguard_core::time::rfc3339_nanos(*t))
}

impl Alert {
    /// Falco's text line: `2026-11-29T10:00:00.000000000Z: Notice A shell was spawned …`.
    pub fn text(&self) -> String {
        format!(
            "{}: {} {}",
            dockguard_core::time::rfc3339_nanos(self.time),
            self.priority,
            self.output
        )
    }

    /// One JSON line (no newline).
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("an alert serialises")
    }
}

/// Output fields that differ between repeats of the same behaviour and so are left out of the
/// deduplication key.
const VOLATILE_FIELDS: &[&str] = &[
    "evt.time",
    "evt.num",
    "proc.pid",
    "proc.ppid",
    "proc.vpid",
    "proc.apid",
    "proc.duration",
    "proc.tty",
];

fn is_volatile(field: &str) -> bool {
    VOLATILE_FIELDS
        .iter()
        .any(|v| field == *v || field.strip_prefix(v).is_some_and(|r| r.starts_with('[')))
}

/// What identifies repeats: the rule and the non-volatile output fields.
fn dedup_key(alert: &Alert) -> String {
    let mut key = alert.rule.clone();
    for (field, value) in &alert.output_fields {
        if !is_volatile(field) {
            let _ = write!(key, "\u{1f}{field}={value}");
        }
    }
    key
}

struct Held {
    window_start: Instant,
    suppressed: u64,
    /// The last alert held back, reported with the count when the window ends.
    last: Option<Alert>,
}

/// Holds back repeats within a window (see the crate documentation). Memory is bounded: at
/// most `max_keys` distinct alerts are tracked; past that the oldest windows are closed early.
pub struct Deduplicator {
    window: Duration,
    max_keys: usize,
    held: HashMap<String, Held>,
}

/// The output field that carries the number of repeats in a summary alert.
pub const REPEATS_FIELD: &str = "dockguard.repeats";

impl Deduplicator {
    /// `window` zero disables deduplication.
    pub fn new(window: Duration, max_keys: usize) -> Self {
        Deduplicator {
            window,
            max_keys: max_keys.max(1),
            held: HashMap::new(),
        }
    }

    /// `Some(alert)` when it is to be sent now; `None` when it repeats one sent within the
    /// window (it is counted). Windows that ended are closed first (see [`Self::expired`]).
    pub fn offer(&mut self, alert: Alert, now: Instant) -> Option<Alert> {
        if self.window.is_zero() {
            return Some(alert);
        }
        let key = dedup_key(&alert);
        if let Some(h) = self.held.get_mut(&key)
            && now.duration_since(h.window_start) < self.window
        {
            h.suppressed += 1;
            h.last = Some(alert);
            return None;
        }
        self.held.insert(
            key,
            Held {
                window_start: now,
                suppressed: 0,
                last: None,
            },
        );
        Some(alert)
    }

    /// Closes the windows that ended by `now` (and the oldest ones beyond `max_keys`): one
    /// summary alert for each that held repeats back.
    pub fn expired(&mut self, now: Instant) -> Vec<Alert> {
        let window = self.window;
        let mut done: Vec<(String, Instant)> = self
            .held
            .iter()
            .filter(|(_, h)| now.duration_since(h.window_start) >= window)
            .map(|(k, h)| (k.clone(), h.window_start))
            .collect();
        if self.held.len() - done.len() > self.max_keys {
            let mut open: Vec<(String, Instant)> = self
                .held
                .iter()
                .filter(|(_, h)| now.duration_since(h.window_start) < window)
                .map(|(k, h)| (k.clone(), h.window_start))
                .collect();
            open.sort_by_key(|(_, start)| *start);
            let excess = open.len() - self.max_keys;
            done.extend(open.into_iter().take(excess));
        }
        done.sort_by_key(|(_, start)| *start);
        done.into_iter()
            .filter_map(|(k, _)| self.held.remove(&k))
            .filter_map(|h| summary(h, window))
            .collect()
    }

    /// Closes every window (at exit).
    pub fn flush(&mut self) -> Vec<Alert> {
        let window = self.window;
        let mut held: Vec<Held> = self.held.drain().map(|(_, h)| h).collect();
        held.sort_by_key(|h| h.window_start);
        held.into_iter()
            .filter_map(|h| summary(h, window))
            .collect()
    }

    /// Distinct alerts being tracked.
    pub fn tracked(&self) -> usize {
        self.held.len()
    }
}

fn summary(h: Held, window: Duration) -> Option<Alert> {
    let mut alert = h.last?;
    if h.suppressed == 0 {
        return None;
    }
    alert.output = format!(
        "{} (repeated {} more time{} within {} s; this is the last)",
        alert.output,
        h.suppressed,
        if h.suppressed == 1 { "" } else { "s" },
        window.as_secs()
    );
    alert
        .output_fields
        .insert(REPEATS_FIELD.into(), serde_json::Value::from(h.suppressed));
    Some(alert)
}

/// A token bucket per rule: `burst` alerts at once, refilled at `per_minute`.
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    /// `per_minute` zero disables the limit.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute) / 60.0,
            buckets: HashMap::new(),
        }
    }

    /// Whether `rule` may send an alert at `now` (takes a token if so).
    pub fn allow(&mut self, rule: &str, now: Instant) -> bool {
        if self.per_second == 0.0 {
            return true;
        }
        let (burst, rate) = (self.burst, self.per_second);
        let (tokens, last) = self.buckets.entry(rule.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What a watch saw and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Events received, per source.
    pub events: BTreeMap<String, u64>,
    /// Events lost, per source (kernel buffer overruns, a full queue).
    pub dropped: BTreeMap<String, u64>,
    /// Events evaluated against the rules.
    pub evaluated: u64,
    /// Rule matches.
    pub matched: u64,
    /// Alerts sent to the sinks (summaries of repeats included).
    pub sent: u64,
    /// Matches held back as repeats.
    pub deduplicated: u64,
    /// Matches refused by a rule's rate limit.
    pub rate_limited: u64,
    /// Alerts below the minimum priority.
    pub below_priority: u64,
    /// Sink failures (an unreachable webhook, a full disk).
    pub sink_errors: u64,
}

impl Counters {
    /// One line: `events: proc 1203, docker 4 | dropped: 0 | evaluated 1207 | …`.
    pub fn summary(&self) -> String {
        let per = |m: &BTreeMap<String, u64>| {
            if m.is_empty() {
                "0".to_string()
            } else {
                m.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        format!(
            "events: {} | dropped: {} | evaluated {} | matched {} | sent {} | deduplicated {} | rate-limited {} | below priority {} | sink errors {}",
            per(&self.events),
            per(&self.dropped),
            self.evaluated,
            self.matched,
            self.sent,
            self.deduplicated,
            self.rate_limited,
            self.below_priority,
            self.sink_errors
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn alert(rule: &str, pid: i64, cmd: &str) -> Alert {
        Alert {
            time: std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            rule: rule.into(),
            priority: "Notice".into(),
            output: format!("shell {cmd} pid={pid}"),
            output_fields: BTreeMap::from([
                ("proc.pid".to_string(), json!(pid)),
                ("proc.cmdline".to_string(), json!(cmd)),
                ("proc.aname[2]".to_string(), json!("bash")),
            ]),
            tags: vec!["container".into(), "shell".into()],
            source: "syscall".into(),
            hostname: "h".into(),
        }
    }

    #[test]
    fn falco_shapes() {
        let a = alert("Terminal shell", 7, "sh");
        assert_eq!(
            a.text(),
            "2023-11-14T22:13:20.000000000Z: Notice shell sh pid=7"
        );
        let v: serde_json::Value = serde_json::from_str(&a.json()).unwrap();
        assert_eq!(v["time"], "2023-11-14T22:13:20.000000000Z");
        assert_eq!(v["rule"], "Terminal shell");
        assert_eq!(v["output_fields"]["proc.pid"], 7);
        assert_eq!(v["tags"], json!(["container", "shell"]));
        for key in ["priority", "output", "source", "hostname"] {
            assert!(v.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn repeats_within_the_window_are_counted_and_summarised() {
        let t0 = Instant::now();
        let mut d = Deduplicator::new(Duration::from_secs(60), 100);
        assert!(d.offer(alert("r", 1, "sh"), t0).is_some());
        // Another pid, same command: a repeat.
        assert!(
            d.offer(alert("r", 2, "sh"), t0 + Duration::from_secs(1))
                .is_none()
        );
        assert!(
            d.offer(alert("r", 3, "sh"), t0 + Duration::from_secs(2))
                .is_none()
        );
        // Another command: new.
        assert!(
            d.offer(alert("r", 4, "bash"), t0 + Duration::from_secs(3))
                .is_some()
        );
        assert!(d.expired(t0 + Duration::from_secs(30)).is_empty());
        let closed = d.expired(t0 + Duration::from_secs(61));
        assert_eq!(closed.len(), 1, "only the window with repeats says so");
        assert_eq!(closed[0].output_fields[REPEATS_FIELD], 2);
        assert!(
            closed[0]
                .output
                .contains("repeated 2 more times within 60 s")
        );
        assert_eq!(closed[0].output_fields["proc.pid"], 3, "the last one held");
        // After its window, the same alert is sent again.
        assert!(
            d.offer(alert("r", 5, "sh"), t0 + Duration::from_secs(62))
                .is_some()
        );
        assert!(
            d.offer(alert("r", 6, "sh"), t0 + Duration::from_secs(63))
                .is_none()
        );
        let flushed = d.flush();
        assert_eq!(flushed.len(), 1);
        assert_eq!(flushed[0].output_fields[REPEATS_FIELD], 1);
        assert_eq!(d.tracked(), 0);
    }

    #[test]
    fn tracking_is_bounded() {
        let t0 = Instant::now();
        let mut d = Deduplicator::new(Duration::from_secs(60), 3);
        for i in 0..10 {
            d.offer(
                alert("r", 1, &format!("cmd{i}")),
                t0 + Duration::from_millis(i),
            );
            d.offer(
                alert("r", 2, &format!("cmd{i}")),
                t0 + Duration::from_millis(i),
            );
            d.expired(t0 + Duration::from_millis(i));
            assert!(d.tracked() <= 4, "{}", d.tracked());
        }
        // Windows closed early still report their repeats.
        assert_eq!(d.flush().len(), 3);
    }

    #[test]
    fn zero_window_sends_everything() {
        let mut d = Deduplicator::new(Duration::ZERO, 3);
        let t0 = Instant::now();
        assert!(d.offer(alert("r", 1, "sh"), t0).is_some());
        assert!(d.offer(alert("r", 1, "sh"), t0).is_some());
    }

    #[test]
    fn rate_limit_per_rule() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(60, 2);
        assert!(r.allow("a", t0) && r.allow("a", t0));
        assert!(!r.allow("a", t0), "burst spent");
        assert!(r.allow("b", t0), "another rule has its own bucket");
        assert!(
            r.allow("a", t0 + Duration::from_millis(1000)),
            "one token a second"
        );
        assert!(!r.allow("a", t0 + Duration::from_millis(1100)));
        let mut off = RateLimiter::new(0, 1);
        assert!((0..1000).all(|_| off.allow("a", t0)));
    }

    #[test]
    fn volatile_fields() {
        assert!(is_volatile("proc.pid") && is_volatile("proc.apid[2]"));
        assert!(!is_volatile("proc.pidx") && !is_volatile("proc.cmdline"));
        let c = Counters {
            events: BTreeMap::from([("proc".into(), 3)]),
            ..Counters::default()
        };
        assert!(c.summary().starts_with("events: proc 3 | dropped: 0 |"));
    }
}
