//! A customer's values in `custom_values`: read back in the form people and files use (text,
//! a number, `YYYY-MM-DD`, yes/no as a boolean, an option's label or a list of labels), written
//! one field at a time, and who else holds a unique one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

use super::model::{FieldDef, FieldKind};
use super::values::Stored;
use crate::error::CoreResult;

/// A `custom_values` row: (item, t, n).
type ValueRow = (i64, Option<String>, Option<f64>);

/// `custom_values` rows of one customer and field, as kept.
fn from_rows(def: &FieldDef, rows: &[ValueRow]) -> Option<Stored> {
    if rows.is_empty() {
        return None;
    }
    Some(match def.kind {
        k if k.has_options() => Stored::Options(rows.iter().filter_map(|(_, _, n)| n.map(|n| n as i64)).collect()),
        FieldKind::Number | FieldKind::Date | FieldKind::YesNo => Stored::Number(rows[0].2.unwrap_or(0.0)),
        _ => Stored::Text(rows[0].1.clone().unwrap_or_default()),
    })
}

/// A stored value as people read it and files hold it.
pub(crate) fn shown(def: &FieldDef, stored: &Stored) -> Value {
    let label = |id: &i64| def.options.iter().find(|o| o.id == *id).map_or_else(|| id.to_string(), |o| o.label.clone());
    match (def.kind, stored) {
        (FieldKind::Date, Stored::Number(n)) => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            json!((epoch + chrono::Days::new(*n as u64)).format("%Y-%m-%d").to_string())
        }
        (FieldKind::YesNo, Stored::Number(n)) => json!(*n != 0.0),
        (FieldKind::Number, Stored::Number(n)) if n.fract() == 0.0 => json!(*n as i64),
        (FieldKind::Choice, Stored::Options(ids)) => ids.first().map_or(Value::Null, |id| json!(label(id))),
        (_, Stored::Options(ids)) => {
            // In the field's order of options (which a manager may change), not as stored.
            let at = |id: &i64| def.options.iter().position(|o| o.id == *id).unwrap_or(usize::MAX);
            let mut ids = ids.clone();
            ids.sort_by_key(at);
            json!(ids.iter().map(label).collect::<Vec<_>>())
        }
        (_, Stored::Number(n)) => json!(n),
        (_, Stored::Text(t)) => json!(t),
    }
}

/// A value as a cell of a file: text as it is, yes/no, a number, options joined by ` | `.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
        Value::Array(items) => items.iter().map(as_text).collect::<Vec<_>>().join(" | "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The customer's values of `defs`, by field key.
pub(crate) fn of_customer(conn: &Connection, seq: i64, defs: &[FieldDef]) -> CoreResult<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    if defs.is_empty() {
        return Ok(out);
    }
    let mut by_field: BTreeMap<i64, Vec<ValueRow>> = BTreeMap::new();
    let mut st = conn.prepare_cached(
        "SELECT field_id, item, t, n FROM custom_values WHERE customer_seq = ?1 ORDER BY field_id, item",
    )?;
    let rows = st.query_map([seq], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
    for row in rows {
        let (field, value) = row?;
        by_field.entry(field).or_default().push(value);
    }
    for def in defs {
        if let Some(stored) = by_field.get(&def.id).and_then(|rows| from_rows(def, rows)) {
            out.insert(def.key.clone(), shown(def, &stored));
        }
    }
    Ok(out)
}

/// The customer's value of one field, as kept.
pub(crate) fn get(conn: &Connection, seq: i64, def: &FieldDef) -> CoreResult<Option<Stored>> {
    let mut st = conn.prepare_cached(
        "SELECT item, t, n FROM custom_values WHERE customer_seq = ?1 AND field_id = ?2 ORDER BY item",
    )?;
    let rows: Vec<ValueRow> =
        st.query_map(params![seq, def.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    Ok(from_rows(def, &rows))
}

/// Replaces the customer's value of `def` (`None`: no value).
pub(crate) fn put(conn: &Connection, seq: i64, def: &FieldDef, value: Option<&Stored>) -> CoreResult<()> {
    conn.prepare_cached("DELETE FROM custom_values WHERE customer_seq = ?1 AND field_id = ?2")?
        .execute(params![seq, def.id])?;
    let mut insert = conn
        .prepare_cached("INSERT INTO custom_values(customer_seq, field_id, item, t, n) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    match value {
        None => {}
        Some(Stored::Text(t)) => {
            insert.execute(params![seq, def.id, 0, t, Option::<f64>::None])?;
        }
        Some(Stored::Number(n)) => {
            insert.execute(params![seq, def.id, 0, Option::<String>::None, n])?;
        }
        Some(Stored::Options(ids)) => {
            for id in ids {
                insert.execute(params![seq, def.id, id, Option::<String>::None, *id as f64])?;
            }
        }
    }
    Ok(())
}

/// The live (not archived) customer other than `except` who holds `value` in `def`, if any.
/// Text is compared as stored (email values are kept in lower case, phones in E.164) and in
/// lower and upper case, so the field's index answers it.
pub(crate) fn holder(
    conn: &Connection,
    def: &FieldDef,
    value: &Stored,
    except: Option<i64>,
) -> CoreResult<Option<i64>> {
    let found = match value {
        Stored::Text(t) => conn
            .prepare_cached(
                "SELECT v.customer_seq FROM custom_values v JOIN customers c ON c.seq = v.customer_seq \
                 WHERE v.field_id = ?1 AND v.t IN (?2, ?4, ?5) AND c.archived_at IS NULL AND v.customer_seq IS NOT ?3 \
                 LIMIT 1",
            )?
            // "m-0001" is "M-0001" (each spelling is an index lookup; mixed case is not folded).
            .query_row(params![def.id, t, except, t.to_lowercase(), t.to_uppercase()], |r| r.get(0)),
        Stored::Number(n) => conn
            .prepare_cached(
                "SELECT v.customer_seq FROM custom_values v JOIN customers c ON c.seq = v.customer_seq \
                 WHERE v.field_id = ?1 AND v.n = ?2 AND c.archived_at IS NULL AND v.customer_seq IS NOT ?3 LIMIT 1",
            )?
            .query_row(params![def.id, n, except], |r| r.get(0)),
        Stored::Options(_) => return Ok(None),
    };
    match found {
        Ok(seq) => Ok(Some(seq)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
