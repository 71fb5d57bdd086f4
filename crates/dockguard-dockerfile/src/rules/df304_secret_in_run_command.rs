use super::common_d::{
    arg_span, flag_value, hl_has_flag, is_reference, mask, runs, secret_pattern,
};
use super::df300_secret_arg_env_name::is_secret_name;
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports credentials written literally on RUN command lines:
    /// - `curl -u user:password`, `curl -H 'Authorization: Bearer …'` (also `PRIVATE-TOKEN`,
    ///   `X-API-Key`, `X-Auth-Token` headers, `--oauth2-bearer`), `wget --password=…` /
    ///   `--http-password` / `--header`;
    /// - URLs with a password or a token in their user info (`https://user:pw@host`,
    ///   `git clone https://<token>@github.com/…`);
    /// - `docker`/`podman`/`helm`/`skopeo login -p …` / `--password …`, `mysql -p<password>` /
    ///   `--password=…` (and `mysqldump`, `mysqladmin`, `mariadb`), `sshpass -p`,
    ///   `htpasswd -b`;
    /// - `NAME=value` prefixes and `export NAME=value` with a secret-like name (see DF300);
    /// - any argument that looks like a known token (`ghp_…`, `AKIA…`, `glpat-…`, …, see
    ///   DF301).
    ///
    /// Values that are only variable references or command substitutions (`-p "$PASSWORD"`,
    /// `-u "admin:$(cat /run/secrets/pw)"`) are not reported (DF303 covers secret build
    /// arguments). Messages show only the first four characters of the secret.
    ///
    /// ## Why is this bad?
    /// The RUN line is stored verbatim in the image history (`docker history --no-trunc`) and
    /// in the Dockerfile's repository; build logs show it too. Anyone with the image or the
    /// source has the credential.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL -u deploy:s3cr3t https://repo.example.com/app.tar.gz | tar -xz
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential, then pass it with a secret mount:
    /// `RUN --mount=type=secret,id=repo_pw,env=REPO_PW curl -fsSL -u "deploy:$REPO_PW" …`, or a
    /// netrc mounted with `--mount=type=secret,id=netrc,target=/root/.netrc`.
    pub struct SecretInRunCommand {
        code: "DF304",
        name: "secret-in-run-command",
        step: Secrets,
        severity: High,
        summary: "A credential is written on a RUN command line",
        references: [Cis "4.10", Cwe "CWE-798", Cwe "CWE-214"],
    }
}

/// A value that writes a secret literally.
fn literal(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && !is_reference(v) && v != "-"
}

/// The password of `user:password` when literal.
fn literal_password(userpass: &str) -> Option<&str> {
    let (_, pw) = userpass.split_once(':')?;
    literal(pw).then_some(pw)
}

const AUTH_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "private-token",
    "x-api-key",
    "x-auth-token",
    "x-access-token",
    "job-token",
];

/// The credential of an `Authorization: Bearer x` style header when literal.
fn header_secret(header: &str) -> Option<&str> {
    let (name, value) = header.split_once(':')?;
    if !AUTH_HEADERS.contains(&name.trim().to_ascii_lowercase().as_str()) {
        return None;
    }
    let value = value.trim();
    let credential = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphabetic()) => rest.trim(),
        _ => value,
    };
    literal(credential).then_some(credential)
}

/// The secret in the user info of a URL in `arg`: a password, or a token used as user name.
fn url_secret(arg: &str) -> Option<&str> {
    let (_, after) = arg.split_once("://")?;
    let authority = after.split(['/', '?', '#']).next().unwrap_or(after);
    let (userinfo, _) = authority.rsplit_once('@')?;
    if let Some(pw) = literal_password(userinfo) {
        return Some(pw);
    }
    let tokenish = userinfo.len() >= 20
        && userinfo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && userinfo.chars().any(|c| c.is_ascii_digit());
    (!userinfo.contains(':')
        && literal(userinfo)
        && (tokenish || secret_pattern(userinfo).is_some()))
    .then_some(userinfo)
}

