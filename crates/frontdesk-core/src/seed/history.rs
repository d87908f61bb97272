//! Realistic, deterministic history for demo customers: a catalogue and staff, then for each
//! customer appointments over the last 18 months and the next month — most finished and paid,
//! some cancelled (late or not), some no-shows, a few refunds — written through the real write
//! path (appointments, orders, payments, refunds, loyalty, stats, timeline, outbox), each step
//! stamped with the time it happened.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::customers::Actor;
use crate::error::CoreResult;
use crate::history::AppointmentStatus;
use crate::history::{
    BookingInput, CancelledBy, LineKind, OrderInput, OrderLineInput, PaymentMethod, ServiceInput, StaffInput,
};
use crate::ids::{AppointmentId, CustomerId, OrderId, ServiceId, StaffId};
use crate::store::{Store, Writer};

const SERVICES: &[(&str, i64, i64)] = &[
    ("Haircut", 45, 3500),
    ("Colour", 90, 8500),
    ("Blow-dry", 30, 2000),
    ("Beard trim", 20, 1500),
    ("Manicure", 40, 2500),
    ("Massage (60 min)", 60, 5500),
    ("Facial", 50, 4800),
];
const STAFF: &[&str] = &["Alex", "Sam", "Priya", "Jordan", "Mia", "Luca"];
const PRODUCTS: &[(&str, i64)] =
    &[("Shampoo", 1400), ("Conditioner", 1500), ("Hair oil", 2200), ("Nail polish", 900), ("Gift card", 5000)];
const CANCEL_REASONS: &[&str] = &["Unwell", "Work came up", "Childcare", "Travel delay", "Booked by mistake"];
const REFUND_REASONS: &[&str] = &["Unhappy with the result", "Product returned", "Charged twice", "Service shortened"];

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// Customers written per transaction.
const BATCH: usize = 500;

#[derive(Debug, Clone, Default, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryReport {
    pub appointments: u64,
    pub orders: u64,
    pub took_ms: u64,
}

/// The catalogue and staff the seed books with (created when missing).
/// Services with their price, and staff.
type Catalogue = (Vec<(ServiceId, i64)>, Vec<StaffId>);

fn catalogue(store: &Store) -> CoreResult<Catalogue> {
    let have = store.services()?;
    let mut services = Vec::new();
    for (name, minutes, price) in SERVICES {
        let s = match have.iter().find(|s| s.name == *name) {
            Some(s) => s.clone(),
            None => store.add_service(&ServiceInput {
                name: name.to_string(),
                duration_min: *minutes,
                price_minor: *price,
                active: true,
            })?,
        };
        services.push((s.id, s.price_minor));
    }
    let have = store.staff()?;
    let mut staff = Vec::new();
    for name in STAFF {
        let s = match have.iter().find(|s| s.name == *name) {
            Some(s) => s.clone(),
            None => store.add_staff(&StaffInput { name: name.to_string(), active: true })?,
        };
        staff.push(s.id);
    }
    Ok((services, staff))
}

/// One step of a customer's story, at a time.
enum Step {
    Book { n: usize, service: usize, staff: usize, starts: i64 },
    Finish { n: usize },
    NoShow { n: usize },
    Cancel { n: usize, by: CancelledBy, reason: usize },
    Confirm { n: usize, by_customer: bool },
    Sell { n: usize, service: usize, product: Option<usize>, card: bool },
    Refund { n: usize, percent: i64, reason: usize },
}

fn story(rng: &mut SmallRng, now: i64, per_customer: f64) -> Vec<(i64, Step)> {
    // A fifth of customers never booked; the rest average `per_customer` / 0.8 appointments.
    if per_customer <= 0.0 || rng.random_bool(0.2) {
        return vec![];
    }
    let mean = per_customer / 0.8;
    let count = rng.random_range(1..=((2.0 * mean).round().max(1.0) as usize));
    let favourite = rng.random_range(0..SERVICES.len());
    let stylist = rng.random_range(0..STAFF.len());
    let mut steps = Vec::new();
    for n in 0..count {
        let service = if rng.random_bool(0.7) { favourite } else { rng.random_range(0..SERVICES.len()) };
        let staff = if rng.random_bool(0.6) { stylist } else { rng.random_range(0..STAFF.len()) };
        let upcoming = rng.random_bool(0.08);
        // On the hour or half hour between 9:00 and 17:30.
        let day = if upcoming { rng.random_range(1..30) } else { -rng.random_range(1..540) };
        let starts = (now / DAY + day) * DAY + rng.random_range(18..36) * HOUR / 2;
        let booked = starts - rng.random_range(1..21) * DAY + rng.random_range(0..DAY);
        steps.push((booked.min(now), Step::Book { n, service, staff, starts }));
        if upcoming {
            if rng.random_bool(0.5) {
                steps.push((now.min(starts), Step::Confirm { n, by_customer: rng.random_bool(0.5) }));
            }
            continue;
        }
        let roll: f64 = rng.random();
        if roll < 0.80 {
            let end = starts + SERVICES[service].1 * 60_000;
            steps.push((end, Step::Finish { n }));
            let product = rng.random_bool(0.2).then(|| rng.random_range(0..PRODUCTS.len()));
            steps.push((end + 1, Step::Sell { n, service, product, card: rng.random_bool(0.75) }));
            if rng.random_bool(0.03) {
                let percent = if rng.random_bool(0.3) { 100 } else { rng.random_range(10..60) };
                steps.push((
                    end + rng.random_range(1..10) * DAY,
                    Step::Refund { n, percent, reason: rng.random_range(0..REFUND_REASONS.len()) },
                ));
            }
        } else if roll < 0.94 {
            let late = rng.random_bool(0.3);
            let before = if late { rng.random_range(1..20) * HOUR } else { rng.random_range(2..10) * DAY };
            let by = if rng.random_bool(0.85) { CancelledBy::Customer } else { CancelledBy::Business };
            steps.push((
                (starts - before).max(booked + 1),
                Step::Cancel { n, by, reason: rng.random_range(0..CANCEL_REASONS.len()) },
            ));
        } else {
            steps.push((starts + HOUR, Step::NoShow { n }));
        }
    }
    // Nothing happens after now (a refund days after a recent visit waits).
    for (at, _) in steps.iter_mut() {
        *at = (*at).min(now);
    }
    steps.sort_by_key(|(at, _)| *at);
    steps
}

