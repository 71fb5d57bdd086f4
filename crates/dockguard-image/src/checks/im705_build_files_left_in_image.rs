use std::collections::BTreeMap;

use super::{ImageCtx, Rule, shown};
use crate::walk::EntryKind;
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports version-control and build leftovers in the final image:
    /// - repositories: `.git`, `.svn` and `.hg` directories, once each (not every file under
    ///   them), anywhere in the image;
    /// - build files: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`,
    ///   `Containerfile.*`, `docker-compose*.yml`/`.yaml`, `compose.yml`/`.yaml`,
    ///   `.dockerignore`, `.gitlab-ci.yml`, and `.github/workflows` directories (once each).
    ///
    /// Build files shipped inside third-party packages are not reported: anything under
    /// `/usr/share/` (documentation and examples of distribution packages) or under a
    /// `node_modules`, `site-packages`, `dist-packages`, `vendor`, `gems` or Go module cache
    /// (`pkg/mod`) directory, where packages ship them with their sources. Repositories are
    /// reported even there: package managers never publish `.git`, so one in `node_modules`
    /// comes from a copied work tree, and its `.git/config` may hold a token in a remote URL.
    ///
    /// ## Why is this bad?
    /// A repository in the image carries the whole history of the project, secrets removed
    /// long ago and remote URLs with tokens included, and can be large. Build files show how
    /// the image and its environment are built (internal registries, build arguments, CI
    /// jobs) and are dead weight at run time. Both usually mean `COPY . .` without a
    /// `.dockerignore`, which sends everything else in the build context into the image too.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## Fix
    /// Add a `.dockerignore` next to the Dockerfile listing `.git`, `.svn`, `.hg`, `.github`,
    /// `Dockerfile*`, `*compose*.y*ml`, `.dockerignore`, `.gitlab-ci.yml` and `.env*`, or copy
    /// only what the application needs (`COPY src/ ./src/`, a multi-stage build that copies
    /// the built artefact).
    pub struct BuildFilesLeftInImage {
        code: "IM705",
        name: "build-files-left-in-image",
        step: MinimalImages,
        severity: Low,
        summary: "Version-control or build files are left in the image",
        references: [Dockle "DKL-LI-0003", Cwe "CWE-527", Cwe "CWE-538"],
    }
}

/// Repository directories, reported wherever they are: (name, what).
const VCS_DIRS: &[(&str, &str)] = &[
    (".git", "a Git repository"),
    (".svn", "a Subversion working copy"),
    (".hg", "a Mercurial repository"),
];

/// Directories whose packages ship their own build files: (components, as a path suffix).
const PACKAGE_DIRS: &[&str] = &[
    "node_modules",
    "site-packages",
    "dist-packages",
    "vendor",
    "gems",
];

/// Whether build files under `path` belong to a third-party package ([`PACKAGE_DIRS`],
/// `usr/share/`, Go's `pkg/mod`).
fn in_package_dir(path: &str) -> bool {
    if path.starts_with("usr/share/") {
        return true;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let Some((_, dirs)) = parts.split_last() else {
        return false;
    };
    dirs.iter().any(|d| PACKAGE_DIRS.contains(d))
        || dirs.windows(2).any(|w| w[0] == "pkg" && w[1] == "mod")
}

/// What the build file named `name` is, if it is one.
pub fn build_file_kind(name: &str) -> Option<&'static str> {
    let is_yaml = |stem: &str| {
        name.strip_prefix(stem)
            .is_some_and(|rest| rest == ".yml" || rest == ".yaml")
    };
    if name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
        || name == "Containerfile"
        || name.starts_with("Containerfile.")
    {
        return Some("a Dockerfile");
    }
    let compose_override =
        name.starts_with("docker-compose") && (name.ends_with(".yml") || name.ends_with(".yaml"));
    if compose_override || is_yaml("compose") {
        return Some("a Compose file");
    }
    match name {
        ".dockerignore" => Some("a .dockerignore"),
        ".gitlab-ci.yml" => Some("a GitLab CI configuration"),
        _ => None,
    }
}

/// The leftovers of the final tree, from its paths (normalised, no leading `/`, sorted):
/// path → what it is. A directory is found from any path under it, so trees without
/// directory entries work too; nothing under a reported directory is reported again.
pub fn leftovers<'a>(
    paths: impl Iterator<Item = (&'a str, EntryKind)>,
) -> BTreeMap<String, &'static str> {
    let mut found: BTreeMap<String, &'static str> = BTreeMap::new();
    for (path, kind) in paths {
        let parts: Vec<&str> = path.split('/').collect();
        // The first repository or workflow directory on the path, if any.
        let dir = parts.iter().enumerate().find_map(|(i, part)| {
            if let Some(&(_, what)) = VCS_DIRS.iter().find(|(n, _)| n == part) {
                // `.git` is a directory here (it has children) or a directory entry.
                if i + 1 < parts.len() || kind == EntryKind::Dir {
                    return Some((i, what, true));
                }
            }
            if *part == ".github" && parts.get(i + 1) == Some(&"workflows") {
                return Some((i + 1, "a GitHub Actions workflow directory", false));
            }
            None
        });
        if let Some((last, what, reported_anywhere)) = dir {
            let dir_path = parts[..=last].join("/");
            if reported_anywhere || !in_package_dir(&dir_path) {
                found.entry(dir_path).or_insert(what);
            }
            continue;
        }
        if !matches!(kind, EntryKind::File | EntryKind::Hardlink) {
            continue;
        }
        let name = parts.last().copied().unwrap_or_default();
        if let Some(what) = build_file_kind(name)
            && !in_package_dir(path)
        {
            found.insert(path.to_string(), what);
        }
    }
    found
}

