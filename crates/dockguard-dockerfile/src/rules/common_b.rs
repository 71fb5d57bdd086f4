//! Helpers shared by the package-manager rules (DF4xx): flags and operands read the way hadolint
//! reads them, package words with ARG/ENV values substituted, RUN cache mounts, cleanup commands
//! in the same RUN, and the "append to the RUN" fix.

use super::{Ctx, Diagnostic};
use crate::model::{Base, Command, Model, Script};
use crate::syntax::{Args, CommandForm, Instruction};
use dockguard_core::Edit;

/// apt-get and apt options that take a value (`-o Opt=v`, `-t bookworm-backports`).
pub const APT_VALUE_FLAGS: &[&str] = &[
    "o",
    "c",
    "t",
    "option",
    "config-file",
    "target-release",
    "default-release",
];

/// apk options that take a value.
pub const APK_VALUE_FLAGS: &[&str] = &[
    "t",
    "virtual",
    "X",
    "repository",
    "repositories-file",
    "p",
    "root",
    "keys-dir",
    "cache-dir",
    "arch",
];

/// yum, dnf and microdnf options that take a value.
pub const RPM_VALUE_FLAGS: &[&str] = &[
    "c",
    "config",
    "installroot",
    "releasever",
    "setopt",
    "enablerepo",
    "disablerepo",
    "repo",
    "repoid",
    "x",
    "exclude",
    "d",
    "debuglevel",
    "e",
    "errorlevel",
    "forcearch",
];

/// yum and dnf subcommands that may prompt.
pub const RPM_PROMPTING: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "remove",
    "erase",
    "downgrade",
    "autoremove",
    "distro-sync",
];

/// zypper options that take a value.
pub const ZYPPER_VALUE_FLAGS: &[&str] = &[
    "r",
    "repo",
    "from",
    "t",
    "type",
    "R",
    "root",
    "D",
    "reposd-root",
    "C",
    "cache-dir",
    "installroot",
];

/// `apt-get` or `apt` with the given subcommand; returns the subcommand's argument index.
pub fn apt_subcommand(cmd: &Command, subs: &[&str]) -> Option<usize> {
    if !(cmd.is("apt-get") || cmd.is("apt")) {
        return None;
    }
    subcommand(cmd, APT_VALUE_FLAGS)
        .filter(|(_, s)| subs.contains(s))
        .map(|(i, _)| i)
}

/// The index of `install` when the command is a pip install: `pip`, `pip3`, `pip3.12` (any
/// program starting with `pip` but `pipenv`) with an `install` argument, or
/// `python… -m pip install`.
pub fn pip_install(cmd: &Command) -> Option<usize> {
    let program = cmd.program();
    if program.starts_with("pip") && !program.starts_with("pipenv") {
        return cmd.args.iter().position(|a| a == "install");
    }
    if program.starts_with("python") {
        return cmd
            .args
            .windows(3)
            .position(|w| w[0] == "-m" && w[1] == "pip" && w[2] == "install")
            .map(|p| p + 2);
    }
    None
}

/// Whether an RPM package argument names a version (yum, dnf): `httpd-2.4.57`,
/// `nginx-1:1.24.0-1.el9`, or an `.rpm` file. After the name, the dash-separated parts must
/// look like a version (letters, digits, `.~^_:+`) and one of them start with a digit.
pub fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") {
        return true;
    }
    let parts: Vec<&str> = package.split('-').collect();
    parts.len() > 1
        && parts[1..].iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && parts[1..]
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// Arguments of a command with their index.
pub type Words<'a> = Vec<(usize, &'a str)>;

