//! How far an image is from a distroless one: an [`Inventory`] of the shells, package
//! managers, interpreters, setuid files and executables of the final tree, the layer bytes
//! that the final image does not show, what the entrypoint is, a score and a concrete
//! recommendation of a smaller base.
//!
//! Programs are looked up as a container runtime would: bare names through the `PATH` of the
//! image's `Env` (or [`DEFAULT_PATH`]), symbolic links with [`FileTree::resolve`] (inside the
//! image root), hard links one hop at a time.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::analyzers::Facts;
use crate::analyzers::executables::{ExecutableKind, Linkage, base_name};
use crate::checks::{Analysis, shown};
use crate::config::ImageConfig;
use crate::walk::{Entry, EntryKind, FileTree, WalkResult};

/// The `PATH` of a container whose image sets none (Docker's and containerd's default).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Shell names. `busybox` counts: it is a shell (`busybox sh`) whatever links point at it.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox",
];

/// Package managers of distributions and languages; a name also matches with a version
/// suffix (`pip3`, `pip3.12`).
pub const PACKAGE_MANAGERS: &[&str] = &[
    "apt",
    "apt-get",
    "aptitude",
    "dpkg",
    "apk",
    "yum",
    "dnf",
    "dnf5",
    "microdnf",
    "tdnf",
    "rpm",
    "zypper",
    "pacman",
    "emerge",
    "pip",
    "easy_install",
    "conda",
    "mamba",
    "npm",
    "yarn",
    "pnpm",
    "gem",
    "composer",
];

/// Language runtimes; a name also matches with a version suffix (`python3.12`, `perl5.36.0`).
/// The first entry a name matches is its family (`python3` → `python`).
pub const INTERPRETERS: &[&str] = &[
    "python", "pypy", "perl", "ruby", "node", "nodejs", "bun", "deno", "php", "java", "lua",
    "luajit", "tclsh", "Rscript", "erl", "elixir", "pwsh", "dotnet",
];

/// Init wrappers that start the real program: `tini -- /app/server`.
pub const WRAPPERS: &[&str] = &["tini", "tini-static", "dumb-init", "catatonit", "env"];

/// Executables beyond those the entrypoint needs that a recommendation tolerates.
pub const TOLERATED_EXTRA_EXECUTABLES: usize = 10;

/// A program found in the final image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// The name matched (`sh`, `python3.12`).
    pub name: String,
    /// Where it is (`/bin/sh`).
    pub path: String,
    /// The regular file it leads to through links, when that is another path
    /// (`/bin/busybox`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl Tool {
    /// `/bin/sh` or `/bin/sh → /bin/busybox`.
    pub fn describe(&self) -> String {
        match &self.target {
            Some(t) => format!("{} → {t}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Executable files of the final image by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExecutableCounts {
    pub static_elf: usize,
    pub dynamic_elf: usize,
    /// ELF files whose program headers were not in the bytes read.
    pub unknown_elf: usize,
    /// ELF shared objects (`*.so`, `*.so.*`) with an execute bit: not counted as programs.
    pub shared_libraries: usize,
    pub scripts: usize,
    /// Neither ELF nor script: not counted as programs.
    pub other: usize,
}

impl ExecutableCounts {
    /// ELF programs and scripts.
    pub fn programs(&self) -> usize {
        self.static_elf + self.dynamic_elf + self.unknown_elf + self.scripts
    }
}

/// Bytes of one layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerBytes {
    pub index: usize,
    /// Regular-file bytes the layer ships.
    pub added_bytes: u64,
    /// Of those, bytes the final image does not show (overwritten or deleted later).
    pub wasted_bytes: u64,
}

/// What the entrypoint's program is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgramKind {
    StaticElf,
    DynamicElf {
        /// The loader (`/lib64/ld-linux-x86-64.so.2`), when it was read.
        interpreter: Option<String>,
    },
    /// ELF whose linkage could not be read.
    UnknownElf,
    Script {
        interpreter: String,
        argument: Option<String>,
    },
    /// A file that is neither ELF nor a script.
    Other,
    /// Not in the image.
    NotFound,
}

/// The program a container of the image starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entrypoint {
    /// `Entrypoint` followed by `Cmd`, as the container runs them.
    pub argv: Vec<String>,
    /// An init wrapper in front of the program (`tini`, `dumb-init`, `env`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrapper: Option<String>,
    /// The program as written (`python3`, `/app/server`).
    pub program: String,
    /// The regular file it is in the image, links resolved (`/usr/bin/python3.12`).
    pub path: Option<String>,
    pub kind: ProgramKind,
    /// A shell runs it: a shell program (`sh -c …`), or a shell script.
    pub needs_shell: bool,
    /// The interpreter family it needs (`python`, `java`): the program itself, or a script's
    /// `#!` interpreter.
    pub interpreter: Option<String>,
}

