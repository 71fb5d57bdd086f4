//! The local advisory store: one SQLite file (`osv.db`) in the database directory.
//!
//! Tables: `advisory` (id, modified, withdrawn, the record as deflate-compressed JSON),
//! `affected` (ecosystem base, release, normalised package name → advisory id; indexed for the
//! lookups of [`Store::lookup`]), `import` (what was imported from where, when) and `meta`
//! (schema version). SQLite because it is one file, stable, inspectable with the `sqlite3`
//! CLI and answers indexed lookups in microseconds; the crate builds its own copy (`bundled`).
//!
//! Writes never touch the live file: [`import`] copies it (or starts empty), applies every
//! record in one transaction, syncs, and renames the copy over the live file. An interrupted
//! or failed import leaves the previous database as it was.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::ecosystem::{Key, key_of, normalize_name};
use crate::osv::{self, Affected, Record};

/// The file name of the store in its directory.
pub const FILE_NAME: &str = "osv.db";
/// Bumped when the tables change; an older file is refused with a request to re-import.
pub const SCHEMA_VERSION: i64 = 2;

#[derive(Debug)]
pub enum StoreError {
    /// No database in the directory.
    Missing(PathBuf),
    /// The file is not a store this version can read.
    Incompatible(PathBuf, String),
    /// A store of another schema version (rebuilt by the next import).
    OtherSchema(PathBuf, i64),
    Sqlite(PathBuf, rusqlite::Error),
    Io(PathBuf, std::io::Error),
    /// A source to import could not be read at all.
    Source(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Missing(p) => write!(
                f,
                "no advisory database at {} (import one: `dockguard db import PATH|URL`)",
                p.display()
            ),
            StoreError::OtherSchema(p, v) => write!(
                f,
                "{}: database schema {v}, this dockguard reads {SCHEMA_VERSION}; import the \
                 advisories again (`dockguard db import` or `db update`) to rebuild it",
                p.display()
            ),
            StoreError::Incompatible(p, why) => write!(
                f,
                "{}: {why}; import the advisories again to rebuild it",
                p.display()
            ),
            StoreError::Sqlite(p, e) => write!(f, "{}: {e}", p.display()),
            StoreError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            StoreError::Source(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for StoreError {}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open, read-only store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Records already read, by id (several packages often share advisories).
    cache: std::cell::RefCell<HashMap<String, std::rc::Rc<Record>>>,
}

/// An advisory found for a package: its summary record and its entries for that package.
#[derive(Debug, Clone)]
pub struct Match {
    pub record: std::rc::Rc<Record>,
    pub affected: Vec<Affected>,
}

/// What matching and reporting read of a record, stored apart so a lookup does not inflate and
/// parse details, references and other packages' version lists: id, modified, withdrawn,
/// aliases, summary, the severities (record, per-entry and source-specific words).
pub fn summary_of(record: &Record) -> Record {
    let pick = |v: &serde_json::Value, keys: &[&str]| -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for k in keys {
            if let Some(x) = v.get(*k) {
                out.insert((*k).to_string(), x.clone());
            }
        }
        if out.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::Object(out)
        }
    };
    Record {
        id: record.id.clone(),
        modified: record.modified.clone(),
        published: None,
        withdrawn: record.withdrawn.clone(),
        aliases: record.aliases.clone(),
        upstream: Vec::new(),
        summary: record.summary.clone(),
        details: None,
        severity: record.severity.clone(),
        affected: record
            .affected
            .iter()
            .map(|a| Affected {
                package: None,
                ranges: Vec::new(),
                versions: Vec::new(),
                severity: a.severity.clone(),
                ecosystem_specific: pick(&a.ecosystem_specific, &["severity", "urgency"]),
                database_specific: serde_json::Value::Null,
            })
            .filter(|a| !a.severity.is_empty() || !a.ecosystem_specific.is_null())
            .collect(),
        references: Vec::new(),
        database_specific: pick(&record.database_specific, &["severity"]),
    }
}

