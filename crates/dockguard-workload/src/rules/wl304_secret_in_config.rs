use super::wl300_secret_in_environment::describe_secret;
use super::{Ctx, Diagnostic, Rule};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports secrets stored as plain configuration: a Kubernetes `ConfigMap` key, or a compose
    /// config with inline `content`, whose name looks like a secret (`DB_PASSWORD`, `api_token`)
    /// with a literal value, or whose value has the shape of a known credential (cloud access
    /// keys, tokens, private keys, passwords in URLs).
    ///
    /// ## Why is this bad?
    /// ConfigMaps are meant for non-confidential data: they are not encrypted at rest, RBAC
    /// rules commonly let many more users and controllers read them than Secrets, and they are
    /// printed by `kubectl describe`. A credential there is readable by everyone who can read
    /// configuration, and by everyone who can read the repository the manifest lives in.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: app}
    /// data:
    ///   DB_PASSWORD: hunter2-but-longer
    /// ```
    ///
    /// ## Fix
    /// Move the value to a Secret created out of band (or an external secret store), mount it
    /// as a file, and rotate the credential that was committed.
    pub struct SecretInConfig {
        code: "WL304",
        name: "secret-in-config",
        step: Secrets,
        severity: High,
        summary: "A ConfigMap or compose config holds a secret in plain text",
        references: [Trivy "KSV-0109", Trivy "KSV-01010", Cwe "CWE-312"],
    }
}

impl Rule for SecretInConfig {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for entry in &ctx.workload.config_entries {
            // A multi-line value is a configuration file; only its shape can tell a secret.
            let name = if entry.value.contains('\n') {
                ""
            } else {
                entry.key.as_str()
            };
            if let Some(what) = describe_secret(name, &entry.value) {
                out.push(Diagnostic::new(
                    &entry.value_loc,
                    format!(
                        "key `{}` of {} {what}; configuration is not protected like a secret",
                        entry.key, entry.object
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
        testing::check_fixtures(&SecretInConfig);
    }
}
