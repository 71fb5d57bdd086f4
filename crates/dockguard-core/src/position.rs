/// Maps byte offsets of a text to 1-based line and column numbers (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex { line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end clamp.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let col = text[start..end].chars().count() + 1;
        (line as u32 + 1, col as u32)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts
            .get((line as usize).checked_sub(1)?)
            .copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Maps character indices of a text (what event-based parsers such as saphyr report) to byte
/// offsets; free for ASCII text (the identity, no table).
#[derive(Debug, Clone)]
pub struct CharOffsets {
    /// Byte offset of each character; empty when the text is ASCII.
    bytes: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        CharOffsets {
            bytes,
            len: text.len(),
        }
    }

    /// The byte offset of a character index; indices past the end give the text's length.
    pub fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).copied().unwrap_or(self.len)
        }
    }

    /// Byte range of a character range (never reversed).
    pub fn range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let start = self.byte(start);
        start..self.byte(end).max(start)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "FROM a\nRUN é x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 7), (2, 1));
        // 'x' sits after a two-byte character: byte 14, character column 7.
        assert_eq!(idx.line_col(text, 14), (2, 7));
        assert_eq!(idx.line_start(2), Some(7));
        assert_eq!(idx.line_col(text, 999), (3, 1));
    }

    #[test]
    fn char_offsets() {
        let ascii = CharOffsets::new("abc");
        assert_eq!((ascii.byte(2), ascii.byte(9)), (2, 3));
        let text = "é-x";
        let o = CharOffsets::new(text);
        assert_eq!((o.byte(0), o.byte(1), o.byte(2), o.byte(3)), (0, 2, 3, 4));
        assert_eq!(o.range(2, 1), 3..3);
    }
}
