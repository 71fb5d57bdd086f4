use super::helpers::drops_all_capabilities;
use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that do not drop all capabilities (`cap_drop: [ALL]`,
    /// `--cap-drop=ALL`, `capabilities.drop: ["ALL"]`). Privileged containers are left to
    /// WL100.
    ///
    /// ## Why is this bad?
    /// Without it the container keeps the runtime's default set: Docker grants 14
    /// capabilities, among them `NET_RAW` (forge packets, ARP/DNS spoofing on the bridge),
    /// `MKNOD`, `SETUID`/`SETGID`, `DAC_OVERRIDE` and `CHOWN`. Most services need none of
    /// them, and each one is more an attacker can use after taking over the process or when a
    /// kernel flaw turns a capability into an escape. Dropping all and adding back the few
    /// needed makes the grant explicit and reviewable, and is what the Kubernetes
    /// `restricted` profile requires.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    ///
    /// ## Fix
    /// Drop everything and add back only what the process needs:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    pub struct CapabilitiesNotDropped {
        code: "WL102",
        name: "capabilities-not-dropped",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Container keeps the default capabilities (no drop ALL)",
        references: [
            Cis "5.4",
            Pss "restricted:capabilities",
            Trivy "KSV-0003",
            Checkov "CKV_K8S_37",
        ],
    }
}

impl Rule for CapabilitiesNotDropped {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if c.is_privileged() || drops_all_capabilities(c) {
                continue;
            }
            out.push(Diagnostic::new(
                &c.loc,
                format!(
                    "{} keeps the runtime's default capabilities; drop `ALL` and add back only \
                     what it needs",
                    subject(c)
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
        testing::check_fixtures(&CapabilitiesNotDropped);
    }
}
