use super::common_d::{mask, secret_pattern};
use super::df300_secret_arg_env_name::is_secret_name;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports credentials written into `ARG` defaults and `ENV` or `LABEL` values (after
    /// variable expansion):
    /// - values that look like a known credential whatever the name: AWS access key ids
    ///   (`AKIA…`/`ASIA…`), GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`),
    ///   GitLab (`glpat-`), Slack (`xoxb-`…), Stripe live keys, Google API keys (`AIza…`), npm
    ///   tokens, private key blocks and JSON Web Tokens;
    /// - any other literal value of an `ARG` or `ENV` whose name looks like a secret (see
    ///   DF300), placeholders such as `changeme` included: they are hardcoded passwords too.
    ///   Values that are variable references (`${GITHUB_TOKEN}`), file paths
    ///   (`/run/secrets/db`), booleans, plain numbers and PGP key ids or fingerprints
    ///   (`OPENSSL_PGP_KEY_IDS=0xBA…`) are not reported.
    ///
    /// Messages show only the first four characters of the value.
    ///
    /// ## Why is this bad?
    /// The value is stored in the image: ENV and LABEL in its configuration, ARG defaults in
    /// its history, readable by anyone who can pull the image, and in the Dockerfile's
    /// repository. A leaked credential must be revoked and rotated.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    /// ARG DB_PASSWORD=changeme
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential, remove it from the Dockerfile, and pass it at build time with a
    /// secret mount (`RUN --mount=type=secret,id=db_password,env=DB_PASSWORD …`) or at run time
    /// from the orchestrator's secret store.
    pub struct SecretValueInArgEnv {
        code: "DF301",
        name: "secret-value-in-arg-env",
        step: Secrets,
        severity: Critical,
        summary: "A credential is hardcoded in an ARG, ENV or LABEL value",
        references: [Trivy "DS-0031", Dockle "CIS-DI-0010", Cis "4.10", Cwe "CWE-798"],
    }
}

/// Names of public key material: PGP key ids and fingerprints.
fn is_public_key_name(name: &str) -> bool {
    name.to_ascii_lowercase().split(['_', '-', '.']).any(|w| {
        matches!(
            w,
            "pgp" | "gpg" | "ids" | "keyid" | "keyids" | "fingerprints"
        )
    })
}

/// A list of key ids or fingerprints (`0xBA6B… 0x3A1C…`): hexadecimal words only.
fn is_key_id_list(value: &str) -> bool {
    let mut words = value.split_whitespace().peekable();
    words.peek().is_some()
        && words.all(|w| {
            let hex = w.strip_prefix("0x").unwrap_or(w);
            hex.len() >= 8 && hex.bytes().all(|c| c.is_ascii_hexdigit())
        })
}

/// Literal values that do not carry a secret even under a secret-like name.
fn is_not_a_secret(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || v.starts_with('$')
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("~/")
        || v.bytes().all(|c| c.is_ascii_digit())
        || matches!(
            lower.as_str(),
            "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "none"
                | "null"
                | "nil"
                | "\"\""
                | "''"
        )
}

impl Rule for SecretValueInArgEnv {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (pairs, what) = match (&inst.args, inst.kind) {
                (Args::Arg { pairs }, _) => (pairs, "ARG"),
                (Args::KeyValues { pairs, .. }, Kind::Env) => (pairs, "ENV"),
                (Args::KeyValues { pairs, .. }, Kind::Label) => (pairs, "LABEL"),
                _ => continue,
            };
            for pair in pairs {
                let Some(raw) = pair.value.as_deref() else {
                    continue;
                };
                let value = ctx.model.expand(idx, raw).value;
                let message = if let Some(kind) = secret_pattern(&value) {
                    format!(
                        "{what} `{}` contains {kind} (`{}`); it is stored in the image",
                        pair.key,
                        mask(&value)
                    )
                } else if what != "LABEL"
                    && is_secret_name(&pair.key)
                    && !is_public_key_name(&pair.key)
                    && !is_key_id_list(&value)
                    && !raw.contains('$')
                    && !is_not_a_secret(&value)
                {
                    format!(
                        "{what} `{}` has a hardcoded value (`{}`); it is stored in the image",
                        pair.key,
                        mask(&value)
                    )
                } else {
                    continue;
                };
                let span = if pair.value_span.is_empty() {
                    pair.span.clone()
                } else {
                    pair.value_span.clone()
                };
                out.push(Diagnostic::new(span, message));
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
        testing::check_fixtures(&SecretValueInArgEnv);
    }

    #[test]
    fn key_id_lists() {
        assert!(is_key_id_list("0xBA6B0C3C 0x3A1C8E7E"));
        assert!(is_key_id_list("B42F6819007F00F88E364FD4036A9C25BF357DD4"));
        assert!(!is_key_id_list("changeme"));
        assert!(!is_key_id_list("deadbeef hunter2"));
    }

    #[test]
    fn messages_mask_the_value() {
        let d = testing::run(
            &SecretValueInArgEnv,
            "FROM a\nARG K=AKIAIOSFODNN7EXAMPLE\nENV DB_PASSWORD=hunter2\n",
        );
        assert_eq!(
            d[0].message,
            "ARG `K` contains an AWS access key id (`AKIA…`); it is stored in the image"
        );
        assert_eq!(
            d[1].message,
            "ENV `DB_PASSWORD` has a hardcoded value (`hunt…`); it is stored in the image"
        );
        assert!(d.iter().all(|d| !d.message.contains("hunter2")));
    }
}
