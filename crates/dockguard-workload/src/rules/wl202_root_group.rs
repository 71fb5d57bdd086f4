use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::{group_is_root, user_is_root};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a non-root user whose primary group is root: compose `user: "1000:0"` or
    /// `app:root`, `docker run --user 1000:0`, Kubernetes `runAsUser: 1000` with
    /// `runAsGroup: 0`. A root user is left to WL200.
    ///
    /// ## Why is this bad?
    /// Group 0 owns many files that are group-readable or group-writable on the host and in
    /// images (`/etc` files, sockets, device nodes, volumes created by root). A process that
    /// escapes, or reaches such files through a mount, gets root's group access even though its
    /// user is not root.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:2.1
    ///     user: "1000:0"
    /// ```
    ///
    /// ## Fix
    /// Give the user its own group (`user: "10001:10001"`, `runAsGroup: 10001`). Images built
    /// for OpenShift's arbitrary-uid model make files group 0 writable on purpose; give them a
    /// non-root group and `fsGroup` instead where you can.
    pub struct RootGroup {
        code: "WL202",
        name: "root-group",
        step: NonRootUser,
        severity: Info,
        summary: "Container runs with the root group",
        references: [Trivy "KSV-0116"],
    }
}

impl Rule for RootGroup {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(user) = &c.user else { continue };
            if group_is_root(&user.value) && !user_is_root(&user.value) {
                out.push(Diagnostic::new(
                    &user.loc,
                    format!(
                        "{} runs with group root (user `{}`); it can use every file group 0 may read or write",
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
        testing::check_fixtures(&RootGroup);
    }
}
