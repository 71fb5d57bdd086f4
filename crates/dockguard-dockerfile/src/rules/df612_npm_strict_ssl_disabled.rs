use super::common_a::{env_settings, invocations, is_false, written_settings};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports npm, yarn or pnpm told not to verify TLS certificates:
    /// `npm config set strict-ssl false` (also `npm set`, `strict-ssl=false`, yarn and pnpm, and
    /// yarn 2+'s `enableStrictSsl`), `--strict-ssl=false` / `--no-strict-ssl` on the command line,
    /// `strict-ssl=false` written into an `.npmrc`, and the variables `NPM_CONFIG_STRICT_SSL`
    /// (any case), `YARN_STRICT_SSL` or `YARN_ENABLE_STRICT_SSL` set to `false`.
    ///
    /// ## Why is this bad?
    /// The registry's certificate is no longer checked, so packages, and the install scripts
    /// they run, can be swapped by anyone able to intercept the connection.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm config set strict-ssl false && npm ci
    /// ```
    ///
    /// ## Fix
    /// Trust the registry's CA instead: `npm config set cafile /etc/ssl/corp.pem` or
    /// `NODE_EXTRA_CA_CERTS=/etc/ssl/corp.pem`.
    pub struct NpmStrictSslDisabled {
        code: "DF612",
        name: "npm-strict-ssl-disabled",
        step: TrustedImages,
        severity: High,
        summary: "npm or yarn TLS verification (strict-ssl) disabled",
        references: [Checkov "CKV2_DOCKER_12", Checkov "CKV2_DOCKER_13", Cwe "CWE-295"],
    }
}

fn is_strict_ssl(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "strict-ssl" | "strict_ssl" | "enablestrictssl"
    )
}

impl Rule for NpmStrictSslDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if !matches!(inv.program, "npm" | "yarn" | "pnpm") {
                for (key, value, span) in written_settings(&inv) {
                    if is_strict_ssl(&key) && is_false(&value) {
                        out.push(Diagnostic::new(
                            span,
                            format!(
                                "`{key}={value}` in an npm configuration disables TLS verification"
                            ),
                        ));
                    }
                }
                continue;
            }
            let args = inv.args();
            // npm reads `--strict-ssl false` as `--strict-ssl=false`.
            if let Some(i) = args.iter().enumerate().position(|(i, a)| {
                a == "--no-strict-ssl"
                    || a.strip_prefix("--strict-ssl=").is_some_and(is_false)
                    || a == "--strict-ssl" && args.get(i + 1).is_some_and(|v| is_false(v))
            }) {
                out.push(Diagnostic::new(
                    inv.arg_span(i),
                    format!(
                        "`{} {}` disables TLS certificate verification",
                        inv.program, args[i]
                    ),
                ));
                continue;
            }
            // `config set strict-ssl false`, `set strict-ssl=false`, `c set …`
            let positional = inv.positional(&[]);
            let Some(at) = positional.iter().position(|(_, a)| *a == "set") else {
                continue;
            };
            let config_set = at == 0 || matches!(positional[at - 1].1, "config" | "c");
            let mut rest = positional[at + 1..].iter();
            let Some(&(i, key)) = rest.next().filter(|_| config_set) else {
                continue;
            };
            let (key, value) = match key.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (key, rest.next().map(|(_, v)| *v)),
            };
            if is_strict_ssl(key) && value.is_some_and(is_false) {
                out.push(Diagnostic::new(
                    inv.arg_span(i),
                    format!(
                        "`{} config set {key} false` disables TLS certificate verification",
                        inv.program
                    ),
                ));
            }
        }
        for env in env_settings(ctx) {
            let name = env.name.to_ascii_uppercase();
            let relevant = matches!(
                name.as_str(),
                "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" | "YARN_ENABLE_STRICT_SSL"
            );
            if relevant && env.value.as_deref().is_some_and(is_false) {
                out.push(Diagnostic::new(
                    env.span,
                    format!(
                        "{} `{}=false` disables TLS certificate verification for the package manager",
                        env.via, env.name
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
        testing::check_fixtures(&NpmStrictSslDisabled);
    }

    #[test]
    fn forms() {
        let lines = |s: &str| testing::lines(&NpmStrictSslDisabled, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "npm set strict-ssl false",
            "npm config set strict-ssl=false -g",
            "yarn config set enableStrictSsl false",
            "pnpm config set strict-ssl false",
            "npm install --strict-ssl=false",
            "npm ci --no-strict-ssl",
            "npm install --strict-ssl false x",
            "npm_config_strict_ssl=false npm ci",
            "echo strict-ssl=false >> ~/.npmrc",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "npm config set strict-ssl true",
            "npm config set cafile /etc/ssl/corp.pem",
            "npm install set strict-ssl false",
            "npm config get strict-ssl",
            "npm install --strict-ssl x",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
