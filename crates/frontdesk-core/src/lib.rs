//! Frontdesk core: the desk's SQLite store, customers, search, validation, history, import and
//! export, over the shared domain (`frontdesk-domain`: ids, clocks, money, errors, changes).
//!
//! Nothing here depends on a UI toolkit: the desktop shell and the `frontdesk` CLI call the same
//! functions. Clocks and id generators are passed in (see [`clock`]) so tests are deterministic.

pub mod backup;
pub mod branches;
pub mod bulk;
pub mod custom_fields;
pub mod customers;
pub mod export;
mod field_names;
pub mod history;
pub mod import;
#[cfg(feature = "bench")]
pub mod import_parts;
pub mod locale;
pub mod normalize;
pub mod profile;
pub mod search;
pub mod seed;
pub mod segments;
pub mod settings;
pub mod store;
pub mod validate;

// The shared domain, under the paths the core has always used (`crate::ids`, `crate::error`…).
pub use frontdesk_domain::{change, clock, error, ids, money};

pub use error::{CoreError, CoreResult, CustomerRef};
pub use ids::{AppointmentId, BranchId, CustomerId, OrderId, ServiceId, StaffId};
pub use store::Store;

/// The application identifier: the desktop app keeps its database in the OS app-data folder
/// under this name, and the CLI uses the same place by default.
pub const APP_IDENTIFIER: &str = "com.frontdesk.desk";
/// The database file name inside the app-data folder.
pub const DB_FILE: &str = "frontdesk.db";
