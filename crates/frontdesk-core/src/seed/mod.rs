//! Realistic, deterministic demo data: the same `seed` gives the same customers (names from
//! ten countries with their diacritics, phones in each country's formats, emails, addresses,
//! branches, tags, some blocked). Written through the same bulk path as an import.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::bulk::{self, BulkRow};
use crate::customers::{Actor, CustomerInput};
use crate::error::CoreResult;
use crate::ids::CustomerId;
use crate::store::Store;

const FIRST: &str = include_str!("../../data/seed/first_names.tsv");
const LAST: &str = include_str!("../../data/seed/last_names.tsv");
const PLACES: &str = include_str!("../../data/seed/places.tsv");

pub const COUNTRIES: [&str; 10] = ["US", "GB", "IE", "DE", "FR", "ES", "PL", "SE", "NL", "AU"];

const TAGS: &[&str] = &[
    "Allergies: Lavender",
    "Allergies: Latex",
    "Hair: Curly",
    "Hair: Fine",
    "Massage: Monthly",
    "Prefers: Morning",
    "Prefers: Quiet appointment",
    "Skin: Sensitive",
    "Colour: 6N + 20 vol",
    "VIP",
    "Student",
    "Wheelchair access",
];
const BLOCK_REASONS: &[&str] = &["No-show three times", "Unpaid balance", "Abusive to staff", "Chargeback on card"];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "web.de",
    "gmx.de",
    "orange.fr",
    "free.fr",
    "wp.pl",
    "o2.pl",
    "telia.com",
    "ziggo.nl",
    "bigpond.com",
    "eircom.net",
];

struct Pools {
    first: Vec<Vec<&'static str>>,
    last: Vec<Vec<&'static str>>,
    places: Vec<Vec<[&'static str; 4]>>,
}

fn pools() -> Pools {
    let idx = |c: &str| COUNTRIES.iter().position(|x| *x == c);
    let mut first = vec![Vec::new(); COUNTRIES.len()];
    let mut last = vec![Vec::new(); COUNTRIES.len()];
    let mut places = vec![Vec::new(); COUNTRIES.len()];
    for (text, out) in [(FIRST, &mut first), (LAST, &mut last)] {
        for line in text.lines().skip(1) {
            if let Some((c, n)) = line.split_once('\t') {
                if let Some(i) = idx(c) {
                    out[i].push(n);
                }
            }
        }
    }
    for line in PLACES.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() == 5 {
            if let Some(i) = idx(f[0]) {
                places[i].push([f[1], f[2], f[3], f[4]]);
            }
        }
    }
    Pools { first, last, places }
}

/// Digits of `n` spread so consecutive customers do not get neighbouring numbers; distinct for
/// distinct `n` below 10^width.
fn spread(n: u64, width: u32) -> String {
    let m = 10u64.pow(width);
    format!("{:0w$}", (n.wrapping_mul(7_919_317) + 1_234_567) % m, w = width as usize)
}

