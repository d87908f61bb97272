//! CSV import: header-based column mapping with the aliases common salon and POS systems
//! export, a structural check of the whole file before anything is written (encoding, ragged
//! rows), then the bulk write path. Rejected rows are written to `FILE.errors.csv` with their
//! line number, field and reason.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::Serialize;

use crate::bulk::{self, BulkRow};
use crate::customers::{text_field, Actor};
use crate::error::{CoreError, CoreResult};
use crate::ids::CustomerId;
use crate::store::Store;

/// Fields a column can be mapped to (the text fields stand where the address always stood).
pub fn fields() -> &'static [&'static str] {
    static FIELDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let before = [
            "id",
            "code",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "email_shared",
            "phone",
            "phone_e164",
            "phone_shared",
        ];
        let after = [
            "branch",
            "status",
            "blocked_reason",
            "tags",
            "remarks",
            "birthday",
            "marketing_consent",
            "marketing_consent_at",
            "marketing_consent_by",
            "created_at",
            "updated_at",
        ];
        before.into_iter().chain(crate::customers::TEXT_FIELDS.iter().map(|f| f.key)).chain(after).collect()
    });
    &FIELDS
}

/// Targets beyond the customer's fields: `extra` keeps the value as a labelled line in
/// remarks; `phone_other` is the phone when the row has none (else an extra); `blocked` is a
/// yes/no; `ignore` a figure the other system computed.
pub const MORE_TARGETS: &[&str] = &["extra", "phone_other", "blocked", "ignore"];

/// The shipped table of the headers other systems export (see docs/migration-sources.md).
pub const COLUMNS_TABLE: &str = include_str!("../data/import_columns.csv");

fn header_key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Header → target, from [`COLUMNS_TABLE`], else a text field's key or label.
pub fn alias(header: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<HashMap<String, &'static str>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        COLUMNS_TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .filter_map(|l| {
                let (h, t) = l.split_once(',')?;
                let t = fields().iter().chain(MORE_TARGETS).copied().find(|f| *f == t.trim())?;
                Some((h.trim().to_string(), t))
            })
            .collect()
    });
    let key = header_key(header);
    // A text field is also found by its own key or label ("Postcode", "postal_code").
    table.get(&key).copied().or_else(|| {
        crate::customers::TEXT_FIELDS
            .iter()
            .find(|f| header_key(f.key) == key || header_key(f.label) == key)
            .map(|f| f.key)
    })
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Region for phone numbers without a country code (default: the desk's).
    pub region: Option<String>,
    /// `Header=field` overrides (`field` may be `ignore`).
    pub mappings: Vec<(String, String)>,
    pub actor: Option<Actor>,
    /// How numeric dates are read (default: what the file proves, else the desk's order).
    pub date_order: Option<crate::locale::DateOrder>,
    /// The branch (code or name) of rows that name none (default: this desk's).
    pub branch: Option<String>,
    /// `(name in the file, desk branch code or name)`: rows naming the first go to the second.
    /// A name not listed that the desk has no branch for becomes a new branch.
    pub branch_map: Vec<(String, String)>,
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
    /// Columns holding figures the other system computed (visits, spend): left out.
    pub computed_columns: Vec<String>,
    /// How each date column was read.
    pub date_columns: Vec<DateColumn>,
    /// Customers imported without one or more of their values (a bad birthday, email…).
    pub kept_without: u64,
    /// The first [`FIRST_REJECTIONS`] values left out, in file order (all are in `errors_file`).
    pub first_kept_without: Vec<KeptWithout>,
    /// Branches the file named that the desk did not have: created for its rows.
    pub new_branches: Vec<String>,
    /// Rows holding an email or phone an earlier row of the file holds: all imported, the
    /// contact marked shared on each (a desk customer holding it refuses them all instead).
    pub shared_in_file: u64,
    /// The first [`FIRST_REJECTIONS`] of them, in file order.
    pub first_shared_in_file: Vec<crate::bulk::SharedInFile>,
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

/// A value a customer was imported without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeptWithout {
    pub line: u64,
    /// The code of the customer the row became.
    pub customer: String,
    pub name: String,
    pub field: String,
    pub code: String,
    pub value: String,
    pub reason: String,
}

/// `clients.csv` → `clients.errors.csv`
pub fn errors_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    path.with_file_name(format!("{stem}.errors.csv"))
}

