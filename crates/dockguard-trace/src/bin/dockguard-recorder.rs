//! `dockguard-recorder [--timeout SECS] --out FILE -- CMD [ARGS]`: the recorder that
//! `dockguard seccomp record --image` mounts into a container (built statically, it needs
//! nothing from the image). It traces CMD and writes a `RecorderOutput` JSON to FILE; its
//! exit status is 0 when FILE was written, 2 otherwise. The command's own exit status is in
//! the trace.

use dockguard_trace::RecorderOutput;
use std::time::Duration;

fn usage() -> ! {
    eprintln!("usage: dockguard-recorder [--timeout SECS] --out FILE -- CMD [ARGS]");
    std::process::exit(2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut out, mut timeout) = (None, None);
    let mut command = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = Some(args.next().unwrap_or_else(|| usage())),
            "--timeout" => {
                let secs = args.next().and_then(|s| s.parse::<u64>().ok());
                timeout = Some(Duration::from_secs(secs.unwrap_or_else(|| usage())));
            }
            "--" => {
                command.extend(args.by_ref());
            }
            _ => usage(),
        }
    }
    let Some(out) = out else { usage() };
    let output = match dockguard_trace::record(&command, timeout) {
        Ok(trace) => RecorderOutput::Trace(Box::new(trace)),
        Err(e) => RecorderOutput::Error(e.to_string()),
    };
    let json = serde_json::to_vec(&output).expect("a trace serialises");
    if let Err(e) = std::fs::write(&out, json) {
        eprintln!("dockguard-recorder: cannot write {out}: {e}");
        std::process::exit(2);
    }
}
