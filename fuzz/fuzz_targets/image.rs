//! Fuzzes the image archive readers: the bytes are a `docker save` / OCI archive. The archive is
//! read twice: indexed from a file (manifest, index and config parsed, every layer walked and
//! every image rule run), and as the one-way stream an engine export is (layers walked as they
//! arrive, ordered by the manifest at the end, rules run). Small limits. Asserts "never panics":
//! every outcome is an analysis or a clean error.
#![no_main]

use dockguard_core::Config;
use dockguard_image::{Limits, OpenOptions, checks};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_entries: 10_000,
        max_layer_bytes: 16 << 20,
        ..Limits::default()
    };
    let options = OpenOptions {
        limits: limits.clone(),
        ..OpenOptions::default()
    };
    let settings = Config::default();
    if let Ok(mut file) = tempfile::NamedTempFile::new()
        && file.write_all(data).is_ok()
        && let Ok(source) = dockguard_image::open_archive(file.path(), &options)
    {
        let _ = checks::analyze(&source, "fuzz", &settings, &limits);
    }
    let _ = checks::analyze_stream(
        std::io::Cursor::new(data),
        "fuzz-stream",
        "fuzz",
        &settings,
        &options,
        |_| {},
    );
});
