//! Compares dockguard's findings with hadolint's over a directory of Dockerfiles.
//!
//! ```text
//! cargo run --release -p dockguard-dockerfile --example hadolint_compare -- \
//!     <corpus-dir> <hadolint.json> [--hadolint-compat] [--details CODE]... [--files]
//! ```
//!
//! `hadolint.json` is hadolint's JSON output for every file of the directory, run from inside
//! it (`hadolint --no-fail -f json *`) so its `file` fields are the file names.
//! `bench/compare-hadolint.sh` produces it and runs this program.
//!
//! Findings are compared as (file, line, DL code) triples:
//! - our finding's DL code comes from its rule's `Hadolint` reference, for default-enabled rules;
//! - our finding's line is the first line of the top-level instruction that contains it, since
//!   hadolint reports instruction start lines;
//! - only DL codes that one of our default-enabled rules maps to are compared; DL1000 (parse
//!   error) and ShellCheck codes are left out;
//! - files where hadolint reported DL1000 are left out on both sides (hadolint reports nothing
//!   else for them);
//! - both tools run with their default configuration, so pragmas are honoured by both.
//!
//! dockguard is run twice, with the default configuration and in hadolint compatibility mode
//! (`Config::hadolint_compat`), and the overall agreement of both is printed. The table, the
//! classes and `--details` are those of the default run, or of the compatibility run with
//! `--hadolint-compat`.
//!
//! Each disagreement is then put in one of the classes documented in
//! `docs/hadolint-differences.md`, where hadolint is wrong, or left unclassified; the agreement
//! is also given without the classified ones.
//!
//! The program also runs every file under `catch_unwind` and lists our DF000 (syntax) and DF002
//! (instruction flags) errors, the problems BuildKit refuses to build with, both for the files
//! hadolint could not parse and for the whole directory. It exits with 1 when a file panics.

use dockguard_core::{Config, RefKind, RuleMeta};
use dockguard_dockerfile::model::{Command, Model};
use dockguard_dockerfile::rules::registry::RULES;
use dockguard_dockerfile::syntax::{Args, CommandForm, Instruction, Kind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(serde::Deserialize)]
struct HadolintResult {
    file: String,
    line: u32,
    code: String,
    message: String,
}

type Triple = (String, u32, String);

struct Cli {
    corpus: PathBuf,
    hadolint: PathBuf,
    details: Vec<String>,
    files: bool,
    /// Show the table, classes and details of the hadolint compatibility run.
    compat: bool,
}

const USAGE: &str = "usage: hadolint_compare <corpus-dir> <hadolint.json> [--hadolint-compat] \
                     [--details CODE]... [--files]";

fn parse_args() -> Result<Cli, String> {
    let mut positional = Vec::new();
    let mut details = Vec::new();
    let mut files = false;
    let mut compat = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--details" => details.push(
                it.next()
                    .ok_or("--details needs a DL code")?
                    .to_ascii_uppercase(),
            ),
            "--files" => files = true,
            "--hadolint-compat" => compat = true,
            "-h" | "--help" => return Err(String::new()),
            _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ => positional.push(PathBuf::from(a)),
        }
    }
    let [corpus, hadolint] = <[PathBuf; 2]>::try_from(positional)
        .map_err(|_| "expected <corpus-dir> <hadolint.json>".to_string())?;
    Ok(Cli {
        corpus,
        hadolint,
        details,
        files,
        compat,
    })
}

/// The DL code one of our findings stands for. Rules with several hadolint references (the
/// label format rule) are told apart by their message.
fn dl_code<'a>(meta: &'a RuleMeta, message: &str) -> Option<&'a str> {
    let codes: Vec<&str> = meta
        .references
        .iter()
        .filter(|r| r.kind == RefKind::Hadolint && r.id != "DL1000")
        .map(|r| r.id.as_ref())
        .collect();
    if codes.len() <= 1 {
        return codes.first().copied();
    }
    let by_message = [
        ("is empty", "DL3051"),
        ("URL", "DL3052"),
        ("RFC 3339", "DL3053"),
        ("SPDX", "DL3054"),
        ("hash", "DL3055"),
        ("semantic version", "DL3056"),
        ("e-mail", "DL3058"),
    ];
    by_message
        .iter()
        .find(|(needle, code)| message.contains(needle) && codes.contains(code))
        .map(|(_, code)| *code)
        .or(codes.first().copied())
}

