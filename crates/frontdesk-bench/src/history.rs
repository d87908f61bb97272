//! `frontdesk-bench history`: directory sorts by the running stats, activity filters and the
//! profile with its history, at N customers with about 5 appointments each — next to the naive
//! way (aggregating appointments and orders at read time) measured in the same run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use frontdesk_core::search::{ActivityFilter, SearchFilter, SearchRequest, SortBy};
use frontdesk_core::{CoreError, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;

use crate::common::{err, seeded, stats};

fn history_db(db: Option<&Path>, count: u64) -> PathBuf {
    db.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("bench-data/history-{count}.db")))
}

/// Opens the benchmark database with `count` customers and their history, writing what is
/// missing (customers first; then history for customers after the last one that has some).
fn with_history(path: &Path, count: u64, per_customer: f64) -> Result<Store, CoreError> {
    let store = seeded(path, count)?;
    let (from, end): (i64, i64) = store.read(|r| {
        Ok(r.conn().query_row(
            "SELECT coalesce((SELECT max(customer_seq) FROM appointments), 0) + 1, (SELECT max(seq) FROM customers) + 1",
            [],
            |x| Ok((x.get(0)?, x.get(1)?)),
        )?)
    })?;
    if from < end {
        eprintln!("Writing the history of customers {from}..{end} into {} …", path.display());
        let pb = crate::common::bar((end - from) as u64, "history");
        let report =
            frontdesk_core::seed::seed_history(&store, from..end, 1, per_customer, &mut |d| pb.set_position(d))?;
        pb.finish_and_clear();
        eprintln!(
            "{} appointments and {} orders in {:.0} s",
            report.appointments,
            report.orders,
            report.took_ms as f64 / 1000.0
        );
    }
    Ok(store)
}

/// The naive directory: stats aggregated from appointments and orders when the list is read.
fn naive_sql(order: &str, having: &str) -> String {
    format!(
        "SELECT c.seq FROM customers c \
         LEFT JOIN (SELECT customer_seq, count(*) AS n, count(*) FILTER (WHERE status = 3) AS visits, \
                    max(starts_at) FILTER (WHERE status = 3) AS last_visit FROM appointments GROUP BY customer_seq) a ON a.customer_seq = c.seq \
         LEFT JOIN (SELECT customer_seq, sum(paid_minor - refunded_minor) AS spent FROM orders GROUP BY customer_seq) o ON o.customer_seq = c.seq \
         WHERE c.archived_at IS NULL {having} ORDER BY {order}, c.seq DESC LIMIT 50"
    )
}

