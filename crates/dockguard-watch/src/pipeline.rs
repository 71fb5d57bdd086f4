//! From events to alerts: each event is evaluated against the rules; each match becomes a
//! Falco-shaped [`Alert`], filtered by minimum priority, per-rule rate limit and
//! deduplication, then sent to every sink. Sink failures are collected for the caller to
//! report (this crate does not print).

use crate::event::Event;
use dockguard_alerts::sinks::Sink;
use dockguard_alerts::{Alert, Counters, Deduplicator, RateLimiter};
use dockguard_falco::{Priority, Ruleset};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How alerts are filtered.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Alerts below this priority are not sent (counted).
    pub min_priority: Priority,
    /// Repeats within this window are held back and summarised (zero: off).
    pub dedup_window: Duration,
    /// Distinct alerts tracked for deduplication at most.
    pub dedup_keys: usize,
    /// Alerts per minute per rule (zero: no limit), with this burst.
    pub rate_per_minute: u32,
    pub rate_burst: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_priority: Priority::Debug,
            dedup_window: Duration::from_secs(60),
            dedup_keys: 10_000,
            rate_per_minute: 120,
            rate_burst: 20,
        }
    }
}

pub struct Pipeline {
    rules: Ruleset,
    policy: Policy,
    dedup: Deduplicator,
    limiter: RateLimiter,
    sinks: Vec<Box<dyn Sink + Send>>,
    counters: Counters,
    /// Sink failures not yet taken by [`Pipeline::take_errors`].
    errors: Vec<String>,
}

impl Pipeline {
    pub fn new(rules: Ruleset, policy: Policy, sinks: Vec<Box<dyn Sink + Send>>) -> Self {
        Pipeline {
            dedup: Deduplicator::new(policy.dedup_window, policy.dedup_keys),
            limiter: RateLimiter::new(policy.rate_per_minute, policy.rate_burst),
            rules,
            policy,
            sinks,
            counters: Counters::default(),
            errors: Vec::new(),
        }
    }

    /// Evaluates one event; returns the number of alerts sent for it.
    pub fn handle(&mut self, event: &Event, now: Instant) -> usize {
        *self
            .counters
            .events
            .entry(event.source.name().to_string())
            .or_default() += 1;
        self.counters.evaluated += 1;
        let mut alerts = Vec::new();
        for rule in self.rules.matching(event) {
            self.counters.matched += 1;
            if rule.priority() > self.policy.min_priority {
                self.counters.below_priority += 1;
                continue;
            }
            if !self.limiter.allow(rule.name(), now) {
                self.counters.rate_limited += 1;
                continue;
            }
            let (output, output_fields) = rule.format(event);
            alerts.push(Alert {
                time: UNIX_EPOCH + Duration::from_nanos(event.time_ns.max(0) as u64),
                rule: rule.name().to_string(),
                priority: rule.priority().as_str().to_string(),
                output,
                output_fields,
                tags: rule.tags().to_vec(),
                source: rule.source().to_string(),
                hostname: event.hostname.to_string(),
            });
        }
        let mut sent = 0;
        for alert in alerts {
            match self.dedup.offer(alert, now) {
                Some(a) => {
                    self.send(&a);
                    sent += 1;
                }
                None => self.counters.deduplicated += 1,
            }
        }
        sent
    }

    /// Sends the summaries of deduplication windows that ended; call it now and then.
    pub fn tick(&mut self, now: Instant) {
        for summary in self.dedup.expired(now) {
            self.send(&summary);
        }
    }

    /// Sends every pending summary (at exit) and returns the counters.
    pub fn finish(&mut self) -> &Counters {
        for summary in self.dedup.flush() {
            self.send(&summary);
        }
        &self.counters
    }

    fn send(&mut self, alert: &Alert) {
        self.counters.sent += 1;
        for sink in &mut self.sinks {
            if let Err(e) = sink.send(alert) {
                self.counters.sink_errors += 1;
                // Bounded: one message per failure kept until taken.
                if self.errors.len() < 100 {
                    self.errors.push(format!("{}: {e}", sink.name()));
                }
            }
        }
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Records what the sources lost or dropped, for the counters' summary.
    pub fn set_source_losses(&mut self, source: &str, lost: u64) {
        if lost > 0 {
            self.counters.dropped.insert(source.to_string(), lost);
        }
    }

    /// Sink failures since the last call.
    pub fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }

