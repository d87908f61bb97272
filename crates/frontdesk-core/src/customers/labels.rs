//! What people call each customer field: timeline lines, import targets and the window's
//! labels all read this one table (with the text fields' labels, from their own table).

use super::fields::TEXT_FIELDS;

/// `(field, label)`: every field a customer change, an import column or an error names, but
/// the text fields (see [`field_labels`]).
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("id", "Frontdesk id"),
    ("code", "Customer code"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("full_name", "Full name (split into first and last)"),
    ("email", "Email"),
    ("email_shared", "Email shared with family (yes/no)"),
    ("phone", "Phone"),
    ("phone_raw", "Phone"),
    ("phone_e164", "Phone (international form)"),
    ("phone_shared", "Phone shared with family (yes/no)"),
    ("phone_other", "Other phone (used when there is no phone)"),
    ("branch", "Branch"),
    ("branch_id", "Branch"),
    ("status", "Status (blocked or not)"),
    ("blocked", "Blocked (yes/no)"),
    ("blocked_reason", "Block reason"),
    ("tags", "Profile notes"),
    ("remarks", "Internal remarks"),
    ("birthday", "Birthday"),
    ("marketing_consent", "Marketing consent (yes/no)"),
    ("marketing_consent_at", "Marketing consent date"),
    ("marketing_consent_by", "Marketing consent recorded by"),
    ("created_at", "Client since"),
    ("updated_at", "Last updated"),
    ("extra", "Add to remarks (a labelled line)"),
    ("ignore", "Do not import"),
];

/// Every field's label: [`FIELD_LABELS`] and the text fields'.
pub fn field_labels() -> impl Iterator<Item = (&'static str, &'static str)> {
    FIELD_LABELS.iter().copied().chain(TEXT_FIELDS.iter().map(|f| (f.key, f.label)))
}

/// The label of `field` (the field itself when the table has none).
pub fn label(field: &str) -> &str {
    field_labels().find(|(f, _)| *f == field).map_or(field, |(_, l)| l)
}
