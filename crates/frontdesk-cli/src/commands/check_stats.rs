//! `frontdesk check-stats`: running stats against a recomputation from the history.

use std::path::Path;
use std::time::Instant;

use frontdesk_core::CoreError;

use crate::cli::CheckStatsArgs;
use crate::desk::open_existing;

pub(crate) fn run(args: CheckStatsArgs, db: &Path) -> Result<(), CoreError> {
    let CheckStatsArgs { limit } = args;
    let store = open_existing(db)?;
    let started = Instant::now();
    let bad = store.audit_stats(limit)?;
    for m in &bad {
        outln!("{}: stored {} ≠ recomputed {}", m.customer, m.stored, m.recomputed);
    }
    outln!("{} mismatches ({:.1} s).", bad.len(), started.elapsed().as_secs_f64());
    if bad.is_empty() {
        Ok(())
    } else {
        Err(CoreError::conflict(
            "stats_mismatch",
            format!("{} customers' stats differ from a recomputation.", bad.len()),
        ))
    }
}
