//! `frontdesk seed`: demo customers with their history.

use std::path::Path;

use frontdesk_core::CoreError;

use crate::cli::SeedArgs;
use crate::desk::open;
use crate::output::bar;

pub(crate) fn run(args: SeedArgs, db: &Path) -> Result<(), CoreError> {
    let SeedArgs { count, seed, appointments_per_customer } = args;
    if !(0.0..=50.0).contains(&appointments_per_customer) {
        return Err(CoreError::validation("appointments-per-customer", "out_of_range", "Use a number from 0 to 50."));
    }
    let store = open(db)?;
    let pb = bar(2 * count, "seeding customers, then their history");
    let (report, history) =
        frontdesk_core::seed::seed_demo(&store, count, seed, appointments_per_customer, &mut |done, _| {
            pb.set_position(done)
        })?;
    pb.finish_and_clear();
    outln!(
        "Added {} demo customers to {} in {:.1} s ({} skipped as duplicates), then {} appointments and {} orders in {:.1} s.",
        report.created,
        db.display(),
        report.took_ms as f64 / 1000.0,
        report.rejected,
        history.appointments,
        history.orders,
        history.took_ms as f64 / 1000.0
    );
    Ok(())
}
