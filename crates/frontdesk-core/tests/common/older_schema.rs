//! Undoing what later migrations added, for tests that turn a desk back into one of an older
//! schema (with `PRAGMA user_version`) so that opening it migrates it again.

/// Columns migrations added to existing tables, `(table, column)`: a migration that adds a
/// column adds it here, so every rewound desk is one its migrations can apply to.
pub const ADDED_COLUMNS: &[(&str, &str)] = &[("orders", "points_rate"), ("refunds", "method")];

/// SQL dropping every column of [`ADDED_COLUMNS`].
pub fn drop_added_columns() -> String {
    ADDED_COLUMNS.iter().map(|(t, c)| format!("ALTER TABLE {t} DROP COLUMN {c};")).collect::<Vec<_>>().join(" ")
}
