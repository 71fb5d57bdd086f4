use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images whose config runs containers as root: `User` empty or unset, `root`,
    /// `0`, `0:0`, `root:root` (any user part that is root or uid 0).
    ///
    /// ## Why is this bad?
    /// A container of the image runs as root unless every `docker run` and every manifest
    /// overrides the user. Root in a container is root on the host's kernel: any escape,
    /// writable host mount or kernel bug is exploited with full privileges.
    ///
    /// ## Example
    /// An image built from a Dockerfile without `USER`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix
    /// Create an unprivileged user and end the Dockerfile with `USER 1000:1000` (numeric, so
    /// runtimes can verify it is not root).
    pub struct ImageRunsAsRoot {
        code: "IM200",
        name: "image-runs-as-root",
        step: NonRootUser,
        severity: High,
        summary: "Image runs as root",
        references: [Cis "4.1", Dockle "CIS-DI-0001", Cwe "CWE-250"],
    }
}

impl Rule for ImageRunsAsRoot {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let user = ctx.config.config.user.as_deref().unwrap_or("").trim();
        let message = if user.is_empty() {
            "image sets no user: its containers run as root".to_string()
        } else if dockguard_workload::model::user_is_root(user) {
            format!("image runs as root (`User` is `{user}`)")
        } else {
            return;
        };
        out.push(ctx.finding(&Self::META, message, ctx.config_location()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::run_config;

    #[test]
    fn root_users_are_reported() {
        for cfg in [
            r#"{}"#,
            r#"{"User":""}"#,
            r#"{"User":"root"}"#,
            r#"{"User":"0"}"#,
            r#"{"User":"0:0"}"#,
            r#"{"User":"root:root"}"#,
        ] {
            let f = run_config(&ImageRunsAsRoot, cfg);
            assert_eq!(f.len(), 1, "{cfg}");
            assert_eq!(f[0].location.file, "img");
            assert_eq!(f[0].location.line, 1);
        }
        for cfg in [
            r#"{"User":"1000"}"#,
            r#"{"User":"app:0"}"#,
            r#"{"User":"nobody"}"#,
        ] {
            assert!(run_config(&ImageRunsAsRoot, cfg).is_empty(), "{cfg}");
        }
    }
}