/// The index of the top-level instruction containing `offset`.
fn instruction_at(model: &Model, offset: usize) -> Option<usize> {
    let df = &model.df;
    let idx = df
        .instructions
        .partition_point(|i| i.span.start <= offset)
        .checked_sub(1)?;
    (offset <= df.instructions[idx].span.end).then_some(idx)
}

/// The index of the top-level instruction starting on `line`.
fn instruction_on(model: &Model, line: u32) -> Option<usize> {
    let df = &model.df;
    df.instructions
        .iter()
        .position(|i| df.line_of(i.span.start) == line)
}

fn source_line(model: &Model, line: u32) -> String {
    let text = model
        .df
        .text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim();
    if text.chars().count() > 110 {
        format!("{}…", text.chars().take(110).collect::<String>())
    } else {
        text.to_string()
    }
}

struct FileResult {
    /// (line, DL code) → our message.
    ours: BTreeMap<(u32, String), String>,
    syntax_errors: Vec<(u32, String)>,
    model: Model,
}

fn check_file(name: &str, path: &Path, config: &Config) -> Result<FileResult, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("read error: {e}"))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let checked =
        std::panic::catch_unwind(|| dockguard_dockerfile::check(name, None, &text, config))
            .map_err(|e| {
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into())
            })?;
    let model = checked.model;
    let mut ours = BTreeMap::new();
    let mut syntax_errors = Vec::new();
    for f in &checked.findings {
        let Some(rule) = RULES.iter().find(|r| r.meta().code == f.code) else {
            continue;
        };
        let meta = rule.meta();
        // DF000 (syntax) and DF002 (flags): what BuildKit refuses, hadolint's DL1000.
        if meta
            .references
            .iter()
            .any(|r| r.kind == RefKind::Hadolint && r.id == "DL1000")
        {
            syntax_errors.push((f.location.line, format!("{}: {}", f.code, f.message)));
        }
        if !meta.default_enabled {
            continue;
        }
        if let Some(dl) = dl_code(meta, &f.message) {
            let line = instruction_at(&model, f.location.span.start).map_or(f.location.line, |i| {
                model.df.line_of(model.df.instructions[i].span.start)
            });
            ours.entry((line, dl.to_string()))
                .or_insert_with(|| format!("{}: {}", f.code, f.message));
        }
    }
    Ok(FileResult {
        ours,
        syntax_errors,
        model,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Side {
    HadolintOnly,
    OursOnly,
}

/// Why hadolint is the side that is wrong in a class of disagreements.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// hadolint reports something that is not a problem.
    HadolintFalsePositive,
    /// hadolint misses a real problem that we report.
    HadolintFalseNegative,
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::HadolintFalsePositive => "hadolint false positive",
            Verdict::HadolintFalseNegative => "hadolint false negative",
        }
    }
}

/// What a class predicate sees of one disagreement.
struct Case<'a> {
    model: &'a Model,
    /// The top-level instruction hadolint's line points at.
    idx: usize,
    /// Our message (ours-only) or hadolint's (hadolint-only).
    message: &'a str,
}