/// The distroless inventory of an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inventory {
    pub shells: Vec<Tool>,
    pub package_managers: Vec<Tool>,
    pub interpreters: Vec<Tool>,
    /// Regular files with the setuid or setgid bit.
    pub setuid_files: Vec<String>,
    pub executables: ExecutableCounts,
    /// Bytes of the regular files of the final tree.
    pub final_bytes: u64,
    /// Bytes of the regular files of all layers.
    pub shipped_bytes: u64,
    /// Shipped bytes that the final image does not show (dive's "wasted space").
    pub wasted_bytes: u64,
    pub layers: Vec<LayerBytes>,
    pub entrypoint: Option<Entrypoint>,
    /// Something needs a shell: the entrypoint, or a `CMD-SHELL` health check.
    pub shell_needed: bool,
    /// Interpreter families present that the entrypoint does not use (not judged when the
    /// entrypoint is a shell or a shell script: it may start anything).
    pub unneeded_interpreters: Vec<String>,
    /// Programs (ELF and scripts) beyond those the entrypoint and health check need.
    pub extra_executables: usize,
    /// See [`score`].
    pub score: u8,
    pub recommendation: Option<String>,
}

impl Inventory {
    /// The inventory of a walked image.
    pub fn new(config: &ImageConfig, result: &WalkResult, facts: &Facts) -> Inventory {
        let tree = &result.tree;
        let path_dirs = search_path(config);
        let tools = find_tools(tree, &path_dirs);

        let mut executables = ExecutableCounts::default();
        for (path, kind) in facts.executables.iter() {
            match kind {
                ExecutableKind::Elf(_) if is_library_name(base_name(path)) => {
                    executables.shared_libraries += 1
                }
                ExecutableKind::Elf(e) => match e.linkage {
                    Linkage::Static => executables.static_elf += 1,
                    Linkage::Dynamic => executables.dynamic_elf += 1,
                    Linkage::Unknown => executables.unknown_elf += 1,
                },
                ExecutableKind::Script(_) => executables.scripts += 1,
                ExecutableKind::Other => executables.other += 1,
            }
        }

        let mut final_bytes = 0;
        let mut setuid_files = Vec::new();
        for (path, entry) in tree.iter() {
            if entry.kind == EntryKind::File {
                final_bytes += entry.size;
                if entry.is_setuid() || entry.is_setgid() {
                    setuid_files.push(shown(path));
                }
            }
        }
        let layers: Vec<LayerBytes> = result
            .layers
            .iter()
            .map(|l| LayerBytes {
                index: l.index,
                added_bytes: l.added_bytes,
                wasted_bytes: l.wasted_bytes,
            })
            .collect();

        let workdir = config.config.working_dir.as_deref().unwrap_or("/");
        let mut needed: BTreeSet<String> = BTreeSet::new();
        let entrypoint = entrypoint(config, tree, facts, &path_dirs, workdir, &mut needed);
        let health_needs_shell = health_check(config, tree, &path_dirs, workdir, &mut needed);
        let shell_needed = health_needs_shell || entrypoint.as_ref().is_some_and(|e| e.needs_shell);

        let mut unneeded_interpreters: Vec<String> = Vec::new();
        let entry_shell = entrypoint.as_ref().is_some_and(|e| e.needs_shell);
        if !entry_shell {
            let used = entrypoint.as_ref().and_then(|e| e.interpreter.as_deref());
            for tool in &tools.interpreters {
                let family = family_of(&tool.name, INTERPRETERS).unwrap_or(&tool.name);
                if Some(family) != used && !unneeded_interpreters.iter().any(|f| f == family) {
                    unneeded_interpreters.push(family.to_string());
                }
            }
        }
        let needed_programs = needed
            .iter()
            .filter(|p| {
                matches!(
                    facts.executables.get(p),
                    Some(ExecutableKind::Elf(_) | ExecutableKind::Script(_))
                )
            })
            .count();
        let extra_executables = executables.programs().saturating_sub(needed_programs);

        let mut inventory = Inventory {
            shells: tools.shells,
            package_managers: tools.package_managers,
            interpreters: tools.interpreters,
            setuid_files,
            executables,
            final_bytes,
            shipped_bytes: result.layers.iter().map(|l| l.added_bytes).sum(),
            wasted_bytes: result.wasted_bytes(),
            layers,
            entrypoint,
            shell_needed,
            unneeded_interpreters,
            extra_executables,
            score: 0,
            recommendation: None,
        };
        inventory.score = score(&inventory);
        inventory.recommendation = recommendation(&inventory);
        inventory
    }

    /// Whether a shell is present that nothing needs.
    pub fn has_unneeded_shell(&self) -> bool {
        !self.shells.is_empty() && !self.shell_needed
    }

    /// Shipped bytes the final image does not show, as a share of all shipped bytes (0–1).
    pub fn wasted_share(&self) -> f64 {
        if self.shipped_bytes == 0 {
            0.0
        } else {
            self.wasted_bytes as f64 / self.shipped_bytes as f64
        }
    }
}

/// The inventory of an analysed image, for reports.
pub fn inventory(analysis: &Analysis) -> Inventory {
    Inventory::new(&analysis.config, &analysis.result, &analysis.facts)
}

