//! `create`: saving a new customer from the form on a big desk.

use std::path::Path;
use std::time::Instant;

use frontdesk_core::customers::Actor;
use frontdesk_core::CoreError;

use crate::common::*;

pub(crate) fn run(db: Option<&Path>, count: u64, runs: usize) -> Result<(), CoreError> {
    let path = bench_db(db, count);
    let store = seeded(&path, count)?;
    let actor = Actor::new("bench");
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
            as u64;
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
