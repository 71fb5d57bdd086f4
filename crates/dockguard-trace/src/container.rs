//! Recording a command inside a container of an image on the local Docker engine: the static
//! recorder (`dockguard-recorder`) is bind-mounted read-only at `/.dockguard/recorder` and is
//! the container's entrypoint; it traces the command and writes its [`RecorderOutput`] into a
//! bind-mounted output directory. The container runs with the engine's defaults (Docker's
//! seccomp profile included: ptrace stops at syscall entry before seccomp decides, so syscalls
//! the default profile refuses are recorded too) and is always removed afterwards.

use crate::model::{FORMAT_VERSION, RecorderOutput, Trace};
use dockguard_engine::Engine;
use serde_json::{Value, json};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// Where the recorder and its output directory are mounted in the container.
const RECORDER_PATH: &str = "/.dockguard/recorder";
const OUTPUT_DIR: &str = "/.dockguard/out";
/// Largest recorder output read back (a trace of a huge workload is a few MiB).
const MAX_OUTPUT: u64 = 256 * 1024 * 1024;
/// How long the engine may take beyond the recorder's own timeout before the container is
/// removed by force.
const ENGINE_GRACE: Duration = Duration::from_secs(60);
/// With no timeout, how long to wait for the container at most.
const NO_TIMEOUT_WAIT: Duration = Duration::from_secs(24 * 3600);

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct ContainerRun {
    pub image: String,
    /// The command; empty: the image's entrypoint and command.
    pub command: Vec<String>,
    pub user: Option<String>,
    pub network: Option<String>,
    pub env: Vec<String>,
    pub timeout: Option<Duration>,
}

/// A recording made in a container.
#[derive(Debug)]
pub struct ContainerTrace {
    pub trace: Trace,
    /// The command that ran (the image's default one when none was given).
    pub command: Vec<String>,
    /// What the command wrote (the container's log).
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

#[derive(Debug)]
pub enum ContainerError {
    /// This build has no static recorder.
    NoRecorder(String),
    Engine(dockguard_engine::Error),
    /// The image has no entrypoint or command and none was given.
    NoCommand(String),
    /// The recorder ran but could not record (command not found, timeout, …).
    Recorder(String),
    /// The recorder left no usable output.
    Output(String),
    Io(String),
}

impl std::fmt::Display for ContainerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContainerError::NoRecorder(why) => write!(
                f,
                "this dockguard was built without the static recorder that --image needs: {why}"
            ),
            ContainerError::Engine(e) => write!(f, "{e}"),
            ContainerError::NoCommand(image) => write!(
                f,
                "image {image} has no entrypoint or command; give the command after --"
            ),
            ContainerError::Recorder(e) => write!(f, "in the container: {e}"),
            ContainerError::Output(e) => write!(f, "{e}"),
            ContainerError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ContainerError {}

impl From<dockguard_engine::Error> for ContainerError {
    fn from(e: dockguard_engine::Error) -> Self {
        ContainerError::Engine(e)
    }
}

/// Removes the container however the recording ends.
struct Removal<'a> {
    engine: &'a Engine,
    id: String,
}