/// [`errors_path`], or `clients.errors-2.csv`, `-3`… when that file is there: an errors file
/// someone may be fixing is never written over.
fn free_errors_path(path: &Path) -> PathBuf {
    let first = errors_path(path);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    std::iter::once(first)
        .chain((2..).map(|n| path.with_file_name(format!("{stem}.errors-{n}.csv"))))
        .find(|p| !p.exists())
        .expect("a free name")
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
        let unreadable =
            |e: std::io::Error| file_error(path, None, "unreadable", format!("Cannot read {}: {e}", path.display()));
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
    file_name: String,
    /// The first [`SAMPLES`] rows, as written.
    samples: Vec<Vec<String>>,
    /// Each branch the file names (as first written) and how many rows name it.
    branch_names: Vec<(String, u64)>,
    lines: std::sync::Arc<Lines>,
    columns: Vec<Option<&'static str>>,
    headers: Vec<String>,
    rows: u64,
    /// How each date column is read, in column order.
    dates: Vec<DateColumn>,
    computed: Vec<bool>,
}

fn is_date(field: &str) -> bool {
    matches!(field, "birthday" | "created_at" | "updated_at" | "marketing_consent_at")
}

/// How a date column of the file was read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DateColumn {
    pub column: String,
    pub order: crate::locale::DateOrder,
    pub why: String,
}

/// Reads the whole file once without writing: encoding, header, row lengths.
fn plan(path: &Path, opts: &ImportOptions, desk_order: crate::locale::DateOrder) -> CoreResult<Plan> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| BufReader::new(f).take(64 * 1024).read_to_end(&mut bytes))
        .map_err(|e| file_error(path, None, "unreadable", format!("Cannot read {}: {e}", path.display())))?;
    let head = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // The header is the first line with something on it (the csv reader skips blank lines).
    let first_line =
        String::from_utf8_lossy(head.split(|b| *b == b'\n').find(|l| !l.is_empty() && *l != b"\r").unwrap_or(b""));
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
        return Err(file_error(
            path,
            Some(1),
            "no_header",
            "The first line must name the columns (e.g. First Name,Last Name,Email,Phone).".into(),
        ));
    }
    let overrides: HashMap<String, String> =
        opts.mappings.iter().map(|(h, f)| (h.trim().to_lowercase(), f.trim().to_string())).collect();
    for (i, (h, f)) in opts.mappings.iter().enumerate() {
        for (h2, f2) in &opts.mappings[..i] {
            if h2.trim().eq_ignore_ascii_case(h.trim()) {
                return Err(CoreError::validation(
                    "map",
                    "mapped_twice",
                    format!("\"{h2}\" is mapped twice ({h2}={f2}, {h}={f}); keep one."),
                ));
            }
            if !["ignore", "extra"].contains(&f.trim()) && f2.trim() == f.trim() {
                return Err(CoreError::validation(
                    "map",
                    "field_twice",
                    format!("\"{h2}\" and \"{h}\" are both mapped to {f}; keep one, and map the other to another field, to extra (a line in remarks) or to ignore."),
                ));
            }
        }
        if !fields().contains(&f.as_str()) && !MORE_TARGETS.contains(&f.as_str()) {
            return Err(CoreError::validation(
                "map",
                "unknown_field",
                format!(
                    "{h}={f}: \"{f}\" is not a field; use one of {}, extra (a line in remarks) or ignore.",
                    fields().join(", ")
                ),
            ));
        }
        if !headers.iter().any(|x| x.to_lowercase() == h.trim().to_lowercase()) {
            return Err(CoreError::validation(
                "map",
                "unknown_column",
                format!("{h}={f}: the file has no column \"{h}\"; its columns are {}.", headers.join(", ")),
            ));
        }
    }
    let mut columns: Vec<Option<&'static str>> = headers
        .iter()
        .map(|h| match overrides.get(&h.to_lowercase()) {
            Some(f) if f == "ignore" => None,
            Some(f) => fields().iter().chain(MORE_TARGETS).copied().find(|x| x == f),
            None => alias(h).filter(|t| *t != "ignore"),
        })
        .collect();
    // Known figures another system computed (visits, spend): left out, and said so apart.
    let computed: Vec<bool> =
        headers.iter().map(|h| !overrides.contains_key(&h.to_lowercase()) && alias(h) == Some("ignore")).collect();
    // When two columns map to the same field, one the user mapped with --map wins; otherwise
    // the first.
    let explicit: Vec<bool> = headers.iter().map(|h| overrides.contains_key(&h.to_lowercase())).collect();
    // The other column is kept as a line in remarks (nothing in the file is lost).
    for i in 0..columns.len() {
        if let Some(f) = columns[i].filter(|f| *f != "extra") {
            let claimed = (0..columns.len()).any(|j| {
                j != i && columns[j] == Some(f) && (explicit[j] && !explicit[i] || explicit[j] == explicit[i] && j < i)
            });
            if claimed {
                columns[i] = Some("extra");
            }
        }
    }
    // A column recognised as our id or code by its header ("Client ID", "Customer Number") that
    // holds another system's numbers is not ours: it is left out rather than failing every row.
    let mut ours: Vec<usize> =
        (0..columns.len()).filter(|&i| matches!(columns[i], Some("id" | "code")) && !explicit[i]).collect();
    let mut evidence: Vec<crate::locale::dates::Evidence> = vec![Default::default(); columns.len()];
    let mut rows = 0u64;
    let (mut samples, mut branch_names) = (Vec::new(), Vec::<(String, u64)>::new());
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
                for (i, e) in evidence.iter_mut().enumerate() {
                    if columns[i].is_some_and(is_date) {
                        e.add(std::str::from_utf8(record.get(i).unwrap_or(b"")).unwrap_or(""));
                    }
                }
                if samples.len() < SAMPLES {
                    samples.push(record.iter().map(|v| String::from_utf8_lossy(v).into_owned()).collect());
                }
                for (i, c) in columns.iter().enumerate() {
                    let v = std::str::from_utf8(record.get(i).unwrap_or(b"")).unwrap_or("").trim();
                    if *c == Some("branch") && !v.is_empty() {
                        match branch_names.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(v)) {
                            Some((_, n)) => *n += 1,
                            None => branch_names.push((v.to_string(), 1)),
                        }
                    }
                }
                rows += 1;
            }
            Err(e) => return Err(csv_error(path, e, &lines)),
        }
    }
    // Another system's numbers are kept as a line in remarks.
    for (i, c) in columns.iter_mut().enumerate() {
        if matches!(c, Some("id" | "code")) && !explicit[i] && !ours.contains(&i) {
            *c = Some("extra");
        }
    }
    let dates = (0..columns.len())
        .filter(|&i| columns[i].is_some_and(is_date))
        .map(|i| {
            let e = &evidence[i];
            let (order, why) = match (opts.date_order, e.proven()) {
                (Some(o), _) => (o, "chosen for this import".to_string()),
                (None, Some(o)) => (
                    o,
                    format!(
                        "the values prove it (a {} over 12)",
                        if o == crate::locale::DateOrder::Dmy { "first number" } else { "second number" }
                    ),
                ),
                (None, None) if e.day_first && e.month_first => (
                    desk_order,
                    "the values hold both orders; read in the desk's order, the others reported".to_string(),
                ),
                (None, None) => (desk_order, "the desk's order (the values fit either)".to_string()),
            };
            DateColumn { column: headers[i].clone(), order, why }
        })
        .collect();
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Plan {
        delimiter,
        file_name,
        samples,
        branch_names,
        lines: std::sync::Arc::new(lines),
        columns,
        headers,
        rows,
        dates,
        computed,
    })
}