/// The distroless score, 0 (a full OS around the program) to 100 (nothing but the program).
/// Points taken off 100:
/// - 20 when a shell is present and nothing needs one ([`Inventory::shell_needed`]);
/// - 20 when a package manager is present;
/// - 10 per interpreter family the entrypoint does not use (at most 20);
/// - 5 per setuid or setgid file (at most 15);
/// - 1 per 10 programs beyond those the entrypoint and health check need (at most 15);
/// - 1 per 10 % of the shipped bytes that the final image does not show (at most 10).
///
/// The maxima add up to 100; the score never goes below 0.
pub fn score(inv: &Inventory) -> u8 {
    let mut penalty: usize = 0;
    if inv.has_unneeded_shell() {
        penalty += 20;
    }
    if !inv.package_managers.is_empty() {
        penalty += 20;
    }
    penalty += (10 * inv.unneeded_interpreters.len()).min(20);
    penalty += (5 * inv.setuid_files.len()).min(15);
    penalty += (inv.extra_executables / 10).min(15);
    penalty += ((inv.wasted_share() * 10.0).floor() as usize).min(10);
    100usize.saturating_sub(penalty) as u8
}

/// Names of `tools`, each once, in order.
fn names(tools: &[Tool]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tools {
        if !out.contains(&t.name) {
            out.push(t.name.clone());
        }
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A concrete smaller base for the image, or `None` when it is already minimal: no shell that
/// nothing needs, no package manager, no interpreter the entrypoint does not use, and at most
/// [`TOLERATED_EXTRA_EXECUTABLES`] other programs.
pub fn recommendation(inv: &Inventory) -> Option<String> {
    let mut extras: Vec<String> = Vec::new();
    if inv.has_unneeded_shell() {
        extras.extend(names(&inv.shells));
    }
    extras.extend(names(&inv.package_managers));
    extras.extend(inv.unneeded_interpreters.iter().cloned());
    if inv.extra_executables > TOLERATED_EXTRA_EXECUTABLES {
        extras.push(format!("{} other programs", inv.extra_executables));
    }
    if extras.is_empty() {
        return None;
    }
    let has = join_and(&extras);
    let Some(ep) = inv
        .entrypoint
        .as_ref()
        .filter(|e| e.kind != ProgramKind::NotFound)
    else {
        let why = match &inv.entrypoint {
            Some(e) => format!("its entrypoint `{}` is not in the image", e.program),
            None => "sets no ENTRYPOINT or CMD".to_string(),
        };
        return Some(format!(
            "the final image has {has} but {why}: build the final stage FROM a distroless base \
             (gcr.io/distroless/static-debian12 or base-debian12) or scratch and COPY only the \
             program and its files into it"
        ));
    };
    let path = ep.path.clone().unwrap_or_else(|| ep.program.clone());
    if ep.needs_shell {
        let what = match &ep.kind {
            ProgramKind::Script { .. } => format!("a shell script ({path})"),
            _ => format!("a shell command ({})", ep.argv.join(" ")),
        };
        let mut advice = Vec::new();
        if !inv.package_managers.is_empty() {
            advice.push(format!(
                "remove {} with a multi-stage build whose final stage is a slim or distroless base",
                join_and(&names(&inv.package_managers))
            ));
        }
        advice.push(
            "make the ENTRYPOINT the program itself in exec form (JSON array) so that the shell \
             can go too"
                .to_string(),
        );
        return Some(format!(
            "the final image has {has} and runs {what}: {}",
            advice.join(", and ")
        ));
    }
    let (what, advice) = match (ep.interpreter.as_deref(), &ep.kind) {
        (Some("python"), _) => (
            format!("a Python program ({})", ep.argv.join(" ")),
            "use gcr.io/distroless/python3-debian12 with the dependencies copied from a build stage"
                .to_string(),
        ),
        (Some("java"), _) => (
            format!("a Java program ({})", ep.argv.join(" ")),
            "use gcr.io/distroless/java17-debian12 (or java21-debian12)".to_string(),
        ),
        (Some(family @ ("node" | "nodejs")), _) => (
            format!("a Node.js program ({})", ep.argv.join(" ")),
            format!(
                "use gcr.io/distroless/nodejs22-debian12 (its ENTRYPOINT is already `{family}`)"
            ),
        ),
        (Some(family), _) => (
            format!("a {family} program ({})", ep.argv.join(" ")),
            format!(
                "copy the {family} runtime and the program alone into a minimal final stage \
                 (multi-stage build, FROM gcr.io/distroless/cc-debian12 or scratch)"
            ),
        ),
        (None, ProgramKind::StaticElf) => (
            format!("one static binary ({path})"),
            "use a distroless static base (gcr.io/distroless/static-debian12) or scratch"
                .to_string(),
        ),
        (
            None,
            ProgramKind::DynamicElf {
                interpreter: Some(loader),
            },
        ) if loader.contains("ld-musl") => (
            format!("one dynamically linked musl binary ({path})"),
            "link it statically (CGO_ENABLED=0 for Go, the *-linux-musl target for Rust) and use \
             gcr.io/distroless/static-debian12 or scratch"
                .to_string(),
        ),
        (None, ProgramKind::DynamicElf { interpreter }) => (
            match interpreter {
                Some(loader) => format!("one dynamically linked binary ({path}, loader {loader})"),
                None => format!("one dynamically linked binary ({path})"),
            },
            "use gcr.io/distroless/base-debian12 (glibc), or gcr.io/distroless/cc-debian12 if it \
             needs libgcc/libstdc++ (Rust, C++)"
                .to_string(),
        ),
        (None, ProgramKind::Script { interpreter, .. }) => (
            format!("a script ({path}, run by {interpreter})"),
            "copy the script's interpreter and the script alone into a minimal final stage \
             (multi-stage build)"
                .to_string(),
        ),
        (None, _) => (
            format!("one program ({path})"),
            "use gcr.io/distroless/static-debian12 or scratch if it is statically linked, \
             gcr.io/distroless/base-debian12 otherwise"
                .to_string(),
        ),
    };
    Some(format!(
        "the final image has {has} but runs {what}: {advice}"
    ))
}

/// Whether `name` is `base` or `base` with a version suffix (`python3`, `python3.12`).
fn name_matches(name: &str, base: &str) -> bool {
    match name.strip_prefix(base) {
        Some("") => true,
        Some(rest) => {
            rest.starts_with(|c: char| c.is_ascii_digit())
                && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        }
        None => false,
    }
}

/// The entry of `list` that `name` matches.
fn family_of<'a>(name: &str, list: &[&'a str]) -> Option<&'a str> {
    list.iter().copied().find(|base| name_matches(name, base))
}

