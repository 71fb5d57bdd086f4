use super::common_a::{env_settings, invocations, is_false};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports git told not to verify TLS certificates: `git -c http.sslVerify=false …`,
    /// `git config [--global] http.sslVerify false` (also per URL, `http.<url>.sslVerify`), and
    /// `GIT_SSL_NO_VERIFY` set by `ENV`, an `ARG` default or in a RUN. git disables verification
    /// whenever `GIT_SSL_NO_VERIFY` is set, whatever its value, so `GIT_SSL_NO_VERIFY=false` is
    /// reported too.
    ///
    /// ## Why is this bad?
    /// Cloned code and submodules can be replaced in transit, and credentials sent to the server
    /// can be captured.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN git config --global http.sslVerify false && git clone https://git.corp.example/app.git
    /// ```
    ///
    /// ## Fix
    /// Trust the server's CA: `git config --global http.sslCAInfo /etc/ssl/corp.pem`, or add it
    /// to the system store; remove `GIT_SSL_NO_VERIFY`.
    pub struct GitSslVerifyDisabled {
        code: "DF613",
        name: "git-ssl-verify-disabled",
        step: TrustedImages,
        severity: High,
        summary: "git TLS certificate verification disabled",
        references: [Checkov "CKV2_DOCKER_14", Cwe "CWE-295"],
    }
}

/// `http.sslverify` or `http.<url>.sslverify`.
fn is_ssl_verify(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("http.") && key.ends_with(".sslverify")
}

impl Rule for GitSslVerifyDisabled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if !inv.is("git") {
                continue;
            }
            let args = inv.args();
            let subcommand = inv.positional(&["-C", "-c"]).first().map(|(i, a)| (*i, *a));
            let sub_at = subcommand.map_or(args.len(), |(i, _)| i);
            // `-c key=value` before the subcommand, and `git clone -c/--config`, which applies
            // before the first fetch.
            let mut i = 0;
            while i < args.len() {
                let a = args[i].as_str();
                let clone_option = i > sub_at && subcommand.is_some_and(|(_, s)| s == "clone");
                let setting =
                    if i < sub_at && a == "-c" || clone_option && (a == "-c" || a == "--config") {
                        i += 1;
                        args.get(i).map(String::as_str)
                    } else if clone_option {
                        a.strip_prefix("--config=")
                    } else {
                        None
                    };
                if let Some((k, v)) = setting.and_then(|s| s.split_once('='))
                    && is_ssl_verify(k)
                    && is_false(v)
                {
                    out.push(Diagnostic::new(
                        inv.arg_span(i),
                        format!("git option `{k}={v}` disables TLS certificate verification"),
                    ));
                }
                i += 1;
            }
            if subcommand.map(|(_, s)| s) != Some("config") {
                continue;
            }
            let positional = inv.positional(&[
                "-C",
                "-c",
                "-f",
                "--file",
                "--blob",
                "--type",
                "--default",
                "--comment",
            ]);
            let mut rest = positional.iter().skip(1).peekable();
            rest.next_if(|(_, a)| *a == "set");
            if let (Some(&(k, key)), Some(&(_, value))) = (rest.next(), rest.next())
                && is_ssl_verify(key)
                && is_false(value)
            {
                out.push(Diagnostic::new(
                    inv.arg_span(k),
                    format!("`git config {key} {value}` disables TLS certificate verification"),
                ));
            }
        }
        for env in env_settings(ctx) {
            if env.name == "GIT_SSL_NO_VERIFY" {
                out.push(Diagnostic::new(
                    env.span,
                    format!(
                        "{} `GIT_SSL_NO_VERIFY` disables TLS certificate verification in git (whatever its value)",
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
        testing::check_fixtures(&GitSslVerifyDisabled);
    }

    #[test]
    fn forms() {
        let lines = |s: &str| testing::lines(&GitSslVerifyDisabled, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "git -c http.sslVerify=false clone https://x/r.git",
            "git -C /src -c http.https://x.sslverify=0 fetch",
            "git config --system http.sslverify no",
            "git config set --global http.sslVerify false",
            "GIT_SSL_NO_VERIFY=1 git clone https://x/r.git",
            "git clone -c http.sslVerify=false https://x/r.git",
            "git clone --config=http.sslVerify=0 https://x/r.git",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "git -c http.sslVerify=true clone https://x/r.git",
            "git config --global http.sslCAInfo /etc/ssl/corp.pem",
            "git config --global --unset http.sslVerify",
            "git commit -c HEAD",
            "git -C /src config --global --get http.sslVerify",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
