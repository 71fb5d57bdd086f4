use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports restart policies that retry for ever: `always`, `unless-stopped`, Swarm
    /// `condition: any`, and `on-failure` with no maximum, a maximum of `0` (unlimited) or a
    /// maximum above 5. `no` and `none` are not reported.
    ///
    /// ## Why is this bad?
    /// A container that crashes at start (bad configuration, an exploit that kills it, a
    /// dependency that is down) is then restarted endlessly. Each restart re-runs the start
    /// path an attacker may be probing, consumes host resources, and hides the failure as a
    /// flapping service instead of a stopped one that someone notices. A small retry cap
    /// rides out short glitches and stops a loop.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     restart: always
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     restart: on-failure:5
    /// ```
    /// (Swarm: `deploy.restart_policy: {condition: on-failure, max_attempts: 5}`.)
    pub struct RestartWithoutRetryCap {
        code: "WL115",
        name: "restart-without-retry-cap",
        step: NamespacesCgroups,
        severity: Low,
        summary: "Restart policy retries without a small cap",
        references: [Cis "5.15"],
    }
}

/// Most restarts the benchmark accepts for `on-failure`.
const MAX_RETRIES: i64 = 5;

impl Rule for RestartWithoutRetryCap {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            let Some(restart) = &c.restart else { continue };
            let policy = restart.value.policy.trim().to_ascii_lowercase();
            let message = match policy.as_str() {
                "always" | "unless-stopped" | "any" => format!(
                    "{} restarts with policy `{policy}`, without a retry cap",
                    subject(c)
                ),
                "on-failure" => match restart.value.max_retries {
                    Some(n) if (1..=MAX_RETRIES).contains(&n) => continue,
                    Some(n) if n > MAX_RETRIES => format!(
                        "{} restarts on failure up to {n} times (more than {MAX_RETRIES})",
                        subject(c)
                    ),
                    // Docker and Swarm read 0 as "no limit".
                    _ => format!("{} restarts on failure without a retry cap", subject(c)),
                },
                _ => continue,
            };
            out.push(Diagnostic::new(&restart.loc, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&RestartWithoutRetryCap);
    }
}
