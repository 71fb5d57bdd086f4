//! VU100: the findings of [`crate::matcher`] as `dockguard scan` reports them, one per
//! vulnerability of a package, in step 6 with the advisory's severity.

use dockguard_core::{Config, Finding, Location, RefKind, Reference, RuleMeta, Step};
use dockguard_packages::model::Inventory;

use crate::matcher::Report;
use crate::severity::Severity;

pub const VULNERABLE_PACKAGE: RuleMeta = RuleMeta {
    code: "VU100",
    name: "vulnerable-package",
    step: Step::CveScanning,
    severity: dockguard_core::Severity::High,
    summary: "A package has a known vulnerability",
    doc: "## What it does\n\
Reads the project's packages (lockfiles, manifests and installed metadata, as `dockguard sbom` \
lists them) and matches each against the local OSV advisory database (`dockguard db`), with \
the version rules of its ecosystem (PEP 440, SemVer, Go, Maven, dpkg, rpm, apk, …). One \
finding per vulnerability and package; records that are the same vulnerability under several \
ids (a CVE, its GHSA and the ecosystem's own id) are one finding. The severity is the \
advisory's: its CVSS v4 or v3 vector scored, else the source's own word; an advisory with \
neither is reported as medium.\n\
\n\
## Why is this bad?\n\
A dependency with a published vulnerability is the easiest way into an image built from the \
project; finding it in the repository (\"shift left\") fixes it before an image is built.\n\
\n\
## Example\n\
```text\n\
# requirements.txt\n\
urllib3==1.26.4   # CVE-2021-33503, fixed in 1.26.5\n\
```\n\
\n\
## Fix\n\
Upgrade to the fixed version the finding names (or later). When no fix exists yet, or the \
vulnerable code is not reachable, record the decision: an OpenVEX statement or an ignore \
entry with a reason and an expiry date for `dockguard vuln`, or turn the rule off for the \
path in the configuration.\n",
    references: &[
        Reference::new(RefKind::Cwe, "CWE-1395"),
        Reference::new(RefKind::Cis, "4.4"),
        Reference::new(RefKind::Trivy, "vuln"),
    ],
    fixable: false,
    default_enabled: true,
};

/// The severity a vulnerability is reported with.
pub fn severity_of(s: Severity) -> dockguard_core::Severity {
    match s {
        Severity::Critical => dockguard_core::Severity::Critical,
        Severity::High => dockguard_core::Severity::High,
        Severity::Medium | Severity::Unknown => dockguard_core::Severity::Medium,
        Severity::Low => dockguard_core::Severity::Low,
    }
}

/// One finding per vulnerability of the report, located at the file the package was found
/// in, as `locate` names it (the project directory or the image as the user named it, and the
/// path).
pub fn findings(
    report: &Report,
    inventory: &Inventory,
    config: &Config,
    locate: &dyn Fn(&str) -> String,
) -> Vec<Finding> {
    if !config.is_enabled(VULNERABLE_PACKAGE.code, VULNERABLE_PACKAGE.default_enabled) {
        return Vec::new();
    }
    report
        .findings
        .iter()
        .filter_map(|f| {
            let p = inventory.packages.get(f.package)?;
            let path = p.locations.first().map(|l| l.path.as_str()).unwrap_or("");
            let file = locate(path);
            let fixed = match &f.fixed {
                Some(v) => format!("fixed in {v}"),
                None => "no fixed version yet".to_string(),
            };
            let summary = f
                .summary
                .as_deref()
                .map(|s| format!(": {}", s.trim()))
                .unwrap_or_default();
            let mut finding = VULNERABLE_PACKAGE.finding(
                config,
                format!(
                    "`{}` {} ({}) has {} ({fixed}){summary}",
                    p.name, f.installed, f.ecosystem, f.id
                ),
                Location {
                    file,
                    line: 1,
                    column: 1,
                    end_line: 1,
                    end_column: 1,
                    span: 0..0,
                },
                None,
            );
            // The configured override wins; else the advisory's own severity.
            if !config
                .severity_overrides
                .contains_key(VULNERABLE_PACKAGE.code)
            {
                finding.severity = severity_of(f.rating.severity);
            }
            Some(finding)
        })
        .collect()
}
