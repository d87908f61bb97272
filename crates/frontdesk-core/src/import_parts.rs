//! What each part of an import costs on its own (`frontdesk-bench import --parts`), measured on
//! a desk that holds the imported customers: reading and validating the file, writing the rows,
//! building each customer index, filling the search tables. However an import overlaps them,
//! it pays at least the slowest of: the reading part (one thread per core at best) and the
//! writing parts, which run one after another on a database's one writer connection.
//! The writing parts are measured in one transaction that is rolled back: the desk is unchanged.

use std::path::Path;
use std::time::Instant;

use crate::error::CoreResult;
use crate::import::{check_csv, ImportOptions};
use crate::store::search_index::{self as index, IndexKeys};
use crate::store::Store;

/// Seconds each part took.
#[derive(Debug, Clone)]
pub struct ImportParts {
    /// Rows in the file.
    pub rows: u64,
    /// Reading the file, validating each row (phone parsing included) and computing its search
    /// keys, on one thread, writing nothing.
    pub read_and_check: f64,
    /// Copying the desk's customers into a table of the same definition without indexes, with
    /// one `INSERT … SELECT` (the cheapest way SQLite writes rows).
    pub rows_alone: f64,
    /// Each index of `customers`, built once over all the rows (`CREATE INDEX`: sorted).
    pub indexes: Vec<(String, f64)>,
    /// Each search table, emptied and filled again from the customers as a migration fills it
    /// (chunks of rows, then merged into one segment); the keys computed beforehand.
    pub search_tables: Vec<(String, f64)>,
}

impl ImportParts {
    /// The writing parts, which one connection does one after another.
    pub fn writing(&self) -> f64 {
        self.rows_alone + self.indexes.iter().chain(&self.search_tables).map(|(_, s)| s).sum::<f64>()
    }
}

/// Measures the parts for `csv`, which `store` holds imported.
pub fn measure(store: &Store, csv: &Path, opts: &ImportOptions) -> CoreResult<ImportParts> {
    let t = Instant::now();
    let (rows, _) = check_csv(store, csv, opts)?;
    let read_and_check = t.elapsed().as_secs_f64();
    store.with_writer_connection(|conn| {
        let tx = conn.transaction()?;
        let table: String = tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'customers'", [], |r| r.get(0))?;
        tx.execute_batch(&table.replacen("CREATE TABLE customers", "CREATE TABLE bench_rows", 1))?;
        let t = Instant::now();
        tx.execute_batch("INSERT INTO bench_rows SELECT * FROM customers")?;
        let rows_alone = t.elapsed().as_secs_f64();
        let definitions: Vec<(String, String)> = tx
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        // The search keys, computed before the tables are timed (the reading part computes them).
        let keys: Vec<(i64, IndexKeys)> = tx
            .prepare("SELECT seq, first_name, last_name, email, phone_e164 FROM customers WHERE archived_at IS NULL ORDER BY seq")?
            .query_map([], |r| {
                let (first, last, email, phone): (String, String, Option<String>, Option<String>) = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                Ok((r.get(0)?, IndexKeys::of(&first, &last, email.as_deref(), phone.as_deref())))
            })?
            .collect::<Result<_, _>>()?;
        for (name, _) in &definitions {
            tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        let mut indexes = Vec::new();
        for (name, sql) in definitions {
            let t = Instant::now();
            tx.execute_batch(&sql)?;
            indexes.push((name, t.elapsed().as_secs_f64()));
        }
        let mut search_tables = Vec::new();
        for table in index::ALL_TABLES {
            tx.execute_batch(&format!("INSERT INTO {table}({table}) VALUES ('delete-all')"))?;
            let t = Instant::now();
            for chunk in keys.chunks(index::REFILL_CHUNK) {
                index::add_to(&tx, chunk, &[table])?;
            }
            tx.execute_batch(&format!("INSERT INTO {table}({table}) VALUES ('optimize')"))?;
            search_tables.push((table.to_string(), t.elapsed().as_secs_f64()));
        }
        tx.rollback()?;
        Ok(ImportParts { rows, read_and_check, rows_alone, indexes, search_tables })
    })
}
