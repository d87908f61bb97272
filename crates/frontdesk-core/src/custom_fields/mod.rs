//! The business's own customer fields (hair type, patch-test date, membership number…): their
//! definitions here, read and written through the store like every other record; each value is
//! `custom.<key>` to validation and errors. Values are stored typed, one row per customer and
//! field (`custom_values`), so renames are free and comparisons numeric where they should be.

mod convert;
mod model;
mod read;
mod stored;
mod values;
mod write;

pub use model::{FieldDef, FieldInput, FieldKind, FieldOption, OptionChange, Place};
pub use stored::as_text;
pub use write::key_from_label;

pub(crate) use stored::{get as get_value, holder, of_customer, put as put_value, shown};
pub(crate) use values::{check as check_value, check_holding, Reading, Stored};

/// Every field not deleted, archived ones included, in form order.
pub(crate) fn all_defs(conn: &rusqlite::Connection) -> crate::error::CoreResult<Vec<FieldDef>> {
    read::all(conn, true)
}

/// The live fields shown as directory columns (none: no query beyond a cheap check).
pub(crate) fn column_defs(conn: &rusqlite::Connection) -> crate::error::CoreResult<Vec<FieldDef>> {
    let any: bool = conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM custom_fields WHERE deleted_at IS NULL AND archived_at IS NULL AND shown_in & ?1)",
        )?
        .query_row([Place::Column.bit()], |r| r.get(0))?;
    if !any {
        return Ok(Vec::new());
    }
    Ok(read::all(conn, false)?.into_iter().filter(|f| f.shown_in.contains(&Place::Column)).collect())
}

/// The customer's values of the live (not archived) fields, by key.
pub(crate) fn values_of(
    conn: &rusqlite::Connection,
    seq: i64,
) -> crate::error::CoreResult<std::collections::BTreeMap<String, serde_json::Value>> {
    let defs = read::all(conn, false)?;
    of_customer(conn, seq, &defs)
}

/// The prefix of a custom field's name in errors, imports and conditions: `custom.hair_type`.
pub const PREFIX: &str = "custom.";
