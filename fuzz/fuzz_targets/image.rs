//! Fuzzes the image archive reader: the bytes are a `docker save` / OCI archive. The archive is
//! indexed, its manifest and config parsed, and every layer walked with small limits. Asserts
//! "never panics": every outcome is an image or a clean error.
#![no_main]

use dockguard_image::{Limits, OpenOptions};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else { return };
    if file.write_all(data).is_err() {
        return;
    }
    let limits = Limits {
        max_entries: 10_000,
        max_layer_bytes: 16 << 20,
        ..Limits::default()
    };
    let options = OpenOptions {
        limits: limits.clone(),
        ..OpenOptions::default()
    };
    if let Ok(source) = dockguard_image::open_archive(file.path(), &options) {
        let _ = dockguard_image::walk(&source, &mut [], &limits);
    }
});
