use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports Dockerfile syntax that BuildKit refuses to build: unknown instructions, unterminated
    /// heredocs, instructions before the first `FROM`, malformed `FROM`, `ENV` without a value, and
    /// the like. The rest of the file is still analysed.
    ///
    /// ## Why is this bad?
    /// The build fails. Unlike hadolint (DL1000), dockguard keeps going, so the other problems of the
    /// file are reported in the same run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN <<EOF
    /// echo never terminated
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax as the message says; `docker build --check` shows the same error.
    pub struct SyntaxError {
        code: "DF000",
        name: "syntax-error",
        step: TrustedImages,
        severity: High,
        summary: "The Dockerfile has a syntax error BuildKit rejects",
        references: [Hadolint "DL1000", Cwe "CWE-1164"],
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for error in &ctx.model.df.errors {
            out.push(Diagnostic::new(error.span.clone(), error.message.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&SyntaxError);
    }
}
