//! Fuzzes the advisory side of `dockguard-vuln`: OSV record parsing, range evaluation and the
//! ten version orderings. The first byte picks a version scheme; the rest is an OSV record
//! (JSON). Every `affected` entry of a record that parses is evaluated against every version
//! string the record mentions, and every such version is parsed and compared with the others.
//!
//! Asserts "never panics" and that each ordering is antisymmetric on what it accepts
//! (`compare(a, b)` is the reverse of `compare(b, a)`).
#![no_main]

use dockguard_vuln::osv;
use dockguard_vuln::range::evaluate;
use dockguard_vuln::version::{Scheme, compare};
use libfuzzer_sys::fuzz_target;

const SCHEMES: [Scheme; 10] = [
    Scheme::Dpkg,
    Scheme::Rpm,
    Scheme::Apk,
    Scheme::Semver,
    Scheme::Pep440,
    Scheme::Go,
    Scheme::Maven,
    Scheme::RubyGems,
    Scheme::NuGet,
    Scheme::Packagist,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let scheme = SCHEMES[usize::from(pick) % SCHEMES.len()];
    let Ok(record) = osv::parse(rest) else {
        // Not a record: still a version string for the orderings.
        if let Ok(text) = std::str::from_utf8(rest) {
            let mut parts = text.splitn(2, '\n');
            let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            check_pair(scheme, a, b);
        }
        return;
    };
    let mut versions: Vec<&str> = Vec::new();
    for a in &record.affected {
        versions.extend(a.versions.iter().map(String::as_str));
        for r in &a.ranges {
            for e in &r.events {
                for v in [&e.introduced, &e.fixed, &e.last_affected, &e.limit]
                    .into_iter()
                    .flatten()
                {
                    versions.push(v);
                }
            }
        }
    }
    versions.truncate(64);
    for a in &record.affected {
        for v in &versions {
            let _ = evaluate(scheme, v, a);
        }
    }
    for (i, a) in versions.iter().enumerate() {
        for b in versions.iter().skip(i) {
            check_pair(scheme, a, b);
        }
    }
});

fn check_pair(scheme: Scheme, a: &str, b: &str) {
    if let (Ok(x), Ok(y)) = (compare(scheme, a, b), compare(scheme, b, a)) {
        assert_eq!(x, y.reverse(), "{scheme:?}: {a:?} vs {b:?}");
    }
}