/// Refuses a plan with no column for the customer's name: no row could make a customer.
fn require_name(path: &Path, plan: &Plan) -> CoreResult<()> {
    let has = |f: &str| plan.columns.contains(&Some(f));
    if has("first_name") || has("last_name") || has("full_name") {
        return Ok(());
    }
    Err(file_error(
        path,
        Some(1),
        "no_name_column",
        format!(
            "No column holds the customer's name. Columns found: {}. Name one \"First Name\"/\"Last Name\" (or \"Name\"), or map it with --map 'Column=first_name'.",
            plan.headers.join(", ")
        ),
    ))
}

/// How many rows a preview shows.
pub const SAMPLES: usize = 5;

fn csv_reader(path: &Path, delimiter: u8) -> CoreResult<csv::Reader<BufReader<File>>> {
    let f = File::open(path)
        .map_err(|e| file_error(path, None, "unreadable", format!("Cannot open {}: {e}", path.display())))?;
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(BufReader::with_capacity(1 << 20, f)))
}

fn csv_error(path: &Path, e: csv::Error, lines: &Lines) -> CoreError {
    let line = lines.of(e.position());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => file_error(
            path,
            line,
            "not_utf8",
            format!(
                "{} is not UTF-8 text{}; nothing was imported. Save it as \"CSV UTF-8\" and import it again.",
                path.display(),
                line.map(|l| format!(" (line {l})")).unwrap_or_default()
            ),
        ),
        _ => file_error(
            path,
            line,
            "malformed_csv",
            format!("{} cannot be read as CSV: {e}; nothing was imported.", path.display()),
        ),
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

/// What reading a record needs besides the record: each column's target, header and date order.
#[derive(Clone)]
struct Reading {
    columns: Vec<Option<&'static str>>,
    headers: Vec<String>,
    orders: Vec<crate::locale::DateOrder>,
    today: chrono::NaiveDate,
    /// The branch code of rows that name none (`None`: the desk's).
    branch_default: Option<String>,
    /// A branch name in the file (lower case) → the desk branch code its rows go to.
    branch_map: HashMap<String, String>,
    /// Who a marketing consent the file gives without its recorder was recorded by.
    consent_by: String,
}

/// Reads a status word: blocked (or banned, not allowed) or not; anything else is kept as a
/// line in remarks ("Status: Inactive").
fn blocked_word(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().replace(['\'', '’'], "").as_str() {
        "1" | "true" | "yes" | "y" | "blocked" | "banned" | "dont allow" | "not allowed" | "deny" | "denied" => {
            Some(true)
        }
        "" | "0" | "false" | "no" | "n" | "active" | "allow" | "allowed" | "unblocked" => Some(false),
        _ => None,
    }
}

/// Builds a row from a record; a reason to reject the row is its `error`.
/// A bad value in a field the customer can do without is left out and noted instead.
fn to_row(line: u64, how: &Reading, rec: &csv::StringRecord) -> BulkRow {
    let mut row = BulkRow { line, ..Default::default() };
    let mut blocked: Option<bool> = None;
    let mut full_name = None;
    let mut phone_other: Option<(String, String)> = None;
    let mut extras: Vec<String> = Vec::new();
    let mut problems: Vec<CoreError> = Vec::new();
    let mut notices: Vec<crate::bulk::Notice> = Vec::new();
    let mut note = |field: &str, value: &str, e: CoreError| {
        let (code, reason) = match e {
            CoreError::Validation { code, message, .. } => (code, message),
            other => ("invalid".into(), other.to_string()),
        };
        notices.push(crate::bulk::Notice { field: field.into(), code, value: value.into(), reason });
    };
    for (i, field) in how.columns.iter().enumerate() {
        let Some(field) = field else { continue };
        let raw = rec.get(i).unwrap_or("");
        // "---" is how some systems write an empty cell.
        let v = if !raw.trim().is_empty() && raw.trim().chars().all(|c| c == '-') { "" } else { raw };
        let some = || {
            let t = v.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let date = |field: &str| -> CoreResult<Option<crate::locale::dates::Written>> {
            match some() {
                None => Ok(None),
                Some(t) => crate::locale::dates::parse(&t, how.orders[i], how.today)
                    .map(Some)
                    .map_err(|why| CoreError::validation(field, "invalid_date", why)),
            }
        };
        let input = &mut row.input;
        match *field {
            "id" => {
                if let Some(t) = some() {
                    match t.parse::<CustomerId>() {
                        Ok(id) => row.id = Some(id),
                        Err(_) => problems.push(CoreError::validation(
                            "id",
                            "invalid_id",
                            format!("\"{t}\" is not a customer id (a UUID)."),
                        )),
                    }
                }
            }
            "code" => row.code = some(),
            "first_name" => input.first_name = v.to_string(),
            "last_name" => input.last_name = v.to_string(),
            "full_name" => full_name = some(),
            "email" => input.email = some(),
            "email_shared" => match parse_bool("email_shared", v) {
                Ok(b) => input.email_shared = b.unwrap_or(false),
                Err(e) => note("email_shared", v, e),
            },
            // A leading apostrophe is a spreadsheet's mark for "text", not part of the number.
            "phone" => input.phone = some().map(|p| p.trim_start_matches('\'').to_string()),
            "phone_other" => {
                if let Some(p) = some() {
                    phone_other = Some((how.headers[i].clone(), p.trim_start_matches('\'').to_string()));
                }
            }
            "phone_shared" => match parse_bool("phone_shared", v) {
                Ok(b) => input.phone_shared = b.unwrap_or(false),
                Err(e) => note("phone_shared", v, e),
            },
            "branch" => row.branch = some().map(|b| how.branch_map.get(&b.to_lowercase()).cloned().unwrap_or(b)),
            "status" | "blocked" => {
                if let Some(t) = some() {
                    match blocked_word(&t) {
                        Some(b) => blocked = Some(blocked.unwrap_or(false) || b),
                        None => extras.push(format!("{}: {t}", how.headers[i])),
                    }
                }
            }
            "blocked_reason" => row.blocked_reason = some(),
            "tags" => {
                input.tags =
                    v.split(['|', ';', ',']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()
            }
            "remarks" => input.remarks = some(),
            "extra" => {
                if let Some(t) = some() {
                    extras.push(format!("{}: {t}", how.headers[i]));
                }
            }
            "birthday" => match date("birthday") {
                Ok(d) => input.birthday = d.map(|d| d.date().format("%Y-%m-%d").to_string()),
                Err(e) => note("birthday", v, e),
            },
            "marketing_consent" => match v.trim().to_lowercase().as_str() {
                "unknown" | "not set" | "pending" => {}
                _ => match parse_bool("marketing_consent", v) {
                    Ok(b) => input.marketing_consent = b,
                    Err(e) => note("marketing_consent", v, e),
                },
            },
            "marketing_consent_at" => match date("marketing_consent_at") {
                Ok(t) => row.consent_at = t.map(|t| t.timestamp_ms()),
                Err(e) => note("marketing_consent_at", v, e),
            },
            "marketing_consent_by" => row.consent_by = some(),
            "created_at" => match date("created_at") {
                Ok(t) => row.created_at = t.map(|t| t.timestamp_ms()),
                Err(e) => note("created_at", v, e),
            },
            "updated_at" => match date("updated_at") {
                Ok(t) => row.updated_at = t.map(|t| t.timestamp_ms()),
                Err(e) => note("updated_at", v, e),
            },
            "phone_e164" => row.phone_e164 = some(),
            f => {
                if let Some(t) = text_field(f) {
                    *(t.get_mut)(&mut input.text) = some().map(|v| t.imported(v));
                }
            }
        }
    }
    if let Some(full) = full_name {
        if row.input.first_name.trim().is_empty() && row.input.last_name.trim().is_empty() {
            let (f, l) = crate::customers::names::split_full_name(&full);
            row.input.first_name = f;
            row.input.last_name = l;
        }
    }
    if let Some((header, phone)) = phone_other {
        if row.input.phone.is_none() && row.phone_e164.is_none() {
            row.input.phone = Some(phone);
        } else {
            extras.push(format!("{header}: {phone}"));
        }
    }
    match blocked {
        Some(true) => {
            if row.blocked_reason.is_none() {
                row.blocked_reason = Some(crate::bulk::NO_REASON.into());
            }
        }
        // Not blocked: a reason the file gives anyway is kept as a line in remarks.
        _ => {
            if let Some(r) = row.blocked_reason.take() {
                extras.push(format!("Block reason: {r}"));
            }
        }
    }
    if !extras.is_empty() {
        let remarks = row.input.remarks.take().into_iter().chain(extras).collect::<Vec<_>>().join("\n");
        row.input.remarks = Some(remarks);
    }
    if row.branch.is_none() {
        row.branch = how.branch_default.clone();
    }
    // A consent from the other system: recorded by the file, not by whoever imported it.
    if row.input.marketing_consent.is_some() && row.consent_by.is_none() {
        row.consent_by = Some(how.consent_by.clone());
    }
    row.notices = notices;
    if !problems.is_empty() {
        row.error = Some(crate::bulk::all_in_one(problems));
    }
    row
}

/// Records the start of an import (the timeline entry of every customer it creates).
pub(crate) fn start(store: &Store, file_name: &str, actor: &Actor) -> CoreResult<i64> {
    store.write(|w| {
        w.conn().execute(
            "INSERT INTO imports(file_name, at, actor) VALUES (?1, ?2, ?3)",
            params![file_name, w.now_ms(), actor.0],
        )?;
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
pub fn import_csv(
    store: &Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> CoreResult<ImportReport> {
    let started = std::time::Instant::now();
    let plan = plan(path, opts, store.desk().locale.date_order)?;
    require_name(path, &plan)?;
    let region = region(store, opts)?;
    let how = reading(store, &plan, opts)?;
    let actor = opts.actor.clone().unwrap_or_else(|| Actor::new("import"));
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let import_id = start(store, &file_name, &actor)?;
    let rows = read_rows(path, &plan, how)?;
    // (record, line, why)
    let mut rejects: Vec<(u64, u64, CoreError)> = Vec::new();
    let mut kept: Vec<(u64, KeptWithout)> = Vec::new();
    let total = plan.rows;
    let report = bulk::write_rows(
        store,
        &actor,
        Some(import_id),
        &region,
        rows,
        bulk::Callbacks {
            progress: &mut |done| progress(done, total),
            rejected: &mut |row, e| {
                rejects.push((row.record, row.line, e.clone()));
                Ok(())
            },
            kept: &mut |row, code, name| {
                for n in &row.notices {
                    let (field, value, reason) = (n.field.clone(), n.value.clone(), n.reason.clone());
                    let (customer, name) = (code.to_string(), name.to_string());
                    kept.push((
                        row.record,
                        KeptWithout { line: row.line, customer, name, field, code: n.code.clone(), value, reason },
                    ));
                }
            },
        },
    )?;
    kept.sort_by_key(|(record, k)| (*record, k.field.clone()));
    finish(store, import_id, report.written, report.rejected)?;
    rejects.sort_by_key(|(record, _, _)| *record);
    let first_rejections = rejects.iter().take(FIRST_REJECTIONS).map(|(_, line, e)| Rejection::new(*line, e)).collect();
    let first_kept_without = kept.iter().take(FIRST_REJECTIONS).map(|(_, k)| k.clone()).collect();
    let errors_file = if rejects.is_empty() && kept.is_empty() {
        None
    } else {
        let err_path = free_errors_path(path);
        write_errors(path, &err_path, &plan, rejects, &kept)?;
        Some(err_path.display().to_string())
    };
    let mapping =
        plan.headers.iter().zip(&plan.columns).filter_map(|(h, c)| c.map(|c| (h.clone(), c.to_string()))).collect();
    // Not listed: the columns an errors file adds in front of the rows (see `write_errors`).
    let ignored_columns = plan
        .headers
        .iter()
        .enumerate()
        .zip(&plan.columns)
        .filter(|((i, h), c)| c.is_none() && !plan.computed[*i] && !ERROR_COLUMNS.contains(&h.as_str()))
        .filter(|((_, h), _)| {
            !opts.mappings.iter().any(|(m, f)| f.trim() == "ignore" && m.trim().eq_ignore_ascii_case(h))
        })
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
        computed_columns: plan
            .headers
            .iter()
            .zip(&plan.computed)
            .filter(|(_, c)| **c)
            .map(|(h, _)| h.clone())
            .collect(),
        date_columns: plan.dates.clone(),
        kept_without: report.kept_without,
        first_kept_without,
        shared_in_file: report.shared.len() as u64,
        first_shared_in_file: report.shared.iter().take(FIRST_REJECTIONS).cloned().collect(),
        new_branches: report.new_branches,
        took_ms: started.elapsed().as_millis() as u64,
    })
}

/// The file's rows as the bulk write path takes them (a row that cannot be read carries why).
fn read_rows(path: &Path, plan: &Plan, how: Reading) -> CoreResult<impl Iterator<Item = BulkRow> + Send + use<>> {
    let outcome = plan.headers.iter().position(|h| h == "error_outcome");
    let lines = plan.lines.clone();
    let reader = csv_reader(path, plan.delimiter)?;
    Ok(reader.into_records().enumerate().map(move |(n, rec)| {
        let record = n as u64;
        match rec {
            Ok(rec) => {
                let line = lines.of(rec.position()).unwrap_or(n as u64 + 2);
                // A row an earlier import already brought in (without a value): not again.
                if let Some(done) = outcome.and_then(|i| rec.get(i)).filter(|o| o.starts_with(IMPORTED_AS)) {
                    let e = CoreError::validation(
                        "error_outcome",
                        "already_imported",
                        format!("This row was {done}; fix the value on that customer's profile rather than importing it again."),
                    );
                    return BulkRow { line, record, error: Some(e), ..Default::default() };
                }
                BulkRow { record, ..to_row(line, &how, &rec) }
            }
            Err(e) => BulkRow { line: n as u64 + 2, record, error: Some(csv_error(Path::new(""), e, &lines)), ..Default::default() },
        }
    }))
}

/// Reads and validates every row of `path` and computes its search keys, on this thread,
/// writing nothing: the part of an import before its writes (uniqueness is not checked).
/// Returns (rows, rows that would be rejected). Measures that part (`frontdesk-bench import --parts`).
pub fn check_csv(store: &Store, path: &Path, opts: &ImportOptions) -> CoreResult<(u64, u64)> {
    let plan = plan(path, opts, store.desk().locale.date_order)?;
    require_name(path, &plan)?;
    let region = region(store, opts)?;
    let how = reading(store, &plan, opts)?;
    let desk = store.desk();
    let today = crate::clock::ms_to_datetime(store.sources().clock.now_ms()).date_naive();
    let (mut rows, mut invalid) = (0, 0);
    for mut row in read_rows(path, &plan, how)? {
        rows += 1;
        if bulk::check(&mut row, &region, desk.branch_id, today).is_err() {
            invalid += 1;
        }
    }
    Ok((rows, invalid))
}

/// What importing a file would do, before anything is written: each column's target, the
/// first rows, how dates are read and which branches the file names.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    pub file: String,
    pub rows: u64,
    pub columns: Vec<PreviewColumn>,
    pub date_columns: Vec<DateColumn>,
    pub branches: Vec<FileBranch>,
    /// Every target a column can be given, with its label, in the order to offer them.
    pub targets: Vec<(String, String)>,
    /// Why the file cannot be imported as mapped (no column for the name), if so.
    pub problem: Option<String>,
}

/// One column of a file: where its values would go and the first of them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewColumn {
    pub header: String,
    /// A field, `extra`, `phone_other`, `blocked`, or `ignore`.
    pub target: String,
    /// Why this target: "recognised", "chosen", "figures the other system computed"…
    pub why: String,
    /// The values of the first [`SAMPLES`] rows.
    pub samples: Vec<String>,
}

/// A branch the file names, how many rows name it and the desk's branch of that name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileBranch {
    pub name: String,
    pub rows: u64,
    /// The code of the desk's branch with this name or code; `None`: it would be created.
    pub existing: Option<String>,
    /// The desk's branch of that name is archived: the import brings it back.
    pub archived: bool,
}

/// Reads `path` as [`import_csv`] would with `opts`, writing nothing.
pub fn preview(store: &Store, path: &Path, opts: &ImportOptions) -> CoreResult<ImportPreview> {
    let plan = plan(path, opts, store.desk().locale.date_order)?;
    reading(store, &plan, opts)?;
    let problem = require_name(path, &plan).err().map(|e| match e {
        CoreError::File { message, .. } => message,
        other => other.to_string(),
    });
    let chosen = |h: &str| opts.mappings.iter().any(|(m, _)| m.trim().eq_ignore_ascii_case(h));
    let columns = plan
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let target = plan.columns[i].unwrap_or("ignore").to_string();
            let why = if chosen(h) {
                "chosen"
            } else if plan.computed[i] {
                "a figure the other system computed"
            } else if plan.columns[i] == Some("extra") && alias(h).is_some_and(|a| matches!(a, "id" | "code")) {
                "another system's numbers: kept as a line in remarks"
            } else if plan.columns[i] == Some("extra") && alias(h).is_some_and(|a| a != "extra") {
                "another column already fills that field: kept as a line in remarks"
            } else if plan.columns[i].is_some() {
                "recognised from its name"
            } else {
                "not recognised: choose where it goes"
            };
            let samples = plan.samples.iter().map(|r| r.get(i).cloned().unwrap_or_default()).collect();
            PreviewColumn { header: h.clone(), target, why: why.into(), samples }
        })
        .collect();
    let (live, archived) = (store.branches()?, store.archived_branches()?);
    let named = |list: &[crate::settings::Branch], name: &str| {
        list.iter()
            .find(|b| b.code.eq_ignore_ascii_case(name.trim()) || b.name.eq_ignore_ascii_case(name.trim()))
            .map(|b| b.code.clone())
    };
    let branches = plan
        .branch_names
        .iter()
        .map(|(name, rows)| {
            let existing = named(&live, name);
            let archived = existing.is_none() && named(&archived, name).is_some();
            FileBranch { name: name.clone(), rows: *rows, existing, archived }
        })
        .collect();
    let targets = fields()
        .iter()
        .chain(MORE_TARGETS)
        .map(|t| (t.to_string(), crate::customers::labels::label(t).to_string()))
        .collect();
    Ok(ImportPreview {
        file: path.display().to_string(),
        rows: plan.rows,
        columns,
        date_columns: plan.dates.clone(),
        branches,
        targets,
        problem,
    })
}

