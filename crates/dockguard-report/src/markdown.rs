//! GitHub-flavoured Markdown, sized for a pull-request comment.

use crate::Report;
use crate::summary::plural;
use std::io::{self, Write};

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let summary = report.summary();
    let files = plural(report.files_scanned, "file", "files");
    writeln!(out, "## dockguard report")?;
    writeln!(out)?;
    if summary.total == 0 {
        writeln!(out, "No findings in {files} scanned.")?;
        return Ok(());
    }

    writeln!(
        out,
        "**{}** in {files} scanned; {} at or above the fail-on threshold (`{}`).",
        plural(summary.total, "finding", "findings"),
        summary.failing,
        summary.fail_on
    )?;
    writeln!(out)?;
    writeln!(out, "| Severity | Count |")?;
    writeln!(out, "| --- | ---: |")?;
    for (severity, count) in summary.severities() {
        writeln!(out, "| {severity} | {count} |")?;
    }

    writeln!(out)?;
    writeln!(out, "| Step | Title | Findings |")?;
    writeln!(out, "| ---: | --- | ---: |")?;
    for (step, count) in summary.steps().filter(|(_, count)| *count > 0) {
        writeln!(out, "| {} | {} | {count} |", step.number(), step.title())?;
    }

    writeln!(out)?;
    writeln!(out, "| Severity | Code | Location | Message |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for finding in report.findings {
        let location = &finding.location;
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            finding.severity,
            code_span(&finding.code),
            code_span(&format!(
                "{}:{}:{}",
                location.file, location.line, location.column
            )),
            cell(&finding.message)
        )?;
    }
    Ok(())
}

/// Text for a table cell: a `|` would end the cell and a newline the row; `<` and `>` would be
/// read as HTML and disappear.
fn cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => escaped.push_str("\\|"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => escaped.push_str("<br>"),
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A code span that survives backticks in its text; inside tables `|` still needs escaping.
fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    if longest_run > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use dockguard_core::{Severity, Step};

    fn markdown(report: &Report) -> String {
        render(|out| write(report, out))
    }

    #[test]
    fn full_report() {
        let sources = sources();
        let findings = sample_findings();
        let expected = "\
## dockguard report

**5 findings** in 3 files scanned; 2 at or above the fail-on threshold (`high`).

| Severity | Count |
| --- | ---: |
| critical | 1 |
| high | 1 |
| medium | 1 |
| low | 1 |
| info | 1 |

| Step | Title | Findings |
| ---: | --- | ---: |
| 2 | Trusted images | 2 |
| 4 | Non-root USER | 1 |
| 7 | Runtime defence | 1 |
| 10 | Secrets | 1 |

| Severity | Code | Location | Message |
| --- | --- | --- | --- |
| high | `DF001` | `Dockerfile:2:1` | The final stage runs as root |
| medium | `DF010` | `Dockerfile:3:1` | Use COPY instead of ADD for local files |
| critical | `DF020` | `Dockerfile:4:13` | Secret `API_KEY` is set with ENV |
| low | `DF030` | `svc/api/Dockerfile:2:5` | Remote script piped into `sh` |
| info | `SC2086` | `z/Dockerfile:7:12` | Double quote to prevent globbing and word splitting. |
";
        assert_eq!(markdown(&report(&findings, &sources)), expected);
    }

    #[test]
    fn no_findings() {
        let sources = sources();
        let mut report = report(&[], &sources);
        assert_eq!(
            markdown(&report),
            "## dockguard report\n\nNo findings in 3 files scanned.\n"
        );
        report.files_scanned = 1;
        assert!(markdown(&report).ends_with("No findings in 1 file scanned.\n"));
    }

    #[test]
    fn cells_are_escaped() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(
            cell("one\ntwo\r\nthree\rfour"),
            "one<br>two<br>three<br>four"
        );
        assert_eq!(cell("COPY <src> <dest>"), "COPY &lt;src&gt; &lt;dest&gt;");
        assert_eq!(cell("x\u{1b}[0m\ty"), "x [0m y");
        assert_eq!(code_span("Dockerfile:1:1"), "`Dockerfile:1:1`");
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("we`ird``"), "``` we`ird`` ```");
    }

    #[test]
    fn hostile_message_keeps_the_row_intact() {
        let sources = sources();
        let mut f = finding(
            "DF001",
            Severity::Low,
            Step::Secrets,
            locate("Dockerfile", "RUN x", "RUN"),
        );
        f.message = "pipe | here\n| fake | row |".into();
        let findings = [f];
        let output = markdown(&report(&findings, &sources));
        let last = output.lines().last().unwrap();
        assert_eq!(
            last,
            "| low | `DF001` | `Dockerfile:1:1` | pipe \\| here<br>\\| fake \\| row \\| |"
        );
    }
}
