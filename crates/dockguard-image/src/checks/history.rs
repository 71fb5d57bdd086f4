//! The image's `history[]` judged by the Dockerfile rules: every `created_by` is turned back
//! into the Dockerfile instruction that made it ([`history_to_dockerfile`]), the text is run
//! through [`dockguard_dockerfile::check`], and the findings of the rules that make sense on
//! history ([`HISTORY_RULES`]) are moved onto the history entry they came from
//! (`<image>#history[N]`, line `N + 1`). One rule, every source: `apt-get update` alone,
//! `curl … | sh`, `sudo`, `ADD <url>`, secrets in `ENV`/`ARG` and the build arguments a `RUN`
//! saw (`RUN |1 TOKEN=… /bin/sh -c …`) are reported with the same `DF` codes as in a
//! Dockerfile.
//!
//! `created_by` forms understood:
//! - classic builder: `/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c #(nop) ADD file:abc in / `,
//!   `/bin/sh -c apt-get update` (a `RUN`), `|2 K=v K2=v2 /bin/sh -c …` (a `RUN` with the build
//!   arguments it used);
//! - BuildKit: `RUN /bin/sh -c apt-get update # buildkit`, `RUN |1 K=v /bin/sh -c … # buildkit`,
//!   `ENV A=b`, `COPY … # buildkit`, `ADD … # buildkit`, `USER 1000`, `WORKDIR /x`, ….
//!
//! Only `RUN`, `ADD`, `COPY`, `ENV`, `ARG`, `LABEL`, `USER` and `WORKDIR` are rebuilt: the others
//! (`CMD`, `EXPOSE`, `HEALTHCHECK`, `VOLUME`, …) are judged from the image config by the `IM`
//! rules, and history often records them in forms that are not Dockerfile syntax
//! (`EXPOSE map[22/tcp:{}]`, `HEALTHCHECK &{…}`).

use dockguard_core::Finding;

use super::{ImageCtx, location};
use crate::config::History;

/// The `DF` rules whose findings are kept on history, and why only these: they judge what a
/// `RUN` script does (privilege, permissions, package manager updates, downloads piped to a
/// shell, disabled TLS or signature checks, SSH servers), what an `ADD` fetches, and secrets in
/// `ENV`/`ARG`/`LABEL` values, build arguments and `RUN` command lines — all of which the
/// history records verbatim.
///
/// Left out on purpose: syntax, casing and format rules (`DF000`–`DF009`; history is rebuilt
/// text, not the author's file), base-image rules (`DF1xx`; the rebuilt text starts `FROM
/// scratch`), `RUN --security`/`--network` flags (`DF206`, `DF207`; not recorded), user rules of
/// the final stage (`DF200`, `DF204`, `DF208`; `IM200` judges the image's user), `DF302` (classic
/// history names copied files by hash; `IM301` scans the files themselves), package pinning and
/// cache hygiene (`DF400`–`DF404`, `DF407`–`DF424`; style and size, noisy on every base image),
/// instruction-shape rules (`DF5xx`: CMD form, labels, stages, `ADD` vs `COPY` — history loses
/// the source names), and Dockerfile-style rules (`DF701`–`DF710`).
pub const HISTORY_RULES: &[&str] = &[
    "DF201", "DF202", "DF205", "DF300", "DF301", "DF303", "DF304", "DF405", "DF406", "DF600",
    "DF601", "DF602", "DF603", "DF604", "DF605", "DF606", "DF607", "DF608", "DF609", "DF610",
    "DF611", "DF612", "DF613", "DF614", "DF700",
];

/// Longest `created_by` quoted in a message.
const QUOTE_MAX: usize = 80;

