//! The bulk write path shared by CSV import and demo seeding: rows are validated on a second
//! thread while this one checks uniqueness and writes, in transactions of [`BATCH`] rows.
//! Each row is written whole (row, timeline event, outbox record) or rejected whole.

use std::collections::HashMap;
use std::sync::mpsc;

use crate::clock::ms_to_datetime;
use crate::customers::{text_field, validate_customer, ValidCustomer};
use crate::customers::{Actor, CustomerInput, InsertOptions};
use crate::error::{CoreError, CoreResult};
use crate::ids::{BranchId, CustomerId};
use crate::settings;
use crate::store::search_index::IndexKeys;
use crate::store::{deferred_indexes, Store, Writer};
use crate::validate;

pub const BATCH: usize = 25_000;
const CHUNK: usize = 512;

/// One record to write, with what an import or seed can carry beyond the form.
#[derive(Debug, Clone, Default)]
pub struct BulkRow {
    /// Line number in the source (for error reports).
    pub line: u64,
    /// Which record of the source it is (0: the first after the header): names the row exactly
    /// when writing the rejected rows out again.
    pub record: u64,
    pub input: CustomerInput,
    /// Branch code or name; created if it does not exist yet.
    pub branch: Option<String>,
    pub id: Option<CustomerId>,
    pub code: Option<String>,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    /// Set: the customer is blocked for this reason.
    pub blocked_reason: Option<String>,
    pub consent_at: Option<i64>,
    pub consent_by: Option<String>,
    /// The phone in E.164 as an earlier export gave it: read instead of the typed form, so a
    /// local number does not depend on this desk's region.
    pub phone_e164: Option<String>,
    /// Set when the row was already found unusable while reading it (reported, not written).
    pub error: Option<CoreError>,
    /// Values left out so the rest of the row could be written (reported with the row).
    pub notices: Vec<Notice>,
}

/// A value a row was written without: which field, the value as written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub field: String,
    pub code: String,
    pub value: String,
    pub reason: String,
}

/// Fields a customer can be written without: a bad value in one of them is left out and
/// reported, not a reason to refuse the customer (the text fields too, see [`droppable`]).
const DROPPABLE: &[&str] = &[
    "email",
    "phone",
    "remarks",
    "tags",
    "birthday",
    "marketing_consent",
    "created_at",
    "updated_at",
    "marketing_consent_at",
    "blocked_reason",
];

fn droppable(field: &str) -> bool {
    DROPPABLE.contains(&field) || text_field(field).is_some()
}

/// Leaves `field` out of the row; returns the value it had.
fn drop_field(row: &mut BulkRow, field: &str) -> String {
    let i = &mut row.input;
    let take = |v: &mut Option<String>| v.take().unwrap_or_default();
    let ms = |v: &mut Option<i64>| v.take().map(|t| ms_to_datetime(t).to_rfc3339()).unwrap_or_default();
    match field {
        "email" => take(&mut i.email),
        "phone" => {
            let e164 = row.phone_e164.take();
            i.phone.take().or(e164).unwrap_or_default()
        }
        "remarks" => take(&mut i.remarks),
        "tags" => std::mem::take(&mut i.tags).join("|"),
        "birthday" => take(&mut i.birthday),
        "marketing_consent" => i.marketing_consent.take().map(|b| b.to_string()).unwrap_or_default(),
        "created_at" => ms(&mut row.created_at),
        "updated_at" => ms(&mut row.updated_at),
        "marketing_consent_at" => ms(&mut row.consent_at),
        "blocked_reason" => {
            let r = row.blocked_reason.clone().unwrap_or_default();
            row.blocked_reason = Some(NO_REASON.into());
            r
        }
        f => text_field(f).map(|t| take((t.get_mut)(&mut i.text))).unwrap_or_default(),
    }
}

/// The reason a customer the file marked blocked without one is blocked for.
pub const NO_REASON: &str = "Marked blocked in the imported file (no reason given).";

/// Moves the row's droppable problems into its notices, leaving those values out; `Err` keeps
/// the problems that refuse the row.
fn keep_what_can_be_kept(row: &mut BulkRow, errors: Vec<CoreError>) -> Result<(), Vec<CoreError>> {
    let mut fatal = Vec::new();
    for e in errors {
        match &e {
            CoreError::Validation { field, code, message } if droppable(field) => {
                let value = drop_field(row, field);
                row.notices.push(Notice { field: field.clone(), code: code.clone(), value, reason: message.clone() });
            }
            _ => fatal.push(e),
        }
    }
    if fatal.is_empty() {
        Ok(())
    } else {
        Err(fatal)
    }
}

