use super::*;

fn one(text: &str) -> (Dockerfile, Instruction) {
    let df = parse(text);
    let inst = df.instructions.last().cloned().expect("an instruction");
    (df, inst)
}

fn slice<'a>(df: &'a Dockerfile, span: &Span) -> &'a str {
    &df.text[span.clone()]
}

#[test]
fn bom_crlf_and_keyword_case() {
    let df = parse("\u{feff}from alpine:3.20\r\nrun echo hi\r\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[0].kind, Kind::From);
    assert_eq!(slice(&df, &df.instructions[0].keyword.span), "from");
    let Args::Command(CommandForm::Shell { text, .. }) = &df.instructions[1].args else {
        panic!()
    };
    assert_eq!(text.value, "echo hi");
    assert_eq!(slice(&df, &text.full_span()), "echo hi");
    assert_eq!(df.line_of(df.instructions[1].span.start), 2);
}

#[test]
fn directives_only_at_top() {
    let df = parse(
        "# syntax=docker/dockerfile:1\n#escape=`\n# check = skip=JSONArgsRecommended\n# plain\n# escape=\\\nFROM a\n",
    );
    assert_eq!(df.directives.len(), 3);
    assert_eq!(df.escape, '`');
    assert_eq!(
        df.directive("check").unwrap().value,
        "skip=JSONArgsRecommended"
    );
    // After a plain comment, `escape` is a plain comment too.
    assert_eq!(df.comments.len(), 2);
    assert!(df.errors.is_empty());
    let df = parse("# comment\n# escape=`\nFROM a\n");
    assert_eq!(df.escape, '\\');
    let df = parse("# escape=x\nFROM a\n");
    assert!(df.errors[0].message.contains("invalid escape"));
    let df = parse("# syntax=a\n# syntax=b\nFROM a\n");
    assert!(df.errors[0].message.contains("only one syntax"));
}

#[test]
fn continuations_with_comments_and_empty_lines() {
    let text = "FROM a\nRUN apt-get update \\\n    # a comment\n\n    && apt-get install -y curl \\\n\t\n    && true\nUSER app\n";
    let (df, _) = one(text);
    let run = &df.instructions[1];
    let Args::Command(CommandForm::Shell { text: t, .. }) = &run.args else {
        panic!()
    };
    assert_eq!(
        t.value,
        "apt-get update     && apt-get install -y curl     && true"
    );
    // Spans map back across the joined pieces.
    let pos = t.value.find("install").unwrap();
    assert_eq!(slice(&df, &t.span(pos..pos + 7)), "install");
    assert_eq!(df.line_of(t.span(pos..pos + 7).start), 5);
    assert_eq!(df.empty_continuation_lines.len(), 2);
    assert!(
        df.comments
            .iter()
            .any(|c| c.in_continuation && c.text == "a comment")
    );
    assert_eq!(df.instructions[2].kind, Kind::User);
    assert_eq!(df.line_of(run.span.end), 7);
}

#[test]
fn continuation_at_eof_and_backtick_escape() {
    let (df, inst) = one("FROM a\nRUN echo \\");
    assert!(df.errors.is_empty());
    assert_eq!(inst.rest.value, "echo");
    let (df, inst) = one("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo done\n");
    assert!(df.errors.is_empty());
    assert_eq!(inst.rest.value, "dir c:\\   && echo done");
}

#[test]
fn hash_mid_line_is_an_argument() {
    let (_, inst) = one("FROM a\nRUN echo a # b\n");
    assert_eq!(inst.rest.value, "echo a # b");
}

#[test]
fn exec_and_shell_forms() {
    let (df, inst) = one("FROM a\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n");
    let Some(CommandForm::Exec { values, args, .. }) = inst.command() else {
        panic!()
    };
    assert_eq!(values, &["nginx", "-g", "daemon off;"]);
    assert_eq!(slice(&df, &args[2].span), "\"daemon off;\"");
    let (df, inst) = one("FROM a\nENTRYPOINT ['single', 'quotes']\n");
    assert!(df.errors.is_empty());
    assert!(matches!(
        inst.command(),
        Some(CommandForm::Shell {
            invalid_json: true,
            ..
        })
    ));
    let (df, _) = one("FROM a\nCMD [1, 2]\n");
    assert!(df.errors[0].message.contains("strings only"));
    let (_, inst) = one("FROM a\nCMD echo [x]\n");
    assert!(matches!(
        inst.command(),
        Some(CommandForm::Shell {
            invalid_json: false,
            ..
        })
    ));
}

#[test]
fn flags_of_every_kind() {
    let text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n\
RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=npmrc,env=NPM_TOKEN --network=none --security=insecure go build\n\
COPY --from=build --chown=1000:1000 --chmod=u=rwX,go=rX --link --parents --exclude=*.md src/ /app/\n\
ADD --checksum=sha256:abc --keep-git-dir=true --unpack https://example.com/x.tar.gz /x\n\
COPY --frobnicate=1 a b\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let from = &df.instructions[0];
    assert_eq!(
        from.flag("platform").unwrap().value.as_deref(),
        Some("$BUILDPLATFORM")
    );
    let Args::From { image, alias, .. } = &from.args else {
        panic!()
    };
    assert_eq!(image.as_ref().unwrap().raw, "golang:1.22");
    assert_eq!(alias.as_ref().unwrap().raw, "build");
    let run = &df.instructions[1];
    assert_eq!(run.flags_named("mount").count(), 2);
    assert_eq!(
        run.flag("security").unwrap().value.as_deref(),
        Some("insecure")
    );
    assert_eq!(run.rest.value, "go build");
    let copy = &df.instructions[2];
    assert_eq!(copy.flags.len(), 6);
    assert!(copy.flag("link").unwrap().value.is_none());
    let Args::Files { sources, dest, .. } = &copy.args else {
        panic!()
    };
    assert_eq!(sources[0].raw, "src/");
    assert_eq!(dest.as_ref().unwrap().raw, "/app/");
    // Unknown flags are kept, never a parse failure.
    assert_eq!(df.instructions[4].flags[0].name, "frobnicate");
    assert_eq!(
        slice(&df, &df.instructions[4].flags[0].span),
        "--frobnicate=1"
    );
}

#[test]
fn heredocs() {
    let text = "FROM a\nRUN <<EOF\napt-get update\nEOF\nRUN <<-'SCRIPT' bash\n\techo $HOME\n\tSCRIPT\nCOPY <<FILE1 <<FILE2 /dest/\none\nFILE1\ntwo\nFILE2\nRUN cat <<A >a && 3<<\"B\" cat >b\nbody a\nA\nbody b\nB\nUSER x\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let kinds: Vec<Kind> = df.instructions.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::From,
            Kind::Run,
            Kind::Run,
            Kind::Copy,
            Kind::Run,
            Kind::User
        ]
    );
    let h = &df.instructions[1].heredocs[0];
    assert_eq!(
        (h.name.as_str(), h.body.as_str(), h.expand),
        ("EOF", "apt-get update\n", true)
    );
    let h = &df.instructions[2].heredocs[0];
    assert!(h.strip_tabs && !h.expand);
    assert_eq!(h.body, "echo $HOME\n");
    assert_eq!(slice(&df, &(h.map(5)..h.map(10))), "$HOME");
    assert_eq!(df.instructions[3].heredocs.len(), 2);
    assert_eq!(df.instructions[3].heredocs[1].body, "two\n");
    let run = &df.instructions[4];
    assert_eq!(run.heredocs.len(), 2);
    assert_eq!(run.heredocs[1].fd, Some(3));
    assert_eq!(run.heredocs[1].body, "body b\n");
    assert_eq!(slice(&df, &run.heredocs[0].marker_span), "<<A");
}

