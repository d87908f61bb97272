//! The names a business's own field may not take — a standard field's key or label, or a
//! header imports read as one ("Mobile", "Surname") — and the store's entry points that add and
//! edit fields, which check them (the definitions themselves are `custom_fields`').

use crate::custom_fields::{key_from_label, FieldDef, FieldInput};
use crate::error::{CoreError, CoreResult};
use crate::store::Store;

/// Refuses a label or key that files would read as a standard field.
pub(crate) fn check(input: &FieldInput) -> CoreResult<()> {
    let label = input.label.trim();
    let key = input.key.clone().unwrap_or_else(|| key_from_label(label));
    for (field, name) in [("label", label), ("key", key.as_str())] {
        if let Some(standard) = crate::import::standard_name(name) {
            let theirs = crate::customers::labels::label(standard);
            return Err(CoreError::validation(
                field,
                "standard_field",
                format!(
                    "\"{name}\" is what files call the customer's {theirs}, a field every customer already has; name yours differently (e.g. \"{label} (2)\" or \"Other {}\").",
                    theirs.to_lowercase()
                ),
            ));
        }
    }
    Ok(())
}

impl Store {
    pub fn add_custom_field(&self, input: &FieldInput) -> CoreResult<FieldDef> {
        check(input)?;
        self.write(|w| w.add_custom_field(input))
    }

    /// Saves a field's settings; a new label is checked as a new field's is.
    pub fn edit_custom_field(&self, key: &str, input: &FieldInput) -> CoreResult<FieldDef> {
        let old = self.custom_field(key)?;
        if old.label.trim().to_lowercase() != input.label.trim().to_lowercase() {
            check(&FieldInput { key: Some(old.key.clone()), ..input.clone() }).or_else(|e| match e {
                // Its key was made when the rule did not exist: only the new label counts.
                CoreError::Validation { ref field, .. } if field == "key" => Ok(()),
                other => Err(other),
            })?;
        }
        self.write(|w| w.edit_custom_field(key, input))
    }
}
