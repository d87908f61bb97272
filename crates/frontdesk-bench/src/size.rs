//! `size`: bytes per customer of each table and index.

use std::path::Path;

use frontdesk_core::CoreError;
use rusqlite::Connection;

use crate::common::*;

pub(crate) fn print_size(path: &Path) -> Result<(), CoreError> {
    let conn = Connection::open(path).map_err(err)?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(err)?;
    let customers: f64 =
        conn.query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0)).map_err(err)? as f64;
    let mut st = conn.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").map_err(err)?;
    let rows: Vec<(String, i64)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?.collect::<Result<_, _>>().map_err(err)?;
    let mut groups: std::collections::BTreeMap<&str, i64> = Default::default();
    for (name, bytes) in &rows {
        let group = if name.starts_with("customer_name_fts") {
            "search: name words and word pairs (FTS5)"
        } else if name.starts_with("customer_phone") {
            "search: phone trigrams and 4-character pieces (FTS5)"
        } else if name.starts_with("customer_email_fts") {
            "search: email words (FTS5)"
        } else if name.starts_with("customer_email_pairs_fts") {
            "search: email word pairs (FTS5)"
        } else if name == "customers" {
            "customer table"
        } else if name.starts_with("customers_") || name.starts_with("sqlite_autoindex_customers") {
            "customer b-tree indexes"
        } else if name.starts_with("events") || name == "imports" {
            "timeline"
        } else if name == "outbox" {
            "outbox"
        } else {
            "other"
        };
        *groups.entry(group).or_default() += bytes;
    }
    let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    outln!("Size of {} ({} customers, file {:.1} MB)", path.display(), customers, file_bytes as f64 / 1e6);
    outln!("| part | MB | bytes per customer |");
    outln!("|---|---|---|");
    let mut core = 0;
    for (g, b) in &groups {
        outln!("| {g} | {:.1} | {:.0} |", *b as f64 / 1e6, *b as f64 / customers.max(1.0));
        if g.starts_with("customer") || g.starts_with("search") {
            core += b;
        }
    }
    outln!(
        "| **customer table + all search indexes** | {:.1} | **{:.0}** |",
        core as f64 / 1e6,
        core as f64 / customers.max(1.0)
    );
    Ok(())
}
