use super::common_c::{referenced_stages, stage_chain};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports stages that do not set a label listed in the configuration's `required-labels`
    /// (`required-labels = ["org.opencontainers.image.source", { name = "version", format =
    /// "semver" }]`). Labels set by the stages a stage is built on (`FROM <stage>`) count. Only
    /// stages that can end up as an image are checked: the final stage and stages no other
    /// stage uses (as a base, with `COPY --from` or a `RUN --mount from=`). hadolint (DL3049)
    /// also checks intermediate stages used only as bases. Inactive without configuration.
    ///
    /// ## Why is this bad?
    /// Your organisation relies on these labels to trace an image back to its source, owner,
    /// version or licence; an image without them cannot be audited or attributed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /app
    /// ```
    ///
    /// ## Fix
    /// Set the labels in the final stage: `LABEL org.opencontainers.image.source="https://…"`.
    pub struct RequiredLabelMissing {
        code: "DF515",
        name: "required-label-missing",
        step: TrustedImages,
        severity: Low,
        summary: "A label required by the configuration is missing",
        references: [Hadolint "DL3049"],
    }
}

impl Rule for RequiredLabelMissing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let required = &ctx.config.required_labels;
        let model = ctx.model;
        if required.is_empty() || model.stages.is_empty() {
            return;
        }
        let used = referenced_stages(model);
        let last = model.stages.len() - 1;
        for stage in &model.stages {
            if used[stage.index] && stage.index != last {
                continue;
            }
            let mut keys: Vec<&str> = Vec::new();
            for s in stage_chain(model, stage.index) {
                for (_, inst) in model.stage_body(&model.stages[s]) {
                    if let (Kind::Label, Args::KeyValues { pairs, .. }) = (inst.kind, &inst.args) {
                        keys.extend(pairs.iter().map(|p| p.key.as_str()));
                    }
                }
            }
            let from = model.instruction(stage.from);
            for label in required {
                if keys.contains(&label.name.as_str()) {
                    continue;
                }
                let which = match &stage.name {
                    Some(n) => format!("stage `{n}`"),
                    None if stage.index == last => "the final stage".to_string(),
                    None => format!("stage {}", stage.index),
                };
                out.push(Diagnostic::new(
                    from.head_span(ctx.text()),
                    format!("required label `{}` is missing in {which}", label.name),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;
    use dockguard_core::Config;
    use dockguard_core::config::{LabelFormat, RequiredLabel};

    fn config() -> Config {
        Config {
            required_labels: vec![
                RequiredLabel {
                    name: "org.opencontainers.image.source".into(),
                    format: Some(LabelFormat::Url),
                },
                RequiredLabel {
                    name: "maintainer".into(),
                    format: None,
                },
            ],
            ..Config::default()
        }
    }

    fn lines(text: &str) -> Vec<u32> {
        testing::lines_with(&RequiredLabelMissing, text, &config())
    }

    #[test]
    fn inactive_without_configuration() {
        assert!(testing::run(&RequiredLabelMissing, "FROM a\n").is_empty());
    }

    #[test]
    fn checks_image_stages_with_inheritance() {
        let text = "FROM golang:1.22 AS build\n\
                    FROM alpine:3.20 AS base\n\
                    LABEL maintainer=me\n\
                    FROM base\n\
                    COPY --from=build /out /app\n\
                    LABEL org.opencontainers.image.source=https://example.com\n";
        assert!(lines(text).is_empty(), "{:?}", lines(text));
        // The final stage lacks both; `build` is used by COPY --from and is skipped.
        let text = "FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /out /app\n";
        assert_eq!(lines(text), [2, 2]);
        // An unused stage is a possible target and is checked too.
        let text = "FROM alpine:3.20 AS debug\nLABEL maintainer=me\nFROM alpine:3.20\nLABEL maintainer=me org.opencontainers.image.source=x\n";
        assert_eq!(lines(text), [1]);
    }

    #[test]
    fn fixture_files_with_a_configuration() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/DF515");
        let good = std::fs::read_to_string(dir.join("good.Dockerfile")).unwrap();
        assert!(lines(&good).is_empty());
        let bad = std::fs::read_to_string(dir.join("bad.Dockerfile")).unwrap();
        assert_eq!(lines(&bad), [1, 4]);
    }
}
