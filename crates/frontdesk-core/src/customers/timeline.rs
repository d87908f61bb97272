//! The customer's timeline: who changed what, when.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::ms_to_datetime;
use crate::error::CoreResult;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimelineEvent {
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    /// `created`, `imported`, `updated`, `blocked`, `unblocked`, `archived`, `restored`
    pub kind: String,
    pub changes: Vec<FieldChange>,
    /// The reason (blocked) or note (unblocked), when given.
    pub note: Option<String>,
    /// The file a customer was imported from.
    pub import_file: Option<String>,
    /// The appointment or order the event is about.
    pub subject: Option<Subject>,
}

/// What an event is about, beyond the customer: `{kind: "appointment" | "order", id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Subject {
    pub kind: String,
    pub id: String,
}

/// `data` column: `{"changes": [[field, old, new], ...], "note": "...", "subject": {...}}`,
/// each optional.
pub(crate) fn encode(changes: &[FieldChange], note: Option<&str>) -> Option<String> {
    encode_about(changes, note, None)
}

pub(crate) fn encode_about(changes: &[FieldChange], note: Option<&str>, subject: Option<&Subject>) -> Option<String> {
    if changes.is_empty() && note.is_none() && subject.is_none() {
        return None;
    }
    let mut obj = serde_json::Map::new();
    if !changes.is_empty() {
        obj.insert(
            "changes".into(),
            Value::Array(
                changes
                    .iter()
                    .map(|c| Value::Array(vec![c.field.clone().into(), c.old.clone(), c.new.clone()]))
                    .collect(),
            ),
        );
    }
    if let Some(n) = note {
        obj.insert("note".into(), n.into());
    }
    if let Some(s) = subject {
        obj.insert("subject".into(), serde_json::json!({"kind": s.kind, "id": s.id}));
    }
    Some(Value::Object(obj).to_string())
}

fn decode(data: Option<String>) -> (Vec<FieldChange>, Option<String>, Option<Subject>) {
    let Some(v) = data.and_then(|d| serde_json::from_str::<Value>(&d).ok()) else { return (vec![], None, None) };
    let changes = v
        .get("changes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    let c = c.as_array()?;
                    Some(FieldChange {
                        field: c.first()?.as_str()?.to_string(),
                        old: c.get(1)?.clone(),
                        new: c.get(2)?.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let subject = v.get("subject").and_then(|s| serde_json::from_value(s.clone()).ok());
    (changes, v.get("note").and_then(Value::as_str).map(String::from), subject)
}

const SELECT: &str = "SELECT e.seq, e.at, e.actor, e.kind, e.data, NULL FROM events e";

fn map(r: &rusqlite::Row<'_>) -> rusqlite::Result<TimelineEvent> {
    let (changes, note, subject) = decode(r.get(4)?);
    Ok(TimelineEvent {
        seq: r.get(0)?,
        at: ms_to_datetime(r.get(1)?),
        actor: r.get(2)?,
        kind: r.get(3)?,
        changes,
        note,
        import_file: r.get(5)?,
        subject,
    })
}

/// Newest first. An imported customer's first entry comes from the import (`seq` 0).
pub(crate) fn page(
    conn: &Connection,
    customer_seq: i64,
    before: Option<i64>,
    limit: usize,
) -> CoreResult<Vec<TimelineEvent>> {
    let sql = format!("{SELECT} WHERE e.customer_seq = ?1 AND e.seq < ?2 ORDER BY e.seq DESC LIMIT ?3");
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params![customer_seq, before.unwrap_or(i64::MAX), limit as i64], map)?;
    let mut out: Vec<TimelineEvent> = rows.collect::<Result<_, _>>()?;
    if out.len() < limit && before.map(|b| b > 0).unwrap_or(true) {
        let imported = conn
            .prepare_cached(
                "SELECT i.at, i.actor, i.file_name FROM customers c JOIN imports i ON i.id = c.import_id WHERE c.seq = ?1",
            )?
            .query_row([customer_seq], |r| {
                Ok(TimelineEvent {
                    seq: 0,
                    at: ms_to_datetime(r.get(0)?),
                    actor: r.get(1)?,
                    kind: "imported".into(),
                    changes: vec![],
                    note: None,
                    import_file: r.get(2)?,
                    subject: None,
                })
            })
            .optional()?;
        out.extend(imported);
    }
    Ok(out)
}

pub(crate) fn status_history(conn: &Connection, customer_seq: i64) -> CoreResult<Vec<TimelineEvent>> {
    let sql = format!("{SELECT} WHERE e.customer_seq = ?1 AND e.kind IN ('blocked', 'unblocked') ORDER BY e.seq DESC");
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map([customer_seq], map)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
