//! The command-line definition: one place for flags, help, completions and the man page.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dockguard",
    version,
    about = "Docker security toolkit: the top 10 security steps for Docker in one binary",
    long_about = "dockguard checks Dockerfiles (and, step by step, images, hosts and workloads) \
against the ten Docker security steps: namespaces and cgroups, trusted images, host bench, \
non-root USER, user namespaces, CVE scanning, runtime defence, rootless mode, minimal images \
and secrets.\n\nExit codes: 0 no finding at or above --fail-on, 1 findings at or above it, \
2 usage or input errors.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (files, directories, or `-` for standard input).
    Lint(LintArgs),
    /// Run every analyser on a project directory and report per step (1–10).
    Scan(ScanArgs),
    /// Check the containers of a running Docker engine (running ones, or all with --all).
    Containers(ContainersArgs),
    /// List the rules: code, name, step, severity, references.
    Rules(RulesArgs),
    /// Show a rule's documentation.
    Explain {
        /// Rule code, e.g. DF200.
        code: String,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output, or write one per command into a folder.
    Man {
        /// Folder to write dockguard.1 and dockguard-<command>.1 into.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', default_value = "human", value_parser = parse_format)]
    pub format: dockguard_report::Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (default: low, or the config's fail-on).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<dockguard_core::Severity>,
    /// Never use colour (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
    /// Human format: one line per finding, without source snippets.
    #[arg(long)]
    pub concise: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ConfigArgs {
    /// Use this configuration file instead of discovering `.dockguard.toml` files.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Enable a rule (repeatable), including rules off by default.
    #[arg(long, value_name = "CODE")]
    pub enable: Vec<String>,
    /// Disable a rule (repeatable).
    #[arg(long, value_name = "CODE")]
    pub disable: Vec<String>,
    /// Override a rule's severity: CODE=SEVERITY (repeatable).
    #[arg(long, value_name = "CODE=SEVERITY")]
    pub severity: Vec<String>,
    /// Trusted registry (repeatable; `*` wildcards at either end).
    #[arg(long, value_name = "REGISTRY")]
    pub trusted_registry: Vec<String>,
    /// Required label, NAME or NAME:FORMAT (text, url, semver, hash, rfc3339, spdx, email).
    #[arg(long, value_name = "LABEL")]
    pub require_label: Vec<String>,
    /// Make inline ignore pragmas inert.
    #[arg(long)]
    pub disable_ignore_pragmas: bool,
    /// Run only the rules of a profile: Kubernetes Pod Security Standards (pss-baseline,
    /// pss-restricted) or the CIS Docker Benchmark (cis). `--enable` still adds rules.
    #[arg(long, value_enum)]
    pub profile: Option<crate::registry::Profile>,
}

#[derive(Debug, Args, Clone)]
pub struct LintArgs {
    /// Files or directories; `-` reads standard input. Defaults to the current directory.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Apply safe fixes in place.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Show the fixes as a unified diff without writing.
    #[arg(long)]
    pub diff: bool,
    /// Also run ShellCheck on RUN scripts (needs `shellcheck` on PATH).
    #[arg(long)]
    pub shellcheck: bool,
    /// Name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "-")]
    pub stdin_filename: String,
}

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Project directory (default: the current directory).
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Also run ShellCheck on RUN scripts (needs `shellcheck` on PATH).
    #[arg(long)]
    pub shellcheck: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ContainersArgs {
    /// Docker engine socket, `unix:///path` (default: DOCKER_HOST, else
    /// unix:///var/run/docker.sock); tcp:// and ssh:// are not supported yet.
    #[arg(long, short = 'H', value_name = "HOST")]
    pub host: Option<String>,
    /// Check every container, not only running ones.
    #[arg(long, short = 'a')]
    pub all: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args, Clone)]
pub struct RulesArgs {
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: RulesFormat,
    /// Only rules of this step (1–10).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub step: Option<u8>,
}

fn parse_format(s: &str) -> Result<dockguard_report::Format, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<dockguard_core::Severity, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
