use super::common_a::env_settings;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `NODE_TLS_REJECT_UNAUTHORIZED=0` set by `ENV`, an `ARG` default, a `NAME=value`
    /// prefix of a RUN command (`NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci`) or `export` in a RUN.
    ///
    /// ## Why is this bad?
    /// Node.js then accepts any TLS certificate for every HTTPS connection (npm, yarn, your
    /// application), so traffic can be intercepted and packages replaced. Set with `ENV`, it also
    /// applies to every container run from the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// ## Fix
    /// Remove the variable; trust a private CA with `NODE_EXTRA_CA_CERTS=/path/ca.pem`.
    pub struct NodeTlsRejectUnauthorized {
        code: "DF606",
        name: "node-tls-reject-unauthorized",
        step: TrustedImages,
        severity: High,
        summary: "NODE_TLS_REJECT_UNAUTHORIZED=0 disables TLS verification",
        references: [Checkov "CKV2_DOCKER_6", Cwe "CWE-295"],
    }
}

impl Rule for NodeTlsRejectUnauthorized {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for env in env_settings(ctx) {
            if env.name == "NODE_TLS_REJECT_UNAUTHORIZED"
                && env.value.as_deref().map(str::trim) == Some("0")
            {
                out.push(Diagnostic::new(
                    env.span,
                    format!(
                        "{} `NODE_TLS_REJECT_UNAUTHORIZED=0` makes Node.js accept any TLS certificate",
                        env.via
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
        testing::check_fixtures(&NodeTlsRejectUnauthorized);
    }
}
