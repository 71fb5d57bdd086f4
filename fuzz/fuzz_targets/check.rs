//! Fuzzes the whole Dockerfile check (parse, model, every rule enabled by the default
//! configuration, suppressions) and the fixer.
//!
//! Input: arbitrary bytes; anything that is not valid UTF-8 is skipped.
//!
//! Asserts "never panics" for:
//! - `check` with `Config::default()` on the input;
//! - `fix_all` (up to 10 fix passes) on the input;
//! - `check` again on the text `fix_all` produced.
//!
//! It does not assert that fixing adds no syntax errors. Set `DOCKGUARD_FUZZ_REPORT=1` to have
//! each input whose fixed text has more syntax errors than the original printed to stderr (for
//! example when replaying a corpus with `-runs=0`).
#![no_main]

use dockguard_core::Config;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::default)
}

fn report() -> bool {
    static REPORT: OnceLock<bool> = OnceLock::new();
    *REPORT.get_or_init(|| std::env::var_os("DOCKGUARD_FUZZ_REPORT").is_some_and(|v| v != "0"))
}

fuzz_target!(init: dockguard_fuzz::tolerate_caught_dependency_panics(), |data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dockguard_fuzz::guarded(|| run(text));
    }
});

fn run(text: &str) {
    let config = config();
    let checked = dockguard_dockerfile::check("Dockerfile", None, text, config);
    let errors_before = checked.model.df.errors.len();

    let (fixed, applied) = dockguard_dockerfile::fix_all("Dockerfile", text, config, 10);
    if applied == 0 {
        return;
    }
    let rechecked = dockguard_dockerfile::check("Dockerfile", None, &fixed, config);
    let errors_after = rechecked.model.df.errors.len();
    if report() && errors_after > errors_before {
        eprintln!(
            "DOCKGUARD_FUZZ_REPORT: fix_all applied {applied} fix(es) and syntax errors went from \
             {errors_before} to {errors_after}\n--- input ---\n{text}\n--- fixed ---\n{fixed}\n--- new errors ---\n{:#?}",
            rechecked.model.df.errors
        );
    }
}
