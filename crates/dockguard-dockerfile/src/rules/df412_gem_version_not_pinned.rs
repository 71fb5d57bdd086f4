use super::common_b::{install_operands, report_unpinned};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports gems of `gem install` (or `gem i`) given without a version: `gem install
    /// bundler` instead of `gem install bundler:2.5.11`. A command with `-v`/`--version` is
    /// pinned. hadolint (DL3028) takes the word after any option for the option's value, so it
    /// misses `gem install --no-document rails`; here only options that take a value skip the
    /// next word.
    ///
    /// ## Why is this bad?
    /// Without a version RubyGems installs the newest release at build time: rebuilds differ
    /// and a breaking or compromised release goes into the image unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install --no-document bundler
    /// ```
    ///
    /// ## Fix
    /// `RUN gem install --no-document bundler:2.5.11` (or `bundler -v 2.5.11`), or manage gems
    /// with a `Gemfile.lock` and `bundle install`.
    pub struct GemVersionNotPinned {
        code: "DF412",
        name: "gem-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "gem install without versions",
        references: [Hadolint "DL3028", Cwe "CWE-1357"],
    }
}

/// gem install options that take a value.
const GEM_VALUE_FLAGS: &[&str] = &[
    "v",
    "version",
    "s",
    "source",
    "i",
    "install-dir",
    "n",
    "bindir",
    "platform",
    "P",
    "trust-policy",
    "g",
    "file",
    "build-root",
    "config-file",
    "p",
    "http-proxy",
];

impl Rule for GemVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, cmd) in ctx.commands() {
            let Some((_, gems)) =
                install_operands(cmd, &["gem"], GEM_VALUE_FLAGS, &["install", "i"])
            else {
                continue;
            };
            if cmd.has_flag(&["-v", "--version"]) {
                continue;
            }
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &gems,
                |gem| gem.contains(':') || gem.ends_with(".gem"),
                |names| {
                    format!(
                        "{names} installed without a version; use `gem install <gem>:<version>`"
                    )
                },
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&GemVersionNotPinned);
    }

    #[test]
    fn option_values_are_not_gems() {
        let text = "FROM ruby:3.3\nRUN gem install -i /gems --source https://rubygems.org rake\n";
        let diags = testing::run(&GemVersionNotPinned, text);
        assert_eq!(diags.len(), 1);
        assert_eq!(&text[diags[0].span.clone()], "rake");
    }
}
