//! Matching an inventory against the store: each package is looked up in its OSV ecosystem
//! ([`crate::ecosystem::query_for`]), each advisory's `affected` entries for that package are
//! evaluated with the ecosystem's version rules ([`crate::range::evaluate`]), and advisories
//! that are the same vulnerability under several ids (a PYSEC and a GHSA sharing a CVE alias)
//! are merged so it is reported once per package.

use std::collections::{BTreeMap, BTreeSet};

use dockguard_packages::model::{Inventory, Package};

use crate::ecosystem::query_for;
use crate::osv::Record;
use crate::range::evaluate;
use crate::severity::{Rating, rate};
use crate::store::{Result, Store};

/// One vulnerability of one package.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The id shown: the CVE when one of the merged records is or names one, else the first
    /// record id in sort order.
    pub id: String,
    /// Every other id of the merged records and their aliases, sorted.
    pub aliases: Vec<String>,
    /// The package, as the inventory has it (index into `Inventory::packages`).
    pub package: usize,
    /// The OSV ecosystem it was matched in (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    /// The version compared (a Debian package's source version).
    pub installed: String,
    /// The lowest version that fixes it, when the advisories name one; `None` = unfixed.
    pub fixed: Option<String>,
    pub rating: Rating,
    pub summary: Option<String>,
}

/// What matching found, and what it could not judge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Packages looked up (those in an ecosystem the store can cover).
    pub checked: usize,
    /// Packages of no OSV ecosystem (binaries found by banner, an unknown distribution).
    pub not_covered: usize,
    /// Advisory ranges that could not be evaluated (`id: package version: reason`).
    pub errors: Vec<String>,
}

/// Matches every package of `inventory`.
pub fn match_inventory(store: &Store, inventory: &Inventory) -> Result<Report> {
    let mut report = Report::default();
    let queries: Vec<Option<crate::ecosystem::Query>> = inventory
        .packages
        .iter()
        .map(|p| query_for(p, inventory.distro.as_ref()))
        .collect();
    // One batch of lookups per ecosystem.
    let mut wanted: std::collections::BTreeMap<&crate::ecosystem::Key, BTreeSet<&str>> =
        Default::default();
    for q in queries.iter().flatten() {
        wanted.entry(&q.key).or_default().insert(q.name.as_str());
    }
    let mut found_by_key = std::collections::HashMap::new();
    for (key, names) in &wanted {
        let names: Vec<&str> = names.iter().copied().collect();
        found_by_key.insert(*key, store.lookup_many(key, &names)?);
    }
    let none = Vec::new();
    for (index, package) in inventory.packages.iter().enumerate() {
        let Some(query) = &queries[index] else {
            report.not_covered += 1;
            continue;
        };
        report.checked += 1;
        let matches = found_by_key
            .get(&query.key)
            .and_then(|m| m.get(&query.name))
            .unwrap_or(&none);
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for found in matches {
            let record = &found.record;
            let mut hit: Option<Option<String>> = None;
            for affected in &found.affected {
                match evaluate(query.scheme, &query.version, affected) {
                    Ok(v) if v.affected => {
                        // Several entries for one package: the lowest fix wins, unfixed only
                        // when none names a fix.
                        let fixed = match (hit.take().flatten(), v.fixed) {
                            (Some(a), Some(b)) => Some(lowest(query.scheme, a, b)),
                            (a, b) => a.or(b),
                        };
                        hit = Some(fixed);
                    }
                    Ok(_) => {}
                    Err(e) => report.errors.push(format!(
                        "{}: {} {}: {e}",
                        record.id, package.name, query.version
                    )),
                }
            }
            if let Some(fixed) = hit {
                hits.push((record.as_ref(), fixed));
            }
        }
        let ecosystem = if query.key.release.is_empty() {
            query.key.base.clone()
        } else {
            format!("{}:{}", query.key.base, query.key.release)
        };
        for group in merge_aliases(&hits) {
            report.findings.push(finding(
                index,
                package,
                &ecosystem,
                &query.version,
                query.scheme,
                &group,
            ));
        }
    }
    report
        .findings
        .sort_by(|a, b| (a.package, &a.id).cmp(&(b.package, &b.id)));
    Ok(report)
}

fn lowest(scheme: crate::version::Scheme, a: String, b: String) -> String {
    match crate::version::compare(scheme, &a, &b) {
        Ok(std::cmp::Ordering::Greater) => b,
        _ => a,
    }
}

/// An advisory that affects the package, with its lowest fix.
type Hit<'a> = (&'a Record, Option<String>);

/// Groups records that share an id or alias (transitively).
fn merge_aliases<'a>(hits: &[Hit<'a>]) -> Vec<Vec<Hit<'a>>> {
    let ids = |r: &Record| -> BTreeSet<String> {
        std::iter::once(r.id.clone())
            .chain(r.aliases.iter().cloned())
            .collect()
    };
    let mut groups: Vec<(BTreeSet<String>, Vec<Hit<'a>>)> = Vec::new();
    for (record, fixed) in hits {
        let mine = ids(record);
        let mut merged = (mine.clone(), vec![(*record, fixed.clone())]);
        let mut i = 0;
        while i < groups.len() {
            if !groups[i].0.is_disjoint(&merged.0) {
                let (names, members) = groups.swap_remove(i);
                merged.0.extend(names);
                merged.1.extend(members);
            } else {
                i += 1;
            }
        }
        groups.push(merged);
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

fn finding(
    index: usize,
    _package: &Package,
    ecosystem: &str,
    installed: &str,
    scheme: crate::version::Scheme,
    group: &[Hit<'_>],
) -> Finding {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for (r, _) in group {
        names.insert(r.id.clone());
        names.extend(r.aliases.iter().cloned());
    }
    let mut record_ids: Vec<&str> = group.iter().map(|(r, _)| r.id.as_str()).collect();
    record_ids.sort();
    let id = names
        .iter()
        .find(|n| n.starts_with("CVE-"))
        .cloned()
        .unwrap_or_else(|| record_ids[0].to_string());
    let aliases = names.into_iter().filter(|n| *n != id).collect();
    // The merged records may disagree on the fix: the highest named fix is the one that
    // fixes it for every source; unfixed only when no record names a fix.
    let mut fixed: Option<String> = None;
    for (_, f) in group {
        if let Some(f) = f {
            fixed = Some(match fixed {
                None => f.clone(),
                Some(cur) => match crate::version::compare(scheme, f, &cur) {
                    Ok(std::cmp::Ordering::Greater) => f.clone(),
                    _ => cur,
                },
            });
        }
    }
    let mut ratings: BTreeMap<u8, Rating> = BTreeMap::new();
    for (r, _) in group {
        let rating = rate(r, ecosystem);
        ratings.entry(rating.severity as u8).or_insert(rating);
    }
    let rating = ratings.into_values().next_back().unwrap_or_default();
    let summary = group
        .iter()
        .find_map(|(r, _)| r.summary.clone().filter(|s| !s.trim().is_empty()));
    Finding {
        id,
        aliases,
        package: index,
        ecosystem: ecosystem.to_string(),
        installed: installed.to_string(),
        fixed,
        rating,
        summary,
    }
}
