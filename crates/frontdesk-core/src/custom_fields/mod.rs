//! The business's own customer fields (hair type, patch-test date, membership number…): their
//! definitions here, read and written through the store like every other record; each value is
//! `custom.<key>` to validation and errors. Values are stored typed, one row per customer and
//! field (`custom_values`), so renames are free and comparisons numeric where they should be.

mod model;
mod read;
mod values;
mod write;

pub use model::{FieldDef, FieldInput, FieldKind, FieldOption, Place};
pub use write::key_from_label;

/// The prefix of a custom field's name in errors, imports and conditions: `custom.hair_type`.
pub const PREFIX: &str = "custom.";