/// Records of one ecosystem (base and release) in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemCount {
    pub ecosystem: String,
    pub advisories: u64,
}

/// One import, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLog {
    pub source: String,
    /// Seconds since the Unix epoch.
    pub imported_at: i64,
    pub records: u64,
}

impl Store {
    /// Opens `dir/osv.db` read-only.
    pub fn open(dir: &Path) -> Result<Store> {
        let path = dir.join(FILE_NAME);
        if !path.is_file() {
            return Err(StoreError::Missing(path));
        }
        // `immutable`: no locks and no change checks on every query. Safe because the file is
        // never written in place: an import renames a new file over it, and this connection
        // keeps reading the old one.
        let conn = Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_path(&path)),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| StoreError::Sqlite(path.clone(), e))?;
        check_schema(&conn, &path)?;
        Ok(Store {
            conn,
            path,
            cache: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The advisories that name `name` (already normalised) in ecosystem `key`, withdrawn
    /// ones left out: each as its summary record ([`summary_of`]: ids, aliases, summary,
    /// severities; no details or references) with its `affected` entries for that package.
    pub fn lookup(&self, key: &Key, name: &str) -> Result<Vec<Match>> {
        Ok(self
            .lookup_many(key, &[name])?
            .remove(name)
            .unwrap_or_default())
    }

    /// [`Store::lookup`] for many names of one ecosystem at once (a few queries instead of one
    /// a package): name → its advisories.
    pub fn lookup_many(&self, key: &Key, names: &[&str]) -> Result<HashMap<String, Vec<Match>>> {
        /// Names bound per query (SQLite allows 32,766 parameters).
        const CHUNK: usize = 500;
        let sql = |e| StoreError::Sqlite(self.path.clone(), e);
        let mut out: HashMap<String, Vec<Match>> = HashMap::new();
        for chunk in names.chunks(CHUNK) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT f.name, a.id, a.summary, f.entries FROM affected f \
                     JOIN advisory a ON a.id = f.id WHERE f.base = ? AND f.release = ? \
                     AND a.withdrawn = 0 AND f.name IN ({marks})"
                ))
                .map_err(sql)?;
            let mut params: Vec<&dyn rusqlite::ToSql> = vec![&key.base, &key.release];
            params.extend(chunk.iter().map(|n| n as &dyn rusqlite::ToSql));
            let rows = stmt
                .query_map(params.as_slice(), |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Vec<u8>>(2)?,
                        row.get::<_, Vec<u8>>(3)?,
                    ))
                })
                .map_err(sql)?;
            for row in rows {
                let (name, id, summary, entries) = row.map_err(sql)?;
                let found = self.decode(&id, &summary, &entries)?;
                out.entry(name).or_default().push(found);
            }
        }
        Ok(out)
    }

    /// A lookup row as a [`Match`], the summary record cached by id.
    fn decode(&self, id: &str, summary: &[u8], entries: &[u8]) -> Result<Match> {
        let broken =
            |e: String| StoreError::Incompatible(self.path.clone(), format!("record {id}: {e}"));
        let cached = self.cache.borrow().get(id).cloned();
        let record = match cached {
            Some(r) => r,
            None => {
                let record = std::rc::Rc::new(osv::parse(summary).map_err(broken)?);
                self.cache
                    .borrow_mut()
                    .insert(id.to_string(), record.clone());
                record
            }
        };
        let affected: Vec<Affected> =
            serde_json::from_slice(entries).map_err(|e| broken(e.to_string()))?;
        Ok(Match { record, affected })
    }

    /// The whole record as imported (details, references and all).
    pub fn record(&self, id: &str) -> Result<Option<Record>> {
        let sql = |e| StoreError::Sqlite(self.path.clone(), e);
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT record FROM advisory WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        let Some(blob) = blob else { return Ok(None) };
        let json = inflate(&blob).map_err(|e| StoreError::Io(self.path.clone(), e))?;
        osv::parse(&json)
            .map(Some)
            .map_err(|e| StoreError::Incompatible(self.path.clone(), format!("record {id}: {e}")))
    }

    /// Advisories per ecosystem (`Debian:12`, `PyPI`), sorted by name.
    pub fn counts(&self) -> Result<Vec<EcosystemCount>> {
        let sql = |e| StoreError::Sqlite(self.path.clone(), e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT base, release, COUNT(DISTINCT id) FROM affected \
                 GROUP BY base, release ORDER BY base, release",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |row| {
                let base: String = row.get(0)?;
                let release: String = row.get(1)?;
                let n: i64 = row.get(2)?;
                Ok(EcosystemCount {
                    ecosystem: if release.is_empty() {
                        base
                    } else {
                        format!("{base}:{release}")
                    },
                    advisories: n.max(0) as u64,
                })
            })
            .map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }

    /// Records in the store (withdrawn ones included).
    pub fn record_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM advisory", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(|e| StoreError::Sqlite(self.path.clone(), e))
    }

    /// The imports, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportLog>> {
        let sql = |e| StoreError::Sqlite(self.path.clone(), e);
        let mut stmt = self
            .conn
            .prepare("SELECT source, imported_at, records FROM import ORDER BY imported_at, rowid")
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(ImportLog {
                    source: row.get(0)?,
                    imported_at: row.get(1)?,
                    records: row.get::<_, i64>(2)?.max(0) as u64,
                })
            })
            .map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }
}

