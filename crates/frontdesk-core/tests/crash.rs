//! Crash safety: a writer killed with SIGKILL at random moments loses nothing it acknowledged
//! and leaves nothing half written. (Longer than most files: the parent, the child's kinds of
//! work and the checks after each kill are one harness and read best together.)
//!
//! The parent starts this same program as a child (`FRONTDESK_CRASH_WORK=<work>`), which writes
//! to a desk and prints what it is about to write (`begin`) and, once the write has returned,
//! what the desk now holds (`ack`). The parent kills it at a random moment and checks the desk:
//! it opens; `integrity_check` and the search tables' own checks pass; every acknowledged write
//! is there, and the one in flight is there whole or not at all; no row appeared that was never
//! written; the search entries are exactly what the customers' fields give; every customer has
//! its timeline and outbox records and nothing refers to a row that is not there; the stats
//! agree with a recomputation. The works: form saves, form saves with the idle tidying between
//! them, bookings with orders, payments and refunds, a CSV import (run again after each kill:
//! each row once), and a migration.
//!
//! `FRONTDESK_KILLS` (default 20) sets how many kills, `FRONTDESK_KILL_SEED` the random seed
//! (printed, to repeat a run).

#[path = "common/older_schema.rs"]
mod older_schema;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_core::history::{BookingInput, LineKind, OrderInput, OrderLineInput, PaymentMethod, ServiceInput};
use frontdesk_core::import::{import_csv, ImportOptions};
use frontdesk_core::store::Sources;
use frontdesk_core::{AppointmentId, OrderId, Store};
use rand::rngs::SmallRng as StdRng;
use rand::{Rng, SeedableRng};

const WORK_ENV: &str = "FRONTDESK_CRASH_WORK";
const DB_ENV: &str = "FRONTDESK_CRASH_DB";
const RUN_ENV: &str = "FRONTDESK_CRASH_RUN";
const CSV_ENV: &str = "FRONTDESK_CRASH_CSV";

/// Customers on the desks the form and booking works start from.
const SEEDED: u64 = 2_000;
/// Customers on the desk the migration works on (its refill takes long enough to be hit).
const MIGRATED: u64 = 20_000;
/// Rows of the CSV file the import work reads (two of the bulk writer's batches).
const IMPORTED: u64 = 40_000;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Work {
    Forms,
    Tidying,
    Bookings,
    Import,
    Migration,
}

impl Work {
    const ALL: [Work; 5] = [Work::Forms, Work::Tidying, Work::Bookings, Work::Import, Work::Migration];

    fn name(self) -> &'static str {
        match self {
            Work::Forms => "forms",
            Work::Tidying => "tidying",
            Work::Bookings => "bookings",
            Work::Import => "import",
            Work::Migration => "migration",
        }
    }

    fn parse(s: &str) -> Option<Work> {
        Work::ALL.into_iter().find(|w| w.name() == s)
    }
}

fn main() -> ExitCode {
    if let Ok(work) = std::env::var(WORK_ENV) {
        return match child(&work) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("crash child ({work}): {e}");
                ExitCode::from(3)
            }
        };
    }
    // libtest's flags (`--nocapture`, a filter) do not apply; `--list` is answered for tools
    // that enumerate tests.
    if std::env::args().any(|a| a == "--list") {
        println!("crash: test");
        return ExitCode::SUCCESS;
    }
    match parent() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash test FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res<T> = Result<T, String>;

/// A seed that differs from run to run (the clock and the process).
fn entropy() -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    nanos ^ (u64::from(std::process::id()) << 32)
}

fn err<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

// ---------------------------------------------------------------------------------------------
// What the desk holds, read the same way by the child (to acknowledge) and the parent (to check).

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Customer,
    Appointment,
    Order,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Appointment => "appointment",
            Kind::Order => "order",
        }
    }
    fn parse(s: &str) -> Option<Kind> {
        [Kind::Customer, Kind::Appointment, Kind::Order].into_iter().find(|k| k.name() == s)
    }
    fn table(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Appointment => "appointments",
            Kind::Order => "orders",
        }
    }
}

