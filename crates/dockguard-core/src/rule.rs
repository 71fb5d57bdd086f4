use crate::config::Config;
use crate::finding::{Finding, Fix, Location, Reference, Severity};
use crate::step::Step;

/// Static description of a rule: registered once, shown by `dockguard rules` and `explain`.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable code, e.g. `DF001`. Prefixes: `DF` Dockerfile; later `WL`, `IM`, `HB`, `SE`, `VN`, `SP`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `final-stage-runs-as-root`.
    pub name: &'static str,
    pub step: Step,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The rule's documentation (What it does / Why is this bad? / Example / Fix), Markdown.
    pub doc: &'static str,
    pub references: &'static [Reference],
    /// Whether the rule can offer a safe autofix.
    pub fixable: bool,
    /// Rules off by default (opinionated or needing configuration) must be enabled explicitly.
    pub default_enabled: bool,
}

impl RuleMeta {
    /// A finding of this rule, with the configured severity and the rule's remediation and
    /// references.
    pub fn finding(
        &'static self,
        config: &Config,
        message: String,
        location: Location,
        fix: Option<Fix>,
    ) -> Finding {
        Finding {
            code: self.code.into(),
            name: self.name.into(),
            step: self.step,
            severity: config
                .severity_overrides
                .get(self.code)
                .copied()
                .unwrap_or(self.severity),
            message,
            location,
            remediation: self.remediation().map(Into::into),
            references: self.references.to_vec(),
            fix,
        }
    }

    /// The remediation paragraph of the doc (the text under `## Fix`), if any.
    pub fn remediation(&self) -> Option<&'static str> {
        let start = self.doc.find("## Fix")?;
        let rest = &self.doc[start + "## Fix".len()..];
        // The next heading ends the section; doc-comment lines keep the space after `///`.
        let mut end = rest.len();
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if offset > 0 && line.trim_start().starts_with("## ") {
                end = offset;
                break;
            }
            offset += line.len();
        }
        let text = rest[..end].trim();
        (!text.is_empty()).then_some(text)
    }
}

/// What is wrong with a rule table: codes out of order or repeated, a code without `prefix`,
/// a doc without its four sections, a rule without references. Empty when all is well; each
/// analyser's registry test asserts it.
pub fn registry_problems<'a>(
    metas: impl IntoIterator<Item = &'a RuleMeta>,
    prefix: &str,
) -> Vec<String> {
    let metas: Vec<&RuleMeta> = metas.into_iter().collect();
    let mut problems = Vec::new();
    for pair in metas.windows(2) {
        if pair[0].code >= pair[1].code {
            problems.push(format!(
                "{} is listed before {}",
                pair[0].code, pair[1].code
            ));
        }
    }
    for m in &metas {
        if !m.code.starts_with(prefix) {
            problems.push(format!("{}: code does not start with {prefix}", m.code));
        }
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix",
        ] {
            if !m.doc.contains(section) {
                problems.push(format!("{}: doc lacks {section}", m.code));
            }
        }
        if m.references.is_empty() {
            problems.push(format!("{}: no references", m.code));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remediation_is_the_fix_section() {
        let meta = RuleMeta {
            code: "DF999",
            name: "demo",
            step: Step::Secrets,
            severity: Severity::Low,
            summary: "demo",
            doc: "## What it does\nx\n## Fix\nDo y.\n## Example\nz",
            references: &[],
            fixable: false,
            default_enabled: true,
        };
        assert_eq!(meta.remediation(), Some("Do y."));
        let indented = RuleMeta {
            doc: " ## What it does\n x\n ## Fix\n Do y.\n ## Compared with z\n w",
            ..meta
        };
        assert_eq!(indented.remediation(), Some("Do y."));
        let problems = registry_problems([&meta, &meta], "DF");
        assert!(
            problems.iter().any(|p| p.contains("listed before")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("no references")),
            "{problems:?}"
        );
        assert!(
            !problems.iter().any(|p| p.contains("doc lacks ## Fix")),
            "{problems:?}"
        );
    }
}
