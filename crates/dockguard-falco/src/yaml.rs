//! A small YAML tree with byte spans, built from saphyr-parser's events, for rules files.
//!
//! Why our own tree: every node keeps its byte span so that errors (and syntax errors inside a
//! rule's `condition`) name `file:line:column`, and hostile input stays bounded (node budget,
//! alias budget, nesting depth).

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::ops::Range;

const MAX_NODES: usize = 2_000_000;
const MAX_ALIAS_NODES: usize = 100_000;
const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    /// Byte span in the source text.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Scalar { value: String, quoted: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A YAML syntax error at a byte offset.
#[derive(Debug, Clone)]
pub(crate) struct YamlError {
    pub offset: usize,
    pub message: String,
}

impl Node {
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(e) => Some(e),
            _ => None,
        }
    }

    /// The scalar's text; `None` for collections and YAML nulls.
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
        matches!(self.kind, Kind::Scalar { .. }) && self.as_str().is_none()
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Some(true),
            "false" | "no" | "off" => Some(false),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A short description of the node's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { .. } if self.is_null() => "null",
            Kind::Scalar { .. } => "a scalar",
            Kind::Seq(_) => "a sequence",
            Kind::Map(_) => "a mapping",
        }
    }
}

enum Frame {
    Seq(usize, usize, Vec<Node>),
    Map(usize, usize, Vec<(Node, Node)>, Option<Node>),
}

/// Falco reads rules with yaml-cpp, which accepts a flow collection's closing bracket on a
/// line of its own at the indentation of the key that opened it (`items: [` … `  ]`, as in
/// falcosecurity/rules); strict YAML (saphyr) refuses it. Such a bracket is moved to the end
/// of the previous line, which keeps every other byte offset (and so every position in
/// messages) where it was. Lines with a comment before the bracket are left alone.
fn relax_flow_closers(text: &str) -> std::borrow::Cow<'_, str> {
    let mut bytes: Option<Vec<u8>> = None;
    // End (exclusive) of the last non-blank content seen, if its line has no comment.
    let mut content_end: Option<usize> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if matches!(trimmed, "]" | "}") {
            if let Some(end) = content_end {
                let at = start + (body.len() - body.trim_start().len());
                let out = bytes.get_or_insert_with(|| text.as_bytes().to_vec());
                // [end..at] is whitespace (and newlines): shift it right by one byte.
                let closer = out[at];
                out.copy_within(end..at, end + 1);
                out[end] = closer;
                content_end = Some(end + 1);
            }
        } else if !trimmed.is_empty() {
            content_end = (!body.contains('#')).then(|| start + body.trim_end().len());
        }
        start += line.len();
    }
    match bytes {
        // Only ASCII brackets and whitespace moved: still UTF-8.
        Some(b) => std::borrow::Cow::Owned(String::from_utf8(b).expect("UTF-8 kept")),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Parses the first document of a YAML stream (`None` when the stream is empty).
pub(crate) fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let relaxed = relax_flow_closers(text);
    let text: &str = &relaxed;
    let offsets = dockguard_core::position::CharOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut alias_nodes = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| YamlError {
            offset: offsets.byte(e.marker().index()),
            message: e.info().to_string(),
        })?;
        let at = |message: String| YamlError {
            offset: offsets.byte(span.start.index()),
            message,
        };
        let done: Option<(Node, usize)> = match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::Nothing
            | Event::DocumentStart(_)
            | Event::DocumentEnd => None,
            Event::Alias(id) => {
                let target = anchors
                    .get(&id)
                    .ok_or_else(|| at("alias to an unknown anchor".into()))?;
                alias_nodes += count(target);
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(at(format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes"
                    )));
                }
                Some((target.clone(), 0))
            }
            Event::Scalar(value, style, anchor, _) => Some((
                Node {
                    kind: Kind::Scalar {
                        value: value.into_owned(),
                        quoted: !matches!(style, ScalarStyle::Plain),
                    },
                    span: offsets.range(span.start.index(), span.end.index()),
                },
                anchor,
            )),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(at(format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let start = offsets.byte(span.start.index());
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(anchor, start, Vec::new())
                } else {
                    Frame::Map(anchor, start, Vec::new(), None)
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = offsets.byte(span.end.index());
                match stack.pop() {
                    Some(Frame::Seq(anchor, start, items)) => {
                        let end = items.last().map_or(end, |n| n.span.end.max(end));
                        Some((
                            Node {
                                kind: Kind::Seq(items),
                                span: start..end.max(start),
                            },
                            anchor,
                        ))
                    }
                    Some(Frame::Map(anchor, start, entries, _)) => {
                        let end = entries.last().map_or(end, |(_, v)| v.span.end.max(end));
                        Some((
                            Node {
                                kind: Kind::Map(entries),
                                span: start..end.max(start),
                            },
                            anchor,
                        ))
                    }
                    None => return Err(at("unbalanced collection end".into())),
                }
            }
        };
        let Some((node, anchor)) = done else {
            continue;
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(YamlError {
                offset: node.span.start,
                message: format!("more than {MAX_NODES} nodes"),
            });
        }
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            // Only the first document counts: a rules file is one YAML list.
            None => return Ok(if node.is_null() { None } else { Some(node) }),
            Some(Frame::Seq(_, _, items)) => items.push(node),
            Some(Frame::Map(_, _, entries, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Some(name) = key.as_str()
                        && entries.iter().any(|(k, _)| k.as_str() == Some(name))
                    {
                        return Err(YamlError {
                            offset: key.span.start,
                            message: format!("duplicate mapping key `{name}`"),
                        });
                    }
                    entries.push((key, node));
                }
            },
        }
    }
    Ok(None)
}