impl<'a> Case<'a> {
    fn inst(&self) -> &'a Instruction {
        self.model.instruction(self.idx)
    }

    fn commands(&self) -> &'a [Command] {
        self.model.info[self.idx]
            .script
            .as_ref()
            .map_or(&[], |s| s.commands.as_slice())
    }

    fn any_command(&self, f: impl Fn(&Command) -> bool) -> bool {
        self.commands().iter().any(f)
    }

    fn keys(&self) -> Vec<&'a str> {
        match &self.inst().effective().args {
            Args::Arg { pairs } | Args::KeyValues { pairs, .. } => {
                pairs.iter().map(|p| p.key.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }
}

struct Class {
    code: &'static str,
    side: Side,
    verdict: Verdict,
    name: &'static str,
    test: fn(&Case) -> bool,
}

fn removes(cmd: &Command, dir: &str) -> bool {
    cmd.is("rm") && cmd.args.iter().any(|a| a.starts_with(dir))
}

fn from_image_has_variable(c: &Case) -> bool {
    matches!(&c.inst().args, Args::From { image: Some(w), .. } if w.raw.contains('$'))
}

/// The disagreement classes of docs/hadolint-differences.md, first match wins.
const CLASSES: &[Class] = &[
    Class {
        code: "DL3003",
        side: Side::OursOnly,
        verdict: Verdict::HadolintFalseNegative,
        name: "`cd` in an `ONBUILD RUN` (hadolint does not look inside ONBUILD for DL3003)",
        test: |c| c.inst().kind == Kind::Onbuild,
    },
    Class {
        code: "DL3006",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "`FROM` image built from a build argument that names a stage or has no default",
        test: from_image_has_variable,
    },
    Class {
        code: "DL3006",
        side: Side::OursOnly,
        verdict: Verdict::HadolintFalseNegative,
        name: "`FROM $ARG` whose default value is an untagged image",
        test: from_image_has_variable,
    },
    Class {
        code: "DL3008",
        side: Side::OursOnly,
        verdict: Verdict::HadolintFalseNegative,
        name: "unpinned packages installed with `apt install` (hadolint's DL3008 reads apt-get only)",
        test: |c| c.message.contains("`apt install"),
    },
    Class {
        code: "DL3009",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "lists removed with `apt-get dist-clean` (APT 2.7.8+)",
        test: |c| {
            c.any_command(|cmd| {
                (cmd.is("apt-get") || cmd.is("apt"))
                    && cmd
                        .args
                        .iter()
                        .any(|a| a == "dist-clean" || a == "distclean")
            })
        },
    },
    Class {
        code: "DL3009",
        side: Side::OursOnly,
        verdict: Verdict::HadolintFalseNegative,
        name: "lists removed before the last `apt-get update` of the RUN, which downloads them again",
        test: |c| c.any_command(|cmd| removes(cmd, "/var/lib/apt/lists")),
    },
    Class {
        code: "DL3013",
        side: Side::OursOnly,
        verdict: Verdict::HadolintFalseNegative,
        name: "pip run by a path built from variables (`\"$CONDA_DIR/bin/pip\" install …`)",
        test: |c| c.any_command(|cmd| cmd.program() == "pip" && cmd.name.contains('$')),
    },
    Class {
        code: "DL3014",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "`apt-get install -s` (a simulation never prompts)",
        test: |c| {
            c.any_command(|cmd| {
                cmd.is("apt-get")
                    && cmd.has_flag(&["-s", "--simulate", "--dry-run", "--just-print", "--no-act"])
            })
        },
    },
    Class {
        code: "DL3019",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "`apk add --no-network` (nothing is downloaded; `--no-cache` would break it)",
        test: |c| {
            let adds: Vec<&Command> = c
                .commands()
                .iter()
                .filter(|cmd| cmd.is("apk") && cmd.has_arg("add") && !cmd.has_arg("--no-cache"))
                .collect();
            !adds.is_empty() && adds.iter().all(|cmd| cmd.has_arg("--no-network"))
        },
    },
    Class {
        code: "DL3025",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "valid JSON form that hadolint reads as shell form (`\\\\\\\"`, an escaped backslash then an escaped quote)",
        test: |c| matches!(c.inst().command(), Some(CommandForm::Exec { .. })),
    },
    Class {
        code: "DL3062",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "`go install` of a local package (`.`) with option values hadolint takes for packages",
        test: |c| {
            c.any_command(|cmd| {
                cmd.is("go")
                    && cmd.has_arg("install")
                    && cmd.args.iter().any(|a| a == "." || a.starts_with("./"))
            })
        },
    },
    Class {
        code: "DL3064",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "user names (`ARG USERNAME=vscode`): the substring `username`",
        test: |c| {
            c.keys()
                .iter()
                .any(|k| k.to_ascii_lowercase().contains("username"))
        },
    },
    Class {
        code: "DL3064",
        side: Side::HadolintOnly,
        verdict: Verdict::HadolintFalsePositive,
        name: "`*_FILE` variables that name a file (`MINIO_SECRET_KEY_FILE=secret_key`)",
        test: |c| c.keys().iter().any(|k| k.ends_with("_FILE")),
    },
];

#[derive(Default, Clone, Copy)]
struct Counts {
    hadolint: usize,
    ours: usize,
    both: usize,
    h_only: usize,
    o_only: usize,
    /// Disagreements in a documented class (where hadolint is wrong).
    explained: usize,
}

fn percent(num: usize, denom: usize) -> Option<f64> {
    (denom > 0).then(|| num as f64 / denom as f64 * 100.0)
}

impl Counts {
    fn disagreements(&self) -> usize {
        self.h_only + self.o_only
    }

    fn agreement(&self) -> Option<f64> {
        percent(self.both, self.both + self.disagreements())
    }

    /// The agreement once the documented disagreements are left out.
    fn agreement_unexplained(&self) -> Option<f64> {
        percent(self.both, self.both + self.disagreements() - self.explained)
    }

    fn add(&mut self, o: &Counts) {
        self.hadolint += o.hadolint;
        self.ours += o.ours;
        self.both += o.both;
        self.h_only += o.h_only;
        self.o_only += o.o_only;
        self.explained += o.explained;
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_string(), |a| format!("{a:.1}"))
}

fn print_row(label: &str, c: &Counts) {
    println!(
        "{label:<8} {:>8} {:>6} {:>6} {:>7} {:>7} {:>10} {:>8} {:>12}",
        c.hadolint,
        c.ours,
        c.both,
        c.h_only,
        c.o_only,
        c.explained,
        pct(c.agreement()),
        pct(c.agreement_unexplained()),
    );
}

/// What one run of dockguard over the corpus gives.
struct OurRun {
    /// Our findings on the compared files, by triple, with their message.
    ours: BTreeMap<Triple, String>,
    panics: Vec<(String, String)>,
    syntax: BTreeMap<String, Vec<(u32, String)>>,
    models: BTreeMap<String, Model>,
}

fn run_ours(
    names: &[String],
    corpus: &Path,
    config: &Config,
    unparsed: &BTreeMap<&str, (u32, &str)>,
    implemented: &BTreeSet<&str>,
) -> OurRun {
    let mut run = OurRun {
        ours: BTreeMap::new(),
        panics: Vec::new(),
        syntax: BTreeMap::new(),
        models: BTreeMap::new(),
    };
    for name in names {
        match check_file(name, &corpus.join(name), config) {
            Ok(fr) => {
                if !fr.syntax_errors.is_empty() {
                    run.syntax.insert(name.clone(), fr.syntax_errors);
                }
                if !unparsed.contains_key(name.as_str()) {
                    for ((line, code), message) in fr.ours {
                        if implemented.contains(code.as_str()) {
                            run.ours.insert((name.clone(), line, code), message);
                        }
                    }
                }
                run.models.insert(name.clone(), fr.model);
            }
            Err(e) => run.panics.push((name.clone(), e)),
        }
    }
    run
}

/// One disagreement: its side, triple, message and class (if documented).
type Disagreement<'a> = (Side, &'a Triple, &'a str, Option<&'static Class>);