#[derive(Debug, Clone, Default)]
pub struct BulkReport {
    pub written: u64,
    /// Written without one or more of their values (see [`BulkRow::notices`]).
    pub kept_without: u64,
    pub rejected: u64,
    /// Branches the rows named that did not exist, created for them.
    pub new_branches: Vec<String>,
    /// Rows that hold an email or phone an earlier row of the same import holds.
    pub shared: Vec<SharedInFile>,
}

/// Two rows of one import with the same email or phone: both written, the contact marked
/// shared on each (a family's number, or one person twice — to merge).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SharedInFile {
    pub field: String,
    pub value: String,
    pub line: u64,
    pub customer: String,
    pub name: String,
    /// The earlier row holding it.
    pub other_line: u64,
    pub other_customer: String,
    pub other_name: String,
}

/// A row and what validating it gave: the record and its search keys (computed here, on the
/// validation thread), or why it cannot be written.
type Checked = (BulkRow, Result<(ValidCustomer, IndexKeys), CoreError>);

/// What [`write_rows`] tells its caller as it goes.
pub struct Callbacks<'a> {
    /// Rows done so far.
    pub progress: &'a mut dyn FnMut(u64),
    /// A row refused (and not written); an `Err` (the errors file cannot be written) stops
    /// the run.
    pub rejected: &'a mut dyn FnMut(&BulkRow, &CoreError) -> CoreResult<()>,
    /// A row written without some of its values: the row, its customer's code and name.
    pub kept: &'a mut dyn FnMut(&BulkRow, &str, &str),
}

/// Writes `rows`; a row that fails validation or uniqueness goes to `tell.rejected` and is
/// not written.
pub fn write_rows<I>(
    store: &Store,
    actor: &Actor,
    import_id: Option<i64>,
    region: &str,
    rows: I,
    tell: Callbacks<'_>,
) -> CoreResult<BulkReport>
where
    I: Iterator<Item = BulkRow> + Send,
{
    let Callbacks { progress, rejected: on_reject, kept: on_kept } = tell;
    let desk = store.desk();
    let region = region.to_string();
    let region_for_custom = region.clone();
    let today = ms_to_datetime(store.sources().clock.now_ms()).date_naive();
    let default_branch = desk.branch_id;
    let mut report = BulkReport::default();
    // Into an empty desk: the sort indexes are built once at the end (see deferred_indexes).
    let away = deferred_indexes::take_away(store)?;
    let outcome = std::thread::scope(|scope| -> CoreResult<()> {
        // Room for a whole batch: the next one is validated while this one is written.
        let (tx, rx) = mpsc::sync_channel::<Vec<Checked>>(BATCH / CHUNK + 1);
        let validator = scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            for mut row in rows {
                let checked = check(&mut row, &region, default_branch, today);
                chunk.push((row, checked));
                if chunk.len() == CHUNK && tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).is_err() {
                    return;
                }
            }
            if !chunk.is_empty() {
                let _ = tx.send(chunk);
            }
        });
        let mut branches = Branches::default();
        // (seq, line) of each row written, in seq order: names the earlier row of a pair.
        let mut lines_by_seq: Vec<(i64, u64)> = Vec::new();
        let mut pending: Vec<Checked> = Vec::with_capacity(BATCH);
        let mut flush =
            |pending: &mut Vec<Checked>, report: &mut BulkReport, branches: &mut Branches| -> CoreResult<()> {
                if pending.is_empty() {
                    return Ok(());
                }
                let mut rejects: Vec<(BulkRow, CoreError)> = Vec::new();
                let mut kept: Vec<(BulkRow, String, String)> = Vec::new();
                let mut shared: Vec<SharedInFile> = Vec::new();
                let lines_before = lines_by_seq.len();
                let written = store.write(|w| {
                    w.defer_search_index();
                    let mut written = 0u64;
                    let mut seqs: Option<(i64, i64)> = None;
                    let defs = crate::custom_fields::all_defs(w.conn())?;
                    for (mut row, checked) in pending.drain(..) {
                        let to = Target { actor, import_id, defs: &defs, region: &region_for_custom };
                        match checked.and_then(|(v, keys)| write_one(w, &to, &mut row, v, keys, branches)) {
                            Ok(Written { seq, code, name, shares }) => {
                                written += 1;
                                lines_by_seq.push((seq, row.line));
                                for (field, value, owner_seq, other) in shares {
                                    let other_line = lines_by_seq
                                        .binary_search_by_key(&owner_seq, |(s, _)| *s)
                                        .map_or(0, |i| lines_by_seq[i].1);
                                    let (other_customer, other_name) = (other.code, other.display_name);
                                    shared.push(SharedInFile {
                                        field,
                                        value,
                                        line: row.line,
                                        customer: code.clone(),
                                        name: name.clone(),
                                        other_line,
                                        other_customer,
                                        other_name,
                                    });
                                }
                                if !row.notices.is_empty() {
                                    kept.push((row, code, name));
                                }
                                seqs = Some(seqs.map_or((seq, seq), |(a, _)| (a, seq)));
                            }
                            Err(e @ CoreError::Storage { .. }) => return Err(e),
                            Err(e) => rejects.push((row, e)),
                        }
                        if written.is_multiple_of(4096) {
                            w.tick();
                        }
                    }
                    // One outbox record for the customers this transaction imported.
                    if let (Some(import), Some((from, to))) = (import_id, seqs) {
                        w.outbox_for(
                            crate::change::EntityKind::Import,
                            import,
                            "*",
                            Some(&serde_json::json!({"from": from, "to": to})),
                        )?;
                    }
                    Ok(written)
                });
                let written = match written {
                    Ok(n) => n,
                    Err(e) => {
                        // Rolled back: branches this batch created are gone again.
                        *branches = Branches { ids: HashMap::new(), created: std::mem::take(&mut report.new_branches) };
                        lines_by_seq.truncate(lines_before);
                        return Err(e);
                    }
                };
                report.shared.extend(shared);
                report.new_branches = branches.created.clone();
                report.written += written;
                report.rejected += rejects.len() as u64;
                for (row, e) in &rejects {
                    on_reject(row, e)?;
                }
                report.kept_without += kept.len() as u64;
                for (row, code, name) in &kept {
                    on_kept(row, code, name);
                }
                progress(report.written + report.rejected);
                Ok(())
            };
        for chunk in rx {
            pending.extend(chunk);
            if pending.len() >= BATCH {
                flush(&mut pending, &mut report, &mut branches)?;
            }
        }
        flush(&mut pending, &mut report, &mut branches)?;
        validator
            .join()
            .map_err(|_| CoreError::Storage { message: "the validation thread stopped unexpectedly".into() })?;
        Ok(())
    });
    // Built whether the rows were all written or not (the batches written so far stay). If that
    // fails, the rows are written all the same: the desk's tidying or its next opening builds
    // them (the lock goes with this process's hold).
    if let Some(away) = away {
        let _ = deferred_indexes::bring_back(store, away);
    }
    outcome?;
    // Each batch added a segment to every search table: merge them now, not on the desk's next
    // customer saves.
    store.merge_search()?;
    Ok(report)
}