/// The packages and module specs a yum/dnf command installs: `install` operands are packages,
/// `module install` operands are modules (pinned with `:stream`). Groups and environments
/// (`@name`, `group install`) cannot be pinned and are left out.
pub fn rpm_install_operands(cmd: &Command) -> (Words<'_>, Words<'_>) {
    let ops = operands(cmd, RPM_VALUE_FLAGS);
    let not_group = |(_, a): &(usize, &str)| !a.starts_with('@');
    match ops.as_slice() {
        [(_, "install"), rest @ ..] => {
            (rest.iter().copied().filter(not_group).collect(), Vec::new())
        }
        [(_, "module"), (_, "install"), rest @ ..] => {
            (Vec::new(), rest.iter().copied().filter(not_group).collect())
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// Whether a yum/dnf command answers yes to prompts.
pub fn rpm_assumes_yes(cmd: &Command) -> bool {
    has_any_flag(cmd, &["y", "assumeyes"])
        || cmd
            .args
            .iter()
            .any(|a| a.contains("assumeyes=1") || a.contains("assumeyes=True"))
}

/// The subcommand of a command run by one of `programs`, skipping option values.
pub fn program_subcommand<'a>(
    cmd: &'a Command,
    programs: &[&str],
    value_flags: &[&str],
) -> Option<(usize, &'a str)> {
    if !programs.iter().any(|p| cmd.is(p)) {
        return None;
    }
    subcommand(cmd, value_flags)
}

/// A finding on a command that can prompt, with `message`, and a fix inserting `-y` after its
/// subcommand (argument `sub`) when the command is in shell form.
pub fn missing_yes(cmd: &Command, sub: usize, message: String) -> Diagnostic {
    let d = Diagnostic::new(cmd.span.clone(), message);
    match insert_after(cmd, sub, "-y") {
        Some(edit) => d.with_fix("add -y", vec![edit]),
        None => d,
    }
}

/// Reports the commands of `programs` (yum, dnf, microdnf) whose subcommand can prompt
/// ([`RPM_PROMPTING`]) and that do not answer yes ([`rpm_assumes_yes`]).
pub fn report_rpm_missing_yes(ctx: &Ctx, programs: &[&str], out: &mut Vec<Diagnostic>) {
    for (_, cmd) in ctx.commands() {
        let Some((i, sub)) = program_subcommand(cmd, programs, RPM_VALUE_FLAGS) else {
            continue;
        };
        if !RPM_PROMPTING.contains(&sub) || rpm_assumes_yes(cmd) {
            continue;
        }
        let message = format!(
            "`{} {sub}` without `-y` aborts at the confirmation prompt",
            cmd.program()
        );
        out.push(missing_yes(cmd, i, message));
    }
}

/// A package manager whose downloads must be followed, in the same RUN, by a cleanup of its
/// cache (DF414, DF418, DF421).
pub struct CacheCleanup {
    /// The programs whose commands are checked (`dnf`, `microdnf`).
    pub programs: &'static [&'static str],
    pub value_flags: &'static [&'static str],
    /// The subcommands that fill the cache.
    pub downloads: &'static [&'static str],
    /// What the fix runs after the program: `clean all`.
    pub clean_args: &'static str,
    /// Whether a command empties the cache.
    pub cleans: fn(&Command) -> bool,
    /// Whether a RUN mounts the cache, which keeps it out of the image.
    pub mounted: fn(&Run) -> bool,
}

/// Reports every download of `pm` that no later command of its RUN cleans up after. The last
/// finding of a RUN gets the fix appending the cleanup, which covers every download before it.
pub fn report_clean_missing(ctx: &Ctx, pm: &CacheCleanup, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx.model) {
        if (pm.mounted)(&run) {
            continue;
        }
        let mut found = Vec::new();
        for (i, cmd) in run.script.commands.iter().enumerate() {
            let Some((_, sub)) = program_subcommand(cmd, pm.programs, pm.value_flags) else {
                continue;
            };
            if pm.downloads.contains(&sub) && !cleaned_after(&run, i, pm.cleans) {
                let clean = format!("{} {}", cmd.program(), pm.clean_args);
                found.push((
                    Diagnostic::new(
                        cmd.span.clone(),
                        format!(
                            "`{} {sub}` leaves its cache in the image; add `{clean}` at the end of this RUN",
                            cmd.program()
                        ),
                    ),
                    clean,
                ));
            }
        }
        if let Some((last, clean)) = found.last_mut()
            && let Some(edit) = append_to_run(&run, &format!(" && {clean}"))
        {
            *last = last.clone().with_fix(format!("append {clean}"), vec![edit]);
        }
        out.extend(found.into_iter().map(|(d, _)| d));
    }
}

/// The zypper subcommands that download packages into `/var/cache/zypp`.
pub const ZYPPER_DOWNLOADS: &[&str] = &[
    "install",
    "in",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "patch",
    "source-install",
    "si",
];

