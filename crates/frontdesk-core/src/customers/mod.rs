//! Customers: the record, its write path (row + timeline event + outbox in one transaction),
//! reads, and the timeline.

mod custom;
mod draft;
pub mod fields;
pub mod labels;
mod model;
pub(crate) mod names;
mod read;
mod timeline;
mod valid;
mod write;

pub use draft::draft_from_query;
pub use fields::{text_field, TextField, TextFields, TEXT_FIELDS};
pub use model::{display_name, Actor, Customer, CustomerInput, CustomerStatus, MarketingConsent};
pub use read::{ContactOwner, CustomerCheck};
pub use timeline::{FieldChange, Subject, TimelineEvent};
pub use valid::{validate_customer, ValidCustomer};
pub use write::{Imported, InsertOptions};

pub(crate) use custom::{check_import as check_imported_custom, missing as missing_custom, write as write_custom};
pub(crate) use read::{customer_from_row, find};
pub(crate) use timeline::encode_about;
pub(crate) use timeline::{page as timeline_page, status_history};
pub(crate) use write::shared_bit;

pub(crate) fn read_columns() -> &'static str {
    read::columns()
}

pub(crate) fn read_from() -> &'static str {
    read::FROM
}
