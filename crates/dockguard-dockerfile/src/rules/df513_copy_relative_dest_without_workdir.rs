use super::df501_workdir_relative::is_absolute;
use super::{Ctx, Diagnostic, Rule};
use crate::model::Base;
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` or `ADD` to a relative destination (`.`, `app/`) in a stage where no
    /// `WORKDIR` has been set — neither in the stage nor in the stages it is built on
    /// (`FROM <stage>`). Destinations are expanded first (`$DIR` pointing to an absolute path is
    /// fine; one depending on build arguments without defaults is skipped). hadolint checks `COPY`
    /// only; `ADD` resolves its destination the same way. `ONBUILD` triggers are skipped, as they
    /// run against the downstream image's WORKDIR.
    ///
    /// ## Why is this bad?
    /// The destination resolves against the base image's working directory, which you do not
    /// control: `/` today, something else after the base image's next release.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20
    /// COPY package.json .
    /// ```
    ///
    /// ## Fix
    /// Set `WORKDIR /app` before copying, or copy to an absolute path.
    pub struct CopyRelativeDestWithoutWorkdir {
        code: "DF513",
        name: "copy-relative-dest-without-workdir",
        step: TrustedImages,
        severity: Low,
        summary: "COPY to a relative destination before any WORKDIR",
        references: [Hadolint "DL3045"],
    }
}

impl Rule for CopyRelativeDestWithoutWorkdir {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let mut workdir_set = vec![false; model.stages.len()];
        for stage in &model.stages {
            let mut set = match stage.base {
                Base::Stage(parent) if parent < stage.index => workdir_set[parent],
                _ => false,
            };
            for (idx, inst) in model.stage_body(stage) {
                match (&inst.args, inst.kind) {
                    (_, Kind::Workdir) => set = true,
                    (
                        Args::Files {
                            dest: Some(dest),
                            json,
                            ..
                        },
                        Kind::Copy | Kind::Add,
                    ) if !set => {
                        let value = if *json {
                            dest.raw.clone()
                        } else {
                            let e = model.expand(idx, &dest.raw);
                            if !e.is_resolved() {
                                continue;
                            }
                            e.value
                        };
                        if value.is_empty() || is_absolute(&value) {
                            continue;
                        }
                        out.push(Diagnostic::new(
                            dest.span.clone(),
                            format!(
                                "{} to relative `{value}` without a WORKDIR: it lands in the base image's working directory; set WORKDIR or use an absolute path",
                                inst.kind.name()
                            ),
                        ));
                    }
                    _ => {}
                }
            }
            workdir_set[stage.index] = set;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&CopyRelativeDestWithoutWorkdir);
    }
}