/// How the rows of `plan` are read on this desk.
fn reading(store: &Store, plan: &Plan, opts: &ImportOptions) -> CoreResult<Reading> {
    let desk_order = store.desk().locale.date_order;
    let orders = plan
        .headers
        .iter()
        .map(|h| plan.dates.iter().find(|d| &d.column == h).map_or(desk_order, |d| d.order))
        .collect();
    let today = crate::clock::ms_to_datetime(store.sources().clock.now_ms()).date_naive();
    let branches = store.branches()?;
    let find = |field: &str, text: &str| {
        let t = text.trim();
        branches
            .iter()
            .find(|b| b.code.eq_ignore_ascii_case(t) || b.name.eq_ignore_ascii_case(t))
            .map(|b| b.code.clone())
            .ok_or_else(|| {
                let names: Vec<&str> = branches.iter().map(|b| b.name.as_str()).collect();
                CoreError::validation(
                    field,
                    "unknown_branch",
                    format!("This desk has no branch \"{t}\"; its branches are {}.", names.join(", ")),
                )
            })
    };
    let branch_default =
        opts.branch.as_deref().filter(|b| !b.trim().is_empty()).map(|b| find("branch", b)).transpose()?;
    let mut branch_map = HashMap::new();
    for (name, to) in &opts.branch_map {
        branch_map.insert(name.trim().to_lowercase(), find("branch_map", to)?);
    }
    let file = plan.file_name.clone();
    Ok(Reading {
        columns: plan.columns.clone(),
        headers: plan.headers.clone(),
        orders,
        today,
        branch_default,
        branch_map,
        consent_by: format!("the file {file}"),
    })
}

