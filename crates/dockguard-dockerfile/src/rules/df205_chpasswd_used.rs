use super::common_d::{program_of, runs};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `chpasswd` in a RUN (ONBUILD RUN and command substitutions included).
    ///
    /// ## Why is this bad?
    /// Setting a password at build time writes it into the Dockerfile and the layer history,
    /// usually in clear text (`echo 'root:secret' | chpasswd`), and gives every container of the
    /// image the same known credential for an interactive login that containers do not need.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'app:changeme' | chpasswd
    /// ```
    ///
    /// ## Fix
    /// Do not give image users a password: create them with a locked password
    /// (`useradd --no-create-home app`, which leaves it locked). If a service really needs one,
    /// set it when the container starts from a runtime secret.
    pub struct ChpasswdUsed {
        code: "DF205",
        name: "chpasswd-used",
        step: Secrets,
        severity: Medium,
        summary: "chpasswd sets a password at build time",
        references: [Checkov "CKV2_DOCKER_17", Cwe "CWE-798"],
    }
}

impl Rule for ChpasswdUsed {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            for cmd in cmds.iter().filter(|c| program_of(c) == "chpasswd") {
                out.push(Diagnostic::new(
                    cmd.span.clone(),
                    "`chpasswd` sets a password at build time; it is stored in the image history",
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
        testing::check_fixtures(&ChpasswdUsed);
    }
}
