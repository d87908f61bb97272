//! CSV import: header-based column mapping with the aliases common salon and POS systems
//! export, a structural check of the whole file before anything is written (encoding, ragged
//! rows), then the bulk write path. Rejected rows are written to `FILE.errors.csv` with their
//! line number, field and reason.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::DateTime;
use rusqlite::params;
use serde::Serialize;

use crate::bulk::{self, BulkRow};
use crate::customers::Actor;
use crate::error::{CoreError, CoreResult};
use crate::ids::CustomerId;
use crate::store::Store;

/// Fields a column can be mapped to.
pub const FIELDS: &[&str] = &[
    "id", "code", "first_name", "last_name", "full_name", "email", "email_shared", "phone", "phone_e164", "phone_shared",
    "address_line1", "address_line2", "city", "state", "postal_code", "country", "branch", "status", "blocked_reason",
    "tags", "remarks", "birthday", "marketing_consent", "marketing_consent_at", "marketing_consent_by", "created_at",
    "updated_at",
];

/// Header (lower case, letters and digits only) → field.
fn alias(header: &str) -> Option<&'static str> {
    let h: String = header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    Some(match h.as_str() {
        "id" | "customerid" | "clientid" | "uuid" => "id",
        "code" | "customercode" | "clientcode" | "customernumber" | "clientnumber" => "code",
        "firstname" | "first" | "givenname" | "forename" | "clientfirstname" | "customerfirstname" => "first_name",
        "lastname" | "last" | "surname" | "familyname" | "clientlastname" | "customerlastname" => "last_name",
        "name" | "fullname" | "clientname" | "customername" | "customer" | "client" => "full_name",
        "email" | "emailaddress" | "mail" | "clientemail" | "customeremail" => "email",
        "emailshared" => "email_shared",
        "phone" | "phonenumber" | "mobile" | "mobilenumber" | "mobilephone" | "cell" | "cellphone" | "cellnumber"
        | "telephone" | "tel" | "contactnumber" | "phoneraw" | "mobileno" | "phoneno" => "phone",
        "phonee164" => "phone_e164",
        "phoneshared" => "phone_shared",
        "address" | "address1" | "addressline1" | "street" | "streetaddress" => "address_line1",
        "address2" | "addressline2" => "address_line2",
        "city" | "town" | "suburb" => "city",
        "state" | "region" | "county" | "province" | "stateprovince" => "state",
        "postcode" | "postalcode" | "zip" | "zipcode" | "postcodezip" | "zippostalcode" => "postal_code",
        "country" | "countrycode" => "country",
        "branch" | "location" | "store" | "site" | "homebranch" => "branch",
        "status" | "accountstatus" => "status",
        "blockedreason" | "blockreason" => "blocked_reason",
        "tags" | "profilenotes" | "labels" => "tags",
        "remarks" | "internalremarks" | "internalnotes" | "notes" | "comments" => "remarks",
        "birthday" | "dateofbirth" | "dob" | "birthdate" => "birthday",
        "marketingconsent" | "acceptsmarketing" | "marketing" | "marketingoptin" | "emailmarketing" => "marketing_consent",
        "marketingconsentat" => "marketing_consent_at",
        "marketingconsentby" => "marketing_consent_by",
        "createdat" | "created" | "datecreated" | "createddate" | "clientsince" => "created_at",
        "updatedat" | "updated" | "lastupdated" => "updated_at",
        _ => return None,
    })
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Region for phone numbers without a country code (default: the desk's).
    pub region: Option<String>,
    /// `Header=field` overrides (`field` may be `ignore`).
    pub mappings: Vec<(String, String)>,
    pub actor: Option<Actor>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub file: String,
    /// The country phone numbers without a country code were read in (`--region`, or the desk's).
    pub region: String,
    pub rows: u64,
    pub imported: u64,
    pub rejected: u64,
    /// Where rejected rows were written (only when some were rejected).
    pub errors_file: Option<String>,
    /// The first [`FIRST_REJECTIONS`] rejected rows, in file order (all of them are in
    /// `errors_file`).
    pub first_rejections: Vec<Rejection>,
    /// Column → field used.
    pub mapping: Vec<(String, String)>,
    /// Columns that were not imported (but not those `--map` said to ignore).
    pub ignored_columns: Vec<String>,
    /// Branches the file named that the desk did not have: created for its rows.
    pub new_branches: Vec<String>,
    pub took_ms: u64,
}

