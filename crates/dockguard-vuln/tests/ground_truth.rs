//! Range evaluation against osv.dev's own enumeration of affected PyPI versions
//! (`../shared/osv/ground-truth/pypi-enumerated.jsonl`, see `../shared/osv/SOURCES.md`): every
//! enumerated version that is valid PEP 440 must be inside the record's ECOSYSTEM ranges, except
//! in the three records SOURCES.md lists whose ranges overlap (their 9 versions fall outside
//! under the OSV algorithm, for any implementation).

use std::path::Path;

use dockguard_vuln::osv::{Affected, Range};
use dockguard_vuln::range::evaluate;
use dockguard_vuln::version::{Scheme, compare};

#[derive(serde::Deserialize)]
struct Line {
    id: String,
    affected_versions: Vec<String>,
    ranges: Vec<Range>,
}

const OVERLAPPING: [&str; 3] = ["PYSEC-2021-114", "PYSEC-2023-177", "PYSEC-2023-61"];

#[test]
fn every_enumerated_pypi_version_is_affected() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/osv/ground-truth/pypi-enumerated.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared OSV data is required)", path.display()));
    let (mut lines, mut versions, mut invalid, mut affected) = (0, 0, 0, 0);
    let mut outside: Vec<String> = Vec::new();
    for line in text.lines() {
        let line: Line = serde_json::from_str(line).unwrap();
        lines += 1;
        let entry = Affected {
            package: None,
            ranges: line
                .ranges
                .into_iter()
                .filter(|r| r.kind == "ECOSYSTEM")
                .collect(),
            versions: Vec::new(),
            severity: Vec::new(),
            ecosystem_specific: serde_json::Value::Null,
            database_specific: serde_json::Value::Null,
        };
        for v in &line.affected_versions {
            versions += 1;
            if compare(Scheme::Pep440, v, v).is_err() {
                invalid += 1;
                continue;
            }
            let verdict = evaluate(Scheme::Pep440, v, &entry)
                .unwrap_or_else(|e| panic!("{} {v}: {e}", line.id));
            if verdict.affected {
                affected += 1;
            } else {
                outside.push(format!("{} {v}", line.id));
            }
        }
    }
    assert_eq!((lines, versions), (2620, 140_846));
    // SOURCES.md: 108 enumerated versions are not valid PEP 440.
    assert_eq!(invalid, 108, "versions our PEP 440 rules refuse");
    assert_eq!(affected, versions - invalid - 9, "{outside:?}");
    assert_eq!(outside.len(), 9, "{outside:?}");
    assert!(
        outside.iter().all(|o| OVERLAPPING
            .iter()
            .any(|id| o.starts_with(&format!("{id} ")))),
        "{outside:?}"
    );
}
