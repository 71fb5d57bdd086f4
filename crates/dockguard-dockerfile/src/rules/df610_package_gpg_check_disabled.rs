use super::common_a::{invocations, is_false, key_is, setopts, written_settings};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports RPM package managers told to skip GPG signature checks: `dnf`/`yum`/`tdnf`/
    /// `microdnf` with `--nogpgcheck` (dnf5: `--no-gpgchecks`), `--setopt=gpgcheck=0` (also
    /// `*.gpgcheck`, `localpkg_gpgcheck`, `pkg_gpgcheck`) on them or on `yum-config-manager`/
    /// `dnf config-manager`, `zypper --no-gpg-checks` and `zypper addrepo --no-gpgcheck`/`-G`,
    /// and `gpgcheck=0` written into a repository file with `echo`/`printf`/`sed`.
    ///
    /// ## Why is this bad?
    /// Without the signature check, a mirror, a proxy or anyone on the network path can serve
    /// modified packages, and their root-run scriptlets, into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y --nogpgcheck https://example.com/tool.rpm
    /// ```
    ///
    /// ## Fix
    /// Import the vendor key (`rpm --import https://example.com/RPM-GPG-KEY`) or set `gpgkey=` in
    /// the repository file, and keep `gpgcheck=1`.
    pub struct PackageGpgCheckDisabled {
        code: "DF610",
        name: "package-gpg-check-disabled",
        step: TrustedImages,
        severity: High,
        summary: "RPM package manager skips GPG signature checks",
        references: [Checkov "CKV2_DOCKER_9", Cis "4.11", Cwe "CWE-347"],
    }
}

const GPG_KEYS: [&str; 3] = ["gpgcheck", "localpkg_gpgcheck", "pkg_gpgcheck"];

fn gpg_key(key: &str) -> bool {
    GPG_KEYS.iter().any(|k| key_is(key, k))
}

impl Rule for PackageGpgCheckDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            let flag = match inv.program {
                "dnf" | "dnf5" | "yum" | "tdnf" | "microdnf" => {
                    inv.flag(&["--nogpgcheck", "--no-gpgchecks"])
                }
                "zypper" => inv.flag(&["--no-gpg-checks", "--no-gpgcheck"]).or_else(|| {
                    matches!(inv.subcommand(), Some("addrepo" | "ar"))
                        .then(|| inv.flag(&["-G"]))
                        .flatten()
                }),
                "yum-config-manager" => None,
                _ => {
                    for (key, value, span) in written_settings(&inv) {
                        if gpg_key(&key) && is_false(&value) {
                            out.push(Diagnostic::new(
                                span,
                                format!("`{key}={value}` disables package signature checks for the repository"),
                            ));
                        }
                    }
                    continue;
                }
            };
            if let Some(i) = flag {
                out.push(Diagnostic::new(
                    inv.arg_span(i),
                    format!(
                        "`{} {}` installs packages without checking their GPG signature",
                        inv.program,
                        inv.args()[i]
                    ),
                ));
                continue;
            }
            for (key, value, i) in setopts(&inv) {
                if gpg_key(&key) && is_false(&value) {
                    out.push(Diagnostic::new(
                        inv.arg_span(i),
                        format!(
                            "`{}` with `{key}={value}` disables package signature checks",
                            inv.program
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
        testing::check_fixtures(&PackageGpgCheckDisabled);
    }

    #[test]
    fn forms() {
        let lines =
            |s: &str| testing::lines(&PackageGpgCheckDisabled, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "microdnf install --nogpgcheck x",
            "dnf5 install --no-gpgchecks x",
            "yum-config-manager --save --setopt=*.gpgcheck=0",
            "dnf config-manager setopt epel.gpgcheck=false",
            "zypper --no-gpg-checks install -y x",
            "zypper ar -G https://repo r",
            "sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/x.repo",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "dnf install -y --setopt=install_weak_deps=False x",
            "zypper -G install x",
            "echo repo_gpgcheck=0 >> /etc/yum.repos.d/x.repo",
            "yum install -y --setopt=gpgcheck=1 x",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