/// Literal secrets of one command: (argument index or None for the command, what, secret).
fn findings(cmd: &Command) -> Vec<(Option<usize>, String, String)> {
    let mut out: Vec<(Option<usize>, String, String)> = Vec::new();
    let mut push = |i: Option<usize>, what: String, secret: &str| {
        if !out.iter().any(|(j, _, _)| *j == i && i.is_some()) {
            out.push((i, what, secret.to_string()));
        }
    };
    let program = cmd.program();
    for (k, v) in &cmd.assignments {
        if is_secret_name(k) && literal(v) {
            push(None, format!("`{k}=`"), v);
        }
    }
    match program {
        "curl" => {
            for (i, v) in flag_value(cmd, &["-u", "--user", "--proxy-user", "-U"]) {
                if let Some(pw) = literal_password(v) {
                    push(Some(i), "`curl --user`".into(), pw);
                }
            }
            for (i, v) in flag_value(cmd, &["-H", "--header", "--proxy-header"]) {
                if let Some(s) = header_secret(v) {
                    push(Some(i), "a `curl` authorization header".into(), s);
                }
            }
            for (i, v) in flag_value(cmd, &["--oauth2-bearer"]) {
                if literal(v) {
                    push(Some(i), "`curl --oauth2-bearer`".into(), v);
                }
            }
        }
        "wget" => {
            for (i, v) in flag_value(
                cmd,
                &[
                    "--password",
                    "--http-password",
                    "--ftp-password",
                    "--proxy-password",
                ],
            ) {
                if literal(v) {
                    push(Some(i), "a `wget` password option".into(), v);
                }
            }
            for (i, v) in flag_value(cmd, &["--header"]) {
                if let Some(s) = header_secret(v) {
                    push(Some(i), "a `wget` authorization header".into(), s);
                }
            }
        }
        "docker" | "podman" | "buildah" | "skopeo" | "helm" | "nerdctl" | "crane" | "oras"
            if cmd.has_arg("login") =>
        {
            for (i, v) in flag_value(cmd, &["-p", "--password"]) {
                if literal(v) {
                    push(Some(i), format!("`{program} login --password`"), v);
                }
            }
        }
        "mysql" | "mysqldump" | "mysqladmin" | "mariadb" | "mariadb-dump" | "mariadb-admin"
        | "mysqlimport" | "mysqlsh" => {
            for (i, a) in cmd.args.iter().enumerate() {
                // `-p` alone prompts; only `-pSECRET` carries the password.
                let pw = a
                    .strip_prefix("--password=")
                    .or_else(|| a.strip_prefix("-p").filter(|_| !a.starts_with("--")));
                if let Some(pw) = pw.filter(|p| literal(p)) {
                    push(Some(i), format!("`{program} -p`"), pw);
                }
            }
        }
        "sshpass" => {
            for (i, v) in flag_value(cmd, &["-p"]) {
                if literal(v) {
                    push(Some(i), "`sshpass -p`".into(), v);
                }
            }
        }
        "htpasswd" if hl_has_flag(cmd, &["b"]) => {
            let positional: Vec<usize> = (0..cmd.args.len())
                .filter(|&i| !cmd.args[i].starts_with('-'))
                .collect();
            if positional.len() >= 2
                && let Some(&i) = positional.last()
                && literal(&cmd.args[i])
            {
                push(Some(i), "`htpasswd -b`".into(), &cmd.args[i]);
            }
        }
        "export" => {
            for (i, a) in cmd.args.iter().enumerate() {
                if let Some((k, v)) = a.split_once('=')
                    && is_secret_name(k)
                    && literal(v)
                {
                    push(Some(i), format!("`export {k}=`"), v);
                }
            }
        }
        _ => {}
    }
    // Substitutions are checked as the commands they run.
    for (i, a) in cmd.args.iter().enumerate() {
        if a.contains("$(") || a.contains('`') {
            continue;
        }
        if let Some(s) = url_secret(a) {
            push(Some(i), "a URL's user info".into(), s);
        } else if let Some(kind) = secret_pattern(a) {
            push(Some(i), kind.to_string(), a);
        }
    }
    out
}

impl Rule for SecretInRunCommand {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            // Assignment-only statements (`key=B97B…; gpg --recv-keys "$key"`) mostly hold GPG
            // fingerprints and checksums, not credentials.
            for cmd in cmds.iter().filter(|c| !c.name.is_empty()) {
                for (i, what, secret) in findings(cmd) {
                    let span = i.map_or(cmd.span.clone(), |i| arg_span(cmd, i));
                    out.push(Diagnostic::new(
                        span,
                        format!(
                            "{what} writes a literal credential (`{}`) into the RUN line, which the image history keeps",
                            mask(&secret)
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
        testing::check_fixtures(&SecretInRunCommand);
    }

    #[test]
    fn url_user_info() {
        assert_eq!(url_secret("https://u:pw@h/x"), Some("pw"));
        assert_eq!(
            url_secret("https://0123456789abcdef0123456789@github.com/o/r"),
            Some("0123456789abcdef0123456789")
        );
        assert_eq!(url_secret("https://u:$PW@h"), None);
        assert_eq!(url_secret("https://git@github.com/o/r"), None);
        assert_eq!(url_secret("https://h/x?a=b@c"), None);
        assert_eq!(url_secret("git@github.com:o/r"), None);
    }

    #[test]
    fn message_masks_the_secret() {
        let d = testing::run(
            &SecretInRunCommand,
            "FROM a\nRUN curl -u me:hunter2 https://x\n",
        );
        assert_eq!(
            d[0].message,
            "`curl --user` writes a literal credential (`hunt…`) into the RUN line, which the image history keeps"
        );
    }
}
