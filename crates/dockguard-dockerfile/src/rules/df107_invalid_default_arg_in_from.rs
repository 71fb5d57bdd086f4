use super::common_a::{is_valid_reference, var_refs};
use super::{Ctx, Diagnostic, Rule};
use crate::model::{Value, Vars, expand};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` that uses build arguments and, with only the defaults of the global ARGs
    /// (no `--build-arg`), expands to an empty or invalid image reference: `ARG TAG` without a
    /// default followed by `FROM alpine:${TAG}` gives `alpine:`. An ARG without default is unset,
    /// so `${TAG:-3.20}` uses its fallback; the predefined ARGs get the values of a
    /// `linux/amd64` build.
    ///
    /// ## Why is this bad?
    /// The Dockerfile only builds when every caller passes the right `--build-arg`; a plain
    /// `docker build .`, a CI job or a scanner that builds with defaults fails, and tools that
    /// resolve the base image cannot tell which image you use.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION
    /// FROM busybox:$VERSION
    /// ```
    ///
    /// ## Fix
    /// Give the ARG a working default: `ARG VERSION=1.36`.
    pub struct InvalidDefaultArgInFrom {
        code: "DF107",
        name: "invalid-default-arg-in-from",
        step: TrustedImages,
        severity: Medium,
        summary: "FROM expands to an invalid image with the default ARG values",
        references: [Buildkit "InvalidDefaultArgInFrom"],
    }
}

/// Values BuildKit gives its predefined ARGs on a `linux/amd64` host.
const PLATFORM_DEFAULTS: [(&str, &str); 11] = [
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("BUILDOSVERSION", ""),
    ("TARGETOSVERSION", ""),
    ("TARGETSTAGE", "default"),
];

/// The global ARGs as a build without `--build-arg` sees them: declared defaults, expanded in
/// order; ARGs without default stay unset. `None` when a default cannot be expanded: the build
/// fails on that first, and BuildKit skips this check.
fn default_args(ctx: &Ctx) -> Option<Vars> {
    let escape = ctx.model.df.escape;
    let mut vars: Vars = PLATFORM_DEFAULTS
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Known(v.to_string())))
        .collect();
    for inst in ctx.model.df.instructions.iter() {
        if inst.kind == Kind::From {
            break;
        }
        if let Args::Arg { pairs } = &inst.args {
            for p in pairs {
                if let Some(raw) = &p.value {
                    let e = expand(raw, &vars, escape);
                    if !e.errors.is_empty() {
                        return None;
                    }
                    vars.insert(p.key.clone(), Value::Known(e.value));
                }
            }
        }
    }
    Some(vars)
}

impl Rule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let escape = ctx.model.df.escape;
        let Some(vars) = default_args(ctx) else {
            return;
        };
        for stage in &ctx.model.stages {
            let Some((word, _)) = &stage.image else {
                continue;
            };
            if var_refs(&word.raw, escape).is_empty() {
                continue;
            }
            let e = expand(&word.raw, &vars, escape);
            // Substitution errors are a different problem (and BuildKit stops checking).
            if !e.errors.is_empty() || is_valid_reference(&e.value) {
                continue;
            }
            let result = if e.value.is_empty() {
                "an empty image name".to_string()
            } else {
                format!("`{}`, which is not a valid image reference", e.value)
            };
            out.push(Diagnostic::new(
                word.span.clone(),
                format!(
                    "with the default ARG values `{}` expands to {result}; give the ARG a default",
                    word.raw
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&InvalidDefaultArgInFrom);
    }

    #[test]
    fn messages() {
        let d = testing::run(&InvalidDefaultArgInFrom, "ARG IMAGE\nFROM $IMAGE\n");
        assert_eq!(
            d[0].message,
            "with the default ARG values `$IMAGE` expands to an empty image name; give the ARG a default"
        );
        let d = testing::run(
            &InvalidDefaultArgInFrom,
            "ARG SFX=\"box:\"\nFROM busy${SFX}\n",
        );
        assert!(d[0].message.contains("`busybox:`"), "{}", d[0].message);
    }

    #[test]
    fn unset_is_not_empty() {
        // `${V-x}` falls back when V is unset, which an ARG without default is.
        let lines = |t: &str| testing::lines(&InvalidDefaultArgInFrom, t);
        assert!(lines("ARG V\nFROM alpine:${V-3.20}\n").is_empty());
        assert_eq!(lines("ARG V=\nFROM alpine:${V-3.20}\n"), [2]);
        assert!(lines("ARG A=alpine B=${A}:3.20\nFROM $B\n").is_empty());
        // A default that cannot be expanded fails the build before this check.
        assert!(lines("ARG V=${x:y}\nFROM alpine:${V}\n").is_empty());
    }
}
