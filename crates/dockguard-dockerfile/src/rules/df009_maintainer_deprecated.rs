use super::helpers::single_word;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13: it sets the obsolete `Author` field,
    /// which OCI tooling and registries do not show. A label is what scanners and registries read.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// ## Fix
    /// `LABEL maintainer="Jane Doe <jane@example.com>"` (or the OCI
    /// `org.opencontainers.image.authors` label). `--fix` rewrites it as the `maintainer` label.
    pub struct MaintainerDeprecated {
        code: "DF009",
        name: "maintainer-deprecated",
        step: TrustedImages,
        severity: Low,
        summary: "Deprecated MAINTAINER instruction",
        references: [Hadolint "DL4000", Buildkit "MaintainerDeprecated", Trivy "DS-0022", Checkov "CKV_DOCKER_6"],
        fixable: true,
    }
}

impl Rule for MaintainerDeprecated {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let escape = ctx.model.df.escape;
        for (_, inst) in ctx.instructions() {
            if inst.kind != Kind::Maintainer {
                continue;
            }
            let mut d = Diagnostic::new(
                inst.span.clone(),
                "MAINTAINER is deprecated; use `LABEL maintainer=\"…\"`",
            );
            if let Some(word) = single_word(inst) {
                let label = format!(
                    "{} maintainer=\"{}\"",
                    if inst.keyword.raw == inst.keyword.raw.to_ascii_lowercase() {
                        "label"
                    } else {
                        "LABEL"
                    },
                    quoted(&word.raw, escape)
                );
                let edit = Edit {
                    span: inst.span.clone(),
                    replacement: label.clone(),
                };
                d = d.with_fix(format!("replace with `{label}`"), vec![edit]);
            }
            out.push(d);
        }
    }
}

/// The body of a double-quoted label value that reads back as `value` (MAINTAINER takes its
/// text literally; one pair of surrounding quotes is treated as delimiters).
fn quoted(value: &str, escape: char) -> String {
    let value = value.trim();
    let inner = ['"', '\'']
        .iter()
        .find_map(|q| {
            value
                .strip_prefix(*q)
                .and_then(|v| v.strip_suffix(*q))
                .filter(|v| !v.contains(*q))
        })
        .unwrap_or(value);
    let mut out = String::with_capacity(inner.len());
    for c in inner.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;
    use crate::syntax::Args;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&MaintainerDeprecated);
    }

    #[test]
    fn fix_writes_a_label_with_the_same_text() {
        let text = "FROM a\nMAINTAINER Jane \"JD\" Doe <jane@example.com> $5\nmaintainer 'Bob'\n";
        let fixed = testing::fixed(&MaintainerDeprecated, text);
        assert_eq!(
            fixed,
            "FROM a\nLABEL maintainer=\"Jane \\\"JD\\\" Doe <jane@example.com> \\$5\"\nlabel maintainer=\"Bob\"\n"
        );
        assert!(testing::run(&MaintainerDeprecated, &fixed).is_empty());
        let model = crate::model::Model::new(crate::syntax::parse(&fixed));
        let Args::KeyValues { pairs, .. } = &model.instruction(1).args else {
            panic!()
        };
        let value = model.expand(1, pairs[0].value.as_deref().unwrap()).value;
        assert_eq!(value, "Jane \"JD\" Doe <jane@example.com> $5");
    }
}
