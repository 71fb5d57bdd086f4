use super::common_b::{
    APT_VALUE_FLAGS, append_to_run, cache_mount, in_shipped_stage, removes, runs, subcommand,
};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that downloads the apt package lists (`apt-get update`, `apt update`,
    /// `aptitude update`) and does not delete them afterwards in the same RUN with
    /// `rm -rf /var/lib/apt/lists/*` (or `apt-get dist-clean`). A cache or tmpfs mount on
    /// `/var/lib/apt/lists` or `/var/lib/apt` keeps them out of the image too. Only stages that
    /// end up in an image are checked: the final stage and stages other stages are built on.
    ///
    /// Differences from hadolint (DL3009): hadolint accepts any `rm` that has `-rf` or the exact
    /// argument `/var/lib/apt/lists/*`, anywhere in the RUN, even before the update; here the
    /// `rm` must remove the lists (any flags) after the last update. hadolint needs both
    /// `/var/lib/apt` and `/var/cache/apt` mounted; a mount on `/var/lib/apt` alone suffices here.
    /// hadolint does not know `apt-get dist-clean` (APT 2.7.8+, used by the Debian and Ubuntu
    /// official images), which removes the lists, and reports RUNs that use it. In hadolint
    /// compatibility mode (`hadolint-compat`) the `rm` and `dist-clean` cases follow hadolint.
    ///
    /// ## Why is this bad?
    /// The package lists weigh tens of megabytes, are useless at run time, and stay in the layer
    /// forever: deleting them in a later RUN does not shrink the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Delete the lists in the same RUN:
    /// `RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*`,
    /// or use `RUN --mount=type=cache,target=/var/lib/apt/lists …`. `--fix` appends the `rm`
    /// when the RUN ends with a simple command.
    pub struct AptListsNotRemoved {
        code: "DF403",
        name: "apt-lists-not-removed",
        step: MinimalImages,
        severity: Low,
        summary: "apt package lists are left in the image",
        references: [Hadolint "DL3009", Dockle "DKL-DI-0005"],
        fixable: true,
    }
}

fn is_update(cmd: &Command) -> bool {
    (cmd.is("apt-get") || cmd.is("apt") || cmd.is("aptitude"))
        && subcommand(cmd, APT_VALUE_FLAGS).is_some_and(|(_, s)| s == "update")
}

fn is_cleanup(cmd: &Command) -> bool {
    removes(cmd, "/var/lib/apt/lists")
        || ((cmd.is("apt-get") || cmd.is("apt"))
            && subcommand(cmd, APT_VALUE_FLAGS)
                .is_some_and(|(_, s)| matches!(s, "distclean" | "dist-clean")))
}

/// hadolint compatibility: reproduces hadolint's DL3009 cleanup test, an `rm` with the argument
/// `-rf` or `/var/lib/apt/lists/*` anywhere in the RUN (even before the update, even of another
/// directory), and `apt-get dist-clean` not accepted; see docs/hadolint-differences.md#compatibility-mode.
fn is_hadolint_cleanup(cmd: &Command) -> bool {
    cmd.is("rm")
        && cmd
            .args
            .iter()
            .any(|a| a == "-rf" || a == "/var/lib/apt/lists/*")
}

impl Rule for AptListsNotRemoved {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            let commands = &run.script.commands;
            let Some(last_update) = commands.iter().rposition(is_update) else {
                continue;
            };
            let cleaned = if ctx.config.hadolint_compat {
                commands.iter().any(is_hadolint_cleanup)
            } else {
                commands[last_update..].iter().any(is_cleanup)
            };
            if cleaned
                || cache_mount(run.inst, "/var/lib/apt")
                || !in_shipped_stage(ctx.model, run.idx)
            {
                continue;
            }
            let cmd = &commands[last_update];
            let mut d = Diagnostic::new(
                cmd.span.clone(),
                format!(
                    "`{} update` leaves the package lists in the image; add `rm -rf /var/lib/apt/lists/*` at the end of this RUN",
                    cmd.program()
                ),
            );
            if let Some(edit) = append_to_run(&run, " && rm -rf /var/lib/apt/lists/*") {
                d = d.with_fix("remove /var/lib/apt/lists/* in the same RUN", vec![edit]);
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
        testing::check_fixtures(&AptListsNotRemoved);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM debian:12
RUN apt-get update && apt-get install -y jq && apt-get dist-clean
RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y git
RUN apt-get update && apt-get install -y jq && rm -rf /tmp/build
RUN apt-get update && apt-get install -y jq && rm -fr /var/lib/apt/lists
RUN apt-get update && apt-get install -y jq && rm -r /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y curl
";
        let (default, compat) = testing::lines_default_and_compat(&AptListsNotRemoved, text);
        // By default: the lists must be gone after the last update, `dist-clean` does it.
        assert_eq!(default, [3, 4, 7]);
        // As hadolint: any `rm -rf` or `rm … /var/lib/apt/lists/*`, not `dist-clean`.
        assert_eq!(compat, [2, 5, 7]);
    }

    #[test]
    fn fix_appends_the_rm() {
        let text = "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl=1\nRUN apt-get update > /dev/null\n";
        let fixed = testing::fixed(&AptListsNotRemoved, text);
        assert_eq!(
            fixed,
            "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\nRUN apt-get update > /dev/null\n"
        );
        assert_eq!(testing::lines(&AptListsNotRemoved, &fixed), [4]);
    }
}
