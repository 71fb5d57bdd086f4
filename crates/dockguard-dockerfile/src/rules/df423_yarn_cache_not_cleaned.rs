use super::common_b::{
    append_to_run, cache_mount, cleaned_after, in_shipped_stage, operands, runs,
};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports `yarn install`, `yarn add`, `yarn global add` and a bare `yarn` (which installs)
    /// not followed by `yarn cache clean` in the same RUN. A cache or tmpfs mount on the yarn
    /// cache (`…/.cache/yarn`, `…/.yarn/berry`) or an `rm` of it also keeps the cache out of
    /// the image. Only stages that end up in an image are checked: the final stage and stages
    /// other stages are built on. hadolint (DL3060) checks `yarn install` only.
    ///
    /// ## Why is this bad?
    /// Yarn copies every downloaded package into its global cache: it often doubles the size of
    /// `node_modules` and stays in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Fix
    /// `RUN yarn install --frozen-lockfile && yarn cache clean`, or
    /// `RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile`.
    /// `--fix` appends `&& yarn cache clean` when the RUN ends with a simple command.
    pub struct YarnCacheNotCleaned {
        code: "DF423",
        name: "yarn-cache-not-cleaned",
        step: MinimalImages,
        severity: Info,
        summary: "yarn install without yarn cache clean",
        references: [Hadolint "DL3060"],
        fixable: true,
    }
}

/// yarn options that take a value.
const YARN_VALUE_FLAGS: &[&str] = &[
    "cache-folder",
    "modules-folder",
    "global-folder",
    "link-folder",
    "network-timeout",
    "network-concurrency",
    "child-concurrency",
    "mutex",
    "registry",
    "cwd",
];

fn installs(cmd: &Command) -> bool {
    if !cmd.is("yarn") {
        return false;
    }
    let ops = operands(cmd, YARN_VALUE_FLAGS);
    match ops.as_slice() {
        // A bare `yarn` installs, unless it only prints information.
        [] => !cmd.has_flag(&["--version", "-v", "--help", "-h"]),
        [(_, "install" | "add"), ..] => true,
        [(_, "global"), (_, "add"), ..] => true,
        _ => false,
    }
}

fn cleans(cmd: &Command) -> bool {
    let ops = if cmd.is("yarn") {
        operands(cmd, YARN_VALUE_FLAGS)
    } else {
        Vec::new()
    };
    matches!(ops.as_slice(), [(_, "cache"), (_, "clean"), ..])
        || (cmd.is("rm")
            && operands(cmd, &[])
                .iter()
                .any(|(_, p)| p.contains(".cache/yarn") || p.contains(".yarn/berry")))
}

impl Rule for YarnCacheNotCleaned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            if cache_mount(run.inst, ".cache/yarn")
                || cache_mount(run.inst, ".yarn/berry")
                || !in_shipped_stage(ctx.model, run.idx)
            {
                continue;
            }
            let mut found = Vec::new();
            for (i, cmd) in run.script.commands.iter().enumerate() {
                if installs(cmd) && !cleaned_after(&run, i, cleans) {
                    found.push(Diagnostic::new(
                        cmd.span.clone(),
                        "yarn keeps every downloaded package in its cache; add `yarn cache clean` at the end of this RUN",
                    ));
                }
            }
            // One fix per RUN: the appended clean covers every install before it.
            if let (Some(last), Some(edit)) = (
                found.last_mut(),
                append_to_run(&run, " && yarn cache clean"),
            ) {
                *last = last.clone().with_fix("append yarn cache clean", vec![edit]);
            }
            out.extend(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&YarnCacheNotCleaned);
    }

    #[test]
    fn fix_appends_the_clean() {
        let text = "FROM node:20\nRUN yarn install --frozen-lockfile && yarn build\n";
        let fixed = testing::fixed(&YarnCacheNotCleaned, text);
        assert_eq!(
            fixed,
            "FROM node:20\nRUN yarn install --frozen-lockfile && yarn build && yarn cache clean\n"
        );
        assert!(testing::run(&YarnCacheNotCleaned, &fixed).is_empty());
    }
}