/// Whether a file name is a shared library's (`libc.so.6`, `ld-linux-x86-64.so.2`).
fn is_library_name(name: &str) -> bool {
    name.ends_with(".so") || name.contains(".so.")
}

/// The absolute directories of the image's `PATH` (the last `PATH=` of `Env`, or
/// [`DEFAULT_PATH`]), normalised, in order, each once.
pub fn search_path(config: &ImageConfig) -> Vec<String> {
    let path = config
        .config
        .env
        .iter()
        .rev()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or(DEFAULT_PATH);
    let mut dirs: Vec<String> = Vec::new();
    for dir in path.split(':').filter(|d| d.starts_with('/')) {
        let dir = normalize(dir);
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}

/// `/usr//bin/` → `usr/bin` (`..` stops at the root).
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.join("/")
}

/// Most links followed (symbolic hops are bounded by [`FileTree::resolve`] itself).
const MAX_HARDLINK_HOPS: usize = 8;

/// The regular file `path` leads to through symbolic and hard links, inside the image.
pub fn resolve_file<'t>(tree: &'t FileTree, path: &str) -> Option<(String, &'t Entry)> {
    let mut current = path.to_string();
    for _ in 0..=MAX_HARDLINK_HOPS {
        let resolved = tree.resolve(&current)?;
        let entry = tree.get(&resolved)?;
        match entry.kind {
            EntryKind::File => return Some((resolved, entry)),
            EntryKind::Hardlink => current = entry.link.clone()?,
            _ => return None,
        }
    }
    None
}

/// [`resolve_file`] for a file with an execute bit.
fn resolve_executable<'t>(tree: &'t FileTree, path: &str) -> Option<(String, &'t Entry)> {
    resolve_file(tree, path).filter(|(_, e)| e.mode & 0o111 != 0)
}

struct Tools {
    shells: Vec<Tool>,
    package_managers: Vec<Tool>,
    interpreters: Vec<Tool>,
}

/// The shells, package managers and interpreters in the standard directories and the
/// image's `PATH`.
fn find_tools(tree: &FileTree, path_dirs: &[String]) -> Tools {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for dir in search_path(&ImageConfig::default()).iter().chain(path_dirs) {
        // `bin` → `usr/bin` on usr-merged systems: the entries live under the target.
        if let Some(real) = tree.resolve(dir) {
            dirs.insert(real);
        }
    }
    let mut tools = Tools {
        shells: Vec::new(),
        package_managers: Vec::new(),
        interpreters: Vec::new(),
    };
    for (path, _) in tree.iter() {
        let Some((dir, name)) = path.rsplit_once('/') else {
            continue;
        };
        if !dirs.contains(dir) {
            continue;
        }
        let list = if SHELLS.contains(&name) {
            &mut tools.shells
        } else if family_of(name, PACKAGE_MANAGERS).is_some() {
            &mut tools.package_managers
        } else if family_of(name, INTERPRETERS).is_some() {
            &mut tools.interpreters
        } else {
            continue;
        };
        if let Some((file, _)) = resolve_executable(tree, path) {
            list.push(Tool {
                name: name.to_string(),
                path: shown(path),
                target: (file != path).then(|| shown(&file)),
            });
        }
    }
    tools
}

/// Finds `program` as `execve` by a runtime would: a path (relative to `workdir`) or a bare
/// name looked up in `path_dirs`.
fn locate<'t>(
    tree: &'t FileTree,
    program: &str,
    path_dirs: &[String],
    workdir: &str,
) -> Option<(String, &'t Entry)> {
    if program.contains('/') {
        let full = if program.starts_with('/') {
            program.to_string()
        } else {
            format!("{workdir}/{program}")
        };
        return resolve_file(tree, &normalize(&full));
    }
    if program.is_empty() {
        return None;
    }
    path_dirs
        .iter()
        .find_map(|dir| resolve_executable(tree, &format!("{dir}/{program}")))
}

