//! Which field a column goes to: the targets, and the headers other systems export.

use std::collections::HashMap;

/// Fields a column can be mapped to (the text fields stand where the address always stood).
pub fn fields() -> &'static [&'static str] {
    static FIELDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let before = [
            "id",
            "code",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "email_shared",
            "phone",
            "phone_e164",
            "phone_shared",
        ];
        let after = [
            "branch",
            "status",
            "blocked_reason",
            "tags",
            "remarks",
            "birthday",
            "marketing_consent",
            "marketing_consent_at",
            "marketing_consent_by",
            "created_at",
            "updated_at",
        ];
        before.into_iter().chain(crate::customers::TEXT_FIELDS.iter().map(|f| f.key)).chain(after).collect()
    });
    &FIELDS
}

/// Targets beyond the customer's fields: `extra` keeps the value as a labelled line in
/// remarks; `phone_other` is the phone when the row has none (else an extra); `blocked` is a
/// yes/no; `ignore` a figure the other system computed.
pub const MORE_TARGETS: &[&str] = &["extra", "phone_other", "blocked", "ignore"];

/// The shipped table of the headers other systems export (see docs/migration-sources.md).
pub const COLUMNS_TABLE: &str = include_str!("../../data/import_columns.csv");

pub(super) fn header_key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The standard field `name` reads as in a file (its key, its label, or another system's
/// header for it), if any: a business's own field may not be named so, or imports would have
/// to guess which of the two a column fills.
pub(crate) fn standard_name(name: &str) -> Option<&'static str> {
    let key = header_key(name);
    if key.is_empty() {
        return None;
    }
    fields()
        .iter()
        .chain(&["archived_at"])
        .copied()
        .find(|f| header_key(f) == key || header_key(crate::customers::labels::label(f)) == key)
        .or_else(|| alias(name).filter(|t| !matches!(*t, "ignore" | "extra")))
}

/// Header → target, from [`COLUMNS_TABLE`], else a text field's key or label.
pub fn alias(header: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<HashMap<String, &'static str>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        COLUMNS_TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .filter_map(|l| {
                let (h, t) = l.split_once(',')?;
                let t = fields().iter().chain(MORE_TARGETS).copied().find(|f| *f == t.trim())?;
                Some((h.trim().to_string(), t))
            })
            .collect()
    });
    let key = header_key(header);
    // A text field is also found by its own key or label ("Postcode", "postal_code").
    table.get(&key).copied().or_else(|| {
        crate::customers::TEXT_FIELDS
            .iter()
            .find(|f| header_key(f.key) == key || header_key(f.label) == key)
            .map(|f| f.key)
    })
}
