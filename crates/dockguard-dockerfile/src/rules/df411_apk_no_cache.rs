use super::common_b::{APK_VALUE_FLAGS, cache_mount, insert_after, removes, runs, subcommand};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`. Not reported when the RUN mounts a cache or
    /// tmpfs on `/var/cache/apk`, or with `--no-network`, which installs from packages already
    /// present and downloads nothing (adding `--no-cache` there would make the install fail;
    /// hadolint's DL3019 reports it). Deleting `/var/cache/apk/*` later in the RUN keeps the
    /// index out of the layer too, but is still reported, as hadolint and Trivy do: `--no-cache`
    /// does the same in one flag and cannot be forgotten. In hadolint compatibility mode
    /// (`hadolint-compat`) `--no-network` is reported too, as hadolint does.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk stores the downloaded package index (`APKINDEX`) in
    /// `/var/cache/apk`, a few megabytes per repository that stay in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl
    /// ```
    ///
    /// ## Fix
    /// `RUN apk add --no-cache curl` (no `apk update` needed). `--fix` inserts `--no-cache`
    /// after `add`.
    pub struct ApkNoCache {
        code: "DF411",
        name: "apk-no-cache",
        step: MinimalImages,
        severity: Low,
        summary: "apk add without --no-cache",
        references: [Hadolint "DL3019", Trivy "DS-0025", Dockle "DKL-DI-0004"],
        fixable: true,
    }
}

impl Rule for ApkNoCache {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            if cache_mount(run.inst, "/var/cache/apk") {
                continue;
            }
            let commands = &run.script.commands;
            for (i, cmd) in commands.iter().enumerate() {
                if !cmd.is("apk") {
                    continue;
                }
                let Some((add, "add")) = subcommand(cmd, APK_VALUE_FLAGS) else {
                    continue;
                };
                // hadolint compatibility: reproduces hadolint's DL3019, which reports
                // `apk add --no-network` too; see docs/hadolint-differences.md#compatibility-mode.
                let exempt: &[&str] = if ctx.config.hadolint_compat {
                    &["--no-cache"]
                } else {
                    &["--no-cache", "--no-network"]
                };
                if cmd.has_flag(exempt) {
                    continue;
                }
                let deleted_later = commands[i + 1..]
                    .iter()
                    .any(|c| removes(c, "/var/cache/apk"));
                let message = if deleted_later {
                    "`apk add` without `--no-cache`: the flag replaces `apk update` and deleting /var/cache/apk afterwards"
                } else {
                    "`apk add` without `--no-cache` leaves the package index in /var/cache/apk"
                };
                let mut d = Diagnostic::new(cmd.span.clone(), message);
                if let Some(edit) = insert_after(cmd, add, "--no-cache") {
                    d = d.with_fix("add --no-cache", vec![edit]);
                }
                out.push(d);
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
        testing::check_fixtures(&ApkNoCache);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM alpine:3.20
RUN apk add --no-network --virtual .rundeps so:libssl.so.3
RUN apk --no-network add .rundeps
RUN apk add --no-cache --no-network .rundeps
RUN apk add curl=8.9.1-r2
";
        let (default, compat) = testing::lines_default_and_compat(&ApkNoCache, text);
        assert_eq!(default, [5]);
        assert_eq!(compat, [2, 3, 5]);
    }

    #[test]
    fn fix_inserts_the_flag() {
        let text = "FROM alpine:3.20\nRUN apk add --virtual .deps gcc=13.2.1-r0\n";
        let fixed = testing::fixed(&ApkNoCache, text);
        assert_eq!(
            fixed,
            "FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps gcc=13.2.1-r0\n"
        );
        assert!(testing::run(&ApkNoCache, &fixed).is_empty());
    }
}
