//! A customer's custom values on the form's write path: checked against the definitions that
//! apply to the customer's branch, unique ones among live customers, then written with a
//! timeline change and an outbox record each, in the form's transaction.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::Value;

use super::model::CustomerInput;
use super::timeline::FieldChange;
use crate::custom_fields::{self, FieldDef, Place, Reading, Stored};
use crate::error::{CoreError, CoreResult};
use crate::ids::BranchId;

/// A custom value the form changes.
#[derive(Debug, Clone)]
pub(crate) struct CustomEdit {
    def: FieldDef,
    old: Option<Stored>,
    new: Option<Stored>,
}

/// How the values arrive: typed in a form (which decides the required fields it must fill; a
/// new customer gets the defaults) or read from a file (neither: a file records what was, a
/// default would invent it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Saving {
    Form,
    Import,
}

fn place_of(input: &CustomerInput) -> Place {
    if input.quick_create {
        Place::QuickCreate
    } else {
        Place::Form
    }
}

/// The options of `def` a value may hold even if retired: the customer's own (`old`), or any
/// when importing.
fn held(def: &FieldDef, old: &Option<custom_fields::Stored>, saving: Saving) -> Vec<i64> {
    match (saving, old) {
        (Saving::Import, _) => def.options.iter().map(|o| o.id).collect(),
        (_, Some(custom_fields::Stored::Options(ids))) => ids.clone(),
        _ => Vec::new(),
    }
}

/// The field's name in errors: `custom.<key>`.
fn name(def: &FieldDef) -> String {
    format!("{}{}", custom_fields::PREFIX, def.key)
}

