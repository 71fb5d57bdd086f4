use super::helpers::is_root_user;
use super::{Ctx, Diagnostic, Rule};
use crate::model::Base;

declare_rule! {
    /// ## What it does
    /// Reports when the final stage — the image you ship — runs as root: its last `USER` (after ARG
    /// expansion, following `FROM <stage>` chains) is `root` or `0`, or it sets no `USER` at all.
    /// Build stages are not reported: only the final image runs. A final stage `FROM scratch`
    /// without USER is reported too, as its processes run as UID 0.
    ///
    /// ## Why is this bad?
    /// A process running as root inside a container is root on the host if it escapes through a
    /// kernel or runtime flaw, and can change everything inside the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// Create an unprivileged user and switch to it at the end of the final stage:
    /// `RUN useradd --uid 10001 --no-create-home app` then `USER 10001`.
    pub struct FinalStageRoot {
        code: "DF200",
        name: "final-stage-runs-as-root",
        step: NonRootUser,
        severity: High,
        summary: "The final stage runs as root",
        references: [Hadolint "DL3002", Trivy "DS-0002", Checkov "CKV_DOCKER_3", Checkov "CKV_DOCKER_8", Dockle "CIS-DI-0001", Cis "4.1", Cwe "CWE-250"],
    }
}

impl Rule for FinalStageRoot {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        match model.effective_user(stage.index) {
            Some((idx, user)) if is_root_user(&user) => {
                let inst = model.instruction(idx);
                out.push(Diagnostic::new(
                    inst.span.clone(),
                    format!("the final stage runs as `{user}`; switch to an unprivileged USER"),
                ));
            }
            Some(_) => {}
            None => {
                // A USER that depends on an unset build argument is not known to be root.
                let from = model.instruction(stage.from);
                let from_stage = matches!(stage.base, Base::Stage(_));
                let message = if from_stage {
                    "the final stage and the stages it builds on set no USER, so it runs as root"
                } else {
                    "the final stage sets no USER, so it runs as root (unless its base image sets one)"
                };
                out.push(Diagnostic::new(from.head_span(ctx.text()), message));
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
        testing::check_fixtures(&FinalStageRoot);
    }

    #[test]
    fn arg_expanded_user() {
        assert_eq!(
            testing::lines(&FinalStageRoot, "FROM a\nARG U=0:0\nUSER $U\n"),
            [3]
        );
        assert!(testing::lines(&FinalStageRoot, "FROM a\nARG U=app\nUSER $U\n").is_empty());
    }
}
