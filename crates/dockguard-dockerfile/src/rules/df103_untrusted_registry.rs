use super::common_a::base_images;
use super::{Ctx, Diagnostic, Rule};
use crate::model::ImageRef;
use crate::syntax::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// When `trusted_registries` is configured, reports images pulled from any other registry:
    /// `FROM` images (after ARG expansion), `COPY --from=<image>` and
    /// `RUN --mount=…,from=<image>`. Stage names and indices, `scratch` and values that depend on
    /// build arguments without defaults are skipped. An image without a registry comes from
    /// Docker Hub (`docker.io`). Patterns may start or end with `*` (`*.gcr.io`,
    /// `registry.corp*`). Without configuration the rule reports nothing.
    ///
    /// Unlike hadolint (DL3026), ARGs are expanded, so `FROM ${BASE}` is checked against the
    /// image it really names, and `COPY --from=0` is seen as a stage index, not an image.
    ///
    /// ## Why is this bad?
    /// Images from registries your organisation does not control or vet bypass its scanning,
    /// signing and retention policies; a typo-squatted or compromised upstream lands straight in
    /// your build.
    ///
    /// ## Example
    /// With `trusted_registries = ["registry.corp.example", "docker.io"]`:
    /// ```dockerfile
    /// FROM ghcr.io/someone/tool:1.2
    /// ```
    ///
    /// ## Fix
    /// Mirror the image into a trusted registry (`FROM registry.corp.example/mirror/tool:1.2`), or
    /// add its registry to `trusted_registries` after review.
    pub struct UntrustedRegistry {
        code: "DF103",
        name: "untrusted-registry",
        step: TrustedImages,
        severity: High,
        summary: "Image comes from a registry outside the trusted list",
        references: [Hadolint "DL3026", Cis "4.2", Cwe "CWE-829"],
    }
}

impl Rule for UntrustedRegistry {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let patterns = &ctx.config.trusted_registries;
        if patterns.is_empty() {
            return;
        }
        let model = ctx.model;
        let report = |out: &mut Vec<Diagnostic>, span: Span, image: &ImageRef, what: &str| {
            if !image.is_trusted(patterns) {
                out.push(Diagnostic::new(
                    span,
                    format!(
                        "{what} `{}` comes from `{}`, which is not a trusted registry ({})",
                        image.full,
                        image.effective_registry(),
                        patterns.join(", ")
                    ),
                ));
            }
        };
        for (word, image) in base_images(model) {
            report(out, word.span.clone(), image, "base image");
        }
        // An image named by `--from`: not a stage, not scratch, fully known.
        let image_of = |idx: usize, raw: &str| -> Option<ImageRef> {
            let e = model.expand(idx, raw);
            let value = e.value.trim();
            let is_stage = model.stage_ref(value, model.stages.len()).is_some()
                || value.chars().all(|c| c.is_ascii_digit());
            (e.is_resolved() && !value.is_empty() && !is_stage && value != "scratch")
                .then(|| ImageRef::parse(value))
        };
        for (idx, inst) in ctx.effective_instructions() {
            match inst.kind {
                Kind::Copy => {
                    for flag in inst.flags_named("from") {
                        let Some(image) = flag.value.as_deref().and_then(|v| image_of(idx, v))
                        else {
                            continue;
                        };
                        report(out, flag.span.clone(), &image, "`COPY --from` image");
                    }
                }
                Kind::Run => {
                    for flag in inst.flags_named("mount") {
                        let from = flag.value.as_deref().and_then(|v| {
                            v.split(',').find_map(|kv| {
                                kv.split_once('=')
                                    .filter(|(k, _)| k.trim().eq_ignore_ascii_case("from"))
                                    .map(|(_, v)| v.trim().to_string())
                            })
                        });
                        let Some(image) = from.and_then(|v| image_of(idx, &v)) else {
                            continue;
                        };
                        report(out, flag.span.clone(), &image, "`RUN --mount` image");
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;
    use dockguard_core::Config;

    fn config(patterns: &[&str]) -> Config {
        Config {
            trusted_registries: patterns.iter().map(|p| p.to_string()).collect(),
            ..Config::default()
        }
    }

    fn lines_with(text: &str, config: &Config) -> Vec<u32> {
        testing::lines_with(&UntrustedRegistry, text, config)
    }

    /// Lines after `# expect: DF103` markers.
    fn expected(text: &str) -> Vec<u32> {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() == "# expect: DF103" {
                let next = lines[i + 1..]
                    .iter()
                    .position(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
                    .expect("a line after the marker");
                out.push((i + next + 2) as u32);
            }
        }
        out
    }

    #[test]
    fn fixtures_with_trusted_registries() {
        let config = config(&["docker.io", "*.corp.example", "ghcr.io"]);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/DF103");
        let (mut good, mut bad) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let want = expected(&text);
            if name.starts_with("good") {
                good += 1;
                assert!(want.is_empty(), "{name}");
            } else {
                bad += 1;
                assert!(!want.is_empty(), "{name}");
            }
            assert_eq!(lines_with(&text, &config), want, "{name}");
            // Without configuration nothing is reported.
            assert!(testing::run(&UntrustedRegistry, &text).is_empty(), "{name}");
        }
        assert!(good > 0 && bad > 0);
    }

    #[test]
    fn patterns() {
        let text = "FROM quay.io/a/b:1\nFROM eu.gcr.io/p/i:1\nFROM alpine:3\n";
        assert_eq!(lines_with(text, &config(&["*.gcr.io"])), [1, 3]);
        assert_eq!(lines_with(text, &config(&["quay*", "hub.docker.com"])), [2]);
        assert_eq!(lines_with(text, &config(&["index.docker.io"])), [1, 2]);
        assert!(lines_with(text, &config(&["*"])).is_empty());
    }

    #[test]
    fn expands_args_and_skips_stages() {
        let text = "ARG REG=quay.io\nARG UNSET\nFROM ${REG}/a/b:1 AS build\nFROM $UNSET\nFROM build\nCOPY --from=build /a /a\nCOPY --from=0 /a /a\nCOPY --from=scratch /a /a\n";
        assert_eq!(lines_with(text, &config(&["docker.io"])), [3]);
    }

    #[test]
    fn copy_from_and_mounts() {
        let text = "FROM alpine:3\nCOPY --from=quay.io/x/y:1 /a /a\nRUN --mount=type=bind,from=quay.io/x/y:1,target=/t true\nRUN --mount=type=cache,target=/c true\nONBUILD COPY --from=nginx:1 /a /a\n";
        assert_eq!(lines_with(text, &config(&["docker.io"])), [2, 3]);
        let d = testing::run_with(&UntrustedRegistry, text, &config(&["ghcr.io"]));
        assert_eq!(d.len(), 4);
        assert_eq!(
            d[0].message,
            "base image `alpine:3` comes from `docker.io`, which is not a trusted registry (ghcr.io)"
        );
    }
}
