use super::helpers::image_of;
use super::{Ctx, Diagnostic, Rule, subject};
use dockguard_dockerfile::declare_rule;

declare_rule! {
    /// ## What it does
    /// When `trusted_registries` is configured, reports container images pulled from any other
    /// registry. An image without a registry comes from Docker Hub (`docker.io`); patterns may
    /// start or end with `*` (`*.corp.example`, `registry.corp*`), the same matching as DF103.
    /// Without configuration the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// Images from registries your organisation does not control or vet bypass its scanning,
    /// signing and retention policies; a typo-squatted or compromised upstream image runs
    /// straight on your hosts.
    ///
    /// ## Example
    /// With `trusted_registries = ["registry.corp.example"]`:
    /// ```yaml
    /// services:
    ///   tool:
    ///     image: quay.io/someone/tool:1.2
    /// ```
    ///
    /// ## Fix
    /// Mirror the image into a trusted registry (`registry.corp.example/mirror/tool:1.2`), or add
    /// its registry to `trusted_registries` after review.
    pub struct UntrustedRegistry {
        code: "WL402",
        name: "untrusted-registry",
        step: TrustedImages,
        severity: Medium,
        summary: "Image comes from a registry outside the trusted list",
        references: [Cis "4.2", Trivy "KSV-0125", Cwe "CWE-829"],
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
        for c in ctx.containers() {
            let Some((setting, image)) = image_of(c) else {
                continue;
            };
            if !image.is_trusted(patterns) {
                out.push(Diagnostic::new(
                    &setting.loc,
                    format!(
                        "{} uses image `{}` from `{}`, which is not a trusted registry ({})",
                        subject(c),
                        image.full,
                        image.effective_registry(),
                        patterns.join(", ")
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
    use dockguard_core::Config;

    fn config(patterns: &[&str]) -> Config {
        Config {
            trusted_registries: patterns.iter().map(|p| p.to_string()).collect(),
            ..Config::default()
        }
    }

    fn lines_with(name: &str, text: &str, config: &Config) -> Vec<u32> {
        testing::reported_lines_with(&UntrustedRegistry, name, text, config)
    }

    /// The rule is silent without `trusted-registries`, so its fixtures are checked with a list
    /// set, and every fixture must report nothing with the default configuration.
    #[test]
    fn fixtures_with_trusted_registries() {
        testing::check_fixtures_with(
            &UntrustedRegistry,
            &config(&["docker.io", "*.corp.example", "ghcr.io"]),
        );
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/WL402");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                testing::reported_lines(&UntrustedRegistry, &name, &text).is_empty(),
                "{name}"
            );
        }
    }

    #[test]
    fn patterns() {
        let text = "services:\n  a:\n    image: quay.io/a/b:1\n  b:\n    image: eu.gcr.io/p/i:1\n  c:\n    image: alpine:3\n  d:\n    image: localhost:5000/x:1\n";
        let lines = |p: &[&str]| lines_with("x.compose.yaml", text, &config(p));
        assert_eq!(lines(&["*.gcr.io"]), [3, 7, 9]);
        assert_eq!(lines(&["quay*", "hub.docker.com"]), [5, 9]);
        assert_eq!(lines(&["index.docker.io"]), [3, 5, 9]);
        assert_eq!(lines(&["localhost:5000", "docker.io"]), [3, 5]);
        assert!(lines(&["*"]).is_empty());
    }

    #[test]
    fn message_names_registry_and_list() {
        let text = "services:\n  a:\n    image: quay.io/a/b:1\n";
        let workload =
            crate::check::load("x.compose.yaml", None, text, crate::FileKind::Compose).unwrap();
        let config = config(&["ghcr.io"]);
        let ctx = Ctx {
            workload: &workload,
            config: &config,
            host: None,
        };
        let mut out = Vec::new();
        UntrustedRegistry.check(&ctx, &mut out);
        assert_eq!(
            out[0].message,
            "service `a` uses image `quay.io/a/b:1` from `quay.io`, which is not a trusted registry (ghcr.io)"
        );
    }
}
