use super::helpers::k8s_object;
use super::{Ctx, Diagnostic, Rule};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes pods that get their service account's API token mounted: the pod spec
    /// does not set `automountServiceAccountToken: false` (or sets it to `true`). One finding
    /// per pod, at the setting or at its first container. When the same file declares a
    /// ServiceAccount with `automountServiceAccountToken: false`, pods that leave the setting
    /// unset are not reported, as they may use that account.
    ///
    /// ## Why is this bad?
    /// Every container of the pod can read the token at
    /// `/var/run/secrets/kubernetes.io/serviceaccount/token` and call the Kubernetes API with the
    /// account's permissions. Most applications never talk to the API, so the token only helps
    /// an attacker who gets code execution: to list Secrets, read other workloads or move
    /// laterally, depending on the account's RBAC.
    ///
    /// ## Example
    /// Kubernetes only.
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    /// ```
    ///
    /// ## Fix
    /// Set `automountServiceAccountToken: false` in the pod spec, or on the ServiceAccount the
    /// pod uses, and turn it on only for pods that call the API (preferably with a projected,
    /// short-lived token and a dedicated account).
    pub struct ServiceAccountTokenAutomounted {
        code: "WL303",
        name: "service-account-token-automounted",
        step: Secrets,
        severity: Low,
        summary: "Pod gets a Kubernetes API token it may not need",
        references: [Checkov "CKV_K8S_38", Trivy "KSV-0036"],
    }
}

impl Rule for ServiceAccountTokenAutomounted {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        // The pod's own setting wins; without it the ServiceAccount's applies, and the model
        // does not record which account a pod uses.
        let some_account_opts_out = ctx
            .workload
            .service_accounts
            .iter()
            .any(|sa| sa.automount.as_ref().is_some_and(|a| !a.value));
        let mut seen: Vec<&str> = Vec::new();
        for c in ctx.containers().filter(|c| !c.init) {
            let Some(object) = k8s_object(c) else {
                continue;
            };
            if seen.contains(&object) {
                continue;
            }
            seen.push(object);
            match &c.automount_service_account_token {
                Some(s) if !s.value => {}
                Some(s) => out.push(Diagnostic::new(
                    &s.loc,
                    format!(
                        "{object} mounts its service account token in every container; set `automountServiceAccountToken: false` unless it calls the Kubernetes API"
                    ),
                )),
                None if some_account_opts_out => {}
                None => out.push(Diagnostic::new(
                    &c.loc,
                    format!(
                        "{object} does not set `automountServiceAccountToken: false`: its containers get a Kubernetes API token"
                    ),
                )),
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
        testing::check_fixtures(&ServiceAccountTokenAutomounted);
    }
}
