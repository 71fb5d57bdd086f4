//! Whether a version is affected by one `affected` entry of an OSV record, and which version
//! fixes it.
//!
//! As the OSV schema's evaluation rules say: an explicit `versions` list matches by equality
//! (under the ecosystem's ordering, so PEP 440 `1.0` matches `1.0.0`, when no range stands for
//! the list); each `ECOSYSTEM` or
//! `SEMVER` range is a sequence of events sorted by version, walked in order — `introduced`
//! at or below the version makes it affected, `fixed` at or below it and `last_affected` below
//! it make it unaffected again, and a version at or above a `limit` is outside the range.
//! `introduced: "0"` is below every version. `GIT` ranges name commits and are skipped. A
//! version or event the ecosystem's rules cannot read makes that range unusable (counted as an
//! error by the caller, never a guess).

use std::cmp::Ordering;

use crate::osv::{Affected, Event};
use crate::version::{Parsed, Scheme, VersionError, compare, parse};

/// The verdict for one version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub affected: bool,
    /// The lowest `fixed` version above the version, over the ranges that affect it.
    pub fixed: Option<String>,
}

/// Evaluates `affected` for `version` under `scheme`.
pub fn evaluate(
    scheme: Scheme,
    version: &str,
    affected: &Affected,
) -> Result<Verdict, VersionError> {
    let mut verdict = Verdict::default();
    let mut first_error = None;
    // The listed versions: the same spelling first (cheap); equality under the ecosystem's
    // rules (PEP 440 `1.0` == `1.0.0`) only when no ECOSYSTEM/SEMVER range stands for the list
    // (osv.dev enumerates `versions` from those ranges, so the ranges already decide).
    if affected.versions.iter().any(|v| v == version) {
        verdict.affected = true;
    } else if !affected
        .ranges
        .iter()
        .any(|r| matches!(r.kind.as_str(), "ECOSYSTEM" | "SEMVER"))
    {
        // Real `versions` lists hold spellings the ecosystem cannot order (old PyPI
        // uploads); one of them does not spoil the others.
        verdict.affected = affected
            .versions
            .iter()
            .any(|listed| equal(scheme, version, listed).unwrap_or(false));
    }
    for range in &affected.ranges {
        if !matches!(range.kind.as_str(), "ECOSYSTEM" | "SEMVER") {
            continue;
        }
        let range_scheme = if range.kind == "SEMVER" {
            Scheme::Semver
        } else {
            scheme
        };
        match in_range(range_scheme, version, &range.events) {
            Ok(Some(fixed)) => {
                verdict.affected = true;
                if let Some(fixed) = fixed {
                    let lower = match &verdict.fixed {
                        None => true,
                        Some(current) => compare(range_scheme, &fixed, current)? == Ordering::Less,
                    };
                    if lower {
                        verdict.fixed = Some(fixed);
                    }
                }
            }
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if !verdict.affected => Err(e),
        _ => Ok(verdict),
    }
}

fn equal(scheme: Scheme, a: &str, b: &str) -> Result<bool, VersionError> {
    Ok(a == b || compare(scheme, a, b)? == Ordering::Equal)
}

/// `Some(fixed)` when `version` is inside the range (`fixed` = the range's first `fixed`
/// event above it, if any), `None` when outside.
fn in_range(
    scheme: Scheme,
    version: &str,
    events: &[Event],
) -> Result<Option<Option<String>>, VersionError> {
    /// An event's version: `introduced: "0"` is below everything.
    enum At {
        Zero,
        Version(Parsed),
    }
    let cmp = |a: &At, b: &At| -> Ordering {
        match (a, b) {
            (At::Zero, At::Zero) => Ordering::Equal,
            (At::Zero, _) => Ordering::Less,
            (_, At::Zero) => Ordering::Greater,
            (At::Version(a), At::Version(b)) => a.compare(b).unwrap_or(Ordering::Equal),
        }
    };
    let read = |v: &str| -> Result<At, VersionError> {
        if v == "0" {
            Ok(At::Zero)
        } else {
            parse(scheme, v).map(At::Version)
        }
    };
    // (version, kind, text) with kind 0 = introduced, 1 = last_affected, 2 = fixed, 3 = limit;
    // every version parsed once, so the sort cannot meet an unreadable one.
    let mut sorted: Vec<(At, u8, &str)> = Vec::with_capacity(events.len());
    for e in events {
        let fields = [
            (&e.introduced, 0),
            (&e.last_affected, 1),
            (&e.fixed, 2),
            (&e.limit, 3),
        ];
        for (field, kind) in fields {
            if let Some(v) = field {
                if kind == 3 && v == "*" {
                    continue;
                }
                sorted.push((read(v)?, kind, v.as_str()));
            }
        }
    }
    let version = At::Version(parse(scheme, version)?);
    // A stable sort: events at the same version keep the record's order, so `fixed: X` then
    // `introduced: X` (two ranges that touch, X affected again) reads as written.
    sorted.sort_by(|a, b| cmp(&a.0, &b.0));
    // Limits bound the whole range.
    if sorted
        .iter()
        .any(|(at, kind, _)| *kind == 3 && cmp(&version, at) != Ordering::Less)
    {
        return Ok(None);
    }
    let mut affected = false;
    for (at, kind, _) in &sorted {
        let c = cmp(&version, at);
        match kind {
            0 if c != Ordering::Less => affected = true,
            1 if c == Ordering::Greater => affected = false,
            2 if c != Ordering::Less => affected = false,
            _ => {}
        }
    }
    if !affected {
        return Ok(None);
    }
    Ok(Some(
        sorted
            .iter()
            .find(|(at, kind, _)| *kind == 2 && cmp(&version, at) == Ordering::Less)
            .map(|(_, _, text)| text.to_string()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::Range;

    fn entry(kind: &str, events: &[(&str, &str)], versions: &[&str]) -> Affected {
        let events = events
            .iter()
            .map(|(k, v)| {
                let v = Some(v.to_string());
                match *k {
                    "introduced" => Event {
                        introduced: v,
                        ..Event::default()
                    },
                    "fixed" => Event {
                        fixed: v,
                        ..Event::default()
                    },
                    "last_affected" => Event {
                        last_affected: v,
                        ..Event::default()
                    },
                    _ => Event {
                        limit: v,
                        ..Event::default()
                    },
                }
            })
            .collect();
        Affected {
            package: None,
            ranges: vec![Range {
                kind: kind.into(),
                repo: None,
                events,
            }],
            versions: versions.iter().map(|v| v.to_string()).collect(),
            severity: vec![],
            ecosystem_specific: serde_json::Value::Null,
            database_specific: serde_json::Value::Null,
        }
    }

    fn check(scheme: Scheme, a: &Affected, version: &str) -> (bool, Option<String>) {
        let v = evaluate(scheme, version, a).unwrap();
        (v.affected, v.fixed)
    }

    #[test]
    fn introduced_fixed_and_several_ranges() {
        let a = entry(
            "ECOSYSTEM",
            &[
                ("introduced", "0"),
                ("fixed", "1.2.0"),
                ("introduced", "2.0.0"),
                ("fixed", "2.0.5"),
            ],
            &[],
        );
        let s = Scheme::Semver;
        assert_eq!(check(s, &a, "0.0.1"), (true, Some("1.2.0".into())));
        assert_eq!(check(s, &a, "1.2.0-rc.1"), (true, Some("1.2.0".into())));
        assert_eq!(check(s, &a, "1.2.0"), (false, None));
        assert_eq!(check(s, &a, "1.9.9"), (false, None));
        assert_eq!(check(s, &a, "2.0.0"), (true, Some("2.0.5".into())));
        assert_eq!(check(s, &a, "2.0.5"), (false, None));
        // Events need not be sorted in the record.
        let shuffled = entry(
            "ECOSYSTEM",
            &[
                ("fixed", "2.0.5"),
                ("introduced", "2.0.0"),
                ("fixed", "1.2.0"),
                ("introduced", "0"),
            ],
            &[],
        );
        assert_eq!(check(s, &shuffled, "2.0.1"), (true, Some("2.0.5".into())));
        assert_eq!(check(s, &shuffled, "1.5.0"), (false, None));
    }

    #[test]
    fn last_affected_limit_unfixed_and_versions() {
        let s = Scheme::Semver;
        let a = entry(
            "ECOSYSTEM",
            &[("introduced", "1.0.0"), ("last_affected", "1.4.2")],
            &[],
        );
        assert_eq!(check(s, &a, "1.4.2"), (true, None));
        assert_eq!(check(s, &a, "1.4.3"), (false, None));
        assert_eq!(check(s, &a, "0.9.0"), (false, None));
        let unfixed = entry("ECOSYSTEM", &[("introduced", "0")], &[]);
        assert_eq!(check(s, &unfixed, "99.0.0"), (true, None));
        let limited = entry("ECOSYSTEM", &[("introduced", "0"), ("limit", "3.0.0")], &[]);
        assert_eq!(check(s, &limited, "2.9.9"), (true, None));
        assert_eq!(check(s, &limited, "3.0.0"), (false, None));
        let listed = entry(
            "GIT",
            &[("introduced", "0"), ("fixed", "abcdef")],
            &["1.0.0", "1.1.0"],
        );
        assert_eq!(check(s, &listed, "1.1.0"), (true, None));
        assert_eq!(check(s, &listed, "1.2.0"), (false, None));
        // PEP 440 equality: a listed `1.0` matches `1.0.0`.
        let pep = entry("GIT", &[], &["1.0"]);
        assert_eq!(check(Scheme::Pep440, &pep, "1.0.0"), (true, None));
    }

    #[test]
    fn dpkg_ranges_and_touching_ranges() {
        let a = entry(
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "3.0.15-1~deb12u1")],
            &[],
        );
        assert_eq!(
            check(Scheme::Dpkg, &a, "3.0.14-1~deb12u2"),
            (true, Some("3.0.15-1~deb12u1".into()))
        );
        assert_eq!(check(Scheme::Dpkg, &a, "3.0.15-1"), (false, None));
        assert_eq!(check(Scheme::Dpkg, &a, "1:1.0"), (false, None));
        // `fixed: X` then `introduced: X`: X is affected by the second range.
        let touching = entry(
            "ECOSYSTEM",
            &[
                ("introduced", "0"),
                ("fixed", "3.1.1"),
                ("introduced", "3.1.1"),
                ("fixed", "3.1.3"),
            ],
            &[],
        );
        assert_eq!(
            check(Scheme::Pep440, &touching, "3.1.1"),
            (true, Some("3.1.3".into()))
        );
    }

    #[test]
    fn unreadable_versions_are_errors_not_guesses() {
        let a = entry(
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "not a version!")],
            &[],
        );
        assert!(evaluate(Scheme::Semver, "1.0.0", &a).is_err());
        let b = entry("ECOSYSTEM", &[("introduced", "0"), ("fixed", "2.0.0")], &[]);
        assert!(evaluate(Scheme::Semver, "???", &b).is_err());
        // A SEMVER range is read with SemVer whatever the ecosystem.
        let c = entry("SEMVER", &[("introduced", "0"), ("fixed", "1.0.0")], &[]);
        assert_eq!(
            check(Scheme::Pep440, &c, "0.5.0"),
            (true, Some("1.0.0".into()))
        );
    }
}