/// Rebuilds a Dockerfile from `history`: the text (starting with `FROM scratch`) and, for each
/// of its lines, the index in `history` it came from (`usize::MAX` for the `FROM` line).
pub fn history_to_dockerfile(history: &[History]) -> (String, Vec<usize>) {
    let mut text = String::from("FROM scratch\n");
    let mut lines = vec![usize::MAX];
    let mut seen_args: Vec<(String, String)> = Vec::new();
    for (index, entry) in history.iter().enumerate() {
        let Some(created_by) = entry.created_by.as_deref() else {
            continue;
        };
        for instruction in convert(created_by, &mut seen_args) {
            // A command spread over several lines stays one instruction.
            let mut physical = instruction.lines().peekable();
            while let Some(line) = physical.next() {
                text.push_str(line);
                if physical.peek().is_some() {
                    text.push_str(" \\");
                }
                text.push('\n');
                lines.push(index);
            }
        }
    }
    (text, lines)
}

/// The instructions one `created_by` stands for (none when it is not understood or not
/// rebuilt).
fn convert(created_by: &str, seen_args: &mut Vec<(String, String)>) -> Vec<String> {
    let s = created_by.trim();
    // BuildKit: `RUN … # buildkit`, `COPY … # buildkit`.
    let s = s.strip_suffix("# buildkit").map_or(s, str::trim_end);
    // Classic builder metadata: `/bin/sh -c #(nop)  ENV A=b`.
    if let Some(pos) = s.find("#(nop)") {
        return instruction(s[pos + "#(nop)".len()..].trim())
            .into_iter()
            .collect();
    }
    if let Some(rest) = strip_keyword(s, "RUN") {
        return run(rest, seen_args);
    }
    if s.starts_with('|') || s.starts_with("/bin/sh -c") {
        return run(s, seen_args);
    }
    instruction(s).into_iter().collect()
}

/// `keyword` at the start of `s` (case-sensitive, as both builders write it) and the rest.
fn strip_keyword<'a>(s: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(keyword)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// A non-RUN instruction, rebuilt when it is one the history rules judge.
fn instruction(s: &str) -> Option<String> {
    let keyword = s.split_whitespace().next()?;
    match keyword {
        "ADD" | "COPY" => {
            // Classic: `ADD file:abc in /dest ` → `ADD file:abc /dest`.
            let s = s.trim_end();
            Some(match s.rfind(" in ") {
                Some(pos) if keyword_flags_only(&s[keyword.len()..pos]) => {
                    format!("{} {}", &s[..pos], s[pos + 4..].trim())
                }
                _ => s.to_string(),
            })
        }
        "ENV" | "ARG" | "LABEL" | "USER" | "WORKDIR" => Some(s.trim_end().to_string()),
        _ => None,
    }
}

/// Whether the words between `ADD`/`COPY` and ` in ` are flags and one source (the classic
/// builder's `file:<hash>`), so ` in ` is the builder's separator and not part of a path.
fn keyword_flags_only(between: &str) -> bool {
    between
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .count()
        == 1
}

/// A RUN: `|N k=v … /bin/sh -c cmd` → `ARG k=v` lines (those not already shown) then
/// `RUN cmd`.
fn run(s: &str, seen_args: &mut Vec<(String, String)>) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    if let Some(counted) = rest.strip_prefix('|') {
        let digits = counted
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(counted.len());
        let count: usize = counted[..digits].parse().unwrap_or(0);
        rest = counted[digits..].trim_start();
        for _ in 0..count {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let arg = &rest[..end];
            rest = rest[end..].trim_start();
            let (key, value) = arg.split_once('=').unwrap_or((arg, ""));
            if key.is_empty() {
                continue;
            }
            let pair = (key.to_string(), value.to_string());
            if !seen_args.contains(&pair) {
                out.push(format!("ARG {key}={}", quote(value)));
                seen_args.push(pair);
            }
        }
    }
    let command = rest
        .strip_prefix("/bin/sh -c")
        .map_or(rest, str::trim_start);
    if !command.is_empty() {
        out.push(format!("RUN {command}"));
    }
    out
}