/// Validates a row and computes its search keys (what the validation thread does for each row
/// before the writer checks uniqueness and writes it). Takes a reading error the row carries.
pub(crate) fn check(
    row: &mut BulkRow,
    region: &str,
    branch: BranchId,
    today: chrono::NaiveDate,
) -> Result<(ValidCustomer, IndexKeys), CoreError> {
    if let Some(e) = row.error.take() {
        // What reading the row found, and what validating the rest of it finds.
        let mut all = vec![e];
        if let Err(more) = validate_row(row, region, branch, today) {
            all.extend(more);
        }
        return Err(all_in_one(all));
    }
    // A record from the future is a typing error (a year 2099), and would sort first forever.
    let limit =
        (today + chrono::Duration::days(2)).and_hms_opt(0, 0, 0).map_or(i64::MAX, |t| t.and_utc().timestamp_millis());
    let mut early = Vec::new();
    for (field, at) in
        [("created_at", row.created_at), ("updated_at", row.updated_at), ("marketing_consent_at", row.consent_at)]
    {
        if at.is_some_and(|at| at >= limit) {
            early.push(CoreError::validation(
                field,
                "in_the_future",
                format!("The {} is after today; check the year.", field.replace('_', " ")),
            ));
        }
    }
    if let Some(r) = &row.blocked_reason {
        match validate::single_line("blocked_reason", r, 500) {
            Ok(r) if r.is_empty() => row.blocked_reason = Some(NO_REASON.into()),
            Ok(_) => {}
            Err(e) => early.push(e),
        }
    }
    // A refused row says every problem it has, so it can be fixed in one go.
    let refused = |row: &BulkRow, fatal: Vec<CoreError>| {
        let notes = row.notices.iter().map(|n| CoreError::validation(&n.field, &n.code, n.reason.clone()));
        all_in_one(fatal.into_iter().chain(notes).collect())
    };
    if let Err(fatal) = keep_what_can_be_kept(row, early) {
        return Err(refused(row, fatal));
    }
    // Each pass leaves out the values the last one found bad; a field is left out once.
    let v = loop {
        match validate_row(row, region, branch, today) {
            Ok(v) => break v,
            Err(errors) => {
                let before = row.notices.len();
                if let Err(fatal) = keep_what_can_be_kept(row, errors) {
                    return Err(refused(row, fatal));
                }
                if row.notices.len() == before {
                    return Err(CoreError::validation("customer", "invalid", "The row is not a valid customer."));
                }
            }
        }
    };
    let v = keep_left_out_in_remarks(v, &row.notices);
    let keys = v.index_keys();
    Ok((v, keys))
}

