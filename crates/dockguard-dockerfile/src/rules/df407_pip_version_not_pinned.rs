use super::common_b::{has_any_flag, operands_after, pip_install, report_unpinned};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports packages of `pip install` (`pip3`, `python -m pip`, …) without a version
    /// specifier. A package counts as pinned with `==`, `~=`, `>=`, `<=`, `<`, `>` or `!=`, as a
    /// VCS URL with `@ref`, a wheel or `.tar.gz` file, a path or URL. A command installing from
    /// a requirements file (`-r`), with a constraints file (`-c`) or the local project (`.`) is
    /// not checked. ARG and ENV values are substituted; packages that depend on a value
    /// unknown at this point are not reported (hadolint, DL3013, reports them), and option
    /// values such as `--timeout 60` are not taken for packages. In hadolint compatibility mode
    /// (`hadolint-compat`) pip or python run by a path (`/usr/bin/pip`, `"$VENV/bin/pip"`) is
    /// not checked, as hadolint does.
    ///
    /// ## Why is this bad?
    /// An unpinned install takes the newest release at build time: rebuilds are not
    /// reproducible, a new major version can break the image, and a hijacked release on the
    /// index goes straight into it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// ## Fix
    /// Pin versions, `pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0`, or keep them in
    /// a requirements file (ideally with hashes) and `pip install -r requirements.txt`.
    pub struct PipVersionNotPinned {
        code: "DF407",
        name: "pip-version-not-pinned",
        step: TrustedImages,
        severity: Medium,
        summary: "pip install without package versions",
        references: [Hadolint "DL3013", Cwe "CWE-1357"],
    }
}

/// pip options that take a value.
const PIP_VALUE_FLAGS: &[&str] = &[
    "abi",
    "b",
    "build",
    "c",
    "constraint",
    "C",
    "config-settings",
    "cache-dir",
    "cert",
    "client-cert",
    "e",
    "editable",
    "exists-action",
    "extra-index-url",
    "f",
    "find-links",
    "global-option",
    "i",
    "index-url",
    "implementation",
    "log",
    "no-binary",
    "only-binary",
    "platform",
    "prefix",
    "progress-bar",
    "proxy",
    "python",
    "python-version",
    "r",
    "requirement",
    "report",
    "retries",
    "root",
    "root-user-action",
    "src",
    "t",
    "target",
    "timeout",
    "trusted-host",
    "upgrade-strategy",
];

const VCS_SCHEMES: &[&str] = &["git", "hg+", "svn", "bzr+"];

fn pinned(package: &str) -> bool {
    let vcs = VCS_SCHEMES.iter().any(|s| package.starts_with(s));
    ["==", ">", "<", "!=", "~="]
        .iter()
        .any(|s| package.contains(s))
        || (vcs && package.contains('@'))
        || package.ends_with(".whl")
        || package.ends_with(".tar.gz")
        || (!vcs && package.contains('/'))
        || package.starts_with('.')
}

impl Rule for PipVersionNotPinned {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, cmd) in ctx.commands() {
            if pip_install(cmd).is_none() {
                continue;
            }
            // hadolint compatibility: reproduces hadolint's DL3013, which compares the whole
            // command word with `pip…`/`python…`, so a program run by a path is not checked; see
            // docs/hadolint-differences.md#compatibility-mode.
            if ctx.config.hadolint_compat && cmd.name.contains('/') {
                continue;
            }
            let from_files = cmd
                .args
                .iter()
                .any(|a| a == "-r" || a == "--requirement" || a == ".")
                || has_any_flag(cmd, &["c", "constraint"]);
            if from_files {
                continue;
            }
            let packages = operands_after(cmd, PIP_VALUE_FLAGS, &["install"]);
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &packages,
                pinned,
                |names| {
                    format!(
                        "{names} installed by pip without a version; pin it (`<package>==<version>`) or use a requirements file"
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
        testing::check_fixtures(&PipVersionNotPinned);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM python:3.12
RUN \"${CONDA_DIR}/envs/${env_name}/bin/pip\" install --no-cache-dir flake8
RUN /usr/local/bin/python -m pip install --no-cache-dir flake8
RUN pip3 install --no-cache-dir flake8
";
        let (default, compat) = testing::lines_default_and_compat(&PipVersionNotPinned, text);
        assert_eq!(default, [2, 3, 4]);
        assert_eq!(compat, [4]);
    }

    #[test]
    fn version_specifiers() {
        for p in [
            "flask==3.0",
            "flask>=3",
            "flask~=3.0",
            "flask<4",
            "git+https://github.com/x/y@v1",
            "dist/app-1.0-py3-none-any.whl",
            "https://x.org/app.tar.gz",
            ".[test]",
        ] {
            assert!(pinned(p), "{p}");
        }
        for p in [
            "flask",
            "flask[async]",
            "git+https://github.com/x/y",
            "flask=3",
        ] {
            assert!(!pinned(p), "{p}");
        }
    }
}