/// `value` as an ARG value: bare when it is one plain word, double-quoted otherwise.
fn quote(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | '$' | '`'))
    {
        return value.to_string();
    }
    let mut q = String::from("\"");
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// The findings of [`HISTORY_RULES`] on the image's history, located at
/// `<image>#history[N]`.
pub fn check(ctx: &ImageCtx) -> Vec<Finding> {
    let history = &ctx.config.history;
    if history.is_empty() {
        return Vec::new();
    }
    let (text, lines) = history_to_dockerfile(history);
    let file = format!("{}#history", ctx.name);
    let checked = dockguard_dockerfile::check(&file, None, &text, ctx.settings);
    let mut out: Vec<Finding> = Vec::new();
    for mut finding in checked.findings {
        if !HISTORY_RULES.contains(&finding.code.as_ref()) {
            continue;
        }
        let line = finding.location.line as usize;
        let Some(&index) = line.checked_sub(1).and_then(|l| lines.get(l)) else {
            continue;
        };
        if index == usize::MAX {
            continue;
        }
        finding.message = if finding.code.starts_with("DF3") {
            // The entry holds the secret the (masking) message is about: not quoted.
            format!("history[{index}]: {}", finding.message)
        } else {
            let created_by = history[index].created_by.as_deref().unwrap_or_default();
            format!(
                "history[{index}] `{}`: {}",
                shorten(&mask_build_args(created_by.trim())),
                finding.message
            )
        };
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        finding.location = location(format!("{}[{index}]", file), line, 1);
        finding.fix = None;
        if !out.iter().any(|f| {
            f.code == finding.code && f.location == finding.location && f.message == finding.message
        }) {
            out.push(finding);
        }
    }
    secrets_in_other_entries(ctx, &file, &mut out);
    out
}

/// IM300 for history entries that hold a secret the Dockerfile rules do not see there (a
/// `LABEL` value, a token under an innocent name): the file scanner's rules on `created_by`.
fn secrets_in_other_entries(ctx: &ImageCtx, file: &str, out: &mut Vec<Finding>) {
    let meta = &super::im300_secret_in_image_env::SecretInImageEnv::META;
    if !ctx.settings.is_enabled(meta.code, meta.default_enabled) {
        return;
    }
    for (index, entry) in ctx.config.history.iter().enumerate() {
        let Some(created_by) = entry.created_by.as_deref() else {
            continue;
        };
        let prefix = format!("{file}[{index}]");
        if out
            .iter()
            .any(|f| f.code.starts_with("DF3") && f.location.file == prefix)
        {
            continue;
        }
        let found = ctx
            .facts
            .secrets
            .scanner()
            .scan("history", created_by.as_bytes());
        if let Some(m) = found.first() {
            let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
            out.push(ctx.finding(
                meta,
                format!(
                    "history[{index}] holds {} (`{}`): every pull of the image ships it",
                    m.rule.title, m.masked
                ),
                location(prefix, line, 1),
            ));
        }
    }
}

/// `created_by` with the values of a RUN's build arguments (`|2 K=v K2=v2 …`) masked: they are
/// often secrets.
fn mask_build_args(created_by: &str) -> String {
    let (head, rest) = match created_by.strip_prefix("RUN ") {
        Some(rest) => ("RUN ", rest.trim_start()),
        None => ("", created_by),
    };
    let Some(counted) = rest.strip_prefix('|') else {
        return created_by.to_string();
    };
    let digits = counted
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(counted.len());
    let count: usize = counted[..digits].parse().unwrap_or(0);
    let mut out = format!("{head}|{}", &counted[..digits]);
    let mut rest = counted[digits..].trim_start();
    for _ in 0..count {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let key = rest[..end].split_once('=').map_or(&rest[..end], |(k, _)| k);
        out.push_str(&format!(" {key}=…"));
        rest = rest[end..].trim_start();
    }
    if !rest.is_empty() {
        out.push(' ');
        out.push_str(rest);
    }
    out
}

