//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

use crate::{Report, forward_slashes};
use dockguard_core::Severity;
use std::io::{self, Write};

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "notice",
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in report.findings {
        let location = &finding.location;
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(finding.severity),
            escape_property(&forward_slashes(&location.file)),
            location.line,
            location.column,
            location.end_line,
            location.end_column,
            escape_property(&format!("{} {}", finding.code, finding.name)),
            escape_data(&finding.message),
        )?;
    }
    Ok(())
}

/// The message part of a command: the runner decodes these three, and an unescaped newline
/// would end the command early.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `key=value` property: also `:` and `,`, which delimit properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use dockguard_core::Step;

    fn github(report: &Report) -> String {
        render(|out| write(report, out))
    }

    #[test]
    fn one_annotation_per_finding() {
        let sources = sources();
        let findings = sample_findings();
        let expected = "\
::error file=Dockerfile,line=2,col=1,endLine=2,endColumn=10,title=DF001 final-stage-runs-as-root::The final stage runs as root
::warning file=Dockerfile,line=3,col=1,endLine=3,endColumn=15,title=DF010 add-instead-of-copy::Use COPY instead of ADD for local files
::error file=Dockerfile,line=4,col=13,endLine=4,endColumn=26,title=DF020 secret-in-env::Secret `API_KEY` is set with ENV
::warning file=svc/api/Dockerfile,line=2,col=5,endLine=2,endColumn=16,title=DF030 curl-pipe-shell::Remote script piped into `sh`
::notice file=z/Dockerfile,line=7,col=12,endLine=7,endColumn=16,title=SC2086 shellcheck::Double quote to prevent globbing and word splitting.
";
        assert_eq!(github(&report(&findings, &sources)), expected);
    }

    #[test]
    fn no_findings_no_output() {
        let sources = sources();
        assert_eq!(github(&report(&[], &sources)), "");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% a:b, c\r\nd"), "100%25 a:b, c%0D%0Ad");
        assert_eq!(
            escape_property("100% a:b, c\r\nd"),
            "100%25 a%3Ab%2C c%0D%0Ad"
        );
        // `%` first, so the escapes it produces are not escaped again.
        assert_eq!(escape_data("%0A"), "%250A");

        let sources = sources();
        let mut f = finding(
            "DF001",
            Severity::Low,
            Step::Secrets,
            locate(".\\a,b:c\\Dockerfile", "X", "X"),
        );
        f.name = "x,y".into();
        f.message = "line one\nline two: 50%".into();
        let findings = [f];
        assert_eq!(
            github(&report(&findings, &sources)),
            "::warning file=a%2Cb%3Ac/Dockerfile,line=1,col=1,endLine=1,endColumn=2,\
             title=DF001 x%2Cy::line one%0Aline two: 50%25\n"
        );
    }
}
