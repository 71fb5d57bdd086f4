use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage> / /`: a copy of another stage's (or image's) whole file system
    /// onto the root of this one. Paths are compared after expansion, so `/.` and `//` count as
    /// the root too.
    ///
    /// ## Why is this bad?
    /// Everything comes along: package manager caches, build tools, secrets left in the build
    /// stage, setuid binaries, and the other stage's `/etc/passwd`. It defeats the point of a
    /// multi-stage build and hides what the final image really contains.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --from=build / /
    /// ```
    ///
    /// ## Fix
    /// Copy only the artifacts you need: `COPY --from=build /out/app /usr/local/bin/app`.
    pub struct CopyEntireStageRoot {
        code: "DF518",
        name: "copy-entire-stage-root",
        step: MinimalImages,
        severity: Medium,
        summary: "COPY --from copies a whole file system to /",
        references: [Hadolint "DL3067"],
    }
}

fn is_root(path: &str) -> bool {
    !path.is_empty() && path.split('/').all(|p| p.is_empty() || p == ".")
}

impl Rule for CopyEntireStageRoot {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (
                Kind::Copy,
                Args::Files {
                    sources,
                    dest: Some(dest),
                    ..
                },
            ) = (inst.kind, &inst.args)
            else {
                continue;
            };
            let Some(from) = inst.flag("from").and_then(|f| f.value.as_deref()) else {
                continue;
            };
            let root = |raw: &str| {
                let e = ctx.model.expand(idx, raw);
                e.is_resolved() && is_root(&e.value)
            };
            if !root(&dest.raw) {
                continue;
            }
            if let Some(source) = sources.iter().find(|s| root(&s.raw)) {
                out.push(Diagnostic::new(
                    source.span.start..dest.span.end,
                    format!(
                        "copies the whole file system of `{from}` onto /; copy only the files you need"
                    ),
                ));
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
        testing::check_fixtures(&CopyEntireStageRoot);
    }
}
