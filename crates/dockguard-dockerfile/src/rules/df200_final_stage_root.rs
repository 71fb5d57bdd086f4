use super::helpers::is_root_user;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports when the final stage — the image you ship — switches to root: its last `USER`
    /// (after ARG expansion, following `FROM <stage>` chains) is `root` or `0`, with or without a
    /// group. Build stages are not reported, since only the final image runs (hadolint's DL3002
    /// also reports build stages, issues #405 and #1068). A final stage with no `USER` at all is
    /// DF208.
    ///
    /// ## Why is this bad?
    /// A process running as root inside a container is root on the host if it escapes through a
    /// kernel or runtime flaw, and can change everything inside the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// USER root
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// Do the root-only work earlier, then end the final stage with an unprivileged user:
    /// `RUN useradd --uid 10001 --no-create-home app` then `USER 10001`.
    pub struct FinalStageRoot {
        code: "DF200",
        name: "final-stage-runs-as-root",
        step: NonRootUser,
        severity: High,
        summary: "The final stage's last USER is root",
        references: [Hadolint "DL3002", Trivy "DS-0002", Checkov "CKV_DOCKER_8", Dockle "CIS-DI-0001", Cis "4.1", Cwe "CWE-250"],
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
        if let Some((idx, user)) = model.effective_user(stage.index)
            && is_root_user(&user)
        {
            out.push(Diagnostic::new(
                model.instruction(idx).span.clone(),
                format!("the final stage runs as `{user}`; switch to an unprivileged USER"),
            ));
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
        assert!(
            testing::lines(&FinalStageRoot, "FROM a\n").is_empty(),
            "no USER at all is DF208"
        );
    }
}
