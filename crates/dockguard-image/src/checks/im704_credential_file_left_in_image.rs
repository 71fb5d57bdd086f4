use super::{ImageCtx, Rule, shown};
use crate::walk::{Entry, EntryKind, FileTree};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports files of the final image that hold credentials by their very nature, whatever
    /// their content, in any directory:
    /// - tool credentials: `.aws/credentials`, `.aws/config`, `.docker/config.json`,
    ///   `.kube/config`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`;
    /// - SSH private keys: `.ssh/id_*` (not `*.pub`);
    /// - dotenv files: `.env` and `.env.*`, except `.env.example`, `.env.sample` and
    ///   `.env.template`;
    /// - shell and REPL histories (`.bash_history`, `.zsh_history`, `.ash_history`,
    ///   `.sh_history`, `.python_history`, `.mysql_history`, `.psql_history`,
    ///   `.node_repl_history`, `.lesshst`, `.viminfo`), when not empty.
    ///
    /// Only regular files (and hard links to them) are reported: a symbolic link such as
    /// `.npmrc -> /run/secrets/npmrc` is the right way to provide the file at run time.
    /// `*.pem` and `*.key` files are left to the secrets scanner (IM301), which reads them.
    ///
    /// ## Why is this bad?
    /// Everyone who can pull the image can read these files: registry and cloud tokens,
    /// cluster credentials, SSH keys, and the commands typed while the image was prepared
    /// (passwords passed on the command line end up in the history). Even when the token in
    /// the file looks harmless or expired, the file shows that the build handled credentials
    /// in a way that ships them.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /app/.npmrc
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix
    /// Pass build-time credentials with `RUN --mount=type=secret,id=npmrc,target=/app/.npmrc`
    /// or `--mount=type=ssh`, keep run-time ones out of the image (mounted secrets,
    /// environment from the orchestrator), and list such files in `.dockerignore`. Rotate
    /// every credential that was shipped.
    pub struct CredentialFileLeftInImage {
        code: "IM704",
        name: "credential-file-left-in-image",
        step: Secrets,
        severity: High,
        summary: "A credential or history file is left in the image",
        references: [Cis "4.10", Dockle "CIS-DI-0010", Dockle "DKL-LI-0003", Cwe "CWE-312"],
    }
}

/// Files named for what they are, whatever their parent directory: (basename, what it is).
const CREDENTIAL_NAMES: &[(&str, &str)] = &[
    (".npmrc", "an npm configuration (registry tokens)"),
    (".pypirc", "a PyPI configuration (upload credentials)"),
    (".netrc", "a .netrc (login credentials for hosts)"),
    (".git-credentials", "a Git credential store"),
];

/// Files that are credentials in a given directory: (parent basename, basename, what).
const CREDENTIAL_PAIRS: &[(&str, &str, &str)] = &[
    (".aws", "credentials", "an AWS credentials file"),
    (".aws", "config", "an AWS CLI configuration"),
    (
        ".docker",
        "config.json",
        "a Docker client configuration (registry auths)",
    ),
    (".kube", "config", "a kubeconfig (cluster credentials)"),
];

/// History files; empty ones are not reported.
const HISTORY_NAMES: &[&str] = &[
    ".bash_history",
    ".zsh_history",
    ".ash_history",
    ".sh_history",
    ".python_history",
    ".mysql_history",
    ".psql_history",
    ".node_repl_history",
    ".lesshst",
    ".viminfo",
];

/// `.env.*` files that are documentation, not configuration.
const ENV_TEMPLATES: &[&str] = &[".env.example", ".env.sample", ".env.template"];

/// What the file at `path` (normalised, no leading `/`) is, if it is a credential file by
/// name; `size` is its content size (empty histories are not reported).
pub fn credential_kind(path: &str, size: u64) -> Option<&'static str> {
    let (parent, name) = match path.rsplit_once('/') {
        Some((dir, name)) => (dir.rsplit('/').next().unwrap_or(dir), name),
        None => ("", path),
    };
    if let Some(&(_, what)) = CREDENTIAL_NAMES.iter().find(|(n, _)| *n == name) {
        return Some(what);
    }
    if let Some(&(_, _, what)) = CREDENTIAL_PAIRS
        .iter()
        .find(|(p, n, _)| *p == parent && *n == name)
    {
        return Some(what);
    }
    if parent == ".ssh" && name.starts_with("id_") && !name.ends_with(".pub") {
        return Some("an SSH private key");
    }
    if name == ".env" || (name.starts_with(".env.") && !ENV_TEMPLATES.contains(&name)) {
        return Some("a dotenv file (application secrets)");
    }
    if HISTORY_NAMES.contains(&name) && size > 0 {
        return Some("a shell or REPL history");
    }
    None
}

/// The content size of a regular file or of the file a hard link names; `None` for anything
/// else (directories, symbolic links, devices).
fn file_size(tree: &FileTree, entry: &Entry) -> Option<u64> {
    match entry.kind {
        EntryKind::File => Some(entry.size),
        EntryKind::Hardlink => entry
            .link
            .as_deref()
            .and_then(|target| tree.get(target))
            .filter(|t| t.kind == EntryKind::File)
            .map(|t| t.size),
        _ => None,
    }
}

