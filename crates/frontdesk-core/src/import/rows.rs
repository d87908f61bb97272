//! From a record of the file to a row the bulk write path takes, with what cannot be kept.

use std::collections::HashMap;

use crate::bulk::BulkRow;
use crate::customers::text_field;
use crate::error::{CoreError, CoreResult};
use crate::ids::CustomerId;
use crate::store::Store;

use super::*;

pub(super) fn parse_bool(field: &str, v: &str) -> CoreResult<Option<bool>> {
    match v.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "1" | "true" | "yes" | "y" | "opted in" | "subscribed" => Ok(Some(true)),
        "0" | "false" | "no" | "n" | "opted out" | "unsubscribed" => Ok(Some(false)),
        other => Err(CoreError::validation(field, "invalid_boolean", format!("\"{other}\" is not yes/no."))),
    }
}

/// What reading a record needs besides the record: each column's target, header and date order.
#[derive(Clone)]
pub(super) struct Reading {
    pub(super) columns: Vec<Option<&'static str>>,
    /// The custom field (key) of each column, if any.
    pub(super) custom: Vec<Option<String>>,
    pub(super) headers: Vec<String>,
    pub(super) orders: Vec<crate::locale::DateOrder>,
    pub(super) today: chrono::NaiveDate,
    /// The branch code of rows that name none (`None`: the desk's).
    pub(super) branch_default: Option<String>,
    /// A branch name in the file (lower case) → the desk branch code its rows go to.
    pub(super) branch_map: HashMap<String, String>,
    /// Who a marketing consent the file gives without its recorder was recorded by.
    pub(super) consent_by: String,
}

/// Reads a status word: blocked (or banned, not allowed) or not; anything else is kept as a
/// line in remarks ("Status: Inactive").
pub(super) fn blocked_word(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().replace(['\'', '’'], "").as_str() {
        "1" | "true" | "yes" | "y" | "blocked" | "banned" | "dont allow" | "not allowed" | "deny" | "denied" => {
            Some(true)
        }
        "" | "0" | "false" | "no" | "n" | "active" | "allow" | "allowed" | "unblocked" => Some(false),
        _ => None,
    }
}