fn count(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar { .. } => 1,
        Kind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Kind::Map(e) => 1 + e.iter().map(|(k, v)| count(k) + count(v)).sum::<usize>(),
    }
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = before[line_start..].chars().count() + 1;
    (line as u32, col as u32)
}

/// Maps a byte offset inside a scalar's value to a byte offset in the source text.
///
/// The value of a folded, literal or quoted scalar differs from its source (indentation,
/// folded newlines, escapes), so we walk both: every non-blank character of the value is found
/// at or after the current source position. Used only to place error messages.
pub(crate) fn value_to_source(
    text: &str,
    span: &Range<usize>,
    value: &str,
    value_offset: usize,
) -> usize {
    let end = span.end.min(text.len());
    let mut src = span.start.min(end);
    // Skip a block scalar header (`|`, `>-`, …) up to its newline.
    if let Some(c) = text[src..end].chars().next()
        && (c == '|' || c == '>')
    {
        src = text[src..end].find('\n').map_or(end, |p| src + p + 1);
    }
    // Skip the opening quote.
    if let Some(c) = text[src..end].chars().next()
        && (c == '"' || c == '\'')
    {
        src += 1;
    }
    for (i, c) in value.char_indices() {
        // Skip leading blanks in the source so that the position points at the token.
        while let Some(s) = text[src..end].chars().next() {
            if s.is_whitespace() && !c.is_whitespace() {
                src += s.len_utf8();
            } else {
                break;
            }
        }
        if i >= value_offset {
            return src;
        }
        if c.is_whitespace() {
            if let Some(s) = text[src..end].chars().next()
                && s.is_whitespace()
            {
                src += s.len_utf8();
            }
            continue;
        }
        match text[src..end].find(c) {
            Some(p) => src += p + c.len_utf8(),
            None => return src,
        }
    }
    src
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_positions() {
        let text = "- rule: a\n  condition: >\n    proc.name = x\n    and oops (\n";
        let doc = parse(text).unwrap().unwrap();
        let item = &doc.as_seq().unwrap()[0];
        let cond = item.get("condition").unwrap();
        let value = cond.as_str().unwrap();
        assert_eq!(value, "proc.name = x and oops (\n");
        let at = value.find("oops").unwrap();
        let src = value_to_source(text, &cond.span, value, at);
        assert_eq!(line_col(text, src), (4, 9));
    }

    #[test]
    fn duplicate_keys_and_garbage_are_errors() {
        let err = parse("- a: 1\n  a: 2\n").unwrap_err();
        assert!(err.message.contains("duplicate"));
        assert_eq!(line_col("- a: 1\n  a: 2\n", err.offset), (2, 3));
        assert!(parse("- [a\n").is_err());
        assert!(parse("").unwrap().is_none());
    }

    #[test]
    fn closing_brackets_at_the_key_indentation_are_accepted_as_falco_does() {
        let text = "- list: l\n  items: [\n    a,\n    b\n  ]\n\n- macro: m\n  condition: x\n";
        assert_eq!(
            relax_flow_closers(text),
            "- list: l\n  items: [\n    a,\n    b]\n  \n\n- macro: m\n  condition: x\n"
        );
        let node = parse(text).unwrap().unwrap();
        let seq = node.as_seq().unwrap();
        assert_eq!(seq[0].get("items").unwrap().as_seq().unwrap().len(), 2);
        // Offsets after the bracket are unchanged.
        let m = text.find("- macro").unwrap();
        assert_eq!(relax_flow_closers(text).find("- macro"), Some(m));
        // A comment on the previous line keeps the text as it is.
        let commented = "k: [\n  a # note\n]\n";
        assert_eq!(relax_flow_closers(commented), commented);
    }
}
