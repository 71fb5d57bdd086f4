//! Terminal output in the style of rustc and ruff.

use crate::summary::plural;
use crate::{HumanOptions, Report};
use anstyle::{AnsiColor, Style};
use dockguard_core::{Finding, Severity};
use std::io::{self, Write};

const TAB_WIDTH: usize = 4;

/// Styles for every part of the output; all plain when colour is off.
struct Palette {
    color: bool,
}

impl Palette {
    fn style(&self, style: Style) -> Style {
        if self.color { style } else { Style::new() }
    }

    fn severity(&self, severity: Severity) -> Style {
        let color = match severity {
            Severity::Critical => AnsiColor::BrightRed,
            Severity::High => AnsiColor::Red,
            Severity::Medium => AnsiColor::Yellow,
            Severity::Low => AnsiColor::Cyan,
            Severity::Info => AnsiColor::Blue,
        };
        let style = Style::new().fg_color(Some(color.into()));
        self.style(if severity == Severity::Critical {
            style.bold()
        } else {
            style
        })
    }

    fn bold(&self) -> Style {
        self.style(Style::new().bold())
    }

    fn gutter(&self) -> Style {
        self.style(Style::new().fg_color(Some(AnsiColor::Blue.into())).bold())
    }

    fn success(&self) -> Style {
        self.style(Style::new().fg_color(Some(AnsiColor::Green.into())).bold())
    }
}

/// `text` wrapped in `style`; empty styles add no escape codes at all.
fn paint(style: Style, text: impl std::fmt::Display) -> String {
    if style == Style::new() {
        text.to_string()
    } else {
        format!("{}{text}{}", style.render(), style.render_reset())
    }
}

pub(crate) fn write(
    report: &Report,
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let palette = Palette {
        color: options.color,
    };
    for (i, finding) in report.findings.iter().enumerate() {
        if i > 0 && options.show_source {
            writeln!(out)?;
        }
        write_finding(report, finding, options, &palette, out)?;
    }
    write_summary(report, &palette, out)
}

fn write_finding(
    report: &Report,
    finding: &Finding,
    options: &HumanOptions,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let location = &finding.location;
    let severity = palette.severity(finding.severity);
    writeln!(
        out,
        "{}: {} {} {}",
        paint(
            palette.bold(),
            format_args!(
                "{}:{}:{}",
                one_line(&location.file),
                location.line,
                location.column
            )
        ),
        paint(palette.style(severity.bold()), one_line(&finding.code)),
        paint(severity, format_args!("[{}]", finding.severity)),
        one_line(&finding.message),
    )?;

    // Notes align with the snippet's gutter when there is one.
    let mut gutter_width = 1;
    if options.show_source
        && let Some(line) = report.line_text(finding)
    {
        gutter_width = location.line.to_string().len();
        write_snippet(finding, line, gutter_width, severity, palette, out)?;
    }
    let pad = " ".repeat(gutter_width);
    let gutter = palette.gutter();
    // Concise output is one line per finding.
    if !options.show_source {
        return Ok(());
    }
    if let Some(remediation) = &finding.remediation {
        let mut lines = remediation.trim().lines();
        let first = lines.next().unwrap_or_default();
        writeln!(
            out,
            "{pad} {} {} {}",
            paint(gutter, "="),
            paint(palette.bold(), "help:"),
            clean(first)
        )?;
        // Continuation lines start under the first word of the help text.
        let indent = " ".repeat(gutter_width + " = help: ".len());
        for line in lines {
            let line = clean(line);
            if line.trim().is_empty() {
                writeln!(out)?;
            } else {
                writeln!(out, "{indent}{}", line.trim_end())?;
            }
        }
    }
    if let Some(fix) = &finding.fix {
        let description = one_line(&fix.description);
        if description.trim().is_empty() {
            writeln!(out, "{pad} {} fix available", paint(gutter, "="))?;
        } else {
            writeln!(
                out,
                "{pad} {} fix available: {description}",
                paint(gutter, "=")
            )?;
        }
    }
    Ok(())
}

