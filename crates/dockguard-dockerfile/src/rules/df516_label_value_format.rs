use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};
use dockguard_core::config::LabelFormat;

declare_rule! {
    /// ## What it does
    /// Checks the values of labels listed in the configuration's `required-labels`: a value
    /// must not be empty, and when a `format` is given it must be a URL with a scheme, an RFC 3339
    /// date-time, an SPDX licence expression, a git commit hash (7 to 40 lower-case hex digits,
    /// or 64), a semantic version (`1.2.3`, `2.0.0-rc.1+build.5`) or an e-mail address. Values
    /// are expanded first; values that depend on build arguments without defaults are skipped.
    /// SPDX values are checked for form (`MIT`, `Apache-2.0 OR MIT`, `LicenseRef-x`), not
    /// against the full SPDX list; unlike hadolint, licence expressions are accepted.
    /// Inactive without configuration.
    ///
    /// ## Why is this bad?
    /// Tools that consume these labels (provenance, licence and SBOM scanners, registries)
    /// silently drop or misread malformed values, so the image looks unlabelled.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="yesterday" org.opencontainers.image.version="v1"
    /// ```
    ///
    /// ## Fix
    /// Write values in the configured format: `created="2024-05-01T12:00:00Z"`, `version="1.0.0"`.
    pub struct LabelValueFormat {
        code: "DF516",
        name: "label-value-format",
        step: TrustedImages,
        severity: Low,
        summary: "A required label is empty or not in its configured format",
        references: [Hadolint "DL3051", Hadolint "DL3052", Hadolint "DL3053", Hadolint "DL3054", Hadolint "DL3055", Hadolint "DL3056", Hadolint "DL3058"],
    }
}

impl Rule for LabelValueFormat {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let required = &ctx.config.required_labels;
        if required.is_empty() {
            return;
        }
        for (idx, inst) in ctx.effective_instructions() {
            let (Kind::Label, Args::KeyValues { pairs, .. }) = (inst.kind, &inst.args) else {
                continue;
            };
            for pair in pairs {
                let Some(label) = required.iter().find(|l| l.name == pair.key) else {
                    continue;
                };
                let e = ctx.model.expand(idx, pair.value.as_deref().unwrap_or(""));
                if !e.is_resolved() {
                    continue;
                }
                let value = e.value.as_str();
                let problem = if value.is_empty() {
                    Some("is empty".to_string())
                } else {
                    label
                        .format
                        .and_then(|f| (!valid(f, value)).then(|| format!("is not {}", describe(f))))
                };
                if let Some(problem) = problem {
                    let span = if value.is_empty() {
                        pair.span.clone()
                    } else {
                        pair.value_span.clone()
                    };
                    out.push(Diagnostic::new(
                        span,
                        format!("label `{}` {problem}: `{value}`", pair.key),
                    ));
                }
            }
        }
    }
}

fn describe(format: LabelFormat) -> &'static str {
    match format {
        LabelFormat::Text => "text",
        LabelFormat::Url => "a URL with a scheme",
        LabelFormat::Semver => "a semantic version (MAJOR.MINOR.PATCH)",
        LabelFormat::Hash => "a git commit hash",
        LabelFormat::Rfc3339 => "an RFC 3339 date-time",
        LabelFormat::Spdx => "an SPDX licence identifier or expression",
        LabelFormat::Email => "an e-mail address",
    }
}

fn valid(format: LabelFormat, v: &str) -> bool {
    match format {
        LabelFormat::Text => true,
        LabelFormat::Url => is_url(v),
        LabelFormat::Semver => is_semver(v),
        LabelFormat::Hash => is_git_hash(v),
        LabelFormat::Rfc3339 => is_rfc3339(v),
        LabelFormat::Spdx => is_spdx_expression(v),
        LabelFormat::Email => is_email(v),
    }
}

/// An absolute URI (RFC 3986): a scheme, `:`, then URI characters only.
fn is_url(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        let allowed = c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c);
        if !allowed {
            return false;
        }
        i += 1;
    }
    scheme_ok
}

