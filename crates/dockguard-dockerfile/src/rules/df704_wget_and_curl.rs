use super::common_d::{program_of, run_commands};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports RUNs that use `curl` or `wget` in a stage where the other one is used too: once
    /// both have been seen, every further RUN using either is reported, like hadolint. Each
    /// `FROM` starts afresh.
    ///
    /// ## Why is this bad?
    /// Two download tools means two packages, two sets of CVEs and two TLS configurations to
    /// keep right, for the same job.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -q https://example.com/a.tgz
    /// RUN curl -fsSLO https://example.com/b.tgz
    /// ```
    ///
    /// ## Fix
    /// Pick one tool (curl is the more common in base images) and use it everywhere; remove the
    /// other from the packages you install.
    pub struct WgetAndCurl {
        code: "DF704",
        name: "wget-and-curl",
        step: MinimalImages,
        severity: Info,
        summary: "Both wget and curl are used",
        references: [Hadolint "DL4001", Trivy "DS-0014"],
    }
}

impl Rule for WgetAndCurl {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let (mut curl, mut wget) = (false, false);
        for (idx, inst) in ctx.effective_instructions() {
            if inst.kind == Kind::From {
                (curl, wget) = (false, false);
                continue;
            }
            if inst.kind != Kind::Run {
                continue;
            }
            let cmds = run_commands(ctx.model, idx);
            let first = cmds
                .iter()
                .find(|c| matches!(program_of(c), "curl" | "wget"));
            let Some(first) = first else {
                continue;
            };
            curl |= cmds.iter().any(|c| program_of(c) == "curl");
            wget |= cmds.iter().any(|c| program_of(c) == "wget");
            if curl && wget {
                out.push(Diagnostic::new(
                    first.span.clone(),
                    "both `curl` and `wget` are used in this stage; pick one",
                ));
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
        testing::check_fixtures(&WgetAndCurl);
    }
}