/// `zypper clean` (`zypper cc`) or the removal of `/var/cache/zypp`.
pub fn zypper_cleans(cmd: &Command) -> bool {
    program_subcommand(cmd, &["zypper"], ZYPPER_VALUE_FLAGS)
        .is_some_and(|(_, s)| s == "clean" || s == "cc")
        || removes(cmd, "/var/cache/zypp")
}

/// The cache directories of dnf (dnf4 and dnf5) and yum.
pub const DNF_CACHES: &[&str] = &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"];

/// `dnf`/`microdnf`/`yum clean all` or the removal of one of [`DNF_CACHES`].
pub fn dnf_cleans(cmd: &Command) -> bool {
    is_clean_all(cmd, &["dnf", "microdnf", "yum"], RPM_VALUE_FLAGS)
        || DNF_CACHES.iter().any(|dir| removes(cmd, dir))
}

/// Whether a later command of the RUN (after index `after`) satisfies `cleans`.
pub fn cleaned_after(run: &Run, after: usize, cleans: impl Fn(&Command) -> bool) -> bool {
    run.script.commands[after + 1..].iter().any(cleans)
}

/// `<one of programs> clean all` (any options).
pub fn is_clean_all(cmd: &Command, programs: &[&str], value_flags: &[&str]) -> bool {
    let ops = match program_subcommand(cmd, programs, value_flags) {
        Some((_, "clean")) => operands(cmd, value_flags),
        _ => return false,
    };
    ops.iter().any(|(_, a)| *a == "all")
}

/// An edit inserting ` text` right after argument `i` of a command. `None` for exec-form
/// commands, whose arguments are JSON strings.
pub fn insert_after(cmd: &Command, i: usize, text: &str) -> Option<Edit> {
    if cmd.exec {
        return None;
    }
    let at = cmd.arg_spans.get(i)?.end;
    Some(Edit {
        span: at..at,
        replacement: format!(" {text}"),
    })
}

/// A RUN (or the RUN an ONBUILD wraps) with its parsed shell script.
pub struct Run<'a> {
    pub idx: usize,
    pub inst: &'a Instruction,
    pub script: &'a Script,
}

/// Every RUN in shell form whose script was parsed, in file order.
pub fn runs(model: &Model) -> impl Iterator<Item = Run<'_>> {
    model
        .info
        .iter()
        .enumerate()
        .filter_map(move |(idx, info)| {
            Some(Run {
                idx,
                inst: model.instruction(idx).effective(),
                script: info.script.as_ref()?,
            })
        })
}

/// The flag names of one argument: `--name[=v]` gives `name`, `-abc` gives `a`, `b`, `c`;
/// `-` and `--` are not flags.
pub fn flag_names(arg: &str) -> Vec<&str> {
    if arg == "-" || arg == "--" {
        return Vec::new();
    }
    if let Some(long) = arg.strip_prefix("--") {
        return vec![long.split('=').next().unwrap_or(long)];
    }
    match arg.strip_prefix('-') {
        Some(short) => short
            .char_indices()
            .map(|(i, c)| &short[i..i + c.len_utf8()])
            .collect(),
        None => Vec::new(),
    }
}

/// How many times a flag is given (`-qq` counts `q` twice).
pub fn count_flag(cmd: &Command, name: &str) -> usize {
    cmd.args
        .iter()
        .flat_map(|a| flag_names(a))
        .filter(|f| *f == name)
        .count()
}

/// Whether any of the flag names (without dashes) is given, short flags also inside clusters.
pub fn has_any_flag(cmd: &Command, names: &[&str]) -> bool {
    cmd.args
        .iter()
        .flat_map(|a| flag_names(a))
        .any(|f| names.contains(&f))
}

/// The arguments that are not flags, with their index. The word after a flag named in
/// `value_flags` is the flag's value and skipped, unless the value is attached (`--flag=v`).
/// Everything after `--` is an operand.
pub fn operands<'a>(cmd: &'a Command, value_flags: &[&str]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut skip = false;
    let mut end_of_flags = false;
    for (i, a) in cmd.args.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        if end_of_flags || !a.starts_with('-') || a == "-" {
            out.push((i, a.as_str()));
        } else if a == "--" {
            end_of_flags = true;
        } else if !a.contains('=') && flag_names(a).iter().any(|f| value_flags.contains(f)) {
            skip = true;
        }
    }
    out
}

