//! The secret analyzer: the `dockguard-secrets` scanner on every layer's text files.

use std::io::Read;

use crate::error::Result;
use crate::walk::{Analyzer, Entry, EntryKind, FileTree};

/// Regular files larger than this are not scanned for secrets.
pub const MAX_SECRET_SCAN_SIZE: u64 = 1 << 20;

/// A secret found in a file of one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSecret {
    /// Normalised path in the image (`etc/key.pem`).
    pub path: String,
    /// The layer (0 = lowest) whose copy of the file holds the secret.
    pub layer: usize,
    /// 1-based line of the match.
    pub line: u32,
    pub column: u32,
    /// The secret rule's title ("AWS access key id").
    pub title: String,
    /// The match with most of it masked.
    pub masked: String,
    /// Whether this layer's copy of the file is the one the final image shows; `false` when a
    /// later layer deletes or overwrites it (the secret is still shipped in `layer`).
    pub visible: bool,
}

/// An [`Analyzer`] that runs the `dockguard-secrets` scanner on regular files of every layer
/// up to [`MAX_SECRET_SCAN_SIZE`] bytes (the scanner itself skips binary files).
pub struct SecretAnalyzer {
    scanner: dockguard_secrets::Scanner,
    pub secrets: Vec<LayerSecret>,
    buffer: Vec<u8>,
}

impl Default for SecretAnalyzer {
    fn default() -> Self {
        SecretAnalyzer {
            scanner: dockguard_secrets::Scanner::new(),
            secrets: Vec::new(),
            buffer: Vec::new(),
        }
    }
}

impl Analyzer for SecretAnalyzer {
    fn required(&self, _path: &str, entry: &Entry) -> bool {
        entry.kind == EntryKind::File && entry.size > 0 && entry.size <= MAX_SECRET_SCAN_SIZE
    }

    fn analyze(
        &mut self,
        path: &str,
        _entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        super::read_capped(path, content, MAX_SECRET_SCAN_SIZE, &mut self.buffer)?;
        for m in self.scanner.scan(path, &self.buffer) {
            self.secrets.push(LayerSecret {
                path: path.to_string(),
                layer,
                line: m.line,
                column: m.column,
                title: m.rule.title.to_string(),
                masked: m.masked,
                visible: true,
            });
        }
        Ok(())
    }

    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        self.secrets.retain_mut(|s| match map(s.layer) {
            Some(layer) => {
                s.layer = layer;
                true
            }
            None => false,
        });
    }

    fn finish(&mut self, tree: &FileTree) -> Result<()> {
        for s in &mut self.secrets {
            s.visible = tree
                .get(&s.path)
                .is_some_and(|e| e.kind == EntryKind::File && e.layer == s.layer);
        }
        Ok(())
    }
}