/// How many rejected rows an [`ImportReport`] lists itself.
pub const FIRST_REJECTIONS: usize = 50;

/// One rejected row: its line in the file, the field at fault, a stable code and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rejection {
    pub line: u64,
    pub field: String,
    pub code: String,
    pub reason: String,
}

impl Rejection {
    fn new(line: u64, e: &CoreError) -> Self {
        let (field, code, reason) = match e {
            CoreError::Validation { field, code, message } => (field.clone(), code.clone(), message.clone()),
            CoreError::Duplicate { field, existing } => (
                field.clone(),
                "duplicate".to_string(),
                format!("This {field} already belongs to {} ({})", existing.display_name, existing.code),
            ),
            other => (other.field().unwrap_or("").to_string(), "rejected".into(), other.to_string()),
        };
        Rejection { line, field, code, reason }
    }
}

/// `clients.csv` → `clients.errors.csv`
pub fn errors_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    path.with_file_name(format!("{stem}.errors.csv"))
}

fn file_error(path: &Path, line: Option<u64>, code: &str, message: String) -> CoreError {
    CoreError::File { path: path.display().to_string(), line, code: code.into(), message }
}

fn sniff_delimiter(first_line: &str) -> u8 {
    let count = |c| first_line.matches(c).count();
    // The last of equal counts wins: `;` over `,` (`Nachname, Vorname;Telefon`), and a tab when
    // there is no separator at all, so a one-column file keeps its commas (`Smith, Anna`).
    [(',', b','), (';', b';'), ('\t', b'\t')].into_iter().max_by_key(|(c, _)| count(*c)).map(|(_, b)| b).unwrap_or(b',')
}

/// Where each line of a file starts and where its text ends (before its break: LF, CR LF or
/// a lone CR), to tell a record's line from the byte the csv reader says the record starts at:
/// the reader counts only LFs, starts a record at the LF of a CR LF before it, and at the blank
/// lines it skips.
struct Lines {
    starts: Vec<u64>,
    ends: Vec<u64>,
}

impl Lines {
    fn read(path: &Path) -> CoreResult<Self> {
        let unreadable = |e: std::io::Error| file_error(path, None, "unreadable", format!("Cannot read {}: {e}", path.display()));
        let mut f = BufReader::with_capacity(1 << 20, File::open(path).map_err(unreadable)?);
        let (mut starts, mut ends) = (vec![0u64], Vec::new());
        let (mut pos, mut after_cr) = (0u64, false);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                match b {
                    b'\n' if after_cr => *starts.last_mut().expect("a line") = pos + 1,
                    b'\n' | b'\r' => {
                        ends.push(pos);
                        starts.push(pos + 1);
                    }
                    _ => {}
                }
                after_cr = b == b'\r';
                pos += 1;
            }
        }
        ends.push(pos);
        Ok(Lines { starts, ends })
    }

    /// The line (from 1) of the record the csv reader started reading at byte `at`.
    fn line_of(&self, at: u64) -> u64 {
        let last = self.starts.len() - 1;
        let mut i = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        if at >= self.ends[i] && i < last && at > self.starts[i] {
            i += 1; // on the break before the record
        }
        while i < last && self.ends[i] == self.starts[i] {
            i += 1; // a blank line the reader skips
        }
        i as u64 + 1
    }

    fn of(&self, position: Option<&csv::Position>) -> Option<u64> {
        position.map(|p| self.line_of(p.byte()))
    }
}

struct Plan {
    delimiter: u8,
    lines: std::sync::Arc<Lines>,
    columns: Vec<Option<&'static str>>,
    headers: Vec<String>,
    rows: u64,
}

