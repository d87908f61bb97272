//! `search`: latency per query kind, ours vs a naive LIKE scan.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use frontdesk_core::search::SearchRequest;
use frontdesk_core::CoreError;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use rusqlite::Connection;

use crate::common::*;

/// The naive search most customer lists use: LIKE '%q%' over every column, first page.
fn like_baseline(conn: &Connection, q: &str) -> rusqlite::Result<usize> {
    let mut st = conn.prepare_cached(
        "SELECT seq FROM customers WHERE archived_at IS NULL AND (first_name LIKE ?1 OR last_name LIKE ?1 OR email LIKE ?1 \
         OR phone_raw LIKE ?1 OR phone_e164 LIKE ?1 OR code LIKE ?1) ORDER BY seq LIMIT 50",
    )?;
    let n = st.query_map([format!("%{q}%")], |r| r.get::<_, i64>(0))?.count();
    Ok(n)
}

pub(crate) fn run(
    db: Option<&Path>,
    count: u64,
    runs: usize,
    baseline_runs: usize,
    slowest: usize,
) -> Result<(), CoreError> {
    let path = bench_db(db, count);
    let store = seeded(&path, count)?;
    // A desk at rest, as the app's idle tidying keeps it: saves since the last run (a
    // `bench create`) left search segments to merge.
    while store.tidy_step()? {}
    let mut rng = SmallRng::seed_from_u64(42);
    let pool = samples(&store, runs * 2, &mut rng)?;
    let conn = Connection::open(&path).map_err(err)?;
    let customers: i64 = conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).map_err(err)?;
    // Warm the caches as a desk that has been open for a while would have them.
    for q in ["a", "sm", "0", "@"] {
        store.search(&SearchRequest::new(q))?;
    }
    let _ = like_baseline(&conn, "warm");
    outln!("Search at {customers} customers ({runs} queries per kind; baseline {baseline_runs}); times in ms");
    outln!("| kind | ours p50 | ours p95 | ours p99 | LIKE p50 | LIKE p99 | p50 ratio | example | matches |");
    outln!("|---|---|---|---|---|---|---|---|---|");
    for kind in KINDS {
        let qs = queries(kind, &pool, &mut rng, runs);
        if qs.is_empty() {
            outln!("| {kind} | (no sample in this data) |");
            continue;
        }
        let mut ours = Vec::new();
        let mut totals = Vec::new();
        let mut each = Vec::new();
        for q in &qs {
            let req = SearchRequest::new(q.clone());
            let t = Instant::now();
            let page = store.search(&req)?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            ours.push(ms);
            totals.push(page.total);
            each.push((ms, q.as_str(), page.total));
        }
        each.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, q, total) in each.iter().take(slowest) {
            eprintln!("slow {kind}: {ms:.3} ms `{q}` ({total} matches)");
        }
        let mut base = Vec::new();
        for q in qs.iter().take(baseline_runs) {
            let t = Instant::now();
            like_baseline(&conn, q).map_err(err)?;
            base.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (o, b) = (stats(ours), stats(base));
        totals.sort();
        outln!(
            "| {kind} | {:.3} | {:.3} | {:.3} | {:.1} | {:.1} | {:.0}× | `{}` | median {} |",
            o.p50,
            o.p95,
            o.p99,
            b.p50,
            b.p99,
            b.p50 / o.p50.max(1e-9),
            qs[0],
            totals[totals.len() / 2]
        );
        std::io::stdout().flush().ok();
    }
    Ok(())
}
