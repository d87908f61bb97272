//! Reading definitions.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{FieldDef, FieldKind, FieldOption, Place};
use crate::error::{CoreError, CoreResult};
use crate::ids::BranchId;
use crate::store::{Reader, Store};

const COLUMNS: &str = "id, key, label, kind, required, help, default_value, position, section, shown_in, \
    searchable, branches, is_unique, decimals, unit, archived_at";

fn def_from_row(r: &Row<'_>) -> rusqlite::Result<FieldDef> {
    let kind: String = r.get("kind")?;
    let shown: i64 = r.get("shown_in")?;
    let default: Option<String> = r.get("default_value")?;
    let branches: Option<String> = r.get("branches")?;
    Ok(FieldDef {
        id: r.get("id")?,
        key: r.get("key")?,
        label: r.get("label")?,
        kind: FieldKind::parse(&kind).unwrap_or(FieldKind::Text),
        required: r.get("required")?,
        help: r.get("help")?,
        default_value: default.and_then(|d| serde_json::from_str(&d).ok()),
        position: r.get("position")?,
        section: r.get("section")?,
        shown_in: Place::ALL.into_iter().filter(|p| shown & p.bit() != 0).collect(),
        searchable: r.get("searchable")?,
        branches: branches
            .and_then(|b| serde_json::from_str::<Vec<i64>>(&b).ok())
            .unwrap_or_default()
            .into_iter()
            .map(BranchId)
            .collect(),
        unique: r.get("is_unique")?,
        decimals: r.get::<_, Option<i64>>("decimals")?.map(|d| d as u8),
        unit: r.get("unit")?,
        options: Vec::new(),
        archived: r.get::<_, Option<i64>>("archived_at")?.is_some(),
    })
}

fn with_options(conn: &Connection, mut def: FieldDef) -> CoreResult<FieldDef> {
    let mut st = conn.prepare_cached(
        "SELECT id, label, retired FROM custom_field_options WHERE field_id = ?1 ORDER BY position, id",
    )?;
    def.options = st
        .query_map([def.id], |r| Ok(FieldOption { id: r.get(0)?, label: r.get(1)?, retired: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    Ok(def)
}

/// The field with this key, else with this label in any case (archived ones too, deleted ones
/// not).
pub(crate) fn by_key(conn: &Connection, key: &str) -> CoreResult<FieldDef> {
    let key = key.trim().strip_prefix(super::PREFIX).unwrap_or(key.trim());
    let sql = format!(
        "SELECT {COLUMNS} FROM custom_fields WHERE (key = ?1 OR lower(label) = lower(?1)) AND deleted_at IS NULL \
         ORDER BY key = ?1 DESC LIMIT 1"
    );
    let def = conn.prepare_cached(&sql)?.query_row([key], def_from_row).optional()?;
    match def {
        Some(d) => with_options(conn, d),
        None => Err(CoreError::not_found("custom field", key)),
    }
}

/// Every field not deleted, in form order; archived ones only when asked.
pub(crate) fn all(conn: &Connection, archived: bool) -> CoreResult<Vec<FieldDef>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM custom_fields WHERE deleted_at IS NULL AND (?1 OR archived_at IS NULL) ORDER BY position, id"
    );
    let defs: Vec<FieldDef> =
        conn.prepare_cached(&sql)?.query_map(params![archived], def_from_row)?.collect::<Result<_, _>>()?;
    defs.into_iter().map(|d| with_options(conn, d)).collect()
}

/// How many customers have a value in the field.
pub(crate) fn customers_with_values(conn: &Connection, field_id: i64) -> CoreResult<u64> {
    Ok(conn
        .prepare_cached("SELECT count(DISTINCT customer_seq) FROM custom_values WHERE field_id = ?1")?
        .query_row([field_id], |r| r.get::<_, i64>(0))? as u64)
}

impl Reader<'_> {
    pub fn custom_fields(&self, archived: bool) -> CoreResult<Vec<FieldDef>> {
        all(self.conn, archived)
    }
}

impl Store {
    /// The live custom fields in form order (`archived`: the archived ones too).
    pub fn custom_fields(&self, archived: bool) -> CoreResult<Vec<FieldDef>> {
        self.read(|r| r.custom_fields(archived))
    }

    pub fn custom_field(&self, key: &str) -> CoreResult<FieldDef> {
        self.read(|r| by_key(r.conn, key))
    }

    /// How many customers would lose a value if the field were deleted.
    pub fn custom_field_value_count(&self, key: &str) -> CoreResult<u64> {
        self.read(|r| customers_with_values(r.conn, by_key(r.conn, key)?.id))
    }
}