/// Reads the whole file once without writing: encoding, header, row lengths.
fn plan(path: &Path, opts: &ImportOptions) -> CoreResult<Plan> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| BufReader::new(f).take(64 * 1024).read_to_end(&mut bytes))
        .map_err(|e| file_error(path, None, "unreadable", format!("Cannot read {}: {e}", path.display())))?;
    let head = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // The header is the first line with something on it (the csv reader skips blank lines).
    let first_line = String::from_utf8_lossy(head.split(|b| *b == b'\n').find(|l| !l.is_empty() && *l != b"\r").unwrap_or(b""));
    let delimiter = sniff_delimiter(&first_line);
    let lines = Lines::read(path)?;
    let mut reader = csv_reader(path, delimiter)?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e, &lines))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(file_error(path, Some(1), "no_header", "The first line must name the columns (e.g. First Name,Last Name,Email,Phone).".into()));
    }
    let overrides: HashMap<String, String> = opts.mappings.iter().map(|(h, f)| (h.trim().to_lowercase(), f.trim().to_string())).collect();
    for (i, (h, f)) in opts.mappings.iter().enumerate() {
        for (h2, f2) in &opts.mappings[..i] {
            if h2.trim().eq_ignore_ascii_case(h.trim()) {
                return Err(CoreError::validation("map", "mapped_twice", format!("--map {h2}={f2} and --map {h}={f} map the same column; keep one.")));
            }
            if f.trim() != "ignore" && f2.trim() == f.trim() {
                return Err(CoreError::validation("map", "field_twice", format!("--map {h2}={f2} and --map {h}={f} map two columns to {f}; keep one.")));
            }
        }
        if f != "ignore" && !FIELDS.contains(&f.as_str()) {
            return Err(CoreError::validation("map", "unknown_field", format!("--map {h}={f}: \"{f}\" is not a field; use one of {} or ignore.", FIELDS.join(", "))));
        }
        if !headers.iter().any(|x| x.to_lowercase() == h.trim().to_lowercase()) {
            return Err(CoreError::validation("map", "unknown_column", format!("--map {h}={f}: the file has no column \"{h}\"; its columns are {}.", headers.join(", "))));
        }
    }
    let mut columns: Vec<Option<&'static str>> = headers
        .iter()
        .map(|h| match overrides.get(&h.to_lowercase()) {
            Some(f) if f == "ignore" => None,
            Some(f) => FIELDS.iter().copied().find(|x| x == f),
            None => alias(h),
        })
        .collect();
    // When two columns map to the same field, one the user mapped with --map wins; otherwise
    // the first.
    let explicit: Vec<bool> = headers.iter().map(|h| overrides.contains_key(&h.to_lowercase())).collect();
    for i in 0..columns.len() {
        if let Some(f) = columns[i] {
            let claimed = (0..columns.len()).any(|j| j != i && columns[j] == Some(f) && (explicit[j] && !explicit[i] || explicit[j] == explicit[i] && j < i));
            if claimed {
                columns[i] = None;
            }
        }
    }
    let has = |f: &str| columns.contains(&Some(f));
    if !(has("first_name") || has("last_name") || has("full_name")) {
        return Err(file_error(
            path,
            Some(1),
            "no_name_column",
            format!(
                "No column holds the customer's name. Columns found: {}. Name one \"First Name\"/\"Last Name\" (or \"Name\"), or map it with --map 'Column=first_name'.",
                headers.join(", ")
            ),
        ));
    }
    // A column recognised as our id or code by its header ("Client ID", "Customer Number") that
    // holds another system's numbers is not ours: it is left out rather than failing every row.
    let mut ours: Vec<usize> = (0..columns.len()).filter(|&i| matches!(columns[i], Some("id" | "code")) && !explicit[i]).collect();
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.of(record.position()).unwrap_or(rows + 2);
                if record.len() != headers.len() {
                    return Err(file_error(
                        path,
                        Some(line),
                        "ragged_row",
                        format!("Line {line} has {} fields but the header has {}; nothing was imported. Check for a missing or extra separator or an unclosed quote.", record.len(), headers.len()),
                    ));
                }
                if let Err(e) = std::str::from_utf8(record.as_slice()) {
                    let _ = e;
                    return Err(file_error(
                        path,
                        Some(line),
                        "not_utf8",
                        format!("Line {line} is not UTF-8 text; nothing was imported. Save the file as \"CSV UTF-8\" and import it again."),
                    ));
                }
                ours.retain(|&i| {
                    let v = std::str::from_utf8(record.get(i).unwrap_or(b"")).unwrap_or("").trim();
                    match columns[i] {
                        _ if v.is_empty() => true,
                        Some("id") => v.parse::<CustomerId>().is_ok(),
                        _ => crate::normalize::code_query(v).is_some(),
                    }
                });
                rows += 1;
            }
            Err(e) => return Err(csv_error(path, e, &lines)),
        }
    }
    for (i, c) in columns.iter_mut().enumerate() {
        if matches!(c, Some("id" | "code")) && !explicit[i] && !ours.contains(&i) {
            *c = None;
        }
    }
    Ok(Plan { delimiter, lines: std::sync::Arc::new(lines), columns, headers, rows })
}

