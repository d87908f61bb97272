//! Undoing what later migrations added, for tests that turn a desk back into one of an older
//! schema (with `PRAGMA user_version`) so that opening it migrates it again.

/// Columns migrations added to existing tables, `(table, column)`: a migration that adds a
/// column adds it here, so every rewound desk is one its migrations can apply to.
pub const ADDED_COLUMNS: &[(&str, &str)] = &[("orders", "points_rate"), ("refunds", "method")];

/// Tables later migrations created (dependents first), dropped in the same way.
pub const ADDED_TABLES: &[&str] = &["segments", "custom_values", "custom_field_options", "custom_fields"];

/// SQL dropping every column of [`ADDED_COLUMNS`] and every table of [`ADDED_TABLES`].
pub fn drop_added_columns() -> String {
    let tables = ADDED_TABLES.iter().map(|t| format!("DROP TABLE IF EXISTS {t};"));
    let columns = ADDED_COLUMNS.iter().map(|(t, c)| format!("ALTER TABLE {t} DROP COLUMN {c};"));
    tables.chain(columns).collect::<Vec<_>>().join(" ")
}
