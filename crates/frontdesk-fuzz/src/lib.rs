//! A stranger's bytes into the desk: what each fuzz target in `fuzz/` runs, and what the
//! tests replay from the committed corpus. Every target asserts more than "no panic": bad
//! input must come back as a specific error (validation, file, conflict …), never as a
//! database error — that would mean unchecked input reached SQLite.

mod desk;
pub mod window;

use std::io::Write;

use frontdesk_core::import::ImportOptions;
use frontdesk_core::search::SearchRequest;
use frontdesk_core::{CoreError, CoreResult};

pub use desk::desk;

/// Fails loudly when input from outside made the database fail.
fn never_storage<T>(what: &str, result: CoreResult<T>) -> CoreResult<T> {
    if let Err(CoreError::Storage { message }) = &result {
        panic!("{what}: a stranger's input reached the database unchecked: {message}");
    }
    result
}

/// The bytes of a CSV file: read and validated as an import reads them, and one input in 16
/// (picked by its bytes, so a run is repeatable) imported into the fuzzing desk — a whole
/// import commits, which costs ~20 times the reading.
pub fn csv_import(data: &[u8]) {
    let d = desk();
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile_in(d.dir()).expect("temp file");
    file.write_all(data).expect("write the CSV");
    let opts = ImportOptions { region: None, mappings: vec![], actor: None, date_order: None, ..Default::default() };
    let checked = never_storage("reading the import", frontdesk_core::import::check_csv(&d.store, file.path(), &opts));
    let pick = data.iter().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(*b)));
    if pick % 16 != 0 {
        return;
    }
    let report =
        never_storage("import", frontdesk_core::import::import_csv(&d.store, file.path(), &opts, &mut |_, _| {}));
    if let Ok(r) = report {
        assert_eq!(r.imported + r.rejected, r.rows, "every row is imported or rejected: {r:?}");
        if let Ok((rows, _)) = checked {
            assert_eq!(rows, r.rows, "reading and importing see the same rows");
        }
        if let Some(errors) = r.errors_file {
            let _ = std::fs::remove_file(errors);
        }
    }
}

/// A query typed into the search box (any bytes as text), with a sort and status from the
/// first byte.
pub fn search_query(data: &[u8]) {
    use frontdesk_core::search::{SortBy, StatusFilter};
    let (head, rest) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let query = String::from_utf8_lossy(rest).into_owned();
    let _ = frontdesk_core::search::query::parse(&query, "GB");
    let sorts = [SortBy::Relevance, SortBy::Name, SortBy::Email, SortBy::Created];
    let statuses =
        [StatusFilter::Live, StatusFilter::All, StatusFilter::Archived, StatusFilter::Blocked, StatusFilter::Active];
    let mut req = SearchRequest::new(query);
    req.sort = sorts[(head & 3) as usize];
    req.filter.status = statuses[((head >> 2) % 5) as usize];
    req.descending = [None, Some(true), Some(false)][((head >> 5) % 3) as usize];
    let page = never_storage("search", desk().store.search(&req)).expect("a search never fails on what is typed");
    assert!(page.hits.len() <= req.limit);
    // The next page, when there is one, is reached by the cursor the first page gave.
    if let Some(next) = page.next {
        req.after = Some(next);
        never_storage("search, next page", desk().store.search(&req)).expect("the next page");
    }
}

/// A phone number typed for a country (the first two bytes pick it), and an email.
pub fn contacts(data: &[u8]) {
    let region: String = data.iter().take(2).map(|b| (b'A' + b % 26) as char).collect();
    let typed = String::from_utf8_lossy(data.get(2..).unwrap_or_default()).into_owned();
    if let Ok(p) = frontdesk_core::validate::parse_phone("phone", &typed, &region) {
        assert!(p.e164.starts_with('+') && p.e164[1..].bytes().all(|b| b.is_ascii_digit()), "{typed:?} → {}", p.e164);
        let again = frontdesk_core::validate::parse_phone("phone", &p.e164, &region)
            .expect("a number we normalised parses again");
        assert_eq!(again.e164, p.e164, "normalising is stable for {typed:?}");
        let _ = frontdesk_core::validate::display_phone(&p.e164, &region);
    }
    let _ = frontdesk_core::validate::check_email("email", &typed);
    let folded = frontdesk_core::normalize::fold(&typed);
    assert!(folded.chars().count() <= typed.chars().count() * 4 + 4, "folding does not blow up {typed:?}");
    let _ = frontdesk_core::normalize::name_keys(&typed, &folded, Some(&typed));
}

/// The JSON a window's command call carries (`{"cmd": …, …arguments}`), run as the desktop
/// shell runs it.
pub fn desk_command(data: &[u8]) {
    if let Ok(call) = serde_json::from_slice::<window::Call>(data) {
        let _ = never_storage("command", window::run(&desk().store, call));
    }
}