fn csv_reader(path: &Path, delimiter: u8) -> CoreResult<csv::Reader<BufReader<File>>> {
    let f = File::open(path).map_err(|e| file_error(path, None, "unreadable", format!("Cannot open {}: {e}", path.display())))?;
    Ok(csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(BufReader::with_capacity(1 << 20, f)))
}

fn csv_error(path: &Path, e: csv::Error, lines: &Lines) -> CoreError {
    let line = lines.of(e.position());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => file_error(
            path,
            line,
            "not_utf8",
            format!("{} is not UTF-8 text{}; nothing was imported. Save it as \"CSV UTF-8\" and import it again.", path.display(), line.map(|l| format!(" (line {l})")).unwrap_or_default()),
        ),
        _ => file_error(path, line, "malformed_csv", format!("{} cannot be read as CSV: {e}; nothing was imported.", path.display())),
    }
}

fn parse_bool(field: &str, v: &str) -> CoreResult<Option<bool>> {
    match v.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "1" | "true" | "yes" | "y" | "opted in" | "subscribed" => Ok(Some(true)),
        "0" | "false" | "no" | "n" | "opted out" | "unsubscribed" => Ok(Some(false)),
        other => Err(CoreError::validation(field, "invalid_boolean", format!("\"{other}\" is not yes/no."))),
    }
}

fn parse_time(field: &str, v: &str) -> CoreResult<Option<i64>> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.timestamp_millis()));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis()));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S") {
        return Ok(Some(t.and_utc().timestamp_millis()));
    }
    Err(CoreError::validation(field, "invalid_date", format!("\"{v}\" is not a date; use YYYY-MM-DD or an ISO 8601 time.")))
}

/// Words that start a family name when written in lower case ("Mary Ann van der Berg").
const NAME_PARTICLES: &[&str] = &[
    "van", "von", "vom", "zu", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "des", "la", "le", "ter", "ten", "te", "bin",
    "ibn", "al", "el",
];

/// What may follow a name after a comma without being a given name ("John Smith, Jr.").
const NAME_SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "esq"];

/// Splits a whole name into (first, last): "Anna Maria Schmidt" → ("Anna Maria", "Schmidt"),
/// "Schmidt, Anna" → ("Anna", "Schmidt"), "Mary Ann van der Berg" → ("Mary Ann", "van der Berg");
/// a suffix after a comma stays with the last name ("John Smith, Jr." → ("John", "Smith Jr.")).
pub(crate) fn split_full_name(full: &str) -> (String, String) {
    let full = crate::normalize::tidy_spaces(full);
    let is_suffix = |p: &str| NAME_SUFFIXES.contains(&p.replace('.', "").to_lowercase().as_str());
    let parts: Vec<&str> = full.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    let suffixes: Vec<&str> = parts.iter().copied().filter(|p| is_suffix(p)).collect();
    let names: Vec<&str> = parts.iter().copied().filter(|p| !is_suffix(p)).collect();
    let with_suffixes = |last: String| std::iter::once(last.as_str()).chain(suffixes.iter().copied()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ");
    if let [last, first] = names[..] {
        return (first.to_string(), with_suffixes(last.to_string()));
    }
    let whole = names.join(" ");
    let words: Vec<&str> = whole.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return (whole, with_suffixes(String::new()));
    }
    let mut start = words.len() - 1;
    while start > 1 && NAME_PARTICLES.contains(&words[start - 1]) {
        start -= 1;
    }
    (words[..start].join(" "), with_suffixes(words[start..].join(" ")))
}

