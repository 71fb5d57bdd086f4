use super::{ImageCtx, Rule};
use dockguard_core::Finding;
use dockguard_workload::rules::wl300_secret_in_environment::describe_secret;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports credentials in the image config: `Env` variables and `Labels` whose value
    /// matches a known secret format (cloud keys, tokens, private keys, passwords in URLs) or
    /// whose name says secret (`*_PASSWORD`, `*_SECRET*`, `*_TOKEN`, `*API_KEY*`) with a
    /// literal value. References, paths, booleans and placeholders are not reported. Messages
    /// show only the first characters of the value.
    ///
    /// ## Why is this bad?
    /// The config is public to everyone who can pull the image (`docker inspect`, registry
    /// APIs) and is copied into every container's environment, where child processes, crash
    /// reports and `docker inspect` of the container expose it again. It cannot be rotated
    /// without rebuilding and re-pushing every tag.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    /// ```
    ///
    /// ## Fix
    /// Remove the value from the image and pass it at run time from a secret store (Docker
    /// or Kubernetes secrets mounted as files); use `RUN --mount=type=secret` for build-time
    /// secrets, then rotate the leaked credential.
    pub struct SecretInImageEnv {
        code: "IM300",
        name: "secret-in-image-env",
        step: Secrets,
        severity: Critical,
        summary: "Image config holds a secret in Env or Labels",
        references: [Cis "4.10", Dockle "CIS-DI-0010", Cwe "CWE-798"],
    }
}

impl Rule for SecretInImageEnv {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let c = &ctx.config.config;
        // Names and value shapes of the Dockerfile rules first, then the file scanner's rules
        // on `name=value` (webhook URLs, tokens under any name).
        let describe = |name: &str, value: &str| {
            describe_secret(name, value).or_else(|| {
                let text = format!("{name}={value}\n");
                ctx.facts
                    .secrets
                    .scanner()
                    .scan("config", text.as_bytes())
                    .first()
                    .map(|m| format!("holds {} (`{}`)", m.rule.title, m.masked))
            })
        };
        for env in &c.env {
            let (name, value) = env.split_once('=').unwrap_or((env.as_str(), ""));
            if let Some(what) = describe(name, value) {
                out.push(ctx.finding(
                    &Self::META,
                    format!("environment variable `{name}` of the image config {what}"),
                    ctx.config_location(),
                ));
            }
        }
        for (name, value) in &c.labels {
            if let Some(what) = describe(name, value) {
                out.push(ctx.finding(
                    &Self::META,
                    format!("label `{name}` of the image config {what}"),
                    ctx.config_location(),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::run_config;

    #[test]
    fn env_and_labels() {
        let cfg = r#"{"Env":["PATH=/usr/bin","AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT","DB_PASSWORD=${DB_PASSWORD}"],
            "Labels":{"maintainer":"me","deploy.token":"ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"}}"#;
        let f = run_config(&SecretInImageEnv, cfg);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(
            f[0].message.contains("AWS_SECRET_ACCESS_KEY"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("bPxRfiCY"), "value must be masked");
        assert!(f[1].message.contains("deploy.token"), "{}", f[1].message);
        assert!(run_config(&SecretInImageEnv, r#"{"Env":["HOME=/root"]}"#).is_empty());
        // A webhook URL under a name that says nothing.
        let hook = format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            "0A1B2C3D4", "5E6F7G8H9", "q7Vx2LmN9pRt4WzYb6Kc8Hd1"
        );
        let cfg = format!(r#"{{"Labels":{{"com.acme.alerts":"{hook}"}}}}"#);
        let f = run_config(&SecretInImageEnv, &cfg);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.contains("com.acme.alerts"), "{}", f[0].message);
        assert!(!f[0].message.contains("q7Vx2LmN9"), "{}", f[0].message);
    }
}