#[test]
fn heredoc_after_continuation_and_edge_cases() {
    let text = "FROM a\nRUN --mount=type=cache,target=/c \\\n  <<EOF\n#!/bin/sh\necho hi\nEOF\nRUN echo \"<<NOHEREDOC\"\nRUN <<EMPTY\nEMPTY\nUSER <<X\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[1].heredocs[0].body, "#!/bin/sh\necho hi\n");
    assert!(df.instructions[2].heredocs.is_empty());
    assert_eq!(df.instructions[3].heredocs[0].body, "");
    assert_eq!(df.instructions[4].kind, Kind::User);
    let df = parse("FROM a\nRUN <<EOF\nnever ends\n");
    assert!(df.errors[0].message.contains("unterminated heredoc EOF"));
    // JSON form never has heredocs.
    let df = parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nUSER x\n");
    assert!(df.errors.is_empty());
    assert!(df.instructions[1].heredocs.is_empty());
}

#[test]
fn env_label_arg_grammars() {
    let text = "FROM a\nENV A=1 B=\"two words\" C=three\\ words\nENV LEGACY value with spaces\nLABEL \"com.example.vendor\"=\"ACME\" version=1.0\nARG X Y=2 Z=\nENV BAD\n";
    let df = parse(text);
    let Args::KeyValues { pairs, legacy } = &df.instructions[1].args else {
        panic!()
    };
    assert!(!legacy);
    let got: Vec<(&str, &str)> = pairs
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_deref().unwrap()))
        .collect();
    assert_eq!(
        got,
        [("A", "1"), ("B", "\"two words\""), ("C", "three\\ words")]
    );
    let Args::KeyValues { pairs, legacy } = &df.instructions[2].args else {
        panic!()
    };
    assert!(legacy);
    assert_eq!(pairs[0].value.as_deref(), Some("value with spaces"));
    let Args::KeyValues { pairs, .. } = &df.instructions[3].args else {
        panic!()
    };
    assert_eq!(pairs[0].key, "com.example.vendor");
    let Args::Arg { pairs } = &df.instructions[4].args else {
        panic!()
    };
    let got: Vec<(&str, Option<&str>)> = pairs
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(got, [("X", None), ("Y", Some("2")), ("Z", Some(""))]);
    assert!(
        df.errors
            .iter()
            .any(|e| e.message.contains("ENV must have two arguments"))
    );
}

