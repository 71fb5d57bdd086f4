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

use std::collections::HashMap;
use std::hash::Hash;
use std::io::Read;

use crate::error::{Error, Result};
use crate::walk::Analyzer;

/// Reads at most `cap` bytes of a file's content into `buffer` (cleared first).
pub(crate) fn read_capped(
    path: &str,
    content: &mut dyn Read,
    cap: u64,
    buffer: &mut Vec<u8>,
) -> Result<()> {
    buffer.clear();
    content
        .take(cap)
        .read_to_end(buffer)
        .map(|_| ())
        .map_err(|source| Error::Io {
            path: path.to_string(),
            source,
        })
}

/// [`Analyzer::relabel_layers`] for analyzers that keep what they read by (path, layer).
pub(crate) fn relabel_copies<K: Eq + Hash, T>(
    copies: &mut HashMap<(K, usize), T>,
    map: &dyn Fn(usize) -> Option<usize>,
) {
    *copies = std::mem::take(copies)
        .into_iter()
        .filter_map(|((key, layer), value)| map(layer).map(|l| ((key, l), value)))
        .collect();
}

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
