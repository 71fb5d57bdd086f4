//! A small YAML tree with byte spans, built from saphyr-parser's events.
//!
//! We build our own tree instead of using a loader so that untrusted input stays bounded:
//! alias expansion is counted against a node budget (billion-laughs documents fail fast),
//! nesting depth is capped, and duplicate mapping keys are errors (as in Docker Compose and
//! kubectl) that name the line of the second key. Merge keys (`<<: *defaults`), idiomatic in
//! compose `x-` blocks, are applied here.

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::ops::Range;

/// Most nodes a stream may hold (a 8 MiB file holds fewer).
pub const MAX_NODES: usize = 4_000_000;
/// Most nodes alias references may copy in all: real files alias small blocks.
pub const MAX_ALIAS_NODES: usize = 100_000;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// Byte span in the source text.
    pub span: Range<usize>,
    /// Which source text the span is in (0 for the file being checked; compose `extends` and
    /// `include` bring in nodes of other files).
    pub src: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar { value: String, quoted: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A parse error with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Node {
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar's text; `None` for collections and for YAML nulls (`~`, `null`, empty).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, quoted } => {
                if !quoted && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                    None
                } else {
                    Some(value)
                }
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { .. }) && self.as_str().is_none()
    }

    /// A boolean the way Docker Compose and kubectl read one (YAML 1.1 spellings included).
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" => Some(true),
            "false" | "no" | "n" | "off" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        let s = self.as_str()?;
        s.parse().ok().or_else(|| {
            // `1e3` style floats written for integers.
            s.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
    }

    /// The value of a mapping key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The key node of a mapping entry (for pointing at `privileged:` rather than `true`).
    pub fn key(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k)
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The items of a sequence, or nothing.
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }

    /// The entries of a mapping, or nothing.
    pub fn entries(&self) -> &[(Node, Node)] {
        self.as_map().unwrap_or(&[])
    }
}

enum Frame {
    Seq {
        anchor: usize,
        start: usize,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        start: usize,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        /// Entries brought in by merge keys; explicit keys win over them.
        merged: Vec<(Node, Node)>,
    },
}

/// Parses every document of a YAML stream. Empty documents are skipped.
pub fn parse_stream(text: &str) -> Result<Vec<Node>, YamlError> {
    parse_stream_in(text, 0)
}

