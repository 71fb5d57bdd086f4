use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind, split_words};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `ENV` and `LABEL` in the legacy whitespace form, `ENV key value`, instead of
    /// `ENV key=value`.
    ///
    /// ## Why is this bad?
    /// In the legacy form the value is the rest of the line, so `ENV ONE TWO= THREE=world` sets
    /// one variable `ONE` to `TWO= THREE=world`, not three. The form is deprecated and BuildKit
    /// warns about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV JAVA_HOME /opt/java
    /// ```
    ///
    /// ## Fix
    /// Write `ENV JAVA_HOME=/opt/java`. `--fix` rewrites one-line instructions, quoting the value
    /// when it contains spaces (`ENV MSG="hello world"`); values mixing quotes and spaces are
    /// left for you to rewrite.
    pub struct LegacyEnvFormat {
        code: "DF008",
        name: "legacy-env-format",
        step: TrustedImages,
        severity: Low,
        summary: "ENV or LABEL in the legacy `key value` form",
        references: [Buildkit "LegacyKeyValueFormat"],
        fixable: true,
    }
}

impl Rule for LegacyEnvFormat {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let escape = ctx.model.df.escape;
        for (_, inst) in ctx.effective_instructions() {
            let Args::KeyValues {
                pairs,
                legacy: true,
            } = &inst.args
            else {
                continue;
            };
            if !matches!(inst.kind, Kind::Env | Kind::Label) {
                continue;
            }
            for pair in pairs {
                let Some(value) = pair.value.as_deref().filter(|v| !v.is_empty()) else {
                    continue;
                };
                let name = inst.kind.name();
                let mut d = Diagnostic::new(
                    pair.span.clone(),
                    format!(
                        "`{name} {} …` uses the legacy whitespace form; write `{name} {}=…`",
                        pair.key, pair.key
                    ),
                );
                let one_line = !ctx.model.span_text(&pair.span).contains('\n');
                if one_line && let Some(new_value) = key_value_text(value, escape) {
                    let edit = Edit {
                        span: pair.span.clone(),
                        replacement: format!("{}={new_value}", pair.key),
                    };
                    d = d.with_fix(format!("write `{}={new_value}`", pair.key), vec![edit]);
                }
                out.push(d);
            }
        }
    }
}

/// The value as one `key=value` word that BuildKit reads exactly as it read the legacy value.
fn key_value_text(value: &str, escape: char) -> Option<String> {
    let special = value.contains(['"', '\'']) || value.contains(escape);
    if !special {
        return Some(if value.contains(char::is_whitespace) {
            format!("\"{value}\"")
        } else {
            value.to_string()
        });
    }
    // Quotes and escapes already keep it one word: usable as is.
    (split_words(value, escape).len() == 1).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&LegacyEnvFormat);
    }

    #[test]
    fn fix_quotes_when_needed() {
        let text = "FROM a\nENV A /opt/a\nENV MSG hello   $USER world\nLABEL x \"a b\"\nENV B \"a b\" c\nENV C \\\n  d\n";
        let fixed = testing::fixed(&LegacyEnvFormat, text);
        assert_eq!(
            fixed,
            "FROM a\nENV A=/opt/a\nENV MSG=\"hello   $USER world\"\nLABEL x=\"a b\"\nENV B \"a b\" c\nENV C \\\n  d\n"
        );
        assert_eq!(testing::lines(&LegacyEnvFormat, &fixed), [5, 6]);
        // The rewritten value expands to what the legacy one did.
        let model = crate::model::Model::new(crate::syntax::parse(text));
        let fixed_model = crate::model::Model::new(crate::syntax::parse(&fixed));
        assert_eq!(
            model.info[4].vars.get("MSG"),
            fixed_model.info[4].vars.get("MSG")
        );
    }
}
