//! Export of every live customer as CSV or JSON lines. The CSV re-imports into an empty
//! database with nothing lost or changed (ids, codes, timestamps and status included).

use std::io::Write;

use crate::customers::Customer;
use crate::error::{CoreError, CoreResult};
use crate::store::{Reader, Store};
use chrono::SecondsFormat;

mod everything;
mod to_file;

pub use to_file::export_to_file;

pub use everything::{export_everything, new_folder_in, EverythingReport, ExportedFile};

pub const COLUMNS: &[&str] = &[
    "id",
    "code",
    "first_name",
    "last_name",
    "email",
    "email_shared",
    "phone_raw",
    "phone_e164",
    "phone_shared",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
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

fn record(c: &Customer) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let b = |v: bool| if v { "yes".to_string() } else { String::new() };
    vec![
        c.id.to_string(),
        c.code.clone(),
        c.first_name.clone(),
        c.last_name.clone(),
        o(&c.email),
        b(c.email_shared),
        o(&c.phone_raw),
        o(&c.phone_e164),
        b(c.phone_shared),
        o(&c.address_line1),
        o(&c.address_line2),
        o(&c.city),
        o(&c.state),
        o(&c.postal_code),
        o(&c.country),
        c.branch.clone(),
        c.status.as_str().to_string(),
        o(&c.blocked_reason),
        c.tags.join(" | "),
        o(&c.remarks),
        c.birthday.map(|d| d.to_string()).unwrap_or_default(),
        c.marketing_consent.as_ref().map(|m| if m.granted { "yes" } else { "no" }.to_string()).unwrap_or_default(),
        c.marketing_consent.as_ref().map(|m| m.at.to_rfc3339_opts(SecondsFormat::Millis, true)).unwrap_or_default(),
        c.marketing_consent.as_ref().map(|m| m.by.clone()).unwrap_or_default(),
        c.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        c.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
    ]
}

/// Writes every live (not archived) customer, in record order. Returns how many.
pub fn export(store: &Store, format: Format, out: &mut dyn Write) -> CoreResult<u64> {
    store.read(|r| customers(r, format, false, out))
}

/// Writes the customers in record order, the archived ones too when `archived` (the CSV then
/// has an `archived_at` column). Returns how many.
pub(crate) fn customers(r: &Reader<'_>, format: Format, archived: bool, out: &mut dyn Write) -> CoreResult<u64> {
    let sql = format!(
        "SELECT {} FROM {} {} ORDER BY c.seq",
        crate::customers::read_columns(),
        crate::customers::read_from(),
        if archived { "" } else { "WHERE c.archived_at IS NULL" }
    );
    let mut st = r.conn().prepare(&sql)?;
    let mut rows = st.query([])?;
    let mut n = 0u64;
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut header = COLUMNS.to_vec();
            if archived {
                header.push("archived_at");
            }
            w.write_record(&header).map_err(io_err)?;
            while let Some(row) = rows.next()? {
                let (_, c) = crate::customers::customer_from_row(row)?;
                let mut fields = record(&c);
                if archived {
                    fields.push(
                        c.archived_at.map(|a| a.to_rfc3339_opts(SecondsFormat::Millis, true)).unwrap_or_default(),
                    );
                }
                w.write_record(fields).map_err(io_err)?;
                n += 1;
            }
            w.flush().map_err(io_err)?;
        }
        Format::Json => {
            while let Some(row) = rows.next()? {
                let (_, c) = crate::customers::customer_from_row(row)?;
                serde_json::to_writer(&mut *out, &c).map_err(io_err)?;
                out.write_all(b"\n").map_err(io_err)?;
                n += 1;
            }
        }
    }
    Ok(n)
}