/// The first operand: the subcommand of `apt-get -o X=1 install curl`.
pub fn subcommand<'a>(cmd: &'a Command, value_flags: &[&str]) -> Option<(usize, &'a str)> {
    operands(cmd, value_flags).into_iter().next()
}

/// The operands after the first occurrence of `sub` (the packages of `apk add …`).
pub fn operands_after<'a>(
    cmd: &'a Command,
    value_flags: &[&str],
    subs: &[&str],
) -> Vec<(usize, &'a str)> {
    let ops = operands(cmd, value_flags);
    match ops.iter().position(|(_, a)| subs.contains(a)) {
        Some(p) => ops[p + 1..].to_vec(),
        None => Vec::new(),
    }
}

/// For a command run by one of `programs` whose subcommand is one of `installs`: the
/// subcommand and the operands after it, the packages of `apk add curl git`.
pub fn install_operands<'a>(
    cmd: &'a Command,
    programs: &[&str],
    value_flags: &[&str],
    installs: &[&str],
) -> Option<(&'a str, Words<'a>)> {
    let (_, sub) = program_subcommand(cmd, programs, value_flags)?;
    if !installs.contains(&sub) {
        return None;
    }
    Some((sub, operands_after(cmd, value_flags, &[sub])))
}

/// Reports the packages without a version and the modules without a stream of the installs of
/// `programs` (yum, dnf, microdnf), see [`rpm_install_operands`].
pub fn report_rpm_unpinned(ctx: &Ctx, programs: &[&str], out: &mut Vec<Diagnostic>) {
    for (idx, cmd) in ctx.commands() {
        if !programs.iter().any(|p| cmd.is(p)) {
            continue;
        }
        let program = cmd.program();
        let (packages, modules) = rpm_install_operands(cmd);
        report_unpinned(
            ctx.model,
            idx,
            cmd,
            &packages,
            rpm_pinned,
            |names| {
                format!(
                    "{names} installed without a version; use `{program} install <package>-<version>`"
                )
            },
            out,
        );
        report_unpinned(
            ctx.model,
            idx,
            cmd,
            &modules,
            |m| m.contains(':'),
            |names| format!("module {names} without a stream; use `<module>:<stream>`"),
            out,
        );
    }
}

/// The package names an operand of `cmd` stands for once ARG/ENV values and the shell variables
/// set earlier in the RUN (`deps="curl git"; apk add $deps`) are substituted (a variable may
/// hold several). `None` when it depends on a value unknown here: a shell variable set by a
/// command, an ARG without default, a command substitution.
pub fn expand_operand(model: &Model, idx: usize, cmd: &Command, word: &str) -> Option<Vec<String>> {
    if !word.contains('$') {
        return Some(vec![word.to_string()]);
    }
    if word.contains("$(") || word.contains('`') {
        return None;
    }
    let e = model.expand_in_run(idx, cmd, word);
    if !e.is_resolved() || !e.undefined.is_empty() {
        return None;
    }
    Some(e.value.split_whitespace().map(String::from).collect())
}

/// Reports the package operands `pinned` rejects: one diagnostic per operand, on its word, with
/// `message` given the unpinned names. An operand that passes as written (`curl=$V`) is
/// pinned; one that depends on unknown variables is not reported.
pub fn report_unpinned(
    model: &Model,
    idx: usize,
    cmd: &Command,
    packages: &[(usize, &str)],
    pinned: impl Fn(&str) -> bool,
    message: impl Fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    for &(i, raw) in packages {
        if pinned(raw) {
            continue;
        }
        let Some(words) = expand_operand(model, idx, cmd, raw) else {
            continue;
        };
        let unpinned: Vec<String> = words
            .iter()
            .filter(|w| !pinned(w))
            .map(|w| format!("`{w}`"))
            .collect();
        if unpinned.is_empty() {
            continue;
        }
        let span = cmd.arg_spans.get(i).cloned().unwrap_or(cmd.span.clone());
        out.push(Diagnostic::new(span, message(&unpinned.join(", "))));
    }
}

