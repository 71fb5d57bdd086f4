use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::user_is_root;
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container whose user is explicitly root: compose `user: root`, `0`, `0:0`,
    /// `root:root` or `0:1000`, `docker run --user 0`, Kubernetes `runAsUser: 0` (set on the
    /// container or inherited from the pod's `securityContext`).
    ///
    /// Unlike docker-bench-security (4.1), which only knows `root` and `0`, a `uid:gid` pair
    /// whose uid is 0 (`0:0`, `root:root`) is root too.
    ///
    /// ## Why is this bad?
    /// Root in the container is root on the host unless user namespaces remap it: a process that
    /// escapes through a kernel or runtime bug, a mounted host path or the engine socket acts
    /// with full host privileges, and inside the container it can change any file of the image.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     user: "0:0"
    /// ```
    ///
    /// ## Fix
    /// Run as an unprivileged user (`user: "10001:10001"`, Kubernetes `runAsUser: 10001` with
    /// `runAsNonRoot: true`) and give that user only the files it must write.
    pub struct RunsAsRoot {
        code: "WL200",
        name: "runs-as-root",
        step: NonRootUser,
        severity: High,
        summary: "Container is set to run as root",
        references: [Cis "4.1", Pss "restricted:running-as-non-root-user", Trivy "KSV-0105", Checkov "CKV_K8S_23", Cwe "CWE-250"],
    }
}

impl Rule for RunsAsRoot {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(user) = &c.user else { continue };
            if user_is_root(&user.value) {
                out.push(Diagnostic::new(
                    &user.loc,
                    format!(
                        "{} runs as root (user `{}`); a container breakout is root on the host",
                        subject(c),
                        user.value
                    ),
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
        testing::check_fixtures(&RunsAsRoot);
    }
}
