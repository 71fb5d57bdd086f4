use super::helpers::limit_means_unlimited;
use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports containers with the out-of-memory killer disabled (`oom_kill_disable: true`,
    /// `--oom-kill-disable`).
    ///
    /// ## Why is this bad?
    /// When the container reaches its memory limit its processes are no longer killed: they
    /// hang, waiting for memory that never comes, and the service stops answering without
    /// crashing (so restart policies and health-based restarts may not help). Without a
    /// memory limit it is worse: the container can use all of the host's memory and, since
    /// it cannot be chosen, the kernel kills host processes and other containers instead.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: example/cache
    ///     oom_kill_disable: true
    /// ```
    ///
    /// ## Fix
    /// Remove `oom_kill_disable`, set a realistic `mem_limit`, and let the restart policy
    /// bring the service back if it is killed.
    pub struct OomKillerDisabled {
        code: "WL111",
        name: "oom-killer-disabled",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Container has the OOM killer disabled",
        references: [Cwe "CWE-400"],
    }
}

impl Rule for OomKillerDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(disable) = &c.oom_kill_disable else {
                continue;
            };
            if !disable.value {
                continue;
            }
            let limited = c
                .memory_limit
                .as_ref()
                .is_some_and(|m| !limit_means_unlimited(&m.value));
            let message = if limited {
                format!(
                    "{} disables the OOM killer: at its memory limit it hangs instead of being \
                     restarted",
                    subject(c)
                )
            } else {
                format!(
                    "{} disables the OOM killer and has no memory limit: it can take all host \
                     memory, and the kernel will kill host processes instead of it",
                    subject(c)
                )
            };
            out.push(Diagnostic::new(&disable.loc, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&OomKillerDisabled);
    }

    #[test]
    fn message_depends_on_memory_limit() {
        let text = "services:\n  a:\n    image: x\n    oom_kill_disable: true\n  b:\n    image: x\n    mem_limit: 256m\n    oom_kill_disable: true\n";
        let workload =
            crate::check::load("t.yaml", None, text, crate::FileKind::Compose).expect("loads");
        let config = dockguard_core::Config::default();
        let ctx = Ctx {
            workload: &workload,
            config: &config,
            host: None,
        };
        let mut out = Vec::new();
        OomKillerDisabled.check(&ctx, &mut out);
        assert_eq!(out.len(), 2);
        assert!(
            out[0].message.contains("no memory limit"),
            "{}",
            out[0].message
        );
        assert!(
            !out[1].message.contains("no memory limit"),
            "{}",
            out[1].message
        );
    }
}