/// [`parse_stream`] for source text number `src`.
pub fn parse_stream_in(text: &str, src: u32) -> Result<Vec<Node>, YamlError> {
    let offsets = dockguard_core::position::CharOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut alias_nodes = 0usize;
    let error_at = |line: usize, col: usize, message: String| YamlError {
        line: line as u32,
        column: col as u32 + 1,
        message,
    };
    while let Some(event) = parser.next_event() {
        let (event, span) = event
            .map_err(|e| error_at(e.marker().line(), e.marker().col(), e.info().to_string()))?;
        let at = |message: String| error_at(span.start.line(), span.start.col(), message);
        let complete: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                anchors.clear();
                None
            }
            Event::DocumentEnd => None,
            Event::Alias(id) => {
                let target = anchors
                    .get(&id)
                    .ok_or_else(|| at("alias to an unknown anchor".into()))?;
                alias_nodes += count(target);
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(at(format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes (alias bomb?)"
                    )));
                }
                let mut node = target.clone();
                // The alias's own position is where a finding about it should point.
                node.span = offsets.range(span.start.index(), span.end.index());
                Some((node, 0))
            }
            Event::Scalar(value, style, anchor, _tag) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(at(format!("document has more than {MAX_NODES} nodes")));
                }
                Some((
                    Node {
                        kind: Kind::Scalar {
                            value: value.into_owned(),
                            quoted: !matches!(style, ScalarStyle::Plain),
                        },
                        span: offsets.range(span.start.index(), span.end.index()),
                        src,
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(at(format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                stack.push(Frame::Seq {
                    anchor,
                    start: offsets.byte(span.start.index()),
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(at(format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                stack.push(Frame::Map {
                    anchor,
                    start: offsets.byte(span.start.index()),
                    entries: Vec::new(),
                    pending_key: None,
                    merged: Vec::new(),
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    anchor,
                    start,
                    items,
                }) => {
                    nodes += 1;
                    let end = items.last().map_or(start, |n| n.span.end);
                    let end = end.max(offsets.byte(span.end.index()).min(text.len()));
                    Some((
                        Node {
                            kind: Kind::Seq(items),
                            span: start..end.max(start),
                            src,
                        },
                        anchor,
                    ))
                }
                _ => return Err(at("unbalanced sequence end".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    anchor,
                    start,
                    mut entries,
                    merged,
                    ..
                }) => {
                    nodes += 1;
                    for (k, v) in merged {
                        if !entries.iter().any(|(e, _)| e.as_str() == k.as_str()) {
                            entries.push((k, v));
                        }
                    }
                    let end = entries
                        .iter()
                        .map(|(_, v)| v.span.end)
                        .max()
                        .unwrap_or(start);
                    let end = end.max(offsets.byte(span.end.index()).min(text.len()));
                    Some((
                        Node {
                            kind: Kind::Map(entries),
                            span: start..end.max(start),
                            src,
                        },
                        anchor,
                    ))
                }
                _ => return Err(at("unbalanced mapping end".into())),
            },
        };
        let Some((node, anchor)) = complete else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                merged,
                ..
            }) => match pending_key.take() {
                None => {
                    if !matches!(node.kind, Kind::Scalar { .. }) {
                        // Complex keys never name a setting; keep them as their text span.
                    }
                    *pending_key = Some(node);
                }
                Some(key) => {
                    if key.as_str() == Some("<<")
                        && !matches!(&key.kind, Kind::Scalar { quoted: true, .. })
                    {
                        merge_into(merged, &node);
                        continue;
                    }
                    if let Some(name) = key.as_str()
                        && entries.iter().any(|(k, _)| k.as_str() == Some(name))
                    {
                        let (line, col) = line_col(text, key.span.start);
                        return Err(YamlError {
                            line,
                            column: col,
                            message: format!("duplicate mapping key `{name}`"),
                        });
                    }
                    entries.push((key, node));
                }
            },
        }
    }
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

fn merge_into(merged: &mut Vec<(Node, Node)>, value: &Node) {
    match &value.kind {
        Kind::Map(entries) => {
            for (k, v) in entries {
                if !merged.iter().any(|(m, _)| m.as_str() == k.as_str()) {
                    merged.push((k.clone(), v.clone()));
                }
            }
        }
        // `<<: [*a, *b]`: earlier maps win.
        Kind::Seq(items) => items.iter().for_each(|item| merge_into(merged, item)),
        Kind::Scalar { .. } => {}
    }
}

fn count(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar { .. } => 1,
        Kind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Kind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let mut end = offset;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let col = text[line_start..end].chars().count() + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = parse_stream(text).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn spans_point_at_bytes() {
        let text = "a: é\nb:\n  c: [1, 2]\n";
        let doc = one(text);
        let c = doc.path(&["b", "c"]).unwrap();
        assert_eq!(&text[c.span.clone()], "[1, 2]");
        let a = doc.get("a").unwrap();
        assert_eq!(&text[a.span.clone()], "é");
        assert_eq!(line_col(text, doc.key("b").unwrap().span.start), (2, 1));
    }

    #[test]
    fn merge_keys_and_overrides() {
        let doc = one("x: &d {a: 1, b: 2}\ny:\n  <<: *d\n  b: 3\n");
        let y = doc.get("y").unwrap();
        assert_eq!(y.get("a").unwrap().as_str(), Some("1"));
        assert_eq!(y.get("b").unwrap().as_str(), Some("3"));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let err = parse_stream("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("duplicate"), "{err}");
    }

    #[test]
    fn multi_documents_and_nulls() {
        let docs = parse_stream("---\na: 1\n---\n---\nb: ~\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert!(docs[1].get("b").unwrap().is_null());
    }

    #[test]
    fn yaml11_booleans() {
        let doc = one("a: yes\nb: Off\nc: 'true'\n");
        assert_eq!(doc.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(doc.get("b").unwrap().as_bool(), Some(false));
        assert_eq!(doc.get("c").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse_stream(&text).unwrap_err();
        assert!(err.message.contains("nodes"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse_stream(&text).unwrap_err();
        assert!(err.line >= 1);
        let block: String = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(parse_stream(&block).is_err());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_stream("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1 && err.column >= 1, "{err}");
    }
}
