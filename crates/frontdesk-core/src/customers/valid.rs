//! The customer form's rules.

use chrono::NaiveDate;

use super::fields::{TextFields, TEXT_FIELDS};
use super::CustomerInput;
use crate::error::{CoreError, CoreResult};
use crate::ids::BranchId;
use crate::store::search_index::IndexKeys;
use crate::validate::{check_email, multi_line, parse_phone, single_line};

/// A customer form that passed every field rule, normalised and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCustomer {
    pub first_name: String,
    pub last_name: String,
    pub phone_raw: Option<String>,
    pub phone_e164: Option<String>,
    pub phone_shared: bool,
    pub email: Option<String>,
    pub email_shared: bool,
    pub text: TextFields,
    pub branch_id: BranchId,
    pub remarks: Option<String>,
    pub tags: Vec<String>,
    pub birthday: Option<NaiveDate>,
    pub marketing_consent: Option<bool>,
}

impl ValidCustomer {
    /// What the search tables hold for this customer.
    pub(crate) fn index_keys(&self) -> IndexKeys {
        IndexKeys::of(&self.first_name, &self.last_name, self.email.as_deref(), self.phone_e164.as_deref())
    }
}

pub const NAME_MAX: usize = 100;
const TAG_MAX: usize = 100;
const TAGS_MAX: usize = 50;

fn opt(field: &str, v: &Option<String>, max: usize) -> CoreResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(s) => {
            let s = single_line(field, s, max)?;
            Ok(if s.is_empty() { None } else { Some(s) })
        }
    }
}

/// Checks every field and returns all problems at once (a form shows them all), or the
/// normalised customer. `today` bounds the birthday; `default_region` reads local phones.
pub fn validate_customer(
    input: &CustomerInput,
    default_region: &str,
    default_branch: BranchId,
    today: NaiveDate,
) -> Result<ValidCustomer, Vec<CoreError>> {
    let mut errors = Vec::new();
    let mut keep = |r: CoreResult<Option<String>>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let first_name = keep(single_line("first_name", &input.first_name, NAME_MAX).map(Some)).unwrap_or_default();
    let last_name = keep(single_line("last_name", &input.last_name, NAME_MAX).map(Some)).unwrap_or_default();
    let mut text = TextFields::default();
    for f in TEXT_FIELDS {
        *(f.get_mut)(&mut text) = keep(f.check((f.get)(&input.text)));
    }
    let remarks = keep(match &input.remarks {
        Some(r) => multi_line("remarks", r, 5000).map(|r| if r.is_empty() { None } else { Some(r) }),
        None => Ok(None),
    });
    let email = keep(opt("email", &input.email, 254).and_then(|e| {
        if let Some(e) = &e {
            check_email("email", e)?;
        }
        Ok(e)
    }));
    let region = text.country.clone().unwrap_or_else(|| default_region.to_string());
    let phone_raw = keep(opt("phone", &input.phone, 40));
    let mut phone_e164 = None;
    if let Some(raw) = &phone_raw {
        match parse_phone("phone", raw, &region) {
            Ok(p) => phone_e164 = Some(p.e164),
            Err(e) => errors.push(e),
        }
    }
    let mut birthday = None;
    if let Some(b) = input.birthday.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        match NaiveDate::parse_from_str(b, "%Y-%m-%d") {
            Ok(d) if d > today => {
                errors.push(CoreError::validation("birthday", "in_future", "A birthday cannot be in the future."))
            }
            Ok(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => errors.push(CoreError::validation(
                "birthday",
                "too_old",
                "A birthday before 1900 is surely a typing mistake.",
            )),
            Ok(d) => birthday = Some(d),
            Err(_) => errors.push(CoreError::validation(
                "birthday",
                "invalid_date",
                format!("\"{b}\" is not a date; use YYYY-MM-DD, e.g. 1990-04-23."),
            )),
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in &input.tags {
        match single_line("tags", t, TAG_MAX) {
            Ok(t) if t.is_empty() => {}
            Ok(t) => {
                if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                    tags.push(t);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if tags.len() > TAGS_MAX {
        errors.push(CoreError::validation(
            "tags",
            "too_many",
            format!("{} notes; keep at most {TAGS_MAX}.", tags.len()),
        ));
    }
    if first_name.is_empty()
        && last_name.is_empty()
        && !errors.iter().any(|e| matches!(e.field(), Some("first_name" | "last_name")))
    {
        errors.insert(0, CoreError::validation("first_name", "required", "Enter a first or last name."));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidCustomer {
        first_name,
        last_name,
        phone_shared: input.phone_shared && phone_e164.is_some(),
        phone_raw,
        phone_e164,
        email_shared: input.email_shared && email.is_some(),
        email,
        text,
        branch_id: input.branch_id.unwrap_or(default_branch),
        remarks,
        tags,
        birthday,
        marketing_consent: input.marketing_consent,
    })
}
