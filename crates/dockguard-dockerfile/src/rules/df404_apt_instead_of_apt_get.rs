use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports the `apt` command in RUN.
    ///
    /// ## Why is this bad?
    /// `apt` is the interactive front end: its command-line interface is not guaranteed stable,
    /// it prints progress bars and warns "apt does not have a stable CLI interface" when used in
    /// scripts. `apt-get` and `apt-cache` are the stable tools for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// ## Fix
    /// Use `apt-get` (`apt-cache` for `search`, `show`, `policy`):
    /// `RUN apt-get update && apt-get install -y curl`.
    pub struct AptInsteadOfAptGet {
        code: "DF404",
        name: "apt-instead-of-apt-get",
        step: TrustedImages,
        severity: Low,
        summary: "apt used instead of apt-get",
        references: [Hadolint "DL3027", Checkov "CKV_DOCKER_9"],
    }
}

impl Rule for AptInsteadOfAptGet {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in ctx.commands() {
            if cmd.is("apt") {
                out.push(Diagnostic::new(
                    cmd.name_span.clone(),
                    "`apt` has no stable command-line interface for scripts; use `apt-get` or `apt-cache`",
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
        testing::check_fixtures(&AptInsteadOfAptGet);
    }

    #[test]
    fn reports_each_use() {
        let text = "FROM debian:12\nRUN apt update && apt install -y curl\n";
        assert_eq!(testing::lines(&AptInsteadOfAptGet, text), [2, 2]);
    }
}