/// The columns an errors file has before the row's own.
const ERROR_COLUMNS: [&str; 6] =
    ["error_line", "error_field", "error_code", "error_reason", "error_value", "error_outcome"];

/// How an errors file says a row was imported without a value: `imported as ABC-1 without it`.
const IMPORTED_AS: &str = "imported as ";

/// Writes each rejected row with its line, field, code and reason, then the row as it was.
fn write_errors(
    path: &Path,
    err_path: &Path,
    plan: &Plan,
    rejects: Vec<(u64, u64, CoreError)>,
    kept: &[(u64, KeptWithout)],
) -> CoreResult<()> {
    let unwritable = |x: &dyn std::fmt::Display| {
        file_error(err_path, None, "unwritable", format!("Cannot write {}: {x}", err_path.display()))
    };
    let f = File::options().write(true).create_new(true).open(err_path).map_err(|x| unwritable(&x))?;
    let mut w = csv::Writer::from_writer(f);
    // `error_*`: not a customer field, so the file, once fixed, imports as it is (the four
    // columns are ignored).
    let mut header: Vec<String> = ERROR_COLUMNS.iter().map(|c| c.to_string()).collect();
    // An errors file imported again: its old error columns are replaced, not repeated.
    let keep: Vec<usize> =
        (0..plan.headers.len()).filter(|&i| !ERROR_COLUMNS.contains(&plan.headers[i].as_str())).collect();
    header.extend(keep.iter().map(|&i| plan.headers[i].clone()));
    w.write_record(&header).map_err(|x| unwritable(&x))?;
    let by_record: HashMap<u64, (u64, &CoreError)> = rejects.iter().map(|(r, l, e)| (*r, (*l, e))).collect();
    let mut kept_by_record: HashMap<u64, Vec<&KeptWithout>> = HashMap::new();
    for (r, k) in kept {
        kept_by_record.entry(*r).or_default().push(k);
    }
    let mut reader = csv_reader(path, plan.delimiter)?;
    let mut rec = csv::StringRecord::new();
    let mut record = 0u64;
    while reader.read_record(&mut rec).map_err(|e| csv_error(path, e, &plan.lines))? {
        record += 1;
        let row = |mut out: Vec<String>| {
            out.extend(keep.iter().map(|&i| rec.get(i).unwrap_or("").to_string()));
            out
        };
        if let Some((line, e)) = by_record.get(&(record - 1)) {
            let Rejection { field, code, reason, .. } = Rejection::new(*line, e);
            w.write_record(row(vec![line.to_string(), field, code, reason, String::new(), "not imported".into()]))
                .map_err(|x| unwritable(&x))?;
        }
        for k in kept_by_record.get(&(record - 1)).into_iter().flatten() {
            let outcome = format!("{IMPORTED_AS}{} without this value", k.customer);
            let out =
                vec![k.line.to_string(), k.field.clone(), k.code.clone(), k.reason.clone(), k.value.clone(), outcome];
            w.write_record(row(out)).map_err(|x| unwritable(&x))?;
        }
    }
    w.flush().map_err(|x| unwritable(&x))?;
    Ok(())
}
