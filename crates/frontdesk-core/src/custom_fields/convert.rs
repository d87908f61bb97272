//! Changing a field's kind in place, only where no value can be lost: text ↔ long text, one
//! choice → several, number / date / email / phone / URL → text, text → one or several choices
//! (an option per distinct value). Any other change, or one a value does not fit (a long text
//! with a line break becoming text, more distinct values than a choice may offer), is refused
//! with the reason and nothing is changed.

use rusqlite::params;

use super::model::{FieldDef, FieldKind};
use super::stored::shown;
use super::values::Stored;
use crate::error::{CoreError, CoreResult};
use crate::store::Writer;

use super::values::{LONG_TEXT_MAX, TEXT_MAX};
use super::write::{OPTIONS_MAX, OPTION_MAX};

fn name(kind: FieldKind) -> String {
    super::model::a_kind(kind).split_once(' ').map_or(String::new(), |(_, n)| n.to_string())
}

/// The code of customer `seq`, for a refusal to name.
fn code_of(w: &Writer<'_>, seq: i64) -> CoreResult<String> {
    Ok(w.conn().query_row("SELECT code FROM customers WHERE seq = ?1", [seq], |r| r.get(0))?)
}

fn refused(code: &str, message: String) -> CoreError {
    CoreError::validation("kind", code, message)
}

/// The values of `def`, one text per customer (`(customer_seq, text)`), as people read them.
fn texts(w: &Writer<'_>, def: &FieldDef) -> CoreResult<Vec<(i64, String)>> {
    let mut st = w.conn().prepare("SELECT customer_seq, t, n FROM custom_values WHERE field_id = ?1 AND item = 0")?;
    let rows = st.query_map([def.id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, t, n): (i64, Option<String>, Option<f64>) = row?;
        let stored = match (t, n) {
            (Some(t), _) => Stored::Text(t),
            (None, Some(n)) => Stored::Number(n),
            (None, None) => continue,
        };
        out.push((seq, super::as_text(&shown(def, &stored))));
    }
    Ok(out)
}

