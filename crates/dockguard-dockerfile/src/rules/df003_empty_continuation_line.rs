use super::{Ctx, Diagnostic, Rule};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports empty lines inside an instruction continued with `\`. The finding points at the
    /// escape character before the empty line(s).
    ///
    /// ## Why is this bad?
    /// BuildKit skips such lines but warns that they "will become errors in a future release".
    /// They also hide where an instruction really ends: a reader takes the empty line for the
    /// end of the `RUN`, while the next line still belongs to it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache \
    ///
    ///     curl
    /// ```
    ///
    /// ## Fix
    /// Delete the empty lines (`--fix` does), or end the instruction before them.
    pub struct EmptyContinuationLine {
        code: "DF003",
        name: "empty-continuation-line",
        step: TrustedImages,
        severity: Info,
        summary: "Empty line inside a line continuation",
        references: [Buildkit "NoEmptyContinuation"],
        fixable: true,
    }
}

impl Rule for EmptyContinuationLine {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let text = ctx.text();
        let lines = &ctx.model.df.empty_continuation_lines;
        let mut i = 0;
        while i < lines.len() {
            // Consecutive empty lines form one finding.
            let first = lines[i].clone();
            let mut last = first.clone();
            while let Some(next) = lines.get(i + 1)
                && line_after(text, last.end) == next.start
            {
                last = next.clone();
                i += 1;
            }
            i += 1;
            let start = escape_before(text, first.start);
            let count = ctx.model.df.line_of(last.start) - ctx.model.df.line_of(first.start) + 1;
            let message = if count == 1 {
                "empty continuation line: the instruction goes on after it".to_string()
            } else {
                format!("{count} empty continuation lines: the instruction goes on after them")
            };
            let edit = Edit {
                span: first.start..line_after(text, last.end),
                replacement: String::new(),
            };
            out.push(
                Diagnostic::new(start..last.end, message)
                    .with_fix("delete the empty lines", vec![edit]),
            );
        }
    }
}

/// The offset after the line break that ends at or after `end`.
fn line_after(text: &str, end: usize) -> usize {
    text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
}

/// The last non-blank character before `offset` (the `\` of the continued line).
fn escape_before(text: &str, offset: usize) -> usize {
    text[..offset]
        .trim_end()
        .char_indices()
        .next_back()
        .map_or(offset, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&EmptyContinuationLine);
    }

    #[test]
    fn fix_deletes_the_empty_lines() {
        let text = "FROM a\nRUN echo \\\n\n   \r\n    hi\nRUN x \\\n\n    y\n";
        let fixed = testing::fixed(&EmptyContinuationLine, text);
        assert_eq!(fixed, "FROM a\nRUN echo \\\n    hi\nRUN x \\\n    y\n");
        assert!(testing::run(&EmptyContinuationLine, &fixed).is_empty());
        let d = testing::run(&EmptyContinuationLine, text);
        assert_eq!(d.len(), 2);
        assert!(d[0].message.starts_with("2 empty"));
    }
}
