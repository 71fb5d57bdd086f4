use super::common_a::{apt_options, invocations};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports apt told to accept unsigned packages or repositories: `apt-get`/`apt`/`aptitude`
    /// with `--allow-unauthenticated` or `--allow-insecure-repositories`, the equivalent `-o`
    /// options (`-o APT::Get::AllowUnauthenticated=true`,
    /// `-o Acquire::AllowInsecureRepositories=1`), those options written into apt configuration
    /// with `echo`/`printf`, and `deb [trusted=yes] …` source lines (except local `file:`
    /// repositories of packages built in the same build).
    ///
    /// ## Why is this bad?
    /// apt's signature checks are what make a mirror or a proxy unable to slip in modified
    /// packages. Without them any package from that source, with its root-run maintainer
    /// scripts, is installed as is.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --allow-unauthenticated mytool
    /// ```
    ///
    /// ## Fix
    /// Import the repository's signing key (`signed-by=/usr/share/keyrings/vendor.gpg` in the
    /// source line) and remove the option.
    pub struct AptAllowUnauthenticated {
        code: "DF608",
        name: "apt-allow-unauthenticated",
        step: TrustedImages,
        severity: High,
        summary: "apt accepts unauthenticated packages or repositories",
        references: [Checkov "CKV2_DOCKER_8", Cis "4.11", Cwe "CWE-347"],
    }
}

const APT: [&str; 4] = ["apt-get", "apt", "aptitude", "apt-cache"];

fn is_true(value: &str) -> bool {
    matches!(
        value
            .trim()
            .trim_matches(['"', '\'', ';'])
            .to_ascii_lowercase()
            .as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// apt option names that disable authentication, lower-cased.
fn disables_auth(option: &str) -> bool {
    let name = option
        .rsplit("::")
        .next()
        .unwrap_or(option)
        .to_ascii_lowercase();
    name == "allowunauthenticated" || name == "allowinsecurerepositories"
}

impl Rule for AptAllowUnauthenticated {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if APT.contains(&inv.program) {
                if let Some(i) =
                    inv.flag(&["--allow-unauthenticated", "--allow-insecure-repositories"])
                {
                    out.push(Diagnostic::new(
                        inv.arg_span(i),
                        format!(
                            "`{} {}` installs packages without verifying their signature",
                            inv.program,
                            inv.args()[i]
                        ),
                    ));
                    continue;
                }
                for (i, opt) in apt_options(&inv) {
                    if let Some((name, value)) = opt.split_once('=')
                        && disables_auth(name)
                        && is_true(value)
                    {
                        out.push(Diagnostic::new(
                            inv.arg_span(i),
                            format!("`-o {opt}` makes apt accept unauthenticated packages"),
                        ));
                    }
                }
                continue;
            }
            if !matches!(inv.program, "echo" | "printf") {
                continue;
            }
            for (i, arg) in inv.args().iter().enumerate() {
                let lower = arg.to_ascii_lowercase();
                // `APT::Get::AllowUnauthenticated "true";` in an apt.conf.d file.
                let conf = lower.lines().any(|line| {
                    line.split_whitespace()
                        .collect::<Vec<_>>()
                        .windows(2)
                        .any(|w| disables_auth(w[0]) && is_true(w[1]))
                });
                let trusted_source = lower.lines().any(|line| {
                    let line = line.trim_start();
                    let Some((opts, uri)) = line
                        .strip_prefix("deb ")
                        .or_else(|| line.strip_prefix("deb-src "))
                        .and_then(|r| r.trim_start().strip_prefix('['))
                        .and_then(|r| r.split_once(']'))
                    else {
                        return false;
                    };
                    // A local repository of packages built in this very build is fine.
                    let uri = uri.trim_start();
                    let local = uri.starts_with("file:") || uri.starts_with("copy:");
                    !local && opts.split_whitespace().any(|o| o == "trusted=yes")
                });
                if conf || trusted_source {
                    let what = if trusted_source {
                        "a `[trusted=yes]` apt source skips signature checks for that repository"
                    } else {
                        "this apt option makes apt accept unauthenticated packages"
                    };
                    out.push(Diagnostic::new(inv.arg_span(i), what));
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
        testing::check_fixtures(&AptAllowUnauthenticated);
    }

    #[test]
    fn options() {
        let lines =
            |s: &str| testing::lines(&AptAllowUnauthenticated, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "apt-get -o APT::Get::AllowUnauthenticated=true install x",
            "apt-get update -oAcquire::AllowInsecureRepositories=1",
            "apt install --allow-insecure-repositories x",
            "echo 'APT::Get::AllowUnauthenticated \"true\";' > /etc/apt/apt.conf.d/99",
            "echo 'deb [arch=amd64 trusted=yes] http://repo/ ./' > /etc/apt/sources.list.d/r.list",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "apt-get -o APT::Get::AllowUnauthenticated=false install x",
            "apt-get -o Dpkg::Options::=--force-confold install x",
            "echo 'deb [signed-by=/k.gpg] http://repo/ ./' > /etc/apt/sources.list.d/r.list",
            "echo \"deb [ trusted=yes ] file://$tempDir ./\" > /etc/apt/sources.list.d/temp.list",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
