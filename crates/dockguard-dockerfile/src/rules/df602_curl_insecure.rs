use super::common_a::invocations;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `curl` run with `-k`/`--insecure` (also inside short-flag clusters such as
    /// `-kfsSL`) or `--proxy-insecure`, including behind `sudo`, `env` or `busybox`.
    ///
    /// ## Why is this bad?
    /// The TLS certificate of the server is not checked, so anyone on the network path (a
    /// compromised proxy, DNS or Wi-Fi of the build host) can serve their own content, which
    /// then becomes part of the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -kfsSL https://example.com/tool.tar.gz | tar -xz -C /opt
    /// ```
    ///
    /// ## Fix
    /// Remove the flag. If the server uses a private CA, install that CA instead
    /// (`COPY corp-ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates`) or pass it
    /// with `--cacert`.
    pub struct CurlInsecure {
        code: "DF602",
        name: "curl-insecure",
        step: TrustedImages,
        severity: High,
        summary: "curl with TLS certificate verification disabled",
        references: [Checkov "CKV2_DOCKER_2", Cwe "CWE-295"],
    }
}

impl Rule for CurlInsecure {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if !inv.is("curl") {
                continue;
            }
            if let Some(i) = inv.flag(&["-k", "--insecure", "--proxy-insecure"]) {
                out.push(Diagnostic::new(
                    inv.arg_span(i),
                    format!(
                        "`curl {}` disables TLS certificate verification",
                        inv.args()[i]
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
        testing::check_fixtures(&CurlInsecure);
    }

    #[test]
    fn flags() {
        let lines = |s: &str| testing::lines(&CurlInsecure, &format!("FROM a\nRUN {s}\n"));
        assert_eq!(lines("curl -sSLk https://x"), [2]);
        assert_eq!(lines("sudo curl --insecure https://x"), [2]);
        assert!(lines("curl -K /etc/curlrc https://x").is_empty());
        assert!(lines("curl --key k.pem https://x").is_empty());
        assert!(lines("wget -k https://x").is_empty());
        assert!(lines("curl https://x -- -k").is_empty());
    }
}