impl Rule for CredentialFileLeftInImage {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let tree = &ctx.result.tree;
        for (path, entry) in tree.iter() {
            let Some(size) = file_size(tree, entry) else {
                continue;
            };
            let Some(what) = credential_kind(path, size) else {
                continue;
            };
            out.push(ctx.finding(
                &Self::META,
                format!("{} is {what} left in the image", shown(path)),
                ctx.file_location(path, 1, 1),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};

    fn files(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.location.file.as_str()).collect()
    }

    #[test]
    fn credential_files_are_reported() {
        let l0 = layer(&[
            E::File("root/.aws/credentials", b"[default]\n", 0o600),
            E::File("root/.aws/config", b"[default]\n", 0o600),
            E::File("root/.docker/config.json", b"{}", 0o600),
            E::File("home/app/.kube/config", b"x", 0o600),
            E::File("app/.npmrc", b"//registry/:_authToken=x", 0o644),
            E::File(".pypirc", b"x", 0o600),
            E::File("root/.netrc", b"machine x", 0o600),
            E::File("root/.git-credentials", b"https://u:p@h", 0o600),
            E::File("root/.ssh/id_ed25519", b"key", 0o600),
            E::File("app/.env", b"A=1", 0o644),
            E::File("app/.env.production", b"A=1", 0o644),
            E::File("root/.bash_history", b"ls\n", 0o600),
            E::File("home/app/.psql_history", b"\\q\n", 0o600),
        ]);
        let f = run(&CredentialFileLeftInImage, &image("{}", vec![l0]));
        assert_eq!(
            files(&f),
            [
                "img:/.pypirc",
                "img:/app/.env",
                "img:/app/.env.production",
                "img:/app/.npmrc",
                "img:/home/app/.kube/config",
                "img:/home/app/.psql_history",
                "img:/root/.aws/config",
                "img:/root/.aws/credentials",
                "img:/root/.bash_history",
                "img:/root/.docker/config.json",
                "img:/root/.git-credentials",
                "img:/root/.netrc",
                "img:/root/.ssh/id_ed25519",
            ],
            "{f:#?}"
        );
        assert_eq!(
            f[7].message,
            "/root/.aws/credentials is an AWS credentials file left in the image"
        );
    }

    #[test]
    fn look_alikes_are_not_reported() {
        let l0 = layer(&[
            E::File("root/.ssh/id_ed25519.pub", b"ssh-ed25519 AAAA", 0o644),
            E::File("root/.ssh/known_hosts", b"h", 0o644),
            E::File("root/.ssh/authorized_keys", b"k", 0o644),
            E::File("app/.env.example", b"A=", 0o644),
            E::File("app/.env.sample", b"A=", 0o644),
            E::File("app/.env.template", b"A=", 0o644),
            E::File("app/.envrc", b"x", 0o644),
            E::File("app/config", b"x", 0o644),
            E::File("etc/docker/config.json", b"{}", 0o644),
            E::File("aws/credentials", b"x", 0o644),
            E::File("app/tls.key", b"not ours: IM301", 0o600),
            // Empty histories (often `ln -s /dev/null` or `touch` to disable them).
            E::File("root/.bash_history", b"", 0o600),
            E::Symlink("root/.ash_history", "/dev/null"),
            // A symbolic link to a run-time secret mount.
            E::Symlink("app/.npmrc", "/run/secrets/npmrc"),
            E::Dir("app/.env.d", 0o755),
        ]);
        let f = run(&CredentialFileLeftInImage, &image("{}", vec![l0]));
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn only_the_final_tree_counts() {
        let l0 = layer(&[
            E::File("root/.netrc", b"machine x", 0o600),
            E::File("root/.bash_history", b"ls\n", 0o600),
        ]);
        let l1 = layer(&[
            E::File("root/.wh..netrc", b"", 0o644),
            E::File("root/.bash_history", b"", 0o600),
        ]);
        let f = run(&CredentialFileLeftInImage, &image("{}", vec![l0, l1]));
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn hard_links_are_reported_with_their_target_size() {
        assert_eq!(
            credential_kind(".env", 0),
            Some("a dotenv file (application secrets)")
        );
        assert_eq!(credential_kind("a/b/.zsh_history", 0), None);
        assert_eq!(
            credential_kind("a/b/.zsh_history", 3),
            Some("a shell or REPL history")
        );
        let mut tar = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(3);
        h.set_mode(0o600);
        tar.append_data(&mut h, "keep/history", &b"ls\n"[..])
            .unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Link);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(0);
        h.set_mode(0o600);
        tar.append_link(&mut h, "root/.bash_history", "keep/history")
            .unwrap();
        let f = run(
            &CredentialFileLeftInImage,
            &image("{}", vec![tar.into_inner().unwrap()]),
        );
        assert_eq!(files(&f), ["img:/root/.bash_history"], "{f:#?}");
    }
}