/// The state of one record as a line of text; `key` is `code:…` or `email:…` for a customer,
/// `notes:…` for an appointment or order (each one's notes are unique in these works).
fn state_of(conn: &rusqlite::Connection, kind: Kind, key: &str) -> Res<Option<String>> {
    let (by, value) = key.split_once(':').ok_or_else(|| format!("bad key {key}"))?;
    let sql = match (kind, by) {
        (Kind::Customer, "code" | "email") => format!(
            "SELECT first_name || '|' || ifnull(email, '') || '|' || ifnull(remarks, '') || '|' || (archived_at IS NOT NULL) || '|' || status \
             FROM customers WHERE {by} = ?1"
        ),
        (Kind::Appointment, "notes") => "SELECT CAST(status AS TEXT) FROM appointments WHERE notes = ?1".into(),
        (Kind::Order, "notes") => "SELECT paid_minor || ' ' || refunded_minor FROM orders WHERE notes = ?1".into(),
        _ => return Err(format!("bad key {key} for {}", kind.name())),
    };
    let mut st = conn.prepare(&sql).map_err(err("state query"))?;
    let mut rows = st.query([value]).map_err(err("state query"))?;
    let first = match rows.next().map_err(err("state row"))? {
        Some(r) => Some(r.get::<_, String>(0).map_err(err("state value"))?),
        None => None,
    };
    if rows.next().map_err(err("state row"))?.is_some() {
        return Err(format!("two {} rows for {key}", kind.name()));
    }
    Ok(first)
}

fn customer_state(first: &str, email: &str, remarks: &str, archived: bool, blocked: bool) -> String {
    format!("{first}|{email}|{remarks}|{}|{}", archived as u8, blocked as u8)
}

// ---------------------------------------------------------------------------------------------
// The child: writes and says what it wrote.

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

struct Writes<'a> {
    store: &'a Store,
}

impl Writes<'_> {
    /// Runs one write: says what it will leave (`create` or `change` of `key`), does it, reads
    /// what the desk holds, and says that (under `ack_key`); it must be what was predicted.
    fn one<T>(
        &self,
        op: &str,
        kind: Kind,
        key: &str,
        ack_key: impl FnOnce(&T) -> String,
        predicted: &str,
        write: impl FnOnce() -> frontdesk_core::CoreResult<T>,
    ) -> Res<T> {
        say(&format!("begin\t{op}\t{}\t{key}\t{predicted}", kind.name()));
        let done = write().map_err(|e| format!("{op} {} {key}: {e}", kind.name()))?;
        let ack = ack_key(&done);
        let held = self.store.read(|r| Ok(state_of(r.conn(), kind, &ack))).map_err(err("read back"))??;
        if held.as_deref() != Some(predicted) {
            return Err(format!("{} {ack} holds {held:?}, expected {predicted}", kind.name()));
        }
        say(&format!("ack\t{op}\t{}\t{ack}\t{predicted}", kind.name()));
        Ok(done)
    }
}

fn child(work: &str) -> Res<()> {
    let work = Work::parse(work).ok_or_else(|| format!("unknown work {work}"))?;
    let db = PathBuf::from(std::env::var(DB_ENV).map_err(err(DB_ENV))?);
    let run: u64 = std::env::var(RUN_ENV).map_err(err(RUN_ENV))?.parse().map_err(err(RUN_ENV))?;
    if work == Work::Migration {
        say("ready");
        Store::open(&db, Sources::default()).map_err(err("open (migrating)"))?;
        say("done");
        return Ok(());
    }
    let store = Store::open(&db, Sources::default()).map_err(err("open"))?;
    let mut rng = StdRng::seed_from_u64(entropy());
    match work {
        Work::Import => {
            let csv = PathBuf::from(std::env::var(CSV_ENV).map_err(err(CSV_ENV))?);
            say("ready");
            let report = import_csv(&store, &csv, &ImportOptions::default(), &mut |done, _| {
                say(&format!("ack\timport\t{done}"))
            })
            .map_err(err("import"))?;
            say(&format!("done\t{}", report.imported));
            Ok(())
        }
        Work::Forms | Work::Tidying => forms(&store, &mut rng, run, work == Work::Tidying),
        Work::Bookings => bookings(&store, &mut rng, run),
        Work::Migration => unreachable!(),
    }
}

