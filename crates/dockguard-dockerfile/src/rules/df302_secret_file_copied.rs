use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` sources (after variable expansion, globs included) that name a
    /// credential file: `.env` files (`.env`, `.env.production`; not `.env.example`,
    /// `.env.sample`, `.env.template`), SSH private keys (`id_rsa`, `id_dsa`, `id_ecdsa`,
    /// `id_ed25519`), `.ssh`, `.aws`, `.gnupg` and `.kube` directories, `*.pem` and `*.key`
    /// files (not certificates or signing keys such as `ca-bundle.pem` or
    /// `nginx_signing.key`), `*.p12`, `*.pfx`, `*.ovpn`, `.npmrc`, `.pypirc`, `.netrc`,
    /// `.git-credentials`, `.aws/credentials`, `.docker/config.json`, `credentials.json`,
    /// `kubeconfig`, `.kube/config` and Terraform state (`*.tfstate`).
    ///
    /// `COPY . .` and other whole-directory copies are not reported: what they bring in depends
    /// on the build context and its `.dockerignore`, which this rule does not see.
    ///
    /// ## Why is this bad?
    /// The file becomes part of a layer. Deleting it in a later step does not remove it from
    /// the image: anyone who can pull the image can extract it from the layer tarballs.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc id_rsa /root/
    /// RUN npm ci && rm /root/.npmrc
    /// ```
    ///
    /// ## Fix
    /// Mount the secret only for the step that needs it:
    /// `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`, or use
    /// `RUN --mount=type=ssh` for SSH keys. List credential files in `.dockerignore` so
    /// `COPY . .` cannot pick them up.
    pub struct SecretFileCopied {
        code: "DF302",
        name: "secret-file-copied",
        step: Secrets,
        severity: High,
        summary: "A credential file is copied into the image",
        references: [Trivy "DS-0031", Dockle "CIS-DI-0010", Cis "4.10", Cwe "CWE-538"],
    }
}

/// What kind of credential file a source path names, if any.
pub fn secret_file(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if base.is_empty() || base == "." || base == ".." {
        return None;
    }
    let ends = |suffix: &str| lower == suffix || lower.ends_with(&format!("/{suffix}"));
    if base == ".env"
        || (base.starts_with(".env.")
            && !matches!(
                &base[5..],
                "example" | "sample" | "template" | "dist" | "defaults"
            ))
    {
        return Some("an environment file");
    }
    if matches!(base, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") {
        return Some("an SSH private key");
    }
    if matches!(base, ".ssh" | ".gnupg") {
        return Some("a key directory");
    }
    if ends(".aws/credentials") || base == ".aws" {
        return Some("AWS credentials");
    }
    if ends(".docker/config.json") {
        return Some("Docker registry credentials");
    }
    if ends(".kube/config") || base == ".kube" || base == "kubeconfig" {
        return Some("a kubeconfig");
    }
    if matches!(base, ".npmrc" | ".pypirc" | ".netrc" | ".git-credentials") {
        return Some("a credentials file");
    }
    if base == "credentials.json" {
        return Some("a credentials file");
    }
    if base.ends_with(".tfstate") {
        return Some("Terraform state");
    }
    let ext = base.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let certificate_like = ["cert", "crt", "ca-", "ca.", "ca_", "bundle", "chain", "pub"]
        .iter()
        .any(|w| base.contains(w));
    let signing_key = [
        "gpg", "pgp", "sign", "pub", "apt", "repo", "keyring", "release", "archive",
    ]
    .iter()
    .any(|w| base.contains(w));
    match ext {
        "pem" if !certificate_like => Some("a private key or certificate store"),
        "key" if !signing_key && !certificate_like => Some("a private key"),
        "p12" | "pfx" => Some("a certificate store"),
        "ovpn" => Some("a VPN profile"),
        _ => None,
    }
}

impl Rule for SecretFileCopied {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (Kind::Copy | Kind::Add, Args::Files { sources, .. }) = (inst.kind, &inst.args)
            else {
                continue;
            };
            for source in sources {
                if source.raw.starts_with("<<") {
                    continue;
                }
                let path = ctx.model.expand(idx, &source.raw).value;
                if let Some(kind) = secret_file(&path) {
                    out.push(Diagnostic::new(
                        source.span.clone(),
                        format!(
                            "`{path}` looks like {kind}; it stays in the image layer even if deleted later"
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
        testing::check_fixtures(&SecretFileCopied);
    }

    #[test]
    fn paths() {
        for p in [
            ".env",
            "./config/.env.production",
            "id_ed25519",
            "home/.ssh/",
            "server.key",
            "privkey.pem",
            "*.pem",
            "cert.p12",
            ".npmrc",
            "ci/.aws/credentials",
            ".docker/config.json",
            "gcp/credentials.json",
            "terraform.tfstate",
            "client.ovpn",
            "kubeconfig",
        ] {
            assert!(secret_file(p).is_some(), "{p}");
        }
        for p in [
            ".",
            "./",
            ".env.example",
            "id_rsa.pub",
            "ca-bundle.pem",
            "fullchain.pem",
            "nginx_signing.key",
            "docker.gpg.key",
            "config.json",
            "environment.yml",
            "keys/",
            "src/",
        ] {
            assert!(secret_file(p).is_none(), "{p}");
        }
    }
}
