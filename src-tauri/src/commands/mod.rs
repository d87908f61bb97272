//! The window's commands: each one reads its arguments, calls `frontdesk-core` on a blocking
//! worker (the store is synchronous SQLite) and returns the core's result. Errors are the core's
//! [`CoreError`], serialised `{type, data}` so the UI matches on `type`, never on messages.

mod backup;
mod catalog;
mod customers;
mod desk;
mod fields;
mod history;
mod import;
mod segments;

pub use backup::*;
pub use catalog::*;
pub use customers::*;
pub use desk::*;
pub use fields::*;
pub use history::*;
pub use import::*;
pub use segments::*;

use frontdesk_core::{CoreError, CoreResult, CustomerId, Store};

use crate::Desk;

/// Runs `f` with the store off the async runtime's threads.
async fn blocking<T: Send + 'static>(
    desk: &Desk,
    f: impl FnOnce(&Store) -> CoreResult<T> + Send + 'static,
) -> CoreResult<T> {
    let store = desk.store.clone();
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| CoreError::Storage { message: format!("the desk's database worker stopped: {e}") })?
}

fn customer_id(id: &str) -> CoreResult<CustomerId> {
    id.parse().map_err(|_| CoreError::validation("id", "invalid_id", format!("'{id}' is not a customer id.")))
}