/// Whether the RUN has a cache or tmpfs mount whose target contains `fragment`: such a
/// directory never ends up in the image.
pub fn cache_mount(inst: &Instruction, fragment: &str) -> bool {
    inst.flags_named("mount").any(|f| {
        let Some(value) = &f.value else {
            return false;
        };
        let (mut kind, mut target) = ("bind", "");
        for field in value.split(',') {
            let (key, val) = field.split_once('=').unwrap_or((field, ""));
            let val = val.trim().trim_matches(['"', '\'']);
            match key.trim().to_ascii_lowercase().as_str() {
                "type" => kind = val,
                "target" | "dst" | "destination" => target = val,
                _ => {}
            }
        }
        matches!(kind, "cache" | "tmpfs") && target.contains(fragment)
    })
}

/// Whether `cmd` is `rm` deleting `dir`, what is inside it (`dir/*`), or a parent directory of
/// it below the top level (`/var/lib/apt` for `/var/lib/apt/lists`).
pub fn removes(cmd: &Command, dir: &str) -> bool {
    if !cmd.is("rm") {
        return false;
    }
    operands(cmd, &[]).iter().any(|(_, path)| {
        let path = path.trim_end_matches(['*', '/']);
        path == dir
            || (path.len() > dir.len() && path.starts_with(dir) && path.contains('*'))
            || (dir.starts_with(&format!("{path}/")) && path.matches('/').count() >= 2)
    })
}

/// Whether the stage of instruction `idx` ends up in an image: the final stage, or a stage
/// another stage is built on. Leftovers in other build stages are thrown away.
pub fn in_shipped_stage(model: &Model, idx: usize) -> bool {
    let Some(stage) = model.info.get(idx).and_then(|i| i.stage) else {
        return false;
    };
    stage + 1 == model.stages.len()
        || model
            .stages
            .iter()
            .any(|s| s.base == Base::Stage(stage) && s.index != stage)
}

