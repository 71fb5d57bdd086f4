//! Fuzzes workload loading (YAML tree, compose, Kubernetes, scripts, inspect JSON) and every
//! workload rule. The first byte picks the file kind; the rest must be UTF-8.
//!
//! Asserts "never panics": `load` either fails with a positioned error or yields a workload
//! every rule can run on.
#![no_main]

use dockguard_core::Config;
use dockguard_workload::FileKind;
use libfuzzer_sys::fuzz_target;

const KINDS: [FileKind; 6] = [
    FileKind::Compose,
    FileKind::Kubernetes,
    FileKind::ShellScript,
    FileKind::Makefile,
    FileKind::Workflow,
    FileKind::Inspect,
];

fuzz_target!(init: dockguard_fuzz::tolerate_caught_dependency_panics(), |data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let kind = KINDS[usize::from(*selector) % KINDS.len()];
    dockguard_fuzz::guarded(|| {
        if let Ok(workload) = dockguard_workload::load("input", None, text, kind) {
            dockguard_workload::check(&workload, &Config::default(), None);
        }
    });
});
