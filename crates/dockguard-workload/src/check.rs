//! Loading a file into a [`Workload`] and running the rules on it.

use crate::model::Workload;
use crate::rules::{Ctx, registry::RULES};
use dockguard_core::{Config, Finding};
use std::fmt;
use std::path::Path;

/// What kind of workload description a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Compose,
    Kubernetes,
    ShellScript,
    Makefile,
    /// A GitHub Actions workflow (`run:` steps are shell scripts).
    Workflow,
    /// Docker Engine container-inspect JSON (`docker inspect` output or one object).
    Inspect,
}

/// Facts about the Docker host that change what a setting means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFacts {
    /// The daemon runs with `userns-remap`.
    pub userns_remap: bool,
    /// The host's cgroup version (`/info` `CgroupVersion`), when known. On cgroup v1 every
    /// container shares the host's cgroup namespace: Docker cannot do otherwise there.
    pub cgroup_version: Option<u8>,
}

/// A file that cannot be read as its kind: always names file, line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl LoadError {
    pub fn from_yaml(file: &str, e: crate::yaml::YamlError) -> Self {
        LoadError {
            file: file.to_string(),
            line: e.line,
            column: e.column,
            message: e.message,
        }
    }

    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = crate::yaml::line_col(text, offset);
        LoadError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Reads a file as `kind`. `path` (when the file is on disk) lets compose resolve `include`,
/// `extends` and `.env` files next to it.
pub fn load(
    file: &str,
    path: Option<&Path>,
    text: &str,
    kind: FileKind,
) -> Result<Workload, LoadError> {
    match kind {
        FileKind::Compose => crate::sources::compose::load(file, path, text),
        FileKind::Kubernetes => crate::sources::kubernetes::load(file, text),
        FileKind::ShellScript => Ok(crate::sources::scripts::load_shell(file, text)),
        FileKind::Makefile => Ok(crate::sources::scripts::load_makefile(file, text)),
        FileKind::Workflow => crate::sources::scripts::load_workflow(file, text),
        FileKind::Inspect => crate::sources::engine::load(file, text),
    }
}

/// Runs every enabled rule; findings are sorted by position.
pub fn check(workload: &Workload, config: &Config, host: Option<&HostFacts>) -> Vec<Finding> {
    let ctx = Ctx {
        workload,
        config,
        host,
    };
    let mut findings = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        if !config.is_enabled(meta.code, meta.default_enabled) {
            continue;
        }
        let mut out = Vec::new();
        rule.check(&ctx, &mut out);
        for d in out {
            let file =
                std::path::absolute(&d.loc.file).unwrap_or_else(|_| d.loc.file.clone().into());
            if config.is_path_ignored(&file, meta.code) {
                continue;
            }
            findings.push(meta.finding(config, d.message, d.loc, None));
        }
    }
    findings.sort_by(|a, b| {
        (&a.location.file, a.location.span.start, &a.code).cmp(&(
            &b.location.file,
            b.location.span.start,
            &b.code,
        ))
    });
    findings
        .dedup_by(|a, b| a.code == b.code && a.location == b.location && a.message == b.message);
    findings
}

/// Which kind a file is, by name first and then by content; `None` for files that describe no
/// workload.
pub fn classify(file_name: &str, path_hint: &str, text: &str) -> Option<FileKind> {
    let lower = file_name.to_ascii_lowercase();
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    let in_workflows = path_hint.replace('\\', "/").contains(".github/workflows/");
    if is_yaml && in_workflows {
        return Some(FileKind::Workflow);
    }
    let compose_name =
        (lower.starts_with("docker-compose") || lower.starts_with("compose")) && is_yaml;
    if compose_name {
        return Some(FileKind::Compose);
    }
    if is_yaml {
        // Helm and other templates (`{{ … }}`) are not YAML until rendered.
        if has_top_level_key(text, "apiVersion")
            && has_top_level_key(text, "kind")
            && !text.contains("{{")
        {
            return Some(FileKind::Kubernetes);
        }
        if has_top_level_key(text, "services") {
            return Some(FileKind::Compose);
        }
        return None;
    }
    let mentions_docker = text.contains("docker ") || text.contains("docker\t");
    if lower == "makefile" || lower == "gnumakefile" || lower.ends_with(".mk") {
        return mentions_docker.then_some(FileKind::Makefile);
    }
    let shell_name = lower.ends_with(".sh") || lower.ends_with(".bash");
    let shebang = text.starts_with("#!")
        && text
            .lines()
            .next()
            .is_some_and(|l| l.ends_with("sh") || l.contains("bash") || l.contains("/sh "));
    if shell_name || shebang {
        return mentions_docker.then_some(FileKind::ShellScript);
    }
    None
}

/// A key at column 0 of some line (cheap content sniffing, no parse).
fn has_top_level_key(text: &str, key: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name_and_content() {
        assert_eq!(
            classify("compose.yaml", "compose.yaml", ""),
            Some(FileKind::Compose)
        );
        assert_eq!(
            classify("docker-compose.prod.yml", "x/docker-compose.prod.yml", ""),
            Some(FileKind::Compose)
        );
        assert_eq!(
            classify("web.yaml", "k8s/web.yaml", "apiVersion: v1\nkind: Pod\n"),
            Some(FileKind::Kubernetes)
        );
        assert_eq!(
            classify("ci.yml", ".github/workflows/ci.yml", "on: push\n"),
            Some(FileKind::Workflow)
        );
        assert_eq!(
            classify("values.yaml", "values.yaml", "replicas: 2\n"),
            None
        );
        assert_eq!(
            classify("run.sh", "run.sh", "docker run -it x\n"),
            Some(FileKind::ShellScript)
        );
        assert_eq!(classify("run.sh", "run.sh", "echo hi\n"), None);
        assert_eq!(
            classify("Makefile", "Makefile", "up:\n\tdocker run x\n"),
            Some(FileKind::Makefile)
        );
        assert_eq!(
            classify("start", "bin/start", "#!/bin/bash\ndocker run x\n"),
            Some(FileKind::ShellScript)
        );
    }
}
