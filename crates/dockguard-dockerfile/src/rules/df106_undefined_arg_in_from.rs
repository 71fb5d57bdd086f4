use super::common_a::{MORE_PREDEFINED_ARGS, suggest, var_refs};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Span};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image or `--platform` value references a variable that is neither a
    /// global `ARG` (declared before the first `FROM`) nor one of BuildKit's predefined ARGs
    /// (`TARGETPLATFORM`, `BUILDARCH`, `TARGETSTAGE`, …). References with a default
    /// (`${TAG:-3.20}`) count too, as in BuildKit. The message suggests a close declared name
    /// when there is one, and says so when the ARG is only declared inside a stage.
    ///
    /// ## Why is this bad?
    /// `FROM` only sees global ARGs. An undeclared name silently expands to the empty string (or
    /// its default), so a typo such as `$BULIDPLATFORM` or an ARG declared after the first `FROM`
    /// builds a different base image than intended, or fails far from the cause.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// ARG NODE_VERSION=20
    /// FROM node:${NODE_VERSION}-alpine
    /// ```
    ///
    /// ## Fix
    /// Declare the ARG before the first `FROM` (`ARG NODE_VERSION=20` at the top of the file), or
    /// correct the name.
    pub struct UndefinedArgInFrom {
        code: "DF106",
        name: "undefined-arg-in-from",
        step: TrustedImages,
        severity: Medium,
        summary: "FROM references an undeclared build argument",
        references: [Buildkit "UndefinedArgInFrom", Cwe "CWE-457"],
    }
}

impl Rule for UndefinedArgInFrom {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let escape = model.df.escape;
        let globals = &model.global_vars;
        // ARGs declared inside stages, which FROM cannot see.
        let stage_args: Vec<&str> = ctx
            .effective_instructions()
            .filter(|(i, _)| model.info[*i].stage.is_some())
            .filter_map(|(_, inst)| match &inst.args {
                Args::Arg { pairs } => Some(pairs),
                _ => None,
            })
            .flatten()
            .map(|p| p.key.as_str())
            .collect();
        for stage in &model.stages {
            let inst = model.instruction(stage.from);
            let mut words: Vec<(&str, Span)> = Vec::new();
            if let Some(flag) = inst.flag("platform") {
                words.push((flag.value.as_deref().unwrap_or(""), flag.span.clone()));
            }
            if let Some((word, _)) = &stage.image {
                words.push((&word.raw, word.span.clone()));
            }
            for (raw, span) in words {
                for name in var_refs(raw, escape) {
                    if globals.contains_key(&name) || MORE_PREDEFINED_ARGS.contains(&name.as_str())
                    {
                        continue;
                    }
                    let hint = if stage_args.contains(&name.as_str()) {
                        format!(
                            "; `ARG {name}` is declared inside a stage, move it before the first FROM"
                        )
                    } else if let Some(close) = suggest(&name, globals.keys().map(String::as_str)) {
                        format!(" (did you mean `{close}`?)")
                    } else {
                        String::new()
                    };
                    out.push(Diagnostic::new(
                        span.clone(),
                        format!("FROM uses `{name}`, which is not declared as a global ARG{hint}"),
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
        testing::check_fixtures(&UndefinedArgInFrom);
    }

    #[test]
    fn messages() {
        let d = testing::run(
            &UndefinedArgInFrom,
            "ARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} a\n",
        );
        assert_eq!(
            d[0].message,
            "FROM uses `MYARCH`, which is not declared as a global ARG (did you mean `MY_ARCH`?)"
        );
        let d = testing::run(&UndefinedArgInFrom, "FROM a\nARG V=1\nFROM b:$V\n");
        assert!(
            d[0].message.contains("declared inside a stage"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn declared_and_predefined_args_pass() {
        let text = "ARG DEBUG\nARG base=scratch\nFROM --platform=$BUILDPLATFORM scra${DEBUG:-tch}\nFROM $base\nFROM alpine:${TARGETARCH}\nFROM ${TARGETSTAGE:-alpine}\n";
        assert!(testing::run(&UndefinedArgInFrom, text).is_empty());
    }
}
