use super::common_d::{hl_flags, run_commands};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;
use crate::syntax::{Args, Kind, Span};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` (without `--from`) of a local tar archive (`.tar`, `.tar.gz`, `.tgz`,
    /// `.tar.xz`, `.bz2`, …; the destination name counts when it is an archive) that a later
    /// RUN of the same stage extracts: `tar` with `-x…`/`--extract`/`--get`, or `unzip`,
    /// `gunzip`, `bunzip2`, `unxz`, `zcat`… given the archive's file name. Like hadolint, names
    /// are compared by base name; unlike hadolint 2.15.1, which forgets its findings at every
    /// `FROM` and so only reports the last stage, every stage is checked.
    ///
    /// ## Why is this bad?
    /// The archive stays in the COPY layer even if a later RUN deletes it, so the image holds
    /// both the archive and its contents. `ADD` extracts local tar archives in one layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ## Fix
    /// `ADD app.tar.gz /opt/`, or extract from a bind mount without copying:
    /// `RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz tar -xzf /tmp/app.tar.gz -C /opt`.
    pub struct ArchiveCopiedThenExtracted {
        code: "DF709",
        name: "archive-copied-then-extracted",
        step: MinimalImages,
        severity: Info,
        summary: "A local archive is copied then extracted instead of using ADD",
        references: [Hadolint "DL3010"],
    }
}

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

fn basename(path: &str) -> &str {
    let path = path.trim_matches(['"', '\'']);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn is_archive(path: &str) -> bool {
    let path = path.trim_matches(['"', '\'']);
    ARCHIVE_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

fn extracts(cmd: &Command) -> bool {
    match cmd.name.as_str() {
        "tar" => cmd
            .args
            .iter()
            .any(|a| a == "--extract" || a == "--get" || (a.starts_with('-') && a.contains('x'))),
        "unzip" | "gunzip" | "bunzip2" | "unlzma" | "unxz" | "zgz" | "uncompress" | "zcat"
        | "gzcat" => true,
        _ => false,
    }
}

/// The arguments of a command that are not flags, by hadolint's reckoning.
fn non_flag_args(cmd: &Command) -> impl Iterator<Item = &str> {
    let flagged: Vec<usize> = hl_flags(cmd).into_iter().map(|(i, _)| i).collect();
    cmd.args
        .iter()
        .enumerate()
        .filter(move |(i, _)| !flagged.contains(i))
        .map(|(_, a)| a.as_str())
}

impl Rule for ArchiveCopiedThenExtracted {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        // Per stage: (archive base name, the COPY word that brought it, reported yet).
        let mut archives: Vec<(String, Span, bool)> = Vec::new();
        for (idx, inst) in ctx.instructions() {
            match (&inst.args, inst.kind) {
                (_, Kind::From) => archives.clear(),
                (Args::Files { sources, dest, .. }, Kind::Copy) if inst.flag("from").is_none() => {
                    let dest = dest
                        .as_ref()
                        .map(|d| (d, ctx.model.expand(idx, &d.raw).value));
                    match dest {
                        Some((word, value)) if is_archive(&value) => {
                            archives.push((basename(&value).to_string(), word.span.clone(), false));
                        }
                        _ => {
                            for s in sources {
                                let value = ctx.model.expand(idx, &s.raw).value;
                                if is_archive(&value) {
                                    archives.push((
                                        basename(&value).to_string(),
                                        s.span.clone(),
                                        false,
                                    ));
                                }
                            }
                        }
                    }
                }
                (_, Kind::Run) => {
                    let cmds = run_commands(ctx.model, idx);
                    for (name, span, reported) in archives.iter_mut().filter(|a| !a.2) {
                        let hit = cmds
                            .iter()
                            .filter(|c| extracts(c))
                            .any(|c| non_flag_args(c).any(|a| basename(a) == name.as_str()));
                        if hit {
                            *reported = true;
                            out.push(Diagnostic::new(
                                span.clone(),
                                format!(
                                    "`{name}` is copied and then extracted; `ADD` extracts it without keeping the archive in a layer"
                                ),
                            ));
                        }
                    }
                }
                _ => {}
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
        testing::check_fixtures(&ArchiveCopiedThenExtracted);
    }
}
