//! The language ecosystems' orderings against their reference implementations, on the
//! committed fixtures under fixtures/versions/ (pairs of real version strings with the
//! reference's verdict; each fixture's header says which script regenerates it).

use std::cmp::Ordering;
use std::io::{BufRead, BufReader};

use dockguard_vuln::version::VersionError;

/// Checks every `a<TAB>b<TAB>verdict` line of a gzip'd fixture (verdict `<`, `=`, `>`, or `!`
/// when the reference refuses `a`); `only` picks the lines (by their optional 4th column).
fn check(
    fixture: &str,
    only: Option<&str>,
    cmp: impl Fn(&str, &str) -> Result<Ordering, VersionError>,
) -> (usize, Vec<String>) {
    let path = format!("{}/fixtures/versions/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut n = 0;
    let mut bad = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap();
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if let Some(tag) = only
            && f.get(3) != Some(&tag)
        {
            continue;
        }
        n += 1;
        let got = match cmp(f[0], f[1]) {
            Ok(Ordering::Less) => "<",
            Ok(Ordering::Equal) => "=",
            Ok(Ordering::Greater) => ">",
            Err(_) => "!",
        };
        if got != f[2] {
            bad.push(format!(
                "{} vs {}: reference {}, ours {got}",
                f[0], f[1], f[2]
            ));
        }
    }
    (n, bad)
}

fn report(name: &str, (n, bad): (usize, Vec<String>)) {
    eprintln!("{name}: {n} pairs, {} agree", n - bad.len());
    assert!(n > 1000, "{name}: only {n} pairs");
    assert!(
        bad.is_empty(),
        "{name}: {} of {n} pairs disagree:\n{}",
        bad.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn pep440_agrees_with_packaging() {
    report(
        "pep440 vs packaging",
        check(
            "pep440-packaging.tsv.gz",
            None,
            dockguard_vuln::version::pep440::compare,
        ),
    );
}

#[test]
fn semver_agrees_with_npm() {
    report(
        "semver vs node-semver (crates.io + Go)",
        check(
            "semver-npm.tsv.gz",
            None,
            dockguard_vuln::version::semver::compare,
        ),
    );
}

#[test]
fn go_agrees_with_npm_semver_on_go_versions() {
    // OSV's Go records write versions without the `v`; with and without it, same verdicts
    report(
        "go vs node-semver (Go)",
        check(
            "semver-npm.tsv.gz",
            Some("Go"),
            dockguard_vuln::version::go::compare,
        ),
    );
    report(
        "go (with v) vs node-semver (Go)",
        check("semver-npm.tsv.gz", Some("Go"), |a, b| {
            dockguard_vuln::version::go::compare(&format!("v{a}"), &format!("v{b}"))
        }),
    );
}

#[test]
fn language_schemes_never_panic_on_garbage() {
    use dockguard_vuln::version::{Scheme, compare};
    let alphabet: Vec<char> = "0123456789.-+_~:!*@ vVgoaAbBrcRCpdevxé\u{0}"
        .chars()
        .collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..20_000 {
        let len = (next() % if round % 100 == 0 { 400 } else { 24 }) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        for scheme in [
            Scheme::Semver,
            Scheme::Pep440,
            Scheme::Go,
            Scheme::Maven,
            Scheme::RubyGems,
            Scheme::NuGet,
            Scheme::Packagist,
        ] {
            let r = compare(scheme, &s, "1.0.0");
            if s.len() > 256 {
                assert!(r.is_err(), "{scheme:?} accepted {} bytes", s.len());
            }
        }
    }
}