fn numeric_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// Semantic Versioning 2.0.0.
fn is_semver(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric_identifier(p))
        && pre.is_none_or(|p| {
            p.split('.').all(|id| {
                ident(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric_identifier(id))
            })
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

fn is_git_hash(v: &str) -> bool {
    ((7..=40).contains(&v.len()) || v.len() == 64)
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// RFC 3339 `date-time`: `2024-05-01T12:00:00Z`, `2024-05-01t12:00:00.5+02:00`.
fn is_rfc3339(v: &str) -> bool {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = v.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day == 0 || day > month_days[month as usize - 1] {
        return false;
    }
    if b[13] != b':' || b[16] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(s)) = (digits(11..13), digits(14..16), digits(17..19)) else {
        return false;
    };
    if h > 23 || m > 59 || s > 60 {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &v[i..] {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[3] == b':'
                && digits(i + 1..i + 3).is_some_and(|h| h <= 23)
                && digits(i + 4..i + 6).is_some_and(|m| m <= 59)
        }
    }
}

/// SPDX license expression syntax (SPDX spec annex D).
fn is_spdx_expression(v: &str) -> bool {
    let spaced = v.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    compound(&tokens, &mut pos) && pos == tokens.len()
}

fn idstring(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn license_ref(s: &str) -> bool {
    let s = match s.split_once(':') {
        Some((doc, rest)) => {
            if !doc.strip_prefix("DocumentRef-").is_some_and(idstring) {
                return false;
            }
            rest
        }
        None => s,
    };
    s.strip_prefix("LicenseRef-").is_some_and(idstring)
}

fn simple(tokens: &[&str], pos: &mut usize) -> bool {
    let Some(t) = tokens.get(*pos) else {
        return false;
    };
    if matches!(
        t.to_ascii_uppercase().as_str(),
        "AND" | "OR" | "WITH" | "(" | ")"
    ) {
        return false;
    }
    let ok = license_ref(t) || idstring(t.strip_suffix('+').unwrap_or(t));
    *pos += 1;
    ok
}

fn primary(tokens: &[&str], pos: &mut usize) -> bool {
    if tokens.get(*pos) == Some(&"(") {
        *pos += 1;
        if !compound(tokens, pos) || tokens.get(*pos) != Some(&")") {
            return false;
        }
        *pos += 1;
        return true;
    }
    if !simple(tokens, pos) {
        return false;
    }
    if tokens
        .get(*pos)
        .is_some_and(|t| t.eq_ignore_ascii_case("WITH"))
    {
        *pos += 1;
        return tokens
            .get(*pos)
            .is_some_and(|t| idstring(t) || license_ref(t))
            && {
                *pos += 1;
                true
            };
    }
    true
}

fn compound(tokens: &[&str], pos: &mut usize) -> bool {
    if !primary(tokens, pos) {
        return false;
    }
    while tokens
        .get(*pos)
        .is_some_and(|t| t.eq_ignore_ascii_case("AND") || t.eq_ignore_ascii_case("OR"))
    {
        *pos += 1;
        if !primary(tokens, pos) {
            return false;
        }
    }
    true
}

/// An RFC 5322 `addr-spec`: dot-atom or quoted local part, dot-atom or literal domain.
fn is_email(v: &str) -> bool {
    let Some(at) = v.rfind('@') else {
        return false;
    };
    let (local, domain) = (&v[..at], &v[at + 1..]);
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom =
        |s: &str| !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let quoted = |s: &str| {
        s.len() >= 2
            && s.starts_with('"')
            && s.ends_with('"')
            && !s[1..s.len() - 1].contains(['\r', '\n'])
    };
    let literal = |s: &str| {
        s.starts_with('[') && s.ends_with(']') && !s[1..s.len() - 1].contains(['[', ']', '\\'])
    };
    (dot_atom(local) || quoted(local)) && (dot_atom(domain) || literal(domain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;
    use dockguard_core::Config;
    use dockguard_core::config::RequiredLabel;

    #[test]
    fn formats() {
        let cases: &[(LabelFormat, &[&str], &[&str])] = &[
            (
                LabelFormat::Url,
                &[
                    "https://example.com/a?b=c#d",
                    "mailto:a@b.c",
                    "git+ssh://git@x/y.git",
                ],
                &[
                    "example.com",
                    "https://exa mple.com",
                    "1http://x",
                    "https://x/%zz",
                ],
            ),
            (
                LabelFormat::Semver,
                &["1.2.3", "0.0.0", "2.0.0-rc.1+build.5", "1.0.0-alpha-1"],
                &["v1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3-", "latest"],
            ),
            (
                LabelFormat::Hash,
                &["abc1234", "0123456789abcdef0123456789abcdef01234567"],
                &["abc12", "ABC1234", "xyz1234"],
            ),
            (
                LabelFormat::Rfc3339,
                &["2024-05-01T12:00:00Z", "2024-02-29t23:59:60.123+02:00"],
                &[
                    "2024-05-01",
                    "2023-02-29T00:00:00Z",
                    "2024-05-01T25:00:00Z",
                    "yesterday",
                ],
            ),
            (
                LabelFormat::Spdx,
                &[
                    "MIT",
                    "Apache-2.0 OR MIT",
                    "(MIT AND BSD-3-Clause) OR GPL-2.0+",
                    "GPL-2.0-only WITH Classpath-exception-2.0",
                    "LicenseRef-corp",
                ],
                &["MIT License", "MIT OR", "(MIT", "MIT AND AND BSD"],
            ),
            (
                LabelFormat::Email,
                &[
                    "jane@example.com",
                    "first.last+tag@sub.example.org",
                    "\"j d\"@example.com",
                ],
                &[
                    "jane",
                    "jane@",
                    "@example.com",
                    "ja ne@example.com",
                    "jane@exa..mple.com",
                ],
            ),
        ];
        for (format, good, bad) in cases {
            for v in *good {
                assert!(valid(*format, v), "{format:?} {v}");
            }
            for v in *bad {
                assert!(!valid(*format, v), "{format:?} {v}");
            }
        }
    }

    fn config() -> Config {
        let label = |name: &str, format| RequiredLabel {
            name: name.into(),
            format,
        };
        Config {
            required_labels: vec![
                label("org.opencontainers.image.source", Some(LabelFormat::Url)),
                label(
                    "org.opencontainers.image.version",
                    Some(LabelFormat::Semver),
                ),
                label(
                    "org.opencontainers.image.created",
                    Some(LabelFormat::Rfc3339),
                ),
                label("maintainer", None),
            ],
            ..Config::default()
        }
    }

    fn lines(text: &str) -> Vec<u32> {
        testing::lines_with(&LabelValueFormat, text, &config())
    }

    #[test]
    fn inactive_without_configuration() {
        assert!(testing::run(&LabelValueFormat, "FROM a\nLABEL maintainer=\"\"\n").is_empty());
    }

    #[test]
    fn fixture_files_with_a_configuration() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/DF516");
        let good = std::fs::read_to_string(dir.join("good.Dockerfile")).unwrap();
        assert!(lines(&good).is_empty(), "{:?}", lines(&good));
        let bad = std::fs::read_to_string(dir.join("bad.Dockerfile")).unwrap();
        assert_eq!(lines(&bad), [3, 4, 5, 6]);
    }
}
