use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `LABEL` keys that break Docker's key format, as hadolint does: a key must start
    /// with a lower-case letter, end with a lower-case letter or digit, contain only `a-z`, `0-9`,
    /// `.`, `-`, `_` and `/`, have no `..` or `--`, and not use the reserved `com.docker.`,
    /// `io.docker.` or `org.dockerproject.` namespaces.
    ///
    /// ## Why is this bad?
    /// Tools that read labels (registries, scanners, orchestrators) expect reverse-DNS keys such
    /// as `org.opencontainers.image.source`; `Version` and `version` are different keys, and the
    /// reserved namespaces belong to Docker.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Maintainer="jane@example.com" com.docker.extension=x
    /// ```
    ///
    /// ## Fix
    /// Use lower-case reverse-DNS keys: `LABEL org.opencontainers.image.authors="jane@example.com"`.
    pub struct InvalidLabelKey {
        code: "DF514",
        name: "invalid-label-key",
        step: TrustedImages,
        severity: Info,
        summary: "LABEL key does not follow Docker's key format",
        references: [Hadolint "DL3048"],
    }
}

/// Why a label key is invalid, if it is.
fn key_problem(key: &str) -> Option<&'static str> {
    let first = key.chars().next()?;
    if !first.is_ascii_lowercase() {
        return Some("must start with a lower-case letter");
    }
    if !key
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Some("must end with a lower-case letter or a digit");
    }
    if key.chars().any(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/'))
    }) {
        return Some("may only contain a-z, 0-9, `.`, `-`, `_` and `/`");
    }
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|ns| key.starts_with(ns))
    {
        return Some("uses a namespace reserved for Docker");
    }
    if key.contains("..") || key.contains("--") {
        return Some("must not contain `..` or `--`");
    }
    None
}

impl Rule for InvalidLabelKey {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inst) in ctx.effective_instructions() {
            let (Kind::Label, Args::KeyValues { pairs, .. }) = (inst.kind, &inst.args) else {
                continue;
            };
            for pair in pairs {
                if let Some(problem) = key_problem(&pair.key) {
                    out.push(Diagnostic::new(
                        pair.key_span.clone(),
                        format!("label key `{}` {problem}", pair.key),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&InvalidLabelKey);
    }

    #[test]
    fn keys() {
        for ok in [
            "maintainer",
            "org.opencontainers.image.source",
            "a_b/c-d.e1",
        ] {
            assert!(key_problem(ok).is_none(), "{ok}");
        }
        for bad in [
            "Version",
            "1abc",
            "abc.",
            "a b",
            "com.docker.x",
            "a..b",
            "a--b",
            "$KEY",
        ] {
            assert!(key_problem(bad).is_some(), "{bad}");
        }
    }
}