/// The values left out are kept on the record too, as lines of its remarks: the errors file
/// may be lost or written over, the customer's record is not.
fn keep_left_out_in_remarks(mut v: ValidCustomer, notices: &[Notice]) -> ValidCustomer {
    let lines: Vec<String> = notices
        .iter()
        .filter(|n| n.field != "remarks" && !n.value.trim().is_empty())
        .map(|n| {
            format!(
                "Not valid when imported, left out — {}: {}",
                crate::customers::labels::label(&n.field),
                n.value.trim()
            )
        })
        .collect();
    if !lines.is_empty() {
        v.remarks = Some(v.remarks.take().into_iter().chain(lines).collect::<Vec<_>>().join("\n"));
    }
    v
}

/// A row's validation errors as one: the first one's field and code, and every reason, so the
/// row can be fixed in one go.
pub(crate) fn all_in_one(mut errors: Vec<CoreError>) -> CoreError {
    let first = errors.remove(0);
    match first {
        CoreError::Validation { field, code, message } if !errors.is_empty() => {
            let also: Vec<String> = errors
                .iter()
                .map(|e| match e {
                    CoreError::Validation { field, message, .. } => format!("{field}: {message}"),
                    other => other.to_string(),
                })
                .collect();
            CoreError::Validation { field, code, message: format!("{message} Also {}", also.join(" ")) }
        }
        first => first,
    }
}

fn validate_row(
    row: &BulkRow,
    region: &str,
    branch: BranchId,
    today: chrono::NaiveDate,
) -> Result<ValidCustomer, Vec<CoreError>> {
    match (&row.phone_e164, &row.input.phone) {
        // An export's two columns of one number: the E.164 one, so a local number does not
        // depend on this desk's region. When only the typed one was edited, the edit counts.
        (Some(e164), Some(raw)) if e164.starts_with('+') && same_number(e164, raw) => {
            let mut v = validate_customer(
                &CustomerInput { phone: Some(e164.clone()), ..row.input.clone() },
                region,
                branch,
                today,
            )?;
            v.phone_raw = Some(crate::normalize::tidy_spaces(raw));
            Ok(v)
        }
        // Only the E.164 column: it is the phone.
        (Some(e164), None) => {
            validate_customer(&CustomerInput { phone: Some(e164.clone()), ..row.input.clone() }, region, branch, today)
        }
        _ => validate_customer(&row.input, region, branch, today),
    }
}

/// Whether the phone typed as `raw` is the number `e164` (its digits, without leading zeros —
/// a trunk or international prefix —, end it).
fn same_number(e164: &str, raw: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (e, r) = (digits(e164), digits(raw));
    let r = r.trim_start_matches('0');
    r.len() >= 4 && e.ends_with(r)
}

/// What every row of a batch is written with.
struct Target<'a> {
    actor: &'a Actor,
    import_id: Option<i64>,
    /// The custom fields (a file's values for them are checked as each row is written).
    defs: &'a [crate::custom_fields::FieldDef],
    region: &'a str,
}