pub fn run(
    db: Option<&Path>,
    count: u64,
    per_customer: f64,
    runs: usize,
    baseline_runs: usize,
) -> Result<(), CoreError> {
    let path = history_db(db, count);
    let store = with_history(&path, count, per_customer)?;
    let conn = Connection::open(&path).map_err(err)?;
    let (customers, appointments, orders): (i64, i64, i64) = conn
        .query_row("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM appointments), (SELECT count(*) FROM orders)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(err)?;
    outln!("At {customers} customers, {appointments} appointments, {orders} orders; first page of 50, {runs} runs each (naive: {baseline_runs}); ms");
    outln!("| list | ours p50 | ours p95 | ours p99 | naive p50 | matches |");
    outln!("|---|---|---|---|---|---|");
    let now = chrono::Utc::now().timestamp_millis();
    let day = 86_400_000i64;
    let upcoming_sql =
        format!("AND c.seq IN (SELECT customer_seq FROM appointments WHERE status IN (0,1,2) AND starts_at >= {now})");
    let filters: Vec<(&str, ActivityFilter, String)> = vec![
        (
            "visited in 30 days",
            ActivityFilter::VisitedWithin { days: 30 },
            format!("AND a.last_visit >= {}", now - 30 * day),
        ),
        (
            "not visited for 90 days",
            ActivityFilter::NotVisitedFor { days: 90 },
            format!("AND a.last_visit < {}", now - 90 * day),
        ),
        ("never visited", ActivityFilter::Never, "AND a.last_visit IS NULL".to_string()),
        ("new in 30 days", ActivityFilter::New, format!("AND c.created_at >= {}", now - 30 * day)),
        ("upcoming appointment", ActivityFilter::Upcoming, upcoming_sql.clone()),
    ];
    let mut cases: Vec<(String, SortBy, Option<ActivityFilter>, String)> = vec![
        ("sort: total spent ↓".into(), SortBy::TotalSpent, None, naive_sql("coalesce(o.spent, 0) DESC", "")),
        ("sort: last visit ↓".into(), SortBy::LastVisit, None, naive_sql("coalesce(a.last_visit, 0) DESC", "")),
        ("sort: appointments ↓".into(), SortBy::AppointmentCount, None, naive_sql("coalesce(a.n, 0) DESC", "")),
    ];
    for (label, f, naive) in &filters {
        cases.push((
            format!("{label}, newest first"),
            SortBy::Relevance,
            Some(*f),
            naive_sql("c.created_at DESC", naive),
        ));
        cases.push((
            format!("{label}, by name"),
            SortBy::Name,
            Some(*f),
            naive_sql("c.last_name, c.first_name", naive),
        ));
    }
    cases.push((
        "visited in 30 days, by total spent ↓".into(),
        SortBy::TotalSpent,
        Some(filters[0].1),
        naive_sql("coalesce(o.spent, 0) DESC", &filters[0].2),
    ));
    cases.push((
        "upcoming, by last visit ↓".into(),
        SortBy::LastVisit,
        Some(ActivityFilter::Upcoming),
        naive_sql("coalesce(a.last_visit, 0) DESC", &upcoming_sql),
    ));
    cases.push((
        "never visited, by total spent ↓".into(),
        SortBy::TotalSpent,
        Some(ActivityFilter::Never),
        naive_sql("coalesce(o.spent, 0) DESC", &filters[2].2),
    ));
    for (label, sort, activity, naive) in cases {
        let req = SearchRequest {
            filter: SearchFilter { activity, ..Default::default() },
            sort,
            limit: 50,
            ..Default::default()
        };
        let t = Instant::now();
        store.search(&req)?;
        // A slow case is measured a few times only (and says so).
        let slow = t.elapsed().as_millis() > 100;
        let runs_here = if slow { 5 } else { runs };
        let mut ours = Vec::new();
        let mut total = 0;
        for _ in 0..runs_here {
            let t = Instant::now();
            let page = store.search(&req)?;
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            total = page.total;
        }
        let mut base = Vec::new();
        for _ in 0..baseline_runs {
            let t = Instant::now();
            let n =
                conn.prepare_cached(&naive).map_err(err)?.query_map([], |r| r.get::<_, i64>(0)).map_err(err)?.count();
            base.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(n);
        }
        let (o, b) = (stats(ours), stats(base));
        let note = if slow { " (5 runs)" } else { "" };
        outln!("| {label}{note} | {:.2} | {:.2} | {:.2} | {:.0} | {total} |", o.p50, o.p95, o.p99, b.p50);
    }

    // The profile: the command's call (customer, status history, 50 timeline events, history and
    // stats) plus turning it into the JSON the window receives.
    let mut rng = SmallRng::seed_from_u64(5);
    let max: i64 = conn.query_row("SELECT max(seq) FROM customers", [], |r| r.get(0)).map_err(err)?;
    let mut codes = Vec::new();
    let mut st = conn
        .prepare("SELECT code FROM customers WHERE seq >= ?1 AND appointment_count > 0 ORDER BY seq LIMIT 1")
        .map_err(err)?;
    while codes.len() < runs {
        if let Ok(code) = st.query_row([rng.random_range(1..=max)], |r| r.get::<_, String>(0)) {
            codes.push(code);
        }
    }
    let mut ours = Vec::new();
    let mut bytes = Vec::new();
    for code in &codes {
        let t = Instant::now();
        let detail = store.customer_detail(code, 50)?;
        let json = serde_json::to_vec(&detail).map_err(err)?;
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        bytes.push(json.len() as f64 / 1000.0);
    }
    let mut naive = Vec::new();
    for code in codes.iter().take(baseline_runs.max(1) * 4) {
        let t = Instant::now();
        std::hint::black_box(store.stats_check(code)?);
        naive.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (o, kb, n) = (stats(ours), stats(bytes), stats(naive));
    outln!();
    outln!("| profile with history ({runs} customers who booked) | p50 | p95 | p99 |");
    outln!("|---|---|---|---|");
    outln!("| read + JSON, ms | {:.2} | {:.2} | {:.2} |", o.p50, o.p95, o.p99);
    outln!("| JSON size, kB | {:.1} | {:.1} | {:.1} |", kb.p50, kb.p95, kb.p99);
    outln!("| stats recomputed from the records instead, ms | {:.2} | {:.2} | {:.2} |", n.p50, n.p95, n.p99);
    Ok(())
}
