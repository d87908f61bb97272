//! Export of every live customer as CSV or JSON lines. The CSV re-imports into an empty
//! database with nothing lost or changed (ids, codes, timestamps and status included).

use std::io::Write;

use crate::customers::Customer;
use crate::error::{CoreError, CoreResult};
use crate::store::{Reader, Store};
use chrono::SecondsFormat;

mod everything;
mod to_file;

pub use to_file::{export_matching_to_file, export_to_file};

pub use everything::{export_everything, new_file_in, new_folder_in, EverythingReport, ExportedFile};

/// A column of the customers export and how a customer's value is written in it.
type Column = (&'static str, fn(&Customer) -> String);

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn yes(v: bool) -> String {
    if v { "yes" } else { "" }.to_string()
}

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The columns before the text fields (which stand where the address always stood).
const BEFORE: &[Column] = &[
    ("id", |c| c.id.to_string()),
    ("code", |c| c.code.clone()),
    ("first_name", |c| c.first_name.clone()),
    ("last_name", |c| c.last_name.clone()),
    ("email", |c| text(&c.email)),
    ("email_shared", |c| yes(c.email_shared)),
    ("phone_raw", |c| text(&c.phone_raw)),
    ("phone_e164", |c| text(&c.phone_e164)),
    ("phone_shared", |c| yes(c.phone_shared)),
];

/// The columns after the text fields.
const AFTER: &[Column] = &[
    ("branch", |c| c.branch.clone()),
    ("status", |c| c.status.as_str().to_string()),
    ("blocked_reason", |c| text(&c.blocked_reason)),
    ("tags", |c| c.tags.join(" | ")),
    ("remarks", |c| text(&c.remarks)),
    ("birthday", |c| c.birthday.map(|d| d.to_string()).unwrap_or_default()),
    ("marketing_consent", |c| {
        c.marketing_consent.as_ref().map(|m| if m.granted { "yes" } else { "no" }.to_string()).unwrap_or_default()
    }),
    ("marketing_consent_at", |c| c.marketing_consent.as_ref().map(|m| time(&m.at)).unwrap_or_default()),
    ("marketing_consent_by", |c| c.marketing_consent.as_ref().map(|m| m.by.clone()).unwrap_or_default()),
    ("created_at", |c| time(&c.created_at)),
    ("updated_at", |c| time(&c.updated_at)),
];

/// The columns of a customers export (what `import` reads back), in order.
pub fn columns() -> Vec<&'static str> {
    let text = crate::customers::TEXT_FIELDS.iter().map(|f| f.key);
    BEFORE.iter().map(|(name, _)| *name).chain(text).chain(AFTER.iter().map(|(name, _)| *name)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// One JSON object per line.
    Json,
}

pub(crate) fn io_err(e: impl std::fmt::Display) -> CoreError {
    CoreError::File {
        path: String::new(),
        line: None,
        code: "unwritable".into(),
        message: format!("Cannot write the export: {e}"),
    }
}

/// A customer's values in [`columns`] order.
fn record(c: &Customer) -> Vec<String> {
    let text = c.text.iter().map(|(_, v)| text(v));
    BEFORE.iter().map(|(_, value)| value(c)).chain(text).chain(AFTER.iter().map(|(_, value)| value(c))).collect()
}

/// Writes every live (not archived) customer, in record order. Returns how many.
pub fn export(store: &Store, format: Format, out: &mut dyn Write) -> CoreResult<u64> {
    store.read(|r| customers(r, format, false, out))
}

/// Writes the customers the directory lists with `filter` (a segment's conditions, its branch
/// and status), in record order, as [`export`] does. Returns how many.
pub fn export_matching(
    store: &Store,
    filter: &crate::search::SearchFilter,
    format: Format,
    out: &mut dyn Write,
) -> CoreResult<u64> {
    store.read(|r| {
        let (sql, params) = r.filter_where(filter)?;
        let archived =
            filter.status == crate::search::StatusFilter::All || filter.status == crate::search::StatusFilter::Archived;
        write_customers(r, format, archived, &format!("WHERE 1{sql}"), params, out)
    })
}

/// Writes the customers in record order, the archived ones too when `archived` (the CSV then
/// has an `archived_at` column). Returns how many.
pub(crate) fn customers(r: &Reader<'_>, format: Format, archived: bool, out: &mut dyn Write) -> CoreResult<u64> {
    let only_live = if archived { "" } else { "WHERE c.archived_at IS NULL" };
    write_customers(r, format, archived, only_live, Vec::new(), out)
}

fn write_customers(
    r: &Reader<'_>,
    format: Format,
    archived: bool,
    where_sql: &str,
    params: Vec<rusqlite::types::Value>,
    out: &mut dyn Write,
) -> CoreResult<u64> {
    let sql = format!(
        "SELECT {} FROM {} {where_sql} ORDER BY c.seq",
        crate::customers::read_columns(),
        crate::customers::read_from(),
    );
    let mut st = r.conn().prepare(&sql)?;
    let mut rows = st.query(rusqlite::params_from_iter(params))?;
    let mut n = 0u64;
    // The business's own fields: one column each, headed by its label, after the standard ones.
    let defs = r.custom_fields(false)?;
    let read = |row: &rusqlite::Row<'_>| -> CoreResult<Customer> {
        let (seq, mut c) = crate::customers::customer_from_row(row)?;
        if !defs.is_empty() {
            c.custom = crate::custom_fields::of_customer(r.conn(), seq, &defs)?;
        }
        Ok(c)
    };
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut header: Vec<&str> = columns();
            if archived {
                header.push("archived_at");
            }
            header.extend(defs.iter().map(|d| d.label.as_str()));
            w.write_record(&header).map_err(io_err)?;
            while let Some(row) = rows.next()? {
                let c = read(row)?;
                let mut fields = record(&c);
                if archived {
                    fields.push(c.archived_at.map(|a| time(&a)).unwrap_or_default());
                }
                fields.extend(
                    defs.iter().map(|d| c.custom.get(&d.key).map(crate::custom_fields::as_text).unwrap_or_default()),
                );
                w.write_record(fields).map_err(io_err)?;
                n += 1;
            }
            w.flush().map_err(io_err)?;
        }
        Format::Json => {
            while let Some(row) = rows.next()? {
                let c = read(row)?;
                serde_json::to_writer(&mut *out, &c).map_err(io_err)?;
                out.write_all(b"\n").map_err(io_err)?;
                n += 1;
            }
        }
    }
    Ok(n)
}
