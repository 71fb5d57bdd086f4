use super::common_d::run_flags_set_to;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN --security=insecure` (ONBUILD RUN included).
    ///
    /// ## Why is this bad?
    /// The step runs without BuildKit's sandbox, like `docker run --privileged`: all
    /// capabilities, no seccomp or AppArmor profile, host devices. A compromised package script
    /// or download in that step can take over the build host or its other builds. It only works
    /// when the builder is started with `--allow-insecure-entitlement security.insecure`, an
    /// entitlement that should stay off in CI.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --security=insecure mount -t tmpfs none /mnt && ./build.sh
    /// ```
    ///
    /// ## Fix
    /// Remove the flag and do the work without privileges (use `RUN --mount=type=tmpfs` or
    /// `type=cache` instead of `mount`), or move the privileged step out of the image build.
    pub struct RunSecurityInsecure {
        code: "DF206",
        name: "run-security-insecure",
        step: NamespacesCgroups,
        severity: High,
        summary: "RUN --security=insecure disables the build sandbox",
        references: [Cwe "CWE-250"],
    }
}

impl Rule for RunSecurityInsecure {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for span in run_flags_set_to(ctx, "security", "insecure") {
            out.push(Diagnostic::new(
                span,
                "`RUN --security=insecure` runs this step without the build sandbox, like a privileged container",
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
        testing::check_fixtures(&RunSecurityInsecure);
    }
}