/// The comparison of one run with hadolint's findings.
struct Tally<'a> {
    per_code: BTreeMap<&'a str, Counts>,
    total: Counts,
    disagreements: Vec<Disagreement<'a>>,
}

fn tally<'a>(
    theirs: &'a BTreeMap<Triple, &'a str>,
    run: &'a OurRun,
    implemented: &BTreeSet<&'a str>,
) -> Tally<'a> {
    let ours = &run.ours;
    // Every disagreement, with its class.
    let mut disagreements: Vec<Disagreement<'a>> = Vec::new();
    let h_only = theirs
        .iter()
        .filter(|(t, _)| !ours.contains_key(*t))
        .map(|(t, m)| (Side::HadolintOnly, t, *m));
    let o_only = ours
        .iter()
        .filter(|(t, _)| !theirs.contains_key(*t))
        .map(|(t, m)| (Side::OursOnly, t, m.as_str()));
    for (side, t, message) in h_only.chain(o_only) {
        let class = run.models.get(&t.0).and_then(|model| {
            let idx = instruction_on(model, t.1)?;
            let case = Case {
                model,
                idx,
                message,
            };
            CLASSES
                .iter()
                .find(|c| c.code == t.2 && c.side == side && (c.test)(&case))
        });
        disagreements.push((side, t, message, class));
    }

    let mut total = Counts::default();
    let mut per_code: BTreeMap<&str, Counts> = BTreeMap::new();
    for code in implemented {
        let mut c = Counts {
            hadolint: theirs.keys().filter(|t| t.2 == *code).count(),
            ours: ours.keys().filter(|t| t.2 == *code).count(),
            both: theirs
                .keys()
                .filter(|t| t.2 == *code && ours.contains_key(*t))
                .count(),
            ..Counts::default()
        };
        for (side, _, _, class) in disagreements.iter().filter(|d| d.1.2 == *code) {
            match side {
                Side::HadolintOnly => c.h_only += 1,
                Side::OursOnly => c.o_only += 1,
            }
            c.explained += usize::from(class.is_some());
        }
        total.add(&c);
        per_code.insert(code, c);
    }
    Tally {
        per_code,
        total,
        disagreements,
    }
}

