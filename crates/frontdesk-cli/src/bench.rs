//! `frontdesk bench`: speed and size figures, each next to a naive baseline measured in the
//! same run. Results go to docs/benchmarks.md by hand, with the command that made them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Subcommand;
use frontdesk_core::customers::Actor;
use frontdesk_core::import::{import_csv, ImportOptions};
use frontdesk_core::normalize::fold;
use frontdesk_core::search::SearchRequest;
use frontdesk_core::{CoreError, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Search latency per query kind, ours vs a naive LIKE '%q%' scan.
    Search {
        /// Customers in the benchmark database (seeded if it has fewer).
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Queries per kind for our search.
        #[arg(long, default_value_t = 300)]
        runs: usize,
        /// Queries per kind for the LIKE baseline (each may scan the whole table).
        #[arg(long, default_value_t = 10)]
        baseline_runs: usize,
        /// Also list this many of the slowest queries of each kind (with their match counts).
        #[arg(long, default_value_t = 0)]
        slowest: usize,
    },
    /// Creating a customer from the form (validation, uniqueness checks, durable commit).
    Create {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        #[arg(long, default_value_t = 300)]
        runs: usize,
    },
    /// Importing a generated CSV of N rows into an empty database; also reports its size.
    Import {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Then measure each part of an import alone on the imported desk: reading and
        /// validating the file, the rows, each index, the search tables (the floor of any import).
        #[arg(long)]
        parts: bool,
    },
    /// Backing up and restoring the desk, and searching while the backup runs.
    Backup {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Searches before (idle) and during the backup.
        #[arg(long, default_value_t = 2000)]
        runs: usize,
    },
    /// Bytes per customer of the tables and indexes of a database.
    Size,
    /// Directory sorts by stats, activity filters and the profile with history (bench-data/history-N.db).
    History {
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        #[arg(long, default_value_t = 5.0)]
        appointments_per_customer: f64,
        #[arg(long, default_value_t = 300)]
        runs: usize,
        #[arg(long, default_value_t = 3)]
        baseline_runs: usize,
    },
}

pub(crate) fn err(e: impl std::fmt::Display) -> CoreError {
    CoreError::Storage { message: e.to_string() }
}

pub(crate) fn bench_db(db: Option<&Path>, count: u64) -> PathBuf {
    db.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("bench-data/customers-{count}.db")))
}

/// Opens (seeding as needed) a database of at least `count` customers.
pub(crate) fn seeded(db: &Path, count: u64) -> Result<Store, CoreError> {
    let store = crate::open(db)?;
    let have: u64 =
        store.read(|r| Ok(r.conn().query_row("SELECT count(*) FROM customers", [], |x| x.get::<_, i64>(0))? as u64))?;
    if have < count {
        eprintln!("Seeding {} customers into {} …", count - have, db.display());
        let pb = crate::bar(count - have, "seeding");
        // Continue the same data set where the database left off.
        frontdesk_core::seed::seed_range(&store, have..count, 1, &mut |d| pb.set_position(d))?;
        pb.finish_and_clear();
    }
    Ok(store)
}

pub(crate) struct Stats {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

pub(crate) fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    Stats { p50: at(0.5), p95: at(0.95), p99: at(0.99) }
}

pub(crate) struct Sample {
    first: String,
    last: String,
    email: Option<String>,
    phone_raw: Option<String>,
    e164: Option<String>,
    code: String,
}

pub(crate) fn samples(store: &Store, n: usize, rng: &mut SmallRng) -> Result<Vec<Sample>, CoreError> {
    store.read(|r| {
        let max: i64 = r.conn().query_row("SELECT max(seq) FROM customers", [], |x| x.get(0))?;
        let mut st = r.conn().prepare("SELECT first_name, last_name, email, phone_raw, phone_e164, code FROM customers WHERE seq >= ?1 AND archived_at IS NULL ORDER BY seq LIMIT 1")?;
        let mut out = Vec::new();
        while out.len() < n {
            let seq = rng.random_range(1..=max);
            if let Ok(s) = st.query_row([seq], |x| {
                Ok(Sample { first: x.get(0)?, last: x.get(1)?, email: x.get(2)?, phone_raw: x.get(3)?, e164: x.get(4)?, code: x.get(5)? })
            }) {
                out.push(s);
            }
        }
        Ok(out)
    })
}