/// Builds a row from a record; `Err` is a reason to reject the row (field, code, message).
fn to_row(line: u64, columns: &[Option<&'static str>], rec: &csv::StringRecord) -> Result<BulkRow, (BulkRow, CoreError)> {
    let mut row = BulkRow { line, ..Default::default() };
    let mut status: Option<String> = None;
    let mut full_name = None;
    // Every problem of the row, so it can be fixed in one go.
    let mut problems: Vec<CoreError> = Vec::new();
    let mut set = |r: CoreResult<()>| {
        if let Err(e) = r {
            problems.push(e);
        }
    };
    for (i, field) in columns.iter().enumerate() {
        let Some(field) = field else { continue };
        let v = rec.get(i).unwrap_or("");
        let some = || {
            let t = v.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let input = &mut row.input;
        match *field {
            "id" => set(match some() {
                Some(t) => t
                    .parse::<CustomerId>()
                    .map(|id| row.id = Some(id))
                    .map_err(|_| CoreError::validation("id", "invalid_id", format!("\"{t}\" is not a customer id (a UUID)."))),
                None => Ok(()),
            }),
            "code" => row.code = some(),
            "first_name" => input.first_name = v.to_string(),
            "last_name" => input.last_name = v.to_string(),
            "full_name" => full_name = some(),
            "email" => input.email = some(),
            "email_shared" => set(parse_bool("email_shared", v).map(|b| input.email_shared = b.unwrap_or(false))),
            "phone" => input.phone = some(),
            "phone_shared" => set(parse_bool("phone_shared", v).map(|b| input.phone_shared = b.unwrap_or(false))),
            "address_line1" => input.address_line1 = some(),
            "address_line2" => input.address_line2 = some(),
            "city" => input.city = some(),
            "state" => input.state = some(),
            "postal_code" => input.postal_code = some(),
            "country" => input.country = some(),
            "branch" => row.branch = some(),
            "status" => status = some().map(|s| s.to_lowercase()),
            "blocked_reason" => row.blocked_reason = some(),
            "tags" => input.tags = v.split(['|', ';']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect(),
            "remarks" => input.remarks = some(),
            "birthday" => input.birthday = some(),
            "marketing_consent" => set(parse_bool("marketing_consent", v).map(|b| input.marketing_consent = b)),
            "marketing_consent_at" => set(parse_time("marketing_consent_at", v).map(|t| row.consent_at = t)),
            "marketing_consent_by" => row.consent_by = some(),
            "created_at" => set(parse_time("created_at", v).map(|t| row.created_at = t)),
            "updated_at" => set(parse_time("updated_at", v).map(|t| row.updated_at = t)),
            "phone_e164" => row.phone_e164 = some(),
            _ => {}
        }
    }
    if let Some(full) = full_name {
        if row.input.first_name.trim().is_empty() && row.input.last_name.trim().is_empty() {
            let (f, l) = split_full_name(&full);
            row.input.first_name = f;
            row.input.last_name = l;
        }
    }
    match status.as_deref() {
        None | Some("active") | Some("") => {
            if status.is_some() {
                row.blocked_reason = None;
            }
        }
        Some("blocked") => {
            if row.blocked_reason.is_none() {
                set(Err(CoreError::validation("blocked_reason", "required", "The row says blocked but gives no blocked_reason.")));
            }
        }
        Some(other) => set(Err(CoreError::validation("status", "invalid_status", format!("\"{other}\" is not a status; use active or blocked.")))),
    }
    if status.is_none() {
        row.blocked_reason = None;
    }
    if problems.is_empty() {
        Ok(row)
    } else {
        Err((row, crate::bulk::all_in_one(problems)))
    }
}

/// Records the start of an import (the timeline entry of every customer it creates).
pub(crate) fn start(store: &Store, file_name: &str, actor: &Actor) -> CoreResult<i64> {
    store.write(|w| {
        w.conn().execute("INSERT INTO imports(file_name, at, actor) VALUES (?1, ?2, ?3)", params![file_name, w.now_ms(), actor.0])?;
        Ok(w.conn().last_insert_rowid())
    })
}

pub(crate) fn finish(store: &Store, import_id: i64, imported: u64, rejected: u64) -> CoreResult<()> {
    store.write(|w| {
        w.conn().execute(
            "UPDATE imports SET imported = ?2, rejected = ?3 WHERE id = ?1",
            params![import_id, imported as i64, rejected as i64],
        )?;
        Ok(())
    })
}

/// The country phones without a country code are read in: `--region`, or the desk's.
fn region(store: &Store, opts: &ImportOptions) -> CoreResult<String> {
    match &opts.region {
        Some(r) => crate::validate::country("region", r),
        None => Ok(store.desk().default_region),
    }
}

/// Imports `path` into `store`. Progress is reported as (rows done, rows in file).
pub fn import_csv(store: &Store, path: &Path, opts: &ImportOptions, progress: &mut dyn FnMut(u64, u64)) -> CoreResult<ImportReport> {
    let started = std::time::Instant::now();
    let plan = plan(path, opts)?;
    let region = region(store, opts)?;
    let actor = opts.actor.clone().unwrap_or_else(|| Actor::new("import"));
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let import_id = start(store, &file_name, &actor)?;
    let rows = read_rows(path, &plan)?;
    // (record, line, why)
    let mut rejects: Vec<(u64, u64, CoreError)> = Vec::new();
    let total = plan.rows;
    let report = bulk::write_rows(store, &actor, Some(import_id), &region, rows, &mut |done| progress(done, total), &mut |row, e| {
        rejects.push((row.record, row.line, e.clone()));
        Ok(())
    })?;
    finish(store, import_id, report.written, report.rejected)?;
    rejects.sort_by_key(|(record, _, _)| *record);
    let first_rejections = rejects.iter().take(FIRST_REJECTIONS).map(|(_, line, e)| Rejection::new(*line, e)).collect();
    let errors_file = if rejects.is_empty() {
        None
    } else {
        let err_path = errors_path(path);
        write_errors(path, &err_path, &plan, rejects)?;
        Some(err_path.display().to_string())
    };
    let mapping = plan.headers.iter().zip(&plan.columns).filter_map(|(h, c)| c.map(|c| (h.clone(), c.to_string()))).collect();
    // Not listed: the columns an errors file adds in front of the rows (see `write_errors`).
    let ignored_columns = plan
        .headers
        .iter()
        .enumerate()
        .zip(&plan.columns)
        .filter(|((_, h), c)| c.is_none() && !ERROR_COLUMNS.contains(&h.as_str()))
        .filter(|((_, h), _)| !opts.mappings.iter().any(|(m, f)| f.trim() == "ignore" && m.trim().eq_ignore_ascii_case(h)))
        .map(|((i, h), _)| if h.is_empty() { format!("(column {} has no name)", i + 1) } else { h.clone() })
        .collect();
    Ok(ImportReport {
        region: region.clone(),
        file: path.display().to_string(),
        rows: plan.rows,
        imported: report.written,
        rejected: report.rejected,
        errors_file,
        first_rejections,
        mapping,
        ignored_columns,
        new_branches: report.new_branches,
        took_ms: started.elapsed().as_millis() as u64,
    })
}

/// The file's rows as the bulk write path takes them (a row that cannot be read carries why).
fn read_rows(path: &Path, plan: &Plan) -> CoreResult<impl Iterator<Item = BulkRow> + Send + use<>> {
    let columns = plan.columns.clone();
    let lines = plan.lines.clone();
    let reader = csv_reader(path, plan.delimiter)?;
    Ok(reader.into_records().enumerate().map(move |(n, rec)| {
        let record = n as u64;
        match rec {
            Ok(rec) => {
                let line = lines.of(rec.position()).unwrap_or(n as u64 + 2);
                match to_row(line, &columns, &rec) {
                    Ok(row) => BulkRow { record, ..row },
                    Err((row, e)) => BulkRow { record, error: Some(e), ..row },
                }
            }
            Err(e) => BulkRow { line: n as u64 + 2, record, error: Some(csv_error(Path::new(""), e, &lines)), ..Default::default() },
        }
    }))
}

/// Reads and validates every row of `path` and computes its search keys, on this thread,
/// writing nothing: the part of an import before its writes (uniqueness is not checked).
/// Returns (rows, rows that would be rejected). Measures that part (`bench import --parts`).
pub fn check_csv(store: &Store, path: &Path, opts: &ImportOptions) -> CoreResult<(u64, u64)> {
    let plan = plan(path, opts)?;
    let region = region(store, opts)?;
    let desk = store.desk();
    let today = crate::clock::ms_to_datetime(store.sources().clock.now_ms()).date_naive();
    let (mut rows, mut invalid) = (0, 0);
    for mut row in read_rows(path, &plan)? {
        rows += 1;
        if bulk::check(&mut row, &region, desk.branch_id, today).is_err() {
            invalid += 1;
        }
    }
    Ok((rows, invalid))
}

/// The columns an errors file has before the row's own.
const ERROR_COLUMNS: [&str; 4] = ["error_line", "error_field", "error_code", "error_reason"];

/// Writes each rejected row with its line, field, code and reason, then the row as it was.
fn write_errors(path: &Path, err_path: &Path, plan: &Plan, rejects: Vec<(u64, u64, CoreError)>) -> CoreResult<()> {
    let unwritable = |x: &dyn std::fmt::Display| file_error(err_path, None, "unwritable", format!("Cannot write {}: {x}", err_path.display()));
    let f = File::create(err_path).map_err(|x| unwritable(&x))?;
    let mut w = csv::Writer::from_writer(f);
    // `error_*`: not a customer field, so the file, once fixed, imports as it is (the four
    // columns are ignored).
    let mut header: Vec<String> = ERROR_COLUMNS.iter().map(|c| c.to_string()).collect();
    // An errors file imported again: its old error columns are replaced, not repeated.
    let keep: Vec<usize> = (0..plan.headers.len()).filter(|&i| !ERROR_COLUMNS.contains(&plan.headers[i].as_str())).collect();
    header.extend(keep.iter().map(|&i| plan.headers[i].clone()));
    w.write_record(&header).map_err(|x| unwritable(&x))?;
    let by_record: HashMap<u64, (u64, &CoreError)> = rejects.iter().map(|(r, l, e)| (*r, (*l, e))).collect();
    let mut reader = csv_reader(path, plan.delimiter)?;
    let mut rec = csv::StringRecord::new();
    let mut record = 0u64;
    while reader.read_record(&mut rec).map_err(|e| csv_error(path, e, &plan.lines))? {
        record += 1;
        let Some((line, e)) = by_record.get(&(record - 1)) else { continue };
        let Rejection { field, code, reason, .. } = Rejection::new(*line, e);
        let mut out = vec![line.to_string(), field, code, reason];
        out.extend(keep.iter().map(|&i| rec.get(i).unwrap_or("").to_string()));
        w.write_record(&out).map_err(|x| unwritable(&x))?;
    }
    w.flush().map_err(|x| unwritable(&x))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split_full_name;

    #[test]
    fn whole_names_split_into_first_and_last() {
        let split = |s| {
            let (f, l) = split_full_name(s);
            (f, l)
        };
        assert_eq!(split("Anna Maria Schmidt"), ("Anna Maria".into(), "Schmidt".into()));
        assert_eq!(split("Smith, Anna"), ("Anna".into(), "Smith".into()));
        assert_eq!(split("  de la Cruz ,  María José "), ("María José".into(), "de la Cruz".into()));
        assert_eq!(split("Mary Ann van der Berg"), ("Mary Ann".into(), "van der Berg".into()));
        assert_eq!(split("Ludwig van Beethoven"), ("Ludwig".into(), "van Beethoven".into()));
        // A capitalised word is a given name; a first name is always kept.
        assert_eq!(split("Van Morrison"), ("Van".into(), "Morrison".into()));
        assert_eq!(split("de Vries"), ("de".into(), "Vries".into()));
        assert_eq!(split("Cher"), ("Cher".into(), "".into()));
        assert_eq!(split("Smith,"), ("Smith".into(), "".into()));
        assert_eq!(split("John Smith, Jr."), ("John".into(), "Smith Jr.".into()));
        assert_eq!(split("Smith, Anna, MD"), ("Anna".into(), "Smith MD".into()));
        assert_eq!(split("José García y López"), ("José García y".into(), "López".into()));
    }
}
