use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images whose config `Env` sets Docker Content Trust for the Docker CLI run in
    /// their containers: `DOCKER_CONTENT_TRUST` on (any non-empty value the CLI does not read
    /// as false, as in `strconv.ParseBool`), `DOCKER_CONTENT_TRUST_SERVER`, or the signing
    /// passphrases `DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE` /
    /// `DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE` (named, never quoted).
    /// `DOCKER_CONTENT_TRUST=0` is not reported.
    ///
    /// Dockle's CIS-DI-0005 reads `DOCKER_CONTENT_TRUST` from the environment of the host that
    /// runs the scan, which says nothing about the image; this rule reads the image. The host
    /// side is the bench check HB405 (CIS 4.5).
    ///
    /// ## Why is this bad?
    /// Docker Content Trust is built on Notary v1, whose code is no longer maintained, and
    /// Docker is retiring it: first for Docker Official Images (their signing certificates
    /// began expiring on 8 August 2025, after which pulling them with the variable on fails),
    /// then entirely, with the Notary v1 service `notary.docker.io` announced to shut down on
    /// 8 December 2026. CI and tool images that bake the variable in break, and teams stop
    /// trusting the check instead of replacing it. It never verified anything on Kubernetes or
    /// containerd anyway, which do not read it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM docker:27-cli
    /// ENV DOCKER_CONTENT_TRUST=1
    /// ```
    ///
    /// ## Fix
    /// Remove the variables from the image. Verify signatures with OCI-native tools instead:
    /// sign with Sigstore `cosign` or Notary Project `notation`, verify in the pipeline
    /// (`cosign verify`, `notation verify`) and enforce at admission with a policy controller
    /// (Sigstore policy-controller, Kyverno `verifyImages`, Ratify with Gatekeeper).
    pub struct ReliesOnDockerContentTrust {
        code: "IM103",
        name: "relies-on-docker-content-trust",
        step: TrustedImages,
        severity: Low,
        summary: "Image turns on Docker Content Trust (Notary v1), which is being retired",
        references: [
            Cis "4.5",
            Dockle "CIS-DI-0005",
            Cwe "CWE-1104",
            Url "https://www.docker.com/blog/retiring-docker-content-trust/",
        ],
    }
}

/// Go's `strconv.ParseBool`, which the Docker CLI uses for `DOCKER_CONTENT_TRUST`.
fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

const ADVICE: &str = "Docker Content Trust (Notary v1) is being retired; verify signatures \
                      with cosign or notation and a policy controller instead";

impl Rule for ReliesOnDockerContentTrust {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for env in &ctx.config.config.env {
            let (name, value) = env.split_once('=').unwrap_or((env.as_str(), ""));
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let message = match name {
                "DOCKER_CONTENT_TRUST" if parse_go_bool(value) != Some(false) => format!(
                    "the image sets `DOCKER_CONTENT_TRUST={}`: the Docker CLI in its containers \
                     only pulls images signed with Docker Content Trust",
                    value.chars().take(16).collect::<String>()
                ),
                "DOCKER_CONTENT_TRUST_SERVER" => format!(
                    "the image sets `DOCKER_CONTENT_TRUST_SERVER={}`: a Notary v1 server",
                    value.chars().take(80).collect::<String>()
                ),
                "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"
                | "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE" => format!(
                    "the image sets `{name}`: it signs with Docker Content Trust (and carries \
                     the passphrase)"
                ),
                _ => continue,
            };
            out.push(ctx.finding(
                &Self::META,
                format!("{message}; {ADVICE}"),
                ctx.config_location(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::run_config;

    #[test]
    fn content_trust_variables_are_reported() {
        for env in [
            "DOCKER_CONTENT_TRUST=1",
            "DOCKER_CONTENT_TRUST=true",
            "DOCKER_CONTENT_TRUST=yes",
            "DOCKER_CONTENT_TRUST_SERVER=https://notary.docker.io",
        ] {
            let f = run_config(
                &ReliesOnDockerContentTrust,
                &format!(r#"{{"Env":["PATH=/usr/bin","{env}"]}}"#),
            );
            assert_eq!(f.len(), 1, "{env}");
            assert!(f[0].message.contains(env), "{}", f[0].message);
            assert!(
                f[0].message.contains("cosign or notation"),
                "{}",
                f[0].message
            );
        }
        let f = run_config(
            &ReliesOnDockerContentTrust,
            r#"{"Env":["DOCKER_CONTENT_TRUST=1","DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE=hunter2hunter2"]}"#,
        );
        assert_eq!(f.len(), 2);
        assert!(
            f[1].message
                .contains("DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE")
        );
        assert!(
            !f[1].message.contains("hunter2"),
            "passphrase must not be quoted"
        );
    }

    #[test]
    fn off_or_absent_is_not_reported() {
        for cfg in [
            r#"{}"#,
            r#"{"Env":["DOCKER_CONTENT_TRUST=0"]}"#,
            r#"{"Env":["DOCKER_CONTENT_TRUST=false"]}"#,
            r#"{"Env":["DOCKER_CONTENT_TRUST="]}"#,
            r#"{"Env":["DOCKER_CONTENT_TRUST"]}"#,
            r#"{"Env":["MY_DOCKER_CONTENT_TRUST=1"]}"#,
        ] {
            assert!(
                run_config(&ReliesOnDockerContentTrust, cfg).is_empty(),
                "{cfg}"
            );
        }
    }
}