fn write_one(
    w: &mut Writer<'_>,
    to: &Target<'_>,
    row: &mut BulkRow,
    mut v: ValidCustomer,
    keys: IndexKeys,
    branches: &mut Branches,
) -> CoreResult<Written> {
    let (actor, import_id) = (to.actor, to.import_id);
    // An email or phone an earlier row of this import holds: both keep it, marked shared. One
    // a customer of the desk already held refuses the row (and refused that earlier row too).
    let mut shares: Vec<(String, String, i64, crate::error::CustomerRef)> = Vec::new();
    loop {
        match w.check_unique(&v, None) {
            Ok(()) => break,
            Err(CoreError::Duplicate { field, existing }) if import_id.is_some() => {
                let (owner_seq, owner_import, owner_shared) = w.contact_owner(existing.id)?;
                if owner_import != import_id || shares.iter().any(|(f, ..)| *f == field) {
                    return Err(CoreError::Duplicate { field, existing });
                }
                let value = if field == "email" {
                    v.email_shared = true;
                    v.email.clone()
                } else {
                    v.phone_shared = true;
                    v.phone_e164.clone()
                };
                // Marked once, when the first other row with it comes.
                if owner_shared & crate::customers::shared_bit(&field) == 0 {
                    let note =
                        format!("The customer on line {} of the file has this {field} too; marked shared.", row.line);
                    w.mark_contact_shared(owner_seq, actor, &field, &note)?;
                }
                shares.push((field, value.unwrap_or_default(), owner_seq, existing));
            }
            Err(e) => return Err(e),
        }
    }
    // After the uniqueness check: a refused row makes or restores no branch.
    if let Some(b) = row.branch.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        v.branch_id = branch_for(w, b, branches)?;
    }
    let opts = InsertOptions {
        id: row.id,
        code: row.code.clone().filter(|c| !c.trim().is_empty()),
        created_at: row.created_at,
        updated_at: row.updated_at,
        blocked_reason: row.blocked_reason.as_deref().map(crate::normalize::tidy_spaces),
        import_id,
        consent_at: row.consent_at,
        consent_by: row.consent_by.clone(),
        keys: Some(keys),
    };
    // Custom values that do not validate are left out, reported and kept in remarks, as the
    // standard fields' are.
    let mut custom = Vec::new();
    if !row.input.custom.is_empty() {
        let region = v.text.country.clone().unwrap_or_else(|| to.region.to_string());
        let desk = w.desk();
        let today = ms_to_datetime(w.now_ms()).date_naive();
        let reading = crate::custom_fields::Reading { region: &region, date_order: desk.locale.date_order, today };
        let (edits, left_out) =
            crate::customers::check_imported_custom(w.conn(), to.defs, &row.input, v.branch_id, &reading)?;
        let mut lines = Vec::new();
        for l in left_out {
            if !l.value.trim().is_empty() {
                lines.push(format!("Not valid when imported, left out — {}: {}", l.label, l.value.trim()));
            }
            row.notices.push(Notice { field: l.field, code: l.code, value: l.value, reason: l.reason });
        }
        if !lines.is_empty() {
            v.remarks = Some(v.remarks.take().into_iter().chain(lines).collect::<Vec<_>>().join("\n"));
        }
        custom = edits;
    }
    let done = w.insert_customer(actor, &v, &opts)?;
    crate::customers::write_custom(w.conn(), done.seq, &custom)?;
    // Only a row the report names needs its name.
    let named = !row.notices.is_empty() || !shares.is_empty();
    let name = if named { crate::customers::display_name(&v.first_name, &v.last_name) } else { String::new() };
    Ok(Written { seq: done.seq, code: done.code, name, shares })
}

/// A row written: its seq, code and name, and the contacts it shares with earlier rows (field,
/// value, the earlier row's seq and who it is).
struct Written {
    seq: i64,
    code: String,
    name: String,
    shares: Vec<(String, String, i64, crate::error::CustomerRef)>,
}

/// Branches rows named: found or created so far (by lower-case code or name), and the names of
/// those created.
#[derive(Default)]
struct Branches {
    ids: HashMap<String, BranchId>,
    created: Vec<String>,
}

/// The branch named `text` (code or name), created when it does not exist.
fn branch_for(w: &mut Writer<'_>, text: &str, branches: &mut Branches) -> CoreResult<BranchId> {
    let key = text.to_lowercase();
    if let Some(id) = branches.ids.get(&key) {
        return Ok(*id);
    }
    let name = validate::single_line("branch", text, 100)?;
    let id = match settings::branch_by_code_or_name(w.conn(), &name)? {
        Some(id) => id,
        // An archived branch of that name or code comes back rather than being made twice.
        None => match settings::archived_branch_by_code_or_name(w.conn(), &name)? {
            Some(id) => {
                w.conn().execute("UPDATE branches SET archived = 0 WHERE id = ?1", [id.0])?;
                branches.created.push(format!("{name} (restored)"));
                id
            }
            None => {
                let id = settings::insert_branch(w, &name)?;
                branches.created.push(name.clone());
                id
            }
        },
    };
    branches.ids.insert(key, id);
    Ok(id)
}
