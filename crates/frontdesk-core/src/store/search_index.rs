//! Keeping the search indexes in step with `customers`, inside the writer's transaction.
//! Contentless FTS5 tables forget nothing by themselves: a change removes the old keys with
//! the 'delete' command (which needs the exact old text) and inserts the new ones.

use rusqlite::{params, Connection};

use crate::error::CoreResult;
use crate::normalize;

/// The text a record is indexed under, in each search table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexKeys {
    name: String,
    phone: Option<String>,
    phone_grams: Option<String>,
    email: Option<String>,
    email_pairs: Option<String>,
}

impl IndexKeys {
    pub(crate) fn of(first: &str, last: &str, email: Option<&str>, phone_e164: Option<&str>) -> Self {
        let phone = phone_e164.map(normalize::phone_keys);
        let mut name = normalize::name_keys(first, last, email);
        let pairs = normalize::name_pairs(&name);
        if !pairs.is_empty() {
            name.push(' ');
            name.push_str(&pairs);
        }
        IndexKeys {
            name,
            phone_grams: phone.as_deref().map(normalize::phone_grams),
            phone,
            email: email.map(normalize::email_index_words),
            email_pairs: email.map(normalize::email_pairs).filter(|p| !p.is_empty()),
        }
    }
}

const TABLES: [&str; 5] =
    ["customer_name_fts", "customer_phone_fts", "customer_phone4_fts", "customer_email_fts", EMAIL_PAIRS_TABLE];

/// Adjacent word pairs of the email addresses ([`normalize::email_pairs`]).
pub(crate) const EMAIL_PAIRS_TABLE: &str = "customer_email_pairs_fts";

fn parts(k: &IndexKeys) -> [Option<&str>; 5] {
    [Some(k.name.as_str()), k.phone.as_deref(), k.phone_grams.as_deref(), k.email.as_deref(), k.email_pairs.as_deref()]
}

pub(crate) fn add(conn: &Connection, seq: i64, keys: &IndexKeys) -> CoreResult<()> {
    for (table, text) in TABLES.iter().zip(parts(keys)) {
        if let Some(text) = text {
            conn.prepare_cached(&format!("INSERT INTO {table}(rowid, keys) VALUES (?1, ?2)"))?
                .execute(params![seq, text])?;
        }
    }
    Ok(())
}

/// Adds many records with one statement per table (one FTS5 flush per table, not per row).
pub(crate) fn add_many(conn: &Connection, rows: &[(i64, IndexKeys)]) -> CoreResult<()> {
    add_to(conn, rows, &TABLES)
}

/// [`add_many`] for the listed search tables only.
pub(crate) fn add_to(conn: &Connection, rows: &[(i64, IndexKeys)], tables: &[&str]) -> CoreResult<()> {
    for (i, table) in TABLES.iter().enumerate().filter(|(_, t)| tables.contains(t)) {
        let pairs: Vec<(i64, &str)> = rows.iter().filter_map(|(seq, k)| parts(k)[i].map(|t| (*seq, t))).collect();
        insert_keys(conn, table, &pairs)?;
    }
    Ok(())
}

/// Inserts `(rowid, keys)` pairs into one search table with a single statement.
fn insert_keys<S: AsRef<str> + serde::Serialize>(conn: &Connection, table: &str, pairs: &[(i64, S)]) -> CoreResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(pairs)
        .map_err(|e| crate::error::CoreError::Storage { message: format!("search keys: {e}") })?;
    conn.prepare_cached(&format!(
        "INSERT INTO {table}(rowid, keys) SELECT value ->> 0, value ->> 1 FROM json_each(?1) ORDER BY 1"
    ))?
    .execute([json])?;
    Ok(())
}

pub(crate) fn remove(conn: &Connection, seq: i64, keys: &IndexKeys) -> CoreResult<()> {
    for (table, text) in TABLES.iter().zip(parts(keys)) {
        if let Some(text) = text {
            conn.prepare_cached(&format!("INSERT INTO {table}({table}, rowid, keys) VALUES ('delete', ?1, ?2)"))?
                .execute(params![seq, text])?;
        }
    }
    Ok(())
}

/// Replaces only the tables whose text changed.
pub(crate) fn replace(conn: &Connection, seq: i64, old: &IndexKeys, new: &IndexKeys) -> CoreResult<()> {
    for (table, (o, n)) in TABLES.iter().zip(parts(old).into_iter().zip(parts(new))) {
        if o == n {
            continue;
        }
        if let Some(o) = o {
            conn.prepare_cached(&format!("INSERT INTO {table}({table}, rowid, keys) VALUES ('delete', ?1, ?2)"))?
                .execute(params![seq, o])?;
        }
        if let Some(n) = n {
            conn.prepare_cached(&format!("INSERT INTO {table}(rowid, keys) VALUES (?1, ?2)"))?
                .execute(params![seq, n])?;
        }
    }
    Ok(())
}

/// The tables with word pairs: names (words and pairs) and email pairs.
pub(crate) const PAIR_TABLES: &[&str] = &[TABLES[0], EMAIL_PAIRS_TABLE];

/// The name search table.
pub(crate) const NAME_TABLES: &[&str] = &[TABLES[0]];

/// Every search table.
pub(crate) const ALL_TABLES: &[&str] = &TABLES;