fn codes(store: &Store, sql: &str) -> Res<Vec<String>> {
    store
        .read(|r| {
            let mut st = r.conn().prepare(sql)?;
            let rows = st.query_map([], |x| x.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(rows)
        })
        .map_err(err("codes"))
}

const FIRST_NAMES: [&str; 6] = ["Ann", "Bella", "Chloé", "Dev", "Erin", "Farah"];

fn forms(store: &Store, rng: &mut StdRng, run: u64, tidy: bool) -> Res<()> {
    let actor = Actor::new("crash test");
    let w = Writes { store };
    let mut codes = codes(store, "SELECT code FROM customers ORDER BY seq DESC LIMIT 300")?;
    say("ready");
    for i in 0u64.. {
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let email = format!("r{run}.{i}@example.com");
        if codes.is_empty() || rng.random_range(0..10) < 4 {
            let input = CustomerInput {
                first_name: first.into(),
                last_name: format!("Crash{run}x{i}"),
                email: Some(email.clone()),
                phone: Some(format!("+47 4{:07}", run * 10_000 + i)),
                remarks: Some(format!("v{i}")),
                ..Default::default()
            };
            let c = w.one(
                "create",
                Kind::Customer,
                &format!("email:{email}"),
                |c: &frontdesk_core::customers::Customer| format!("code:{}", c.code),
                &customer_state(first, &email, &format!("v{i}"), false, false),
                || store.create_customer(&actor, &input),
            )?;
            codes.push(c.code);
        } else {
            let code = codes[rng.random_range(0..codes.len())].clone();
            let c = store.customer(&code).map_err(err("load"))?;
            let key = format!("code:{code}");
            let ack = |_: &frontdesk_core::customers::Customer| key.clone();
            let email_now = c.email.clone().unwrap_or_default();
            let remarks_now = c.remarks.clone().unwrap_or_default();
            let blocked = c.status == frontdesk_core::customers::CustomerStatus::Blocked;
            let state = |first: &str, email: &str, remarks: &str, archived: bool, blocked: bool| {
                customer_state(first, email, remarks, archived, blocked)
            };
            if c.archived_at.is_some() {
                let p = state(&c.first_name, &email_now, &remarks_now, false, blocked);
                w.one("change", Kind::Customer, &key, ack, &p, || store.restore_customer(&actor, c.id))?;
            } else {
                match rng.random_range(0..6) {
                    0 => {
                        let p = state(&c.first_name, &email_now, &remarks_now, true, blocked);
                        w.one("change", Kind::Customer, &key, ack, &p, || store.archive_customer(&actor, c.id))?;
                    }
                    1 if blocked => {
                        let p = state(&c.first_name, &email_now, &remarks_now, false, false);
                        w.one("change", Kind::Customer, &key, ack, &p, || store.unblock_customer(&actor, c.id, None))?;
                    }
                    1 => {
                        let p = state(&c.first_name, &email_now, &remarks_now, false, true);
                        w.one("change", Kind::Customer, &key, ack, &p, || {
                            store.block_customer(&actor, c.id, "Crash test")
                        })?;
                    }
                    _ => {
                        let mut input = CustomerInput::from_customer(&c);
                        input.first_name = first.into();
                        input.email = Some(email.clone());
                        input.remarks = Some(format!("v{i}"));
                        let p = state(first, &email, &format!("v{i}"), false, blocked);
                        w.one("change", Kind::Customer, &key, ack, &p, || store.update_customer(&actor, c.id, &input))?;
                    }
                }
            }
        }
        if tidy && i % 8 == 7 {
            while store.tidy_step().map_err(err("tidy"))? {}
        }
    }
    Ok(())
}

fn bookings(store: &Store, rng: &mut StdRng, run: u64) -> Res<()> {
    let actor = Actor::new("crash test");
    let w = Writes { store };
    let service = store.services().map_err(err("services"))?.first().ok_or("no service")?.clone();
    let codes =
        codes(store, "SELECT code FROM customers WHERE archived_at IS NULL AND status = 0 ORDER BY seq LIMIT 300")?;
    say("ready");
    for i in 0u64.. {
        let c = store.customer(&codes[rng.random_range(0..codes.len())]).map_err(err("load"))?;
        if c.archived_at.is_some() || c.status != frontdesk_core::customers::CustomerStatus::Active {
            continue;
        }
        let tag = format!("crash {run}.{i}");
        let key = format!("notes:{tag}");
        let booking = BookingInput {
            customer: c.id,
            service: service.id,
            staff: None,
            starts_at: chrono::Utc::now() - chrono::Duration::hours(2),
            duration_min: None,
            price_minor: None,
            notes: Some(tag.clone()),
            branch: None,
            blocked_override: None,
        };
        let a = w.one(
            "create",
            Kind::Appointment,
            &key,
            |_: &frontdesk_core::history::Appointment| key.clone(),
            "0",
            || store.book_appointment(&actor, &booking),
        )?;
        let id: AppointmentId = a.id;
        w.one(
            "change",
            Kind::Appointment,
            &key,
            |_: &_| key.clone(),
            "3",
            || store.set_appointment_status(&actor, id, frontdesk_core::history::AppointmentStatus::Finished),
        )?;
        let order = OrderInput {
            customer: c.id,
            lines: vec![
                OrderLineInput {
                    kind: LineKind::Service,
                    service: Some(service.id),
                    description: None,
                    quantity: 1,
                    unit_price_minor: None,
                },
                OrderLineInput {
                    kind: LineKind::Product,
                    service: None,
                    description: Some("Shampoo".into()),
                    quantity: 1,
                    unit_price_minor: Some(750),
                },
            ],
            appointment: Some(id),
            notes: Some(tag.clone()),
            branch: None,
        };
        let o = w.one(
            "create",
            Kind::Order,
            &key,
            |_: &frontdesk_core::history::Order| key.clone(),
            "0 0",
            || store.create_order(&actor, &order),
        )?;
        let (oid, total): (OrderId, i64) = (o.id, o.total_minor);
        w.one(
            "change",
            Kind::Order,
            &key,
            |_: &_| key.clone(),
            &format!("{total} 0"),
            || store.pay_order(&actor, oid, PaymentMethod::Card, total),
        )?;
        if rng.random_bool(0.5) {
            w.one(
                "change",
                Kind::Order,
                &key,
                |_: &_| key.clone(),
                &format!("{total} {}", total / 2),
                || store.refund_order(&actor, oid, PaymentMethod::Card, total / 2, "Crash test"),
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The parent: kills and checks.

struct Desks {
    dir: tempfile::TempDir,
    forms: PathBuf,
    migration: PathBuf,
    csv: PathBuf,
}

fn parent() -> Res<()> {
    let kills: usize = std::env::var("FRONTDESK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("FRONTDESK_KILL_SEED").ok().and_then(|k| k.parse().ok()).unwrap_or_else(entropy);
    println!("crash test: {kills} kills, FRONTDESK_KILL_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let desks = prepare()?;
    let mut tally: HashMap<Work, Tally> = HashMap::new();
    let mut durations: HashMap<Work, Duration> = HashMap::new();
    let started = Instant::now();
    for k in 0..kills {
        let work = Work::ALL[k % Work::ALL.len()];
        let run = k as u64 + 1;
        let one = kill_once(&desks, work, run, &mut rng, &mut durations)
            .map_err(|e| format!("kill {k} ({}, run {run}): {e}", work.name()))?;
        let t = tally.entry(work).or_default();
        t.kills += one.kills;
        t.interrupted += one.interrupted;
        t.acks += one.acks;
        t.rows += one.rows;
    }
    let _ = &desks.dir;
    for w in Work::ALL {
        let t = tally.get(&w).copied().unwrap_or_default();
        println!(
            "crash test: {:<10} {:>3} kills, {:>3} while writing, {:>6} acknowledged writes and {:>6} imported rows checked",
            w.name(),
            t.kills,
            t.interrupted,
            t.acks,
            t.rows
        );
    }
    println!(
        "crash test: {kills} kills, 0 lost acknowledged writes, 0 integrity failures ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn prepare() -> Res<Desks> {
    let dir = tempfile::tempdir().map_err(err("temp dir"))?;
    let forms = dir.path().join("forms.db");
    {
        let store = Store::open(&forms, Sources::default()).map_err(err("open"))?;
        frontdesk_core::seed::seed(&store, SEEDED, 7, &mut |_| {}).map_err(err("seed"))?;
        store
            .add_service(&ServiceInput { name: "Haircut".into(), duration_min: 45, price_minor: 3000, active: true })
            .map_err(err("service"))?;
    }
    let migration = dir.path().join("migration.db");
    {
        let store = Store::open(&migration, Sources::default()).map_err(err("open"))?;
        frontdesk_core::seed::seed(&store, MIGRATED, 11, &mut |_| {}).map_err(err("seed"))?;
    }
    let csv = dir.path().join("clients.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).map_err(err("csv"))?);
    writeln!(f, "First name,Last name,Email,Phone").map_err(err("csv"))?;
    for n in 0..IMPORTED {
        writeln!(f, "{},Imported{n},imp{n}@example.com,+47 9{:07}", FIRST_NAMES[n as usize % FIRST_NAMES.len()], n)
            .map_err(err("csv"))?;
    }
    f.flush().map_err(err("csv"))?;
    Ok(Desks { dir, forms, migration, csv })
}

/// The schema as it was before the migration that rebuilt every search table (the oldest one
/// the core still refills from the customers), so opening the desk migrates it again.
fn rewind(db: &Path) -> Res<()> {
    let c = rusqlite::Connection::open(db).map_err(err("rewind"))?;
    c.execute_batch(&format!("DROP TABLE customer_name_fts; DROP TABLE customer_phone_fts; DROP TABLE customer_phone4_fts; DROP TABLE customer_email_fts;
         DROP TABLE customer_email_pairs_fts;
         CREATE VIRTUAL TABLE customer_name_fts USING fts5(keys, content='', detail=none, prefix='1 2 3 4 5 6 7 8', tokenize='unicode61 remove_diacritics 2');
         CREATE VIRTUAL TABLE customer_phone_fts USING fts5(keys, content='', tokenize='trigram');
         CREATE VIRTUAL TABLE customer_email_fts USING fts5(keys, content='', prefix='1 2 3', tokenize='unicode61 remove_diacritics 0');
         {} PRAGMA user_version = 6;", older_schema::drop_added_columns()))
    .map_err(err("rewind"))
}

/// What the child said, as the parent follows it.
#[derive(Default)]
struct Said {
    ready: Option<Instant>,
    done: Option<Instant>,
    /// The last state acknowledged per record.
    acked: HashMap<(Kind, String), String>,
    /// Records acknowledged as created, per kind.
    created: HashMap<Kind, i64>,
    /// The write begun and not acknowledged: (create?, kind, key, predicted state).
    in_flight: Option<(bool, Kind, String, String)>,
    /// Import: rows acknowledged as written.
    imported: u64,
    /// Writes acknowledged (every one is checked).
    acks: u64,
}

impl Said {
    fn take(&mut self, line: &str) -> Res<()> {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["ready"] => self.ready = Some(Instant::now()),
            ["done", ..] => self.done = Some(Instant::now()),
            ["ack", "import", n] => self.imported = n.parse().map_err(err("ack"))?,
            ["begin", op, kind, key, state] => {
                let kind = Kind::parse(kind).ok_or("bad kind")?;
                self.in_flight = Some((*op == "create", kind, key.to_string(), state.to_string()));
            }
            ["ack", op, kind, key, state] => {
                let kind = Kind::parse(kind).ok_or("bad kind")?;
                self.acked.insert((kind, key.to_string()), state.to_string());
                if *op == "create" {
                    *self.created.entry(kind).or_default() += 1;
                }
                self.in_flight = None;
                self.acks += 1;
            }
            _ => return Err(format!("the child said {line:?}")),
        }
        Ok(())
    }
}

/// What one kill found.
#[derive(Default, Clone, Copy)]
struct Tally {
    kills: usize,
    /// Kills that landed while the child was writing (not after it had finished).
    interrupted: usize,
    /// Acknowledged writes and imported rows checked.
    acks: u64,
    rows: u64,
}

/// Starts the child on `work`, kills it at a random moment, checks the desk.
fn kill_once(
    desks: &Desks,
    work: Work,
    run: u64,
    rng: &mut StdRng,
    durations: &mut HashMap<Work, Duration>,
) -> Res<Tally> {
    let db = match work {
        Work::Forms | Work::Tidying | Work::Bookings => desks.forms.clone(),
        Work::Migration => desks.migration.clone(),
        Work::Import => {
            // Into an empty desk every other time (the sort indexes are taken away and brought
            // back at the end), else into a desk with customers.
            let db = desks.dir.path().join(format!("import-{run}.db"));
            let store = Store::open(&db, Sources::default()).map_err(err("open"))?;
            if run % 2 == 1 {
                frontdesk_core::seed::seed(&store, 500, run, &mut |_| {}).map_err(err("seed"))?;
            }
            db
        }
    };
    let before = counts(&db)?;
    if work == Work::Migration {
        // After counting: opening the store to count migrates.
        rewind(&db)?;
    }
    // The import and the migration end by themselves: learn how long they take (one run to
    // the end, not counted), then kill at a random point of that time.
    if matches!(work, Work::Import | Work::Migration) && !durations.contains_key(&work) {
        let (said, _) = run_child(desks, work, &db, run, None)?;
        let took = said.done.zip(said.ready).map(|(d, r)| d - r).ok_or("the uninterrupted run did not finish")?;
        durations.insert(work, took);
        println!("crash test: {} takes {} ms uninterrupted", work.name(), took.as_millis());
        return match work {
            Work::Migration => kill_once(desks, work, run, rng, durations),
            _ => kill_once(desks, work, run + 1_000_000, rng, durations),
        };
    }
    let window = match durations.get(&work) {
        Some(d) => d.as_millis() as u64 * 11 / 10,
        None => 1_500,
    };
    let delay = Duration::from_millis(rng.random_range(0..=window.max(1)));
    let (said, killed) = run_child(desks, work, &db, run, Some(delay))?;
    if !killed && said.done.is_none() {
        return Err("the child stopped by itself before it was killed".into());
    }
    check(&db, work, &said, &before, desks)?;
    Ok(Tally { kills: 1, interrupted: (killed && said.done.is_none()) as usize, acks: said.acks, rows: said.imported })
}

/// Runs the child until it ends or, `delay` after it said it is ready, kills it with SIGKILL.
/// Returns what it said and whether it was killed.
fn run_child(desks: &Desks, work: Work, db: &Path, run: u64, delay: Option<Duration>) -> Res<(Said, bool)> {
    let mut child = Command::new(std::env::current_exe().map_err(err("exe"))?)
        .env(WORK_ENV, work.name())
        .env(DB_ENV, db)
        .env(RUN_ENV, run.to_string())
        .env(CSV_ENV, &desks.csv)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(err("spawn"))?;
    let out = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut said = Said::default();
    let mut kill_at: Option<Instant> = None;
    let started = Instant::now();
    let mut killed = false;
    loop {
        let now = Instant::now();
        if let Some(at) = kill_at {
            if now >= at {
                child.kill().map_err(err("kill"))?;
                killed = true;
                break;
            }
        }
        if said.ready.is_none() && now - started > Duration::from_secs(120) {
            let _ = child.kill();
            return Err("the child did not get ready".into());
        }
        let wait = kill_at.map(|at| at.saturating_duration_since(now)).unwrap_or(Duration::from_millis(200));
        match rx.recv_timeout(wait) {
            Ok(line) => {
                said.take(&line)?;
                if said.ready.is_some() && kill_at.is_none() {
                    kill_at = delay.map(|d| Instant::now() + d);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait().map_err(err("wait"))?;
    let _ = reader.join();
    // What it said before it died (the pipe holds it).
    while let Ok(line) = rx.try_recv() {
        said.take(&line)?;
    }
    if !killed && !status.success() {
        return Err(format!("the child failed ({status})"));
    }
    Ok((said, killed))
}

fn counts(db: &Path) -> Res<HashMap<Kind, i64>> {
    counts_of(&Store::open(db, Sources::default()).map_err(err("open"))?)
}

/// Queries that must each find nothing on a desk with no half-written record.
const HALF_WRITTEN: &[(&str, &str)] = &[
    ("a customer saved without its timeline entry", "SELECT seq FROM customers c WHERE import_id IS NULL AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_seq = c.seq AND e.kind = 'created')"),
    ("a customer saved without its outbox record", "SELECT seq FROM customers c WHERE import_id IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'customer' AND o.entity_seq = c.seq AND o.field = '*')"),
    (
        "an imported customer outside its import's outbox records",
        "SELECT seq FROM customers c WHERE import_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'import' AND o.entity_seq = c.import_id \
         AND c.seq BETWEEN o.value ->> '$.from' AND o.value ->> '$.to')",
    ),
    (
        "an import's outbox record naming customers that are not there",
        "SELECT o.seq FROM outbox o WHERE o.entity = 'import' AND (SELECT count(*) FROM customers c WHERE c.import_id = o.entity_seq \
         AND c.seq BETWEEN o.value ->> '$.from' AND o.value ->> '$.to') <> (o.value ->> '$.to') - (o.value ->> '$.from') + 1",
    ),
    ("a timeline entry of no customer", "SELECT seq FROM events e WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.seq = e.customer_seq)"),
    ("an outbox record of no customer", "SELECT seq FROM outbox o WHERE entity = 'customer' AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.seq = o.entity_seq)"),
    ("an outbox record of no appointment", "SELECT seq FROM outbox o WHERE entity = 'appointment' AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.seq = o.entity_seq)"),
    ("an outbox record of no order", "SELECT seq FROM outbox o WHERE entity = 'order' AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.seq = o.entity_seq)"),
    ("an appointment without its outbox record", "SELECT seq FROM appointments a WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'appointment' AND o.entity_seq = a.seq AND o.field = '*')"),
    ("an order without its outbox record", "SELECT seq FROM orders x WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'order' AND o.entity_seq = x.seq AND o.field = '*')"),
    ("an order without lines", "SELECT seq FROM orders x WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_seq = x.seq)"),
    ("a payment of no order", "SELECT seq FROM payments p WHERE NOT EXISTS (SELECT 1 FROM orders x WHERE x.seq = p.order_seq)"),
    ("an order whose payments do not add up", "SELECT seq FROM orders x WHERE paid_minor <> (SELECT ifnull(sum(amount_minor), 0) FROM payments p WHERE p.order_seq = x.seq)"),
    ("an order whose refunds do not add up", "SELECT seq FROM orders x WHERE refunded_minor <> (SELECT ifnull(sum(amount_minor), 0) FROM refunds r WHERE r.order_seq = x.seq)"),
];

fn check(db: &Path, work: Work, said: &Said, before: &HashMap<Kind, i64>, desks: &Desks) -> Res<()> {
    let store = Store::open(db, Sources::default()).map_err(err("the desk does not open after the kill"))?;
    let integrity: String = store
        .with_writer_connection(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .map_err(err("integrity_check"))?;
    if integrity != "ok" {
        return Err(format!("integrity_check: {integrity}"));
    }
    store
        .with_writer_connection(|c| {
            for t in [
                "customer_name_fts",
                "customer_phone_fts",
                "customer_phone4_fts",
                "customer_email_fts",
                "customer_email_pairs_fts",
            ] {
                c.execute(&format!("INSERT INTO {t}({t}) VALUES ('integrity-check')"), [])?;
            }
            Ok(())
        })
        .map_err(err("the search tables' integrity-check"))?;
    let differ = store.search_index_differences(5).map_err(err("search index check"))?;
    if !differ.is_empty() {
        return Err(format!("search entries differ from the fields of {differ:?}"));
    }
    for (what, sql) in HALF_WRITTEN {
        let found: Vec<i64> = store
            .read(|r| {
                let mut st = r.conn().prepare(&format!("{sql} LIMIT 3"))?;
                let rows = st.query_map([], |x| x.get(0))?.collect::<Result<Vec<i64>, _>>()?;
                Ok(rows)
            })
            .map_err(err(what))?;
        if !found.is_empty() {
            return Err(format!("{what}: rows {found:?}"));
        }
    }
    let stats = store.audit_stats(None).map_err(err("check-stats"))?;
    if !stats.is_empty() {
        return Err(format!("check-stats: {} customers' stats differ from a recomputation", stats.len()));
    }
    let state = |kind: Kind, key: &str| store.read(|r| Ok(state_of(r.conn(), kind, key))).map_err(err("state"))?;
    // Every acknowledged write is there; the one in flight whole or not at all.
    let mut found_in_flight = false;
    for ((kind, key), acked) in &said.acked {
        let held = state(*kind, key)?;
        if held.as_deref() == Some(acked.as_str()) {
            continue;
        }
        match &said.in_flight {
            Some((false, k, flying, predicted))
                if k == kind && flying == key && held.as_deref() == Some(predicted.as_str()) =>
            {
                found_in_flight = true
            }
            _ => return Err(format!("{} {key}: acknowledged {acked}, the desk holds {held:?}", kind.name())),
        }
    }
    if let Some((true, kind, key, predicted)) = &said.in_flight {
        match state(*kind, key)? {
            None => {}
            Some(s) if &s == predicted => found_in_flight = true,
            Some(s) => {
                return Err(format!("{} {key} was being created as {predicted}; the desk holds {s}", kind.name()))
            }
        }
    }
    // Nothing appeared that was never written.
    let after = counts_of(&store)?;
    for kind in [Kind::Customer, Kind::Appointment, Kind::Order] {
        if work == Work::Import {
            break;
        }
        let created = said.created.get(&kind).copied().unwrap_or(0);
        let flying = matches!(&said.in_flight, Some((true, k, _, _)) if *k == kind) && found_in_flight;
        let expected = before[&kind] + created + flying as i64;
        if after[&kind] != expected {
            return Err(format!(
                "{} {}: expected {expected} ({} before, {created} acknowledged)",
                after[&kind],
                kind.table(),
                before[&kind]
            ));
        }
    }
    match work {
        Work::Import => check_import(&store, said, before, &desks.csv)?,
        Work::Migration => {
            let v: i64 = store
                .read(|r| Ok(r.conn().query_row("PRAGMA user_version", [], |x| x.get(0))?))
                .map_err(err("version"))?;
            if v <= 6 || after[&Kind::Customer] != MIGRATED as i64 {
                return Err(format!("after the migration: version {v}, {} customers", after[&Kind::Customer]));
            }
        }
        _ => {}
    }
    Ok(())
}

fn counts_of(store: &Store) -> Res<HashMap<Kind, i64>> {
    let mut out = HashMap::new();
    for kind in [Kind::Customer, Kind::Appointment, Kind::Order] {
        let n: i64 = store
            .read(|r| Ok(r.conn().query_row(&format!("SELECT count(*) FROM {}", kind.table()), [], |x| x.get(0))?))
            .map_err(err("count"))?;
        out.insert(kind, n);
    }
    Ok(out)
}

/// The rows written are the file's first ones, each once, at least as many as acknowledged;
/// running the import again brings in the rest, each row once.
fn check_import(store: &Store, said: &Said, before: &HashMap<Kind, i64>, csv: &Path) -> Res<()> {
    let imported = |store: &Store| -> Res<(i64, i64, i64)> {
        store
            .read(|r| {
                Ok(r.conn().query_row(
                    "SELECT count(*), count(DISTINCT lower(email)), ifnull(max(CAST(substr(email, 4, instr(email, '@') - 4) AS INTEGER)) + 1, 0) \
                     FROM customers WHERE email LIKE 'imp%@example.com'",
                    [],
                    |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
                )?)
            })
            .map_err(err("imported rows"))
    };
    let (n, distinct, prefix) = imported(store)?;
    if n != distinct || n != prefix || (n as u64) < said.imported {
        return Err(format!(
            "after the kill: {n} imported rows, {distinct} distinct, up to row {prefix}; {} acknowledged",
            said.imported
        ));
    }
    let total: i64 = store
        .read(|r| Ok(r.conn().query_row("SELECT count(*) FROM customers", [], |x| x.get(0))?))
        .map_err(err("count"))?;
    if total != before[&Kind::Customer] + n {
        return Err(format!("{total} customers after the kill: {} before and {n} imported", before[&Kind::Customer]));
    }
    let report =
        import_csv(store, csv, &ImportOptions::default(), &mut |_, _| {}).map_err(err("the import run again"))?;
    let (n2, distinct2, _) = imported(store)?;
    if n2 != IMPORTED as i64
        || distinct2 != n2
        || report.imported != (IMPORTED as i64 - n) as u64
        || report.rejected != n as u64
    {
        return Err(format!(
            "the import run again: {} imported, {} rejected; {n2} rows on the desk ({distinct2} distinct), {n} were there before",
            report.imported, report.rejected
        ));
    }
    Ok(())
}
