use super::common_a::var_refs;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=<constant>` such as `FROM --platform=linux/amd64 node:20`. A value
    /// that references any build argument (`$BUILDPLATFORM`, `$TARGETOS/$TARGETARCH`, a user ARG)
    /// is allowed, as is a stage whose name contains the platform's OS or architecture
    /// (`AS build-amd64`), as BuildKit does.
    ///
    /// hadolint (DL3029) only accepts values mentioning `BUILDPLATFORM` or `TARGETPLATFORM`, so it
    /// also reports `--platform=$TARGETOS/$TARGETARCH`; dockguard follows BuildKit here.
    ///
    /// ## Why is this bad?
    /// A hard-coded platform breaks multi-platform builds and makes other hosts build (and often
    /// emulate) the wrong architecture; the image then silently runs under emulation or not at
    /// all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.22 AS build
    /// ```
    ///
    /// ## Fix
    /// Drop the flag and choose the platform at build time (`docker build --platform linux/amd64`),
    /// or use `--platform=$BUILDPLATFORM` for stages that cross-compile.
    pub struct FromPlatformConstant {
        code: "DF104",
        name: "from-platform-constant",
        step: TrustedImages,
        severity: Low,
        summary: "FROM --platform uses a constant value",
        references: [Hadolint "DL3029", Buildkit "FromPlatformFlagConstDisallowed"],
    }
}

/// Whether the stage name says which platform it is for (`build-amd64`, `linux-tools`).
fn named_for_platform(stage_name: &str, platform: &str) -> bool {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or("");
    let arch = match parts.next().unwrap_or("") {
        "x86_64" | "x86-64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    [os, arch]
        .iter()
        .any(|p| !p.is_empty() && stage_name.contains(&p.to_ascii_lowercase()))
}

impl Rule for FromPlatformConstant {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let escape = ctx.model.df.escape;
        for stage in &ctx.model.stages {
            let inst = ctx.model.instruction(stage.from);
            let Some(flag) = inst.flag("platform") else {
                continue;
            };
            let value = flag.value.as_deref().unwrap_or("").trim();
            if value.is_empty() || !var_refs(value, escape).is_empty() {
                continue;
            }
            if stage
                .name
                .as_deref()
                .is_some_and(|n| named_for_platform(n, value))
            {
                continue;
            }
            out.push(Diagnostic::new(
                flag.span.clone(),
                format!(
                    "`FROM --platform={value}` hard-codes the platform; pass `--platform` to the build or use `$BUILDPLATFORM`"
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
        testing::check_fixtures(&FromPlatformConstant);
    }

    #[test]
    fn stage_names_and_variables() {
        let lines = |t: &str| testing::lines(&FromPlatformConstant, t);
        assert_eq!(lines("FROM --platform=linux/arm64 a AS tools\n"), [1]);
        assert!(lines("FROM --platform=linux/arm64 a AS tools-arm64\n").is_empty());
        assert!(lines("FROM --platform=linux/x86_64 a AS amd64-tools\n").is_empty());
        assert!(lines("ARG P=linux/amd64\nFROM --platform=${P} a\n").is_empty());
        assert!(lines("FROM --platform=\"$BUILDPLATFORM\" a\n").is_empty());
    }
}