impl Rule for BuildFilesLeftInImage {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let paths = ctx.result.tree.iter().map(|(p, e)| (p, e.kind));
        for (path, what) in leftovers(paths) {
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "{} is {what} left in the image: the whole build context was probably \
                     copied (`COPY . .`); list it in .dockerignore",
                    shown(&path)
                ),
                ctx.file_location(&path, 1, 1),
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
    fn repositories_and_build_files_are_reported_once() {
        let l0 = layer(&[
            E::Dir("app", 0o755),
            E::Dir("app/.git", 0o755),
            E::File("app/.git/HEAD", b"ref: refs/heads/main\n", 0o644),
            E::File("app/.git/config", b"[core]\n", 0o644),
            E::File("app/.git/Dockerfile", b"FROM x\n", 0o644),
            // No directory entries: found from the file path.
            E::File("srv/site/.svn/entries", b"12\n", 0o644),
            E::Dir("srv/empty/.hg", 0o755),
            E::File("app/.github/workflows/ci.yml", b"on: push\n", 0o644),
            E::File("app/.github/FUNDING.yml", b"x\n", 0o644),
            E::File("app/Dockerfile", b"FROM x\n", 0o644),
            E::File("app/Dockerfile.prod", b"FROM x\n", 0o644),
            E::File("app/api.Dockerfile", b"FROM x\n", 0o644),
            E::File("app/Containerfile", b"FROM x\n", 0o644),
            E::File("app/docker-compose.yml", b"services: {}\n", 0o644),
            E::File("app/docker-compose.override.yaml", b"services: {}\n", 0o644),
            E::File("app/compose.yaml", b"services: {}\n", 0o644),
            E::File("app/.dockerignore", b".git\n", 0o644),
            E::File("app/.gitlab-ci.yml", b"x: 1\n", 0o644),
            // A .git inside node_modules is reported: npm never publishes one.
            E::File("app/node_modules/dep/.git/HEAD", b"x\n", 0o644),
        ]);
        let f = run(&BuildFilesLeftInImage, &image("{}", vec![l0]));
        assert_eq!(
            files(&f),
            [
                "img:/app/.dockerignore",
                "img:/app/.git",
                "img:/app/.github/workflows",
                "img:/app/.gitlab-ci.yml",
                "img:/app/Containerfile",
                "img:/app/Dockerfile",
                "img:/app/Dockerfile.prod",
                "img:/app/api.Dockerfile",
                "img:/app/compose.yaml",
                "img:/app/docker-compose.override.yaml",
                "img:/app/docker-compose.yml",
                "img:/app/node_modules/dep/.git",
                "img:/srv/empty/.hg",
                "img:/srv/site/.svn",
            ],
            "{f:#?}"
        );
        assert_eq!(
            f[1].message,
            "/app/.git is a Git repository left in the image: the whole build context was \
             probably copied (`COPY . .`); list it in .dockerignore"
        );
    }

    #[test]
    fn package_files_and_look_alikes_are_not_reported() {
        let l0 = layer(&[
            E::File(
                "usr/share/doc/docker/examples/Dockerfile",
                b"FROM x\n",
                0o644,
            ),
            E::File("app/node_modules/pkg/Dockerfile", b"FROM x\n", 0o644),
            E::File(
                "app/node_modules/pkg/.github/workflows/ci.yml",
                b"x\n",
                0o644,
            ),
            E::File(
                "usr/lib/python3.12/site-packages/pkg/tests/docker-compose.yml",
                b"x\n",
                0o644,
            ),
            E::File(
                "usr/lib/python3/dist-packages/pkg/Dockerfile",
                b"x\n",
                0o644,
            ),
            E::File("app/vendor/org/lib/.gitlab-ci.yml", b"x\n", 0o644),
            E::File("usr/local/bundle/gems/rack-3.0/Dockerfile", b"x\n", 0o644),
            E::File("go/pkg/mod/github.com/x/y@v1/Dockerfile", b"x\n", 0o644),
            E::File("app/.gitignore", b"x\n", 0o644),
            E::File("app/.gitattributes", b"x\n", 0o644),
            E::File("app/dockerfile-parser.js", b"x\n", 0o644),
            E::File("app/compose.json", b"x\n", 0o644),
            E::File("app/my-compose.yml", b"x\n", 0o644),
            // A `.git` file (a submodule's gitdir pointer) is not a repository.
            E::File("app/sub/.git", b"gitdir: ../.git/modules/sub\n", 0o644),
            E::Dir("app/Dockerfile.d", 0o755),
            E::Symlink("app/Dockerfile", "/dev/null"),
        ]);
        let f = run(&BuildFilesLeftInImage, &image("{}", vec![l0]));
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn only_the_final_tree_counts() {
        let l0 = layer(&[
            E::File("app/.git/HEAD", b"x\n", 0o644),
            E::File("app/Dockerfile", b"FROM x\n", 0o644),
        ]);
        let l1 = layer(&[
            E::File("app/.wh..git", b"", 0o644),
            E::File("app/.wh.Dockerfile", b"", 0o644),
        ]);
        let f = run(&BuildFilesLeftInImage, &image("{}", vec![l0, l1]));
        assert!(f.is_empty(), "{f:#?}");
    }
}
