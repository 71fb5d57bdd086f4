//! Lenient parsing of the colon-separated account databases (`/etc/passwd`, `/etc/group`,
//! `/etc/shadow`) for the account rules (IM702, IM703). Image content is untrusted: malformed
//! lines are skipped, nothing panics, and names are cleaned before they reach a message.

/// Fields split off one line at most: `/etc/shadow` has nine, the last one keeps the rest.
const MAX_FIELDS: usize = 10;

/// Characters of an account name shown in a message.
const MAX_SHOWN_NAME: usize = 64;

/// One entry of an account database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// 1-based line number in the file.
    pub line: u32,
    /// The colon-separated fields; the first (the name) is never empty.
    pub fields: Vec<&'a str>,
}

impl<'a> Record<'a> {
    pub fn name(&self) -> &'a str {
        self.fields[0]
    }

    /// Field `index` (0 is the name), if the line has it.
    pub fn field(&self, index: usize) -> Option<&'a str> {
        self.fields.get(index).copied()
    }

    /// Field `index` read as a numeric id ([`parse_id`]).
    pub fn id(&self, index: usize) -> Option<u64> {
        self.field(index).and_then(parse_id)
    }
}

/// The entries of an account database. Skipped: empty lines, `#` comments and NIS compat
/// lines (`+name`, `-name`, `+`), which import accounts from elsewhere and carry no password.
pub fn records(text: &str) -> impl Iterator<Item = Record<'_>> {
    text.lines().enumerate().filter_map(|(index, raw)| {
        if raw.is_empty() || raw.starts_with('#') {
            return None;
        }
        let fields: Vec<&str> = raw.splitn(MAX_FIELDS, ':').collect();
        let name = fields[0];
        if name.is_empty() || name.starts_with('+') || name.starts_with('-') {
            return None;
        }
        Some(Record {
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            fields,
        })
    })
}

/// A uid or gid as glibc reads it (`strtoul` clamped to 32 bits): leading blanks and one `+`
/// are allowed, so `00`, `+0` and ` 0` are all uid 0. `None` for anything not a number.
pub fn parse_id(field: &str) -> Option<u64> {
    let digits = field.trim_start_matches([' ', '\t']);
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = digits.bytes().fold(0u64, |acc, b| {
        acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    Some(value.min(u64::from(u32::MAX)))
}

/// An account or group name fit for a message: control characters and backticks replaced by
/// `?`, at most [`MAX_SHOWN_NAME`] characters.
pub fn shown_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(MAX_SHOWN_NAME)
        .map(|c| if c.is_control() || c == '`' { '?' } else { c })
        .collect();
    if name.chars().nth(MAX_SHOWN_NAME).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_skip_comments_blank_and_nis_lines() {
        let text = "# comment\n\nroot:x:0:0:root:/root:/bin/sh\n+::::::\n-bad\n:x:1:1\nnocolon\r\n";
        let got: Vec<(u32, &str, usize)> = records(text)
            .map(|r| (r.line, r.name(), r.fields.len()))
            .collect();
        assert_eq!(got, [(3, "root", 7), (7, "nocolon", 1)]);
    }

    #[test]
    fn fields_are_bounded() {
        let line = ":".repeat(10_000);
        let text = format!("a{line}");
        let r = records(&text).next().unwrap();
        assert_eq!(r.fields.len(), MAX_FIELDS);
    }

    #[test]
    fn ids_as_glibc_reads_them() {
        assert_eq!(parse_id("0"), Some(0));
        assert_eq!(parse_id("00"), Some(0));
        assert_eq!(parse_id("+0"), Some(0));
        assert_eq!(parse_id(" 1000"), Some(1000));
        assert_eq!(
            parse_id("99999999999999999999999"),
            Some(u64::from(u32::MAX))
        );
        assert_eq!(parse_id(""), None);
        assert_eq!(parse_id("+"), None);
        assert_eq!(parse_id("-1"), None);
        assert_eq!(parse_id("1x"), None);
        assert_eq!(parse_id("１"), None); // a full-width digit is not a digit for strtoul
    }

    #[test]
    fn names_are_cleaned_for_messages() {
        assert_eq!(shown_name("bob"), "bob");
        assert_eq!(shown_name("a`b\u{1b}[31m"), "a?b?[31m");
        let long = "x".repeat(100);
        assert_eq!(shown_name(&long).chars().count(), MAX_SHOWN_NAME + 1);
    }
}
