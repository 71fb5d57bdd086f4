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
    /// Host bench: the CIS Docker Benchmark checks (as docker-bench-security numbers them) on
    /// the Docker host, its daemon and every container, stopped ones included.
    Bench(BenchArgs),
    /// Analyse a container image: a `docker save` tar, an OCI layout (directory or tar) or a
    /// root-filesystem directory.
    Image(ImageArgs),
    /// Package inventory (SBOM) of an image, a root filesystem or a project directory, as
    /// CycloneDX, SPDX, a table or JSON.
    Sbom(SbomArgs),
    /// Vulnerabilities of an image, a root filesystem, a project directory or an SBOM
    /// document, from the local OSV advisory database (see `dockguard db`).
    Vuln(VulnArgs),
    /// The local OSV advisory database: import exports, show its status.
    Db(DbArgs),
    /// Custom seccomp profiles (step 7): lint them, compare them with Docker's default, diff
    /// two of them.
    Seccomp(SeccompArgs),
    /// AppArmor profiles: generate one from a recording or a declarative policy.
    Apparmor(crate::apparmor::ApparmorArgs),
    /// Watch the host and its containers at run time with Falco-format rules (needs root).
    Watch(crate::watch::WatchArgs),
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
#[command(
    long_about = "Analyse a container image without running it: the image config (user, health \
check, Env and Labels, exposed ports, volumes), every layer's files (secrets, deleted or not) and \
the final file system (setuid/setgid and world-writable files).\n\nTARGET is a `docker save` tar, \
an OCI layout directory or tar, a root-filesystem directory, or the name of an image of the local \
Docker engine (streamed from the Engine API, no temporary copy) or of a registry (distribution \
API; credentials from ~/.docker/config.json or --username/--password-stdin). With --from auto \
(the default) an existing path is read as a file, else the engine is asked, else the \
registry.\n\nExit codes: 0 no \
finding at or above --fail-on, 1 findings at or above it, 2 unreadable targets or usage errors."
)]
pub struct ImageArgs {
    #[command(flatten)]
    pub image: ImageTargetArgs,
    /// Print the image's summary instead of findings: base image and vendor, size per layer and
    /// wasted bytes, entrypoint, shells, package managers, interpreters, setuid files, the
    /// distroless score and a recommendation (text, or JSON with --format json).
    #[arg(long)]
    pub inventory: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args, Clone)]
