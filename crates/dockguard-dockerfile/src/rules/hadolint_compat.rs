//! Shared pieces of hadolint compatibility mode (`Config::hadolint_compat`), where rules
//! reproduce hadolint 2.15's findings in the cases docs/hadolint-differences.md documents.
//! Each rule keeps its compatibility branch next to its own logic; this module holds what
//! several rules share.

use crate::model::{ImageRef, Model};
use crate::syntax::{Args, Kind, Word};

/// A `FROM` image as hadolint reads it: the word as written, build arguments not expanded.
pub struct LiteralImage<'a> {
    pub word: &'a Word,
    pub image: ImageRef,
    /// The word names an earlier stage (`FROM build`).
    pub names_stage: bool,
}

/// hadolint compatibility: the `FROM` images of the file without ARG expansion, as hadolint's
/// DL3006 and DL3007 see them (see docs/hadolint-differences.md#compatibility-mode).
pub fn literal_base_images(model: &Model) -> Vec<LiteralImage<'_>> {
    let mut aliases: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for inst in &model.df.instructions {
        let (Kind::From, Args::From { image, alias, .. }) = (inst.kind, &inst.args) else {
            continue;
        };
        if let Some(word) = image {
            out.push(LiteralImage {
                word,
                image: ImageRef::parse(&word.raw),
                names_stage: aliases.iter().any(|a| a.eq_ignore_ascii_case(&word.raw)),
            });
        }
        if let Some(alias) = alias {
            aliases.push(alias.raw.clone());
        }
    }
    out
}
