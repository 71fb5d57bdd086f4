//! `dockguard vuln` and `dockguard db`: the package inventory of a target matched against the
//! local OSV advisory database, and that database's import and status.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Result, anyhow};
use dockguard_packages::model::Inventory;
use dockguard_vuln::matcher::{Finding, Report, match_inventory};
use dockguard_vuln::severity::Severity;
use dockguard_vuln::store::{Source, Store, import};
use serde_json::json;

use crate::cli::{DbArgs, DbCommand, DbDirArgs, VulnArgs, VulnFormat};

/// The database directory: `--db-dir`/DOCKGUARD_DB_DIR, else `dockguard/db` in the user's cache
/// directory.
pub(crate) fn db_dir(args: &DbDirArgs) -> Result<PathBuf> {
    if let Some(dir) = &args.db_dir {
        return Ok(dir.clone());
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .ok_or_else(|| anyhow!("no cache directory (HOME is not set): pass --db-dir"))?;
    Ok(cache.join("dockguard").join("db"))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn db(args: &DbArgs) -> Result<i32> {
    match &args.command {
        DbCommand::Import { paths, db } => {
            let dir = db_dir(db)?;
            let sources = paths
                .iter()
                .map(|p| Source::of_path(p).map_err(|e| anyhow!("{e}")))
                .collect::<Result<Vec<_>>>()?;
            let started = std::time::Instant::now();
            let report = import(&dir, &sources, now()).map_err(|e| anyhow!("{e}"))?;
            for w in &report.warnings {
                eprintln!("dockguard: warning: skipped {w}");
            }
            if report.skipped as usize > report.warnings.len() {
                eprintln!(
                    "dockguard: warning: {} more records skipped",
                    report.skipped as usize - report.warnings.len()
                );
            }
            println!(
                "imported {} records into {} in {:.2} s: {} new, {} replaced, {} unchanged, {} skipped{}",
                report.read,
                dir.join(dockguard_vuln::store::FILE_NAME).display(),
                started.elapsed().as_secs_f64(),
                report.added,
                report.replaced,
                report.unchanged,
                report.skipped,
                if report.unknown_ecosystems > 0 {
                    format!(
                        "; {} affected entries of ecosystems dockguard does not match",
                        report.unknown_ecosystems
                    )
                } else {
                    String::new()
                }
            );
            Ok(0)
        }
        DbCommand::Status { db, max_age } => {
            let dir = db_dir(db)?;
            let store = Store::open(&dir).map_err(|e| anyhow!("{e}"))?;
            let size = std::fs::metadata(store.path())
                .map(|m| m.len())
                .unwrap_or(0);
            println!(
                "database: {} ({:.1} MiB)",
                store.path().display(),
                size as f64 / 1048576.0
            );
            println!(
                "records:  {}",
                store.record_count().map_err(|e| anyhow!("{e}"))?
            );
            for c in store.counts().map_err(|e| anyhow!("{e}"))? {
                println!("  {:<24} {:>7} advisories", c.ecosystem, c.advisories);
            }
            let imports = store.imports().map_err(|e| anyhow!("{e}"))?;
            let newest = imports.iter().map(|i| i.imported_at).max().unwrap_or(0);
            let age_days = (now() - newest).max(0) as f64 / 86400.0;
            println!(
                "updated:  {:.1} days ago ({} imports)",
                age_days,
                imports.len()
            );
            if age_days > *max_age as f64 {
                eprintln!(
                    "dockguard: warning: the advisory database is {age_days:.0} days old (over {max_age}); import a fresh export"
                );
                return Ok(1);
            }
            Ok(0)
        }
    }
}

pub fn run(args: &VulnArgs) -> Result<i32> {
    let wanted: Vec<Severity> = args
        .severity
        .iter()
        .map(|s| {
            s.parse::<Severity>()
                .map_err(|e| anyhow!("--severity: {e}"))
        })
        .collect::<Result<_>>()?;
    let dir = db_dir(&args.db)?;
    let store = Store::open(&dir).map_err(|e| anyhow!("{e}"))?;
    let (inventory, name, _) = crate::sbom::inventory_of_target(&args.image)?;
    let mut report = match_inventory(&store, &inventory).map_err(|e| anyhow!("{e}"))?;
    for e in report.errors.iter().take(10) {
        eprintln!("dockguard: warning: advisory not evaluated: {e}");
    }
    report.findings.retain(|f| {
        (wanted.is_empty() || wanted.contains(&f.rating.severity))
            && !(args.ignore_unfixed && f.fixed.is_none())
    });
    let text = match args.format {
        VulnFormat::Table => table(&inventory, &report),
        VulnFormat::Json => {
            serde_json::to_string_pretty(&to_json(&name, &inventory, &report))? + "\n"
        }
    };
    match &args.output {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| anyhow!("{}: cannot write the report: {e}", file.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?,
    }
    Ok(i32::from(!report.findings.is_empty()))
}

/// Findings, most severe first, then by package.
fn ordered(report: &Report) -> Vec<&Finding> {
    let mut out: Vec<&Finding> = report.findings.iter().collect();
    out.sort_by(|a, b| {
        (std::cmp::Reverse(a.rating.severity), a.package, &a.id).cmp(&(
            std::cmp::Reverse(b.rating.severity),
            b.package,
            &b.id,
        ))
    });
    out
}

fn table(inventory: &Inventory, report: &Report) -> String {
    let mut rows = vec![[
        "PACKAGE".to_string(),
        "INSTALLED".into(),
        "FIXED".into(),
        "VULNERABILITY".into(),
        "SEVERITY".into(),
        "SUMMARY".into(),
    ]];
    for f in ordered(report) {
        let p = &inventory.packages[f.package];
        let summary: String = f
            .summary
            .clone()
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        rows.push([
            format!("{} ({})", p.name, f.ecosystem),
            f.installed.clone(),
            f.fixed.clone().unwrap_or_else(|| "(unfixed)".into()),
            f.id.clone(),
            f.rating.severity.as_str().to_string(),
            summary,
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    if rows.len() > 1 {
        for row in &rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_severity
            .entry(std::cmp::Reverse(f.rating.severity))
            .or_default() += 1;
    }
    let counts: Vec<String> = by_severity
        .iter()
        .map(|(s, n)| format!("{n} {}", s.0.as_str().to_lowercase()))
        .collect();
    let packages: std::collections::BTreeSet<usize> =
        report.findings.iter().map(|f| f.package).collect();
    out.push_str(&format!(
        "{} vulnerabilities{} in {} of {} packages checked",
        report.findings.len(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        },
        packages.len(),
        report.checked
    ));
    if report.not_covered > 0 {
        out.push_str(&format!(
            "; {} packages not covered by any advisory ecosystem",
            report.not_covered
        ));
    }
    out.push('\n');
    out
}

fn to_json(name: &str, inventory: &Inventory, report: &Report) -> serde_json::Value {
    let distro = inventory.distro.as_ref();
    let findings: Vec<serde_json::Value> = ordered(report)
        .into_iter()
        .map(|f| {
            let p = &inventory.packages[f.package];
            json!({
                "id": f.id,
                "aliases": f.aliases,
                "severity": f.rating.severity,
                "score": f.rating.score,
                "severity_source": f.rating.source,
                "package": {
                    "name": p.name,
                    "version": p.version,
                    "purl": p.purl(distro),
                    "locations": p.locations,
                },
                "ecosystem": f.ecosystem,
                "installed": f.installed,
                "fixed": f.fixed,
                "summary": f.summary,
            })
        })
        .collect();
    json!({
        "target": name,
        "packages_checked": report.checked,
        "packages_not_covered": report.not_covered,
        "findings": findings,
        "errors": report.errors,
    })
}