fn main() -> ExitCode {
    let cli = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let results: Vec<HadolintResult> = match std::fs::read_to_string(&cli.hadolint)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", cli.hadolint.display());
            return ExitCode::from(2);
        }
    };
    let mut names: Vec<String> = match std::fs::read_dir(&cli.corpus) {
        Ok(dir) => dir
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(e) => {
            eprintln!("error: {}: {e}", cli.corpus.display());
            return ExitCode::from(2);
        }
    };
    names.sort();

    // The DL codes we implement: those a default-enabled rule refers to.
    let implemented: BTreeSet<&str> = RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.default_enabled)
        .flat_map(|m| m.references.iter())
        .filter(|r| r.kind == RefKind::Hadolint && r.id != "DL1000")
        .map(|r| r.id.as_ref())
        .collect();

    let unparsed: BTreeMap<&str, (u32, &str)> = results
        .iter()
        .filter(|r| r.code == "DL1000")
        .map(|r| (r.file.as_str(), (r.line, r.message.as_str())))
        .collect();
    let mut theirs: BTreeMap<Triple, &str> = BTreeMap::new();
    for r in &results {
        if implemented.contains(r.code.as_str()) && !unparsed.contains_key(r.file.as_str()) {
            theirs
                .entry((r.file.clone(), r.line, r.code.clone()))
                .or_insert(r.message.as_str());
        }
    }

    // Silence the default panic message; panics are reported below.
    std::panic::set_hook(Box::new(|_| {}));
    let default_run = run_ours(
        &names,
        &cli.corpus,
        &Config::default(),
        &unparsed,
        &implemented,
    );
    let compat_config = Config {
        hadolint_compat: true,
        ..Config::default()
    };
    let compat_run = run_ours(&names, &cli.corpus, &compat_config, &unparsed, &implemented);
    let known: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let missing = results
        .iter()
        .map(|r| r.file.as_str())
        .filter(|f| !known.contains(f))
        .collect::<BTreeSet<_>>()
        .len();

    let default_tally = tally(&theirs, &default_run, &implemented);
    let compat_tally = tally(&theirs, &compat_run, &implemented);
    let (run, shown) = if cli.compat {
        (&compat_run, &compat_tally)
    } else {
        (&default_run, &default_tally)
    };
    let (panics, syntax, models) = (&run.panics, &run.syntax, &run.models);
    let (per_code, total, disagreements) = (&shown.per_code, &shown.total, &shown.disagreements);

    let compared = names.len() - unparsed.keys().filter(|f| known.contains(*f)).count();
    println!(
        "mode: {}",
        if cli.compat {
            "hadolint compatibility (--hadolint-compat)"
        } else {
            "default"
        }
    );
    println!(
        "files: {} in {}, {} compared, {} left out (hadolint DL1000)",
        names.len(),
        cli.corpus.display(),
        compared,
        unparsed.len()
    );
    if missing > 0 {
        println!("warning: {missing} files in the hadolint output are not in the directory");
    }
    println!();
    println!(
        "{:<8} {:>8} {:>6} {:>6} {:>7} {:>7} {:>10} {:>8} {:>12}",
        "code",
        "hadolint",
        "ours",
        "both",
        "h-only",
        "o-only",
        "explained",
        "agree%",
        "unexplained%"
    );
    for (code, c) in per_code {
        print_row(code, c);
    }
    print_row("overall", total);
    println!(
        "agree% = both / (both + h-only + o-only); unexplained% leaves out the `explained` \
         disagreements, those in a documented class where hadolint is wrong"
    );
    let below: Vec<String> = per_code
        .iter()
        .filter(|(_, c)| c.agreement().is_some_and(|a| a < 95.0))
        .map(|(code, c)| format!("{code} ({})", pct(c.agreement())))
        .collect();
    println!(
        "codes below 95% (raw): {}",
        if below.is_empty() {
            "none".to_string()
        } else {
            below.join(", ")
        }
    );
    for (label, t) in [
        ("default", &default_tally),
        ("hadolint compatibility mode", &compat_tally),
    ] {
        let below = t
            .per_code
            .values()
            .filter(|c| c.agreement().is_some_and(|a| a < 95.0))
            .count();
        println!(
            "overall agreement, {label}: {}/{} = {}% ({} hadolint only, {} ours only; {} codes below 95%)",
            t.total.both,
            t.total.both + t.total.disagreements(),
            t.total
                .agreement()
                .map_or_else(|| "-".to_string(), |a| format!("{a:.2}")),
            t.total.h_only,
            t.total.o_only,
            below
        );
    }

    println!();
    println!("disagreement classes:");
    let mut classes: BTreeMap<(&str, Side, &str, &str), (usize, String)> = BTreeMap::new();
    for (side, t, _, class) in disagreements {
        let (verdict, name) = class.map_or(("UNCLASSIFIED", "-"), |c| (c.verdict.label(), c.name));
        let entry = classes
            .entry((t.2.as_str(), *side, verdict, name))
            .or_insert_with(|| (0, format!("{}:{}", t.0, t.1)));
        entry.0 += 1;
    }
    for ((code, side, verdict, name), (count, example)) in &classes {
        let side = match side {
            Side::HadolintOnly => "hadolint only",
            Side::OursOnly => "ours only",
        };
        println!("  {code} {side:<13} {count:>4}  {verdict:<23}  {name}\n      e.g. {example}");
    }

    println!();
    println!("panics: {}", panics.len());
    for (name, e) in panics {
        println!("  {name}: {e}");
    }

    println!();
    let unparsed_with_errors = unparsed.keys().filter(|f| syntax.contains_key(**f)).count();
    println!(
        "files hadolint could not parse (DL1000): {}, of which {} get DF000/DF002 from us",
        unparsed.len(),
        unparsed_with_errors
    );
    for (file, (line, message)) in &unparsed {
        let first = message.lines().next().unwrap_or("");
        let ours = syntax.get(*file).map_or_else(
            || "-".into(),
            |e| {
                e.iter()
                    .map(|(l, m)| format!("{l}: {m}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        );
        println!("  {file}\n      hadolint {line}: {first}\n      ours: {ours}");
    }
    println!();
    println!(
        "files with DF000/DF002 errors (BuildKit refuses to build them): {}",
        syntax.len()
    );
    for (file, errors) in syntax {
        for (line, message) in errors {
            println!("  {file}:{line}: {message}");
        }
    }

    if cli.files {
        println!();
        println!("disagreements per file:");
        let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, t, _, _) in disagreements {
            *per_file.entry(t.0.as_str()).or_default() += 1;
        }
        let mut v: Vec<_> = per_file.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (file, n) in v {
            println!("  {n:4} {file}");
        }
    }

    for code in &cli.details {
        for wanted in [Side::HadolintOnly, Side::OursOnly] {
            println!();
            println!(
                "== {code}: {} ==",
                match wanted {
                    Side::HadolintOnly => "hadolint only",
                    Side::OursOnly => "ours only",
                }
            );
            for (_, (file, line, _), message, class) in disagreements
                .iter()
                .filter(|d| d.0 == wanted && &d.1.2 == code)
            {
                let src = models
                    .get(file)
                    .map(|m| source_line(m, *line))
                    .unwrap_or_default();
                let class = class.map_or("unclassified", |c| c.name);
                println!("  {file}:{line}: {message}\n      | {src}\n      [{class}]");
            }
        }
    }
    if default_run.panics.is_empty() && compat_run.panics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
