use super::common_a::invocations;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apk` run with `--allow-untrusted` (`apk add --allow-untrusted ./pkg.apk`).
    ///
    /// ## Why is this bad?
    /// apk then installs packages whose signature is missing or made with an unknown key, so a
    /// tampered or unofficial package is installed without complaint, with root-run install
    /// scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --allow-untrusted /tmp/custom.apk
    /// ```
    ///
    /// ## Fix
    /// Sign your packages and install the public key into `/etc/apk/keys/`, then remove
    /// `--allow-untrusted`.
    pub struct ApkAllowUntrusted {
        code: "DF607",
        name: "apk-allow-untrusted",
        step: TrustedImages,
        severity: High,
        summary: "apk installs packages without signature verification",
        references: [Checkov "CKV2_DOCKER_7", Cis "4.11", Cwe "CWE-347"],
    }
}

impl Rule for ApkAllowUntrusted {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if !inv.is("apk") {
                continue;
            }
            if let Some(i) = inv.flag(&["--allow-untrusted"]) {
                out.push(Diagnostic::new(
                    inv.arg_span(i),
                    "`apk --allow-untrusted` installs packages without checking their signature",
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
        testing::check_fixtures(&ApkAllowUntrusted);
    }
}
