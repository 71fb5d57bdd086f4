//! Shared by tests/dpkg_reference.rs, tests/rpm_reference.rs and tests/os_versions_order.rs:
//! reads a gzip'd `a<TAB>b<TAB>r` fixture under fixtures/versions/ (r = -1, 0, 1, or E when
//! the reference implementation refuses a version) and checks `compare` against every line.
#![allow(dead_code)] // each test binary uses part of it

use std::cmp::Ordering;
use std::io::{BufRead, BufReader};
use std::path::Path;

use dockguard_vuln::version::VersionError;

/// Every `(a, b, r)` line of a fixture.
pub fn pairs(fixture: &str) -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/versions")
        .join(fixture);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    reader
        .lines()
        .map(|line| {
            let line = line.expect("fixture is UTF-8 text");
            let mut f = line.split('\t').map(str::to_string);
            match (f.next(), f.next(), f.next(), f.next()) {
                (Some(a), Some(b), Some(r), None) => (a, b, r),
                _ => panic!("bad fixture line {line:?}"),
            }
        })
        .collect()
}

/// Checks `compare` against every pair of `fixture`; at least `at_least` pairs.
pub fn check(
    fixture: &str,
    reference: &str,
    at_least: usize,
    compare: fn(&str, &str) -> Result<Ordering, VersionError>,
) {
    let (mut n, mut agree, mut refused) = (0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    for (a, b, r) in pairs(fixture) {
        n += 1;
        let got = compare(&a, &b);
        let ok = match (r.as_str(), &got) {
            ("E", Err(_)) => {
                refused += 1;
                true
            }
            ("-1", Ok(Ordering::Less))
            | ("0", Ok(Ordering::Equal))
            | ("1", Ok(Ordering::Greater)) => true,
            _ => false,
        };
        if ok {
            agree += 1;
        } else if disagreements.len() < 30 {
            disagreements.push(format!(
                "{a:?} vs {b:?}: {reference} says {r}, we say {got:?}"
            ));
        }
    }
    println!("{fixture}: {n} pairs, {agree} agree with {reference} ({refused} refused by both)");
    assert!(n >= at_least, "{fixture}: only {n} pairs");
    assert!(
        disagreements.is_empty(),
        "{} of {n} pairs disagree with {reference}:\n{}",
        n - agree,
        disagreements.join("\n")
    );
}
