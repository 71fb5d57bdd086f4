use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports mounts with `shared` or `rshared` propagation (`:shared`/`:rshared` volume
    /// options, `bind.propagation`, `bind-propagation=`, Kubernetes
    /// `mountPropagation: Bidirectional`).
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts made inside the container appear on the host (and in
    /// every other container sharing that mount). A process in the container that can mount
    /// (`SYS_ADMIN`, privileged) can then cover host paths with its own file systems, for
    /// example mount over a folder the host or another container trusts, and mounts it leaves
    /// behind outlive the container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     volumes:
    ///       - /mnt/data:/data:rshared
    /// ```
    ///
    /// ## Fix
    /// Use the default `rprivate` propagation, or `rslave` (`HostToContainer`) when the
    /// container only needs to see mounts made on the host later.
    pub struct SharedMountPropagation {
        code: "WL503",
        name: "shared-mount-propagation",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Mount propagates mounts back to the host",
        references: [Cis "5.20"],
    }
}

impl Rule for SharedMountPropagation {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for m in &c.mounts {
                let Some(propagation) = &m.propagation else {
                    continue;
                };
                let propagation = propagation.trim().to_ascii_lowercase();
                if propagation != "shared" && propagation != "rshared" {
                    continue;
                }
                let target = m.target.as_deref().unwrap_or("a mount");
                out.push(Diagnostic::new(
                    &m.loc,
                    format!(
                        "{} mounts `{target}` with `{propagation}` propagation: mounts made in \
                         the container reach the host",
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
        testing::check_fixtures(&SharedMountPropagation);
    }
}
