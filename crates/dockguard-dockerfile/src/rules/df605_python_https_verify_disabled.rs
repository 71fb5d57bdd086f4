use super::common_a::env_settings;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `PYTHONHTTPSVERIFY=0` set by `ENV`, an `ARG` default, a `NAME=value` prefix of a
    /// RUN command or `export` in a RUN (after ARG expansion for ENV and ARG).
    ///
    /// ## Why is this bad?
    /// Python's `urllib`/`http.client` (and tools built on them) then skip certificate
    /// verification for every HTTPS connection, at build time and, for `ENV`, in every container
    /// started from the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV PYTHONHTTPSVERIFY=0
    /// ```
    ///
    /// ## Fix
    /// Remove the variable; trust a private CA through the system store or `SSL_CERT_FILE`.
    pub struct PythonHttpsVerifyDisabled {
        code: "DF605",
        name: "python-https-verify-disabled",
        step: TrustedImages,
        severity: High,
        summary: "PYTHONHTTPSVERIFY=0 disables TLS verification",
        references: [Checkov "CKV2_DOCKER_5", Cwe "CWE-295"],
    }
}

impl Rule for PythonHttpsVerifyDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for env in env_settings(ctx) {
            if env.name == "PYTHONHTTPSVERIFY" && env.value.as_deref().map(str::trim) == Some("0") {
                out.push(Diagnostic::new(
                    env.span,
                    format!(
                        "{} `PYTHONHTTPSVERIFY=0` disables TLS certificate verification in Python",
                        env.via
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
        testing::check_fixtures(&PythonHttpsVerifyDisabled);
    }

    #[test]
    fn expanded_values() {
        let lines = |t: &str| testing::lines(&PythonHttpsVerifyDisabled, t);
        assert_eq!(lines("FROM a\nARG V=0\nENV PYTHONHTTPSVERIFY=${V}\n"), [3]);
        assert!(lines("FROM a\nARG V\nENV PYTHONHTTPSVERIFY=${V}\n").is_empty());
    }
}