fn chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Queries of one kind made from real records (so they match what a receptionist would type).
pub(crate) fn queries(kind: &str, samples: &[Sample], rng: &mut SmallRng, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < n && i < samples.len() * 4 {
        let s = &samples[i % samples.len()];
        i += 1;
        let last = fold(&s.last).replace(' ', "");
        let digits = s.e164.as_deref().map(|p| p.trim_start_matches('+').to_string());
        let q = match kind {
            "prefix_1_2" => Some(chars(&last, rng.random_range(1..=2))),
            "prefix_3plus" => Some(chars(&last, rng.random_range(3..=5))),
            "two_words" => Some(format!("{} {}", chars(&fold(&s.first), 3), chars(&last, 3))),
            "diacritics" => {
                (!format!("{}{}", s.first, s.last).is_ascii()).then(|| format!("{} {}", s.first, chars(&s.last, 4)))
            }
            "phone_3_4" => digits.filter(|d| d.len() > 8).map(|d| {
                let len = rng.random_range(3..=4);
                let at = rng.random_range(2..d.len() - len);
                d[at..at + len].to_string()
            }),
            "phone_formatted" => s.phone_raw.clone(),
            "last_4" => digits.map(|d| d[d.len() - 4..].to_string()),
            "email_fragment" => s.email.as_deref().map(|e| {
                let local = e.split('@').next().unwrap_or("");
                let len = 5.min(local.len());
                let at = rng.random_range(0..=local.len() - len);
                local[at..at + len].to_string()
            }),
            "exact_email" => s.email.clone(),
            // Typed up to the domain's second letter (`c.bakker318819@o2`, `anna.k@gm`).
            "email_typed" => s.email.as_deref().and_then(|e| {
                let at = e.find('@')?;
                Some(e.chars().take(at + 3).collect())
            }),
            // A provider without the last letter of its domain (`gmail.co`, `web.d`).
            "email_domain" => s.email.as_deref().and_then(|e| {
                let domain = &e[e.find('@')? + 1..];
                Some(domain.chars().take(domain.chars().count().saturating_sub(1)).collect())
            }),
            "code" => Some(s.code.clone()),
            "no_match_text" => Some((0..6).map(|_| ['q', 'x', 'z', 'j', 'v'][rng.random_range(0..5)]).collect()),
            "no_match_digits" => Some(format!("9{:010}", rng.random_range(0..10_000_000_000u64))),
            _ => None,
        };
        if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
            out.push(q);
        }
    }
    out
}

pub const KINDS: &[&str] = &[
    "prefix_1_2",
    "prefix_3plus",
    "two_words",
    "diacritics",
    "phone_3_4",
    "phone_formatted",
    "last_4",
    "email_fragment",
    "exact_email",
    "email_typed",
    "email_domain",
    "code",
    "no_match_text",
    "no_match_digits",
];

/// The naive search most customer lists use: LIKE '%q%' over every column, first page.
fn like_baseline(conn: &Connection, q: &str) -> rusqlite::Result<usize> {
    let mut st = conn.prepare_cached(
        "SELECT seq FROM customers WHERE archived_at IS NULL AND (first_name LIKE ?1 OR last_name LIKE ?1 OR email LIKE ?1 \
         OR phone_raw LIKE ?1 OR phone_e164 LIKE ?1 OR code LIKE ?1) ORDER BY seq LIMIT 50",
    )?;
    let n = st.query_map([format!("%{q}%")], |r| r.get::<_, i64>(0))?.count();
    Ok(n)
}

