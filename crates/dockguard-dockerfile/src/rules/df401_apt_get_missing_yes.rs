use super::common_b::{apt_subcommand, count_flag, has_any_flag, missing_yes};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get` (and `apt`) commands that can ask for confirmation — `install`,
    /// `upgrade`, `remove`, … — run without `-y`. Also accepted: `--yes`, `--assume-yes`, `-qq`
    /// (quiet level 2 implies yes), `-q=2`, `-o APT::Get::Assume-Yes=true`. A simulation
    /// (`-s`, `--simulate`, `--dry-run`) never prompts. hadolint (DL3014) only checks
    /// `apt-get install`, and reports simulations; so does this rule in hadolint compatibility
    /// mode (`hadolint-compat`).
    ///
    /// ## Why is this bad?
    /// A build has no terminal: when apt wants to confirm (extra dependencies, removals) it reads
    /// end-of-file and aborts, so the build breaks the day a package gains a dependency.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// `RUN apt-get update && apt-get install -y --no-install-recommends curl`. `--fix` inserts
    /// `-y` after the subcommand.
    pub struct AptGetMissingYes {
        code: "DF401",
        name: "apt-get-missing-yes",
        step: TrustedImages,
        severity: Medium,
        summary: "apt-get install without -y",
        references: [Hadolint "DL3014", Trivy "DS-0021"],
        fixable: true,
    }
}

const PROMPTING: &[&str] = &[
    "install",
    "reinstall",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "remove",
    "purge",
    "autoremove",
    "build-dep",
];

/// Flags of a simulation, which never prompts.
const SIMULATE: &[&str] = &["s", "simulate", "dry-run", "just-print", "recon", "no-act"];

fn assumes_yes(cmd: &Command) -> bool {
    has_any_flag(cmd, &["y", "yes", "assume-yes", "qq"])
        || count_flag(cmd, "q") >= 2
        || count_flag(cmd, "quiet") >= 2
        || cmd.args.iter().any(|a| {
            a == "-q=2"
                || a == "--quiet=2"
                || a.contains("APT::Get::Assume-Yes=true")
                || a.contains("APT::Get::Assume-Yes=1")
        })
}

impl Rule for AptGetMissingYes {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in ctx.commands() {
            let Some(sub) = apt_subcommand(cmd, PROMPTING) else {
                continue;
            };
            // hadolint compatibility: reproduces hadolint's DL3014, which reports simulations
            // (`apt-get install -s`) too; see docs/hadolint-differences.md#compatibility-mode.
            let simulation = !ctx.config.hadolint_compat && has_any_flag(cmd, SIMULATE);
            if assumes_yes(cmd) || simulation {
                continue;
            }
            let message = format!(
                "`{} {}` without `-y` aborts when it asks for confirmation",
                cmd.program(),
                cmd.args[sub]
            );
            out.push(missing_yes(cmd, sub, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&AptGetMissingYes);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM debian:12
RUN if apt-get install -s \"postgresql-17-jit\" > /dev/null 2>&1; then echo jit; fi
RUN apt-get --simulate install curl=1
RUN apt-get install -y curl=1
RUN apt-get install curl=1
";
        let (default, compat) = testing::lines_default_and_compat(&AptGetMissingYes, text);
        assert_eq!(default, [5]);
        assert_eq!(compat, [2, 3, 5]);
    }

    #[test]
    fn fix_inserts_yes() {
        let text = "FROM debian:12\nRUN apt-get update && apt-get -q install curl=1\n";
        let fixed = testing::fixed(&AptGetMissingYes, text);
        assert_eq!(
            fixed,
            "FROM debian:12\nRUN apt-get update && apt-get -q install -y curl=1\n"
        );
        assert!(testing::run(&AptGetMissingYes, &fixed).is_empty());
    }
}
