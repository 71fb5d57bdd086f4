use super::{Ctx, Diagnostic, Rule};
use crate::model::Base;

declare_rule! {
    /// ## What it does
    /// Reports a final stage that never sets `USER` — neither itself nor the stages it is built
    /// `FROM` — so the container runs as whatever the base image says, which is root for almost
    /// every base image and always for `scratch`. hadolint does not report this (issues #328, #359,
    /// #1025); Trivy (DS-0002) and checkov (CKV_DOCKER_3) do.
    ///
    /// ## Why is this bad?
    /// A process running as root inside a container is root on the host if it escapes through a
    /// kernel or runtime flaw. Relying on the base image's user is invisible in review.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix
    /// Set an unprivileged user explicitly at the end of the final stage, e.g. `USER node` or
    /// `USER 10001` after creating it.
    pub struct FinalStageNoUser {
        code: "DF208",
        name: "final-stage-has-no-user",
        step: NonRootUser,
        severity: Medium,
        summary: "The final stage never sets USER",
        references: [Trivy "DS-0002", Checkov "CKV_DOCKER_3", Dockle "CIS-DI-0001", Cis "4.1", Cwe "CWE-250"],
    }
}

impl Rule for FinalStageNoUser {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        if model.effective_user(stage.index).is_some() {
            return;
        }
        let message = match stage.base {
            Base::Scratch => {
                "the final stage is FROM scratch and sets no USER, so it runs as UID 0"
            }
            Base::Stage(_) => {
                "the final stage and the stages it builds on set no USER, so it runs as root"
            }
            _ => {
                "the final stage sets no USER, so it runs as the base image's user (root for most images)"
            }
        };
        out.push(Diagnostic::new(
            model.instruction(stage.from).head_span(ctx.text()),
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&FinalStageNoUser);
    }
}
