//! Finding files to check: explicit files always, directories walked with `.gitignore`
//! respected. The walk keeps Dockerfiles and every file that may describe a workload (YAML,
//! shell scripts, Makefiles, executable scripts); which of those really do is decided from
//! their content when they are read.

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

/// Whether a file may describe a workload (compose, Kubernetes, workflow, script, Makefile).
pub fn is_workload_candidate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yml", ".yaml", ".sh", ".bash", ".mk"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || lower == "makefile"
        || lower == "gnumakefile"
}

/// An extension-less executable (`bin/deploy`) may be a shell script.
fn is_executable_script(entry: &ignore::DirEntry) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let name = entry.file_name().to_string_lossy();
    !name.contains('.')
        && entry
            .metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o111 != 0 && m.len() < 1024 * 1024)
}

/// The project walk: `.gitignore` respected, hidden folders walked (`.devcontainer/Dockerfile`),
/// never a `.git` folder.
fn project_walker(root: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
}

/// Every regular file under `root` up to `max_size` bytes, for the secret scan (sorted);
/// config excludes honoured.
pub fn walk_all(
    root: &Path,
    config: &Config,
    max_size: u64,
) -> Result<Vec<PathBuf>, ignore::Error> {
    let mut files = Vec::new();
    for entry in project_walker(root) {
        let entry = entry?;
        if !entry.file_type().is_some_and(|t| t.is_file())
            || entry.metadata().map_or(true, |m| m.len() > max_size)
        {
            continue;
        }
        let absolute =
            std::path::absolute(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf());
        if !config.is_excluded(&absolute) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    Ok(files)
}

/// Files to check under `root` (sorted for stable output).
pub fn walk(root: &Path, config: &Config) -> Result<Vec<PathBuf>, ignore::Error> {
    let mut files = Vec::new();
    for entry in project_walker(root) {
        let entry = entry?;
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        let named = entry
            .file_name()
            .to_str()
            .is_some_and(|n| is_dockerfile_name(n) || is_workload_candidate(n));
        if is_file && (named || is_executable_script(&entry)) {
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
            "svc/compose.yaml",
            "svc/run.sh",
            "Makefile",
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
                "Makefile",
                "svc/api/api.Dockerfile",
                "svc/compose.yaml",
                "svc/run.sh",
            ]
        );
        let all: Vec<String> = walk_all(root, &config, 1 << 20)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(all.contains(&"svc/README.md".to_string()), "{all:?}");
        assert!(all.contains(&".gitignore".to_string()), "{all:?}");
        assert!(
            !all.iter().any(|f| f.starts_with("build/")
                || f.starts_with(".git/")
                || f.starts_with("vendor/")),
            "{all:?}"
        );
    }
}