#[command(
    long_about = "Package inventory (step 6): the OS packages (dpkg, apk, rpm databases) and \
language packages (lockfiles and installed metadata) of an image, a root filesystem or a \
project directory, each with the file (and image layer) it was found in. Language packages in \
files an OS package installed are the OS package's and are not listed twice.\n\nTARGET is read \
as by `dockguard image` (a path, an image of the engine or of a registry).\n\nFormats: table \
(default), json (dockguard's inventory), cyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON).\n\n\
Exit codes: 0 inventory written (files that could not be read completely are warned about on \
standard error), 2 unreadable targets or usage errors."
)]
pub struct SbomArgs {
    #[command(flatten)]
    pub image: ImageTargetArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: SbomFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Where the advisory database lives.
#[derive(Debug, Args, Clone)]
pub struct DbDirArgs {
    /// The database directory (default: DOCKGUARD_DB_DIR, else dockguard/db in the user's cache
    /// directory: $XDG_CACHE_HOME or ~/.cache).
    #[arg(long, value_name = "DIR", env = "DOCKGUARD_DB_DIR")]
    pub db_dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
#[command(
    long_about = "Known vulnerabilities (step 6): the package inventory of TARGET (read as by \
`dockguard sbom`: an image, a root filesystem, a project directory or an SBOM document) matched \
against the local OSV advisory database (`dockguard db`) with each ecosystem's version rules.\n\n\
Accepted vulnerabilities are listed in `.dockguard.toml` (found as `dockguard lint` finds it: \
the repository root down to TARGET, or the current directory for image names), each with a \
reason and an optional last day:\n\n  [vuln]\n  ignore = [\n    { id = \"CVE-2023-43804\", \
package = \"urllib3\", reason = \"no cross-origin redirects\", expires = 2027-01-31 },\n  ]\n\n\
An entry matches the vulnerability's id or any alias, and only the named package when `package` \
is set (a name or a purl). Past `expires` it no longer applies and a warning says so. OpenVEX \
documents (--vex) suppress findings their latest statement says are not_affected or fixed. \
Ignored and suppressed findings are counted, and listed in JSON; CycloneDX keeps VEX-suppressed \
ones with their analysis.\n\nFormats: table (default), json, sarif (SARIF 2.1.0 for GitHub code \
scanning), cyclonedx (CycloneDX 1.6: the SBOM with its vulnerabilities).\n\nExit codes: 0 no \
vulnerability reported, 1 vulnerabilities reported, 2 unreadable targets, configuration or VEX \
documents, missing database or usage errors."
)]
pub struct VulnArgs {
    #[command(flatten)]
    pub image: ImageTargetArgs,
    #[command(flatten)]
    pub db: DbDirArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: VulnFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report only these severities (comma-separated: critical,high,medium,low,unknown).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub severity: Vec<String>,
    /// Leave out vulnerabilities no release fixes yet.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Read the `[vuln] ignore` entries from this configuration file instead of discovering
    /// `.dockguard.toml` files.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file (no ignore entries).
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// An OpenVEX document (repeatable): findings whose latest statement is not_affected or
    /// fixed are left out.
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VulnFormat {
    Table,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// CycloneDX 1.6 JSON: the inventory and its vulnerabilities.
    Cyclonedx,
}

#[derive(Debug, Args, Clone)]
pub struct SeccompArgs {
    #[command(subcommand)]
    pub command: SeccompCommand,
}

/// What a profile is evaluated for, in `compare` and `diff`.
#[derive(Debug, Args, Clone)]
pub struct SeccompContextArgs {
    /// Architecture, as the profile's `includes.arches` names it (amd64, arm64, …).
    #[arg(long, default_value = "amd64")]
    pub arch: String,
    /// Host kernel MAJOR.MINOR (entries with a `minKernel` apply from it); default: unknown,
    /// so such entries do not apply.
    #[arg(long, value_name = "VERSION")]
    pub kernel: Option<String>,
    /// The container's capabilities (repeatable; default: Docker's default set).
    #[arg(long = "cap", value_name = "CAP_NAME")]
    pub caps: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand, Clone)]
