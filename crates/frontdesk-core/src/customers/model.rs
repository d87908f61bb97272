//! The customer record as the rest of the program sees it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::fields::TextFields;
use crate::ids::{BranchId, CustomerId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Active,
    Blocked,
}

impl CustomerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Blocked => "blocked",
        }
    }
    pub(crate) fn from_db(v: i64) -> Self {
        if v == 1 {
            CustomerStatus::Blocked
        } else {
            CustomerStatus::Active
        }
    }
    pub(crate) fn to_db(self) -> i64 {
        match self {
            CustomerStatus::Active => 0,
            CustomerStatus::Blocked => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MarketingConsent {
    pub granted: bool,
    pub at: DateTime<Utc>,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Customer {
    pub id: CustomerId,
    pub code: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub phone_raw: Option<String>,
    pub phone_e164: Option<String>,
    pub phone_shared: bool,
    pub email: Option<String>,
    pub email_shared: bool,
    #[serde(flatten)]
    pub text: TextFields,
    pub branch_id: BranchId,
    pub branch: String,
    pub status: CustomerStatus,
    pub blocked_reason: Option<String>,
    pub remarks: Option<String>,
    pub tags: Vec<String>,
    pub birthday: Option<NaiveDate>,
    pub marketing_consent: Option<MarketingConsent>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Values of the business's own fields, by key (`hair_type`), as people read them: text, a
    /// number, `YYYY-MM-DD`, yes/no as `true`/`false`, an option's label or a list of labels.
    /// Archived fields' values are kept but not shown here.
    #[serde(default)]
    pub custom: BTreeMap<String, serde_json::Value>,
}

/// What a person types into the customer form (create, or edit: the whole form is sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CustomerInput {
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    /// The phone is knowingly shared with another customer (family number): accept it.
    pub phone_shared: bool,
    pub email: Option<String>,
    /// The email is knowingly shared with another customer (family address): accept it.
    pub email_shared: bool,
    #[serde(flatten)]
    pub text: TextFields,
    pub branch_id: Option<BranchId>,
    pub remarks: Option<String>,
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`
    pub birthday: Option<String>,
    /// `Some(true|false)` records the customer's answer (with time and who asked); `None`
    /// leaves it as it was.
    pub marketing_consent: Option<bool>,
    /// Custom values by key (`hair_type` or `custom.hair_type`) in the form [`Customer::custom`]
    /// shows them; `null` or `""` clears one. A field left out keeps its value (a new customer
    /// gets the field's default).
    pub custom: BTreeMap<String, serde_json::Value>,
    /// Typed in quick create: only the required fields shown there must be filled.
    pub quick_create: bool,
}

impl CustomerInput {
    /// The form's content for an existing customer (for edits that change a few fields).
    pub fn from_customer(c: &Customer) -> Self {
        CustomerInput {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            phone: c.phone_raw.clone(),
            phone_shared: c.phone_shared,
            email: c.email.clone(),
            email_shared: c.email_shared,
            text: c.text.clone(),
            branch_id: Some(c.branch_id),
            remarks: c.remarks.clone(),
            tags: c.tags.clone(),
            birthday: c.birthday.map(|d| d.to_string()),
            marketing_consent: None,
            custom: c.custom.clone(),
            quick_create: false,
        }
    }
}

pub fn display_name(first: &str, last: &str) -> String {
    match (first.is_empty(), last.is_empty()) {
        (false, false) => format!("{first} {last}"),
        (false, true) => first.to_string(),
        _ => last.to_string(),
    }
}

/// Who did something: shown on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actor(pub String);

impl Actor {
    pub fn new(name: impl Into<String>) -> Self {
        Actor(name.into())
    }
}
