//! `cargo bench -p frontdesk-core`: search and create on a seeded database, next to the naive
//! LIKE scan as a same-run baseline. (The 1M-customer figures come from `frontdesk-bench`,
//! see docs/benchmarks.md; this runs at FRONTDESK_BENCH_COUNT customers, default 50,000.)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use frontdesk_core::customers::Actor;
use frontdesk_core::search::SearchRequest;
use frontdesk_core::store::Sources;
use frontdesk_core::Store;

fn bench(c: &mut Criterion) {
    let count: u64 = std::env::var("FRONTDESK_BENCH_COUNT").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path().join("bench.db"), Sources::default()).expect("open");
    frontdesk_core::seed::seed(&store, count, 1, &mut |_| {}).expect("seed");
    let like = rusqlite::Connection::open(dir.path().join("bench.db")).expect("open baseline");

    let mut group = c.benchmark_group(format!("search_{count}"));
    for (kind, q) in
        [("prefix_1", "m"), ("prefix_3", "mar"), ("two_words", "mar sch"), ("phone_4", "4567"), ("no_match", "qxzjv")]
    {
        group.bench_function(kind, |b| b.iter(|| store.search(black_box(&SearchRequest::new(q))).expect("search")));
        group.bench_function(format!("{kind}_like_baseline"), |b| {
            let mut st = like
                .prepare(
                    "SELECT seq FROM customers WHERE first_name LIKE ?1 OR last_name LIKE ?1 OR email LIKE ?1 \
                     OR phone_raw LIKE ?1 OR code LIKE ?1 ORDER BY seq LIMIT 50",
                )
                .expect("prepare");
            b.iter(|| st.query_map([format!("%{q}%")], |r| r.get::<_, i64>(0)).expect("query").count())
        });
    }
    group.finish();

    let actor = Actor::new("bench");
    let mut i = 50_000_000u64;
    c.bench_function("create_customer", |b| {
        b.iter(|| {
            i += 1;
            let row = frontdesk_core::seed::customer(11, i);
            store.create_customer(&actor, &row.input).ok()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