fn write_snippet(
    finding: &Finding,
    line: &str,
    gutter_width: usize,
    severity: Style,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let location = &finding.location;
    let (display, widths) = render_line(line);
    let (offset, length) = caret_range(
        &widths,
        location.column,
        (location.end_line == location.line).then_some(location.end_column),
    );
    let pad = " ".repeat(gutter_width);
    let bar = paint(palette.gutter(), "|");
    writeln!(out, "{pad} {bar}")?;
    writeln!(
        out,
        "{} {bar} {}",
        paint(palette.gutter(), location.line),
        display.trim_end()
    )?;
    writeln!(
        out,
        "{pad} {bar} {}{}",
        " ".repeat(offset),
        paint(severity, "^".repeat(length))
    )
}

/// The line as shown (tabs expanded, control characters made visible) and the display width of
/// each of its characters, so carets line up under what the terminal shows.
fn render_line(line: &str) -> (String, Vec<usize>) {
    let mut display = String::with_capacity(line.len());
    let mut widths = Vec::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        let width = match c {
            '\t' => {
                let width = TAB_WIDTH - column % TAB_WIDTH;
                display.extend(std::iter::repeat_n(' ', width));
                width
            }
            // A byte-order mark is invisible but still counts as a column.
            '\u{feff}' => 0,
            c if is_unsafe(c) => {
                display.push('\u{fffd}');
                1
            }
            c => {
                display.push(c);
                1
            }
        };
        widths.push(width);
        column += width;
    }
    (display, widths)
}

/// Display offset and length of the carets for 1-based character columns `start..end` (end
/// exclusive, `None` when the span runs past this line). Always at least one caret.
fn caret_range(widths: &[usize], start: u32, end: Option<u32>) -> (usize, usize) {
    // Columns past the end of the line (e.g. at the newline) are one display cell each.
    let cell = |i: usize| widths.get(i).copied().unwrap_or(1);
    let start = (start.max(1) - 1) as usize;
    let end = match end {
        Some(end) => (end.max(1) - 1) as usize,
        None => widths.len(),
    };
    let offset = (0..start).map(cell).sum();
    let length = (start..end).map(cell).sum::<usize>().max(1);
    (offset, length)
}

fn write_summary(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    let summary = report.summary();
    let files = plural(report.files_scanned, "file", "files");
    if summary.total == 0 {
        writeln!(out, "{}", paint(palette.success(), "No findings."))?;
        return writeln!(out, "{files} scanned.");
    }

    writeln!(out)?;
    let counts: Vec<String> = summary
        .severities()
        .map(|(severity, count)| {
            let text = format!("{count} {severity}");
            if count > 0 {
                paint(palette.severity(severity), text)
            } else {
                text
            }
        })
        .collect();
    writeln!(
        out,
        "{}: {}.",
        paint(
            palette.bold(),
            format_args!("Found {}", plural(summary.total, "finding", "findings"))
        ),
        counts.join(", ")
    )?;

    writeln!(out)?;
    let title_width = summary
        .steps()
        .map(|(step, _)| step.title().len())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{}",
        paint(
            palette.bold(),
            format_args!("Step  {:title_width$}  Findings", "Title")
        )
    )?;
    for (step, count) in summary.steps() {
        writeln!(
            out,
            "{:>4}  {:title_width$}  {count:>8}",
            step.number(),
            step.title()
        )?;
    }

    writeln!(out)?;
    writeln!(out, "{files} scanned.")?;
    writeln!(
        out,
        "{} at or above the fail-on threshold ({}).",
        plural(summary.failing, "finding", "findings"),
        summary.fail_on
    )
}

/// Characters that must not reach a terminal raw: control characters (escape sequences) and
/// bidirectional overrides, which can make the shown source differ from what is parsed.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Untrusted text on one line: no escape sequences reach the terminal, no line breaks.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if is_unsafe(c) { ' ' } else { c })
        .collect()
}

