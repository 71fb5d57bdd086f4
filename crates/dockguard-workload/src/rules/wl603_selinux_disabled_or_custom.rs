use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports SELinux labelling that is turned off or replaced with a less confined label:
    /// - `label=disable` / `label:disable` (compose `security_opt`, `docker run --security-opt`);
    /// - a `type` other than the container types `container_t`, `container_init_t`,
    ///   `container_kvm_t` and `container_engine_t` (`spc_t`, `unconfined_t`, …), in Docker's
    ///   `label=type:…` or Kubernetes `seLinuxOptions.type`;
    /// - any SELinux `user` or `role`, which the PSS baseline level forbids.
    ///
    /// `level` (MCS categories) and `filetype` are allowed.
    ///
    /// ## Why is this bad?
    /// On SELinux hosts (Fedora, RHEL, CentOS) the container label is what keeps a process that
    /// escapes its namespaces from reading and writing host files and other containers' data.
    /// `disable` runs the container unlabelled, and types such as `spc_t` ("super privileged
    /// container") are unconfined by design.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt:
    ///       - label=disable
    /// ```
    ///
    /// ## Fix
    /// Remove the option. For volumes the container cannot read, relabel them (`:z` or `:Z` on
    /// the bind mount) instead of disabling labelling; for a different level of isolation use
    /// `label=level:s0:c100,c200`.
    pub struct SelinuxDisabledOrCustom {
        code: "WL603",
        name: "selinux-disabled-or-custom",
        step: RuntimeDefence,
        severity: High,
        summary: "SELinux labelling is disabled or set to a less confined label",
        references: [Cis "5.3", Pss "baseline:selinux", Trivy "KSV-0025"],
    }
}

/// Types the PSS baseline level allows.
const ALLOWED_TYPES: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Why one label option weakens confinement, if it does.
fn problem(option: &str) -> Option<String> {
    let option = option.trim();
    if option.eq_ignore_ascii_case("disable") {
        return Some("disables SELinux labelling (`label=disable`)".to_string());
    }
    let (key, value) = option.split_once(':')?;
    let value = value.trim();
    match key.trim() {
        "type" if !value.is_empty() && !ALLOWED_TYPES.contains(&value) => Some(format!(
            "runs with SELinux type `{value}` instead of a confined container type"
        )),
        "user" | "role" if !value.is_empty() => {
            Some(format!("sets a custom SELinux {} (`{value}`)", key.trim()))
        }
        _ => None,
    }
}

impl Rule for SelinuxDisabledOrCustom {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for option in &c.selinux {
                if let Some(what) = problem(&option.value) {
                    out.push(Diagnostic::new(
                        &option.loc,
                        format!("{} {what}", subject(c)),
                    ));
                }
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
        testing::check_fixtures(&SelinuxDisabledOrCustom);
    }

    #[test]
    fn options() {
        for bad in [
            "disable",
            "DISABLE",
            "type:spc_t",
            "type:unconfined_t",
            "user:system_u",
            "role:system_r",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        for ok in [
            "type:container_t",
            "type:container_engine_t",
            "type:",
            "level:s0:c100,c200",
            "filetype:container_file_t",
            "nested",
            "user:",
        ] {
            assert!(problem(ok).is_none(), "{ok}");
        }
    }
}