/// `s` cut to [`QUOTE_MAX`] characters, with `…` when cut.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(QUOTE_MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::analyze;
    use crate::checks::testing::{image, layer};
    use crate::walk::Limits;
    use dockguard_core::Config;

    fn entries(created_by: &[&str]) -> Vec<History> {
        created_by
            .iter()
            .map(|c| History {
                created_by: Some((*c).to_string()),
                empty_layer: !c.contains("RUN") && c.contains("#(nop)"),
                ..History::default()
            })
            .collect()
    }

    #[test]
    fn secrets_the_dockerfile_rules_do_not_see() {
        let hook = format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            "0A1B2C3D4", "5E6F7G8H9", "q7Vx2LmN9pRt4WzYb6Kc8Hd1"
        );
        let label = format!("/bin/sh -c #(nop)  LABEL com.acme.alerts={hook}");
        let mut img = image("{}", vec![layer(&[])]);
        img.config_mut().history = entries(&[&label, "/bin/sh -c #(nop)  LABEL a=b"]);
        let findings = analyze(&img, "img", &Config::default(), &Limits::default())
            .unwrap()
            .findings;
        let im300: Vec<&Finding> = findings.iter().filter(|f| f.code == "IM300").collect();
        assert_eq!(im300.len(), 1, "{findings:#?}");
        assert_eq!(im300[0].location.file, "img#history[0]");
        assert!(
            !im300[0].message.contains("q7Vx2LmN9"),
            "{}",
            im300[0].message
        );
    }

    /// The findings of the history check on an image with these `created_by` entries.
    fn run_history(created_by: &[&str]) -> Vec<Finding> {
        let mut img = image("{}", vec![layer(&[])]);
        img.config_mut().history = entries(created_by);
        let settings = Config::default();
        analyze(&img, "img", &settings, &Limits::default())
            .unwrap()
            .findings
            .into_iter()
            .filter(|f| f.code.starts_with("DF"))
            .collect()
    }

    fn has(findings: &[Finding], code: &str, index: usize) -> bool {
        findings.iter().any(|f| {
            f.code == code
                && f.location.file == format!("img#history[{index}]")
                && f.location.line as usize == index + 1
                && f.location.column == 1
                && f.message.starts_with(&format!("history[{index}]"))
                && !f.message.contains("wJalrXUtnFEMI/K7MDENG")
        })
    }

    #[test]
    fn converts_classic_and_buildkit_forms() {
        let (text, lines) = history_to_dockerfile(&entries(&[
            "/bin/sh -c #(nop) ADD file:abc in / ",
            "/bin/sh -c #(nop)  CMD [\"sh\"]",
            "/bin/sh -c #(nop)  ENV A=b",
            "/bin/sh -c apt-get update",
            "|2 TOKEN=x VERSION=1 /bin/sh -c echo hi",
            "RUN /bin/sh -c apt-get update # buildkit",
            "RUN |1 TOKEN=x /bin/sh -c echo again # buildkit",
            "COPY dir / # buildkit",
            "USER 1000",
            "WORKDIR /x",
            "EXPOSE map[22/tcp:{}]",
        ]));
        assert_eq!(
            text,
            "FROM scratch\n\
             ADD file:abc /\n\
             ENV A=b\n\
             RUN apt-get update\n\
             ARG TOKEN=x\n\
             ARG VERSION=1\n\
             RUN echo hi\n\
             RUN apt-get update\n\
             RUN echo again\n\
             COPY dir /\n\
             USER 1000\n\
             WORKDIR /x\n"
        );
        assert_eq!(lines, vec![usize::MAX, 0, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn build_argument_values_are_masked_in_quotes() {
        assert_eq!(
            mask_build_args("|2 TOKEN=s3cr3t V=1 /bin/sh -c apt-get update"),
            "|2 TOKEN=… V=… /bin/sh -c apt-get update"
        );
        assert_eq!(
            mask_build_args("RUN |1 TOKEN=s3cr3t /bin/sh -c x # buildkit"),
            "RUN |1 TOKEN=… /bin/sh -c x # buildkit"
        );
        assert_eq!(mask_build_args("/bin/sh -c x"), "/bin/sh -c x");
        let f = run_history(&["|1 TOKEN=s3cr3t /bin/sh -c apt-get update"]);
        assert!(has(&f, "DF406", 0), "{f:#?}");
        assert!(f.iter().all(|x| !x.message.contains("s3cr3t")), "{f:#?}");
    }

    #[test]
    fn multi_line_commands_stay_one_instruction() {
        let (text, lines) =
            history_to_dockerfile(&entries(&["RUN /bin/sh -c a &&\n b # buildkit"]));
        assert_eq!(text, "FROM scratch\nRUN a && \\\n b\n");
        assert_eq!(lines, vec![usize::MAX, 0, 0]);
    }

    #[test]
    fn classic_history_is_judged_by_the_dockerfile_rules() {
        let f = run_history(&[
            "/bin/sh -c #(nop) ADD file:abc in / ",
            "/bin/sh -c apt-get update",
            "/bin/sh -c curl -fsSL https://example.com/install.sh | sh",
            "/bin/sh -c sudo chmod 700 /root",
            "|1 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT /bin/sh -c echo done",
        ]);
        assert!(has(&f, "DF406", 1), "{f:#?}");
        assert!(has(&f, "DF600", 2), "{f:#?}");
        assert!(has(&f, "DF201", 3), "{f:#?}");
        assert!(has(&f, "DF300", 4), "{f:#?}");
        assert!(has(&f, "DF301", 4), "{f:#?}");
        // The base image's ADD of its root file system is not a finding.
        assert!(
            !f.iter().any(|x| x.location.file == "img#history[0]"),
            "{f:#?}"
        );
        // Dockerfile-only rules never reach an image report.
        assert!(
            f.iter().all(|x| HISTORY_RULES.contains(&x.code.as_ref())),
            "{f:#?}"
        );
    }

    #[test]
    fn buildkit_history_is_judged_by_the_dockerfile_rules() {
        let f = run_history(&[
            "ADD https://example.com/tool.tar.gz /opt/ # buildkit",
            "RUN /bin/sh -c apt-get update || true # buildkit",
            "RUN /bin/sh -c wget -qO- https://example.com/i.sh | bash # buildkit",
            "RUN /bin/sh -c sudo true # buildkit",
            "RUN |1 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT /bin/sh -c echo $AWS_SECRET_ACCESS_KEY # buildkit",
            "ENV GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        ]);
        assert!(has(&f, "DF601", 0), "{f:#?}");
        assert!(has(&f, "DF406", 1), "{f:#?}");
        assert!(has(&f, "DF600", 2), "{f:#?}");
        assert!(has(&f, "DF201", 3), "{f:#?}");
        assert!(has(&f, "DF301", 4), "{f:#?}");
        assert!(has(&f, "DF300", 5), "{f:#?}");
        assert!(has(&f, "DF301", 5), "{f:#?}");
        assert!(has(&f, "DF303", 4), "{f:#?}");
    }

    #[test]
    fn clean_history_has_no_findings() {
        let f = run_history(&[
            "/bin/sh -c #(nop) ADD file:abc in / ",
            "/bin/sh -c #(nop)  CMD [\"sh\"]",
            "RUN /bin/sh -c echo hello # buildkit",
            "USER 1000",
        ]);
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn disabled_rules_stay_disabled() {
        let mut img = image("{}", vec![layer(&[])]);
        img.config_mut().history = entries(&["/bin/sh -c apt-get update"]);
        let mut settings = Config::default();
        settings.rule_choices.insert("DF406".to_string(), false);
        let f = analyze(&img, "img", &settings, &Limits::default())
            .unwrap()
            .findings;
        assert!(!f.iter().any(|x| x.code == "DF406"), "{f:#?}");
    }
}