/// `path` for a `file:` URI: bytes other than unreserved ones and `/` percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn check_schema(conn: &Connection, path: &Path) -> Result<()> {
    let version: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| {
            StoreError::Incompatible(
                path.to_path_buf(),
                format!("not an advisory database ({e})"),
            )
        })?;
    match version.and_then(|v| v.parse::<i64>().ok()) {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(v) => Err(StoreError::OtherSchema(path.to_path_buf(), v)),
        None => Err(StoreError::Incompatible(
            path.to_path_buf(),
            "not an advisory database (no schema version)".into(),
        )),
    }
}

fn deflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes)?;
    enc.finish()
}

fn inflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(osv::MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut out)?;
    Ok(out)
}

/// What one import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Records read from the sources.
    pub read: u64,
    /// New records, and records that replaced an older copy.
    pub added: u64,
    pub replaced: u64,
    /// Records already in the store with the same or a newer `modified`.
    pub unchanged: u64,
    /// Records skipped: unreadable, oversized, no id.
    pub skipped: u64,
    /// `affected` entries of an ecosystem dockguard cannot match (kept out of the index).
    pub unknown_ecosystems: u64,
    /// The first few reasons for skipped records (`file: reason`), for the user.
    pub warnings: Vec<String>,
}

/// Warnings kept per import; the rest are only counted.
const MAX_WARNINGS: usize = 20;

impl ImportReport {
    fn skip(&mut self, what: &str, why: &str) {
        self.skipped += 1;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(format!("{what}: {why}"));
        }
    }
}

/// A source of OSV records.
#[derive(Debug, Clone)]
pub enum Source {
    /// An OSV bucket export (`<Ecosystem>/all.zip`, one `<ID>.json` per record).
    Zip(PathBuf),
    /// A directory of `*.json` records (searched recursively).
    Directory(PathBuf),
    /// One record.
    File(PathBuf),
}

impl Source {
    /// The kind of source a path is: a directory, a zip (by its magic bytes) or a record.
    pub fn of_path(path: &Path) -> Result<Source> {
        let meta = std::fs::metadata(path).map_err(|e| StoreError::Io(path.to_path_buf(), e))?;
        if meta.is_dir() {
            return Ok(Source::Directory(path.to_path_buf()));
        }
        let mut magic = [0u8; 4];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| StoreError::Io(path.to_path_buf(), e))?;
        if n == 4 && magic == *b"PK\x03\x04" {
            Ok(Source::Zip(path.to_path_buf()))
        } else {
            Ok(Source::File(path.to_path_buf()))
        }
    }

    fn label(&self) -> String {
        match self {
            Source::Zip(p) | Source::Directory(p) | Source::File(p) => p.display().to_string(),
        }
    }
}

