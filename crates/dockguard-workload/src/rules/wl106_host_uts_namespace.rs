use super::{Ctx, Diagnostic, Rule, subject};
use crate::model::Namespace;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's UTS namespace (`uts: host`, `--uts=host`).
    ///
    /// ## Why is this bad?
    /// The UTS namespace holds the host name and NIS domain name. Sharing it lets a root
    /// process in the container rename the host (with `SYS_ADMIN`), which breaks logging,
    /// monitoring and certificates that rely on the name, and tells the container which host
    /// it runs on. It is rarely needed and undoes one more layer of isolation.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     uts: host
    /// ```
    ///
    /// ## Fix
    /// Remove `uts: host`; set a name with `hostname:` if the application needs a specific
    /// one.
    pub struct HostUtsNamespace {
        code: "WL106",
        name: "host-uts-namespace",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Container shares the host's UTS namespace",
        references: [Cis "5.21"],
    }
}

impl Rule for HostUtsNamespace {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            if let Some(ns) = &c.uts
                && ns.value == Namespace::Host
            {
                out.push(Diagnostic::new(
                    &ns.loc,
                    format!("{} shares the host's UTS namespace (host name)", subject(c)),
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
        testing::check_fixtures(&HostUtsNamespace);
    }
}