    pub fn rules(&self) -> &Ruleset {
        &self.rules
    }
}

/// Now, for [`Alert::time`] of synthetic events.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Process, SourceKind};
    use dockguard_alerts::sinks::{Format, WriterSink};
    use std::sync::{Arc, Mutex};

    /// A writer the test can read after the pipeline is done with it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn exec(name: &str, pid: i32, cmdline: &str) -> Event {
        Event {
            num: 1,
            time_ns: 1_700_000_000_000_000_000,
            source: SourceKind::ProcConnector,
            evt_type: "execve",
            hostname: Arc::from("host1"),
            process: Some(Process {
                pid,
                name: Some(name.into()),
                argv: Some(cmdline.split(' ').map(str::to_string).collect()),
                ..Process::default()
            }),
            container_id: None,
            container: None,
            file: None,
            docker: None,
        }
    }

    const RULES: &str = r#"
- rule: Miner
  desc: miner
  condition: evt.type = execve and proc.name = xmrig
  output: "miner %proc.cmdline pid=%proc.pid"
  priority: CRITICAL
  tags: [miner]
- rule: Any exec
  desc: any
  condition: evt.type = execve
  output: "exec %proc.name"
  priority: DEBUG
"#;

    #[test]
    fn matches_become_deduplicated_rate_limited_alerts() {
        let (rules, _) = Ruleset::load_str(&[("r.yaml", RULES)]).unwrap();
        let out = Shared::default();
        let sink = WriterSink::new(out.clone(), Format::Json, "test");
        let policy = Policy {
            min_priority: Priority::Notice,
            rate_per_minute: 60,
            rate_burst: 3,
            ..Policy::default()
        };
        let mut p = Pipeline::new(rules, policy, vec![Box::new(sink)]);
        let t0 = Instant::now();
        assert_eq!(p.handle(&exec("xmrig", 10, "xmrig -o pool"), t0), 1);
        // Same command, other pid: a repeat.
        assert_eq!(p.handle(&exec("xmrig", 11, "xmrig -o pool"), t0), 0);
        // Other commands: new alerts until the burst of 3 is spent.
        assert_eq!(p.handle(&exec("xmrig", 12, "xmrig -o a"), t0), 1);
        assert_eq!(p.handle(&exec("xmrig", 13, "xmrig -o b"), t0), 0);
        assert_eq!(p.handle(&exec("sh", 14, "sh"), t0), 0, "below Notice");
        let c = p.finish().clone();
        assert_eq!(c.evaluated, 5);
        assert_eq!(c.matched, 9, "4 miners and 5 execs");
        assert_eq!(c.below_priority, 5);
        assert_eq!(c.rate_limited, 1, "the 4th miner alert");
        assert_eq!(c.deduplicated, 1);
        assert_eq!(c.sent, 3, "2 alerts and 1 summary of the repeat");
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["rule"], "Miner");
        assert_eq!(lines[0]["priority"], "Critical");
        assert_eq!(lines[0]["output"], "miner xmrig -o pool pid=10");
        assert_eq!(lines[0]["hostname"], "host1");
        assert_eq!(lines[0]["time"], "2023-11-14T22:13:20.000000000Z");
        assert_eq!(lines[2]["output_fields"]["dockguard.repeats"], 1);
        assert_eq!(lines[2]["output_fields"]["proc.pid"], 11);
    }

    struct Failing;
    impl Sink for Failing {
        fn send(&mut self, _: &Alert) -> Result<(), String> {
            Err("unreachable".into())
        }
        fn name(&self) -> String {
            "webhook".into()
        }
    }

    #[test]
    fn sink_failures_are_counted_and_reported() {
        let (rules, _) = Ruleset::load_str(&[("r.yaml", RULES)]).unwrap();
        let mut p = Pipeline::new(rules, Policy::default(), vec![Box::new(Failing)]);
        p.handle(&exec("xmrig", 1, "xmrig"), Instant::now());
        assert_eq!(p.counters().sink_errors, 2);
        assert_eq!(p.take_errors()[0], "webhook: unreachable");
        assert!(p.take_errors().is_empty());
    }
}