/// Rewrites `def`'s values for `to` (the caller then saves the new kind). Returns how many
/// customers' values were rewritten.
pub(crate) fn convert(w: &mut Writer<'_>, def: &FieldDef, to: FieldKind) -> CoreResult<u64> {
    use FieldKind::*;
    // A field no customer has a value in can become anything.
    let any: bool =
        w.conn().query_row("SELECT EXISTS(SELECT 1 FROM custom_values WHERE field_id = ?1)", [def.id], |r| r.get(0))?;
    if !any {
        return Ok(0);
    }
    match (def.kind, to) {
        (Choice, Text) => {
            let rows: Vec<(i64, i64)> = {
                let mut st = w.conn().prepare("SELECT customer_seq, item FROM custom_values WHERE field_id = ?1")?;
                let rows = st.query_map([def.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut st = w.conn().prepare(
                "UPDATE custom_values SET item = 0, t = ?4, n = NULL WHERE field_id = ?1 AND customer_seq = ?2 AND item = ?3",
            )?;
            for (seq, id) in &rows {
                let label = def.options.iter().find(|o| o.id == *id).map_or_else(|| id.to_string(), |o| o.label.clone());
                st.execute(params![def.id, seq, id, label])?;
            }
            Ok(rows.len() as u64)
        }
        (Choices, Choice) => {
            let several: i64 = w.conn().query_row(
                "SELECT count(*) FROM (SELECT customer_seq FROM custom_values WHERE field_id = ?1 GROUP BY customer_seq HAVING count(*) > 1)",
                [def.id],
                |r| r.get(0),
            )?;
            if several > 0 {
                return Err(refused(
                    "values_do_not_fit",
                    format!(
                        "{several} customer{} ha{} more than one option in {}, which one choice cannot hold; keep several choices, or leave each of them one first.",
                        if several == 1 { "" } else { "s" },
                        if several == 1 { "s" } else { "ve" },
                        def.label
                    ),
                ));
            }
            Ok(0)
        }
        (Text, Number | Date | Email | Phone | Url) => {
            // Only when every value reads as the new kind (then kept as it reads).
            let values = texts(w, def)?;
            let target = FieldDef { kind: to, ..def.clone() };
            let desk = w.desk();
            let today = crate::clock::ms_to_datetime(w.now_ms()).date_naive();
            let reading = super::Reading { region: &desk.default_region, date_order: desk.locale.date_order, today };
            let mut read = Vec::with_capacity(values.len());
            let mut misfits = Vec::new();
            for (seq, text) in &values {
                match super::values::check(&target, &serde_json::Value::String(text.clone()), &reading) {
                    Ok(Some(stored)) => read.push((*seq, stored)),
                    Ok(None) => {}
                    Err(e) => misfits.push((*seq, e.to_string())),
                }
            }
            if let Some((seq, why)) = misfits.first() {
                let code = code_of(w, *seq)?;
                return Err(refused(
                    "values_do_not_fit",
                    format!(
                        "{} of {} values {} not {} ({code}: {why}); correct {} or keep it a text field.",
                        misfits.len(),
                        values.len(),
                        if misfits.len() == 1 { "is" } else { "are" },
                        super::model::a_kind(to).to_lowercase(),
                        if misfits.len() == 1 { "it" } else { "them" }
                    ),
                ));
            }
            for (seq, stored) in &read {
                super::stored::put(w.conn(), *seq, &target, Some(stored))?;
            }
            Ok(read.len() as u64)
        }
        // Same rows: one option id per chosen option.
        (Choice, Choices) | (Email | Phone | Url | LongText, Text) | (Text, LongText) => {
            let max = if to == Text { TEXT_MAX } else { LONG_TEXT_MAX };
            let values = texts(w, def)?;
            let misfits: Vec<&(i64, String)> = values
                .iter()
                .filter(|(_, t)| to == Text && (t.contains('\n') || t.chars().count() > max))
                .collect();
            if let Some((seq, _)) = misfits.first() {
                let code = code_of(w, *seq)?;
                return Err(refused(
                    "values_do_not_fit",
                    format!(
                        "{} customer{} ({code}{}) ha{} {} value with a line break or longer than {max} characters, which a text field cannot hold; shorten {} or keep it a {} field.",
                        misfits.len(),
                        if misfits.len() == 1 { "" } else { "s" },
                        if misfits.len() > 1 { " and others" } else { "" },
                        if misfits.len() == 1 { "s" } else { "ve" },
                        super::model::a_kind(def.kind).to_lowercase(),
                        if misfits.len() == 1 { "it" } else { "them" },
                        name(def.kind)
                    ),
                ));
            }
            Ok(values.len() as u64)
        }
        (Number | Date, Text) => {
            let values = texts(w, def)?;
            let mut st = w.conn().prepare("UPDATE custom_values SET t = ?3, n = NULL WHERE field_id = ?1 AND customer_seq = ?2")?;
            for (seq, text) in &values {
                st.execute(params![def.id, seq, text])?;
            }
            Ok(values.len() as u64)
        }
        (Text, Choice | Choices) => {
            let values = texts(w, def)?;
            // One option per value, values differing only in case sharing the first spelling.
            let mut labels: Vec<String> = Vec::new();
            let mut of_value: Vec<usize> = Vec::with_capacity(values.len());
            for (_, t) in &values {
                let t = t.trim();
                let i = match labels.iter().position(|l| l.to_lowercase() == t.to_lowercase()) {
                    Some(i) => i,
                    None => {
                        labels.push(t.to_string());
                        labels.len() - 1
                    }
                };
                of_value.push(i);
            }
            if labels.len() > OPTIONS_MAX {
                return Err(refused(
                    "too_many_values",
                    format!(
                        "\"{}\" holds {} different values; a choice field offers at most {OPTIONS_MAX}. Keep it a text field.",
                        def.label,
                        labels.len()
                    ),
                ));
            }
            if let Some(long) = labels.iter().find(|l| l.chars().count() > OPTION_MAX) {
                return Err(refused(
                    "values_do_not_fit",
                    format!(
                        "\"{}…\" is longer than an option may be ({OPTION_MAX} characters); shorten it or keep it a text field.",
                        long.chars().take(30).collect::<String>()
                    ),
                ));
            }
            let mut ids = Vec::with_capacity(labels.len());
            for (position, label) in labels.iter().enumerate() {
                w.conn().execute(
                    "INSERT INTO custom_field_options(field_id, label, position) VALUES (?1, ?2, ?3)",
                    params![def.id, label, (def.options.len() + position) as i64],
                )?;
                ids.push(w.conn().last_insert_rowid());
            }
            let mut st = w.conn().prepare(
                "UPDATE custom_values SET item = ?3, t = NULL, n = ?4 WHERE field_id = ?1 AND customer_seq = ?2 AND item = 0",
            )?;
            for ((seq, _), i) in values.iter().zip(&of_value) {
                st.execute(params![def.id, seq, ids[*i], ids[*i] as f64])?;
            }
            Ok(values.len() as u64)
        }
        _ => Err(refused(
            "change_not_supported",
            format!(
                "{} field cannot become {} field without losing values; add a new {} field instead (the old one's values stay where they are).",
                super::model::a_kind(def.kind),
                super::model::a_kind(to).to_lowercase(),
                name(to)
            ),
        )),
    }
}