pub enum SeccompCommand {
    /// Lint seccomp profiles (rules SC100–SC106): allow-by-default, dangerous syscalls without
    /// a capability gate, `clone` without the namespace filter, LOG/TRACE actions, missing
    /// architectures, errno values that break glibc's fallbacks, unknown syscall names.
    Lint {
        /// Profile files (JSON).
        #[arg(required = true, value_name = "PROFILE")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Syscalls a profile allows beyond Docker's default profile (with the risk of each
    /// dangerous one), and those it drops.
    Compare {
        #[arg(value_name = "PROFILE")]
        profile: PathBuf,
        #[command(flatten)]
        context: SeccompContextArgs,
    },
    /// Syscalls profile B allows that A does not, and the reverse.
    Diff {
        #[arg(value_name = "A")]
        a: PathBuf,
        #[arg(value_name = "B")]
        b: PathBuf,
        #[command(flatten)]
        context: SeccompContextArgs,
    },
    /// Run a command under ptrace (Linux x86_64), following all its processes and threads,
    /// and write a profile that allows the syscalls it made plus what runc needs to start a
    /// container process, refusing all others with EPERM. With --image the command runs in a
    /// container of that image on the local engine, traced by a static recorder mounted in.
    Record(RecordArgs),
}

#[derive(Debug, Args, Clone)]
pub struct RecordArgs {
    /// Where to write the profile (default: standard output).
    #[arg(short, long, value_name = "PROFILE")]
    pub output: Option<PathBuf>,
    /// Also allow what this existing profile allows (whatever the arguments).
    #[arg(long, value_name = "PROFILE")]
    pub merge: Option<PathBuf>,
    /// Kill the command and all it started after this many seconds (an error).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Also save the whole recording (syscalls, files, executables, sockets, capabilities)
    /// as JSON, the input of `dockguard apparmor generate --recording`.
    #[arg(long, value_name = "FILE")]
    pub recording: Option<PathBuf>,
    /// Run the command in a container of this image on the local engine (default command:
    /// the image's entrypoint and command).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// With --image: the user to run as (default: the image's USER).
    #[arg(long, requires = "image", value_name = "USER")]
    pub user: Option<String>,
    /// With --image: the container's network mode (`none`, `bridge`, `host`, …; default: the
    /// engine's default, bridge).
    #[arg(long, requires = "image", value_name = "MODE")]
    pub network: Option<String>,
    /// With --image: environment variables for the container (repeatable).
    #[arg(
        long = "env",
        short = 'e',
        requires = "image",
        value_name = "NAME=VALUE"
    )]
    pub env: Vec<String>,
    /// With --image: Docker engine socket, `unix:///path` (default: DOCKER_HOST, the current
    /// Docker context, else unix:///var/run/docker.sock).
    #[arg(long, short = 'H', requires = "image", value_name = "HOST")]
    pub host: Option<String>,
    /// The command and its arguments, after `--` (optional with --image).
    #[arg(last = true, required_unless_present = "image", value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum DbCommand {
    /// Import OSV advisories: an OSV bucket export (`<Ecosystem>/all.zip`, a path or an
    /// http(s) URL), a directory of OSV JSON records, or single records. The database is
    /// replaced atomically.
    Import {
        /// Files, directories or http(s) URLs of exports to import.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        db: DbDirArgs,
    },
    /// Ecosystems, advisory counts and age of the database.
    Status {
        #[command(flatten)]
        db: DbDirArgs,
        /// Warn when the newest import is older than this many days.
        #[arg(long, default_value = "7", value_name = "DAYS")]
        max_age: u64,
    },
    /// Download the ecosystems' OSV exports (`<Ecosystem>/all.zip`) from the OSV bucket or a
    /// mirror and import them. Conditional requests (nothing is downloaded when nothing
    /// changed), interrupted downloads resumed, checksums verified (Cloud Storage's MD5, a
    /// mirror's `all.zip.sha256`); the database is replaced atomically, and not at all when a
    /// download fails.
    Update {
        #[command(flatten)]
        db: DbDirArgs,
        /// Base URL of the bucket or of a mirror with its layout.
        #[arg(
            long,
            value_name = "URL",
            env = "DOCKGUARD_OSV_MIRROR",
            default_value = dockguard_vuln::update::DEFAULT_BASE_URL
        )]
        mirror: String,
        /// An ecosystem to update (repeatable; default: PyPI, npm, crates.io, Go, Maven,
        /// RubyGems, NuGet, Packagist, Debian, Alpine, Ubuntu).
        #[arg(long, value_name = "NAME")]
        ecosystem: Vec<String>,
        /// Allow a plain http:// mirror that is not on the loopback interface.
        #[arg(long)]
        allow_http: bool,
        /// Refuse an export larger than this many MiB.
        #[arg(long, default_value = "2048", value_name = "MIB")]
        max_size: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SbomFormat {
    Table,
    Json,
    Cyclonedx,
    Spdx,
}

/// Where `dockguard image` and `dockguard scan --image` read an image from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageFrom {
    /// An existing path is a file or directory, anything else an image of the engine.
    Auto,
    /// A `docker save` tar, an OCI layout (directory or tar) or a root-filesystem directory.
    File,
    /// An image of the local Docker engine, by name or id.
    Engine,
    /// An image of a registry: `[registry/]repository[:tag][@digest]` (Docker Hub by default).
    Registry,
}

