//! Word splitting and quote removal shared by the parser and the semantic layer.

use std::ops::Range;

/// Splits on unquoted whitespace. Quotes and escapes stay in the words; `escape` protects the
/// next character outside single quotes.
pub fn split_words(text: &str, escape: char) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(i);
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some('\'') => {}
            Some(_) if c == escape => {
                chars.next();
            }
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == escape => {
                chars.next();
            }
            None if c.is_whitespace() => {
                words.push(start.take().unwrap_or(i)..i);
            }
            None => {}
        }
    }
    if let Some(s) = start {
        words.push(s..text.len());
    }
    words
}

/// Removes quotes and escapes the way BuildKit's word lexer does, without expanding variables.
pub fn unquote(word: &str, escape: char) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('\'') => out.push(c),
            Some(_) if c == escape => match chars.next() {
                Some(n @ ('"' | '$' | '`')) => out.push(n),
                Some(n) if n == escape => out.push(n),
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
                None => out.push(c),
            },
            Some(_) => out.push(c),
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == escape => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        split_words(text, '\\')
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn splits_respecting_quotes_and_escapes() {
        assert_eq!(words("  a  b\tc "), ["a", "b", "c"]);
        assert_eq!(
            words(r#"k="a b" j='c d' e\ f"#),
            [r#"k="a b""#, "j='c d'", r"e\ f"]
        );
        assert_eq!(words(r#""unterminated x"#), [r#""unterminated x"#]);
        assert!(words("").is_empty());
    }

    #[test]
    fn unquotes() {
        assert_eq!(unquote(r#""a b""#, '\\'), "a b");
        assert_eq!(unquote(r#"'$x'"#, '\\'), "$x");
        assert_eq!(unquote(r"e\ f", '\\'), "e f");
        assert_eq!(unquote(r#""say \"hi\"""#, '\\'), r#"say "hi""#);
        assert_eq!(unquote(r#""c:\dir""#, '\\'), r"c:\dir");
        assert_eq!(unquote("a`\"b", '`'), "a\"b");
    }
}
