//! CSV import: header-based column mapping with the aliases common salon and POS systems
//! export, a structural check of the whole file before anything is written (encoding, ragged
//! rows), then the bulk write path. Rejected rows are written to `FILE.errors.csv` with their
//! line number, field and reason.

use std::path::Path;

use rusqlite::params;
use serde::Serialize;

use crate::bulk::{self, BulkRow};
use crate::customers::Actor;
use crate::error::{CoreError, CoreResult};
use crate::store::Store;

mod columns;
mod errors_file;
mod file;
mod preview;
mod rows;

pub(crate) use columns::standard_name;
pub use columns::{alias, fields, COLUMNS_TABLE, MORE_TARGETS};
pub use errors_file::errors_path;
pub use file::{DateColumn, SAMPLES};
pub use preview::{preview, FileBranch, ImportPreview, PreviewColumn};

use errors_file::*;
use file::*;
use rows::*;

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
    /// Columns that go nowhere become new text fields, headed as the column is.
    pub create_fields: bool,
}

/// The file's plan with the desk's custom fields; with `create` and
/// [`ImportOptions::create_fields`], the columns that go nowhere first become new text fields
/// (all in one transaction) and are planned again.
fn planned(store: &Store, path: &Path, opts: &ImportOptions, create: bool) -> CoreResult<(Plan, Vec<String>)> {
    let order = store.desk().locale.date_order;
    let plan = file::plan(path, opts, order, &store.custom_fields(false)?)?;
    if create {
        // No field is made for a file that cannot be imported.
        require_name(path, &plan)?;
    }
    let new = columns_for_new_fields(&plan, opts);
    if !create || new.is_empty() {
        return Ok((plan, Vec::new()));
    }
    store.write(|w| {
        for &i in &new {
            let input =
                crate::custom_fields::FieldInput { label: plan.headers[i].trim().to_string(), ..Default::default() };
            w.add_custom_field(&input).map_err(|e| match e {
                CoreError::Validation { field, code, message } => CoreError::Validation {
                    field: "create_fields".into(),
                    code,
                    message: format!("Column \"{}\" cannot become a field ({field}): {message}", plan.headers[i]),
                },
                other => other,
            })?;
        }
        Ok(())
    })?;
    let labels = new.iter().map(|&i| plan.headers[i].trim().to_string()).collect();
    Ok((file::plan(path, opts, order, &store.custom_fields(false)?)?, labels))
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
    /// Customer fields made for columns that went nowhere (`create_fields`), by label.
    pub new_fields: Vec<String>,
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
    let (plan, new_fields) = planned(store, path, opts, true)?;
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
    let mapping = (0..plan.headers.len())
        .filter_map(|i| {
            let target = plan.columns[i]
                .map(str::to_string)
                .or_else(|| plan.custom[i].as_ref().map(|k| format!("{}{k}", crate::custom_fields::PREFIX)))?;
            Some((plan.headers[i].clone(), target))
        })
        .collect();
    // Not listed: the columns an errors file adds in front of the rows (see `write_errors`).
    let ignored_columns = plan
        .headers
        .iter()
        .enumerate()
        .zip(&plan.columns)
        .filter(|((i, h), c)| {
            c.is_none() && plan.custom[*i].is_none() && !plan.computed[*i] && !ERROR_COLUMNS.contains(&h.as_str())
        })
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
        new_fields,
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
    let (plan, _) = planned(store, path, opts, false)?;
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
