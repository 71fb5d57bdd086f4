//! The content analyzers run during the layer walk, one per file (in the style of Trivy's
//! analyzer registry): each declares the files it needs with a cheap filter and keeps what the
//! image rules read afterwards. [`Facts`] holds one of each; the rules see it through
//! [`crate::checks::ImageCtx::facts`].

pub mod kept_files;
pub mod secrets;
// region: minimality (modules)
pub mod executables;
pub use executables::{ExecutableKind, Executables};
// endregion
// region: trust (modules)
// endregion

pub use kept_files::KeptFiles;
pub use secrets::{LayerSecret, SecretAnalyzer};

use crate::walk::Analyzer;

/// Everything the analyzers gathered about one image.
#[derive(Default)]
pub struct Facts {
    /// Secrets in the text files of every layer.
    pub secrets: SecretAnalyzer,
    /// Final contents of small well-known files (`/etc/passwd`, `/etc/os-release`, …).
    pub files: KeptFiles,
    // region: minimality (fields; listed again in `all_mut`)
    /// Executable files of the final image: ELF (static or dynamic) or `#!` scripts.
    pub executables: Executables,
    // endregion
    // region: trust (fields; listed again in `all_mut`)
    // endregion
}

impl Facts {
    /// Every analyzer, for [`crate::walk::walk`].
    pub fn all_mut(&mut self) -> Vec<&mut dyn Analyzer> {
        vec![
            &mut self.secrets,
            &mut self.files,
            // region: minimality (same order as the fields)
            &mut self.executables,
            // endregion
            // region: trust (same order as the fields)
            // endregion
        ]
    }
}