/// Builds a row from a record; a reason to reject the row is its `error`.
/// A bad value in a field the customer can do without is left out and noted instead.
pub(super) fn to_row(line: u64, how: &Reading, rec: &csv::StringRecord) -> BulkRow {
    let mut row = BulkRow { line, ..Default::default() };
    let mut blocked: Option<bool> = None;
    let mut full_name = None;
    let mut phone_other: Option<(String, String)> = None;
    let mut extras: Vec<String> = Vec::new();
    let mut problems: Vec<CoreError> = Vec::new();
    let mut notices: Vec<crate::bulk::Notice> = Vec::new();
    let mut note = |field: &str, value: &str, e: CoreError| {
        let (code, reason) = match e {
            CoreError::Validation { code, message, .. } => (code, message),
            other => ("invalid".into(), other.to_string()),
        };
        notices.push(crate::bulk::Notice { field: field.into(), code, value: value.into(), reason });
    };
    for (i, key) in how.custom.iter().enumerate() {
        let value = rec.get(i).unwrap_or("").trim();
        if let (Some(key), false) = (key, value.is_empty()) {
            row.input.custom.insert(key.clone(), serde_json::Value::String(value.to_string()));
        }
    }
    for (i, field) in how.columns.iter().enumerate() {
        let Some(field) = field else { continue };
        let raw = rec.get(i).unwrap_or("");
        // "---" is how some systems write an empty cell.
        let v = if !raw.trim().is_empty() && raw.trim().chars().all(|c| c == '-') { "" } else { raw };
        let some = || {
            let t = v.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let date = |field: &str| -> CoreResult<Option<crate::locale::dates::Written>> {
            match some() {
                None => Ok(None),
                Some(t) => crate::locale::dates::parse(&t, how.orders[i], how.today)
                    .map(Some)
                    .map_err(|why| CoreError::validation(field, "invalid_date", why)),
            }
        };
        let input = &mut row.input;
        match *field {
            "id" => {
                if let Some(t) = some() {
                    match t.parse::<CustomerId>() {
                        Ok(id) => row.id = Some(id),
                        Err(_) => problems.push(CoreError::validation(
                            "id",
                            "invalid_id",
                            format!("\"{t}\" is not a customer id (a UUID)."),
                        )),
                    }
                }
            }
            "code" => row.code = some(),
            "first_name" => input.first_name = v.to_string(),
            "last_name" => input.last_name = v.to_string(),
            "full_name" => full_name = some(),
            "email" => input.email = some(),
            "email_shared" => match parse_bool("email_shared", v) {
                Ok(b) => input.email_shared = b.unwrap_or(false),
                Err(e) => note("email_shared", v, e),
            },
            // A leading apostrophe is a spreadsheet's mark for "text", not part of the number.
            "phone" => input.phone = some().map(|p| p.trim_start_matches('\'').to_string()),
            "phone_other" => {
                if let Some(p) = some() {
                    phone_other = Some((how.headers[i].clone(), p.trim_start_matches('\'').to_string()));
                }
            }
            "phone_shared" => match parse_bool("phone_shared", v) {
                Ok(b) => input.phone_shared = b.unwrap_or(false),
                Err(e) => note("phone_shared", v, e),
            },
            "branch" => row.branch = some().map(|b| how.branch_map.get(&b.to_lowercase()).cloned().unwrap_or(b)),
            "status" | "blocked" => {
                if let Some(t) = some() {
                    match blocked_word(&t) {
                        Some(b) => blocked = Some(blocked.unwrap_or(false) || b),
                        None => extras.push(format!("{}: {t}", how.headers[i])),
                    }
                }
            }
            "blocked_reason" => row.blocked_reason = some(),
            "tags" => {
                input.tags =
                    v.split(['|', ';', ',']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()
            }
            "remarks" => input.remarks = some(),
            "extra" => {
                if let Some(t) = some() {
                    extras.push(format!("{}: {t}", how.headers[i]));
                }
            }
            "birthday" => match date("birthday") {
                Ok(d) => input.birthday = d.map(|d| d.date().format("%Y-%m-%d").to_string()),
                Err(e) => note("birthday", v, e),
            },
            "marketing_consent" => match v.trim().to_lowercase().as_str() {
                "unknown" | "not set" | "pending" => {}
                _ => match parse_bool("marketing_consent", v) {
                    Ok(b) => input.marketing_consent = b,
                    Err(e) => note("marketing_consent", v, e),
                },
            },
            "marketing_consent_at" => match date("marketing_consent_at") {
                Ok(t) => row.consent_at = t.map(|t| t.timestamp_ms()),
                Err(e) => note("marketing_consent_at", v, e),
            },
            "marketing_consent_by" => row.consent_by = some(),
            "created_at" => match date("created_at") {
                Ok(t) => row.created_at = t.map(|t| t.timestamp_ms()),
                Err(e) => note("created_at", v, e),
            },
            "updated_at" => match date("updated_at") {
                Ok(t) => row.updated_at = t.map(|t| t.timestamp_ms()),
                Err(e) => note("updated_at", v, e),
            },
            "phone_e164" => row.phone_e164 = some(),
            f => {
                if let Some(t) = text_field(f) {
                    *(t.get_mut)(&mut input.text) = some().map(|v| t.imported(v));
                }
            }
        }
    }
    if let Some(full) = full_name {
        if row.input.first_name.trim().is_empty() && row.input.last_name.trim().is_empty() {
            let (f, l) = crate::customers::names::split_full_name(&full);
            row.input.first_name = f;
            row.input.last_name = l;
        }
    }
    if let Some((header, phone)) = phone_other {
        if row.input.phone.is_none() && row.phone_e164.is_none() {
            row.input.phone = Some(phone);
        } else {
            extras.push(format!("{header}: {phone}"));
        }
    }
    match blocked {
        Some(true) => {
            if row.blocked_reason.is_none() {
                row.blocked_reason = Some(crate::bulk::NO_REASON.into());
            }
        }
        // Not blocked: a reason the file gives anyway is kept as a line in remarks.
        _ => {
            if let Some(r) = row.blocked_reason.take() {
                extras.push(format!("Block reason: {r}"));
            }
        }
    }
    if !extras.is_empty() {
        let remarks = row.input.remarks.take().into_iter().chain(extras).collect::<Vec<_>>().join("\n");
        row.input.remarks = Some(remarks);
    }
    if row.branch.is_none() {
        row.branch = how.branch_default.clone();
    }
    // A consent from the other system: recorded by the file, not by whoever imported it.
    if row.input.marketing_consent.is_some() && row.consent_by.is_none() {
        row.consent_by = Some(how.consent_by.clone());
    }
    row.notices = notices;
    if !problems.is_empty() {
        row.error = Some(crate::bulk::all_in_one(problems));
    }
    row
}

/// How the rows of `plan` are read on this desk.
pub(super) fn reading(store: &Store, plan: &Plan, opts: &ImportOptions) -> CoreResult<Reading> {
    let desk_order = store.desk().locale.date_order;
    let orders = plan
        .headers
        .iter()
        .map(|h| plan.dates.iter().find(|d| &d.column == h).map_or(desk_order, |d| d.order))
        .collect();
    let today = crate::clock::ms_to_datetime(store.sources().clock.now_ms()).date_naive();
    let branches = store.branches()?;
    let find = |field: &str, text: &str| {
        let t = text.trim();
        branches
            .iter()
            .find(|b| b.code.eq_ignore_ascii_case(t) || b.name.eq_ignore_ascii_case(t))
            .map(|b| b.code.clone())
            .ok_or_else(|| {
                let names: Vec<&str> = branches.iter().map(|b| b.name.as_str()).collect();
                CoreError::validation(
                    field,
                    "unknown_branch",
                    format!("This desk has no branch \"{t}\"; its branches are {}.", names.join(", ")),
                )
            })
    };
    let branch_default =
        opts.branch.as_deref().filter(|b| !b.trim().is_empty()).map(|b| find("branch", b)).transpose()?;
    let mut branch_map = HashMap::new();
    for (name, to) in &opts.branch_map {
        branch_map.insert(name.trim().to_lowercase(), find("branch_map", to)?);
    }
    let file = plan.file_name.clone();
    Ok(Reading {
        columns: plan.columns.clone(),
        custom: plan.custom.clone(),
        headers: plan.headers.clone(),
        orders,
        today,
        branch_default,
        branch_map,
        consent_by: format!("the file {file}"),
    })
}
