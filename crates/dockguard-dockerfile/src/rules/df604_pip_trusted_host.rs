use super::common_a::{Invocation, env_settings, invocations, written_settings};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports pip told to trust a host without TLS verification: `pip install --trusted-host …`
    /// (also `python -m pip`, `pip config set global.trusted-host …`, `trusted-host = …` written
    /// into a pip.conf), the `PIP_TRUSTED_HOST` variable set by `ENV`, `ARG` or in a `RUN`, and
    /// uv's equivalent `--allow-insecure-host`/`--trusted-host` and `UV_INSECURE_HOST`.
    ///
    /// ## Why is this bad?
    /// For a trusted host pip accepts plain HTTP and any certificate, so the packages (and the
    /// code they run at install time) can be replaced by anyone on the network path.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --trusted-host pypi.corp.example -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Serve the index over valid HTTPS and trust its CA (`pip install --cert /etc/ssl/corp.pem`
    /// or `PIP_CERT`), then drop `--trusted-host`.
    pub struct PipTrustedHost {
        code: "DF604",
        name: "pip-trusted-host",
        step: TrustedImages,
        severity: High,
        summary: "pip trusts a host without TLS verification",
        references: [Checkov "CKV2_DOCKER_4", Checkov "CKV2_DOCKER_16", Cwe "CWE-295"],
    }
}

/// `pip`, `pip3`, `pip3.12`, or `python… -m pip`.
fn is_pip(inv: &Invocation) -> bool {
    let versioned = |p: &str, base: &str| {
        p.strip_prefix(base)
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    if versioned(inv.program, "pip") {
        return true;
    }
    let args = inv.args();
    versioned(inv.program, "python")
        && args
            .iter()
            .position(|a| a == "-m")
            .is_some_and(|i| args.get(i + 1).is_some_and(|m| m == "pip"))
}

impl Rule for PipTrustedHost {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, inv) in invocations(ctx) {
            if is_pip(&inv) {
                if let Some(i) = inv.flag(&["--trusted-host"]) {
                    out.push(Diagnostic::new(
                        inv.arg_span(i),
                        "`pip --trusted-host` disables TLS verification for that host",
                    ));
                    continue;
                }
                let positional = inv.positional(&[]);
                let words: Vec<&str> = positional.iter().map(|(_, a)| *a).collect();
                if let Some(at) = words.windows(2).position(|w| w == ["config", "set"])
                    && let Some((i, key)) = positional.get(at + 2)
                    && key.to_ascii_lowercase().ends_with("trusted-host")
                {
                    out.push(Diagnostic::new(
                        inv.arg_span(*i),
                        format!("`pip config set {key}` disables TLS verification for that host"),
                    ));
                }
                continue;
            }
            if inv.is("uv") {
                if let Some(i) = inv.flag(&["--allow-insecure-host", "--trusted-host"]) {
                    out.push(Diagnostic::new(
                        inv.arg_span(i),
                        format!(
                            "`uv {}` disables TLS verification for that host",
                            inv.args()[i]
                        ),
                    ));
                }
                continue;
            }
            for (key, _, span) in written_settings(&inv) {
                if key == "trusted-host" || key == "trusted_host" {
                    out.push(Diagnostic::new(
                        span,
                        "`trusted-host` in a pip configuration disables TLS verification for that host",
                    ));
                }
            }
        }
        for env in env_settings(ctx) {
            if matches!(env.name.as_str(), "PIP_TRUSTED_HOST" | "UV_INSECURE_HOST")
                && env.value.as_deref().is_some_and(|v| !v.trim().is_empty())
            {
                out.push(Diagnostic::new(
                    env.span,
                    format!(
                        "{} `{}` makes pip trust hosts without TLS verification",
                        env.via, env.name
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
        testing::check_fixtures(&PipTrustedHost);
    }

    #[test]
    fn pip_forms() {
        let lines = |s: &str| testing::lines(&PipTrustedHost, &format!("FROM a\nRUN {s}\n"));
        for bad in [
            "pip3.12 install --trusted-host=h x",
            "python3 -m pip install --trusted-host h x",
            "pip config set global.trusted-host h",
            "PIP_TRUSTED_HOST=h pip install x",
            "export PIP_TRUSTED_HOST=h",
            "uv pip install --allow-insecure-host h x",
            "printf '[global]\\ntrusted-host = h\\n' > /etc/pip.conf",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "pip install --index-url https://h/simple x",
            "python3 -m venv --trusted-host /v",
            "pip config set global.index-url https://h/simple",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
