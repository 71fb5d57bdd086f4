use super::common_d::run_command_count;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that directly follows another RUN with the same flags (`--mount`,
    /// `--network`, `--security`; mount options compared in any order) when both run a single
    /// simple command. This is what hadolint 2.15.1 does: it counts each command twice and
    /// leaves RUNs with more than two counted alone, so a RUN that already chains commands
    /// (`a && b`, pipes, `$(…)`) ends a run of RUNs. Comments between the RUNs do not separate
    /// them; any other instruction (ONBUILD included) does.
    ///
    /// ## Why is this bad?
    /// Each RUN adds a layer and a cache step: a string of one-command RUNs makes the image
    /// bigger (files removed later still exist in earlier layers) and the build slower.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Join them: `RUN apt-get update && apt-get install -y --no-install-recommends curl`, or a
    /// heredoc `RUN <<EOF … EOF` for longer scripts.
    pub struct ConsecutiveRun {
        code: "DF707",
        name: "consecutive-run",
        step: MinimalImages,
        severity: Info,
        summary: "Consecutive RUN instructions could be merged",
        references: [Hadolint "DL3059"],
    }
}

/// The RUN flags hadolint compares, normalised.
fn run_flags(inst: &Instruction) -> Vec<String> {
    let mut flags: Vec<String> = inst
        .flags
        .iter()
        .map(|f| {
            let name = f.name.to_ascii_lowercase();
            let value = f.value.clone().unwrap_or_default();
            if name == "mount" {
                let mut opts: Vec<&str> = value.split(',').map(str::trim).collect();
                opts.sort_unstable();
                format!("mount={}", opts.join(","))
            } else {
                format!("{name}={}", value.to_ascii_lowercase())
            }
        })
        .collect();
    flags.sort();
    flags
}

impl Rule for ConsecutiveRun {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        // The previous RUN's flags and command count, while nothing else came after it.
        let mut previous: Option<(Vec<String>, usize)> = None;
        for (idx, inst) in ctx.instructions() {
            if inst.kind != Kind::Run {
                previous = None;
                continue;
            }
            let flags = run_flags(inst);
            let count = run_command_count(ctx.model, idx);
            if let Some((prev_flags, prev_count)) = &previous
                && *prev_flags == flags
                && count <= 1
                && *prev_count <= 1
            {
                out.push(Diagnostic::new(
                    inst.head_span(ctx.text()),
                    "this RUN follows another RUN; merge them to save a layer",
                ));
            }
            previous = Some((flags, count));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&ConsecutiveRun);
    }
}
