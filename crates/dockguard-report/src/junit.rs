//! JUnit XML, for CI systems that only understand test reports.

use crate::Report;
use dockguard_core::Finding;
use std::io::{self, Write};

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Group by file in order of first appearance; the findings are usually sorted already.
    let mut files: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for finding in report.findings {
        let file = finding.location.file.as_str();
        match files.iter_mut().find(|(name, _)| *name == file) {
            Some((_, group)) => group.push(finding),
            None => files.push((file, vec![finding])),
        }
    }

    let total = report.findings.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="dockguard" tests="{}" failures="{total}" errors="0">"#,
        total.max(1)
    )?;
    if files.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="dockguard" tests="1" failures="0" errors="0" skipped="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase classname="dockguard" name="dockguard"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for (file, findings) in files {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="0">"#,
            escape(file),
            findings.len(),
            findings.len()
        )?;
        for finding in findings {
            write_testcase(finding, out)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn write_testcase(finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let location = &finding.location;
    let position = format!("{}:{}:{}", location.file, location.line, location.column);
    writeln!(
        out,
        r#"    <testcase classname="{}" name="{}">"#,
        escape(&finding.code),
        escape(&format!("{position} {}", finding.code))
    )?;
    let mut details = format!(
        "{position}: {} [{}] {}\nrule: {} (step {}: {})",
        finding.code,
        finding.severity,
        finding.message,
        finding.name,
        finding.step.number(),
        finding.step.title()
    );
    if let Some(remediation) = &finding.remediation {
        details.push_str(&format!("\nhelp: {remediation}"));
    }
    if !finding.references.is_empty() {
        let references: Vec<String> = finding.references.iter().map(ToString::to_string).collect();
        details.push_str(&format!("\nreferences: {}", references.join(", ")));
    }
    if let Some(fix) = &finding.fix {
        details.push_str(&format!("\nfix available: {}", fix.description));
    }
    writeln!(
        out,
        r#"      <failure message="{}" type="{}">{}</failure>"#,
        escape(&finding.message),
        finding.severity,
        escape(&details)
    )?;
    writeln!(out, "    </testcase>")
}

/// Escapes text for both element content and attribute values. Characters XML 1.0 cannot carry
/// are dropped; line breaks and tabs become references so attributes keep them.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use dockguard_core::{Severity, Step};

    fn junit(report: &Report) -> String {
        render(|out| write(report, out))
    }

    #[test]
    fn no_findings_is_one_passing_testcase() {
        let sources = sources();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="dockguard" tests="1" failures="0" errors="0">
  <testsuite name="dockguard" tests="1" failures="0" errors="0" skipped="0">
    <testcase classname="dockguard" name="dockguard"/>
  </testsuite>
</testsuites>
"#;
        assert_eq!(junit(&report(&[], &sources)), expected);
    }

    #[test]
    fn one_suite_per_file_one_testcase_per_finding() {
        let sources = sources();
        let findings = sample_findings();
        let output = junit(&report(&findings, &sources));
        assert!(
            output.contains(r#"<testsuites name="dockguard" tests="5" failures="5" errors="0">"#)
        );
        let suites: Vec<&str> = output
            .lines()
            .filter(|l| l.contains("<testsuite "))
            .collect();
        assert_eq!(
            suites,
            [
                r#"  <testsuite name="Dockerfile" tests="3" failures="3" errors="0" skipped="0">"#,
                r#"  <testsuite name="svc/api/Dockerfile" tests="1" failures="1" errors="0" skipped="0">"#,
                r#"  <testsuite name="z/Dockerfile" tests="1" failures="1" errors="0" skipped="0">"#,
            ]
        );
        assert_eq!(output.matches("<testcase ").count(), 5);
        assert_eq!(output.matches("</testsuite>").count(), 3);
        let first = r#"    <testcase classname="DF001" name="Dockerfile:2:1 DF001">
      <failure message="The final stage runs as root" type="high">Dockerfile:2:1: DF001 [high] The final stage runs as root&#10;rule: final-stage-runs-as-root (step 4: Non-root USER)&#10;help: Add `USER app`.&#10;references: CIS 4.1, CWE-250</failure>
    </testcase>
"#;
        assert!(output.contains(first), "{output}");
        assert!(output.contains("&#10;fix available: Replace ADD with COPY</failure>"));
        assert!(output.contains(r#"type="critical""#));
        assert!(output.ends_with("</testsuites>\n"));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"
        );
        assert_eq!(escape("x\u{0}\u{1b}[0m\u{8}y\u{fffe}"), "x[0my");
        assert_eq!(escape("l1\r\nl2\tz"), "l1&#13;&#10;l2&#9;z");
        assert_eq!(
            escape("d\u{e9}j\u{e0} \u{1f600}"),
            "d\u{e9}j\u{e0} \u{1f600}"
        );
    }

    #[test]
    fn hostile_text_stays_inside_its_attribute() {
        let sources = sources();
        let mut f = finding(
            "DF001",
            Severity::High,
            Step::NonRootUser,
            locate("a\"<b>.df", "RUN x", "RUN"),
        );
        f.message = "\"/><injected attr='1'>&\u{7}".into();
        let findings = [f];
        let output = junit(&report(&findings, &sources));
        assert!(!output.contains("<injected"), "{output}");
        assert!(output.contains(
            r#"<failure message="&quot;/&gt;&lt;injected attr=&apos;1&apos;&gt;&amp;" type="high">"#
        ));
        assert!(output.contains(r#"<testsuite name="a&quot;&lt;b&gt;.df""#));
        assert!(!output.contains('\u{7}'));
    }
}
