use super::helpers::is_unconfined;
use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs without AppArmor confinement: compose
    /// `security_opt: [apparmor:unconfined]`, `docker run --security-opt apparmor=unconfined`,
    /// Kubernetes `appArmorProfile: {type: Unconfined}` or the legacy
    /// `container.apparmor.security.beta.kubernetes.io/<name>: unconfined` annotation.
    ///
    /// ## Why is this bad?
    /// On AppArmor hosts (Debian, Ubuntu, SUSE) the default `docker-default` /
    /// `RuntimeDefault` profile denies writes to `/proc` and `/sys` files, `mount`, and access
    /// to the kernel interfaces most container escapes go through. Turning it off removes that
    /// layer for the container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt:
    ///       - apparmor:unconfined
    /// ```
    ///
    /// ## Fix
    /// Remove the option to get the default profile, or load a profile written for the
    /// application (`apparmor:my-app`, Kubernetes `type: Localhost`).
    pub struct ApparmorUnconfined {
        code: "WL602",
        name: "apparmor-unconfined",
        step: RuntimeDefence,
        severity: High,
        summary: "Container runs without an AppArmor profile",
        references: [Cis "5.2", Pss "baseline:apparmor", Trivy "KSV-0002"],
    }
}

impl Rule for ApparmorUnconfined {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(apparmor) = &c.apparmor else {
                continue;
            };
            if is_unconfined(&apparmor.value) {
                out.push(Diagnostic::new(
                    &apparmor.loc,
                    format!(
                        "{} runs with AppArmor unconfined: the default profile's limits on `/proc`, `/sys` and `mount` are gone",
                        subject(c)
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
        testing::check_fixtures(&ApparmorUnconfined);
    }
}