/// A mobile number of `country`, unique for `n`, written the way people in that country do.
fn phone(country: &str, n: u64, rng: &mut SmallRng) -> String {
    let style = rng.random_range(0..3);
    let d = |w| spread(n, w);
    match country {
        "US" => {
            let areas = ["201", "212", "305", "312", "415", "617", "646", "702", "718", "917"];
            let a = areas[(n % areas.len() as u64) as usize];
            let x = d(7);
            let ex = format!("{}{}", (x.as_bytes()[0] - b'0') % 8 + 2, &x[1..3]);
            let ex = if ex.ends_with("11") { format!("{}21", &ex[..1]) } else { ex };
            let ex = if ex == "555" { "556".into() } else { ex };
            match style {
                0 => format!("({a}) {ex}-{}", &x[3..]),
                1 => format!("{a}-{ex}-{}", &x[3..]),
                _ => format!("+1 {a}.{ex}.{}", &x[3..]),
            }
        }
        "GB" => {
            let x = format!("7{}{}", (n % 5) + 4, d(8));
            match style {
                0 => format!("0{} {}", &x[..4], &x[4..]),
                1 => format!("+44 {} {}", &x[..4], &x[4..]),
                _ => format!("0{x}"),
            }
        }
        "IE" => {
            let p = ["83", "85", "86", "87", "89"][(n % 5) as usize];
            let x = d(7);
            match style {
                0 => format!("0{p} {} {}", &x[..3], &x[3..]),
                1 => format!("+353 {p} {} {}", &x[..3], &x[3..]),
                _ => format!("0{p}{x}"),
            }
        }
        "DE" => {
            let p = format!("17{}", n % 10);
            let x = d(7);
            match style {
                0 => format!("0{p} {x}"),
                1 => format!("+49 {p} {x}"),
                _ => format!("0{p}/{x}"),
            }
        }
        "FR" => {
            let x = format!("{}{}", 6 + n % 2, d(8));
            let pairs = |s: &str| {
                s.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
            };
            match style {
                0 => format!("0{} {}", &x[..1], pairs(&x[1..])),
                1 => format!("+33 {} {}", &x[..1], pairs(&x[1..])),
                _ => format!("0{x}"),
            }
        }
        "ES" => {
            let x = format!("6{}", d(8));
            match style {
                0 => format!("{} {} {}", &x[..3], &x[3..6], &x[6..]),
                1 => format!("+34 {x}"),
                _ => x,
            }
        }
        "PL" => {
            let p = ["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"][(n % 12) as usize];
            let x = format!("{p}{}", d(7));
            match style {
                0 => format!("{} {} {}", &x[..3], &x[3..6], &x[6..]),
                1 => format!("+48 {}-{}-{}", &x[..3], &x[3..6], &x[6..]),
                _ => x,
            }
        }
        "SE" => {
            let p = ["70", "72", "73", "76", "79"][(n % 5) as usize];
            let x = d(7);
            match style {
                0 => format!("0{p}-{} {} {}", &x[..3], &x[3..5], &x[5..]),
                1 => format!("+46 {p} {} {} {}", &x[..3], &x[3..5], &x[5..]),
                _ => format!("0{p}{x}"),
            }
        }
        "NL" => {
            let x = format!("{}{}", 1 + n % 5, d(7));
            match style {
                0 => format!("06-{x}"),
                1 => format!("+31 6 {x}"),
                _ => format!("06 {} {}", &x[..4], &x[4..]),
            }
        }
        _ => {
            let x = format!("4{}{}", n % 10, d(7));
            match style {
                0 => format!("0{} {} {}", &x[..3], &x[3..6], &x[6..]),
                1 => format!("+61 {} {} {}", &x[..3], &x[3..6], &x[6..]),
                _ => format!("0{x}"),
            }
        }
    }
}

fn fill_pattern(pattern: &str, rng: &mut SmallRng) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            'A' => char::from(b'A' + rng.random_range(0..26u8)),
            c => c,
        })
        .collect()
}

fn ascii_local(name: &str) -> String {
    crate::normalize::fold(name).replace(' ', "")
}

thread_local! {
    static POOLS: Pools = pools();
}

/// The `i`-th customer of the data set `seed` (deterministic), ready for the bulk writer.
pub fn customer(seed: u64, i: u64) -> BulkRow {
    POOLS.with(|p| make(p, seed, i))
}

