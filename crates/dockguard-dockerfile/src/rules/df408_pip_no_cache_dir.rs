use super::common_b::{cache_mount, insert_after, pip_install, runs};
use super::{Ctx, Diagnostic, Rule};
use crate::model::{Command, Value};

declare_rule! {
    /// ## What it does
    /// Reports `pip install` without `--no-cache-dir`. Not reported when `PIP_NO_CACHE_DIR` is
    /// set to a true value (`1`, `true`, `yes`, `on`) by ENV or ARG in scope or in the RUN
    /// itself, when the RUN mounts a cache or tmpfs on `~/.cache/pip`, and for the `pipx` and
    /// `pipenv` wrappers.
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded wheel in `~/.cache/pip`; in an image that cache is dead
    /// weight, often tens or hundreds of megabytes, that no later layer can remove.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// `RUN pip install --no-cache-dir -r requirements.txt`, `ENV PIP_NO_CACHE_DIR=1`, or
    /// `RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt` to
    /// keep the cache between builds but out of the image. `--fix` inserts `--no-cache-dir`.
    pub struct PipNoCacheDir {
        code: "DF408",
        name: "pip-no-cache-dir",
        step: MinimalImages,
        severity: Low,
        summary: "pip install without --no-cache-dir",
        references: [Hadolint "DL3042"],
        fixable: true,
    }
}

fn truthy(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// `PIP_NO_CACHE_DIR=1 pip …` or `export PIP_NO_CACHE_DIR=1`.
fn sets_no_cache_dir(cmd: &Command) -> bool {
    // An assignment-only statement (`PIP_NO_CACHE_DIR=1;`) does not export the variable.
    let assigned = !cmd.name.is_empty()
        && cmd
            .assignments
            .iter()
            .any(|(k, v)| k == "PIP_NO_CACHE_DIR" && truthy(v));
    let exported = (cmd.is("export") || cmd.is("env")) && {
        cmd.args.iter().any(|a| {
            a.split_once('=')
                .is_some_and(|(k, v)| k == "PIP_NO_CACHE_DIR" && truthy(v))
        })
    };
    assigned || exported
}

fn is_wrapper(cmd: &Command) -> bool {
    let program = cmd.program();
    program.contains("pipx")
        || program.contains("pipenv")
        || cmd
            .args
            .windows(2)
            .any(|w| w[0] == "-m" && (w[1] == "pipx" || w[1] == "pipenv"))
}

impl Rule for PipNoCacheDir {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for run in runs(ctx.model) {
            let env = &ctx.model.info[run.idx].vars;
            let disabled = matches!(env.get("PIP_NO_CACHE_DIR"), Some(Value::Known(v)) if truthy(v))
                || run.script.commands.iter().any(sets_no_cache_dir)
                || cache_mount(run.inst, ".cache/pip");
            if disabled {
                continue;
            }
            for cmd in &run.script.commands {
                let Some(install) = pip_install(cmd) else {
                    continue;
                };
                if is_wrapper(cmd) || cmd.has_flag(&["--no-cache-dir"]) {
                    continue;
                }
                let mut d = Diagnostic::new(
                    cmd.span.clone(),
                    "`pip install` without `--no-cache-dir` leaves the downloaded packages in ~/.cache/pip",
                );
                if let Some(edit) = insert_after(cmd, install, "--no-cache-dir") {
                    d = d.with_fix("add --no-cache-dir", vec![edit]);
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
        testing::check_fixtures(&PipNoCacheDir);
    }

    #[test]
    fn fix_inserts_the_flag() {
        let text = "FROM python:3.12\nRUN python -m pip install -U pip && pip3 install flask==3\n";
        let fixed = testing::fixed(&PipNoCacheDir, text);
        assert_eq!(
            fixed,
            "FROM python:3.12\nRUN python -m pip install --no-cache-dir -U pip && pip3 install --no-cache-dir flask==3\n"
        );
        assert!(testing::run(&PipNoCacheDir, &fixed).is_empty());
    }
}
