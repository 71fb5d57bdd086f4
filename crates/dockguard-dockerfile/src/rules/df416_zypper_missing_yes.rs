use super::common_b::{ZYPPER_VALUE_FLAGS, has_any_flag, program_subcommand};
use super::{Ctx, Diagnostic, Rule};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `zypper` commands that can ask for confirmation — `install`, `remove`,
    /// `update`, `patch`, `dist-upgrade`, `source-install` and their short forms — without
    /// `-n`/`--non-interactive` or `-y`/`--no-confirm`.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: zypper's prompt reads end-of-file and the command aborts,
    /// failing the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install curl-8.0.1 && zypper clean --all
    /// ```
    ///
    /// ## Fix
    /// `RUN zypper --non-interactive install curl-8.0.1 && zypper clean --all` (`-n` for short).
    /// `--fix` inserts the global `-n` after `zypper`, which works for every subcommand.
    pub struct ZypperMissingYes {
        code: "DF416",
        name: "zypper-missing-yes",
        step: TrustedImages,
        severity: Medium,
        summary: "zypper install without non-interactive mode",
        references: [Hadolint "DL3034"],
        fixable: true,
    }
}

const PROMPTING: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
];

impl Rule for ZypperMissingYes {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in ctx.commands() {
            let Some((_, sub)) = program_subcommand(cmd, &["zypper"], ZYPPER_VALUE_FLAGS) else {
                continue;
            };
            if !PROMPTING.contains(&sub)
                || has_any_flag(cmd, &["n", "non-interactive", "y", "no-confirm"])
            {
                continue;
            }
            let at = cmd.name_span.end;
            let mut d = Diagnostic::new(
                cmd.span.clone(),
                format!(
                    "`zypper {sub}` without `--non-interactive` aborts at the confirmation prompt"
                ),
            );
            // Exec-form arguments are JSON strings: no shell text to insert into.
            if !cmd.exec {
                d = d.with_fix(
                    "add -n",
                    vec![Edit {
                        span: at..at,
                        replacement: " -n".to_string(),
                    }],
                );
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
        testing::check_fixtures(&ZypperMissingYes);
    }

    #[test]
    fn fix_inserts_the_global_option() {
        let text = "FROM opensuse/leap:15.6\nRUN zypper patch && zypper in curl\n";
        let fixed = testing::fixed(&ZypperMissingYes, text);
        assert_eq!(
            fixed,
            "FROM opensuse/leap:15.6\nRUN zypper -n patch && zypper -n in curl\n"
        );
        assert!(testing::run(&ZypperMissingYes, &fixed).is_empty());
    }
}
