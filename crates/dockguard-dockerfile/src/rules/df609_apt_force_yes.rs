use super::common_a::{apt_options, invocations};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get`/`apt`/`aptitude` run with `--force-yes` or `-o APT::Get::force-yes=true`.
    ///
    /// ## Why is this bad?
    /// `--force-yes` answers yes to everything apt would stop on, including installing
    /// unauthenticated packages and downgrading packages, which can leave the image with unsigned
    /// or vulnerable versions. apt itself deprecates it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --force-yes curl
    /// ```
    ///
    /// ## Fix
    /// Use `-y` alone; if a downgrade or a held package is really intended, use the specific
    /// `--allow-downgrades` / `--allow-change-held-packages` option.
    pub struct AptForceYes {
        code: "DF609",
        name: "apt-force-yes",
        step: TrustedImages,
        severity: Medium,
        summary: "apt --force-yes bypasses signature and downgrade checks",
        references: [Checkov "CKV2_DOCKER_11", Cis "4.11", Cwe "CWE-347"],
    }
}

impl Rule for AptForceYes {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if !matches!(inv.program, "apt-get" | "apt" | "aptitude") {
                continue;
            }
            let option = apt_options(&inv).into_iter().find(|(_, o)| {
                o.split_once('=').is_some_and(|(k, v)| {
                    k.to_ascii_lowercase().ends_with("::force-yes")
                        && matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes")
                })
            });
            if let Some(i) = inv.flag(&["--force-yes"]).or(option.map(|(i, _)| i)) {
                out.push(Diagnostic::new(
                    inv.arg_span(i),
                    format!(
                        "`{} {}` also installs unauthenticated packages and allows downgrades",
                        inv.program,
                        inv.args()[i]
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
        testing::check_fixtures(&AptForceYes);
    }
}