fn make(p: &Pools, seed: u64, i: u64) -> BulkRow {
    let mut rng = SmallRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i);
    let ci = (rng.random_range(0..100u32) as usize * COUNTRIES.len()) / 100;
    let country = COUNTRIES[ci];
    let first = p.first[ci][rng.random_range(0..p.first[ci].len())];
    let last = p.last[ci][rng.random_range(0..p.last[ci].len())];
    let mut input = CustomerInput { first_name: first.into(), last_name: last.into(), ..Default::default() };
    let has_email = rng.random_range(0..100) < 85;
    let has_phone = !has_email || rng.random_range(0..100) < 93;
    if has_email {
        let domain = DOMAINS[rng.random_range(0..DOMAINS.len())];
        let (f, l) = (ascii_local(first), ascii_local(last));
        let local = match rng.random_range(0..4) {
            0 => format!("{f}.{l}{i}"),
            1 => format!("{f}{l}{i}"),
            2 => format!("{}.{l}{i}", f.chars().next().unwrap_or('x')),
            _ => format!("{f}_{i}"),
        };
        input.email = Some(format!("{local}@{domain}"));
    }
    if has_phone {
        input.phone = Some(phone(country, i, &mut rng));
    }
    input.text.country = Some(country.into());
    if rng.random_range(0..100) < 70 && !p.places[ci].is_empty() {
        let [city, state, postal, street] = p.places[ci][rng.random_range(0..p.places[ci].len())];
        let no = rng.random_range(1..250);
        input.text.address_line1 = Some(if matches!(country, "US" | "GB" | "IE" | "AU" | "FR") {
            format!("{no} {street}")
        } else {
            format!("{street} {no}")
        });
        input.text.city = Some(city.into());
        input.text.state = (!state.is_empty()).then(|| state.to_string());
        input.text.postal_code = Some(fill_pattern(postal, &mut rng));
    }
    if rng.random_range(0..100) < 30 {
        let n = rng.random_range(1..3);
        input.tags = (0..n).map(|_| TAGS[rng.random_range(0..TAGS.len())].to_string()).collect();
    }
    if rng.random_range(0..100) < 5 {
        input.remarks = Some("Prefers text messages to calls.".into());
    }
    if rng.random_range(0..100) < 60 {
        input.marketing_consent = Some(rng.random_range(0..100) < 70);
    }
    // Created over the three years before 2026-01-01.
    let created = 1_672_531_200_000 + rng.random_range(0..94_608_000_000i64);
    let blocked_reason =
        (rng.random_range(0..1000) < 20).then(|| BLOCK_REASONS[rng.random_range(0..BLOCK_REASONS.len())].to_string());
    let branch = rng.random_range(0..10u32);
    let mut id_bytes = [0u8; 16];
    rng.fill(&mut id_bytes);
    id_bytes[0..6].copy_from_slice(&(created as u64).to_be_bytes()[2..8]);
    id_bytes[6] = (id_bytes[6] & 0x0f) | 0x70;
    id_bytes[8] = (id_bytes[8] & 0x3f) | 0x80;
    BulkRow {
        line: i + 1,
        record: i,
        input,
        branch: Some(
            match branch {
                0..=4 => "Main",
                5..=7 => "North",
                _ => "City Centre",
            }
            .to_string(),
        ),
        id: Some(CustomerId(uuid::Uuid::from_bytes(id_bytes))),
        code: None,
        created_at: Some(created),
        updated_at: Some(created),
        blocked_reason,
        error: None,
        consent_at: None,
        consent_by: None,
        phone_e164: None,
        notices: Vec::new(),
    }
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SeedReport {
    pub created: u64,
    pub rejected: u64,
    pub took_ms: u64,
}

/// Adds `count` demo customers (data set `seed`), reporting progress as rows are written.
pub fn seed(store: &Store, count: u64, seed: u64, progress: &mut dyn FnMut(u64)) -> CoreResult<SeedReport> {
    seed_range(store, 0..count, seed, progress)
}

/// Adds customers `range` of the data set `seed` (to continue a data set where it stopped).
pub fn seed_range(
    store: &Store,
    range: std::ops::Range<u64>,
    seed: u64,
    progress: &mut dyn FnMut(u64),
) -> CoreResult<SeedReport> {
    let started = std::time::Instant::now();
    let rows = range.map(move |i| customer(seed, i));
    let actor = Actor::new("demo data");
    let import_id = crate::import::start(store, &format!("demo data (seed {seed})"), &actor)?;
    let report = bulk::write_rows(
        store,
        &actor,
        Some(import_id),
        &store.desk().default_region,
        rows,
        bulk::Callbacks { progress, rejected: &mut |_, _| Ok(()), kept: &mut |_, _, _| {} },
    )?;
    crate::import::finish(store, import_id, report.written, report.rejected)?;
    Ok(SeedReport { created: report.written, rejected: report.rejected, took_ms: started.elapsed().as_millis() as u64 })
}

mod history;

pub use history::{seed_history, HistoryReport};

/// Demo customers and their history, as the desktop app's "Load demo data" and `frontdesk
/// seed` write them. Progress: customers written, then customers given a history (of 2×count).
pub fn seed_demo(
    store: &Store,
    count: u64,
    seed: u64,
    per_customer: f64,
    progress: &mut dyn FnMut(u64, u64),
) -> CoreResult<(SeedReport, HistoryReport)> {
    let first: i64 = store
        .read(|r| Ok(r.conn().query_row("SELECT coalesce(max(seq), 0) + 1 FROM customers", [], |x| x.get(0))?))?;
    let customers = self::seed(store, count, seed, &mut |done| progress(done, 2 * count))?;
    let end: i64 = store
        .read(|r| Ok(r.conn().query_row("SELECT coalesce(max(seq), 0) + 1 FROM customers", [], |x| x.get(0))?))?;
    let history =
        seed_history(store, first..end, seed, per_customer, &mut |done| progress(count + done.min(count), 2 * count))?;
    Ok((customers, history))
}
