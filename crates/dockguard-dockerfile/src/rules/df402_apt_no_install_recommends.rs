use super::helpers::insert_after_arg;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` without `--no-install-recommends` (or the equivalent
    /// `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// Recommended packages are not needed to run your software, but every one of them grows the
    /// image and its attack surface, and brings its own CVEs to patch.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// `RUN apt-get update && apt-get install -y --no-install-recommends curl`. `--fix` inserts the flag.
    pub struct AptNoInstallRecommends {
        code: "DF402",
        name: "apt-get-install-recommends",
        step: MinimalImages,
        severity: Low,
        summary: "apt-get install without --no-install-recommends",
        references: [Hadolint "DL3015", Trivy "DS-0029"],
        fixable: true,
    }
}

impl Rule for AptNoInstallRecommends {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in ctx.commands() {
            if !cmd.is("apt-get") || cmd.subcommand() != Some("install") {
                continue;
            }
            let disabled = cmd.has_flag(&["--no-install-recommends"])
                || cmd.args.iter().any(|a| {
                    a.contains("APT::Install-Recommends=false")
                        || a.contains("APT::Install-Recommends=0")
                });
            if disabled {
                continue;
            }
            let mut d = Diagnostic::new(
                cmd.span.clone(),
                "`apt-get install` without `--no-install-recommends` pulls in extra packages",
            );
            if let Some(edit) = insert_after_arg(cmd, "install", "--no-install-recommends") {
                d = d.with_fix("add --no-install-recommends", vec![edit]);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&AptNoInstallRecommends);
    }

    #[test]
    fn fix_inserts_the_flag() {
        let text = "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n";
        let fixed = testing::fixed(&AptNoInstallRecommends, text);
        assert_eq!(
            fixed,
            "FROM debian:12\nRUN apt-get update && \\\n    apt-get install --no-install-recommends -y curl\n"
        );
        assert!(testing::run(&AptNoInstallRecommends, &fixed).is_empty());
    }
}