#[derive(Debug, Args, Clone)]
pub struct ImageTargetArgs {
    /// The image: a path (`docker save` tar, OCI layout, root-filesystem directory) or an image
    /// name of the Docker engine (`nginx:1.27`, an id).
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Where to read TARGET from.
    #[arg(long, value_enum, default_value = "auto", value_name = "SOURCE")]
    pub from: ImageFrom,
    /// Docker engine socket for engine images, `unix:///path` (default: DOCKER_HOST, the
    /// current Docker context, else unix:///var/run/docker.sock).
    #[arg(long, short = 'H', value_name = "HOST")]
    pub host: Option<String>,
    /// Platform to select from a multi-platform OCI index, OS/ARCH[/VARIANT] (default: the
    /// host's).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Never draw a progress bar (it is drawn on standard error only when that is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Registry user name (with --password-stdin); else Docker's config.json is used.
    #[arg(long, value_name = "USER", requires = "password_stdin")]
    pub username: Option<String>,
    /// Read the registry password or token from standard input.
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// Speak plain HTTP to the registry (loopback registries always get it, as with Docker).
    #[arg(long)]
    pub plain_http: bool,
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
    /// hadolint compatibility mode: the rules mapped to hadolint codes reproduce hadolint 2.15's
    /// findings where they deliberately differ (e.g. `apt-get dist-clean`, `FROM ${ARG}` not
    /// expanded), to match an existing hadolint baseline. See docs/hadolint-differences.md.
    #[arg(long)]
    pub hadolint_compat: bool,
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
    /// Also analyse this image (a path, or a name of the engine or a registry, as `dockguard
    /// image` reads it); repeatable.
    #[arg(long, value_name = "TARGET")]
    pub image: Vec<String>,
    /// hadolint compatibility mode: the rules mapped to hadolint codes reproduce hadolint 2.15's
    /// findings where they deliberately differ (e.g. `apt-get dist-clean`, `FROM ${ARG}` not
    /// expanded), to match an existing hadolint baseline. See docs/hadolint-differences.md.
    #[arg(long)]
    pub hadolint_compat: bool,
    /// The advisory database the project's packages are matched against (VU100); without
    /// one, a note says how to get it.
    #[command(flatten)]
    pub db: DbDirArgs,
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

#[derive(Debug, Args, Clone)]
#[command(
    long_about = "Host bench: the CIS Docker Benchmark v1.6.0 checks, numbered, titled and scored \
as docker-bench-security does, evaluated on the Engine API (fetched once) and the host's files. \
Containers are checked whether running or not (--running-only for docker-bench-security's \
behaviour).\n\nFormats: human (default) is docker-bench-security's console view ([PASS] green, \
[WARN] red, [INFO] blue, [NOTE] yellow, then the score); dbs-json is docker-bench-security's JSON \
log; json, sarif, junit, github and markdown report the findings of the failed checks.\n\n\
Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 engine or usage \
errors."
)]
pub struct BenchArgs {
    /// Docker engine socket, `unix:///path` (default: DOCKER_HOST, else
    /// unix:///var/run/docker.sock).
    #[arg(long, short = 'H', value_name = "HOST")]
    pub host: Option<String>,
    /// Run only these checks: ids or sections (`2`, `5.4`, `1.1`), comma-separated or repeated;
    /// docker-bench-security's names work too (`check_2_2`, `container_runtime`, `community`).
    #[arg(long, short = 'c', value_name = "ID,...", value_delimiter = ',')]
    pub check: Vec<String>,
    /// Skip these checks: ids or sections, as for --check.
    #[arg(long, short = 'e', value_name = "ID,...", value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Only containers whose name, and images whose tag, contains PATTERN (comma-separated or
    /// repeated: any).
    #[arg(long, short = 'i', value_name = "PATTERN", value_delimiter = ',')]
    pub include_container: Vec<String>,
    /// Skip containers whose name, and images whose tag, contains PATTERN (comma-separated or
    /// repeated).
    #[arg(long, short = 'x', value_name = "PATTERN", value_delimiter = ',')]
    pub exclude_container: Vec<String>,
    /// Only containers with this label, `KEY` or `KEY=VALUE` (repeatable: all must match).
    #[arg(long, short = 't', value_name = "LABEL", value_delimiter = ',')]
    pub label: Vec<String>,
    /// Check running containers only (docker-bench-security's behaviour); by default stopped
    /// ones are checked too.
    #[arg(long)]
    pub running_only: bool,
    /// A user trusted to be in the `docker` group (CIS 1.1.2; comma-separated or repeated).
    /// Without it, 1.1.2 lists the members (INFO).
    #[arg(long, short = 'u', value_name = "USER", value_delimiter = ',')]
    pub trusted_user: Vec<String>,
    /// Show the remediation of every check that did not pass (console view and dbs-json).
    #[arg(long, short = 'p')]
    pub remediation: bool,
    /// Where the host's filesystem is (default `/`, or `/host` when dockguard runs in a
    /// container that has it mounted there).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
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
