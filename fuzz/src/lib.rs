//! Shared set-up for the fuzz targets.

/// Narrows libFuzzer's "every panic is a crash" rule to the panics that escape.
///
/// `libfuzzer-sys` installs a panic hook that aborts the process on *any* panic, even one the
/// code under test catches on purpose. dockguard catches the panics of `brush-parser` 0.4 (its
/// tokenizer `unwrap`s on some unterminated input, e.g. `RUN cat <<e $(${T}`) and falls back to
/// a plain word split, so with that hook every such input would still count as a crash.
///
/// After this call, a panic raised inside brush-parser's own source is left to unwind
/// (silently): if dockguard catches it the input passes; if it escapes, [`guarded`] turns it
/// into a crash that says so. Every other panic goes to the aborting hook as before. Set
/// `DOCKGUARD_FUZZ_STRICT_PANICS=1` to keep the aborting hook for every panic.
pub fn tolerate_caught_dependency_panics() {
    if std::env::var_os("DOCKGUARD_FUZZ_STRICT_PANICS").is_some_and(|v| v != "0") {
        return;
    }
    let aborting = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_brush = info
            .location()
            .is_some_and(|l| l.file().replace('\\', "/").contains("/brush-parser-"));
        if !in_brush {
            aborting(info);
        }
    }));
}

/// Runs a fuzz target body. A panic that escapes it here can only be one the hook let unwind (a
/// brush-parser panic that dockguard did not catch); it is re-raised as a crash with its message.
pub fn guarded(body: impl FnOnce()) {
    if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        panic!("a brush-parser panic escaped dockguard uncaught: {msg}");
    }
}
