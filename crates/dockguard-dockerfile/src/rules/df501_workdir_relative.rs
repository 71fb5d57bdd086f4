use super::common_c::{clean_path, is_windows_absolute};
use super::helpers::single_word;
use super::{Ctx, Diagnostic, Rule};
use crate::model::Base;
use crate::syntax::Kind;
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` whose path, after ARG/ENV expansion, is relative. Paths that depend on
    /// build arguments without defaults are skipped; Windows paths such as `C:\app` count as
    /// absolute. Unlike hadolint, which accepts anything starting with `$`, `WORKDIR $DIR` is
    /// reported when `DIR` expands to a relative path.
    ///
    /// ## Why is this bad?
    /// A relative WORKDIR resolves against the previous one, which may come from the base image:
    /// when the base image changes its working directory, files land somewhere else and `COPY`,
    /// `RUN` and `CMD` silently use another directory.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR app
    /// ```
    ///
    /// ## Fix
    /// Write the absolute path: `WORKDIR /app`. When an earlier absolute WORKDIR of the stage (or
    /// of the stage it is built on) makes the result certain, `--fix` writes it.
    pub struct WorkdirRelative {
        code: "DF501",
        name: "workdir-relative",
        step: TrustedImages,
        severity: Medium,
        summary: "WORKDIR with a relative path",
        references: [Hadolint "DL3000", Buildkit "WorkdirRelativePath", Trivy "DS-0009", Checkov "CKV_DOCKER_10"],
        fixable: true,
    }
}

/// Whether a path is absolute on Linux or Windows.
pub(crate) fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || path.starts_with('\\') || is_windows_absolute(path)
}

impl Rule for WorkdirRelative {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        // The working directory at the end of each stage, when this file makes it certain.
        let mut stage_end: Vec<Option<String>> = Vec::with_capacity(model.stages.len());
        let mut cwd: Option<String> = None;
        for (idx, inst) in ctx.instructions() {
            if inst.kind == Kind::From {
                if let Some(s) = model.info[idx].stage {
                    if s > 0 {
                        stage_end.push(cwd.take());
                    }
                    cwd = match model.stages[s].base {
                        Base::Stage(parent) => stage_end.get(parent).cloned().flatten(),
                        _ => None,
                    };
                }
                continue;
            }
            let top_level = inst.kind == Kind::Workdir;
            let inst = inst.effective();
            if inst.kind != Kind::Workdir {
                continue;
            }
            let Some(word) = single_word(inst) else {
                continue;
            };
            let e = model.expand(idx, &word.raw);
            if !e.is_resolved() || e.value.is_empty() {
                if top_level {
                    cwd = None;
                }
                continue;
            }
            let value = e.value;
            if is_absolute(&value) {
                if top_level {
                    cwd = (!value.contains('\\') && !is_windows_absolute(&value))
                        .then(|| clean_path(&value));
                }
                continue;
            }
            let resolved = cwd
                .as_deref()
                .filter(|_| top_level)
                .map(|c| clean_path(&format!("{c}/{value}")));
            let mut d = Diagnostic::new(
                word.span.clone(),
                match &resolved {
                    Some(r) => {
                        format!("relative WORKDIR `{value}` (here `{r}`); write the absolute path")
                    }
                    None => format!(
                        "relative WORKDIR `{value}` depends on the base image's working directory; use an absolute path"
                    ),
                },
            );
            let literal = !word.raw.contains(['$', '"', '\'', '\\']);
            if let Some(r) = &resolved
                && literal
            {
                let edit = Edit {
                    span: word.span.clone(),
                    replacement: r.clone(),
                };
                d = d.with_fix(format!("write `WORKDIR {r}`"), vec![edit]);
            }
            out.push(d);
            if top_level {
                cwd = resolved;
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
        testing::check_fixtures(&WorkdirRelative);
    }

    #[test]
    fn fix_uses_the_stage_chain() {
        let text = "FROM a AS base\nWORKDIR /srv\nFROM base\nWORKDIR app/../web/\nWORKDIR static\nFROM b\nWORKDIR rel\n";
        let fixed = testing::fixed(&WorkdirRelative, text);
        assert_eq!(
            fixed,
            "FROM a AS base\nWORKDIR /srv\nFROM base\nWORKDIR /srv/web\nWORKDIR /srv/web/static\nFROM b\nWORKDIR rel\n"
        );
        assert_eq!(testing::lines(&WorkdirRelative, &fixed), [7]);
    }
}
