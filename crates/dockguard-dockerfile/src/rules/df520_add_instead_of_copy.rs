use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `ADD` whose sources include a local file or directory that is not an archive.
    /// Remote sources (`http://`, `https://`, and — unlike hadolint — git sources `git@…`,
    /// `git://`, `ssh://`) and local archives ADD extracts (`.tar`, `.tar.gz`, `.tgz`, `.bz2`,
    /// `.xz`, `.lzma`, `.Z`…, hadolint's list) are what ADD is for. `.zip` files are not
    /// extracted by ADD, so they are reported. Sources are expanded first; a source that depends
    /// on build arguments without defaults is given the benefit of the doubt.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs and unpacks archives. Used for plain files it
    /// hides that intent, and a file that later becomes an archive gets unpacked by surprise.
    /// `COPY` does exactly what it says.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// ## Fix
    /// Use `COPY requirements.txt /app/`. `--fix` rewrites `ADD` to `COPY` when every source is
    /// a plain local file and no ADD-only flag (`--checksum`, `--keep-git-dir`, `--unpack`) is
    /// used.
    pub struct AddInsteadOfCopy {
        code: "DF520",
        name: "add-instead-of-copy",
        step: TrustedImages,
        severity: Low,
        summary: "ADD used to copy local files",
        references: [Hadolint "DL3020", Trivy "DS-0005", Checkov "CKV_DOCKER_4", Dockle "CIS-DI-0009", Cis "4.9"],
        fixable: true,
    }
}

/// hadolint's archive extensions (`archiveFileFormatExtensions`).
const ARCHIVES: [&str; 15] = [
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

fn is_remote(source: &str) -> bool {
    ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| source.starts_with(p))
}

fn is_archive(source: &str) -> bool {
    ARCHIVES.iter().any(|ext| source.ends_with(ext))
}

impl Rule for AddInsteadOfCopy {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            let (Kind::Add, Args::Files { sources, .. }) = (inst.kind, &inst.args) else {
                continue;
            };
            let mut local = Vec::new();
            let mut special = false;
            for source in sources {
                let e = ctx.model.expand(idx, &source.raw);
                if !e.is_resolved() {
                    special = true;
                    continue;
                }
                if is_remote(&e.value) || is_archive(&e.value) {
                    special = true;
                } else {
                    local.push(e.value);
                }
            }
            if local.is_empty() {
                continue;
            }
            let shown = local.join("`, `");
            let mut d = Diagnostic::new(
                inst.keyword.span.clone(),
                format!("ADD of local `{shown}`: use COPY, ADD is for URLs and archives"),
            );
            let add_only = ["checksum", "keep-git-dir", "unpack"]
                .iter()
                .any(|f| inst.flag(f).is_some());
            if !special && !add_only {
                let copy = if inst.keyword.raw == inst.keyword.raw.to_ascii_lowercase() {
                    "copy"
                } else {
                    "COPY"
                };
                let edit = Edit {
                    span: inst.keyword.span.clone(),
                    replacement: copy.into(),
                };
                d = d.with_fix("replace ADD with COPY", vec![edit]);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&AddInsteadOfCopy);
    }

    #[test]
    fn fix_only_for_plain_local_files() {
        let text = "FROM a\nADD a.txt b/ /app/\nadd x /x\nADD a.txt https://e.com/f /d/\nONBUILD ADD . /src\n";
        let fixed = testing::fixed(&AddInsteadOfCopy, text);
        assert_eq!(
            fixed,
            "FROM a\nCOPY a.txt b/ /app/\ncopy x /x\nADD a.txt https://e.com/f /d/\nONBUILD COPY . /src\n"
        );
        assert_eq!(testing::lines(&AddInsteadOfCopy, &fixed), [4]);
    }
}
