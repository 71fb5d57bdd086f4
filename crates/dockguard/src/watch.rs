//! `dockguard watch`: Falco-format rules on live process, file and Docker events (step 7).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use clap::{Args, ValueEnum};
use dockguard_alerts::sinks::{Format, Sink, SyslogSink, WebhookSink, WriterSink, file_sink};
use dockguard_falco::{Priority, Ruleset};
use dockguard_watch::pipeline::{Pipeline, Policy};
use dockguard_watch::{Config, Sources, default_rules};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceName {
    /// The netlink process connector: exec, fork, exit, uid/gid changes.
    Proc,
    /// The Docker engine's events: container create/start/die, exec.
    Docker,
    /// fanotify: sensitive files read, binary and /etc directories written.
    Files,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertFormat {
    /// Falco's text lines: `TIME: Priority output`.
    Text,
    /// Falco's JSON alerts, one per line.
    Json,
}

/// Watch the host and its containers with Falco-format rules (needs root): the netlink
/// process connector, the Docker events stream and fanotify, no kernel module. Alerts go to
/// standard output (and --output-file, --syslog, --webhook); repeats are deduplicated, each
/// rule is rate-limited; counters are printed on exit and on SIGUSR1.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Rules files in Falco's format, loaded after dockguard's default rules (repeatable;
    /// later files override earlier ones).
    #[arg(long = "rules", short = 'r', value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Do not load dockguard's default rules.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Load and check the rules, print what was loaded, and exit.
    #[arg(long)]
    pub check: bool,
    /// Stop after this long (`90s`, `5m`, `2h`; default: until SIGINT/SIGTERM).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Event sources (default: all three).
    #[arg(
        long = "source",
        value_enum,
        value_delimiter = ',',
        value_name = "SOURCE"
    )]
    pub sources: Vec<SourceName>,
    /// Format of the alerts on standard output and in --output-file.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: AlertFormat,
    /// Also append alerts to this file (created 0600).
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Do not write alerts to standard output.
    #[arg(long)]
    pub quiet: bool,
    /// Also send alerts to syslog (facility daemon), at this socket.
    #[arg(long, value_name = "SOCKET", num_args = 0..=1, default_missing_value = SyslogSink::DEFAULT_SOCKET)]
    pub syslog: Option<PathBuf>,
    /// Also POST each alert's JSON to this URL (falcosidekick-compatible).
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// Alerts below this priority are not sent (emergency … debug).
    #[arg(long, value_name = "PRIORITY", default_value = "debug", value_parser = parse_priority)]
    pub min_priority: Priority,
    /// Repeats of an alert within this window are held back and summarised (`0s`: off).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub dedup_window: Duration,
    /// Alerts per minute per rule at most (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 120)]
    pub rate_limit: u32,
    /// Burst allowed above the rate limit.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub burst: u32,
    /// Docker engine socket, `unix:///path` (default: DOCKER_HOST, the current Docker
    /// context, else unix:///var/run/docker.sock).
    #[arg(long, short = 'H', value_name = "HOST")]
    pub host: Option<String>,
}

/// `90s`, `5m`, `2h`, `250ms`, or plain seconds.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 90s, 5m, 2h)"))?;
    let secs = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => return Err(format!("`{text}`: unknown unit `{unit}` (ms, s, m, h)")),
    };
    Ok(secs)
}

fn parse_priority(text: &str) -> std::result::Result<Priority, String> {
    Priority::parse(text).ok_or_else(|| {
        format!(
            "`{text}` is not a priority (emergency, alert, critical, error, warning, notice, informational, debug)"
        )
    })
}

fn load_rules(args: &WatchArgs) -> Result<Ruleset> {
    let mut sources: Vec<(String, String)> = Vec::new();
    if !args.no_default_rules {
        sources.push((
            default_rules::NAME.to_string(),
            default_rules::TEXT.to_string(),
        ));
    }
    for path in &args.rules {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
        sources.push((path.display().to_string(), text));
    }
    if sources.is_empty() {
        bail!("no rules: --no-default-rules needs at least one --rules FILE");
    }
    let borrowed: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (rules, warnings) = Ruleset::load_str(&borrowed).map_err(|e| anyhow!("{e}"))?;
    for w in warnings {
        eprintln!("dockguard: warning: {w}");
    }
    Ok(rules)
}