#[test]
fn onbuild_healthcheck_and_errors() {
    let text = "FROM a\nONBUILD RUN <<EOF\necho x\nEOF\nONBUILD FROM b\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\nHEALTHCHECK NONE\nFROBNICATE x\n";
    let df = parse(text);
    let inner = df.instructions[1].effective();
    assert_eq!(inner.kind, Kind::Run);
    assert_eq!(inner.heredocs[0].body, "echo x\n");
    assert!(df.errors.iter().any(|e| {
        e.message
            .contains("FROM isn't allowed as an ONBUILD trigger")
    }));
    let hc = &df.instructions[3];
    assert_eq!(hc.flag("interval").unwrap().value.as_deref(), Some("5s"));
    assert!(
        matches!(hc.command(), Some(CommandForm::Shell { text, .. }) if text.value == "curl -f http://localhost/")
    );
    assert!(matches!(
        df.instructions[4].args,
        Args::Healthcheck(HealthcheckArgs::None)
    ));
    assert!(
        df.errors
            .iter()
            .any(|e| e.message == "unknown instruction: FROBNICATE")
    );
}

#[test]
fn structure_errors() {
    assert!(parse("").errors[0].message.contains("no instructions"));
    assert!(
        parse("# only a comment\n").errors[0]
            .message
            .contains("no instructions")
    );
    assert!(
        parse("RUN x\n").errors[0]
            .message
            .contains("before the first FROM")
    );
    assert!(parse("ARG V=1\nFROM a:$V\n").errors.is_empty());
    assert!(
        parse("FROM a b\n").errors[0]
            .message
            .contains("one or three")
    );
    assert!(
        parse("FROM a\nCOPY onlyone\n").errors[0]
            .message
            .contains("at least two")
    );
    assert!(
        parse("FROM a AS 1st\n").errors[0]
            .message
            .contains("invalid name for build stage")
    );
    assert!(
        parse("FROM a AS my@stage\n").errors[0]
            .message
            .contains("invalid name for build stage")
    );
    assert!(parse("FROM a AS Build.v1_x-y\n").errors.is_empty());
}

#[test]
fn never_panics_on_odd_input() {
    for text in [
        "\u{feff}",
        "\r",
        "\\",
        "FROM a\nRUN \\\n",
        "FROM a\nRUN <<",
        "FROM a\nRUN <<-",
        "FROM a\nCOPY <<'",
        "FROM \"",
        "FROM a\nENV \"",
        "FROM a\nRUN [\"\\",
        "FROM a\nHEALTHCHECK CMD",
        "FROM a\nONBUILD",
        "# escape=`\n`",
        "FROM a\nLABEL =",
        "FROM é\nRUN é \\\n é\n",
        "FROM a\nARG =\n",
        "FROM a\nRUN 9999999999999999999999<<X\nX\n",
    ] {
        let df = parse(text);
        for inst in &df.instructions {
            let _ = &df.text[inst.span.clone()];
        }
    }
}

