//! Fuzzes the Dockerfile parser and the semantic model.
//!
//! Input: arbitrary bytes; anything that is not valid UTF-8 is skipped (the CLI reads files as
//! UTF-8 before parsing).
//!
//! Asserts, besides "never panics":
//! - `parse` keeps the text as given (`Dockerfile::text == input`);
//! - every span the syntax tree hands out — instructions (and the one an ONBUILD wraps), their
//!   keyword, flags, joined arguments, words, key/value pairs, exec-form commands, heredoc marker
//!   and body spans and heredoc line starts, plus directives, comments, syntax errors and empty
//!   continuation lines — has `start <= end <= text.len()` and both ends on char boundaries, so
//!   `&text[span]` cannot panic;
//! - `Model::new` on the result returns (and its command list can be walked).
#![no_main]

use dockguard_dockerfile::model::Model;
use dockguard_dockerfile::syntax::{
    self, Args, CommandForm, HealthcheckArgs, Instruction, KeyValue, Span, Text, Word,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: dockguard_fuzz::tolerate_caught_dependency_panics(), |data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        dockguard_fuzz::guarded(|| run(text));
    }
});

fn run(text: &str) {
    let df = syntax::parse(text);
    assert_eq!(df.text, text, "parse must keep the text as given");

    for d in &df.directives {
        check_span(text, "directive", &d.span);
    }
    for c in &df.comments {
        check_span(text, "comment", &c.span);
    }
    for e in &df.errors {
        check_span(text, "syntax error", &e.span);
    }
    for s in &df.empty_continuation_lines {
        check_span(text, "empty continuation line", s);
    }
    for ins in &df.instructions {
        check_instruction(text, ins);
    }

    let model = Model::new(df);
    let _ = model.all_commands().count();
}

fn check_span(text: &str, what: &str, span: &Span) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what} span {span:?} is not a valid range of the {}-byte text",
        text.len()
    );
}

fn check_offset(text: &str, what: &str, offset: usize) {
    assert!(
        offset <= text.len() && text.is_char_boundary(offset),
        "{what} offset {offset} is not a char boundary of the {}-byte text",
        text.len()
    );
}

fn check_word(text: &str, what: &str, w: &Word) {
    check_span(text, what, &w.span);
}

fn check_text(text: &str, what: &str, t: &Text) {
    check_span(text, what, &t.full_span());
}

fn check_pair(text: &str, kv: &KeyValue) {
    check_span(text, "key/value pair", &kv.span);
    check_span(text, "key", &kv.key_span);
    check_span(text, "value", &kv.value_span);
}

fn check_command(text: &str, c: &CommandForm) {
    match c {
        CommandForm::Exec { args, span, .. } => {
            check_span(text, "exec form", span);
            for w in args {
                check_word(text, "exec form argument", w);
            }
        }
        CommandForm::Shell { text: t, .. } => check_text(text, "shell form", t),
    }
}

fn check_instruction(text: &str, ins: &Instruction) {
    let name = ins.kind.name();
    check_span(text, &format!("{name} instruction"), &ins.span);
    check_word(text, &format!("{name} keyword"), &ins.keyword);
    check_span(text, &format!("{name} head"), &ins.head_span(text));
    check_text(text, &format!("{name} arguments"), &ins.rest);
    for f in &ins.flags {
        check_span(text, &format!("{name} flag --{}", f.name), &f.span);
    }
    for h in &ins.heredocs {
        check_span(
            text,
            &format!("{name} heredoc marker <<{}", h.name),
            &h.marker_span,
        );
        check_span(
            text,
            &format!("{name} heredoc body <<{}", h.name),
            &h.body_span,
        );
        for &(_, at) in &h.line_starts {
            check_offset(text, &format!("{name} heredoc <<{} line start", h.name), at);
        }
    }
    match &ins.args {
        Args::From {
            image,
            alias,
            as_keyword,
        } => {
            for w in [image, alias, as_keyword].into_iter().flatten() {
                check_word(text, "FROM word", w);
            }
        }
        Args::Command(c) => check_command(text, c),
        Args::Healthcheck(HealthcheckArgs::Cmd(c)) => check_command(text, c),
        Args::Healthcheck(HealthcheckArgs::None) | Args::Shell { .. } => {}
        Args::KeyValues { pairs, .. } | Args::Arg { pairs } => {
            for kv in pairs {
                check_pair(text, kv);
            }
        }
        Args::Files { sources, dest, .. } => {
            for w in sources.iter().chain(dest) {
                check_word(text, "COPY/ADD path", w);
            }
        }
        Args::Words(words) => {
            for w in words {
                check_word(text, &format!("{name} word"), w);
            }
        }
        Args::Onbuild(inner) => {
            if let Some(inner) = inner {
                check_instruction(text, inner);
            }
        }
    }
}
