//! Fuzzes the package catalogers of `dockguard-packages` (OS package databases, language
//! lockfiles and metadata, os-release). The first byte picks one of
//! `dockguard_packages::catalogers::CATALOGERS` (index modulo its length); the path handed to it
//! is the first of `PATHS` the cataloger `wants`; the rest of the input is the file's bytes.
//!
//! Asserts "never panics": `parse` returns packages and warnings for any bytes. Input longer than
//! the cataloger's `max_size` is cut there, as the analyzer does. The same bytes (uncut) also go
//! to `dockguard_packages::sbom_input` (`detect`, `read`): SBOM documents given as the target.
#![no_main]

use dockguard_packages::catalogers::CATALOGERS;
use libfuzzer_sys::fuzz_target;

/// One or more example paths per cataloger (each cataloger takes the first it wants).
const PATHS: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "var/lib/dpkg/status",
    "var/lib/dpkg/status.d/base",
    "var/lib/dpkg/info/libc6:amd64.list",
    "var/lib/dpkg/status.d/base.md5sums",
    "lib/apk/db/installed",
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages.db",
    "app/Cargo.lock",
    "app/go.mod",
    "app/package-lock.json",
    "app/yarn.lock",
    "app/pnpm-lock.yaml",
    "app/node_modules/x/package.json",
    "app/requirements.txt",
    "app/poetry.lock",
    "app/Pipfile.lock",
    "app/uv.lock",
    "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA",
    "usr/local/lib/python3.11/site-packages/x-1.0.egg-info/PKG-INFO",
    "app/Gemfile.lock",
    "usr/lib/ruby/gems/3.1.0/specifications/x-1.0.gemspec",
    "app/composer.lock",
    "app/x.deps.json",
    "app/packages.lock.json",
    "srv/app.war",
    "usr/share/doc/libc6/copyright",
    "app/vendor/composer/installed.json",
    "app/pom.xml",
];

/// The path given to catalogers that read executables (`wants_executable`: Go and Rust binaries).
const EXECUTABLE_PATH: &str = "usr/local/bin/app";

fn path_for(index: usize) -> Option<&'static str> {
    let cataloger = CATALOGERS.get(index)?;
    PATHS
        .iter()
        .copied()
        .find(|p| cataloger.wants(p))
        .or_else(|| cataloger.wants_executable().then_some(EXECUTABLE_PATH))
}

fn init() {
    dockguard_fuzz::tolerate_caught_dependency_panics();
    for (i, c) in CATALOGERS.iter().enumerate() {
        if path_for(i).is_none() {
            eprintln!(
                "packages target: no example path for cataloger {} (it is not fuzzed)",
                c.name()
            );
        }
    }
}

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else { return };
    if CATALOGERS.is_empty() {
        return;
    }
    let index = usize::from(*selector) % CATALOGERS.len();
    let Some(path) = path_for(index) else { return };
    let cataloger = CATALOGERS[index];
    let limit = usize::try_from(cataloger.max_size()).unwrap_or(usize::MAX);
    let content = &rest[..rest.len().min(limit)];
    dockguard_fuzz::guarded(|| {
        let parsed = cataloger.parse(path, content);
        std::hint::black_box(parsed);
        // The same bytes as an SBOM document given as the target (CycloneDX / SPDX JSON).
        std::hint::black_box(dockguard_packages::sbom_input::detect(rest));
        let _ = std::hint::black_box(dockguard_packages::sbom_input::read("sbom.json", rest));
    });
});