/// Whether the program at `written` (as in argv) or its file `file` is a shell.
fn is_shell(written: &str, file: Option<&str>) -> bool {
    SHELLS.contains(&base_name(written)) || file.is_some_and(|f| SHELLS.contains(&base_name(f)))
}

/// The interpreter family of a program name or file.
fn interpreter_family(written: &str, file: Option<&str>) -> Option<String> {
    family_of(base_name(written), INTERPRETERS)
        .or_else(|| file.and_then(|f| family_of(base_name(f), INTERPRETERS)))
        .map(str::to_string)
}

/// The entrypoint of the image; the files it needs are added to `needed`.
fn entrypoint(
    config: &ImageConfig,
    tree: &FileTree,
    facts: &Facts,
    path_dirs: &[String],
    workdir: &str,
    needed: &mut BTreeSet<String>,
) -> Option<Entrypoint> {
    let c = &config.config;
    let argv: Vec<String> = c
        .entrypoint
        .iter()
        .flatten()
        .chain(c.cmd.iter().flatten())
        .cloned()
        .collect();
    let first = argv.first()?.clone();
    let mut program = first.clone();
    let mut wrapper = None;
    if WRAPPERS.contains(&base_name(&first)) {
        let is_env = base_name(&first) == "env";
        let rest = &argv[1..];
        let at = match rest.iter().position(|a| a == "--") {
            Some(dashes) => Some(dashes + 1),
            None => rest
                .iter()
                .position(|a| !a.starts_with('-') && (!is_env || !a.contains('='))),
        };
        if let Some(real) = at.and_then(|i| rest.get(i)) {
            if let Some((file, _)) = locate(tree, &first, path_dirs, workdir) {
                needed.insert(file);
            }
            wrapper = Some(first);
            program = real.clone();
        }
    }
    let found = locate(tree, &program, path_dirs, workdir);
    let file = found.as_ref().map(|(f, _)| f.clone());
    let kind = match &file {
        None => ProgramKind::NotFound,
        Some(f) => match facts.executables.get(f) {
            Some(ExecutableKind::Elf(e)) => match e.linkage {
                Linkage::Static => ProgramKind::StaticElf,
                Linkage::Dynamic => ProgramKind::DynamicElf {
                    interpreter: e.interpreter.clone(),
                },
                Linkage::Unknown => ProgramKind::UnknownElf,
            },
            Some(ExecutableKind::Script(s)) => ProgramKind::Script {
                interpreter: s.interpreter.clone(),
                argument: s.argument.clone(),
            },
            Some(ExecutableKind::Other) | None => ProgramKind::Other,
        },
    };
    let mut needs_shell = is_shell(&program, file.as_deref());
    let mut interpreter = interpreter_family(&program, file.as_deref());
    if let Some(f) = &file {
        needed.insert(f.clone());
    }
    if let Some(f) = &file
        && let Some(ExecutableKind::Script(s)) = facts.executables.get(f)
    {
        let runner = s.program();
        let runner_file = locate(tree, runner, path_dirs, "/").map(|(p, _)| p);
        needs_shell |= is_shell(runner, runner_file.as_deref());
        interpreter = interpreter.or_else(|| interpreter_family(runner, runner_file.as_deref()));
        // `#!/usr/bin/env python3`: both env and python3 are needed.
        for p in [s.interpreter.as_str(), runner] {
            if let Some((p, _)) = locate(tree, p, path_dirs, "/") {
                needed.insert(p);
            }
        }
    }
    Some(Entrypoint {
        argv,
        wrapper,
        program,
        path: file.as_deref().map(shown),
        kind,
        needs_shell,
        interpreter,
    })
}

