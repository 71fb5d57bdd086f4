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
            // A URL is downloaded first (as `db update` does: streamed, verified), then read.
            let sources = paths
                .iter()
                .map(|p| {
                    let text = p.to_string_lossy();
                    let local = if text.starts_with("http://") || text.starts_with("https://") {
                        dockguard_vuln::update::download(
                            &dir,
                            &text,
                            &dockguard_vuln::update::Options::default(),
                        )
                        .map_err(|e| anyhow!("{e}"))?
                    } else {
                        p.clone()
                    };
                    Source::of_path(&local).map_err(|e| anyhow!("{e}"))
                })
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
            outln!(
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
            outln!(
                "database: {} ({:.1} MiB)",
                store.path().display(),
                size as f64 / 1048576.0
            );
            outln!(
                "records:  {}",
                store.record_count().map_err(|e| anyhow!("{e}"))?
            );
            for c in store.counts().map_err(|e| anyhow!("{e}"))? {
                outln!("  {:<24} {:>7} advisories", c.ecosystem, c.advisories);
            }
            let imports = store.imports().map_err(|e| anyhow!("{e}"))?;
            // A `db update` that found nothing new counts as fresh as an import.
            let checked = dockguard_vuln::update::last_check(&dir);
            let newest = imports
                .iter()
                .map(|i| i.imported_at)
                .chain(checked)
                .max()
                .unwrap_or(0);
            let age_days = (now() - newest).max(0) as f64 / 86400.0;
            outln!(
                "updated:  {:.1} days ago ({} imports{})",
                age_days,
                imports.len(),
                match checked {
                    Some(t) => format!(
                        ", last checked by db update {:.1} days ago",
                        (now() - t).max(0) as f64 / 86400.0
                    ),
                    None => String::new(),
                }
            );
            if age_days > *max_age as f64 {
                eprintln!(
                    "dockguard: warning: the advisory database is {age_days:.0} days old (over {max_age}); import a fresh export"
                );
                return Ok(1);
            }
            Ok(0)
        }
        DbCommand::Update {
            db,
            mirror,
            ecosystem,
            allow_http,
            max_size,
        } => db_update(db, mirror, ecosystem, *allow_http, *max_size),
    }
}

/// `dockguard db update`: one line per ecosystem as it is done, then the import.
fn db_update(
    db: &DbDirArgs,
    mirror: &str,
    ecosystems: &[String],
    allow_http: bool,
    max_size_mib: u64,
) -> Result<i32> {
    use dockguard_vuln::update::{DEFAULT_ECOSYSTEMS, Options, update};
    let dir = db_dir(db)?;
    let ecosystems: Vec<String> = if ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|e| e.to_string()).collect()
    } else {
        ecosystems.to_vec()
    };
    let options = Options {
        max_bytes: max_size_mib.saturating_mul(1 << 20),
        allow_http,
        ..Options::default()
    };
    let width = ecosystems.iter().map(|e| e.len()).max().unwrap_or(0);
    let report = update(&dir, mirror, &ecosystems, &options, &mut |r| {
        print_outcome(r, width)
    })
    .map_err(|e| anyhow!("{e}"))?;
    if report.failed() {
        eprintln!(
            "dockguard: error: some downloads failed; the database was not changed (run `dockguard db update` again to retry; interrupted downloads resume)"
        );
        return Ok(1);
    }
    match &report.import {
        Some(import) => {
            for w in &import.warnings {
                eprintln!("dockguard: warning: skipped {w}");
            }
            outln!(
                "imported {} records into {} in {:.2} s: {} new, {} replaced, {} unchanged, {} skipped",
                import.read,
                dir.join(dockguard_vuln::store::FILE_NAME).display(),
                report.import_seconds,
                import.added,
                import.replaced,
                import.unchanged,
                import.skipped,
            );
        }
        None if dir.join(dockguard_vuln::store::FILE_NAME).is_file() => {
            outln!("the database is up to date")
        }
        None => {
            eprintln!("dockguard: error: none of the ecosystems has an export at {mirror}");
            return Ok(1);
        }
    }
    Ok(0)
}