pub fn run(args: &WatchArgs) -> Result<i32> {
    let rules = load_rules(args)?;
    let stats = rules.stats().clone();
    let enabled = rules.rules().iter().filter(|r| r.enabled()).count();
    if args.check {
        outln!(
            "{enabled} rules enabled ({} loaded, {} disabled, {} skipped for unknown fields, {} for other sources), {} macros, {} lists",
            stats.loaded,
            stats.disabled,
            stats.skipped_unknown_field,
            stats.skipped_source,
            stats.macros,
            stats.lists
        );
        for r in rules.rules().iter().filter(|r| r.enabled()) {
            outln!(
                "{:<13} {:<7} {}",
                r.priority().as_str(),
                r.source(),
                r.name()
            );
        }
        return Ok(0);
    }

    let mut sinks: Vec<Box<dyn Sink + Send>> = Vec::new();
    let format = match args.format {
        AlertFormat::Text => Format::Text,
        AlertFormat::Json => Format::Json,
    };
    if !args.quiet {
        sinks.push(Box::new(WriterSink::new(
            std::io::stdout(),
            format,
            "stdout",
        )));
    }
    if let Some(path) = &args.output_file {
        sinks.push(Box::new(file_sink(path, format).map_err(|e| anyhow!(e))?));
    }
    if let Some(socket) = &args.syslog {
        sinks.push(Box::new(
            SyslogSink::connect(socket).map_err(|e| anyhow!(e))?,
        ));
    }
    if let Some(url) = &args.webhook {
        sinks.push(Box::new(WebhookSink::new(url).map_err(|e| anyhow!(e))?));
    }

    let wanted = |s: SourceName| args.sources.is_empty() || args.sources.contains(&s);
    let config = Config {
        proc_connector: wanted(SourceName::Proc),
        docker: wanted(SourceName::Docker),
        fanotify: wanted(SourceName::Files),
        docker_host: args.host.clone(),
        ..Config::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let report = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    signal_hook::flag::register(signal_hook::consts::SIGUSR1, Arc::clone(&report))?;

    let (sender, receiver) = std::sync::mpsc::sync_channel(8192);
    let sources = Sources::start(&config, sender);
    for (kind, err) in sources.unavailable() {
        eprintln!("dockguard: warning: source {} is off: {err}", kind.name());
    }
    let running = sources.running();
    if running.is_empty() {
        sources.stop();
        bail!("no event source could start (see the warnings above)");
    }
    eprintln!(
        "dockguard: watching with {enabled} rules; sources: {}",
        running
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let policy = Policy {
        min_priority: args.min_priority,
        dedup_window: args.dedup_window,
        rate_per_minute: args.rate_limit,
        rate_burst: args.burst,
        ..Policy::default()
    };
    let mut pipeline = Pipeline::new(rules, policy, sinks);
    let started = Instant::now();
    let mut last_tick = started;
    let losses = |pipeline: &mut Pipeline, sources: &Sources| {
        for (kind, s) in sources.stats() {
            pipeline.set_source_losses(kind.name(), s.dropped + s.lost);
        }
    };
    loop {
        if stop.load(Ordering::Relaxed) || args.duration.is_some_and(|d| started.elapsed() >= d) {
            break;
        }
        match receiver.recv_timeout(Duration::from_millis(200)) {
            Ok(event) => {
                pipeline.handle(&event, Instant::now());
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        if now.duration_since(last_tick) >= Duration::from_secs(1) {
            pipeline.tick(now);
            last_tick = now;
        }
        for e in pipeline.take_errors() {
            eprintln!("dockguard: warning: alert not delivered to {e}");
        }
        if report.swap(false, Ordering::Relaxed) {
            losses(&mut pipeline, &sources);
            eprintln!("dockguard: {}", pipeline.counters().summary());
        }
    }
    // Events already queued are still evaluated.
    let final_stats = sources.stop();
    while let Ok(event) = receiver.try_recv() {
        pipeline.handle(&event, Instant::now());
    }
    for (kind, s) in final_stats {
        pipeline.set_source_losses(kind.name(), s.dropped + s.lost);
    }
    let counters = pipeline.finish().clone();
    for e in pipeline.take_errors() {
        eprintln!("dockguard: warning: alert not delivered to {e}");
    }
    std::io::stdout().flush()?;
    eprintln!("dockguard: {}", counters.summary());
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("5 minutes").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