struct Done {
    appointments: Vec<Option<AppointmentId>>,
    orders: Vec<Option<OrderId>>,
}

fn play(
    w: &mut Writer<'_>,
    actor: &Actor,
    customer: CustomerId,
    steps: Vec<(i64, Step)>,
    services: &[(ServiceId, i64)],
    staff: &[StaffId],
    report: &mut HistoryReport,
) -> CoreResult<()> {
    let n = steps.iter().filter(|(_, s)| matches!(s, Step::Book { .. })).count();
    let mut done = Done { appointments: vec![None; n], orders: vec![None; n] };
    for (at, step) in steps {
        w.now_ms = at;
        match step {
            Step::Book { n, service, staff: who, starts } => {
                let input = BookingInput {
                    customer,
                    service: services[service].0,
                    staff: Some(staff[who]),
                    starts_at: crate::clock::ms_to_datetime(starts),
                    duration_min: None,
                    price_minor: None,
                    notes: None,
                    branch: None,
                    blocked_override: Some("Booked before the block (demo data)".into()),
                };
                done.appointments[n] = Some(w.book_appointment(actor, &input)?.1);
                report.appointments += 1;
            }
            Step::Confirm { n, by_customer } => {
                if let Some(id) = done.appointments[n] {
                    let to =
                        if by_customer { AppointmentStatus::CustomerConfirmed } else { AppointmentStatus::Confirmed };
                    w.set_appointment_status(actor, id, to)?;
                }
            }
            Step::Finish { n } => {
                if let Some(id) = done.appointments[n] {
                    w.set_appointment_status(actor, id, AppointmentStatus::Finished)?;
                }
            }
            Step::NoShow { n } => {
                if let Some(id) = done.appointments[n] {
                    w.set_appointment_status(actor, id, AppointmentStatus::NoShow)?;
                }
            }
            Step::Cancel { n, by, reason } => {
                if let Some(id) = done.appointments[n] {
                    w.cancel_appointment(actor, id, by, CANCEL_REASONS[reason])?;
                }
            }
            Step::Sell { n, service, product, card } => {
                let mut lines = vec![OrderLineInput {
                    kind: LineKind::Service,
                    service: Some(services[service].0),
                    description: None,
                    quantity: 1,
                    unit_price_minor: None,
                }];
                let mut total = services[service].1;
                if let Some(p) = product {
                    lines.push(OrderLineInput {
                        kind: LineKind::Product,
                        service: None,
                        description: Some(PRODUCTS[p].0.into()),
                        quantity: 1,
                        unit_price_minor: Some(PRODUCTS[p].1),
                    });
                    total += PRODUCTS[p].1;
                }
                let (_, id) = w.create_order(
                    actor,
                    &OrderInput { customer, lines, appointment: done.appointments[n], notes: None, branch: None },
                )?;
                w.pay_order(actor, id, if card { PaymentMethod::Card } else { PaymentMethod::Cash }, total)?;
                done.orders[n] = Some(id);
                report.orders += 1;
            }
            Step::Refund { n, percent, reason } => {
                if let Some(id) = done.orders[n] {
                    let paid: i64 = w.conn().query_row(
                        "SELECT paid_minor - refunded_minor FROM orders WHERE id = ?1",
                        [id.0.as_bytes().to_vec()],
                        |r| r.get(0),
                    )?;
                    let amount = (paid * percent / 100).max(1);
                    w.refund_order(actor, id, PaymentMethod::Card, amount, REFUND_REASONS[reason])?;
                }
            }
        }
    }
    Ok(())
}

/// Gives the customers with `seq` in `customers` a history (data set `seed`), about
/// `per_customer` appointments each on average. Progress counts customers.
pub fn seed_history(
    store: &Store,
    customers: std::ops::Range<i64>,
    seed: u64,
    per_customer: f64,
    progress: &mut dyn FnMut(u64),
) -> CoreResult<HistoryReport> {
    let started = std::time::Instant::now();
    let (services, staff) = catalogue(store)?;
    let actor = Actor::new("demo data");
    let now = store.sources().clock.now_ms();
    let mut report = HistoryReport::default();
    let mut from = customers.start;
    let mut done = 0u64;
    while from < customers.end {
        let to = (from + BATCH as i64).min(customers.end);
        let ids: Vec<(i64, CustomerId)> = store.read(|r| {
            let mut st = r.conn().prepare_cached(
                "SELECT seq, id FROM customers WHERE seq >= ?1 AND seq < ?2 AND archived_at IS NULL ORDER BY seq",
            )?;
            let rows =
                st.query_map([from, to], |r| Ok((r.get(0)?, CustomerId::from_bytes(&r.get::<_, Vec<u8>>(1)?))))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        store.write(|w| {
            for (seq, id) in &ids {
                let mut rng = SmallRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (*seq as u64));
                let steps = story(&mut rng, now, per_customer);
                play(w, &actor, *id, steps, &services, &staff, &mut report)?;
            }
            w.now_ms = now;
            Ok(())
        })?;
        done += (to - from) as u64;
        progress(done);
        from = to;
    }
    report.took_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}
