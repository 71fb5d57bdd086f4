//! The Docker events stream: `GET /events?filters={"type":["container"]}`, one JSON message
//! per line. Every container event becomes an [`crate::Event`] with `evt.type=container`,
//! `evt.source=docker` and `docker.action` (`create`, `start`, `die`, `exec_create`,
//! `exec_start`, `destroy`, …: the part of `Action` before `: `).
//!
//! - `create`/`start`: the container is inspected again (its pid and mounts are known at
//!   start) and cached; on `start` fanotify marks its root ([`crate::fan::Marker`]).
//! - `exec_create`/`exec_start`: `GET /exec/{execID}/json` fills `docker.exec.user`, `.tty`,
//!   `.privileged`, `.cmdline` (an exec that already ended keeps the command from the action).
//! - `die`/`destroy`: the event carries the cached metadata, then the cache forgets the
//!   container.
//!
//! Why not only the process connector: the engine knows what the kernel does not (who asked
//! for the exec, with a TTY, as which user). A broken stream is reopened (with `since` set to
//! the last event's time so nothing is missed, counted in `lost` as a gap).

use crate::enrich::Enricher;
use crate::event::{DockerAction, SourceKind};
use crate::fan::Marker;
use crate::{Context, SourceError, Stats};
use dockguard_engine::Engine;
use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One message of the stream, as far as we use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub action: String,
    /// The command after `: ` in `exec_start: sh -c …`.
    pub action_detail: Option<String>,
    pub id: String,
    pub attributes: Vec<(String, String)>,
    pub time_nano: Option<i64>,
}

/// Parses one line of the stream; `None` for other types, or garbage.
pub fn parse_message(line: &str) -> Option<Message> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let ty = v
        .get("Type")
        .or_else(|| v.get("Type"))
        .and_then(|t| t.as_str())?;
    if ty != "container" {
        return None;
    }
    let raw = v.get("Action").and_then(|a| a.as_str())?;
    let (action, detail) = match raw.split_once(": ") {
        Some((a, d)) => (a.to_string(), Some(d.to_string())),
        None => (raw.to_string(), None),
    };
    let actor = v.get("Actor")?;
    let id = actor
        .get("ID")
        .and_then(|i| i.as_str())
        .or_else(|| v.get("id").and_then(|i| i.as_str()))?
        .to_string();
    let mut attributes: Vec<(String, String)> = actor
        .get("Attributes")
        .and_then(|a| a.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    attributes.sort();
    Some(Message {
        action,
        action_detail: detail,
        id,
        attributes,
        time_nano: v.get("timeNano").and_then(|t| t.as_i64()),
    })
}

/// Fills the exec fields of `action` from `GET /exec/{id}/json`: user, tty, privileged,
/// entrypoint + arguments, pid.
pub fn apply_exec_inspect(action: &mut DockerAction, inspect: &serde_json::Value) {
    let pc = &inspect["ProcessConfig"];
    let mut cmd: Vec<String> = Vec::new();
    if let Some(e) = pc["entrypoint"].as_str() {
        cmd.push(e.to_string());
    }
    if let Some(args) = pc["arguments"].as_array() {
        cmd.extend(args.iter().filter_map(|a| a.as_str()).map(str::to_string));
    }
    action.exec_user = pc["user"].as_str().map(str::to_string);
    action.exec_tty = pc["tty"].as_bool();
    action.exec_privileged = pc["privileged"].as_bool();
    action.exec_cmdline = (!cmd.is_empty()).then(|| cmd.join(" "));
    action.exec_pid = inspect["Pid"]
        .as_i64()
        .and_then(|p| i32::try_from(p).ok())
        .filter(|&p| p > 0);
}

/// The Docker events source.
pub struct DockerEvents {
    engine: Engine,
    marker: Option<Marker>,
    reader: BufReader<dockguard_engine::BodyReader<UnixStream>>,
    handle: Arc<Mutex<UnixStream>>,
}

const FILTERS: &str = r#"{"type":["container"]}"#;

impl DockerEvents {
    /// Opens the stream (fails when the engine does not answer).
    pub fn open(engine: Engine, marker: Option<Marker>) -> Result<Self, SourceError> {
        let (reader, handle) = open_stream(&engine, None)?;
        Ok(DockerEvents {
            engine,
            marker,
            reader,
            handle: Arc::new(Mutex::new(handle)),
        })
    }

