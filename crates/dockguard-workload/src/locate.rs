//! Turning byte spans of a source text into [`Location`]s.

use dockguard_core::{LineIndex, Location};
use std::ops::Range;

/// Builds locations in one file.
pub struct Locator<'a> {
    pub file: String,
    pub text: &'a str,
    index: LineIndex,
}

impl<'a> Locator<'a> {
    pub fn new(file: impl Into<String>, text: &'a str) -> Self {
        Locator {
            file: file.into(),
            text,
            index: LineIndex::new(text),
        }
    }

    pub fn loc(&self, span: Range<usize>) -> Location {
        let (line, column) = self.index.line_col(self.text, span.start);
        let (end_line, end_column) = self.index.line_col(self.text, span.end);
        Location {
            file: self.file.clone(),
            line,
            column,
            end_line,
            end_column,
            span,
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        self.index.line_col(self.text, offset)
    }
}