/// Untrusted text within a line: tabs kept, other control characters made visible.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_unsafe(c) && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use dockguard_core::Step;
    use std::collections::BTreeMap;

    fn human(report: &Report, color: bool, show_source: bool) -> String {
        render(|out| write(report, &HumanOptions { color, show_source }, out))
    }

    /// Renders a single finding on `needle` (or `span`) in a one-file report.
    fn one(text: &str, span: std::ops::Range<usize>, remediation: Option<&str>) -> String {
        let mut finding = finding(
            "DF001",
            Severity::High,
            Step::NonRootUser,
            span_location("Dockerfile", text, span),
        );
        finding.remediation = remediation.map(|r| r.to_string().into());
        let sources = BTreeMap::from([("Dockerfile".to_string(), text.to_string())]);
        let findings = [finding];
        let mut report = report(&findings, &sources);
        report.files_scanned = 1;
        human(&report, false, true)
    }

    fn block(output: &str) -> &str {
        &output[..output.find("\nFound ").expect("summary")]
    }

    #[test]
    fn full_report() {
        let sources = sources();
        let findings = sample_findings();
        let expected = "\
Dockerfile:2:1: DF001 [high] The final stage runs as root
  |
2 | USER root
  | ^^^^^^^^^
  = help: Add `USER app`.

Dockerfile:3:1: DF010 [medium] Use COPY instead of ADD for local files
  |
3 | ADD ./app /app
  | ^^^^^^^^^^^^^^
  = fix available: Replace ADD with COPY

Dockerfile:4:13: DF020 [critical] Secret `API_KEY` is set with ENV
  |
4 | ENV API_KEY=\"sk_live_abc\"
  |             ^^^^^^^^^^^^^

svc/api/Dockerfile:2:5: DF030 [low] Remote script piped into `sh`
  |
2 | RUN curl x | sh
  |     ^^^^^^^^^^^

z/Dockerfile:7:12: SC2086 [info] Double quote to prevent globbing and word splitting.

Found 5 findings: 1 critical, 1 high, 1 medium, 1 low, 1 info.

Step  Title                   Findings
   1  Namespaces and cgroups         0
   2  Trusted images                 2
   3  Host bench                     0
   4  Non-root USER                  1
   5  User namespaces                0
   6  CVE scanning                   0
   7  Runtime defence                1
   8  Rootless mode                  0
   9  Minimal images                 0
  10  Secrets                        1

3 files scanned.
2 findings at or above the fail-on threshold (high).
";
        assert_eq!(human(&report(&findings, &sources), false, true), expected);
    }

    #[test]
    fn concise_without_source() {
        let sources = sources();
        let findings = sample_findings();
        let output = human(&report(&findings, &sources), false, false);
        let expected = "\
Dockerfile:2:1: DF001 [high] The final stage runs as root
Dockerfile:3:1: DF010 [medium] Use COPY instead of ADD for local files
Dockerfile:4:13: DF020 [critical] Secret `API_KEY` is set with ENV
svc/api/Dockerfile:2:5: DF030 [low] Remote script piped into `sh`
z/Dockerfile:7:12: SC2086 [info] Double quote to prevent globbing and word splitting.
";
        assert_eq!(block(&output), expected);
    }

    #[test]
    fn no_findings() {
        let sources = sources();
        let mut report = report(&[], &sources);
        assert_eq!(
            human(&report, false, true),
            "No findings.\n3 files scanned.\n"
        );
        report.files_scanned = 1;
        assert_eq!(
            human(&report, false, true),
            "No findings.\n1 file scanned.\n"
        );
    }

    #[test]
    fn carets_count_characters_and_expand_tabs() {
        let text = "RUN\techo h\u{e9}llo\tsudo x\n";
        let start = text.find("sudo").unwrap();
        let output = one(text, start..start + 4, None);
        // "héllo" is 5 columns although 6 bytes; the second tab stops at display column 16.
        let expected = "\
Dockerfile:1:16: DF001 [high] DF001 message
  |
1 | RUN echo h\u{e9}llo  sudo x
  |                 ^^^^
";
        assert_eq!(block(&output), expected);
    }

    #[test]
    fn multibyte_span_underlines_each_character_once() {
        let text = "LABEL x=\"\u{e9}\u{e9}\u{1f600}\"\n";
        let start = text.find('\u{e9}').unwrap();
        let output = one(text, start..text.find("\"\n").unwrap(), None);
        assert!(block(&output).ends_with("  |          ^^^\n"), "{output}");
    }

    #[test]
    fn multiline_span_underlines_to_end_of_first_line() {
        let text = "RUN apt-get update && \\\n    apt-get install -y curl\n";
        let start = text.find("apt-get").unwrap();
        let output = one(
            text,
            start..text.find("curl").unwrap() + 4,
            Some("Pin versions."),
        );
        let expected = "\
Dockerfile:1:5: DF001 [high] DF001 message
  |
1 | RUN apt-get update && \\
  |     ^^^^^^^^^^^^^^^^^^^
  = help: Pin versions.
";
        assert_eq!(block(&output), expected);
    }

    #[test]
    fn empty_span_at_end_of_line_gets_one_caret() {
        let text = "FROM alpine\n";
        let output = one(text, 11..11, None);
        assert!(
            block(&output).ends_with("1 | FROM alpine\n  |            ^\n"),
            "{output}"
        );
    }

    #[test]
    fn wide_gutter_and_multiline_help_align() {
        let text = "FROM a\n".repeat(11) + "USER root\n";
        let start = text.find("USER").unwrap();
        let output = one(
            &text,
            start..start + 4,
            Some("First line.\n\nSecond\tline."),
        );
        let expected = "\
Dockerfile:12:1: DF001 [high] DF001 message
   |
12 | USER root
   | ^^^^
   = help: First line.

           Second\tline.
";
        assert_eq!(block(&output), expected);
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let text = "RUN echo \u{1b}[2J\n";
        let sources = BTreeMap::from([("Dockerfile".to_string(), text.to_string())]);
        let mut finding = finding(
            "DF001",
            Severity::High,
            Step::NonRootUser,
            locate("Dockerfile", text, "echo"),
        );
        finding.message = "bad\u{1b}[31m\r\nthing".into();
        let findings = [finding];
        let output = human(&report(&findings, &sources), false, true);
        assert!(!output.contains('\u{1b}'), "{output:?}");
        assert!(
            output.starts_with("Dockerfile:1:5: DF001 [high] bad [31m  thing\n"),
            "{output}"
        );
        assert!(output.contains("1 | RUN echo \u{fffd}[2J\n"), "{output}");
    }

    #[test]
    fn bidi_overrides_are_made_visible() {
        let text = "RUN echo \u{202e}nimda\u{2066} x\n";
        let start = text.find('x').unwrap();
        let output = one(text, start..start + 1, Some("a\u{202e}b"));
        assert!(
            !output.contains('\u{202e}') && !output.contains('\u{2066}'),
            "{output:?}"
        );
        // Each replaced character still takes one column, so the caret stays under `x`.
        assert!(
            output.contains("1 | RUN echo \u{fffd}nimda\u{fffd} x\n  |                  ^\n"),
            "{output}"
        );
        assert!(output.contains("  = help: a\u{fffd}b\n"), "{output}");
    }

    #[test]
    fn colour_only_when_asked() {
        let sources = sources();
        let findings = sample_findings();
        let report = report(&findings, &sources);
        assert!(!human(&report, false, true).contains('\u{1b}'));

        let colored = human(&report, true, true);
        let red = Style::new().fg_color(Some(AnsiColor::Red.into()));
        let header = colored.lines().next().unwrap();
        assert!(
            header.contains(&format!("{}[high]{}", red.render(), red.render_reset())),
            "{header:?}"
        );
        let critical = Style::new()
            .fg_color(Some(AnsiColor::BrightRed.into()))
            .bold();
        assert!(colored.contains(&format!(
            "{}[critical]{}",
            critical.render(),
            critical.render_reset()
        )));
        // Carets take the severity's colour.
        assert!(colored.contains(&format!("{}^^^^^^^^^{}", red.render(), red.render_reset())));
        let plain: String = strip_ansi(&colored);
        assert_eq!(plain, human(&report, false, true));
    }

    fn strip_ansi(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
