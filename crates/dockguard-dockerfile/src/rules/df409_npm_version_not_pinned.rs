use super::common_b::{install_operands, report_unpinned};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `npm install` (also `npm i` and `npm add`) without a version, tag
    /// or commit: `npm install -g typescript` instead of `typescript@5.4.5`. Scoped packages
    /// need the second `@` (`@angular/cli@17.3.0`); git URLs need `#<commit or tag>`; tarballs
    /// and local folders are accepted. `npm install` and `npm ci` without packages install the
    /// lockfile and are fine. hadolint (DL3016) does not check the `i` and `add` aliases, and
    /// reports packages that depend on unknown variables, which are skipped here.
    ///
    /// ## Why is this bad?
    /// Without a version npm installs whatever `latest` points to at build time: rebuilds
    /// differ, a breaking major release or a compromised publish lands in the image unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Fix
    /// `RUN npm install -g typescript@5.4.5`, or list dependencies in `package.json` with a
    /// lockfile and run `npm ci`.
    pub struct NpmVersionNotPinned {
        code: "DF409",
        name: "npm-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "npm install without package versions",
        references: [Hadolint "DL3016", Cwe "CWE-1357"],
    }
}

/// npm options that take a value.
const NPM_VALUE_FLAGS: &[&str] = &[
    "loglevel",
    "registry",
    "omit",
    "include",
    "prefix",
    "cache",
    "userconfig",
    "globalconfig",
    "tag",
    "workspace",
    "w",
];

const INSTALLS: &[&str] = &["install", "i", "add"];

fn pinned(package: &str) -> bool {
    const GIT: &[&str] = &["git://", "git+ssh://", "git+http://", "git+https://"];
    if GIT.iter().any(|p| package.starts_with(p)) {
        return package.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"]
        .iter()
        .any(|s| package.ends_with(s))
        || ["/", "./", "../", "~/"]
            .iter()
            .any(|p| package.starts_with(p))
    {
        return true;
    }
    // The first `@` of a scoped package is not a version.
    package.strip_prefix('@').unwrap_or(package).contains('@')
}

impl Rule for NpmVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, cmd) in ctx.commands() {
            let Some((_, packages)) = install_operands(cmd, &["npm"], NPM_VALUE_FLAGS, INSTALLS)
            else {
                continue;
            };
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &packages,
                pinned,
                |names| {
                    format!("{names} installed by npm without a version; use `<package>@<version>`")
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
        testing::check_fixtures(&NpmVersionNotPinned);
    }

    #[test]
    fn version_forms() {
        for p in [
            "typescript@5.4.5",
            "@angular/cli@17",
            "pm2@latest",
            "git+https://github.com/x/y.git#v1.0.0",
            "./local-pkg",
            "/tmp/pkg.tgz",
        ] {
            assert!(pinned(p), "{p}");
        }
        for p in [
            "typescript",
            "@angular/cli",
            "git+https://github.com/x/y.git",
        ] {
            assert!(!pinned(p), "{p}");
        }
    }
}
