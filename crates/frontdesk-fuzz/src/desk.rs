//! The desk every target works on: one per process, on a real SQLite file (in memory-backed
//! /dev/shm where there is one, so each durable commit is cheap), with customers, a service,
//! a staff member, an appointment and an order to refer to. The clock stands still and ids
//! come from a counter, so the records made here have the same ids on every run (the corpus
//! refers to them).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use frontdesk_core::clock::{ManualClock, SequentialIds};
use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_core::history::{BookingInput, LineKind, OrderInput, OrderLineInput, ServiceInput, StaffInput};
use frontdesk_core::settings::SettingsInput;
use frontdesk_core::store::Sources;
use frontdesk_core::Store;

pub struct FuzzDesk {
    pub store: Store,
    dir: tempfile::TempDir,
}

impl FuzzDesk {
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// 2026-06-01T09:00:00Z.
pub const NOW_MS: i64 = 1_780_304_400_000;

pub fn desk() -> &'static FuzzDesk {
    static DESK: OnceLock<FuzzDesk> = OnceLock::new();
    DESK.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("temp dir");
        let sources = Sources { clock: Arc::new(ManualClock::new(NOW_MS)), ids: Arc::new(SequentialIds::default()) };
        let store = Store::open(dir.path().join("fuzz.db"), sources).expect("open the fuzzing desk");
        prepare(&store).expect("prepare the fuzzing desk");
        FuzzDesk { store, dir }
    })
}

fn prepare(store: &Store) -> frontdesk_core::CoreResult<()> {
    store.update_settings(&SettingsInput {
        default_region: Some("GB".into()),
        business_name: Some("Fuzz".into()),
        ..Default::default()
    })?;
    frontdesk_core::seed::seed(store, 200, 1, &mut |_| {})?;
    let actor = Actor::new("fuzz");
    let ann = store.create_customer(
        &actor,
        &CustomerInput {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: Some("ann@example.com".into()),
            phone: Some("07700 900123".into()),
            ..Default::default()
        },
    )?;
    let service =
        store.add_service(&ServiceInput { name: "Cut".into(), duration_min: 30, price_minor: 2500, active: true })?;
    let staff = store.add_staff(&StaffInput { name: "Mia".into(), active: true })?;
    let starts_at = frontdesk_core::clock::ms_to_datetime(NOW_MS + 3_600_000);
    let appointment = store.book_appointment(
        &actor,
        &BookingInput {
            customer: ann.id,
            service: service.id,
            staff: Some(staff.id),
            starts_at,
            duration_min: None,
            price_minor: None,
            notes: None,
            branch: None,
            blocked_override: None,
        },
    )?;
    store.create_order(
        &actor,
        &OrderInput {
            customer: ann.id,
            lines: vec![OrderLineInput {
                kind: LineKind::Service,
                service: Some(service.id),
                description: None,
                quantity: 1,
                unit_price_minor: None,
            }],
            appointment: Some(appointment.id),
            notes: None,
            branch: None,
        },
    )?;
    Ok(())
}
