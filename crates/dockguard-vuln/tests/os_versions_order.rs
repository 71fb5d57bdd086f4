//! The dpkg, rpm and apk orderings are total orders on real versions: every version of the
//! reference fixtures (tens of thousands of real Debian versions and RPM EVRs; for apk, the
//! Debian upstream versions that are valid apk versions plus apk-tools' test vectors) is
//! sorted, then adjacent pairs are checked in both directions, and random pairs (i < j) of the
//! sorted list must never be out of order (which a non-transitive order would break).

mod os_reference;

use std::cmp::Ordering;
use std::fmt::Debug;

use dockguard_vuln::version::{apk, dpkg, rpm};

fn check_total<V: Ord + Debug>(what: &str, mut vs: Vec<V>, at_least: usize) {
    assert!(vs.len() >= at_least, "{what}: only {} versions", vs.len());
    // A fixed shuffle (LCG), so the sort does not start from string order.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    for i in (1..vs.len()).rev() {
        vs.swap(i, next(i + 1));
    }
    vs.sort();
    for w in vs.windows(2) {
        let o = w[0].cmp(&w[1]);
        assert_ne!(
            o,
            Ordering::Greater,
            "{what}: {:?} > {:?} after sorting",
            w[0],
            w[1]
        );
        assert_eq!(
            w[1].cmp(&w[0]),
            o.reverse(),
            "{what}: {:?} / {:?}",
            w[0],
            w[1]
        );
        assert_eq!(w[0].cmp(&w[0]), Ordering::Equal);
    }
    for _ in 0..200_000 {
        let (i, j) = (next(vs.len()), next(vs.len()));
        let (i, j) = (i.min(j), i.max(j));
        assert_ne!(
            vs[i].cmp(&vs[j]),
            Ordering::Greater,
            "{what}: {:?} / {:?}",
            vs[i],
            vs[j]
        );
        assert_eq!(vs[j].cmp(&vs[i]), vs[i].cmp(&vs[j]).reverse());
    }
    println!("{what}: {} versions, total order", vs.len());
}

fn fixture_versions(fixture: &str) -> Vec<String> {
    let mut vs: Vec<String> = os_reference::pairs(fixture)
        .into_iter()
        .flat_map(|(a, b, _)| [a, b])
        .collect();
    vs.sort();
    vs.dedup();
    vs
}

#[test]
fn dpkg_is_a_total_order() {
    let vs = fixture_versions("dpkg-pairs.tsv.gz");
    check_total(
        "dpkg",
        vs.iter().filter_map(|v| dpkg::parse(v).ok()).collect(),
        20_000,
    );
}

#[test]
fn rpm_is_a_total_order() {
    let vs = fixture_versions("rpm-pairs.tsv.gz");
    check_total(
        "rpm",
        vs.iter().filter_map(|v| rpm::parse(v).ok()).collect(),
        20_000,
    );
}

#[test]
fn apk_is_a_total_order() {
    let mut vs: Vec<apk::ApkVersion> = fixture_versions("dpkg-pairs.tsv.gz")
        .iter()
        .filter_map(|v| dpkg::parse(v).ok())
        .filter_map(|v| apk::parse(v.upstream()).ok())
        .collect();
    let vectors = include_str!("../fixtures/versions/apk-version.data");
    vs.extend(
        vectors
            .split_whitespace()
            .filter_map(|w| apk::parse(w).ok()),
    );
    check_total("apk", vs, 5_000);
}
