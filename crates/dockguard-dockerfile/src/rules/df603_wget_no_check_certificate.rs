use super::common_a::{invocations, is_false, written_settings};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `wget --no-check-certificate` (also `busybox wget` and behind `sudo`), and
    /// `check_certificate = off` written into a wgetrc with `echo`/`printf`.
    ///
    /// ## Why is this bad?
    /// wget then accepts any certificate, so a machine in the network path can replace the
    /// download with its own content, which ends up in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget --no-check-certificate https://example.com/app.tar.gz
    /// ```
    ///
    /// ## Fix
    /// Remove the option; trust a private CA with `--ca-certificate=/path/ca.pem` or by adding it
    /// to the system store (`update-ca-certificates`).
    pub struct WgetNoCheckCertificate {
        code: "DF603",
        name: "wget-no-check-certificate",
        step: TrustedImages,
        severity: High,
        summary: "wget with TLS certificate verification disabled",
        references: [Checkov "CKV2_DOCKER_3", Cwe "CWE-295"],
    }
}

impl Rule for WgetNoCheckCertificate {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if inv.is("wget") {
                if let Some(i) = inv.flag(&["--no-check-certificate"]) {
                    out.push(Diagnostic::new(
                        inv.arg_span(i),
                        "`wget --no-check-certificate` disables TLS certificate verification",
                    ));
                }
                continue;
            }
            for (key, value, span) in written_settings(&inv) {
                if key.replace(['_', '-'], "") == "checkcertificate" && is_false(&value) {
                    out.push(Diagnostic::new(
                        span,
                        format!(
                            "`{key} = {value}` turns off TLS certificate verification for wget"
                        ),
                    ));
                }
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
        testing::check_fixtures(&WgetNoCheckCertificate);
    }

    #[test]
    fn wgetrc() {
        let lines =
            |s: &str| testing::lines(&WgetNoCheckCertificate, &format!("FROM a\nRUN {s}\n"));
        assert_eq!(lines("echo 'check_certificate = off' >> /etc/wgetrc"), [2]);
        assert!(lines("echo 'check_certificate = on' >> /etc/wgetrc").is_empty());
    }
}
