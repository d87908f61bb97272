//! Sort and filter indexes that a bulk write into an empty desk builds after its rows (sorted,
//! once) instead of updating row by row: a million-row import took 81 s with them, 63 s
//! without them plus 4 s to build them afterwards. Their definitions wait in `settings` while
//! they are away, so a desk whose import stopped half way (the process killed) gets them back
//! the next time it is opened. Readers meanwhile see the table without them: correct answers,
//! slower sorted lists, for the minutes an import of an empty desk takes.

use rusqlite::Connection;

use crate::error::{CoreError, CoreResult};
use crate::settings;

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

/// Drops the deferrable indexes when the desk has no customers at all, keeping their
/// definitions; returns whether it did. (With customers there, a write's own index entries
/// cost less than rebuilding the indexes over everyone.)
pub(crate) fn defer(conn: &Connection) -> CoreResult<bool> {
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
pub(crate) fn restore(conn: &Connection) -> CoreResult<()> {
    let Some(saved) = settings::get(conn, KEY)? else { return Ok(()) };
    let definitions: Vec<String> = serde_json::from_str(&saved).map_err(storage)?;
    for sql in definitions {
        // An index that is somehow back already is left as it is.
        conn.execute_batch(&sql.replacen("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))?;
    }
    conn.execute("DELETE FROM settings WHERE key = ?1", [KEY])?;
    Ok(())
}

/// Whether indexes are away (read without a write lock, to skip [`restore`] when not).
pub(crate) fn away(conn: &Connection) -> CoreResult<bool> {
    Ok(settings::get(conn, KEY)?.is_some())
}

fn storage(e: serde_json::Error) -> CoreError {
    CoreError::Storage { message: format!("deferred indexes: {e}") }
}
