//! The services catalogue and the staff list (edited in the settings).

use frontdesk_core::history::{Service, ServiceInput, StaffInput, StaffMember};
use frontdesk_core::{CoreResult, ServiceId, StaffId};
use tauri::State;

use super::blocking;
use crate::Desk;

#[tauri::command]
#[specta::specta]
pub async fn add_service(desk: State<'_, Desk>, input: ServiceInput) -> CoreResult<Service> {
    blocking(&desk, move |s| s.add_service(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_service(desk: State<'_, Desk>, id: ServiceId, input: ServiceInput) -> CoreResult<Service> {
    blocking(&desk, move |s| s.update_service(id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_staff(desk: State<'_, Desk>, input: StaffInput) -> CoreResult<StaffMember> {
    blocking(&desk, move |s| s.add_staff(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_staff(desk: State<'_, Desk>, id: StaffId, input: StaffInput) -> CoreResult<StaffMember> {
    blocking(&desk, move |s| s.update_staff(id, &input)).await
}
