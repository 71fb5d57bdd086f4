use super::common_a::invocations;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `rpm` run with `--nosignature`, `--nodigest`, `--noverify` or `--nofiledigest`
    /// (one finding per command, at the first such option).
    ///
    /// ## Why is this bad?
    /// These options make rpm install packages without checking their signature or the digests
    /// of the package and its files, so a corrupted or tampered package is installed silently.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN rpm -ivh --nosignature https://example.com/tool.rpm
    /// ```
    ///
    /// ## Fix
    /// Import the vendor's key with `rpm --import <key>` and install without these options.
    pub struct RpmSignatureCheckDisabled {
        code: "DF611",
        name: "rpm-signature-check-disabled",
        step: TrustedImages,
        severity: High,
        summary: "rpm installs without signature or digest checks",
        references: [Checkov "CKV2_DOCKER_10", Cis "4.11", Cwe "CWE-347"],
    }
}

const OPTIONS: [&str; 4] = [
    "--nosignature",
    "--nodigest",
    "--noverify",
    "--nofiledigest",
];

impl Rule for RpmSignatureCheckDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if !inv.is("rpm") {
                continue;
            }
            let Some(first) = inv.flag(&OPTIONS) else {
                continue;
            };
            let used: Vec<&str> = OPTIONS
                .iter()
                .copied()
                .filter(|o| inv.flag(&[o]).is_some())
                .collect();
            out.push(Diagnostic::new(
                inv.arg_span(first),
                format!(
                    "`rpm {}` skips package signature or digest verification",
                    used.join(" ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&RpmSignatureCheckDisabled);
    }

    #[test]
    fn one_finding_per_command() {
        let d = testing::run(
            &RpmSignatureCheckDisabled,
            "FROM a\nRUN rpm -ivh --nodigest --nosignature x.rpm\n",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`rpm --nosignature --nodigest` skips package signature or digest verification"
        );
    }
}
