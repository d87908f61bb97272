//! Desk schema migrations: the timestamped files in `migrations/`, applied in order
//! (append-only; a landed migration is never edited). `PRAGMA user_version` holds how many
//! have been applied.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{CoreError, CoreResult};

/// Data a migration's SQL cannot compute, filled by the core in the same transaction once
/// every pending migration's SQL has run (a table two migrations recreate is filled once).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refill {
    /// Fill every search table from the customers.
    All,
    /// Fill the name search table and the email word pairs from the customers.
    Pairs,
    /// Fill the name search table from the customers.
    Names,
}

impl Refill {
    fn tables(self) -> &'static [&'static str] {
        use crate::store::search_index::{ALL_TABLES, NAME_TABLES, PAIR_TABLES};
        match self {
            Refill::All => ALL_TABLES,
            Refill::Pairs => PAIR_TABLES,
            Refill::Names => NAME_TABLES,
        }
    }
}

const MIGRATIONS: &[(&str, &str, Option<Refill>)] = &[
    ("20261122190000_customers", include_str!("../../../../migrations/20261122190000_customers.sql"), None),
    ("20261123000000_history", include_str!("../../../../migrations/20261123000000_history.sql"), None),
    ("20261123010000_activity_counts", include_str!("../../../../migrations/20261123010000_activity_counts.sql"), None),
    (
        "20261123020000_never_visited_sorts",
        include_str!("../../../../migrations/20261123020000_never_visited_sorts.sql"),
        None,
    ),
    (
        "20261123030000_email_prefix_index",
        include_str!("../../../../migrations/20261123030000_email_prefix_index.sql"),
        // Its table is refilled by 20261123050000, which every upgrade through this one runs.
        None,
    ),
    (
        "20261123040000_search_merge_in_background",
        include_str!("../../../../migrations/20261123040000_search_merge_in_background.sql"),
        None,
    ),
    (
        "20261123050000_phone_pieces_and_no_sizes",
        include_str!("../../../../migrations/20261123050000_phone_pieces_and_no_sizes.sql"),
        Some(Refill::All),
    ),
    (
        "20261123060000_stat_indexes_without_seq",
        include_str!("../../../../migrations/20261123060000_stat_indexes_without_seq.sql"),
        None,
    ),
    (
        "20261123070000_word_pairs",
        include_str!("../../../../migrations/20261123070000_word_pairs.sql"),
        Some(Refill::Pairs),
    ),
    (
        "20261123080000_names_written_together",
        include_str!("../../../../migrations/20261123080000_names_written_together.sql"),
        Some(Refill::Names),
    ),
    (
        "20261204000000_order_points_rate",
        include_str!("../../../../migrations/20261204000000_order_points_rate.sql"),
        None,
    ),
    ("20261204010000_refund_method", include_str!("../../../../migrations/20261204010000_refund_method.sql"), None),
    (
        "20261204020000_cancellations_by_the_customer",
        include_str!("../../../../migrations/20261204020000_cancellations_by_the_customer.sql"),
        None,
    ),
    ("20261205000000_custom_fields", include_str!("../../../../migrations/20261205000000_custom_fields.sql"), None),
    ("20261206000000_segments", include_str!("../../../../migrations/20261206000000_segments.sql"), None),
];

pub(super) fn version() -> usize {
    MIGRATIONS.len()
}

fn applied(conn: &Connection) -> CoreResult<usize> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?.max(0) as usize)
}

/// Whether the database has every migration this version knows (and no newer one).
pub(super) fn is_current(conn: &Connection) -> CoreResult<bool> {
    Ok(applied(conn)? == MIGRATIONS.len())
}

/// Brings the schema up to date. The version is read again once the write lock is held: two
/// processes opening a new (or older) database at the same moment would otherwise both apply
/// the same migration, and the second would fail half way ("table already exists").
pub(super) fn migrate(conn: &mut Connection) -> CoreResult<()> {
    match applied(conn)? {
        v if v == MIGRATIONS.len() => {
            // Sort indexes an import took away and did not bring back (it stopped half way).
            if super::deferred_indexes::stopped(conn)? {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                super::deferred_indexes::restore_if_stopped(&tx)?;
                tx.commit()?;
            }
            return Ok(());
        }
        v if v > MIGRATIONS.len() => return Err(newer(v)),
        _ => {}
    }
    // Another process may be migrating (refilling a search table of a million customers takes
    // seconds): wait for it rather than fail after the usual few seconds.
    conn.busy_timeout(std::time::Duration::from_secs(MIGRATION_WAIT_SECS))?;
    let migrated = apply(conn);
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    migrated?;
    // A migration that rewrote a search table leaves tens of MB in the WAL, where every read
    // has to look pages up until the next checkpoint: write them back now. Best effort: with
    // another process reading or writing it may wait up to the busy timeout and then stop.
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    Ok(())
}

fn newer(version: usize) -> CoreError {
    CoreError::Storage {
        message: format!(
            "this database was written by a newer Frontdesk (schema {version}, this version knows {}); update Frontdesk to open it",
            MIGRATIONS.len()
        ),
    }
}

/// How long opening a desk waits for another process's migration.
const MIGRATION_WAIT_SECS: u64 = 300;

fn apply(conn: &mut Connection) -> CoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from = applied(&tx)?;
    if from > MIGRATIONS.len() {
        return Err(newer(from));
    }
    // A new desk starts from an empty file: one with tables of its own is another
    // application's database (a mistyped path), left as it is.
    if from == 0 {
        let tables: Vec<String> = tx
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 5")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if !tables.is_empty() {
            return Err(CoreError::Storage {
                message: format!(
                    "this file is not a Frontdesk database (it holds other tables: {}); it was left unchanged — check the path",
                    tables.join(", ")
                ),
            });
        }
    }
    // Indexes an import took away come back before the migrations, which may change them; an
    // import still running in another process is waited for (its write lock is between two of
    // its batches now, and a migration must not change the table under it).
    if from > 0 && !super::deferred_indexes::restore_if_stopped(&tx)? && super::deferred_indexes::import_running(&tx)? {
        return Err(CoreError::Storage {
            message:
                "an import into this desk is running in another Frontdesk; open the desk again when it has finished"
                    .into(),
        });
    }
    let mut refill: Vec<&str> = Vec::new();
    for (name, sql, after) in &MIGRATIONS[from..] {
        let failed = |e: String| CoreError::Storage { message: format!("migrating the database ({name}): {e}") };
        tx.execute_batch(sql).map_err(|e| failed(e.to_string()))?;
        for table in after.map(Refill::tables).unwrap_or_default() {
            if !refill.contains(table) {
                refill.push(table);
            }
        }
    }
    if !refill.is_empty() {
        crate::store::search_index::refill(&tx, &refill).map_err(|e| CoreError::Storage {
            message: format!("migrating the database (filling the search tables): {e}"),
        })?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()?;
    Ok(())
}
