use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes environment variables filled from a Secret: `env[].valueFrom.secretKeyRef`
    /// and `envFrom[].secretRef` (every key of the Secret becomes a variable).
    ///
    /// ## Why is this bad?
    /// The Secret itself is fine, but environment variables leak: applications dump them in
    /// crash reports and debug pages, log them at start-up, and every child process inherits
    /// them. A mounted Secret file is read only by what opens it, can be limited by file mode,
    /// and is updated in place when the Secret rotates, while an environment variable keeps the
    /// old value until the pod restarts.
    ///
    /// ## Example
    /// Kubernetes only; the compose equivalent, `secrets:`, already mounts files.
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: {name: db, key: password}
    /// ```
    ///
    /// ## Fix
    /// Mount the Secret as a volume (`volumes: [{name: db, secret: {secretName: db}}]` with a
    /// `volumeMount` at `/run/secrets/db`) and have the application read the file, for example
    /// through the image's `*_FILE` variable (`DB_PASSWORD_FILE=/run/secrets/db/password`).
    pub struct SecretAsEnvironmentVariable {
        code: "WL301",
        name: "secret-as-environment-variable",
        step: Secrets,
        severity: Info,
        summary: "A Secret is passed as an environment variable instead of a file",
        references: [Checkov "CKV_K8S_35", Cwe "CWE-526"],
    }
}

impl Rule for SecretAsEnvironmentVariable {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for env in c.env.iter().filter(|e| e.from_secret) {
                // `envFrom` entries are named `<prefix>*`.
                let message = if env.name.ends_with('*') {
                    format!(
                        "{} gets every key of a Secret as environment variables (`envFrom`); mount the Secret as files instead",
                        subject(c)
                    )
                } else {
                    format!(
                        "{} gets `{}` from a Secret as an environment variable; mount the Secret as a file instead",
                        subject(c),
                        env.name
                    )
                };
                out.push(Diagnostic::new(&env.loc, message));
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
        testing::check_fixtures(&SecretAsEnvironmentVariable);
    }
}