/// Whether the health check needs a shell (`CMD-SHELL`, or a shell as its program); the
/// program it runs is added to `needed`.
fn health_check(
    config: &ImageConfig,
    tree: &FileTree,
    path_dirs: &[String],
    workdir: &str,
    needed: &mut BTreeSet<String>,
) -> bool {
    let Some(test) = config.config.healthcheck.as_ref().map(|h| &h.test) else {
        return false;
    };
    match test.first().map(String::as_str) {
        Some("CMD-SHELL") => true,
        Some("CMD") => {
            let Some(program) = test.get(1) else {
                return false;
            };
            let file = locate(tree, program, path_dirs, workdir).map(|(p, _)| p);
            let shell = is_shell(program, file.as_deref());
            needed.extend(file);
            shell
        }
        _ => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analyzers::executables::elf::elf64;
    use crate::checks::testing::{E, Mem, image, layer};
    use crate::source::ImageSource;
    use crate::walk::{Limits, walk};

    pub(crate) const GLIBC: &str = "/lib64/ld-linux-x86-64.so.2";
    pub(crate) const MUSL: &str = "/lib/ld-musl-x86_64.so.1";

    /// Walks `img` with every analyzer and returns its inventory.
    pub(crate) fn inventory_of_image(img: &Mem) -> Inventory {
        let mut facts = Facts::default();
        let result = walk(img, &mut facts.all_mut(), &Limits::default()).unwrap();
        Inventory::new(img.config(), &result, &facts)
    }

    /// A Debian-like layer: usr-merged, dash as sh, bash, apt, dpkg, perl, a setuid su.
    pub(crate) fn debian_layer() -> Vec<u8> {
        let dynamic = elf64(Some(GLIBC));
        layer(&[
            E::Symlink("bin", "usr/bin"),
            E::Symlink("sbin", "usr/sbin"),
            E::File("usr/bin/dash", &dynamic, 0o755),
            E::Symlink("usr/bin/sh", "dash"),
            E::File("usr/bin/bash", &dynamic, 0o755),
            E::File("usr/bin/apt", &dynamic, 0o755),
            E::File("usr/bin/apt-get", &dynamic, 0o755),
            E::File("usr/bin/dpkg", &dynamic, 0o755),
            E::File("usr/bin/perl", &dynamic, 0o755),
            E::File("usr/bin/su", &dynamic, 0o4755),
            E::File("usr/bin/ls", &dynamic, 0o755),
            E::File("usr/bin/which", b"#!/bin/sh\nset -ef\n", 0o755),
            E::File("usr/lib/x86_64-linux-gnu/libc.so.6", &elf64(None), 0o755),
            E::File("usr/share/doc/readme", b"text", 0o644),
        ])
    }

    #[test]
    fn debian_with_a_static_server() {
        let app = layer(&[E::File("app/server", &elf64(None), 0o755)]);
        let img = image(
            r#"{"Entrypoint":["/app/server"],"Cmd":["--port","8080"]}"#,
            vec![debian_layer(), app],
        );
        let inv = inventory_of_image(&img);
        let shells: Vec<String> = inv.shells.iter().map(Tool::describe).collect();
        assert_eq!(
            shells,
            [
                "/usr/bin/bash",
                "/usr/bin/dash",
                "/usr/bin/sh → /usr/bin/dash"
            ]
        );
        assert_eq!(names(&inv.package_managers), ["apt", "apt-get", "dpkg"]);
        assert_eq!(inv.unneeded_interpreters, ["perl"]);
        assert_eq!(inv.setuid_files, ["/usr/bin/su"]);
        assert_eq!(
            inv.executables,
            ExecutableCounts {
                static_elf: 1,
                dynamic_elf: 8,
                unknown_elf: 0,
                shared_libraries: 1,
                scripts: 1,
                other: 0,
            }
        );
        assert_eq!(inv.extra_executables, 9);
        let ep = inv.entrypoint.as_ref().unwrap();
        assert_eq!(ep.path.as_deref(), Some("/app/server"));
        assert_eq!(ep.kind, ProgramKind::StaticElf);
        assert!(!ep.needs_shell && !inv.shell_needed);
        assert!(inv.has_unneeded_shell());
        // 100 - 20 (shell) - 20 (apt) - 10 (perl) - 5 (su) - 0 (9 extra) - 0 (no waste).
        assert_eq!(inv.score, 45);
        let rec = inv.recommendation.unwrap();
        assert!(
            rec.starts_with("the final image has bash, dash, sh, apt, apt-get, dpkg and perl but runs one static binary (/app/server): use a distroless static base (gcr.io/distroless/static-debian12) or scratch"),
            "{rec}"
        );
    }

    #[test]
    fn alpine_busybox_sh_and_musl_binary() {
        let busybox = elf64(None);
        let base = layer(&[
            E::File("bin/busybox", &busybox, 0o755),
            E::Symlink("bin/sh", "/bin/busybox"),
            E::Symlink("bin/ls", "/bin/busybox"),
            E::File("sbin/apk", &elf64(Some(MUSL)), 0o755),
            E::File("lib/ld-musl-x86_64.so.1", &elf64(None), 0o755),
            E::File("app/server", &elf64(Some(MUSL)), 0o755),
        ]);
        let img = image(
            r#"{"Cmd":["server"],"Env":["PATH=/app:/bin:/sbin"]}"#,
            vec![base],
        );
        let inv = inventory_of_image(&img);
        let shells: Vec<String> = inv.shells.iter().map(Tool::describe).collect();
        assert_eq!(shells, ["/bin/busybox", "/bin/sh → /bin/busybox"]);
        assert_eq!(names(&inv.package_managers), ["apk"]);
        let ep = inv.entrypoint.as_ref().unwrap();
        assert_eq!(ep.path.as_deref(), Some("/app/server"));
        assert_eq!(
            ep.kind,
            ProgramKind::DynamicElf {
                interpreter: Some(MUSL.to_string())
            }
        );
        assert_eq!(inv.executables.shared_libraries, 1);
        let rec = inv.recommendation.unwrap();
        assert!(rec.contains("musl binary (/app/server)"), "{rec}");
        assert!(rec.contains("link it statically"), "{rec}");
    }

    #[test]
    fn distroless_static_is_minimal() {
        let img = image(
            r#"{"Entrypoint":["/server"]}"#,
            vec![layer(&[
                E::File("server", &elf64(None), 0o755),
                E::File("etc/passwd", b"root:x:0:0::/root:/sbin/nologin\n", 0o644),
            ])],
        );
        let inv = inventory_of_image(&img);
        assert!(inv.shells.is_empty() && inv.package_managers.is_empty());
        assert_eq!(inv.extra_executables, 0);
        assert_eq!(inv.score, 100);
        assert_eq!(inv.recommendation, None);
    }

    #[test]
    fn python_through_path_and_env_script() {
        let python = elf64(Some(GLIBC));
        let base = layer(&[
            E::File("bin/sh", &python, 0o755),
            E::File("usr/local/bin/python3.12", &python, 0o755),
            E::Symlink("usr/local/bin/python3", "python3.12"),
            E::File(
                "usr/local/bin/pip3",
                b"#!/usr/local/bin/python3.12\n",
                0o755,
            ),
            E::File("usr/bin/env", &python, 0o755),
            E::File("usr/bin/perl", &python, 0o755),
            E::File(
                "app/main.py",
                b"#!/usr/bin/env python3\nprint('hi')\n",
                0o755,
            ),
        ]);
        // The interpreter named directly.
        let img = image(r#"{"Cmd":["python3","/app/main.py"]}"#, vec![base.clone()]);
        let inv = inventory_of_image(&img);
        let ep = inv.entrypoint.as_ref().unwrap();
        assert_eq!(ep.path.as_deref(), Some("/usr/local/bin/python3.12"));
        assert_eq!(ep.interpreter.as_deref(), Some("python"));
        assert_eq!(inv.unneeded_interpreters, ["perl"]);
        let rec = inv.recommendation.unwrap();
        assert!(rec.contains("gcr.io/distroless/python3-debian12"), "{rec}");
        assert!(
            rec.starts_with("the final image has sh, pip3 and perl"),
            "{rec}"
        );

        // A script run through env: python and env are needed, the shell is not.
        let img = image(r#"{"Entrypoint":["/app/main.py"]}"#, vec![base]);
        let inv = inventory_of_image(&img);
        let ep = inv.entrypoint.as_ref().unwrap();
        assert!(
            matches!(&ep.kind, ProgramKind::Script { interpreter, .. } if interpreter == "/usr/bin/env")
        );
        assert_eq!(ep.interpreter.as_deref(), Some("python"));
        assert!(!inv.shell_needed);
        // Programs: sh, python3.12, pip3, env, perl, main.py; needed: main.py, env, python3.12.
        assert_eq!(inv.extra_executables, 3);
        assert!(inv.recommendation.unwrap().contains("python3-debian12"));
    }

    #[test]
    fn shell_entrypoints_and_health_checks_need_a_shell() {
        let dynamic = elf64(Some(GLIBC));
        let base = layer(&[
            E::File("bin/sh", &dynamic, 0o755),
            E::File("usr/bin/apt", &dynamic, 0o755),
            E::File("usr/bin/python3", &dynamic, 0o755),
            E::File("app/server", &elf64(None), 0o755),
            E::File("docker-entrypoint.sh", b"#!/bin/sh\nexec \"$@\"\n", 0o755),
        ]);
        let img = image(
            r#"{"Entrypoint":["/bin/sh","-c","exec /app/server"]}"#,
            vec![base.clone()],
        );
        let inv = inventory_of_image(&img);
        assert!(inv.shell_needed && !inv.has_unneeded_shell());
        // A shell may start anything: interpreters are not judged.
        assert!(inv.unneeded_interpreters.is_empty());
        let rec = inv.recommendation.unwrap();
        assert!(
            rec.contains("runs a shell command (/bin/sh -c exec /app/server)"),
            "{rec}"
        );
        assert!(rec.contains("remove apt"), "{rec}");

        let img = image(
            r#"{"Entrypoint":["/docker-entrypoint.sh"],"Cmd":["/app/server"]}"#,
            vec![base.clone()],
        );
        let inv = inventory_of_image(&img);
        assert!(inv.shell_needed);
        assert!(
            inv.recommendation
                .unwrap()
                .contains("a shell script (/docker-entrypoint.sh)")
        );

        let img = image(
            r#"{"Entrypoint":["/app/server"],"Healthcheck":{"Test":["CMD-SHELL","wget -q localhost"]}}"#,
            vec![base],
        );
        let inv = inventory_of_image(&img);
        assert!(!inv.entrypoint.as_ref().unwrap().needs_shell);
        assert!(inv.shell_needed && !inv.has_unneeded_shell());
    }

    #[test]
    fn init_wrappers_java_and_missing_programs() {
        let dynamic = elf64(Some(GLIBC));
        let base = layer(&[
            E::File("bin/bash", &dynamic, 0o755),
            E::File("usr/bin/tini", &elf64(None), 0o755),
            E::File("opt/java/bin/java", &dynamic, 0o755),
        ]);
        let img = image(
            r#"{"Entrypoint":["tini","-g","--","java","-jar","/app.jar"],"Env":["PATH=/opt/java/bin:/usr/bin"]}"#,
            vec![base.clone()],
        );
        let inv = inventory_of_image(&img);
        let ep = inv.entrypoint.as_ref().unwrap();
        assert_eq!(ep.wrapper.as_deref(), Some("tini"));
        assert_eq!(ep.program, "java");
        assert_eq!(ep.path.as_deref(), Some("/opt/java/bin/java"));
        assert!(inv.unneeded_interpreters.is_empty());
        assert_eq!(inv.extra_executables, 1); // bash
        let rec = inv.recommendation.unwrap();
        assert!(rec.contains("a Java program"), "{rec}");
        assert!(rec.contains("gcr.io/distroless/java17-debian12"), "{rec}");

        // `env NAME=value program`.
        let img = image(
            r#"{"Entrypoint":["/usr/bin/tini","env","-i","A=1","/opt/java/bin/java"]}"#,
            vec![base.clone()],
        );
        let inv = inventory_of_image(&img);
        let ep = inv.entrypoint.as_ref().unwrap();
        assert_eq!(ep.wrapper.as_deref(), Some("/usr/bin/tini"));
        assert_eq!(ep.program, "env");
        let img = image(
            r#"{"Entrypoint":["env","-i","A=1","/opt/java/bin/java"]}"#,
            vec![base.clone()],
        );
        let ep = inventory_of_image(&img).entrypoint.unwrap();
        assert_eq!(ep.program, "/opt/java/bin/java");
        assert_eq!(ep.interpreter.as_deref(), Some("java"));

        let img = image(r#"{"Cmd":["/nowhere"]}"#, vec![base.clone()]);
        let inv = inventory_of_image(&img);
        assert_eq!(inv.entrypoint.as_ref().unwrap().kind, ProgramKind::NotFound);
        assert!(
            inv.recommendation
                .unwrap()
                .contains("`/nowhere` is not in the image")
        );

        let img = image("{}", vec![base]);
        let inv = inventory_of_image(&img);
        assert_eq!(inv.entrypoint, None);
        assert!(
            inv.recommendation
                .unwrap()
                .contains("sets no ENTRYPOINT or CMD")
        );
    }

    #[test]
    fn hardlinked_busybox_and_dynamic_glibc() {
        // busybox images hard-link every applet to one file.
        let mut b = tar::Builder::new(Vec::new());
        let busybox = elf64(None);
        let header = |kind: tar::EntryType, size: usize| {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(kind);
            h.set_size(size as u64);
            h.set_mode(0o755);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mtime(0);
            h
        };
        let mut h = header(tar::EntryType::Regular, busybox.len());
        b.append_data(&mut h, "bin/[", &busybox[..]).unwrap();
        for name in ["bin/sh", "bin/busybox"] {
            let mut h = header(tar::EntryType::Link, 0);
            b.append_link(&mut h, name, "bin/[").unwrap();
        }
        let busybox_layer = b.into_inner().unwrap();
        let app = layer(&[E::File("app", &elf64(Some(GLIBC)), 0o755)]);
        let img = image(r#"{"Entrypoint":["/app"]}"#, vec![busybox_layer, app]);
        let inv = inventory_of_image(&img);
        let shells: Vec<String> = inv.shells.iter().map(Tool::describe).collect();
        assert_eq!(shells, ["/bin/busybox → /bin/[", "/bin/sh → /bin/[",]);
        let rec = inv.recommendation.unwrap();
        assert!(rec.contains("gcr.io/distroless/base-debian12"), "{rec}");
        assert!(rec.contains("loader /lib64/ld-linux-x86-64.so.2"), "{rec}");
    }

    #[test]
    fn wasted_bytes_per_layer() {
        let big = vec![b'x'; 5000];
        let l0 = layer(&[
            E::File("var/cache/big", &big, 0o644),
            E::File("keep", &big[..1000], 0o644),
        ]);
        let l1 = layer(&[E::File("var/cache/.wh.big", b"", 0o644)]);
        let inv = inventory_of_image(&image("{}", vec![l0, l1]));
        assert_eq!(
            inv.layers,
            [
                LayerBytes {
                    index: 0,
                    added_bytes: 6000,
                    wasted_bytes: 5000
                },
                LayerBytes {
                    index: 1,
                    added_bytes: 0,
                    wasted_bytes: 0
                }
            ]
        );
        assert_eq!((inv.final_bytes, inv.wasted_bytes), (1000, 5000));
        // 83 % wasted: 8 points off.
        assert_eq!(inv.score, 92);
        // Nothing else to remove: no recommendation of a base.
        assert_eq!(inv.recommendation, None);
        let json = serde_json::to_value(&inv).unwrap();
        assert_eq!(json["wasted_bytes"], 5000);
    }

    #[test]
    fn version_suffixes_and_search_path() {
        assert!(name_matches("python3.12", "python"));
        assert!(name_matches("pip3", "pip"));
        assert!(!name_matches("python-config", "python"));
        assert!(!name_matches("shred", "sh"));
        assert!(!name_matches("pipx", "pip"));
        let config: ImageConfig = serde_json::from_str(
            r#"{"config":{"Env":["PATH=/a","PATH=/opt//bin/:relative:/usr/bin:/opt/bin"]}}"#,
        )
        .unwrap();
        assert_eq!(search_path(&config), ["opt/bin", "usr/bin"]);
        assert_eq!(search_path(&ImageConfig::default()).len(), 6);
    }
}
