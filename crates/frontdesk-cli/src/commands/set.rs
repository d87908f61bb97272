//! `frontdesk set`: a customer's custom values.

use std::path::Path;

use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_core::CoreError;

use crate::cli::SetArgs;
use crate::desk::open;

pub(crate) fn run(args: SetArgs, db: &Path) -> Result<(), CoreError> {
    let store = open(db)?;
    let customer = store.customer(&args.id_or_code)?;
    let mut input = CustomerInput { custom: Default::default(), ..CustomerInput::from_customer(&customer) };
    for pair in &args.values {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(CoreError::validation(
                "values",
                "invalid_pair",
                format!("\"{pair}\" is not FIELD=VALUE (e.g. 'Hair type=Curly'; 'Hair type=' clears it)."),
            ));
        };
        let def = store.custom_field(name).map_err(|e| match e {
            CoreError::NotFound { .. } => {
                let fields: Vec<String> =
                    store.custom_fields(false).unwrap_or_default().into_iter().map(|f| f.label).collect();
                CoreError::validation(
                    "values",
                    "unknown_field",
                    if fields.is_empty() {
                        format!("There is no customer field \"{name}\" (none yet: `frontdesk fields add` adds one).")
                    } else {
                        format!("There is no customer field \"{name}\"; the fields are: {}.", fields.join(", "))
                    },
                )
            }
            other => other,
        })?;
        // The core reads each kind from text (choices split on | ; or ,).
        let value = if value.trim().is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::String(value.to_string())
        };
        input.custom.insert(def.key, value);
    }
    let changes =
        store.write(|w| w.update_customer(&Actor::new("Command line"), customer.id, &input)).map_err(|e| match e {
            // A field made required after this customer was saved: every edit asks for it.
            CoreError::Validation { field, code, message } if code == "required" && !input.custom.contains_key(field.trim_start_matches(frontdesk_core::custom_fields::PREFIX)) => {
                let key = field.trim_start_matches(frontdesk_core::custom_fields::PREFIX).to_string();
                let label = store.custom_field(&key).map(|f| f.label).unwrap_or(key);
                CoreError::Validation {
                    message: format!(
                        "{message} It became required after {} was saved, so any change to them needs it too: add '{label}=…' to this command.",
                        customer.display_name
                    ),
                    field,
                    code,
                }
            }
            other => other,
        })?;
    let after = store.customer(&customer.id.to_string())?;
    if changes.is_empty() {
        outln!("{} ({}): nothing changed.", after.display_name, after.code);
    } else {
        outln!("{} ({}) saved.", after.display_name, after.code);
    }
    for (key, value) in &after.custom {
        outln!("  {key:<24} {value}");
    }
    Ok(())
}
