//! One cataloger per file type: a cheap path test ([`Cataloger::wants`]) and a parser of the
//! file's bytes. Listed once in [`CATALOGERS`].

pub mod common;
pub mod os_release;
// region: dpkg and apk (modules)
pub mod apk;
pub mod dpkg_files;
pub mod dpkg_status;
pub mod dpkg_status_d;
// endregion
// region: rpm (modules)
pub mod rpm_bdb;
pub mod rpm_header;
pub mod rpm_ndb;
pub mod rpm_sqlite;
// endregion
// region: rust, go and javascript (modules)
pub mod cargo_lock;
pub mod go_mod;
pub mod node_package;
pub mod npm_lock;
pub mod pnpm_lock;
pub mod yarn_lock;
// endregion
// region: python, ruby, php and dotnet (modules)
pub mod composer_lock;
pub mod dotnet_deps_json;
pub mod dotnet_packages_lock;
pub mod python_metadata;
pub mod python_pipfile_lock;
pub mod python_poetry_lock;
pub mod python_requirements;
pub mod python_uv_lock;
pub mod ruby_gemfile_lock;
pub mod ruby_gemspec;
// endregion
// region: binaries (modules)
pub mod binary_classifier;
pub mod go_binary;
pub mod rust_audit;
// endregion
// region: java (modules)
pub mod java_archive;
// endregion
// region: licences, composer installed, pom (modules)
pub mod composer_installed;
pub mod dpkg_copyright;
pub mod java_pom;
// endregion

use crate::model::{Distro, Package, Warning};

/// What a cataloger read from one file.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub packages: Vec<Package>,
    /// The operating system, for release files.
    pub distro: Option<Distro>,
    pub warnings: Vec<Warning>,
}

impl Parsed {
    /// A warning about `path` at `line`.
    pub fn warn(&mut self, path: &str, line: Option<u32>, message: impl Into<String>) {
        self.warnings.push(Warning {
            path: path.to_string(),
            layer: None,
            line,
            message: message.into(),
        });
    }
}

/// A reader of one kind of file.
pub trait Cataloger: Sync {
    /// A short name (`dpkg-status`, `cargo-lock`), for messages.
    fn name(&self) -> &'static str;
    /// Whether the file at `path` (normalised, no leading `/`) is one this cataloger reads.
    fn wants(&self, path: &str) -> bool;
    /// Whether this cataloger reads executable regular files (any execute bit) wherever they
    /// are, in addition to the paths of [`Cataloger::wants`]: binaries (Go build info, Rust
    /// `cargo auditable` data) can live at any path. Such a cataloger checks the file's format
    /// itself (ELF magic) and returns nothing for other files (scripts, other binaries).
    fn wants_executable(&self) -> bool {
        false
    }
    /// Bytes of the file read at most; longer files are cut there (and warned about).
    fn max_size(&self) -> u64 {
        DEFAULT_MAX_SIZE
    }
    /// Reads the packages (or the distro) of one file. Never panics: malformed input gives
    /// what could be read and warnings naming the position.
    fn parse(&self, path: &str, content: &[u8]) -> Parsed;
}

/// Bytes read of one catalogued file unless the cataloger says otherwise.
pub const DEFAULT_MAX_SIZE: u64 = 64 << 20;

/// Every cataloger.
pub static CATALOGERS: &[&dyn Cataloger] = &[
    &os_release::OsRelease,
    // region: dpkg and apk (catalogers)
    &dpkg_status::DpkgStatus,
    &dpkg_status_d::DpkgStatusD,
    &dpkg_files::DpkgFiles,
    &apk::Apk,
    // endregion
    // region: rpm (catalogers)
    &rpm_sqlite::RpmSqlite,
    &rpm_bdb::RpmBdb,
    &rpm_ndb::RpmNdb,
    // endregion
    // region: rust, go and javascript (catalogers)
    &cargo_lock::CargoLock,
    &go_mod::GoMod,
    &npm_lock::NpmLock,
    &yarn_lock::YarnLock,
    &pnpm_lock::PnpmLock,
    &node_package::NodePackage,
    // endregion
    // region: python, ruby, php and dotnet (catalogers)
    &python_requirements::PythonRequirements,
    &python_poetry_lock::PoetryLock,
    &python_pipfile_lock::PipfileLock,
    &python_uv_lock::UvLock,
    &python_metadata::PythonMetadata,
    &ruby_gemfile_lock::GemfileLock,
    &ruby_gemspec::Gemspec,
    &composer_lock::ComposerLock,
    &dotnet_deps_json::DotnetDepsJson,
    &dotnet_packages_lock::DotnetPackagesLock,
    // endregion
    // region: binaries (catalogers)
    &binary_classifier::BinaryClassifier,
    &go_binary::GoBinary,
    &rust_audit::RustAudit,
    // endregion
    // region: java (catalogers)
    &java_archive::JavaArchive,
    // endregion
    // region: licences, composer installed, pom (catalogers)
    &dpkg_copyright::DpkgCopyright,
    &composer_installed::ComposerInstalled,
    &java_pom::JavaPom,
    // endregion
];

/// The base name of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
