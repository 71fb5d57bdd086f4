use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers placed under a custom parent cgroup (`cgroup_parent`,
    /// `--cgroup-parent`).
    ///
    /// ## Why is this bad?
    /// By default Docker puts each container in its own cgroup under the daemon's parent, so
    /// the daemon-wide limits and accounting apply. A custom parent moves the container out of
    /// that tree: it may escape limits set for containers, share a budget with unrelated host
    /// services, or be placed in a cgroup with no limits at all. It is not wrong in itself
    /// (the benchmark asks that it be confirmed), so this is informational.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     cgroup_parent: system.slice
    /// ```
    ///
    /// ## Fix
    /// Remove `cgroup_parent` unless the parent is a cgroup prepared for containers with the
    /// limits you expect.
    pub struct CustomCgroupParent {
        code: "WL113",
        name: "custom-cgroup-parent",
        step: NamespacesCgroups,
        severity: Info,
        summary: "Container runs under a custom parent cgroup",
        references: [Cis "5.25"],
    }
}

impl Rule for CustomCgroupParent {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if let Some(parent) = &c.cgroup_parent
                && !parent.value.trim().is_empty()
            {
                out.push(Diagnostic::new(
                    &parent.loc,
                    format!(
                        "{} runs under cgroup parent `{}`: confirm that its limits apply",
                        subject(c),
                        parent.value.trim()
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
        testing::check_fixtures(&CustomCgroupParent);
    }
}