#[test]
fn copy_add_words_split_on_whitespace_like_buildkit() {
    // moby/buildkit parser testfiles/escapes: two arguments, the first with an open quote
    // that BuildKit rejects when it expands the word.
    let (df, inst) = one("FROM a\nADD \\conf\\\\\" /.znc\n");
    let Args::Files { sources, dest, .. } = &inst.args else {
        panic!()
    };
    assert_eq!(sources[0].raw, "\\conf\\\\\"");
    assert_eq!(dest.as_ref().unwrap().raw, "/.znc");
    let messages: Vec<&str> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["unexpected end of statement while looking for matching double-quote"]
    );
    assert_eq!(slice(&df, &df.errors[0].span), "\\conf\\\\\"");
    // Quotes do not group words: BuildKit sees `"a`, `b"` and `/c`.
    let (df, inst) = one("FROM a\nCOPY \"a b\" /c\n");
    let Args::Files { sources, .. } = &inst.args else {
        panic!()
    };
    assert_eq!(sources.len(), 2);
    assert_eq!(df.errors.len(), 2);
    // A JSON array must hold strings only (BuildKit's parser rejects it).
    let df = parse("FROM a\nCOPY [\"a\", 1, \"/x\"]\nCMD [1]\n");
    let messages: Vec<&str> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "when using JSON array syntax, arrays must be comprised of strings only",
            "when using JSON array syntax, arrays must be comprised of strings only"
        ]
    );
    // Balanced quotes, escapes, heredocs and JSON are fine.
    for text in [
        "FROM a\nCOPY \"a\" 'b' c\\ /d/\n",
        "FROM a\nCOPY [\"a b\", \"/c\"]\n",
        "FROM a\nCOPY <<\"EOF\" /x\nhi\nEOF\n",
        "# escape=`\nFROM a\nCOPY a`\" /x\n",
    ] {
        assert!(
            parse(text).errors.is_empty(),
            "{text}: {:?}",
            parse(text).errors
        );
    }
}

#[test]
fn healthcheck_errors_read_like_buildkit() {
    let messages =
        |text: &str| -> Vec<String> { parse(text).errors.into_iter().map(|e| e.message).collect() };
    assert_eq!(
        messages("FROM a\nHEALTHCHECK\n"),
        ["HEALTHCHECK requires at least one argument"]
    );
    assert_eq!(
        messages("FROM a\nHEALTHCHECK connect TCP 7000\n"),
        ["Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"]
    );
    assert_eq!(
        messages("FROM a\nHEALTHCHECK CMD\n"),
        ["Missing command after HEALTHCHECK CMD"]
    );
}

#[test]
fn escaped_escape_at_line_end_is_not_a_continuation() {
    // docker-library/mongo's Windows Dockerfiles end a COPY source list with `System32\\`:
    // BuildKit does not continue such a line, so the next instruction stands alone.
    let text =
        "FROM a\nCOPY --from=b \\\n\tC:\\\\x.dll \\\n\tC:\\\\Windows\\\\\n\n# note\nENV V 1\n";
    let df = parse(text);
    let kinds: Vec<Kind> = df.instructions.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [Kind::From, Kind::Copy, Kind::Env]);
    assert!(df.empty_continuation_lines.is_empty());
    let Args::Files { sources, dest, .. } = &df.instructions[1].args else {
        panic!()
    };
    assert_eq!(sources.len(), 1);
    assert_eq!(dest.as_ref().unwrap().raw, "C:\\\\Windows\\\\");
    // The same with the backtick escape, and a lone escape still continues.
    let df = parse("# escape=`\nFROM a\nRUN echo ``\nRUN x `\n`\n  y\n");
    assert_eq!(df.instructions.len(), 3);
    let Args::Command(CommandForm::Shell { text, .. }) = &df.instructions[2].args else {
        panic!()
    };
    assert_eq!(
        text.value.split_whitespace().collect::<Vec<_>>(),
        ["x", "y"]
    );
}