/// An edit appending `text` (such as ` && rm -rf /var/lib/apt/lists/*`) to a RUN's command
/// line. Offered only when that is safe: no heredoc, a script the shell parser accepted, and a
/// last simple command that ends the text (no trailing operator, redirection, comment or
/// closing keyword that the appended command would bind to).
pub fn append_to_run(run: &Run, text: &str) -> Option<Edit> {
    if !run.inst.heredocs.is_empty() || !run.script.parsed {
        return None;
    }
    let Args::Command(CommandForm::Shell { text: line, .. }) = &run.inst.args else {
        return None;
    };
    let end = line.span(0..line.value.trim_end().len()).end;
    let last = run.script.commands.iter().map(|c| c.span.end).max()?;
    (last == end).then(|| Edit {
        span: end..end,
        replacement: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn first_command(text: &str) -> Command {
        let model = Model::new(parse(text));
        model.all_commands().next().unwrap().1.clone()
    }

    #[test]
    fn flags_like_hadolint() {
        assert_eq!(flag_names("-qqy"), ["q", "q", "y"]);
        assert_eq!(flag_names("--target-release=x"), ["target-release"]);
        assert!(flag_names("--").is_empty() && flag_names("curl").is_empty());
        let cmd = first_command("FROM a\nRUN apt-get -qq -t bookworm install curl -- -x\n");
        assert_eq!(count_flag(&cmd, "q"), 2);
        assert!(has_any_flag(&cmd, &["t"]) && !has_any_flag(&cmd, &["y"]));
        assert_eq!(
            operands(&cmd, &["t"]),
            [(3, "install"), (4, "curl"), (6, "-x")]
        );
        assert_eq!(subcommand(&cmd, &["t"]), Some((3, "install")));
        assert_eq!(operands_after(&cmd, &["t"], &["install"]).len(), 2);
    }

    #[test]
    fn operands_expand_known_variables_only() {
        let model = Model::new(parse(
            "FROM a\nARG PKGS=\"curl vim=2\"\nARG V\nRUN apt-get install $PKGS $V $shell\n",
        ));
        let cmd = model.all_commands().next().unwrap().1;
        let op = |w| expand_operand(&model, 3, cmd, w);
        assert_eq!(op("$PKGS").unwrap(), ["curl", "vim=2"]);
        assert_eq!(op("$V"), None);
        assert_eq!(op("$shell"), None);
        assert_eq!(op("$(cat x)"), None);
        assert_eq!(op("git").unwrap(), ["git"]);
    }

    #[test]
    fn operands_expand_shell_variables_set_before() {
        let model = Model::new(parse(
            "FROM a\nARG PKGS=curl\nRUN deps=' git  make=4 '; PKGS=wget; arch=\"$(uname -m)\"; apt-get install $deps $PKGS $arch; late=x\n",
        ));
        let cmd = model
            .all_commands()
            .map(|(_, c)| c)
            .find(|c| c.is("apt-get"))
            .unwrap();
        let op = |w| expand_operand(&model, 2, cmd, w);
        assert_eq!(op("$deps").unwrap(), ["git", "make=4"]);
        // The shell variable overrides the ARG.
        assert_eq!(op("$PKGS").unwrap(), ["wget"]);
        assert_eq!(op("$arch"), None);
        assert_eq!(op("$late"), None);
    }

    #[test]
    fn rpm_versions() {
        for p in [
            "httpd-2.4.57",
            "nginx-1:1.24.0-1.el9",
            "java-1.8.0-openjdk",
            "x.rpm",
        ] {
            assert!(rpm_pinned(p), "{p}");
        }
        for p in [
            "httpd",
            "python3-pip",
            "epel-release",
            "dnf-command(config-manager)",
        ] {
            assert!(!rpm_pinned(p), "{p}");
        }
        let cmd = first_command(
            "FROM a\nRUN dnf -y --setopt tsflags=nodocs module install nodejs:20 @x\n",
        );
        assert_eq!(rpm_install_operands(&cmd).1, [(5, "nodejs:20")]);
    }

    #[test]
    fn cache_mounts() {
        let df = parse(
            "FROM a\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=bind,target=/var/lib/apt/lists true\n",
        );
        let run = &df.instructions[1];
        assert!(cache_mount(run, "/var/cache/apt"));
        assert!(!cache_mount(run, "/var/lib/apt/lists"));
    }

    #[test]
    fn removed_directories() {
        let dir = "/var/lib/apt/lists";
        for rm in [
            "rm -rf /var/lib/apt/lists/*",
            "rm -r /var/lib/apt/lists",
            "rm -fr /var/lib/apt/lists/",
            "rm -rf /var/lib/apt",
            "rm -f /tmp/x /var/lib/apt/lists/*.lz4",
        ] {
            assert!(
                removes(&first_command(&format!("FROM a\nRUN {rm}\n")), dir),
                "{rm}"
            );
        }
        for rm in [
            "rm -rf /tmp/*",
            "rm -rf /var",
            "rm -rf /var/lib/apt/lists/partial",
            "echo /var/lib/apt/lists",
        ] {
            assert!(
                !removes(&first_command(&format!("FROM a\nRUN {rm}\n")), dir),
                "{rm}"
            );
        }
    }

    #[test]
    fn shipped_stages() {
        let model = Model::new(parse(
            "FROM a AS base\nRUN x\nFROM b AS build\nRUN y\nFROM base\nRUN z\n",
        ));
        assert!(in_shipped_stage(&model, 1));
        assert!(!in_shipped_stage(&model, 3));
        assert!(in_shipped_stage(&model, 5));
    }

    #[test]
    fn append_only_where_safe() {
        let append = |text: &str| {
            let model = Model::new(parse(text));
            let run = runs(&model).next().unwrap();
            append_to_run(&run, " && cleanup").map(|e| e.span.start)
        };
        let text = "FROM a\nRUN apt-get update && \\\n    apt-get install -y x  \n";
        assert_eq!(append(text), Some(text.find("x  ").unwrap() + 1));
        for text in [
            "FROM a\nRUN apt-get update > /dev/null\n",
            "FROM a\nRUN apt-get update # note\n",
            "FROM a\nRUN if true; then apt-get update; fi\n",
            "FROM a\nRUN apt-get update;\n",
            "FROM a\nRUN <<EOF\napt-get update\nEOF\n",
        ] {
            assert_eq!(append(text), None, "{text}");
        }
    }
}