    /// Ends a blocked read from another thread (call after setting the stop flag).
    pub fn stopper(&self) -> impl FnOnce() + Send + 'static {
        let handle = Arc::clone(&self.handle);
        move || {
            if let Ok(h) = handle.lock() {
                let _ = h.shutdown(std::net::Shutdown::Both);
            }
        }
    }

    pub fn run(mut self, ctx: Context) {
        // Containers running before we started: cache them, let fanotify mark them.
        if let Ok(list) = self.engine.containers(false)
            && let Some(list) = list.value.as_array()
        {
            for c in list {
                if let Some(id) = c["Id"].as_str()
                    && let Some(info) = ctx.enricher.containers.refresh(id)
                    && let Some(m) = &self.marker
                {
                    m.mark_container(&info);
                }
            }
        }
        let mut last_time: Option<i64> = None;
        let mut line = String::new();
        while !ctx.stopped() {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    if ctx.stopped() {
                        return;
                    }
                    // The stream broke (engine restart): reopen from the last event seen.
                    Stats::add(&ctx.stats.lost, 1);
                    std::thread::sleep(Duration::from_millis(500));
                    match open_stream(&self.engine, last_time) {
                        Ok((reader, handle)) => {
                            self.reader = reader;
                            if let Ok(mut h) = self.handle.lock() {
                                *h = handle;
                            }
                            if ctx.stopped() {
                                return;
                            }
                        }
                        Err(_) => Stats::add(&ctx.stats.errors, 1),
                    }
                }
                Ok(_) => {
                    let Some(msg) = parse_message(line.trim()) else {
                        continue;
                    };
                    last_time = msg.time_nano.or(last_time);
                    Stats::add(&ctx.stats.seen, 1);
                    if !self.handle_message(&ctx, msg) {
                        return;
                    }
                }
            }
        }
    }

    fn handle_message(&self, ctx: &Context, msg: Message) -> bool {
        let enricher: &Enricher = &ctx.enricher;
        let cache = &enricher.containers;
        let mut action = DockerAction {
            action: msg.action.clone(),
            attributes: msg.attributes.clone(),
            ..Default::default()
        };
        let info = match msg.action.as_str() {
            "create" | "start" | "restart" => {
                cache.revive(&msg.id);
                let info = cache.refresh(&msg.id);
                if msg.action == "start"
                    && let (Some(info), Some(m)) = (&info, &self.marker)
                {
                    m.mark_container(info);
                }
                info
            }
            _ => cache.get(&msg.id),
        };
        if msg.action.starts_with("exec_") {
            let exec_id = msg
                .attributes
                .iter()
                .find(|(k, _)| k == "execID")
                .map(|(_, v)| v.clone());
            if let Some(id) = &exec_id
                && let Ok(inspect) = self.engine.inspect_exec(id)
            {
                apply_exec_inspect(&mut action, &inspect.value);
            }
            if action.exec_cmdline.is_none() {
                action.exec_cmdline = msg.action_detail.clone();
            }
            action.exec_id = exec_id;
        }
        let mut event = ctx.event(SourceKind::Docker, "container");
        event.container_id = Some(msg.id.clone());
        event.container = info;
        event.docker = Some(action);
        if matches!(msg.action.as_str(), "die" | "destroy") {
            enricher.forget_container(&msg.id);
        }
        ctx.send(event)
    }

    pub fn spawn(self, ctx: Context) -> JoinHandle<()> {
        std::thread::Builder::new()
            .name("dg-watch-docker".into())
            .spawn(move || self.run(ctx))
            .expect("a thread starts")
    }
}

type Stream = (
    BufReader<dockguard_engine::BodyReader<UnixStream>>,
    UnixStream,
);

fn open_stream(engine: &Engine, since_nano: Option<i64>) -> Result<Stream, SourceError> {
    let filters: serde_json::Value = serde_json::from_str(FILTERS).expect("valid filters");
    // `since` is in seconds: resume one second early; duplicates are better than a gap.
    let result = engine.events(&filters, since_nano.map(|ns| ns / 1_000_000_000 - 1));
    let (body, handle) = result.map_err(|e| SourceError::Failed {
        source: SourceKind::Docker,
        detail: e.to_string(),
    })?;
    Ok((BufReader::new(body), handle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_container_messages() {
        let line = r#"{"status":"exec_start: sh -c id","id":"abc","from":"img","Type":"container","Action":"exec_start: sh -c id","Actor":{"ID":"abc","Attributes":{"execID":"e1","image":"img","name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}"#;
        let m = parse_message(line).unwrap();
        assert_eq!(m.action, "exec_start");
        assert_eq!(m.action_detail.as_deref(), Some("sh -c id"));
        assert_eq!(m.id, "abc");
        assert!(m.attributes.contains(&("execID".into(), "e1".into())));
        assert_eq!(m.time_nano, Some(1700000000123456789));
        assert_eq!(
            parse_message(r#"{"Type":"network","Action":"connect","Actor":{"ID":"n"}}"#),
            None
        );
        assert_eq!(parse_message("not json"), None);
        assert_eq!(parse_message(r#"{"Type":"container"}"#), None);
    }

    #[test]
    fn exec_inspect_details() {
        let v = serde_json::json!({"Pid": 77, "ProcessConfig": {"user": "nobody", "tty": true, "privileged": false, "entrypoint": "sh", "arguments": ["-c", "id"]}});
        let mut a = DockerAction::default();
        apply_exec_inspect(&mut a, &v);
        assert_eq!(a.exec_user.as_deref(), Some("nobody"));
        assert_eq!((a.exec_tty, a.exec_privileged), (Some(true), Some(false)));
        assert_eq!(a.exec_cmdline.as_deref(), Some("sh -c id"));
        assert_eq!(a.exec_pid, Some(77));
        let mut empty = DockerAction::default();
        apply_exec_inspect(&mut empty, &serde_json::json!({}));
        assert_eq!(empty, DockerAction::default());
    }
}
