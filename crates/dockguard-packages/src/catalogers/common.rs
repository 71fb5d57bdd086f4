//! Small pieces several catalogers share.

use serde_json::Value;

use super::Parsed;

/// The JSON document `content`, or `None` after a warning with the line of the syntax error.
pub fn json_document(parsed: &mut Parsed, path: &str, content: &[u8], what: &str) -> Option<Value> {
    match serde_json::from_slice(content) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
            parsed.warn(path, line, format!("not a valid {what}: {e}"));
            None
        }
    }
}

/// The TOML document `content` as a table, or `None` after a warning with the line of the
/// syntax error. Invalid UTF-8 is replaced, so the error still has a position.
pub fn toml_document(
    parsed: &mut Parsed,
    path: &str,
    content: &[u8],
    what: &str,
) -> Option<toml::Table> {
    let text = String::from_utf8_lossy(content);
    match toml::from_str::<toml::Table>(&text) {
        Ok(table) => Some(table),
        Err(e) => {
            let line = e.span().map(|span| {
                let before = text.get(..span.start).unwrap_or("");
                u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
            });
            parsed.warn(path, line, format!("not a valid {what}: {}", e.message()));
            None
        }
    }
}

/// Whether `path` is outside every `node_modules` folder: lockfiles shipped inside a
/// dependency were never used for the install.
pub fn outside_node_modules(path: &str) -> bool {
    !path.starts_with("node_modules/") && !path.contains("/node_modules/")
}
