use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` of a remote source without `--checksum`: an `http(s)://` URL (after ARG
    /// expansion), or a git repository (`git@host:org/repo.git`, `https://host/repo.git#ref`,
    /// `git://…`, `ssh://…`) whose ref is not a full commit hash. Git sources with a
    /// `checksum=` query parameter are accepted.
    ///
    /// ## Why is this bad?
    /// The content is fetched at build time and trusted as is: if the server, the DNS or the
    /// repository is compromised, or a tag or branch moves, the image silently gets different
    /// files. A checksum (or commit hash) makes the build fail instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// ## Fix
    /// Pin the content: `ADD --checksum=sha256:<digest> https://…/tini /tini` for files;
    /// `ADD --checksum=<commit sha> https://github.com/org/repo.git#v1.2.3 /src` or a commit in
    /// the ref for git (BuildKit `docker/dockerfile:1.6` and later).
    pub struct AddUrlWithoutChecksum {
        code: "DF601",
        name: "add-url-without-checksum",
        step: TrustedImages,
        severity: Medium,
        summary: "ADD downloads a remote source without --checksum",
        references: [Cwe "CWE-494", Url "https://docs.docker.com/reference/dockerfile/#add---checksum"],
    }
}

enum Remote {
    Http,
    /// A git repository and whether its ref or query pins a commit.
    Git {
        pinned: bool,
    },
}

fn is_commit(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// What kind of remote source BuildKit sees in an ADD source.
fn remote(src: &str) -> Option<Remote> {
    let http = src.starts_with("http://") || src.starts_with("https://");
    let (url, fragment) = match src.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (src, None),
    };
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let git = src.starts_with("git://")
        || src.starts_with("ssh://")
        || src.starts_with("git@")
        || http && path.ends_with(".git");
    if !git {
        return http.then_some(Remote::Http);
    }
    // `#ref:subdir`, or `?ref=…&checksum=…` (BuildKit 1.16 query form).
    let reference = fragment.map(|f| f.split(':').next().unwrap_or(""));
    let mut pinned = reference.is_some_and(is_commit);
    for pair in query.unwrap_or("").split('&') {
        match pair.split_once('=') {
            Some(("checksum", v)) if !v.is_empty() => pinned = true,
            Some(("ref" | "commit", v)) if is_commit(v) => pinned = true,
            _ => {}
        }
    }
    Some(Remote::Git { pinned })
}

impl Rule for AddUrlWithoutChecksum {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            if inst.kind != Kind::Add {
                continue;
            }
            let Args::Files { sources, .. } = &inst.args else {
                continue;
            };
            if inst
                .flag("checksum")
                .is_some_and(|f| f.value.as_deref().is_some_and(|v| !v.trim().is_empty()))
            {
                continue;
            }
            for src in sources {
                if src.raw.starts_with("<<") {
                    continue;
                }
                let e = ctx.model.expand(idx, &src.raw);
                if !e.is_resolved() {
                    continue;
                }
                let message = match remote(&e.value) {
                    Some(Remote::Http) => format!(
                        "`ADD {}` downloads without `--checksum`, so the content is not verified",
                        e.value
                    ),
                    Some(Remote::Git { pinned: false }) => format!(
                        "`ADD {}` fetches a git ref that can move; pin it with `--checksum=<commit>` or a commit hash",
                        e.value
                    ),
                    _ => continue,
                };
                out.push(Diagnostic::new(src.span.clone(), message));
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
        testing::check_fixtures(&AddUrlWithoutChecksum);
    }

    #[test]
    fn git_sources() {
        let lines =
            |s: &str| testing::lines(&AddUrlWithoutChecksum, &format!("FROM a\nADD {s} /d\n"));
        for bad in [
            "git@github.com:moby/buildkit.git",
            "https://github.com/moby/buildkit.git#v0.13.0",
            "git://example.com/repo.git",
            "https://github.com/moby/buildkit.git?ref=main",
        ] {
            assert_eq!(lines(bad), [2], "{bad}");
        }
        for good in [
            "https://github.com/moby/buildkit.git#0123456789abcdef0123456789abcdef01234567",
            "https://github.com/moby/buildkit.git#0123456789abcdef0123456789abcdef01234567:docs",
            "https://github.com/moby/buildkit.git?ref=v1&checksum=0123456",
            "github.com/moby/buildkit",
            "./local.tar.gz",
        ] {
            assert!(lines(good).is_empty(), "{good}");
        }
    }
}