pub fn run(what: BenchCommand, db: Option<&Path>) -> Result<(), CoreError> {
    match what {
        BenchCommand::Backup { count, runs } => crate::bench_backup::run(db, count, runs),
        BenchCommand::History { count, appointments_per_customer, runs, baseline_runs } => {
            crate::bench_history::run(db, count, appointments_per_customer, runs, baseline_runs)
        }
        BenchCommand::Search { count, runs, baseline_runs, slowest } => {
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
        BenchCommand::Create { count, runs } => {
            let path = bench_db(db, count);
            let store = seeded(&path, count)?;
            let actor = Actor::new("bench");
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0) as u64;
            let base = 10_000_000 + nanos % 1_000_000 * 1000;
            // As the desktop app saves: the desk tidied (search segments merged, log written
            // back) between saves, as its background step does every two seconds; then the
            // same number of saves back to back, with nothing tidied between them.
            for tidied in [true, false] {
                store.merge_search()?;
                let mut times = Vec::new();
                let mut rejected = 0;
                for i in 0..runs as u64 {
                    while tidied && store.tidy_step()? {}
                    let row = frontdesk_core::seed::customer(7, base + i + if tidied { 0 } else { runs as u64 });
                    let t = Instant::now();
                    match store.create_customer(&actor, &row.input) {
                        Ok(_) => times.push(t.elapsed().as_secs_f64() * 1000.0),
                        Err(CoreError::Duplicate { .. }) => rejected += 1,
                        Err(e) => return Err(e),
                    }
                }
                let s = stats(times);
                outln!(
                    "create_customer at {count}+ customers, {} ({runs} creates, {rejected} duplicates): p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms (synchronous=FULL commit each)",
                    if tidied { "desk tidied between saves" } else { "back to back" },
                    s.p50,
                    s.p95,
                    s.p99
                );
            }
            Ok(())
        }
        BenchCommand::Import { count, parts } => {
            let dir = PathBuf::from("bench-data");
            std::fs::create_dir_all(&dir).map_err(err)?;
            let csv_path = dir.join(format!("import-{count}.csv"));
            let db_path = db.map(Path::to_path_buf).unwrap_or_else(|| dir.join(format!("import-{count}.db")));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
            }
            write_csv(&csv_path, count)?;
            let store = crate::open(&db_path)?;
            let t = Instant::now();
            let report = import_csv(&store, &csv_path, &ImportOptions::default(), &mut |_, _| {})?;
            let secs = t.elapsed().as_secs_f64();
            outln!(
                "import of {} rows: {} imported, {} rejected in {:.2} s = {:.0} rows/s (validation, phone parsing, uniqueness, timeline, outbox, search indexes)",
                report.rows,
                report.imported,
                report.rejected,
                secs,
                report.rows as f64 / secs
            );
            if parts {
                print_import_parts(&store, &csv_path)?;
            }
            drop(store);
            print_size(&db_path)
        }
        BenchCommand::Size => {
            let path =
                db.map(Path::to_path_buf).ok_or_else(|| CoreError::validation("db", "required", "Pass --db FILE."))?;
            print_size(&path)
        }
    }
}

fn print_import_parts(store: &Store, csv_path: &Path) -> Result<(), CoreError> {
    let p = frontdesk_core::import_parts::measure(store, csv_path, &ImportOptions::default())?;
    let per_row = |s: f64| s * 1e6 / p.rows as f64;
    let indexes: f64 = p.indexes.iter().map(|(_, s)| s).sum();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    outln!("Parts of importing {} rows, each measured alone (the writing parts in a transaction rolled back):", p.rows);
    outln!("| part | s | µs per row |");
    outln!("|---|---|---|");
    outln!(
        "| read, validate, search keys (one thread, no writes) | {:.2} | {:.1} |",
        p.read_and_check,
        per_row(p.read_and_check)
    );
    outln!("| the rows alone (INSERT … SELECT, no indexes) | {:.2} | {:.1} |", p.rows_alone, per_row(p.rows_alone));
    let list: Vec<String> =
        p.indexes.iter().map(|(n, s)| format!("{} {:.2}", n.trim_start_matches("customers_"), s)).collect();
    outln!(
        "| {} customer indexes, each built once, sorted ({}) | {:.2} | {:.1} |",
        p.indexes.len(),
        list.join(", "),
        indexes,
        per_row(indexes)
    );
    for (table, s) in &p.search_tables {
        outln!("| search table {table}, filled from the rows | {s:.2} | {:.1} |", per_row(*s));
    }
    let writing = p.writing();
    let floor = writing.max((writing + p.read_and_check) / cores as f64);
    outln!(
        "Writing parts in sequence (one writer per database): {writing:.2} s; with the reading on the other {} of {cores} cores, an import takes at least {floor:.2} s = {:.0} rows/s.",
        cores - 1,
        p.rows as f64 / floor
    );
    Ok(())
}

fn write_csv(path: &Path, count: u64) -> Result<(), CoreError> {
    let f = std::fs::File::create(path).map_err(err)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    w.write_record([
        "First Name",
        "Last Name",
        "Email Address",
        "Mobile Number",
        "Address",
        "City",
        "State",
        "Postcode",
        "Country",
        "Profile Notes",
        "Location",
    ])
    .map_err(err)?;
    for i in 0..count {
        let r = frontdesk_core::seed::customer(3, i);
        let c = &r.input;
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            c.first_name.clone(),
            c.last_name.clone(),
            o(&c.email),
            o(&c.phone),
            o(&c.address_line1),
            o(&c.city),
            o(&c.state),
            o(&c.postal_code),
            o(&c.country),
            c.tags.join(" | "),
            r.branch.clone().unwrap_or_default(),
        ])
        .map_err(err)?;
    }
    w.flush().map_err(err)?;
    Ok(())
}

/// Bytes per customer: customer table + its indexes, search indexes, timeline, outbox.
pub fn print_size(path: &Path) -> Result<(), CoreError> {
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
