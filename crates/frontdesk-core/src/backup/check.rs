//! What a backup file holds, and whether it is a whole, readable Frontdesk desk.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};

/// How many records a desk (or a backup of it) holds: what the owner compares before restoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupCounts {
    /// Every customer, archived ones included.
    pub customers: i64,
    pub appointments: i64,
    pub orders: i64,
    pub payments: i64,
    /// The outbox's last record number: it grows with every write, so a desk whose number has
    /// not moved since its last backup has nothing new to back up.
    pub last_change: i64,
}

impl BackupCounts {
    pub(crate) fn of(conn: &Connection) -> CoreResult<BackupCounts> {
        // A desk from before the history tables has none of their records.
        let n = |table: &str, what: &str| -> CoreResult<i64> {
            let exists: bool = conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )?;
            Ok(if exists { conn.query_row(&format!("SELECT {what} FROM {table}"), [], |r| r.get(0))? } else { 0 })
        };
        Ok(BackupCounts {
            customers: n("customers", "count(*)")?,
            appointments: n("appointments", "count(*)")?,
            orders: n("orders", "count(*)")?,
            payments: n("payments", "count(*)")?,
            last_change: n("outbox", "coalesce(max(seq), 0)")?,
        })
    }
}

/// What a desk database file is, read without changing it.
pub(crate) struct Contents {
    pub business_name: String,
    pub schema_version: i64,
    pub counts: BackupCounts,
    /// When the backup was taken (written into the copy); `None` for a desk that is not a backup.
    pub taken_at_ms: Option<i64>,
}

/// Opens `file` read-only and reads what it is. `thorough` also runs SQLite's full
/// `integrity_check` (every page, every index entry): seconds per GB.
pub(crate) fn read(file: &Path, thorough: bool) -> CoreResult<Contents> {
    let refused = |code: &str, message: String| CoreError::File {
        path: file.display().to_string(),
        line: None,
        code: code.into(),
        message,
    };
    let meta =
        std::fs::metadata(file).map_err(|e| refused("not_found", format!("{} cannot be read: {e}", file.display())))?;
    if !meta.is_file() {
        return Err(refused("not_a_backup", format!("{} is not a file.", file.display())));
    }
    let mut header = [0u8; 16];
    let head = std::fs::File::open(file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if head.is_err() || &header != b"SQLite format 3\0" {
        return Err(refused(
            "not_a_backup",
            format!("{} is not a Frontdesk backup: it is not a database file at all.", file.display()),
        ));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| refused("unreadable", format!("{} cannot be opened: {e}", file.display())))?;
    let damaged = |e: rusqlite::Error| {
        refused("damaged", format!("{} is damaged and cannot be used ({e}); pick another backup.", file.display()))
    };
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('settings', 'devices', 'customers', 'outbox')",
            [],
            |r| r.get(0),
        )
        .map_err(damaged)?;
    if tables != 4 {
        return Err(refused(
            "not_a_backup",
            format!("{} is a database of another program, not a Frontdesk desk.", file.display()),
        ));
    }
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(damaged)?;
    // The full check looks every row up in every index: with SQLite's default 8 MB of cache it
    // reads most pages many times (see docs/benchmarks.md, backup at 1M). Freed on return.
    conn.pragma_update(None, "cache_size", -128_000).map_err(damaged)?;
    if thorough {
        let problems: Vec<String> = conn
            .prepare("PRAGMA integrity_check(5)")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(damaged)?;
        if problems != ["ok"] {
            return Err(refused(
                "damaged",
                format!(
                    "{} is damaged and cannot be used: {}; pick another backup.",
                    file.display(),
                    problems.join("; ")
                ),
            ));
        }
    }
    let setting = |key: &str| -> CoreResult<Option<String>> {
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional().map_err(damaged)
    };
    let counts = BackupCounts::of(&conn).map_err(|e| match e {
        CoreError::Storage { message } => refused(
            "damaged",
            format!("{} is damaged and cannot be used ({message}); pick another backup.", file.display()),
        ),
        other => other,
    })?;
    Ok(Contents {
        business_name: setting("business_name")?.unwrap_or_default(),
        schema_version,
        counts,
        taken_at_ms: setting(super::TAKEN_AT_KEY)?.and_then(|v| v.parse().ok()),
    })
}
