use super::common_c::{sub_span, var_refs};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind, Word};

declare_rule! {
    /// ## What it does
    /// Reports an `ENV` with several pairs where one value references (`$NAME` or `${NAME}`) a
    /// variable that another pair of the same `ENV` defines, and that was not defined before.
    /// Unlike hadolint, whose memory of defined names spans the whole file, a variable counts as
    /// defined only in the current stage's scope (global ARGs need redeclaring), and references in
    /// single quotes or escaped (`\$NAME`) are literal text, not references.
    ///
    /// ## Why is this bad?
    /// All values of one `ENV` are expanded before any of its variables is set:
    /// `ENV DIR=/opt/app BIN=$DIR/bin` sets `BIN` to `/bin`, not `/opt/app/bin`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/opt/app PATH=$APP_HOME/bin:$PATH
    /// ```
    ///
    /// ## Fix
    /// Split it: `ENV APP_HOME=/opt/app` then `ENV PATH=$APP_HOME/bin:$PATH`.
    pub struct EnvSelfReference {
        code: "DF512",
        name: "env-self-reference",
        step: TrustedImages,
        severity: Medium,
        summary: "ENV value uses a variable defined by the same ENV",
        references: [Hadolint "DL3044"],
    }
}

impl Rule for EnvSelfReference {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let escape = ctx.model.df.escape;
        for (idx, inst) in ctx.effective_instructions() {
            let (Kind::Env, Args::KeyValues { pairs, .. }) = (inst.kind, &inst.args) else {
                continue;
            };
            if pairs.len() < 2 {
                continue;
            }
            let scope = &ctx.model.info[idx].vars;
            for (i, pair) in pairs.iter().enumerate() {
                let Some(raw) = pair.value.as_deref() else {
                    continue;
                };
                let word = Word {
                    raw: raw.to_string(),
                    span: pair.value_span.clone(),
                };
                for r in var_refs(raw, escape) {
                    let same_env = pairs
                        .iter()
                        .enumerate()
                        .any(|(j, p)| j != i && p.key == r.name);
                    if !r.plain || !same_env || scope.contains_key(&r.name) {
                        continue;
                    }
                    out.push(Diagnostic::new(
                        sub_span(&word, r.range.clone(), ctx.text()),
                        format!(
                            "`{}` uses `${}`, which this same ENV sets: here it is still unset; move `{}` to an earlier ENV",
                            pair.key, r.name, r.name
                        ),
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
        testing::check_fixtures(&EnvSelfReference);
    }

    #[test]
    fn points_at_the_reference() {
        let text = "FROM a\nENV A=1 B=x${A}y\n";
        let d = testing::run(&EnvSelfReference, text);
        assert_eq!(&text[d[0].span.clone()], "${A}");
    }
}