/// Fills the listed search tables from the live customers (after a migration recreated them
/// empty), a chunk at a time in `seq` order.
pub(crate) fn refill(conn: &Connection, tables: &[&str]) -> CoreResult<()> {
    let mut st = conn.prepare(
        "SELECT seq, first_name, last_name, email, phone_e164 FROM customers WHERE archived_at IS NULL ORDER BY seq",
    )?;
    let mut rows = st.query([])?;
    let mut chunk: Vec<(i64, IndexKeys)> = Vec::with_capacity(REFILL_CHUNK);
    while let Some(r) = rows.next()? {
        let (first, last): (String, String) = (r.get(1)?, r.get(2)?);
        let (email, phone): (Option<String>, Option<String>) = (r.get(3)?, r.get(4)?);
        chunk.push((r.get(0)?, IndexKeys::of(&first, &last, email.as_deref(), phone.as_deref())));
        if chunk.len() == REFILL_CHUNK {
            add_to(conn, &chunk, tables)?;
            chunk.clear();
        }
    }
    add_to(conn, &chunk, tables)?;
    // One segment per table, as searches read best (a few seconds at 1M customers).
    for table in tables {
        conn.execute(&format!("INSERT INTO {table}({table}) VALUES ('optimize')"), [])?;
    }
    Ok(())
}

/// Rows per statement when refilling a search table.
pub(crate) const REFILL_CHUNK: usize = 50_000;

/// Pages of segment merging one [`merge_step`] does per search table (~5 ms in all at 1M).
const MERGE_PAGES: i64 = 200;

/// One bounded step of merging the search tables' index segments (see the migration
/// `20261123040000_search_merge_in_background.sql`). Returns whether there was work to do.
pub(crate) fn merge_step(conn: &Connection) -> CoreResult<bool> {
    let mut worked = false;
    for table in TABLES {
        let before = conn.total_changes();
        conn.prepare_cached(&format!("INSERT INTO {table}({table}, rank) VALUES ('merge', ?1)"))?
            .execute([MERGE_PAGES])?;
        // FTS5: a change count that grew by less than two means the merge found nothing to do.
        worked |= conn.total_changes().saturating_sub(before) >= 2;
    }
    Ok(worked)
}

/// Customers whose entries in the search tables are not exactly what their fields give — a
/// live customer missing entries, stale or doubled keys, entries of a customer that is gone
/// or archived — as `seq`s, at most `limit`. Each table is built afresh in `temp` from the
/// customers and compared with the real one term by term through `fts5vocab`; the time grows
/// with the desk (a check for tests and maintenance, not for the save path).
pub(crate) fn differences(conn: &Connection, limit: usize) -> CoreResult<Vec<i64>> {
    let mut seqs: Vec<i64> = Vec::new();
    for table in TABLES {
        let sql: String =
            conn.query_row("SELECT sql FROM main.sqlite_master WHERE name = ?1", [table], |r| r.get(0))?;
        let using = sql
            .find("USING")
            .ok_or_else(|| crate::error::CoreError::Storage { message: format!("{table}: unexpected definition") })?;
        let fresh = format!("check_{table}");
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS temp.{fresh}; DROP TABLE IF EXISTS temp.vocab_real; DROP TABLE IF EXISTS temp.vocab_fresh;
             CREATE VIRTUAL TABLE temp.{fresh} {};
             CREATE VIRTUAL TABLE temp.vocab_real USING fts5vocab(main, {table}, instance);
             CREATE VIRTUAL TABLE temp.vocab_fresh USING fts5vocab(temp, {fresh}, instance);",
            &sql[using..]
        ))?;
        let mut st = conn.prepare("SELECT seq, first_name, last_name, email, phone_e164 FROM customers WHERE archived_at IS NULL ORDER BY seq")?;
        let mut rows = st.query([])?;
        let i = TABLES.iter().position(|t| *t == table).unwrap_or(0);
        let mut pairs: Vec<(i64, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            let (first, last): (String, String) = (r.get(1)?, r.get(2)?);
            let (email, phone): (Option<String>, Option<String>) = (r.get(3)?, r.get(4)?);
            let keys = IndexKeys::of(&first, &last, email.as_deref(), phone.as_deref());
            if let Some(text) = parts(&keys)[i] {
                pairs.push((r.get(0)?, text.to_string()));
            }
        }
        insert_keys(conn, &format!("temp.{fresh}"), &pairs)?;
        let mut diff = conn.prepare(
            "WITH a AS (SELECT term, doc, count(*) AS n FROM temp.vocab_real GROUP BY 1, 2),
                  b AS (SELECT term, doc, count(*) AS n FROM temp.vocab_fresh GROUP BY 1, 2)
             SELECT doc FROM (SELECT * FROM a EXCEPT SELECT * FROM b)
             UNION SELECT doc FROM (SELECT * FROM b EXCEPT SELECT * FROM a)",
        )?;
        for seq in diff.query_map([], |r| r.get::<_, i64>(0))? {
            seqs.push(seq?);
        }
        conn.execute_batch(&format!(
            "DROP TABLE temp.vocab_real; DROP TABLE temp.vocab_fresh; DROP TABLE temp.{fresh};"
        ))?;
    }
    seqs.sort_unstable();
    seqs.dedup();
    seqs.truncate(limit);
    Ok(seqs)
}