fn print_outcome(r: &dockguard_vuln::update::EcosystemResult, width: usize) {
    use dockguard_vuln::update::Outcome;
    match &r.outcome {
        Outcome::Downloaded {
            bytes,
            resumed_from,
            seconds,
        } => println!(
            "{:<width$}  downloaded {:.1} MiB in {seconds:.2} s{}",
            r.ecosystem,
            *bytes as f64 / 1048576.0,
            if *resumed_from > 0 {
                format!(" (resumed at {:.1} MiB)", *resumed_from as f64 / 1048576.0)
            } else {
                String::new()
            }
        ),
        Outcome::NotModified => println!("{:<width$}  not modified", r.ecosystem),
        Outcome::Missing { status } => {
            println!("{:<width$}  missing", r.ecosystem);
            eprintln!(
                "dockguard: warning: {} has no export (HTTP {status} for {})",
                r.ecosystem, r.url
            );
        }
        Outcome::Failed(why) => {
            println!("{:<width$}  failed", r.ecosystem);
            eprintln!("dockguard: error: {}: {why}", r.ecosystem);
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
    // Ignore entries and VEX documents are read first: their errors need no image walk.
    let rules = ignore_rules(args)?;
    let vex = read_vex(&args.vex)?;
    let dir = db_dir(&args.db)?;
    let store = Store::open(&dir).map_err(|e| anyhow!("{e}"))?;
    let (inventory, name, kind) = crate::sbom::inventory_of_target(&args.image)?;
    let mut report = match_inventory(&store, &inventory).map_err(|e| anyhow!("{e}"))?;
    for e in report.errors.iter().take(10) {
        eprintln!("dockguard: warning: advisory not evaluated: {e}");
    }
    report.findings.retain(|f| {
        (wanted.is_empty() || wanted.contains(&f.rating.severity))
            && !(args.ignore_unfixed && f.fixed.is_none())
    });
    let today = dockguard_vuln::ignore::Date::today();
    let outcome = dockguard_vuln::ignore::apply(
        &rules,
        std::mem::take(&mut report.findings),
        &inventory,
        today,
    );
    for &i in &outcome.expired {
        let r = &rules[i];
        eprintln!(
            "dockguard: warning: {}: the ignore entry for {}{} expired on {}; its findings are reported again",
            r.origin,
            r.id,
            r.package
                .as_deref()
                .map(|p| format!(" in {p}"))
                .unwrap_or_default(),
            r.expires.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    let distro = inventory.distro.as_ref();
    let mut vex_suppressed: Vec<(Finding, Statement, String)> = Vec::new();
    for f in outcome.kept {
        let purl = inventory.packages[f.package].purl(distro);
        match vex.decide(&f, &purl) {
            Some(d) if d.statement.status.suppresses() => {
                vex_suppressed.push((f, d.statement.clone(), d.document.source.clone()));
            }
            _ => report.findings.push(f),
        }
    }
    let suppressed = Suppressed {
        rules: &rules,
        ignored: &outcome.ignored,
        vex: &vex_suppressed,
    };
    let text = match args.format {
        VulnFormat::Table => table(&inventory, &report, &suppressed),
        VulnFormat::Json => {
            serde_json::to_string_pretty(&to_json(&name, &inventory, &report, &suppressed))? + "\n"
        }
        VulnFormat::Sarif | VulnFormat::Cyclonedx => {
            let subject = dockguard_packages::sbom::Subject {
                name: &name,
                kind,
                tool_version: env!("CARGO_PKG_VERSION"),
            };
            let analysed: Vec<(Finding, Statement)> = vex_suppressed
                .iter()
                .map(|(f, s, _)| (f.clone(), s.clone()))
                .collect();
            let findings: Vec<Finding> = ordered(&report).into_iter().cloned().collect();
            let records = full_records(
                &store,
                findings.iter().chain(analysed.iter().map(|(f, _)| f)),
            )?;
            let input = dockguard_vuln::formats::Input {
                subject: &subject,
                inventory: &inventory,
                findings: &findings,
                vex_suppressed: &analysed,
                records: &records,
            };
            let doc = if args.format == VulnFormat::Sarif {
                dockguard_vuln::formats::sarif(&input)
            } else {
                dockguard_vuln::formats::cyclonedx(&input)
            };
            serde_json::to_string_pretty(&doc)? + "\n"
        }
    };
    match &args.output {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| anyhow!("{}: cannot write the report: {e}", file.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?,
    }
    Ok(i32::from(!report.findings.is_empty()))
}

use dockguard_vuln::vex::Statement;

/// Findings left out, and why.
struct Suppressed<'a> {
    rules: &'a [dockguard_vuln::ignore::Rule],
    /// By an ignore entry (index into `rules`).
    ignored: &'a [(Finding, usize)],
    /// By an OpenVEX statement, with the document's file.
    vex: &'a [(Finding, Statement, String)],
}

/// The `[vuln] ignore` entries of the configuration: `--config FILE`, else the user file and the
/// `.dockguard.toml` files from the repository root down to the target (a path), or to the
/// current directory (an image name), as `dockguard lint` finds them.
fn ignore_rules(args: &VulnArgs) -> Result<Vec<dockguard_vuln::ignore::Rule>> {
    use dockguard_core::config;
    if args.no_config {
        return Ok(Vec::new());
    }
    let mut cfg = dockguard_core::Config::default();
    match &args.config {
        Some(file) => cfg.merge_path(file)?,
        None => {
            if let Some(user) = config::user_config_path() {
                cfg.merge_path(&user)?;
            }
            let target = std::path::Path::new(&args.image.target);
            let start = if matches!(
                args.image.from,
                crate::cli::ImageFrom::Auto | crate::cli::ImageFrom::File
            ) && target.exists()
            {
                std::path::absolute(target)?
            } else {
                std::env::current_dir()?
            };
            for file in config::discover(&start) {
                cfg.merge_path(&file)?;
            }
        }
    }
    ignore_rules_of(&cfg)
}

/// The `[vuln] ignore` entries of a loaded configuration (also `dockguard scan`'s, for VU100).
pub(crate) fn ignore_rules_of(
    cfg: &dockguard_core::Config,
) -> Result<Vec<dockguard_vuln::ignore::Rule>> {
    use dockguard_core::config;
    let at = |o: &config::ConfigError| format!("{}:{}:{}", o.path.display(), o.line, o.column);
    cfg.vuln_ignores
        .iter()
        .map(|e| {
            let expires = match &e.expires {
                Some(text) => Some(dockguard_vuln::ignore::Date::parse(text).map_err(|m| {
                    let origin = e.expires_origin.as_ref().unwrap_or(&e.origin);
                    anyhow!("{}: expires: {m}", at(origin))
                })?),
                None => None,
            };
            Ok(dockguard_vuln::ignore::Rule {
                id: e.id.clone(),
                package: e.package.clone(),
                reason: e.reason.clone(),
                expires,
                origin: at(&e.origin),
            })
        })
        .collect()
}

/// Reads the `--vex` documents; the first bad one is the error (file, line:col when JSON).
fn read_vex(files: &[PathBuf]) -> Result<dockguard_vuln::vex::Vex> {
    let mut vex = dockguard_vuln::vex::Vex::default();
    for file in files {
        let name = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| anyhow!("{name}: cannot read: {e}"))?;
        vex.documents
            .push(dockguard_vuln::vex::parse(&name, &bytes).map_err(|e| anyhow!("{e}"))?);
    }
    Ok(vex)
}

/// The full OSV records of the findings' ids and aliases (those the store has).
fn full_records<'a>(
    store: &Store,
    findings: impl Iterator<Item = &'a Finding>,
) -> Result<BTreeMap<String, dockguard_vuln::osv::Record>> {
    let mut records = BTreeMap::new();
    let mut tried = std::collections::BTreeSet::new();
    for f in findings {
        for id in std::iter::once(&f.id).chain(&f.aliases) {
            if tried.insert(id.clone())
                && let Some(r) = store.record(id).map_err(|e| anyhow!("{e}"))?
            {
                records.insert(id.clone(), r);
            }
        }
    }
    Ok(records)
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

fn table(inventory: &Inventory, report: &Report, suppressed: &Suppressed<'_>) -> String {
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
    if !suppressed.ignored.is_empty() {
        out.push_str(&format!("; {} ignored", suppressed.ignored.len()));
    }
    if !suppressed.vex.is_empty() {
        out.push_str(&format!(
            "; {} not affected or fixed per VEX",
            suppressed.vex.len()
        ));
    }
    if report.not_covered > 0 {
        out.push_str(&format!(
            "; {} packages not covered by any advisory ecosystem",
            report.not_covered
        ));
    }
    out.push('\n');
    out
}

fn to_json(
    name: &str,
    inventory: &Inventory,
    report: &Report,
    suppressed: &Suppressed<'_>,
) -> serde_json::Value {
    let distro = inventory.distro.as_ref();
    let package = |f: &Finding| {
        let p = &inventory.packages[f.package];
        json!({
            "name": p.name,
            "version": p.version,
            "purl": p.purl(distro),
            "locations": p.locations,
        })
    };
    let findings: Vec<serde_json::Value> = ordered(report)
        .into_iter()
        .map(|f| {
            json!({
                "id": f.id,
                "aliases": f.aliases,
                "severity": f.rating.severity,
                "score": f.rating.score,
                "severity_source": f.rating.source,
                "package": package(f),
                "ecosystem": f.ecosystem,
                "installed": f.installed,
                "fixed": f.fixed,
                "summary": f.summary,
            })
        })
        .collect();
    let ignored: Vec<serde_json::Value> = suppressed
        .ignored
        .iter()
        .map(|(f, i)| {
            let r = &suppressed.rules[*i];
            json!({
                "id": f.id,
                "aliases": f.aliases,
                "severity": f.rating.severity,
                "package": package(f),
                "installed": f.installed,
                "fixed": f.fixed,
                "reason": r.reason,
                "expires": r.expires.map(|d| d.to_string()),
                "entry": r.origin,
            })
        })
        .collect();
    let vex: Vec<serde_json::Value> = suppressed
        .vex
        .iter()
        .map(|(f, s, source)| {
            json!({
                "id": f.id,
                "aliases": f.aliases,
                "severity": f.rating.severity,
                "package": package(f),
                "installed": f.installed,
                "fixed": f.fixed,
                "status": s.status.as_str(),
                "justification": s.justification,
                "impact_statement": s.impact_statement,
                "document": source,
            })
        })
        .collect();
    json!({
        "target": name,
        "packages_checked": report.checked,
        "packages_not_covered": report.not_covered,
        "findings": findings,
        "ignored": ignored,
        "vex_suppressed": vex,
        "errors": report.errors,
    })
}
