use super::{Ctx, Diagnostic, Rule};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports secret values committed in the file: a Kubernetes `Secret` with non-empty
    /// `data` or `stringData`, or a compose top-level secret with inline `content`. One finding
    /// per secret, at its first key, naming every key that holds data.
    ///
    /// ## Why is this bad?
    /// `data` is only base64, not encryption: anyone who can read the manifest or its
    /// repository history has the values, and they stay in that history after the file
    /// changes. Secrets applied from files also bypass whatever store and rotation the cluster
    /// uses for them.
    ///
    /// ## Example
    /// ```yaml
    /// secrets:
    ///   api_token:
    ///     content: "t0k3n"
    /// ```
    ///
    /// ## Fix
    /// Revoke and rotate the values, then keep them out of the repository: compose
    /// `secrets: {x: {file: ./x.txt}}` or `{environment: X}` with the file or variable outside
    /// version control; in Kubernetes create the Secret out of band (`kubectl create secret`), or
    /// commit it encrypted (Sealed Secrets, SOPS) or as a reference (External Secrets Operator).
    pub struct SecretDataInManifest {
        code: "WL302",
        name: "secret-data-in-manifest",
        step: Secrets,
        severity: High,
        summary: "Secret values are committed in the file",
        references: [Cwe "CWE-798"],
    }
}

impl Rule for SecretDataInManifest {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for secret in &ctx.workload.secrets {
            let Some(first) = secret.keys.first() else {
                continue;
            };
            let keys: Vec<String> = secret
                .keys
                .iter()
                .map(|k| format!("`{}`", k.value))
                .collect();
            let noun = if keys.len() == 1 { "key" } else { "keys" };
            out.push(Diagnostic::new(
                &first.loc,
                format!(
                    "secret `{}` has its data written in this file ({noun} {}); base64 is not encryption",
                    secret.name,
                    keys.join(", ")
                ),
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
        testing::check_fixtures(&SecretDataInManifest);
    }
}
