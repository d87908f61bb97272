//! Finding, reading and changing customers.

use frontdesk_core::customers::{Customer, CustomerCheck, CustomerInput, TimelineEvent};
use frontdesk_core::profile::CustomerDetail;
use frontdesk_core::search::{SearchPage, SearchRequest};
use frontdesk_core::CoreResult;
use tauri::State;

use super::{blocking, customer_id};
use crate::Desk;

/// How many timeline events the profile shows before "show more".
const PROFILE_TIMELINE: usize = 50;

/// The directory: one query string, filters, sort and a keyset cursor.
#[tauri::command]
#[specta::specta]
pub async fn search(desk: State<'_, Desk>, request: SearchRequest) -> CoreResult<SearchPage> {
    blocking(&desk, move |s| s.search(&request)).await
}

/// A customer (by id or code) with status history and the newest timeline events.
#[tauri::command]
#[specta::specta]
pub async fn customer_detail(desk: State<'_, Desk>, id: String) -> CoreResult<CustomerDetail> {
    blocking(&desk, move |s| s.customer_detail(&id, PROFILE_TIMELINE)).await
}

/// Older timeline events: `before` is the `seq` of the oldest event shown.
#[tauri::command]
#[specta::specta]
pub async fn timeline(
    desk: State<'_, Desk>,
    id: String,
    before: Option<i64>,
    limit: u32,
) -> CoreResult<Vec<TimelineEvent>> {
    let id = customer_id(&id)?;
    blocking(&desk, move |s| s.timeline(id, before, limit.clamp(1, 500) as usize)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_customer(desk: State<'_, Desk>, input: CustomerInput) -> CoreResult<Customer> {
    let actor = desk.actor();
    blocking(&desk, move |s| s.create_customer(&actor, &input)).await
}

/// Saves the whole form of an existing customer.
#[tauri::command]
#[specta::specta]
pub async fn update_customer(desk: State<'_, Desk>, id: String, input: CustomerInput) -> CoreResult<Customer> {
    let (id, actor) = (customer_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.update_customer(&actor, id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn block_customer(desk: State<'_, Desk>, id: String, reason: String) -> CoreResult<Customer> {
    let (id, actor) = (customer_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.block_customer(&actor, id, &reason)).await
}

#[tauri::command]
#[specta::specta]
pub async fn unblock_customer(desk: State<'_, Desk>, id: String, note: Option<String>) -> CoreResult<Customer> {
    let (id, actor) = (customer_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.unblock_customer(&actor, id, note.as_deref())).await
}

#[tauri::command]
#[specta::specta]
pub async fn archive_customer(desk: State<'_, Desk>, id: String) -> CoreResult<Customer> {
    let (id, actor) = (customer_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.archive_customer(&actor, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_customer(desk: State<'_, Desk>, id: String) -> CoreResult<Customer> {
    let (id, actor) = (customer_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.restore_customer(&actor, id)).await
}

/// Checks a form while it is typed; `except` is the customer being edited.
#[tauri::command]
#[specta::specta]
pub async fn check_customer(
    desk: State<'_, Desk>,
    input: CustomerInput,
    except: Option<String>,
) -> CoreResult<CustomerCheck> {
    let except = except.as_deref().map(customer_id).transpose()?;
    blocking(&desk, move |s| s.check_customer(&input, except)).await
}

/// What was typed in a search box, as a new customer's first values (name, phone, email).
#[tauri::command]
#[specta::specta]
pub fn draft_customer(query: String) -> CoreResult<CustomerInput> {
    Ok(frontdesk_core::customers::draft_from_query(&query))
}
