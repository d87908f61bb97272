//! Sort and filter indexes that a bulk write into an empty desk builds after its rows (sorted,
//! once) instead of updating row by row: 8-15 % of a million-row import (see
//! docs/benchmarks.md, Import). Their definitions wait in `settings` while they are away, and
//! the writing process holds a lock on a file beside the database (`desk.db.import-lock`),
//! which the system releases if the process dies: a desk whose import stopped half way gets
//! its indexes back when it is next opened or tidied, and one whose import is still running
//! is left to it. Readers meanwhile see the table without them: correct answers, slower sorted
//! lists, for the minutes an import into an empty desk takes.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::desk_settings as settings;
use super::Store;
use crate::error::{CoreError, CoreResult};

/// The indexes a bulk write may leave for later. Not the lookups the writes themselves need
/// (id, code, email, phone), and not `customers_never_spent` / `customers_never_appointments`,
/// which queries name (`INDEXED BY`) and which an import appends to in order anyway.
const DEFERRABLE: &[&str] = &[
    "customers_name_sort",
    "customers_created",
    "customers_archived",
    "customers_live_last_visit",
    "customers_last_visit",
    "customers_next_appointment",
    "customers_total_spent",
    "customers_appointment_count",
];

/// Where the definitions wait.
const KEY: &str = "deferred_indexes";

/// Held while the indexes are away for this process's bulk write.
pub(crate) struct Away(#[allow(dead_code)] File);

/// Takes the indexes away for a bulk write when the desk has no customers at all (with
/// customers there, a write's own index entries cost less than rebuilding the indexes over
/// everyone) and no other process has them away.
pub(crate) fn take_away(store: &Store) -> CoreResult<Option<Away>> {
    let Some(file) = try_lock(store.path())? else { return Ok(None) };
    Ok(store.write(|w| defer(w.conn()))?.then_some(Away(file)))
}

/// Builds the indexes again once the bulk write is over (finished or failed).
pub(crate) fn bring_back(store: &Store, away: Away) -> CoreResult<()> {
    store.write(|w| restore(w.conn()))?;
    drop(away);
    Ok(())
}

/// Whether the indexes are away and no process holds them: its import stopped half way. A
/// read (the write lock is taken only when there is something to build).
pub(crate) fn stopped(conn: &Connection) -> CoreResult<bool> {
    Ok(away(conn)? && !held(conn)?)
}

/// Builds the indexes when they are away and no process holds them; returns whether it did.
/// `conn` is in a write transaction.
pub(crate) fn restore_if_stopped(conn: &Connection) -> CoreResult<bool> {
    if !away(conn)? {
        return Ok(false);
    }
    let Some(db) = db_path(conn) else { return Ok(false) };
    let Some(_lock) = try_lock(&db)? else { return Ok(false) };
    restore(conn)?;
    Ok(true)
}

/// Whether an import into this desk is running in another process (it has the indexes away).
pub(crate) fn import_running(conn: &Connection) -> CoreResult<bool> {
    Ok(away(conn)? && held(conn)?)
}

fn held(conn: &Connection) -> CoreResult<bool> {
    match db_path(conn) {
        Some(db) => Ok(try_lock(&db)?.is_none()),
        None => Ok(false),
    }
}

fn db_path(conn: &Connection) -> Option<PathBuf> {
    conn.path().filter(|p| !p.is_empty()).map(PathBuf::from)
}

fn lock_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".import-lock");
    PathBuf::from(p)
}

/// The lock file, locked by us, or `None` when another holder has it.
fn try_lock(db: &Path) -> CoreResult<Option<File>> {
    let path = lock_path(db);
    let io = |e: std::io::Error| CoreError::Storage { message: format!("cannot use {}: {e}", path.display()) };
    let file = OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(io(e)),
    }
}

/// Drops the deferrable indexes when the desk has no customers at all, keeping their
/// definitions; returns whether it did.
fn defer(conn: &Connection) -> CoreResult<bool> {
    let empty: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM customers)", [], |r| r.get(0))?;
    if !empty || settings::get(conn, KEY)?.is_some() {
        return Ok(false);
    }
    let names = serde_json::to_string(DEFERRABLE).map_err(storage)?;
    let definitions: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND name IN (SELECT value FROM json_each(?1))")?
        .query_map([names], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if definitions.is_empty() {
        return Ok(false);
    }
    let sql: Vec<&str> = definitions.iter().map(|(_, sql)| sql.as_str()).collect();
    settings::put(conn, KEY, &serde_json::to_string(&sql).map_err(storage)?)?;
    for (name, _) in &definitions {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(true)
}

/// Builds the indexes [`defer`] dropped, if any are away.
fn restore(conn: &Connection) -> CoreResult<()> {
    let Some(saved) = settings::get(conn, KEY)? else { return Ok(()) };
    let definitions: Vec<String> = serde_json::from_str(&saved).map_err(storage)?;
    for sql in definitions {
        // An index that is somehow back already is left as it is.
        conn.execute_batch(&sql.replacen("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))?;
    }
    conn.execute("DELETE FROM settings WHERE key = ?1", [KEY])?;
    Ok(())
}

/// Whether indexes are away.
fn away(conn: &Connection) -> CoreResult<bool> {
    Ok(settings::get(conn, KEY)?.is_some())
}

fn storage(e: serde_json::Error) -> CoreError {
    CoreError::Storage { message: format!("deferred indexes: {e}") }
}