/// Checks the form's custom values for a customer in `branch` (`seq`: the one being edited;
/// `None`: a new one, who gets the fields' defaults). Every problem is returned, in form order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    conn: &Connection,
    defs: &[FieldDef],
    input: &CustomerInput,
    branch: BranchId,
    seq: Option<i64>,
    reading: &Reading<'_>,
    saving: Saving,
) -> CoreResult<Result<Vec<CustomEdit>, Vec<CoreError>>> {
    let mut errors = Vec::new();
    let mut given: BTreeMap<String, &Value> = BTreeMap::new();
    for (key, value) in &input.custom {
        let key = key.trim().strip_prefix(custom_fields::PREFIX).unwrap_or(key.trim());
        if defs.iter().any(|d| d.key == key) {
            given.insert(key.to_string(), value);
        } else {
            errors.push(CoreError::validation(
                &format!("{}{key}", custom_fields::PREFIX),
                "unknown_field",
                format!("There is no customer field \"{key}\"; Settings → Customer fields lists them."),
            ));
        }
    }
    let place = place_of(input);
    let mut edits = Vec::new();
    for def in defs.iter().cloned() {
        let old = match seq {
            Some(seq) => custom_fields::get_value(conn, seq, &def)?,
            None => None,
        };
        let applies = !def.archived && (def.branches.is_empty() || def.branches.contains(&branch));
        let new = match given.get(&def.key) {
            // Options the customer has may be retired ones (kept, no longer offered); an import
            // brings in what another desk or system held.
            Some(value) => match custom_fields::check_holding(&def, value, reading, &held(&def, &old, saving)) {
                Ok(new) => new,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            None if seq.is_none() && applies && saving == Saving::Form => match &def.default_value {
                Some(default) => custom_fields::check_value(&def, default, reading).unwrap_or(None),
                None => None,
            },
            None => old.clone(),
        };
        if new != old {
            if def.archived && new.is_some() {
                errors.push(CoreError::validation(
                    &name(&def),
                    "archived",
                    format!(
                        "{} is archived; restore it (Settings → Customer fields, or `frontdesk fields restore {}`) to fill it in.",
                        def.label, def.key
                    ),
                ));
                continue;
            }
            if !applies && new.is_some() {
                errors.push(CoreError::validation(
                    &name(&def),
                    "not_in_branch",
                    format!("{} is not used in this customer's branch.", def.label),
                ));
                continue;
            }
            if let (true, Some(value)) = (def.unique, &new) {
                if let Some(holder) = custom_fields::holder(conn, &def, value, seq)? {
                    errors.push(CoreError::Duplicate {
                        field: name(&def),
                        existing: super::read::reference(conn, holder)?,
                    });
                    continue;
                }
            }
        }
        if saving == Saving::Form && def.required && applies && def.shown_in.contains(&place) && new.is_none() {
            errors.push(CoreError::validation(&name(&def), "required", format!("{} is required.", def.label)));
            continue;
        }
        if new != old {
            edits.push(CustomEdit { def, old, new });
        }
    }
    Ok(if errors.is_empty() { Ok(edits) } else { Err(errors) })
}

/// Writes the edits for customer `seq`; returns the timeline changes (`custom.<key>`: old → new,
/// as people read them).
pub(crate) fn write(conn: &Connection, seq: i64, edits: &[CustomEdit]) -> CoreResult<Vec<FieldChange>> {
    let mut changes = Vec::new();
    for e in edits {
        custom_fields::put_value(conn, seq, &e.def, e.new.as_ref())?;
        let shown = |v: &Option<Stored>| v.as_ref().map_or(Value::Null, |v| custom_fields::shown(&e.def, v));
        changes.push(FieldChange { field: name(&e.def), old: shown(&e.old), new: shown(&e.new) });
    }
    Ok(changes)
}

/// The required fields (that apply to the customer's branch) the customer has no value in:
/// what the profile marks as missing.
pub(crate) fn missing(
    conn: &Connection,
    branch: BranchId,
    values: &BTreeMap<String, Value>,
) -> CoreResult<Vec<String>> {
    Ok(custom_fields::all_defs(conn)?
        .into_iter()
        .filter(|d| d.required && !d.archived && (d.branches.is_empty() || d.branches.contains(&branch)))
        .filter(|d| !values.contains_key(&d.key))
        .map(|d| d.key)
        .collect())
}

/// A unique value of customer `seq` that a live customer now also holds (restoring the record
/// would make two): the `Duplicate` error naming them.
pub(crate) fn clash(conn: &Connection, seq: i64) -> CoreResult<Option<CoreError>> {
    for def in custom_fields::all_defs(conn)?.into_iter().filter(|d| d.unique) {
        if let Some(value) = custom_fields::get_value(conn, seq, &def)? {
            if let Some(holder) = custom_fields::holder(conn, &def, &value, Some(seq))? {
                return Ok(Some(CoreError::Duplicate {
                    field: name(&def),
                    existing: super::read::reference(conn, holder)?,
                }));
            }
        }
    }
    Ok(None)
}

/// A file's value left out of a customer because it did not validate.
#[derive(Debug, Clone)]
pub(crate) struct LeftOut {
    /// `custom.<key>`
    pub field: String,
    pub label: String,
    pub code: String,
    pub value: String,
    pub reason: String,
}

/// A file's custom values for a new customer in `branch`: those that do not validate (or that
/// a live customer already holds, for a unique field) are left out and returned, so the rest of
/// the row is written.
pub(crate) fn check_import(
    conn: &Connection,
    defs: &[FieldDef],
    input: &CustomerInput,
    branch: BranchId,
    reading: &Reading<'_>,
) -> CoreResult<(Vec<CustomEdit>, Vec<LeftOut>)> {
    let mut input = CustomerInput { custom: input.custom.clone(), ..Default::default() };
    let mut left_out = Vec::new();
    loop {
        match check(conn, defs, &input, branch, None, reading, Saving::Import)? {
            Ok(edits) => return Ok((edits, left_out)),
            Err(errors) => {
                let before = input.custom.len();
                for e in errors {
                    let (field, code, reason) = match e {
                        CoreError::Validation { field, code, message } => (field, code, message),
                        CoreError::Duplicate { field, existing } => {
                            let reason =
                                format!("{} ({}) already has this value.", existing.display_name, existing.code);
                            (field, "duplicate".to_string(), reason)
                        }
                        other => return Err(other),
                    };
                    let key = field.strip_prefix(custom_fields::PREFIX).unwrap_or(&field).to_string();
                    let value = input.custom.remove(&key).map(|v| custom_fields::as_text(&v)).unwrap_or_default();
                    let label = defs.iter().find(|d| d.key == key).map_or(key.clone(), |d| d.label.clone());
                    left_out.push(LeftOut { field, label, code, value, reason });
                }
                if input.custom.len() == before {
                    return Err(CoreError::validation("custom", "invalid", "The row's custom values are not valid."));
                }
            }
        }
    }
}
