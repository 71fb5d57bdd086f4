use super::common_a::{invocations, is_false, key_is, setopts, written_settings};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports yum/dnf told not to verify the repositories' TLS certificates: `sslverify=0`
    /// (or `false`, `no`, `off`, also `<repo>.sslverify`) given with `--setopt` to `yum`, `dnf`,
    /// `microdnf`, `tdnf`, `yum-config-manager` or `dnf config-manager` (dnf5's
    /// `config-manager setopt` too), or written into a repository or `yum.conf`/`dnf.conf` file
    /// with `echo`/`printf`/`sed`.
    ///
    /// ## Why is this bad?
    /// Metadata and packages are then downloaded from a server whose identity is not checked; for
    /// repositories without GPG checking this lets anyone on the path serve arbitrary packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum-config-manager --save --setopt=sslverify=false
    /// ```
    ///
    /// ## Fix
    /// Install the repository's CA into the system trust store (`update-ca-trust`) or point
    /// `sslcacert=` at it, and keep `sslverify=1`.
    pub struct YumSslverifyDisabled {
        code: "DF614",
        name: "yum-sslverify-disabled",
        step: TrustedImages,
        severity: High,
        summary: "yum/dnf repository TLS verification disabled",
        references: [Checkov "CKV2_DOCKER_15", Cwe "CWE-295"],
    }
}

impl Rule for YumSslverifyDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            let package_manager = matches!(
                inv.program,
                "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "yum-config-manager"
            );
            if package_manager {
                for (key, value, i) in setopts(&inv) {
                    if key_is(&key, "sslverify") && is_false(&value) {
                        out.push(Diagnostic::new(
                            inv.arg_span(i),
                            format!(
                                "`{} --setopt={key}={value}` disables TLS verification of the repositories",
                                inv.program
                            ),
                        ));
                    }
                }
                continue;
            }
            for (key, value, span) in written_settings(&inv) {
                if key_is(&key, "sslverify") && is_false(&value) {
                    out.push(Diagnostic::new(
                        span,
                        format!("`{key}={value}` disables TLS verification of the repository"),
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
        testing::check_fixtures(&YumSslverifyDisabled);
    }

    #[test]
    fn forms() {
        let lines = |s: &str| testing::lines(&YumSslverifyDisabled, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "dnf config-manager --setopt=*.sslverify=0 --save",
            "dnf config-manager setopt epel.sslverify=off",
            "yum --setopt sslverify=no install -y x",
            "sed -i 's/sslverify=1/sslverify=0/' /etc/dnf/dnf.conf",
            "echo 'sslverify = False' >> /etc/yum.conf",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "dnf config-manager --setopt=sslverify=1 --save",
            "yum --setopt=sslcacert=/etc/pki/corp.pem install x",
            "echo sslverify=1 >> /etc/yum.conf",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
