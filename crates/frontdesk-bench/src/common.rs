//! What every benchmark shares: its database (seeded to a size), samples of its customers,
//! the queries drawn from them, and percentiles.

use std::path::{Path, PathBuf};

use frontdesk_core::normalize::fold;
use frontdesk_core::{CoreError, Store};
use rand::rngs::SmallRng;
use rand::Rng;

pub(crate) fn err(e: impl std::fmt::Display) -> CoreError {
    CoreError::Storage { message: e.to_string() }
}

pub(crate) fn bench_db(db: Option<&Path>, count: u64) -> PathBuf {
    db.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("bench-data/customers-{count}.db")))
}

/// Opens (seeding as needed) a database of at least `count` customers.
pub(crate) fn seeded(db: &Path, count: u64) -> Result<Store, CoreError> {
    let store = open(db)?;
    let have: u64 =
        store.read(|r| Ok(r.conn().query_row("SELECT count(*) FROM customers", [], |x| x.get::<_, i64>(0))? as u64))?;
    if have < count {
        eprintln!("Seeding {} customers into {} …", count - have, db.display());
        let pb = bar(count - have, "seeding");
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

/// Opens the benchmark desk to write it.
pub(crate) fn open(db: &Path) -> Result<Store, CoreError> {
    Store::open(db, frontdesk_core::store::Sources::default())
}

pub(crate) fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}
