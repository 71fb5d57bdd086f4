//! One cataloger per file type: a cheap path test ([`Cataloger::wants`]) and a parser of the
//! file's bytes. Listed once in [`CATALOGERS`].

pub mod os_release;
// region: dpkg and apk (modules)
// endregion
// region: rpm (modules)
// endregion
// region: rust, go and javascript (modules)
// endregion
// region: python, ruby, php and dotnet (modules)
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
    // endregion
    // region: rpm (catalogers)
    // endregion
    // region: rust, go and javascript (catalogers)
    // endregion
    // region: python, ruby, php and dotnet (catalogers)
    // endregion
];

/// The base name of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
