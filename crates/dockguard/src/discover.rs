//! Finding Dockerfiles: explicit files always, directories walked with `.gitignore` respected.

use dockguard_core::Config;
use std::path::{Path, PathBuf};

/// Whether a file name is a Dockerfile by the usual conventions.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower.starts_with("containerfile")
}

/// Files to lint under `root` (sorted for stable output).
pub fn walk(root: &Path, config: &Config) -> Result<Vec<PathBuf>, ignore::Error> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .require_git(false)
        // Hidden folders are walked (`.devcontainer/Dockerfile`), but never a `.git` folder.
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry?;
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        let named = entry.file_name().to_str().is_some_and(is_dockerfile_name);
        if is_file && named {
            let absolute =
                std::path::absolute(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf());
            if !config.is_excluded(&absolute) {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "Containerfile.dev",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile-notes.md.txt.bak",
            "README",
            "docker-compose.yml",
            "Dockerfilex",
        ] {
            assert!(
                !is_dockerfile_name(n) || n.starts_with("Dockerfile."),
                "{n}"
            );
        }
        assert!(!is_dockerfile_name("Dockerfilex"));
    }

    #[test]
    fn walks_respecting_gitignore_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("svc/api")).unwrap();
        std::fs::create_dir_all(root.join("build")).unwrap();
        std::fs::create_dir_all(root.join("vendor/x")).unwrap();
        std::fs::create_dir_all(root.join(".git/modules")).unwrap();
        std::fs::create_dir_all(root.join(".devcontainer")).unwrap();
        for f in [
            "Dockerfile",
            "svc/api/api.Dockerfile",
            "build/Dockerfile",
            "vendor/x/Containerfile",
            ".git/modules/Dockerfile",
            ".devcontainer/Dockerfile",
            "svc/README.md",
        ] {
            std::fs::write(root.join(f), "FROM a\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
        let mut config = Config::default();
        config
            .merge_file(&root.join(".dockguard.toml"), "exclude = [\"vendor\"]\n")
            .unwrap();
        let found: Vec<String> = walk(root, &config)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            found,
            [
                ".devcontainer/Dockerfile",
                "Dockerfile",
                "svc/api/api.Dockerfile"
            ]
        );
    }
}