/// Imports `sources` into the store in `dir` (created if needed), atomically; `now` is the
/// import time in seconds since the epoch.
pub fn import(dir: &Path, sources: &[Source], now: i64) -> Result<ImportReport> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(dir.to_path_buf(), e))?;
    let live = dir.join(FILE_NAME);
    let tmp = dir.join(format!("{FILE_NAME}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let guard = TempFile(tmp.clone());
    if live.is_file() {
        // The live file is checked before it is built on; a store of another schema version
        // is rebuilt from this import alone, anything else is left alone.
        match Store::open(dir) {
            Ok(store) => {
                drop(store);
                std::fs::copy(&live, &tmp).map_err(|e| StoreError::Io(tmp.clone(), e))?;
            }
            Err(StoreError::OtherSchema(..)) => {}
            Err(e) => return Err(e),
        }
    }
    let mut conn = Connection::open(&tmp).map_err(|e| StoreError::Sqlite(tmp.clone(), e))?;
    let sql = |e| StoreError::Sqlite(tmp.clone(), e);
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS advisory (id TEXT PRIMARY KEY, modified TEXT NOT NULL,
             withdrawn INTEGER NOT NULL, summary BLOB NOT NULL, record BLOB NOT NULL);
         CREATE TABLE IF NOT EXISTS affected (base TEXT NOT NULL, release TEXT NOT NULL,
             name TEXT NOT NULL, id TEXT NOT NULL, entries BLOB NOT NULL);
         CREATE INDEX IF NOT EXISTS affected_lookup ON affected (base, release, name);
         CREATE INDEX IF NOT EXISTS affected_id ON affected (id);
         CREATE TABLE IF NOT EXISTS import (source TEXT NOT NULL, imported_at INTEGER NOT NULL,
             records INTEGER NOT NULL);",
    )
    .map_err(sql)?;
    let mut report = ImportReport::default();
    {
        let tx = conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
            params![SCHEMA_VERSION.to_string()],
        )
        .map_err(sql)?;
        for source in sources {
            let before = report.read;
            read_source(source, &mut |what, member| {
                report.read += 1;
                let parsed = member
                    .map_err(str::to_string)
                    .and_then(|b| osv::parse(b).map(|r| (r, b)));
                match parsed {
                    Ok((record, bytes)) => insert(&tx, &record, bytes, &mut report).map_err(sql),
                    Err(why) => {
                        report.skip(what, &why);
                        Ok(())
                    }
                }
            })?;
            tx.execute(
                "INSERT INTO import (source, imported_at, records) VALUES (?1, ?2, ?3)",
                params![source.label(), now, (report.read - before) as i64],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
    }
    conn.close()
        .map_err(|(_, e)| StoreError::Sqlite(tmp.clone(), e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Io(tmp.clone(), e))?;
    std::fs::rename(&tmp, &live).map_err(|e| StoreError::Io(live.clone(), e))?;
    std::mem::forget(guard);
    Ok(report)
}

/// Removes a half-built database when the import fails.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn insert(
    tx: &rusqlite::Transaction<'_>,
    record: &Record,
    json: &[u8],
    report: &mut ImportReport,
) -> rusqlite::Result<()> {
    let existing: Option<String> = tx
        .query_row(
            "SELECT modified FROM advisory WHERE id = ?1",
            params![record.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(modified) = &existing {
        // RFC 3339 times in UTC compare as text.
        if modified.as_str() >= record.modified.as_str() {
            report.unchanged += 1;
            return Ok(());
        }
        tx.execute("DELETE FROM affected WHERE id = ?1", params![record.id])?;
        report.replaced += 1;
    } else {
        report.added += 1;
    }
    let to_sql = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    let blob = deflate(json).map_err(to_sql)?;
    let summary = serde_json::to_vec(&summary_of(record))
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute(
        "INSERT OR REPLACE INTO advisory (id, modified, withdrawn, summary, record) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            record.id,
            record.modified,
            record.withdrawn.is_some() as i64,
            summary,
            blob
        ],
    )?;
    // One row per (ecosystem, package) with all the record's entries for it.
    let mut rows: Vec<(Key, String, Vec<&Affected>)> = Vec::new();
    for affected in &record.affected {
        let Some(package) = &affected.package else {
            continue;
        };
        let key = key_of(&package.ecosystem);
        if crate::ecosystem::scheme_of(&key.base).is_none() {
            report.unknown_ecosystems += 1;
            continue;
        }
        let name = normalize_name(&key.base, &package.name);
        match rows.iter_mut().find(|(k, n, _)| *k == key && *n == name) {
            Some((_, _, entries)) => entries.push(affected),
            None => rows.push((key, name, vec![affected])),
        }
    }
    for (key, name, entries) in rows {
        let entries = serde_json::to_vec(&entries)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        tx.execute(
            "INSERT INTO affected (base, release, name, id, entries) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key.base, key.release, name, record.id, entries],
        )?;
    }
    Ok(())
}

/// A record's bytes, or why they could not be read.
type Member<'a> = std::result::Result<&'a [u8], &'a str>;

/// Feeds every record of `source` to `visit` (a name for messages, the bytes or why they could
/// not be read).
fn read_source(
    source: &Source,
    visit: &mut dyn FnMut(&str, Member<'_>) -> Result<()>,
) -> Result<()> {
    let too_big = "larger than the record limit";
    let limit = osv::MAX_RECORD_BYTES as u64;
    match source {
        Source::File(path) => {
            let bytes = read_bounded(path, limit).map_err(|e| StoreError::Io(path.clone(), e))?;
            let what = path.display().to_string();
            match bytes {
                Some(b) => visit(&what, Ok(&b))?,
                None => visit(&what, Err(too_big))?,
            }
        }
        Source::Directory(root) => {
            let mut stack = vec![root.clone()];
            let mut files = Vec::new();
            while let Some(dir) = stack.pop() {
                let entries =
                    std::fs::read_dir(&dir).map_err(|e| StoreError::Io(dir.clone(), e))?;
                for entry in entries {
                    let entry = entry.map_err(|e| StoreError::Io(dir.clone(), e))?;
                    // Symbolic links are not followed: a directory of records is plain files.
                    let ft = entry
                        .file_type()
                        .map_err(|e| StoreError::Io(entry.path(), e))?;
                    if ft.is_dir() {
                        stack.push(entry.path());
                    } else if ft.is_file() && entry.path().extension().is_some_and(|e| e == "json")
                    {
                        files.push(entry.path());
                    }
                }
            }
            files.sort();
            for path in files {
                let what = path.display().to_string();
                match read_bounded(&path, limit) {
                    Ok(Some(b)) => visit(&what, Ok(&b))?,
                    Ok(None) => visit(&what, Err(too_big))?,
                    Err(e) => visit(&what, Err(&e.to_string()))?,
                }
            }
        }
        Source::Zip(path) => {
            let file = std::fs::File::open(path).map_err(|e| StoreError::Io(path.clone(), e))?;
            let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
                StoreError::Source(format!("{}: not a readable zip: {e}", path.display()))
            })?;
            for i in 0..zip.len() {
                let mut member = match zip.by_index(i) {
                    Ok(m) => m,
                    Err(e) => {
                        visit(&format!("{}#{i}", path.display()), Err(&e.to_string()))?;
                        continue;
                    }
                };
                let name = String::from_utf8_lossy(member.name_raw()).into_owned();
                if !member.is_file() || !name.ends_with(".json") {
                    continue;
                }
                let what = format!("{}:{name}", path.display());
                let mut bytes = Vec::new();
                match (&mut member).take(limit + 1).read_to_end(&mut bytes) {
                    Ok(_) if bytes.len() as u64 > limit => visit(&what, Err(too_big))?,
                    Ok(_) => visit(&what, Ok(&bytes))?,
                    Err(e) => visit(&what, Err(&e.to_string()))?,
                }
            }
        }
    }
    Ok(())
}

/// The file's bytes, `None` when it is larger than `limit`.
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}