impl Drop for Removal<'_> {
    fn drop(&mut self) {
        let _ = self.engine.remove_container(&self.id);
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `run` in a container on `engine` under `recorder` (the static recorder's bytes).
pub fn record_in_container(
    engine: &Engine,
    recorder: &[u8],
    run: &ContainerRun,
) -> Result<ContainerTrace, ContainerError> {
    if recorder.is_empty() {
        return Err(ContainerError::NoRecorder("it is empty".into()));
    }
    let command = if run.command.is_empty() {
        let image = engine.inspect_image(&run.image)?;
        let config = image.value.get("Config");
        let mut c = strings(config.and_then(|c| c.get("Entrypoint")));
        c.extend(strings(config.and_then(|c| c.get("Cmd"))));
        if c.is_empty() {
            return Err(ContainerError::NoCommand(run.image.clone()));
        }
        c
    } else {
        run.command.clone()
    };

    let io = |what: &str, e: std::io::Error| ContainerError::Io(format!("{what}: {e}"));
    let dir = tempfile::Builder::new()
        .prefix("dockguard-record-")
        .tempdir()
        .map_err(|e| io("cannot make a temporary directory", e))?;
    // Readable by the container's user, whoever it is (user namespaces remap root too).
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .map_err(|e| io("chmod", e))?;
    let recorder_file = dir.path().join("recorder");
    std::fs::write(&recorder_file, recorder).map_err(|e| io("cannot write the recorder", e))?;
    std::fs::set_permissions(&recorder_file, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| io("chmod", e))?;
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).map_err(|e| io("mkdir", e))?;
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777))
        .map_err(|e| io("chmod", e))?;

    let mut entrypoint = vec![
        RECORDER_PATH.to_string(),
        "--out".into(),
        format!("{OUTPUT_DIR}/trace.json"),
    ];
    if let Some(t) = run.timeout {
        entrypoint.extend(["--timeout".into(), t.as_secs().max(1).to_string()]);
    }
    entrypoint.push("--".into());
    let mut host_config = json!({
        "Mounts": [
            {"Type": "bind", "Source": recorder_file, "Target": RECORDER_PATH, "ReadOnly": true},
            {"Type": "bind", "Source": out_dir, "Target": OUTPUT_DIR},
        ],
    });
    if let Some(n) = &run.network {
        host_config["NetworkMode"] = json!(n);
    }
    let mut config = json!({
        "Image": run.image,
        "Entrypoint": entrypoint,
        "Cmd": command,
        "Env": run.env,
        "Labels": {"dockguard.record": "true"},
        "AttachStdout": false,
        "AttachStderr": false,
        "HostConfig": host_config,
    });
    if let Some(u) = &run.user {
        config["User"] = json!(u);
    }
    let id = engine.create_container(&config)?;
    let removal = Removal { engine, id };
    engine.start_container(&removal.id)?;
    let wait = run.timeout.map_or(NO_TIMEOUT_WAIT, |t| t + ENGINE_GRACE);
    let status = engine
        .clone()
        .with_timeout(wait)
        .wait_container(&removal.id)?;
    let (stdout, stderr) = engine.container_logs(&removal.id).unwrap_or_default();
    drop(removal);

    let output = out_dir.join("trace.json");
    let trace = read_output(&output, status, &stderr)?;
    Ok(ContainerTrace {
        trace,
        command,
        stdout,
        stderr,
    })
}

fn read_output(path: &Path, status: i64, stderr: &[u8]) -> Result<Trace, ContainerError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(_) => {
            let tail = String::from_utf8_lossy(stderr);
            let tail: Vec<&str> = tail.lines().rev().take(3).collect();
            return Err(ContainerError::Output(format!(
                "the recorder wrote nothing (container exit status {status}){}",
                if tail.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; it said: {}",
                        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
                    )
                }
            )));
        }
    };
    let mut text = Vec::new();
    file.take(MAX_OUTPUT + 1)
        .read_to_end(&mut text)
        .map_err(|e| ContainerError::Output(format!("cannot read the recording: {e}")))?;
    if text.len() as u64 > MAX_OUTPUT {
        return Err(ContainerError::Output(format!(
            "the recording is larger than {MAX_OUTPUT} bytes"
        )));
    }
    match serde_json::from_slice::<RecorderOutput>(&text) {
        Ok(RecorderOutput::Trace(t)) if t.version == FORMAT_VERSION => Ok(*t),
        Ok(RecorderOutput::Trace(t)) => Err(ContainerError::Output(format!(
            "the recorder wrote format version {}, this dockguard reads {FORMAT_VERSION}",
            t.version
        ))),
        Ok(RecorderOutput::Error(e)) => Err(ContainerError::Recorder(e)),
        Err(e) => Err(ContainerError::Output(format!(
            "the recording is not valid: {e}"
        ))),
    }
}
