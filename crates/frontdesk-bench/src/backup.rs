//! `frontdesk-bench backup`: how long a checked backup and a restore of the desk take, beside a
//! plain copy of the database file (the least any copy can take), and search latency while the
//! backup runs beside search latency at rest.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use frontdesk_core::search::SearchRequest;
use frontdesk_core::CoreError;
use rand::rngs::SmallRng;
use rand::SeedableRng;

use crate::common::{bench_db, err, queries, samples, seeded, stats, KINDS};

/// The pause between two searches, at rest and during the backup.
const PACE: std::time::Duration = std::time::Duration::from_millis(20);

pub fn run(db: Option<&Path>, count: u64, runs: usize) -> Result<(), CoreError> {
    let path = bench_db(db, count);
    let store = seeded(&path, count)?;
    while store.tidy_step()? {}
    let mut rng = SmallRng::seed_from_u64(7);
    let pool = samples(&store, 400, &mut rng)?;
    let qs: Vec<String> = KINDS.iter().flat_map(|k| queries(k, &pool, &mut rng, runs / KINDS.len() + 1)).collect();
    let search = |q: &str| -> Result<f64, CoreError> {
        let t = Instant::now();
        store.search(&SearchRequest::new(q))?;
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    };
    for q in qs.iter().take(200) {
        search(q)?;
    }
    let paced = |q: &String| {
        std::thread::sleep(PACE);
        search(q)
    };
    let idle: Vec<f64> = qs.iter().take(runs).map(paced).collect::<Result<_, _>>()?;

    let folder = path.with_extension("backups");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).map_err(err)?;

    // Baseline: copying the database file as it is (log written back first), unchecked.
    store.with_writer_connection(|c| Ok(c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?))?;
    let bytes = std::fs::metadata(&path).map_err(err)?.len();
    let plain = folder.join("plain-copy.db");
    let t = Instant::now();
    std::fs::copy(&path, &plain).map_err(err)?;
    std::fs::File::open(&plain).and_then(|f| f.sync_all()).map_err(err)?;
    let copy_s = t.elapsed().as_secs_f64();
    std::fs::remove_file(&plain).map_err(err)?;

    // The backup, with searches going on beside it.
    let done = AtomicBool::new(false);
    let (backup, during) = std::thread::scope(|s| {
        let backup = s.spawn(|| {
            let t = Instant::now();
            let r = store.backup_now(Some(&folder));
            done.store(true, Ordering::Relaxed);
            r.map(|info| (info, t.elapsed().as_secs_f64()))
        });
        // A receptionist typing fast: a search every 20 ms.
        let mut during = Vec::new();
        let mut i = 0;
        while !done.load(Ordering::Relaxed) {
            if let Ok(ms) = search(&qs[i % qs.len()]) {
                during.push(ms);
            }
            i += 1;
            std::thread::sleep(PACE);
        }
        (backup.join().expect("backup thread"), during)
    });
    let (info, backup_s) = backup?;

    let t = Instant::now();
    let report = store.restore_backup(Path::new(&info.path))?;
    let restore_s = t.elapsed().as_secs_f64();
    let after: Vec<f64> = qs.iter().take(runs).map(paced).collect::<Result<_, _>>()?;
    std::fs::remove_file(&report.set_aside.path).map_err(err)?;
    std::fs::remove_dir_all(&folder).map_err(err)?;

    outln!("Backup at {} customers ({:.0} MB database)", info.counts.customers, bytes as f64 / 1e6);
    outln!("| step | seconds |");
    outln!("|---|---|");
    outln!("| baseline: copy the database file (unchecked) | {copy_s:.1} |");
    outln!("| backup: online copy + integrity check + counts | {backup_s:.1} |");
    outln!("| restore: check the backup + set the desk aside (a backup) + copy in | {restore_s:.1} |");
    let (a, b, c) = (stats(idle), stats(during.clone()), stats(after));
    outln!();
    outln!("Searches, one every {} ms (faster than anyone types):", PACE.as_millis());
    outln!("| searches | n | p50 ms | p95 ms | p99 ms |");
    outln!("|---|---|---|---|---|");
    outln!("| at rest, before | {} | {:.3} | {:.3} | {:.3} |", runs.min(qs.len()), a.p50, a.p95, a.p99);
    outln!("| while the backup runs | {} | {:.3} | {:.3} | {:.3} |", during.len(), b.p50, b.p95, b.p99);
    outln!("| after the restore | {} | {:.3} | {:.3} | {:.3} |", runs.min(qs.len()), c.p50, c.p95, c.p99);
    Ok(())
}
