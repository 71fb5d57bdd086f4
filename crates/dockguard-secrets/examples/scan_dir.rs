//! Scans every file under a directory and prints the matches and the throughput.
//!
//! ```sh
//! cargo run --release -p dockguard-secrets --example scan_dir -- DIR [--quiet]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use dockguard_secrets::{MAX_FILE_SIZE, ScanSkip, Scanner};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if entry.file_name() != ".git" {
                collect(&entry.path(), out);
            }
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: scan_dir DIR [--quiet]");
        std::process::exit(2);
    };
    let quiet = args.any(|a| a == "--quiet");

    let started = Instant::now();
    let scanner = Scanner::new();
    let build = started.elapsed();

    let mut files = Vec::new();
    collect(Path::new(&dir), &mut files);

    let started = Instant::now();
    let (mut scanned, mut bytes, mut matches, mut binary, mut large) = (0usize, 0u64, 0, 0, 0);
    for path in &files {
        let too_large = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_FILE_SIZE as u64);
        if too_large {
            large += 1;
            continue;
        }
        let Ok(content) = std::fs::read(path) else {
            continue;
        };
        let name = path.to_string_lossy();
        match scanner.try_scan(&name, &content) {
            Ok(found) => {
                scanned += 1;
                bytes += content.len() as u64;
                matches += found.len();
                if !quiet {
                    for m in found {
                        println!(
                            "{name}:{}:{}: {} [{}] {}",
                            m.line,
                            m.column,
                            m.rule.id,
                            m.rule.severity.as_str(),
                            m.masked
                        );
                    }
                }
            }
            Err(ScanSkip::Binary(_)) => binary += 1,
            Err(ScanSkip::TooLarge { .. }) => large += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!(
        "rules compiled in {:.1} ms; {scanned} text files ({:.1} MiB) scanned in {:.3} s: \
         {:.0} files/s, {:.1} MiB/s; {matches} matches; skipped {binary} binary, {large} too large",
        build.as_secs_f64() * 1e3,
        bytes as f64 / 1048576.0,
        elapsed,
        scanned as f64 / elapsed,
        bytes as f64 / 1048576.0 / elapsed,
    );
}
