//! `frontdesk show`: one customer with their history.

use std::path::Path;

use frontdesk_core::CoreError;

use crate::cli::ShowArgs;
use crate::desk::open_existing;
use crate::print;

pub(crate) fn run(args: ShowArgs, db: &Path) -> Result<(), CoreError> {
    let ShowArgs { id_or_code, json } = args;
    if id_or_code.trim().is_empty() {
        return Err(CoreError::validation("id_or_code", "required", "Give a customer's code (e.g. QKM-1042) or id."));
    }
    let store = open_existing(db)?;
    let detail = store.customer_detail(&id_or_code, 100)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&print::detail_json(&detail)).unwrap_or_default());
    } else {
        print::print_detail(&detail, &store.custom_fields(false)?, &store.desk().default_region);
    }
    Ok(())
}
