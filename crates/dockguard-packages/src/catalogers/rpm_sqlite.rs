//! The SQLite rpm database, `rpmdb.sqlite` (rpm ≥ 4.16: RHEL 9, Fedora ≥ 33, Amazon Linux
//! 2023, CentOS Stream 9), in `var/lib/rpm/` or `usr/lib/sysimage/rpm/`.
//!
//! Read with SQLite itself (rusqlite, bundled), from memory: the bytes are handed to
//! `sqlite3_deserialize` read-only, no temporary file. Each row of table `Packages(hnum, blob)`
//! is one header blob ([`super::rpm_header`]); `hnum` is the record number in warnings.
//!
//! rpm keeps this database in WAL mode (file format bytes 18 and 19 are 2), which an in-memory
//! database cannot open; the copy handed to SQLite says rollback journal (1) instead. A WAL
//! file beside it (`rpmdb.sqlite-wal`) is not read, as syft and Trivy do not: rpm checkpoints it
//! when it closes the database.

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::rpm_header::add_header;
use super::{Cataloger, Parsed};

pub struct RpmSqlite;

const FILES: &[&str] = &[
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
];

/// Rows read at most.
const MAX_ROWS: usize = 200_000;

impl Cataloger for RpmSqlite {
    fn name(&self) -> &'static str {
        "rpmdb-sqlite"
    }

    fn wants(&self, path: &str) -> bool {
        FILES.contains(&path)
    }

    fn max_size(&self) -> u64 {
        512 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        if let Err(e) = read(path, content, &mut parsed) {
            parsed.warn(path, None, format!("rpm sqlite database not read: {e}"));
        }
        parsed
    }
}

fn read(path: &str, content: &[u8], parsed: &mut Parsed) -> Result<(), String> {
    if !content.starts_with(b"SQLite format 3\0") {
        return Err("not a SQLite database".into());
    }
    let mut bytes = content.to_vec();
    // WAL → rollback journal (see the module doc).
    if let Some(v) = bytes.get_mut(18..20) {
        for b in v {
            if *b == 2 {
                *b = 1;
            }
        }
    }
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), true)
        .map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages")
        .map_err(|e| e.to_string())?;
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    let mut n = 0;
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                parsed.warn(path, None, format!("rpm sqlite database cut short: {e}"));
                break;
            }
        };
        n += 1;
        if n > MAX_ROWS {
            parsed.warn(
                path,
                None,
                format!("only the first {MAX_ROWS} packages were read"),
            );
            break;
        }
        let hnum: i64 = row.get(0).unwrap_or(0);
        let record = u32::try_from(hnum).unwrap_or(0);
        match row.get_ref(1).map(|v| v.as_blob()) {
            Ok(Ok(blob)) => add_header(parsed, path, record, blob),
            _ => parsed.warn(path, Some(record), "package row has no header blob"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!("../../fixtures/rpm/rpmdb.sqlite");

    #[test]
    fn reads_rpm_sqlite_database() {
        assert!(RpmSqlite.wants("var/lib/rpm/rpmdb.sqlite"));
        assert!(RpmSqlite.wants("usr/lib/sysimage/rpm/rpmdb.sqlite"));
        assert!(!RpmSqlite.wants("var/lib/rpm/Packages"));
        let p = RpmSqlite.parse("var/lib/rpm/rpmdb.sqlite", FIXTURE);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        super::super::rpm_header::build::check_fixture_packages(&p.packages);
    }

    /// A root filesystem with the database: the image walk finds it and reports its packages
    /// there.
    #[test]
    fn rootfs_inventory() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("var/lib/rpm");
        std::fs::create_dir_all(&db).unwrap();
        std::fs::write(db.join("rpmdb.sqlite"), FIXTURE).unwrap();
        let source = dockguard_image::RootfsSource::new(dir.path());
        let inv = crate::inventory_of(&source, &dockguard_image::Limits::default()).unwrap();
        let rpms: Vec<_> = inv
            .packages
            .iter()
            .filter(|p| p.ecosystem == crate::Ecosystem::Rpm)
            .collect();
        assert_eq!(rpms.len(), 3);
        assert!(
            rpms.iter()
                .all(|p| p.locations[0].path == "var/lib/rpm/rpmdb.sqlite")
        );
    }

    #[test]
    fn garbage_and_truncated() {
        let p = RpmSqlite.parse("var/lib/rpm/rpmdb.sqlite", b"garbage");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        for n in [16, 100, 4096, 5000, 40_000, FIXTURE.len() / 2] {
            let p = RpmSqlite.parse("var/lib/rpm/rpmdb.sqlite", &FIXTURE[..n]);
            assert!(p.packages.len() <= 3);
        }
        // Bytes flipped all over the file: SQLite reports corruption, nothing panics.
        let mut bad = FIXTURE.to_vec();
        for i in (200..bad.len()).step_by(997) {
            bad[i] ^= 0x5a;
        }
        let _ = RpmSqlite.parse("var/lib/rpm/rpmdb.sqlite", &bad);
    }
}
